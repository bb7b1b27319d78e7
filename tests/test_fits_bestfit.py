"""fits.bestfit: many-start best fits on χ² with known answers (issue 4, "Done when": a correlated
5-D Gaussian, a banana-shaped 2-D χ², a multimodal 1-D χ²), log scales, bounds, non-finite
starts, and the errors for bad input."""

import json

import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fits import minimize
from fits.bestfit import best_fit
from fits.space import Parameter, Space

# A correlated 5-D Gaussian: χ² = (x − μ)ᵀ C⁻¹ (x − μ), so x̂ = μ and 2H⁻¹ = C exactly.
_rng = np.random.default_rng(7)
_A = _rng.normal(size=(5, 5))
GAUSS_COV = _A @ _A.T / 5 + 0.05 * np.eye(5)
GAUSS_MEAN = _rng.uniform(-1.0, 1.0, 5)
GAUSS_SPACE = Space([Parameter(f"p{i}", -6.0, 6.0) for i in range(5)])


def gauss_chi2(x):
    d = x - GAUSS_MEAN
    return d @ jnp.asarray(np.linalg.inv(GAUSS_COV)) @ d


def test_gaussian_5d_mean_and_covariance_to_1e_6():
    init = GAUSS_MEAN + 0.5
    fit = best_fit(gauss_chi2, GAUSS_SPACE, starts=32, key=3, init=init)
    np.testing.assert_allclose(fit.x, GAUSS_MEAN, rtol=0, atol=1e-6)
    np.testing.assert_allclose(fit.covariance, GAUSS_COV, rtol=1e-6, atol=1e-6 * np.abs(GAUSS_COV).max())
    np.testing.assert_allclose(fit.sigma, np.sqrt(np.diag(GAUSS_COV)), rtol=1e-6)
    assert fit.chi2_min == pytest.approx(0.0, abs=1e-10)
    assert fit.hessian_ok and fit.message == "" and not fit.at_bound.any()
    # a convex χ²: every start ends at the one minimum
    assert fit.n_starts == 33 and fit.n_converged == 33 and fit.n_nonfinite == 0 and fit.converged.all()
    assert list(fit.minima_count) == [33]
    np.testing.assert_array_equal(fit.starts[0], init)  # user starts come first
    assert set(fit.best) == set(GAUSS_SPACE.names) and fit.best["p2"] == pytest.approx(GAUSS_MEAN[2], abs=1e-6)
    data = json.loads(json.dumps(fit.to_dict(), allow_nan=False))
    assert data["n_converged"] == 33 and data["best_fit"]["p0"] == pytest.approx(GAUSS_MEAN[0], abs=1e-6)
    assert len(data["ends"]) == 33 and data["hessian_ok"] is True


def test_banana_rosenbrock_minimum_to_1e_6():
    """χ² = (1 − a)² + 100 (b − a²)²: minimum (1, 1), χ² = 0, Hessian [[802, −400], [−400, 200]]."""
    space = Space([Parameter("a", -2.0, 2.0), Parameter("b", -1.0, 3.0)])
    fit = best_fit(lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, space, starts=32, key=0)
    np.testing.assert_allclose(fit.x, [1.0, 1.0], rtol=0, atol=1e-6)
    assert fit.chi2_min == pytest.approx(0.0, abs=1e-12)
    hessian = np.array([[802.0, -400.0], [-400.0, 200.0]])
    np.testing.assert_allclose(fit.hessian, hessian, rtol=1e-9)
    np.testing.assert_allclose(fit.covariance, 2 * np.linalg.inv(hessian), rtol=1e-6)
    # no start is left on a bound of the box, where the logistic map flattens the gradient
    assert fit.converged.all() and fit.n_converged == fit.n_starts and fit.hessian_ok


