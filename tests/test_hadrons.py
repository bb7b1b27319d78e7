"""jaxflav.models.hadrons: the VMD R ratio against hand-computed peak values (PDG parameters of
jaxflav/data/r_ratio_vmd.toml), its thresholds, continuum and isospin structure."""

import math

import jax
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav.models import hadrons

PHOTON = (2 / 3, -1 / 3, -1 / 3)


@pytest.mark.parametrize("name", hadrons.RESONANCES)
def test_peak_is_nine_bee_bhad_over_alpha_squared(name):
    r = hadrons.DATA[name]
    expected = 9 * r["br_ee"] * r["br_hadrons"] / hadrons.ALPHA**2  # σ_peak = 12π B_ee B_h/M² over 4πα²/(3M²)
    assert float(hadrons.resonance_ratio(name, r["mass"])) == pytest.approx(expected, rel=1e-12)


def test_photon_r_at_the_peaks_and_in_the_continuum():
    """By hand: ρ peak 9·4.72e-5/α² = 7.98 plus the ω tail; φ peak 9·2.979e-4·0.9973/α² = 50.1;
    above 1.3 GeV N_c ΣQ²(1 + α_s/π) = 2.223 plus resonance tails (R ≈ 2 ± 0.5 measured)."""
    assert float(hadrons.ratio(hadrons.DATA["phi"]["mass"], *PHOTON)) == pytest.approx(50.1, rel=0.02)
    assert 8.0 < float(hadrons.ratio(hadrons.DATA["rho"]["mass"], *PHOTON)) < 12.0
    assert float(hadrons.ratio(1.8, *PHOTON)) == pytest.approx(2 * (1 + 0.35 / math.pi), rel=0.05)


def test_zero_below_two_pions_and_finite_gradient_at_thresholds():
    assert float(hadrons.ratio(0.27, *PHOTON)) < 1e-6  # only the continuum's tanh tail below 2 m_π
    grad = jax.grad(lambda m: hadrons.width(m, *PHOTON))
    for m in (0.27914, 0.41, 0.991, 0.5, 1.1, 2.5):
        assert np.isfinite(float(grad(m)))


def test_isospin_weights():
    """A boson coupled only to u − d (x_u = −x_d = ½) sees only the ρ among the resonances."""
    m = hadrons.DATA["omega"]["mass"]
    pure_rho = float(hadrons.ratio(m, 0.5, -0.5, 0.0)) - 3 * 0.5 * float(hadrons.continuum(m))
    assert pure_rho == pytest.approx(float(hadrons.resonance_ratio("rho", m)), rel=1e-12)
