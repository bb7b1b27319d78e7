"""fits.space: bijections, Jacobians, priors and the errors that name the parameter."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from fits.space import Parameter, Space, Warp

_trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 names it trapz
SPACE = Space([Parameter("a", -2, 3), Parameter("M", 0.01, 2.0, "log"), Parameter("n", prior="normal", mean=1, sigma=0.5)])


def test_round_trip_and_bounds():
    u = jnp.array([[-30.0, 30.0, -5.0], [0.3, -0.7, 2.0]])
    x = SPACE.to_physical(u)
    assert np.all(SPACE.contains(np.asarray(x)))
    np.testing.assert_allclose(SPACE.to_unconstrained(x)[1], u[1], rtol=1e-12)
    assert float(SPACE.to_physical(jnp.zeros(3))[1]) == pytest.approx(math.sqrt(0.01 * 2.0))  # log midpoint


def test_log_abs_det_jacobian_matches_autodiff():
    for u in (jnp.array([0.1, -0.4, 0.8]), jnp.array([3.0, 2.0, -1.0])):
        det = np.linalg.det(np.asarray(jax.jacfwd(SPACE.to_physical)(u)))
        assert float(SPACE.log_abs_det_jacobian(u)) == pytest.approx(np.log(abs(det)), abs=1e-12)


def test_priors_uniform_in_scale_and_normal():
    x = jnp.array([0.0, 0.1, 1.5])
    assert float(SPACE.log_prior(x)) == pytest.approx(-np.log(0.1) - 0.5 * 1.0**2)
    assert float(SPACE.log_prior(jnp.array([4.0, 0.1, 1.0]))) == -np.inf
    draws = np.asarray(SPACE.sample_prior(jax.random.PRNGKey(0), 20000))
    assert abs(np.mean(np.log(draws[:, 1])) - 0.5 * (np.log(0.01) + np.log(2.0))) < 0.03
    assert abs(np.mean(draws[:, 2]) - 1.0) < 0.02 and abs(np.std(draws[:, 2]) - 0.5) < 0.02


def test_gradients_finite_everywhere():
    g = jax.grad(lambda u: jnp.sum(SPACE.to_physical(u)) + SPACE.log_abs_det_jacobian(u))
    for u in (jnp.zeros(3), jnp.full(3, 40.0), jnp.full(3, -40.0)):
        assert np.all(np.isfinite(g(u)))


# a funnel: a ∈ [0, 1] has width ~ 1/s at scale s; w = s·a (increasing) or −s·a (decreasing)
FUNNEL = [Parameter("s", 0.1, 100.0, "log"), Parameter("a", 0.0, 1.0), Parameter("b", -1.0, 1.0)]
UP = Warp("a", lambda a, o: o["s"] * a, lambda w, o: w / o["s"])
DOWN = Warp("a", lambda a, o: -jnp.arcsinh(o["s"] * a), lambda w, o: jnp.sinh(-w) / o["s"])


@pytest.mark.parametrize("warp", [UP, DOWN])
def test_a_warped_parameter_round_trips_with_its_triangular_jacobian(warp):
    space = Space(FUNNEL, warps=[warp])
    for u in (jnp.array([0.3, -0.4, 0.8]), jnp.array([-2.0, 3.0, -1.0]), jnp.array([[1.5, 0.0, 0.2], [-1.0, -6.0, 2.0]])):
        x = space.to_physical(u)
        assert np.all(space.contains(np.asarray(x)))
        np.testing.assert_allclose(space.to_unconstrained(x), u, atol=1e-9)
        for v in u.reshape(-1, 3):
            det = np.linalg.det(np.asarray(jax.jacfwd(space.to_physical)(v)))
            assert float(space.log_abs_det_jacobian(v)) == pytest.approx(np.log(abs(det)), abs=1e-10)
    g = jax.grad(lambda u: jnp.sum(space.to_physical(u)) + space.log_abs_det_jacobian(u))
    for u in (jnp.full(3, 40.0), jnp.full(3, -40.0)):
        assert np.all(np.isfinite(g(u)))

def test_a_warp_keeps_the_prior_volume_of_its_parameter():
    """∫ |∂a/∂u_a| du_a = high − low at every s: the prior stays uniform in a, only the coordinate moves."""
    space = Space(FUNNEL, warps=[DOWN])
    t = np.linspace(-40.0, 40.0, 20001)
    for s_u in (-3.0, 0.0, 3.0):
        u = jnp.stack([jnp.full_like(t, s_u), jnp.asarray(t), jnp.zeros_like(t)], axis=-1)
        plain = Space(FUNNEL).log_abs_det_jacobian(u) - jax.nn.log_sigmoid(u[:, 1]) - jax.nn.log_sigmoid(-u[:, 1])  # ln ∂s/∂u_s + ln ∂b/∂u_b
        density = np.exp(np.asarray(space.log_abs_det_jacobian(u) - plain))
        assert _trapezoid(density, t) == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize(
    "warps, match",
    [
        ([Warp("c", UP.forward, UP.inverse)], "unknown parameter 'c'"),
        ([UP, UP], "warped twice: a"),
        ([("a", UP.forward, UP.inverse)], "fits.space.Warp"),
        ([Warp("a", UP.forward, None)], "callable"),
    ],
)
def test_bad_warps_are_named(warps, match):
    with pytest.raises(ValueError, match=match):
        Space(FUNNEL, warps=warps)
    with pytest.raises(ValueError, match="'n'.*finite bounds"):
        Space([Parameter("n", prior="normal")], warps=[Warp("n", UP.forward, UP.inverse)])


@pytest.mark.parametrize(
    "parameters, match",
    [
        ([Parameter("a", 3, -2)], "'a'.*inverted"),
        ([Parameter("M", 0.0, 2.0, "log")], "'M'.*log scale"),
        ([Parameter("M", -1.0, 2.0, "log")], "'M'.*log scale"),
        ([Parameter("a", -1, 1, "cubic")], "'a'.*scale"),
        ([Parameter("a")], "'a'.*finite bounds"),
        ([Parameter("a", float("nan"), 1)], "'a'.*NaN"),
        ([Parameter("a", -1, 1), Parameter("a", 0, 2)], "repeat: a"),
        ([], "at least one"),
    ],
)
def test_bad_parameters_are_named(parameters, match):
    with pytest.raises(ValueError, match=match):
        Space(parameters)


def test_points_are_checked_by_name():
    with pytest.raises(ValueError, match="M = "):
        SPACE.check_point([0.0, 5.0, 1.0])
    with pytest.raises(ValueError, match="unknown parameter"):
        SPACE.from_dict({"a": 0.0, "M": 0.1, "n": 1.0, "b": 2})


def test_a_chi2_prior_is_flat_and_only_sets_the_scale():
    """prior = "chi2": the χ² carries the parameter's constraint, so ln π ignores it; starts are
    drawn from its scale's normal."""
    space = Space([Parameter("a", -1.0, 1.0), Parameter("z", prior="chi2", mean=2.0, sigma=3.0)])
    x = jnp.array([[0.5, 2.0], [0.5, 40.0]])
    lp = np.asarray(space.log_prior(x))
    assert lp[0] == lp[1]
    draws = np.asarray(space.sample_prior(jax.random.PRNGKey(1), 20000))
    assert abs(draws[:, 1].mean() - 2.0) < 0.1 and abs(draws[:, 1].std() - 3.0) < 0.1
    with pytest.raises(ValueError, match="chi2 prior needs a finite mean and sigma > 0"):
        Space([Parameter("z", prior="chi2", sigma=0.0)])