def test_two_wells_global_minimum_counts_and_nonfinite_starts():
    """χ² = 10 (x² − 1)² + 3x on [−3, 3], NaN for x > 2.5: a deep well near x = −1, a shallow one
    near x = +1 (the roots of 40x³ − 40x + 3), and a region where χ² is not defined."""
    roots = np.sort(np.roots([40.0, 0.0, -40.0, 3.0]).real)
    deep, shallow = roots[0], roots[2]
    space = Space([Parameter("x", -3.0, 3.0)])

    def chi2(x):
        value = 10 * (x[0] ** 2 - 1) ** 2 + 3 * x[0]
        return jnp.where(x[0] > 2.5, jnp.nan, value)

    fit = best_fit(chi2, space, starts=96, key=5)
    assert fit.x[0] == pytest.approx(deep, abs=1e-6)
    assert fit.chi2_min == pytest.approx(10 * (deep**2 - 1) ** 2 + 3 * deep, abs=1e-10)
    # starts where χ² is NaN are dropped and counted
    nan_starts = int(np.sum(fit.starts[:, 0] > 2.5))
    assert nan_starts > 0 and fit.n_nonfinite == nan_starts
    assert np.all(np.isnan(fit.end_chi2[fit.starts[:, 0] > 2.5]))
    # the count of starts at the global minimum is what the end points say, and both wells are listed
    at_deep = int(np.sum(np.abs(fit.ends[:, 0] - deep) < 1e-6))
    at_shallow = int(np.sum(np.abs(fit.ends[:, 0] - shallow) < 1e-6))
    assert fit.n_converged == at_deep and 0 < at_deep < fit.n_starts
    assert at_deep + at_shallow + nan_starts == fit.n_starts
    assert list(fit.minima_count) == [at_deep, at_shallow]
    np.testing.assert_allclose(fit.minima_x[:, 0], [deep, shallow], atol=1e-6)
    # σ from the curvature of the deep well: χ'' = 120x² − 40
    assert fit.sigma[0] == pytest.approx(np.sqrt(2 / (120 * deep**2 - 40)), rel=1e-6)


def test_log_scale_parameter_and_minimum_on_a_bound():
    """m on a log scale over six decades with χ² = ((m − m0)/s)² (so σ_m = s), and y ∈ [0, 2] with
    χ² ∋ (y + 1)²: the minimum in y sits on its lower bound, which the result must say."""
    m0, s = 0.0237, 4e-4
    space = Space([Parameter("m", 1e-3, 1e3, "log"), Parameter("y", 0.0, 2.0)])
    fit = best_fit(lambda x: ((x[0] - m0) / s) ** 2 + (x[1] + 1) ** 2, space, starts=32, key=2)
    assert fit.x[0] == pytest.approx(m0, rel=1e-6)
    assert fit.x[1] == pytest.approx(0.0, abs=1e-6)
    assert fit.chi2_min == pytest.approx(1.0, abs=1e-9)
    assert list(fit.at_bound) == [False, True]
    assert not fit.hessian_ok and "y" in fit.message and "bound" in fit.message
    assert fit.gradient[1] == pytest.approx(2.0, rel=1e-6)  # pushing on the bound
    assert fit.sigma[0] == pytest.approx(s, rel=1e-6)  # the Hessian is still reported
    assert fit.n_converged == fit.n_starts
    assert json.loads(json.dumps(fit.to_dict()))["at_bound"] == {"m": False, "y": True}


