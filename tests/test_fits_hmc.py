"""fits.hmc: NUTS posteriors of densities with known moments, warm starts, log scales, diagnostics
and the errors raised before anything compiles.

Accuracy is judged in Monte Carlo standard errors. A posterior expectation E[f] is estimated by
the mean of f over all draws, with MCSE = sd(f)/√ESS(f), ESS from numpyro's estimator on the
(chains, draws) series of f itself. A covariance entry C_ij is the expectation of
f = (x_i − x̄_i)(x_j − x̄_j), so its MCSE is that of f (using x̄ instead of the true mean shifts
the estimate by O(1/N), far below the O(1/√N) error). Every comparison is at 3 MCSE with a fixed
key, so a run is deterministic on one platform.
"""

import json
import math
import os
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from numpyro.diagnostics import effective_sample_size

from fits import hmc
from fits.space import Parameter, Space, Warp

_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 names it trapz


def mcse(f):
    """Monte Carlo standard error of the mean of a (chains, draws) series."""
    f = np.asarray(f, dtype=float)
    return float(np.std(f) / math.sqrt(effective_sample_size(f)))


def assert_expectation(f, truth, what):
    estimate, error = float(np.mean(f)), mcse(f)
    assert abs(estimate - truth) < 3 * error, f"{what}: {estimate:.5g} vs {truth:.5g} (MCSE {error:.2g})"


def assert_moments(post, mean, cov):
    """Means and every covariance entry within 3 MCSE of the truth."""
    x = post.array()  # (chains, draws, dim)
    centred = x - x.reshape(-1, x.shape[-1]).mean(axis=0)
    for i, n in enumerate(post.names):
        assert_expectation(x[..., i], mean[i], f"mean of {n}")
        for j in range(i, len(post.names)):
            assert_expectation(centred[..., i] * centred[..., j], cov[i][j], f"cov({n}, {post.names[j]})")


def assert_converged(post, min_ess=1000):
    for n in post.names:
        assert post.r_hat[n] < 1.01, f"R-hat of {n} = {post.r_hat[n]:.4f}"
        assert post.ess[n] >= min_ess, f"ESS of {n} = {post.ess[n]:.0f}"


# --- a correlated 5-D Gaussian in flat, wide bounds -------------------------------------------
MU = np.array([1.0, -2.0, 0.5, 3.0, 0.0])
SD = np.array([1.0, 0.5, 2.0, 1.5, 0.3])
CORR = np.array(
    [
        [1.0, 0.6, -0.3, 0.2, 0.0],
        [0.6, 1.0, -0.5, 0.1, 0.3],
        [-0.3, -0.5, 1.0, 0.4, -0.2],
        [0.2, 0.1, 0.4, 1.0, 0.5],
        [0.0, 0.3, -0.2, 0.5, 1.0],
    ]
)
COV = CORR * np.outer(SD, SD)
PRECISION = np.linalg.inv(COV)
GAUSS_SPACE = Space([Parameter(f"x{i}", -50.0, 50.0) for i in range(5)])


def gauss_chi2(x):
    d = x - MU
    return d @ PRECISION @ d


@pytest.fixture(scope="module")
def gauss():
    return hmc.sample(gauss_chi2, GAUSS_SPACE, chains=4, warmup=500, samples=1000, key=jax.random.PRNGKey(11))


def test_correlated_gaussian_5d_recovers_mean_and_covariance(gauss):
    assert np.all(np.linalg.eigvalsh(COV) > 0)
    assert_converged(gauss)
    assert_moments(gauss, MU, COV)
    assert gauss.divergences == 0
    assert gauss.samples["x0"].shape == (4, 1000)


def test_chi2_of_every_draw_matches_the_objective(gauss):
    direct = jax.vmap(gauss_chi2)(jnp.asarray(gauss.flat())).reshape(gauss.chi2.shape)
    np.testing.assert_allclose(gauss.chi2, direct, rtol=1e-9, atol=1e-9)
    # χ² of a 5-D Gaussian posterior is χ²(5)-distributed: mean 5, variance 10.
    assert_expectation(gauss.chi2, 5.0, "mean χ²")


