"""jaxflav.models.hadrons: R(√s) from the PDG compilation (jaxflav/data/r_ratio_pdg.toml) against the
PDG's raw numbers, the PDG resonance parameters (jaxflav/data/r_ratio_vmd.toml) and perturbative
QCD; the isospin split of non-photon couplings; values and gradients at every edge, jit and vmap."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav.models import hadrons

PHOTON = (2 / 3, -1 / 3, -1 / 3)
RHO_LIKE, OMEGA_LIKE, PHI_LIKE = (0.5, -0.5, 0.0), (1 / 6, 1 / 6, 0.0), (0.0, 0.0, -1 / 3)  # κ = 1 for one channel each
M_E, M_MU = 0.51099895e-3, 0.1056583755  # GeV, PDG
_photon = jax.jit(jax.vmap(lambda x: hadrons.ratio(x, *PHOTON)))


def _bw(name, x):
    """Non-relativistic-width Breit–Wigner in s with the PDG mass, width, B_ee, B_h: 9 B_ee B_h/α² at the peak."""
    r = hadrons.DATA[name]
    m, g = r["mass"], r["width"]
    return 9 * r["br_ee"] * r["br_hadrons"] / hadrons.ALPHA**2 * (m * g) ** 2 / ((x**2 - m**2) ** 2 + (m * g) ** 2)


def test_photon_r_is_the_shipped_data_at_every_node():
    np.testing.assert_array_equal(np.asarray(_photon(jnp.asarray(hadrons.SQRT_S))), hadrons.R_DATA)


@pytest.mark.parametrize(
    "sqrt_s, r",
    # rpp2018-hadronicrpp_page1001.dat (PDG 2018), 'EXCLSUM 17' lines that no other point merges with
    [(0.30000, 0.02708), (0.77040, 9.99560), (0.77400, 11.18165), (0.78500, 15.53633), (0.78760, 12.35237)],
)
def test_shipped_table_reproduces_the_pdg_file(sqrt_s, r):
    i = int(np.argmin(abs(hadrons.SQRT_S - sqrt_s)))
    assert (hadrons.SQRT_S[i], hadrons.R_DATA[i]) == (pytest.approx(sqrt_s, abs=1e-9), pytest.approx(r, abs=1e-9))


def test_interpolant_never_overshoots_its_nodes():
    """Between any two nodes R stays within their values, except in the first interval (0.30–0.31
    GeV), whose left slope is the threshold curve's: there by 0.002 (< 0.003), the data's σ being 0.02."""
    x = np.linspace(hadrons.SQRT_S[:-1], hadrons.SQRT_S[1:], 9)[1:-1].T  # 7 points inside each interval
    r = np.asarray(_photon(jnp.asarray(x.ravel()))).reshape(x.shape)
    lo = np.minimum(hadrons.R_DATA[1:], hadrons.R_DATA[:-1])[:, None]
    hi = np.maximum(hadrons.R_DATA[1:], hadrons.R_DATA[:-1])[:, None]
    inside = (r >= lo - 1e-12) & (r <= hi + 1e-12)
    assert np.all(inside[1:])
    assert np.max(r[0]) - hi[0, 0] < 0.003


@pytest.mark.parametrize("sqrt_s", [0.70, 0.72, 0.74, 0.75])
def test_rho_region_against_the_pdg_rho(sqrt_s):
    """Below the ω's interference region, R against the P-wave Breit–Wigner of the PDG ρ
    (M, Γ, B_ee: 9 B_ee/α² = 7.98 at the peak). Measured 0.96–1.04 of it; 8 % allows for the
    line-shape model (Gounaris–Sakurai vs Breit–Wigner) behind the PDG's B_ee."""
    assert float(hadrons.measured_ratio(sqrt_s)) == pytest.approx(float(hadrons.resonance_ratio("rho", sqrt_s)), rel=0.08)


