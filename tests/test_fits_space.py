"""fits.space: bijections, Jacobians, priors and the errors that name the parameter."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from fits.space import Parameter, Space

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