def test_summary_and_to_dict(gauss):
    d = gauss.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["names"] == list(GAUSS_SPACE.names) and d["chains"] == 4 and d["draws"] == 1000
    assert set(d["quantiles"]["x2"]) == {"2.5", "16", "50", "84", "97.5"}
    q = d["quantiles"]["x2"]
    assert q["16"] < q["50"] < q["84"] and q["84"] - q["16"] == pytest.approx(2 * SD[2], rel=0.1)
    assert d["r_hat"]["x1"] == gauss.r_hat["x1"] and d["divergences"] == 0
    assert d["n_evals"] == int(gauss.num_steps.sum()) and d["warmup_steps"] is None
    text = gauss.summary()
    assert all(n in text for n in GAUSS_SPACE.names) and "4 chains × 1000 draws" in text
    assert 0.6 < gauss.accept_rate <= 1.0


# --- a banana: x ~ N(0, a²), y | x ~ N(b(x² − a²), 1) --------------------------------------------
def banana(a, b):
    """χ² of the twisted Gaussian of Haario, Saksman & Tamminen, Comput. Stat. 14 (1999) 375.
    Exact moments: E = (0, 0), Var x = a², Var y = 1 + 2 a⁴ b², Cov(x, y) = b E[x³] = 0."""

    def chi2(x):
        return (x[0] / a) ** 2 + (x[1] - b * (x[0] ** 2 - a**2)) ** 2

    return chi2, np.zeros(2), np.diag([a**2, 1 + 2 * a**4 * b**2])


BANANA_SPACE = Space([Parameter("x", -30.0, 30.0), Parameter("y", -30.0, 30.0)])


def test_banana_2d_recovers_mean_and_covariance():
    chi2, mean, cov = banana(1.0, 0.5)
    post = hmc.sample(chi2, BANANA_SPACE, chains=4, warmup=500, samples=1500, key=jax.random.PRNGKey(1))
    assert_converged(post)
    assert_moments(post, mean, cov)
    assert post.divergences < 0.005 * post.chi2.size


@pytest.mark.slow
def test_banana_2d_classic_curvature():
    chi2, mean, cov = banana(1.0, 1.0)
    post = hmc.sample(
        chi2, BANANA_SPACE, chains=4, warmup=1000, samples=4000, target_accept=0.9, dense_mass=False, key=jax.random.PRNGKey(1)
    )
    assert_converged(post)
    assert_moments(post, mean, cov)


# --- multimodal 1-D: a double well the chains cross, and modes they cannot ----------------------
def double_well(m, h):
    """χ²/2 = h((x/m)² − 1)²: modes at ±m, the density at the barrier x = 0 is e^{−h} of the peak."""
    return lambda x: 2 * h * ((x[0] / m) ** 2 - 1) ** 2


def moments_1d(chi2, low, high):
    """Mean and variance of e^{−χ²/2} on [low, high] by the trapezoidal rule on 200 001 points."""
    x = np.linspace(low, high, 200_001)
    p = np.exp(-0.5 * np.asarray(jax.vmap(chi2)(jnp.asarray(x[:, None]))))
    z = _trapezoid(p, x)
    mean = _trapezoid(x * p, x) / z
    return mean, _trapezoid((x - mean) ** 2 * p, x) / z


def test_double_well_both_modes_in_proportion():
    chi2 = double_well(1.5, 0.75)
    space = Space([Parameter("x", -20.0, 20.0)])
    post = hmc.sample(chi2, space, chains=4, warmup=500, samples=4000, key=jax.random.PRNGKey(2))
    assert_converged(post)
    mean, var = moments_1d(chi2, -20.0, 20.0)
    assert mean == pytest.approx(0.0, abs=1e-12) and var > 1.0  # wider than either mode (σ ≈ 0.6)
    assert_moments(post, [mean], [[var]])
    assert_expectation(post.samples["x"] > 0, 0.5, "weight of the x > 0 mode")


def test_r_hat_flags_chains_stuck_in_separate_modes():
    """Modes at ±5 with σ = 0.5 (barrier Δχ² = 100): chains started in different modes stay
    there, and split-R̂ must say so rather than report a converged posterior."""
    chi2 = double_well(5.0, 25.0)
    space = Space([Parameter("x", -20.0, 20.0)])
    starts = np.array([[-5.0], [5.0], [-5.0], [5.0]])
    post = hmc.sample(chi2, space, chains=4, warmup=200, samples=300, init=starts, key=jax.random.PRNGKey(3))
    assert np.all(np.sign(post.samples["x"]) == np.sign(starts))  # each chain kept its mode
    assert post.r_hat["x"] > 1.5


# --- warm starts ------------------------------------------------------------------------------
NARROW_MU = np.array([0.3, -0.2])
NARROW_COV = np.array([[1e-6, 1.2e-6], [1.2e-6, 4e-6]])  # σ = 1e-3, 2e-3, ρ = 0.6
NARROW_SPACE = Space([Parameter("a", -10.0, 10.0), Parameter("b", -10.0, 10.0)])