def test_phi_peak_area_against_pdg_gamma_ee():
    """∫ R ds over 1.00–1.04 GeV above a background line (fixed on 2-MeV sidebands) against the PDG
    Breit–Wigner, whose area π M Γ · 9 B_ee B_h/α² no beam-energy smearing changes: measured 0.960.
    6 %: PDG's B_ee (±1 %) and B_h, vacuum-polarisation dressing (~2 %), the linear background."""
    lo, hi = 1.00, 1.04
    x = np.linspace(lo, hi, 40001)
    r = np.asarray(_photon(jnp.asarray(x)))
    edge = (x < lo + 0.002) | (x > hi - 0.002)
    slope, icpt = np.polyfit(x[edge] ** 2, r[edge] - _bw("phi", x[edge]), 1)
    area = np.trapezoid(r - (slope * x**2 + icpt), x**2)
    assert area == pytest.approx(np.trapezoid(_bw("phi", x), x**2), rel=0.06)
    assert r.max() == pytest.approx(9 * 2.979e-4 * 0.9973 / hadrons.ALPHA**2, rel=0.05)  # 48.5 vs 50.2, smeared


def test_omega_peak_area_against_pdg_gamma_ee():
    """As for the φ, over 0.74–0.83 GeV with the ρ (PDG Breit–Wigner, scaled) plus a constant as the
    background: measured 0.948 of the PDG ω area (0.91–0.99 for windows 0.70–0.07 GeV wide); 10 %."""
    lo, hi = 0.74, 0.83
    x = np.linspace(lo, hi, 40001)
    r = np.asarray(_photon(jnp.asarray(x)))
    rho = np.asarray(jax.vmap(lambda y: hadrons.resonance_ratio("rho", y))(jnp.asarray(x)))
    edge = (x < lo + 0.002) | (x > hi - 0.002)
    (scale, const), *_ = np.linalg.lstsq(np.c_[rho[edge], np.ones(edge.sum())], r[edge] - _bw("omega", x[edge]), rcond=None)
    area = np.trapezoid(r - scale * rho - const, x**2)
    assert area == pytest.approx(np.trapezoid(_bw("omega", x), x**2), rel=0.10)


def test_continuum_against_perturbative_qcd():
    """Quark–hadron duality: the mean of R over 1.2–2.5 GeV (2.05) and the flat level above 3 GeV (the
    2–3.07 GeV inclusive mean, 2.245) against N_c ΣQ²(1 + α_s/π) = 2.19 with α_s(2 GeV) = 0.30 and 2.16
    with α_s(3 GeV) = 0.25 (PDG QCD review running); 10 % and 5 %, the BES–KEDR spread being 7 %."""
    x = np.linspace(1.2, 2.5, 13001)
    assert np.mean(np.asarray(_photon(jnp.asarray(x)))) == pytest.approx(2 * (1 + 0.30 / math.pi), rel=0.10)
    for high in (3.0, 5.0, 20.0):
        assert float(hadrons.ratio(high, *PHOTON)) == pytest.approx(2 * (1 + 0.25 / math.pi), rel=0.05)


def test_zero_at_and_below_two_pions_and_p_wave_threshold():
    for x in (2 * M_E, 0.2, 2 * hadrons.M_PI):
        assert float(hadrons.ratio(x, *PHOTON)) == 0.0
    x0, r0 = hadrons.SQRT_S[0], hadrons.R_DATA[0]
    beta3 = lambda x: (1 - (2 * hadrons.M_PI / x) ** 2) ** 1.5  # noqa: E731
    assert float(hadrons.ratio(0.29, *PHOTON)) == pytest.approx(r0 * beta3(0.29) / beta3(x0), rel=1e-12)


def test_isospin_channels_add_up_to_the_photon():
    x = jnp.linspace(0.28, 3.5, 401)
    parts = [jax.vmap(lambda y, c=c: hadrons.ratio(y, *c))(x) for c in (RHO_LIKE, OMEGA_LIKE, PHI_LIKE)]
    np.testing.assert_allclose(np.asarray(sum(parts)), np.asarray(_photon(x)), rtol=1e-12, atol=1e-15)


