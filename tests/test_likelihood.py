"""jaxflav.likelihood: the χ² with errors on the side of the prediction, against Rashed 2026."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav import likelihood, measurements

# 000_8c6ceb1288264742.txt, Table 1 caption: "The SM χ² for the fit to all the observables is
# 93.56, and for just the muon modes it is 84.30." The printed SM values are rounded, hence 0.15.
CHI2_SM_ALL = 93.56
CHI2_SM_MU = 84.30


@pytest.fixture(scope="module")
def table():
    return measurements.load("rashed2026_table1")


def test_sm_chi2_all_rows(table):
    assert abs(float(likelihood.chi2(table.sm, table)) - CHI2_SM_ALL) < 0.15


def test_sm_chi2_muon_modes(table):
    mu = measurements.select(table, lepton="mu")
    assert abs(float(likelihood.chi2(mu.sm, mu)) - CHI2_SM_MU) < 0.15


def test_error_is_taken_on_the_side_of_the_prediction(table):
    row = measurements.select(table, mask=np.arange(len(table)) == 4)  # B+→K*+μμ 0.1–2.0: +1.44 −1.30
    x, th = row.central[0], row.sm_err[0]
    above, below = x + 1e-8, x - 1e-8
    up2 = (1.44**2 + 0.40**2) * 1e-16
    down2 = (1.30**2 + 0.40**2) * 1e-16
    assert float(likelihood.chi2(jnp.array([above]), row)) == pytest.approx(1e-16 / (up2 + th**2))
    assert float(likelihood.chi2(jnp.array([below]), row)) == pytest.approx(1e-16 / (down2 + th**2))
    assert float(likelihood.pulls(jnp.array([below]), row)[0]) == pytest.approx(-1e-8 / np.sqrt(down2 + th**2))


def test_pulls_square_to_chi2_and_theory_error_override(table):
    p = likelihood.pulls(table.sm, table)
    assert p.shape == (27,)
    assert float(jnp.sum(p**2)) == pytest.approx(float(likelihood.chi2(table.sm, table)), rel=1e-12)
    no_th = likelihood.chi2(table.sm, table, theory_error=0.0)
    assert float(no_th) > float(likelihood.chi2(table.sm, table))
    same = likelihood.chi2(table.sm, table, theory_error=jnp.asarray(table.sm_err))
    assert float(same) == pytest.approx(float(likelihood.chi2(table.sm, table)), rel=1e-15)


def test_batched_jit_and_vmap_agree(table):
    key = jax.random.PRNGKey(0)
    batch = table.sm * (1 + 0.2 * jax.random.normal(key, (5, 3, len(table))))
    f = jax.jit(lambda p: likelihood.chi2(p, table))
    direct = f(batch)
    assert direct.shape == (5, 3)
    mapped = jax.vmap(jax.vmap(f))(batch)
    np.testing.assert_allclose(mapped, direct, rtol=1e-13)
    assert jax.jit(lambda p: likelihood.pulls(p, table))(batch).shape == (5, 3, 27)


def test_gradient_finite_and_matches_finite_differences(table):
    f = lambda s: likelihood.chi2(table.sm * s, table)  # noqa: E731
    s = jnp.linspace(0.8, 1.2, 27)
    g = jax.grad(f)(s)
    assert np.all(np.isfinite(g))
    h = 1e-6
    for i in (0, 6, 20, 26):
        e = jnp.zeros(27).at[i].set(h)
        assert float(g[i]) == pytest.approx(float((f(s + e) - f(s - e)) / (2 * h)), rel=1e-6)
    # at the measured values the residual and its gradient vanish
    at_data = jax.grad(lambda p: likelihood.chi2(p, table))(jnp.asarray(table.central))
    assert np.all(at_data == 0.0)
    assert np.all(np.isfinite(jax.grad(lambda t: likelihood.chi2(table.sm, table, t))(jnp.asarray(table.sm_err))))


def test_wrong_shapes_raise(table):
    with pytest.raises(ValueError, match="predictions"):
        likelihood.chi2(jnp.ones(26), table)
    with pytest.raises(ValueError, match="predictions"):
        likelihood.chi2(jnp.asarray(1.0), table)
    with pytest.raises(ValueError, match="theory_error"):
        likelihood.chi2(table.sm, table, theory_error=jnp.ones(3))