def narrow_chi2(x):
    d = x - NARROW_MU
    return d @ jnp.asarray(np.linalg.inv(NARROW_COV)) @ d


def test_warm_start_starts_every_chain_at_init_inside_the_bounds():
    U = hmc.potential(narrow_chi2, NARROW_SPACE)
    u = np.asarray(hmc._starts(U, NARROW_SPACE, jax.random.PRNGKey(0), 4, NARROW_MU)[0])
    u_init = np.asarray(NARROW_SPACE.to_unconstrained(NARROW_MU))
    np.testing.assert_array_equal(u[0], u_init)  # chain 0 exactly at init
    assert np.all(u[1:] != u_init) and np.all(np.abs(u - u_init) < 10 * hmc.INIT_JITTER)
    x = np.asarray(NARROW_SPACE.to_physical(u))
    assert np.all(NARROW_SPACE.contains(x)) and np.all(np.abs(x - NARROW_MU) < 0.01)
    # A start on a bound (u = ±inf) is pulled just inside.
    on_bound = np.asarray(hmc._starts(U, NARROW_SPACE, jax.random.PRNGKey(0), 2, np.array([10.0, -10.0]))[0])
    assert np.all(np.isfinite(on_bound)) and np.all(np.abs(on_bound) <= hmc.U_MAX + 10 * hmc.INIT_JITTER)


def test_warm_start_from_a_best_fit_dict():
    init = dict(zip(NARROW_SPACE.names, NARROW_MU))
    post = hmc.sample(narrow_chi2, NARROW_SPACE, chains=4, warmup=500, samples=1000, init=init, key=jax.random.PRNGKey(4))
    assert_converged(post)
    assert_moments(post, NARROW_MU, NARROW_COV)


def test_non_finite_chi2_at_the_start_raises():
    def chi2(x):  # finite only for x > 0.999: prior draws (almost) never land there
        return jnp.where(x[0] > 0.999, (x[0] - 0.9995) ** 2, jnp.nan)

    space = Space([Parameter("x", 0.0, 1.0)])
    with pytest.raises(ValueError, match="prior draws; give `init`"):
        hmc.sample(chi2, space, key=jax.random.PRNGKey(0))
    with pytest.raises(ValueError, match="init: χ² or its gradient is not finite"):
        hmc.sample(chi2, space, init=[0.5])
    starts = np.asarray(hmc._starts(hmc.potential(chi2, space), space, jax.random.PRNGKey(0), 4, np.array([0.9995]))[0])
    assert np.all(np.asarray(space.to_physical(starts)) > 0.999)


# --- a log-scale parameter and a Gaussian-prior nuisance ---------------------------------------
def test_log_scale_parameter_and_normal_prior_recovered():
    """χ² = ((ln m − ln 2)/0.3)² with m log-uniform on [1e-3, 1e3]: ln m ~ N(ln 2, 0.3²), so
    E[m] = 2 e^{0.045}. n has a N(1, 0.5²) prior and no likelihood: its posterior is the prior."""
    mu, sigma = math.log(2.0), 0.3
    space = Space([Parameter("m", 1e-3, 1e3, scale="log"), Parameter("n", prior="normal", mean=1.0, sigma=0.5)])

    def chi2(x):
        return ((jnp.log(x[0]) - mu) / sigma) ** 2

    post = hmc.sample(chi2, space, chains=4, warmup=500, samples=1000, key=jax.random.PRNGKey(5))
    assert_converged(post)
    m, n = post.samples["m"], post.samples["n"]
    assert np.all(m > 0)
    ln_m = np.log(m)
    assert_expectation(ln_m, mu, "mean of ln m")
    assert_expectation((ln_m - ln_m.mean()) ** 2, sigma**2, "variance of ln m")
    assert_expectation(m, 2.0 * math.exp(sigma**2 / 2), "mean of m")
    assert_expectation(n, 1.0, "mean of n")
    assert_expectation((n - n.mean()) ** 2, 0.25, "variance of n")
    assert_expectation((n - n.mean()) * (ln_m - ln_m.mean()), 0.0, "cov(ln m, n)")