@pytest.mark.slow
def test_minimize_batch_agrees_with_one_start_at_a_time():
    """The batched minimiser and one start at a time give the same end points."""
    objective = minimize.Objective(gauss_chi2, GAUSS_SPACE, chunk=8)
    x0 = np.stack([GAUSS_MEAN + 1.0, GAUSS_MEAN - 2.0, np.full(5, 5.9)])
    ends = minimize.minimize(objective, x0, polish=0)
    assert ends.x.shape == (3, 5) and ends.finite.all() and ends.converged.all()
    np.testing.assert_allclose(ends.x, np.stack([GAUSS_MEAN] * 3), atol=1e-6)
    for i in range(3):
        one = minimize.minimize(objective, x0[i : i + 1], polish=0)
        np.testing.assert_allclose(one.x[0], ends.x[i], rtol=1e-12, atol=1e-12)
        assert int(one.steps[0]) == int(ends.steps[i])


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), dim=st.integers(1, 6))
def test_random_gaussians_recovered_in_mixed_scales(seed, dim):
    """Random correlated Gaussians inside boxes with linear and log scales: mean to 1e-6 relative,
    covariance to 1e-6 relative."""
    rng = np.random.default_rng(seed)
    log = rng.random(dim) < 0.5
    mean = np.where(log, 10 ** rng.uniform(-2, 2, dim), rng.uniform(-3, 3, dim))
    width = np.abs(mean) * 10 ** rng.uniform(-3, -1, dim) + 1e-3
    a = rng.normal(size=(dim, dim))
    corr = a @ a.T + dim * np.eye(dim)
    corr /= np.sqrt(np.outer(np.diag(corr), np.diag(corr)))
    cov = corr * np.outer(width, width)
    low = np.where(log, mean / 50, mean - 40 * width)
    high = np.where(log, mean * 50, mean + 40 * width)
    space = Space([Parameter(f"q{i}", lo, hi, "log" if lg else "linear") for i, (lo, hi, lg) in enumerate(zip(low, high, log))])
    precision = jnp.asarray(np.linalg.inv(cov))
    fit = best_fit(lambda x: (x - mean) @ precision @ (x - mean), space, starts=16, key=seed)
    np.testing.assert_allclose(fit.x, mean, rtol=1e-6, atol=1e-6 * width.min())
    np.testing.assert_allclose(fit.covariance, cov, rtol=1e-6, atol=1e-6 * np.abs(cov).max())
    assert fit.hessian_ok and fit.n_converged == 16


# --- bad input: ValueError naming the culprit, before anything compiles ---------------------------
SPACE1 = Space([Parameter("x", -1.0, 1.0)])


def square(x):
    return x[0] ** 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(starts=0), "starts"),
        (dict(starts=-3), "starts"),
        (dict(starts=2.5), "starts"),
        (dict(starts=True), "starts"),
        (dict(max_steps=0), "max_steps"),
        (dict(tol=-1e-9), "tol"),
        (dict(tol=float("nan")), "tol"),
        (dict(polish=-1), "polish"),
        (dict(chunk=0), "chunk"),
        (dict(chi2_tol=0.0), "chi2_tol"),
        (dict(init=[2.0]), "x"),
        (dict(init=[[0.1, 0.2]]), "entries"),
        (dict(init={"y": 0.1}), "unknown"),
    ],
)
def test_bad_options_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        best_fit(square, SPACE1, **kwargs)


def test_bad_objective_raises():
    with pytest.raises(ValueError, match="callable"):
        best_fit(3.0, SPACE1)
    with pytest.raises(ValueError, match="scalar"):
        best_fit(lambda x: x**2, SPACE1)
    with pytest.raises(ValueError, match="chi2 fails"):
        best_fit(lambda x: x[0] @ jnp.ones(3), SPACE1)
    with pytest.raises(ValueError, match="Space"):
        best_fit(square, [Parameter("x", -1.0, 1.0)])


def test_all_starts_nonfinite_raises():
    with pytest.raises(ValueError, match="not finite at any"):
        best_fit(lambda x: jnp.log(-1.0 - x[0] ** 2), SPACE1, starts=4)


def test_unbounded_parameter_with_a_wide_normal_prior_is_fitted_in_its_own_units():
    """An unbounded nuisance-like parameter (normal prior, mean 1000, σ 50) beside a bounded one:
    the minimiser works in units of the prior's σ, so a minimum 2σ away takes a few steps."""
    space = Space([Parameter("n", prior="normal", mean=1000.0, sigma=50.0), Parameter("c", -1.0, 1.0)])
    fit = best_fit(lambda x: ((x[0] - 1100.0) / 5.0) ** 2 + (x[1] - 0.3) ** 2 / 0.01, space, starts=16, key=4)
    np.testing.assert_allclose(fit.x, [1100.0, 0.3], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fit.sigma, [5.0, 0.1], rtol=1e-9)
    assert fit.n_converged == 16 and fit.hessian_ok and fit.steps.max() < 50