def test_isospin_weights_select_their_resonance():
    """A u − d coupling sees no φ; an s coupling no ρ or ω; a B-like coupling (x_u = x_d = x_s) no ρ."""
    m_rho, m_omega, m_phi = (hadrons.DATA[n]["mass"] for n in hadrons.RESONANCES)
    photon_phi = float(hadrons.ratio(m_phi, *PHOTON))
    assert photon_phi > 45
    assert float(hadrons.ratio(m_phi, *RHO_LIKE)) < 0.02 * photon_phi
    assert float(hadrons.ratio(m_phi, *PHI_LIKE)) > 0.95 * photon_phi
    assert float(hadrons.ratio(m_rho, *PHI_LIKE)) < 1e-4 * float(hadrons.ratio(m_rho, *PHOTON))
    assert float(hadrons.ratio(m_omega, *OMEGA_LIKE)) > 0.5 * float(hadrons.ratio(m_omega, *PHOTON))
    b_like = (1 / 3, 1 / 3, 1 / 3)
    assert float(hadrons.ratio(0.70, *b_like)) < 0.05 * float(hadrons.ratio(0.70, *PHOTON))


def test_dark_photon_scales_the_data_and_axial_couplings_keep_the_continuum():
    eps = 1e-3
    for x in (0.5, hadrons.DATA["phi"]["mass"], 1.7):
        photon = float(hadrons.ratio(x, *PHOTON))
        assert float(hadrons.ratio(x, *(eps * q for q in PHOTON))) == pytest.approx(eps**2 * photon, rel=1e-12)
        axial = float(hadrons.ratio(x, 0.0, 0.0, 0.0, 0.5, 0.0, 0.5)) - float(hadrons.ratio(x, 0.0, 0.0, 0.0))
        assert axial == pytest.approx(3 * 0.5 * float(hadrons.continuum(x)), rel=1e-12)


EDGES = (2 * M_E, 2 * M_MU, 2 * 0.13957039, 2 * 0.13957039 * (1 + 1e-12), 0.30, 0.41, 0.991, 1.99, 2.0, 3.0, 3.0 + 1e-9, 5.0)
COUPLINGS = (PHOTON + (0.0, 0.0, 0.0), (0.3, -0.1, 0.2, 0.1, -0.2, 0.05))


@pytest.mark.parametrize("couplings", COUPLINGS)
def test_finite_gradient_at_every_edge_node_and_random_mass(couplings):
    grad = jax.jit(jax.vmap(jax.grad(lambda m: hadrons.width(m, *couplings))))
    masses = np.concatenate([EDGES, hadrons.SQRT_S, np.random.default_rng(17).uniform(2 * M_E, 2.5, 100)])
    g = np.asarray(grad(jnp.asarray(masses)))
    assert np.all(np.isfinite(g))
    coupling_grad = jax.grad(lambda c: hadrons.width(1.0195, *c))(jnp.asarray(couplings))
    assert np.all(np.isfinite(np.asarray(coupling_grad)))


@pytest.mark.parametrize("edge", [0.30, 3.0])
def test_slope_is_continuous_at_the_table_ends(edge):
    """C¹ joins: the P-wave threshold into the first node, the last node into the flat continuation."""
    d = jax.grad(hadrons.measured_ratio)
    left, right = float(d(edge - 1e-9)), float(d(edge + 1e-9))
    assert left == pytest.approx(right, rel=1e-5, abs=1e-6)


def test_jit_and_vmap_agree_with_single_points():
    masses = jnp.asarray([0.25, 0.5, 0.7826, 1.0195, 1.5, 2.4, 4.0])
    batched = jax.jit(jax.vmap(lambda m: hadrons.width(m, 0.3, -0.1, 0.2, 0.1)))(masses)
    single = [float(hadrons.width(float(m), 0.3, -0.1, 0.2, 0.1)) for m in masses]
    np.testing.assert_allclose(np.asarray(batched), single, rtol=1e-13)