def test_a_warped_funnel_is_sampled_with_its_own_prior():
    """χ² = (s (a − ½)/0.1)², s log-uniform on [10⁻², 10²], a uniform on [0, 1]: a's posterior width
    0.1/s spans four decades. Sampled with the warp w = asinh(s(a − ½)/0.1) (`fits.space.Warp`; the
    asinh keeps w's range, and so the band's width in u, O(1) at every s), the draws keep a's flat
    prior: the marginal of t = ln s is ∝ erf(5s/√2)/s (a's Gaussian integral)."""
    warp = Warp("a", lambda a, o: jnp.arcsinh(o["s"] * (a - 0.5) / 0.1), lambda w, o: 0.5 + 0.1 * jnp.sinh(w) / o["s"])
    space = Space([Parameter("s", 1e-2, 1e2, scale="log"), Parameter("a", 0.0, 1.0)], warps=[warp])

    def chi2(x):
        return (x[0] * (x[1] - 0.5) / 0.1) ** 2

    post = hmc.sample(chi2, space, chains=4, warmup=500, samples=1000, key=jax.random.PRNGKey(6))
    assert_converged(post, min_ess=400)
    t = np.linspace(math.log(1e-2), math.log(1e2), 20001)
    weight = np.array([math.erf(5 * math.exp(v) / math.sqrt(2)) for v in t]) * np.exp(-t)
    mean_t = _trapezoid(t * weight, t) / _trapezoid(weight, t)
    assert_expectation(np.log(post.samples["s"]), mean_t, "mean of ln s")
    assert_expectation(post.samples["a"], 0.5, "mean of a")


# --- bad input --------------------------------------------------------------------------------
def _untraceable(x):
    raise AssertionError("chi2 was traced before the arguments were checked")


@pytest.mark.parametrize(
    "change, culprit",
    [
        (dict(chi2=3.0), "chi2"),
        (dict(space=[Parameter("x0", 0, 1)]), "space"),
        (dict(chains=0), "chains"),
        (dict(chains=True), "chains"),
        (dict(chains=2.5), "chains"),
        (dict(warmup=-1), "warmup"),
        (dict(samples=2), "samples"),
        (dict(target_accept=1.0), "target_accept"),
        (dict(target_accept="high"), "target_accept"),
        (dict(target_accept=np.float32(0.0)), "target_accept"),
        (dict(max_tree_depth=0), "max_tree_depth"),
        (dict(chain_method="pmap"), "chain_method"),
        (dict(init=[0.5, 0.5, 0.5, 0.5, 99.0]), "x4"),
        (dict(init=[0.5, np.nan, 0.5, 0.5, 0.5]), "x1"),
        (dict(init=[0.5, 0.5]), "5 entries"),
        (dict(init={"x0": 0.0, "y": 1.0}), "unknown parameter"),
        (dict(init=np.zeros((3, 5))), "one start per chain"),
        (dict(key="seed"), "key"),
    ],
)
def test_bad_input_raises_before_tracing(change, culprit):
    args = dict(chi2=_untraceable, space=GAUSS_SPACE)
    args.update(change)
    with pytest.raises(ValueError, match=culprit):
        hmc.sample(args.pop("chi2"), args.pop("space"), **args)


def test_vector_valued_chi2_raises():
    with pytest.raises(ValueError, match="chi2 must return a scalar"):
        hmc.sample(lambda x: x**2, GAUSS_SPACE)


# --- other paths ------------------------------------------------------------------------------
@pytest.mark.slow
def test_defaults_single_chain_and_sequential_chains():
    post = hmc.sample(gauss_chi2, GAUSS_SPACE, key=jax.random.PRNGKey(6), count_warmup=True)
    assert_converged(post)
    assert_moments(post, MU, COV)
    assert post.warmup_steps > 0 and post.n_evals == post.warmup_steps + post.num_steps.sum()
    one = hmc.sample(gauss_chi2, GAUSS_SPACE, chains=1, warmup=500, samples=2000, key=7)
    assert one.samples["x0"].shape == (1, 2000) and one.r_hat["x0"] < 1.01
    assert_moments(one, MU, COV)
    seq = hmc.sample(gauss_chi2, GAUSS_SPACE, chains=2, warmup=300, samples=300, chain_method="sequential", key=8)
    assert seq.samples["x0"].shape == (2, 300) and max(seq.r_hat.values()) < 1.05


