"""jaxflav.models.vector_boson: partial widths against the Z line shape at tree level and the
dark-photon formula, and finite values and gradients across thresholds."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav.inputs import DEFAULT
from jaxflav.models import vector_boson

ALPHA = 1 / 137.035999084  # CODATA 2018


def _z_width_tree(v, a):
    """Γ(Z → f f̄) = G_F M_Z³ (v² + a²)/(6√2 π) with v = T3 − 2Q s_W², a = T3 (PDG EW review, Eq. 10.74 at tree level)."""
    return DEFAULT.GF * DEFAULT.m_Z**3 * (v**2 + a**2) / (6 * math.sqrt(2) * math.pi)


def test_z_to_electrons_and_neutrinos_at_tree_level():
    g = math.sqrt(4 * math.sqrt(2) * DEFAULT.GF) * DEFAULT.m_Z  # g/cos θ_W from G_F and M_Z
    s2 = DEFAULT.s2w
    ee = vector_boson.partial_width(DEFAULT.m_Z, 0.0, g * (-0.25 + s2), g * (-0.25))
    assert float(ee) == pytest.approx(_z_width_tree(-0.5 + 2 * s2, -0.5), rel=1e-13)
    assert float(ee) == pytest.approx(0.08341, abs=2e-5)  # 83.4 MeV before radiative corrections
    nu = vector_boson.neutrino_width(DEFAULT.m_Z, g / 2)
    assert float(nu) == pytest.approx(_z_width_tree(0.5, 0.5), rel=1e-13)


@pytest.mark.parametrize("mass", [0.0011, 0.02, 0.3, 1.5])
def test_dark_photon_to_leptons(mass):
    eps = 1e-3
    for m_l in (DEFAULT.m_e, DEFAULT.m_mu):
        r = (m_l / mass) ** 2
        expected = ALPHA * eps**2 * mass / 3 * math.sqrt(max(1 - 4 * r, 0)) * (1 + 2 * r) if 4 * r < 1 else 0.0
        got = vector_boson.partial_width(mass, m_l, math.sqrt(4 * math.pi * ALPHA) * eps, 0.0)
        assert float(got) == pytest.approx(expected, rel=1e-13, abs=1e-30)


def test_finite_values_and_gradients_across_the_threshold():
    m_mu = DEFAULT.m_mu
    grad = jax.grad(lambda m: vector_boson.partial_width(m, m_mu, 0.1, 0.05))
    for mass in (1.5 * m_mu, 2 * m_mu, 2 * m_mu * (1 + 1e-14), 2.5 * m_mu):
        assert np.isfinite(float(vector_boson.partial_width(mass, m_mu, 0.1, 0.05)))
        assert np.isfinite(float(grad(mass)))
    widths = jax.vmap(lambda m: vector_boson.partial_width(m, m_mu, 0.1, 0.05))(jnp.linspace(0.1, 0.3, 50))
    assert np.all(np.diff(np.asarray(widths)) >= 0) and float(widths[0]) == 0.0


def test_bad_masses_are_named():
    with pytest.raises(ValueError, match="mass"):
        vector_boson.partial_width(-1.0, 0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="m_f"):
        vector_boson.partial_width(1.0, float("nan"), 1.0, 0.0)
