"""jaxflav.models.radiative: K⁺, π⁺ → μ⁺νZ_D and W⁺ → μ⁺νZ_D from the full Dirac traces, against
the inner-bremsstrahlung K → μνγ formula, the Ward identity of the currents, and the Dalitz
quadrature against itself at four times the nodes."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav import inputs
from jaxflav.models import dark_z, radiative, vector_boson
from kernels import dirac

M_MU = inputs.DEFAULT.m_mu
ALPHA = 1 / 137.035999084
E = math.sqrt(4 * math.pi * ALPHA)


def photon(mass):
    """A massive photon: ℒ ⊃ −e Q A μ̄γμ, quark charges e Q, no neutrino coupling."""
    return vector_boson.LightVector(
        jnp.asarray(mass), jnp.full(3, -E), jnp.zeros(3), jnp.zeros(3), E * jnp.array([2 / 3, -1 / 3, -1 / 3]), jnp.zeros(3), jnp.asarray(0.0)
    )


def inner_bremsstrahlung(x, y, r):
    """d²Γ(P → μνγ)/(Γ(P → μν) dx dy), x = 2E_γ/m_P, y = 2E_μ/m_P, r = m_μ²/m_P² (Bijnens, Ecker,
    Gasser, Nucl. Phys. B396 (1993) 81, the IB term)."""
    z = x + y - 1 - r
    return ALPHA / (2 * math.pi) / (1 - r) ** 2 * (1 - y + r) / (x**2 * z) * (x**2 + 2 * (1 - x) * (1 - r) - 2 * x * r * (1 - r) / z)


@pytest.mark.parametrize("meson", ["K+", "pi+"])
def test_a_light_photon_reproduces_inner_bremsstrahlung(meson):
    """M = 10⁻⁵ GeV with photon couplings: the traces equal the IB formula to ≤ 1e-4 (they agree to
    ~1e-8, the O(M²/E²) of the mass) across the Dalitz plot."""
    m_p = radiative.MESONS[meson][0]
    mass, r = 1e-5, (M_MU / m_p) ** 2
    z = photon(mass)
    worst = 0.0
    for e_z in np.linspace(0.05, 0.95, 7) * (m_p**2 - M_MU**2) / (2 * m_p):
        lo, hi = (float(v) for v in radiative.muon_range(m_p, M_MU, mass, e_z))
        for e_mu in lo + (hi - lo) * np.array([0.02, 0.3, 0.7, 0.98]):
            ours = float(radiative.differential_ratio(meson, z, e_z, e_mu)) * m_p**2 / 4
            ref = inner_bremsstrahlung(2 * e_z / m_p, 2 * e_mu / m_p, r)
            worst = max(worst, abs(ours / ref - 1))
    assert worst < 1e-4


def _divergence_residual(c, mass=0.02, e_z=0.1, e_mu=0.2):
    """Σ_spins |ū (k_μΓ^μ − X) v|² / Σ_spins |ū X v|² with X the divergence worked out by hand:
    X = (g_L^P + v_μ + a_μ − g_ν) p̸(1 − γ⁵) + (g_L^P − g_V^P) m_μ (1 + γ⁵) + 2a_μ m_μ p̸(1 − γ⁵)k̸/(2p_μ·k + M²)."""
    m_p = radiative.MESONS["K+"][0]
    p, p1, p2, k = radiative.momenta(m_p, M_MU, mass, e_z, e_mu)
    v, a, g_nu, g_vp, g_lp = c
    div = jnp.einsum("m,mab->ab", dirac.lower(k), radiative.gamma_matrix(p, p1, p2, k, M_MU, mass, c))
    weak = dirac.slash(p) @ (dirac.ONE - dirac.GAMMA5)
    x = (g_lp + v + a - g_nu) * weak + (g_lp - g_vp) * M_MU * (dirac.ONE + dirac.GAMMA5)
    x = x + 2 * a * M_MU * weak @ dirac.slash(k) / (2 * dirac.dot(p1, k) + mass**2)
    num = dirac.line_tensor((div - x)[None], p1, M_MU, p2, 0.0)[0, 0]
    den = dirac.line_tensor(x[None], p1, M_MU, p2, 0.0)[0, 0]
    return float(jnp.abs(num) / jnp.abs(den))


def test_the_divergence_of_the_amplitude_is_the_one_worked_out_by_hand():
    assert _divergence_residual((0.3, 0.2, 0.7, -0.4, 0.9)) < 1e-12  # rounding: ~1e-15


@pytest.mark.parametrize("case", ["A", "B"])
def test_currents_inherited_by_mixing_are_conserved_and_the_direct_muon_coupling_is_not(case):
    """Case A: k·Γ has no p̸(1 − γ⁵) term (the legs' charges balance, g_L^P + v_μ + a_μ − g_ν = 0);
    Case B's g_D^μ is left unbalanced, the source of the (m_K/M)² growth; "paper" balances it."""
    z = dark_z.boson(case, 0.02, 1e-3, 2e-3, 0.05)
    v, a, g_nu, g_vp, g_lp = radiative.charges("K+", z)
    unbalanced = float(g_lp + v + a - g_nu)
    assert unbalanced == pytest.approx(0.0 if case == "A" else 0.05, abs=1e-15)
    assert float(sum(radiative.charges("K+", z, "paper")[k] for k in (0, 1, 4)) - radiative.charges("K+", z, "paper")[2]) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("meson", ["K+", "pi+"])
def test_two_treatments_agree_for_case_a_and_the_longitudinal_mode_dominates_case_b(meson):
    z_a = dark_z.boson("A", 0.01, 1e-3, 1e-3)
    assert float(radiative.rate_ratio(meson, z_a, "paper")) == pytest.approx(float(radiative.rate_ratio(meson, z_a, "full")), rel=1e-12)
    z_b = dark_z.boson("B", 0.01, 1e-5, 1e-5, 0.01)
    full, paper = float(radiative.rate_ratio(meson, z_b, "full")), float(radiative.rate_ratio(meson, z_b, "paper"))
    assert full > 20 * paper > 0  # (m_P/M)² growth of the longitudinal mode


def test_longitudinal_rate_of_a_muon_only_coupling_grows_as_one_over_mass_squared():
    """For g_D^μ alone the longitudinal part of R scales as (g/M)²: halving M quadruples it, up to
    the slowly varying phase space (≤ 5 % at 5 → 2.5 MeV)."""
    rates = [float(radiative.rate_ratio("K+", dark_z.boson("B", m, 1e-9, 1e-9, 0.01), "full")) - float(radiative.rate_ratio("K+", dark_z.boson("B", m, 1e-9, 1e-9, 0.01), "paper")) for m in (0.005, 0.0025)]
    assert rates[1] / rates[0] == pytest.approx(4.0, rel=0.05)


@pytest.mark.parametrize("case, mass", [("A", 0.0011), ("A", 0.05), ("B", 0.0011), ("B", 0.3)])
def test_dalitz_quadrature_converged(case, mass):
    z = dark_z.boson(case, mass, 1e-3, 1e-3, 0.1)
    for meson in ("K+", "pi+"):
        base = float(radiative.rate_ratio(meson, z, "full"))
        fine = float(radiative.rate_ratio(meson, z, "full", n=(128, 64)))  # (256, 128) differs from it by ≤ 3e-7
        assert base == pytest.approx(fine, rel=1e-4, abs=1e-300)


def test_muon_energy_windows_partition_the_rate():
    z = dark_z.boson("B", 0.01, 1e-5, 1e-4, 0.1)
    whole = float(radiative.rate_ratio("pi+", z, "full"))
    low = float(radiative.rate_ratio("pi+", z, "full", t_mu=(0.0, 0.0012)))
    high = float(radiative.rate_ratio("pi+", z, "full", t_mu=(0.0012, math.inf)))
    assert low > 0 and high > 0
    assert low + high == pytest.approx(whole, rel=1e-4)


def test_closed_channel_is_zero_with_finite_gradient():
    def r(m):
        return radiative.rate_ratio("pi+", dark_z.boson("B", m, 1e-3, 1e-3, 0.1), "full")

    m_open = radiative.MESONS["pi+"][0] - M_MU
    assert float(r(m_open + 1e-4)) == 0.0
    for m in (0.0011, m_open - 1e-4, m_open + 1e-4):
        assert np.isfinite(float(jax.grad(r)(m)))


def test_w_decay_matches_the_goldstone_limit_of_a_muon_only_coupling():
    """For g_D^μ alone and M, m_μ ≪ M_W the rate is the longitudinal mode's, amplitude (g/M) ×
    ū ε̸_W(1 − γ⁵) v: with massless kinematics, (8/3)(M_W²/2)(u + v − 1 + uv) over the Dalitz
    triangle (u, v = 2E/M_W; ∫ = 3/8) against Γ(W → μν) = M_W/(6π) in the same units gives
    R = 3 g² M_W² / (256 π² M²) (by hand); the transverse remainder is O(g²/8π² ln²) ≈ 10⁻⁵ of it."""
    g, mass, m_w = 0.01, 0.01, 80.377
    r = float(radiative.w_rate_ratio(mass, g, m_w=m_w))
    assert r == pytest.approx(3 * g**2 * m_w**2 / (256 * math.pi**2 * mass**2), rel=1e-3)


def test_tables_fits_use_agree_with_the_direct_integrals():
    """`tabulated_rate_ratio` (jaxflav/data/radiative_tables.npz, its make script) against
    `rate_ratio` at masses off the grid, both treatments, PIENU's windows: ≤ 0.3 % (K⁺, π⁺);
    `tabulated_w_rate_ratio` ≤ 10⁻³ up to 2 GeV."""
    rng = np.random.default_rng(3)
    windows = {"all": (0.0, math.inf), "T_mu<1.2MeV": (0.0, 0.0012), "T_mu>1.2MeV": (0.0012, math.inf)}
    for meson in ("K+", "pi+"):
        m_max = radiative.MESONS[meson][0] - M_MU
        for mass in np.exp(rng.uniform(math.log(0.0011), math.log(0.999 * m_max), 4)):
            z = dark_z.boson("B", mass, 1e-3, 2e-3, 0.05)
            for treatment in ("full", "paper"):
                for window in radiative.WINDOWS[meson]:
                    direct = float(radiative.rate_ratio(meson, z, treatment, windows[window], n=(96, 48)))
                    assert float(radiative.tabulated_rate_ratio(meson, z, treatment, window)) == pytest.approx(direct, rel=3e-3, abs=1e-300)
        assert float(radiative.tabulated_rate_ratio(meson, dark_z.boson("B", m_max + 1e-4, 1e-3, 1e-3, 0.1))) == 0.0
    for mass in (0.0011, 0.05, 2.0):
        assert float(radiative.tabulated_w_rate_ratio(mass, 0.1)) == pytest.approx(float(radiative.w_rate_ratio(mass, 0.1)), rel=1e-3)
    with pytest.raises(ValueError, match="unknown window"):
        radiative.tabulated_rate_matrix("K+", 0.1, "T_mu<1.2MeV")