FLOAT32_SCRIPT = """
import jax, jax.numpy as jnp, numpy as np
from fits import hmc
from fits.space import Parameter, Space
assert not jax.config.jax_enable_x64
space = Space([Parameter("a", -5.0, 5.0), Parameter("m", 0.01, 100.0, scale="log")])
chi2 = lambda x: (x[0] - 1.0) ** 2 / 0.25 + ((jnp.log(x[1]) - 1.0) / 0.5) ** 2
post = hmc.sample(chi2, space, warmup=300, samples=500, key=0)
assert post.chi2.dtype == np.float32 and post.samples["a"].dtype == np.float32
a, m = post.samples["a"], np.log(post.samples["m"])
assert abs(a.mean() - 1.0) < 0.05 and abs(a.std() - 0.5) < 0.05, (a.mean(), a.std())
assert abs(m.mean() - 1.0) < 0.05 and abs(m.std() - 0.5) < 0.05, (m.mean(), m.std())
print("ok", max(post.r_hat.values()), min(post.ess.values()))
"""


@pytest.mark.slow
def test_float32_objective_without_x64():
    env = {**os.environ, "JAX_ENABLE_X64": "0", "JAX_PLATFORMS": os.environ.get("JAX_PLATFORMS", "cpu")}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", FLOAT32_SCRIPT], env=env, cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("ok")


def test_random_walk_metropolis_recovers_the_gaussian_at_its_target_acceptance():
    """The random-walk baseline on the correlated 5-D Gaussian, proposals shaped by its covariance
    (unbounded parameters: u = x): mean within 5 Monte-Carlo errors, acceptance near 0.234."""
    space = Space([Parameter(f"x{i}", prior="chi2", mean=0.0, sigma=10.0) for i in range(5)])
    rw = hmc.random_walk(gauss_chi2, space, chains=4, steps=20000, key=3, init=MU, proposal=COV)
    assert rw.n_evals == 4 * 20001 and rw.samples["x0"].shape == (4, 10000)
    assert abs(rw.accept_rate - hmc.RW_TARGET_ACCEPT) < 0.05
    for i, n in enumerate(rw.names):
        mcse = SD[i] / math.sqrt(rw.ess[n])
        assert abs(np.mean(rw.samples[n]) - MU[i]) < 5 * mcse, n
        assert np.std(rw.samples[n]) == pytest.approx(SD[i], rel=0.1), n
    assert max(rw.r_hat.values()) < 1.02


def test_random_walk_moves_from_a_start_on_a_bound():
    """A best fit on a bound (u = ±inf) is pulled in as `sample` does: the walk moves and its draws
    are finite (it used to reject every proposal from u = inf)."""
    space = Space([Parameter("a", 0.0, 1.0), Parameter("b", 1e-3, 1.0, scale="log")])
    rw = hmc.random_walk(lambda x: jnp.sum(((x - 0.5) / 0.2) ** 2), space, chains=2, steps=400, key=0, init=[1.0, 1e-3])
    assert rw.accept_rate > 0.05 and all(np.all(np.isfinite(v)) and np.ptp(v) > 0 for v in rw.samples.values())


def test_soft_is_smooth_at_its_cap_and_inverted_exactly():
    c = jnp.array([1.0, 49.999999, 50.0, 50.000001, 1e3, 1e30])
    s = hmc.soft(c, 50.0)
    assert np.allclose(hmc._unsoft(s, 50.0), c, rtol=1e-12)
    slope = jax.vmap(jax.grad(lambda c: hmc.soft(c, 50.0)))(c)
    assert np.allclose(slope[:4], 1.0, atol=1e-6) and float(s[-1]) < 50 * (1 + 70) and np.all(np.isfinite(slope))


def test_softened_wall_samples_the_truncated_gaussian():
    """A unit Gaussian cut at x = 1 by a wall of χ² 10¹⁰(x − 1)²: with `soften` the draws are those of
    the truncated Gaussian (mean −φ(1)/Φ(1)), their χ² the true one, none beyond the cap."""
    space = Space([Parameter("x", -10.0, 10.0)])
    chi2 = lambda x: x[0] ** 2 + 1e10 * jnp.maximum(x[0] - 1.0, 0.0) ** 2  # noqa: E731
    post = hmc.sample(chi2, space, chains=2, warmup=300, samples=1500, key=1, init=[0.0], soften=50.0)
    phi, cdf = math.exp(-0.5) / math.sqrt(2 * math.pi), 0.5 * (1 + math.erf(1 / math.sqrt(2)))
    x = post.samples["x"]
    assert abs(x.mean() + phi / cdf) < 5 * x.std() / math.sqrt(post.ess["x"])
    assert np.allclose(post.chi2, jax.vmap(chi2)(x.reshape(-1, 1)).reshape(x.shape), rtol=1e-9, atol=1e-9)
    assert post.softened == 0 and post.to_dict()["softened"] == 0
    with pytest.raises(ValueError, match="soften"):
        hmc.sample(chi2, space, soften=-1.0)
