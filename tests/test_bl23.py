"""jaxflav.models.bl23 (seed 002_afd25a313d970311.txt): couplings (Eqs. 3.3–3.8), the one-loop
matrices C_L, C_R (Eqs. 4.8–4.9, B1–B4) at q² = m_π0², their scale independence, and K → π Z′
(Eqs. 4.6–4.7) against Eqs. 4.10–4.12 and the Scenario II example (Eq. 4.15)."""

import importlib.resources
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav.models import bl23

M_PI0 = bl23.KAONS.m_pi0
j = 1j

# Eqs. 4.8, 4.9, B1–B4 as printed (rows i = u, c, t; columns j = u, c, t)
PRINTED = {
    ("ds", "L"): [[-0.34 + 2.7e-7 * j, -1.5 + 4.9e-5 * j, 7.9e-2 + 1.5e-3 * j], [7.8e-2 - 4.9e-5 * j, 0.34 - 2.2e-4 * j, -1.8e-2 - 3.3e-4 * j], [-3.7e-3 - 1.5e-3 * j, -1.6e-2 - 6.4e-3 * j, 7.2e-4 + 3.1e-4 * j]],
    ("ds", "R"): [[9.6e-10 + 2.2e-10 * j, 1.5e-6 - 4.9e-11 * j, -4.3e-7 - 8.0e-9 * j], [-7.7e-8 + 4.9e-11 * j, -1.7e-4 + 1.1e-7 * j, 5.7e-5 + 1.0e-6 * j], [2.0e-8 + 8.0e-9 * j, 4.9e-5 + 2.0e-5 * j, -1.1e-4 - 4.5e-5 * j]],
    ("db", "L"): [[-1.8e-3 + 5.2e-3 * j, -6.3e-2, -1.9], [4.1e-4 - 1.2e-3 * j, 1.5e-2 - 9.2e-6 * j, 0.43 - 2.8e-4 * j], [-4.2e-5 + 4.8e-5 * j, -6.9e-4 - 2.8e-4 * j, -1.8e-2 - 7.1e-3 * j]],
    ("db", "R"): [[8.4e-12 - 1.4e-11 * j, 6.3e-8, 1.0e-5], [-4.1e-10 + 1.2e-9 * j, -7.4e-6 + 4.7e-9 * j, -1.4e-3 + 8.6e-7 * j], [2.3e-10 - 2.6e-10 * j, 2.1e-6 + 8.6e-7 * j, 2.6e-3 + 1.0e-3 * j]],
    ("sb", "L"): [[-4.1e-4 + 1.2e-3 * j, -1.5e-2, -0.44], [-1.8e-3 + 5.2e-3 * j, -6.3e-2 - 2.1e-6 * j, -1.9 - 6.4e-5 * j], [9.1e-5 - 2.8e-4 * j, 3.4e-3 - 6.4e-5 * j, 8.7e-2 - 1.6e-3 * j]],
    ("sb", "R"): [[1.9e-12 - 3.1e-12 * j, 1.4e-8, 2.4e-6], [1.8e-9 - 5.1e-9 * j, 3.2e-5 + 1.1e-9 * j, 5.9e-3 + 2.0e-7 * j], [-4.9e-10 + 1.5e-9 * j, -1.1e-5 + 2.0e-7 * j, -1.3e-2 + 2.4e-4 * j]],
}
# (C_L^db)_23: 0.4394 here, printed 0.43 — the one element off its printed digits (2 %). Its ratio
# to (C_L^sb)_23 (same loop function) is V*_cd/V*_cs = −0.2306 exactly; the printed pair
# 0.43/−1.9 allows −0.2205…−0.2324, so the paper's (c, t) loop is ~2 % below ours there.
OFF_BY_TWO_PERCENT = {("db", "L", 1, 2)}
# The u–u loop (i = j = 1) sits above its (2 m_u)² threshold at q² = m_π0²: its absorptive part
# (kernels.pv above threshold, tests/test_pv.py) dominates Im g_eff^{ds} unless it is right.


def _half_unit(x):
    """Half a unit in the second significant digit of the printed number x, widened by 5 %: two
    elements sit on a rounding edge ((C_R^db)_21 = −4.049e-10 vs −4.1e-10, Im (C_R^db)_22 = 4.649e-9
    vs 4.7e-9), where the inputs' own rounding moves the value by a few 10⁻⁴."""
    return 0.525 * 10 ** (math.floor(math.log10(abs(x))) - 1)


def _agrees(value, printed):
    ok_re = abs(value.real - printed.real) <= _half_unit(printed.real) * (1 + 1e-9)
    if printed.imag:
        ok_im = abs(value.imag - printed.imag) <= _half_unit(printed.imag) * (1 + 1e-9)
    else:  # no imaginary part printed: negligible at the real part's precision
        ok_im = abs(value.imag) <= _half_unit(printed.real)
    return ok_re and ok_im


def _check_elements(pair, elements):
    c_l, c_r = bl23.loop_matrices(pair, M_PI0**2)
    for side, mat in (("L", c_l), ("R", c_r)):
        printed = np.array(PRINTED[(pair, side)], dtype=complex)
        for i, k in elements:
            value = complex(mat[i, k])
            if (pair, side, i, k) in OFF_BY_TWO_PERCENT:
                assert value == pytest.approx(printed[i, k], rel=0.025)
            else:
                assert _agrees(value, printed[i, k]), f"C_{side}^{pair}[{i + 1}{k + 1}] = {value:.3e}, printed {printed[i, k]}"


@pytest.mark.parametrize("pair", ["ds", "db", "sb"])
def test_loop_matrices_match_every_printed_element_below_threshold(pair):
    _check_elements(pair, [(i, k) for i in range(3) for k in range(3) if (i, k) != (0, 0)])


@pytest.mark.parametrize("pair", ["ds", "db", "sb"])
def test_loop_matrices_match_the_printed_up_up_element_above_threshold(pair):
    _check_elements(pair, [(0, 0)])


def test_ckm_is_unitary_and_matches_eq_3_5():
    v = np.asarray(bl23.ckm())
    np.testing.assert_allclose(v @ v.conj().T, np.eye(3), atol=2e-16)
    printed = np.asarray(bl23.PRINTED_CKM)
    for value, p in zip(v.ravel(), printed.ravel()):
        assert abs(value.real - p.real) <= 6e-4 and abs(value.imag - p.imag) <= 6e-6 + 0.01 * abs(p.imag)


def test_g_left_reproduces_eq_3_8():
    printed = np.array([[0.017, 0.073 - 0.000046j, -0.0027 - 0.0011j], [0.073 + 0.000046j, 0.32, 0.00062 + 0.00025j], [-0.0027 + 0.0011j, 0.00062 - 0.00025j, 0.33]])
    g = np.asarray(bl23.g_left(1.0))
    for value, p in zip(g.ravel(), printed.ravel()):
        assert _agrees(complex(value), complex(p)), (value, p)
    np.testing.assert_allclose(g, g.conj().T, atol=1e-16)  # Hermitian


def test_sum_cl_gl_is_scale_independent_with_a_unitary_ckm():
    """The UV pole of C₀₀ multiplies Σ V*_iq V_jb (g_L)_ij = 0 (unitarity): μ² drops out."""
    g_l = bl23.g_left(1.0)
    for pair in ("ds", "sb", "db"):
        sums = [complex(jnp.sum(bl23.loop_matrices(pair, M_PI0**2, mu2=mu2)[0] * g_l)) for mu2 in (1.0, 80.0**2, 1e6)]
        assert sums[1] == pytest.approx(sums[0], rel=1e-12) and sums[2] == pytest.approx(sums[0], rel=1e-12)


def test_printed_ckm_is_not_unitary_and_leaves_a_scale_dependence():
    v = bl23.PRINTED_CKM
    g_l = bl23.g_left(1.0, v)
    a, b = (complex(jnp.sum(bl23.loop_matrices("ds", M_PI0**2, v=v, mu2=mu2)[0] * g_l)) for mu2 in (1.0, 1e4))
    # Σ V*V g_L ≠ 0 at the printed precision: Δ(Σ C_L g_L) = −g₂²·½·ln(1e4)·Σ V*_id V_js (g_L)_ij
    assert abs(a - b) > 1e-6 * abs(a)


def _g_eff(m_zp, g_bl, w=None):
    c_l, c_r = bl23.loop_matrices("ds", m_zp**2)
    g_r = 0.0 if w is None else bl23.g_right(g_bl, w)  # Scenario I drops C_R g_R
    return bl23.effective_coupling(c_l, c_r if w is not None else 0.0, bl23.g_left(g_bl), g_r)


def test_eq_4_10_kl_rate_at_the_pion_mass():
    """BR(K_L → π⁰Z′) = 3.4e-6 at m_Z′ = m_π0, g_B−L = 1e-3 (Eq. 4.10); f₊(0) = 0.9706, λ₊ = 0.0297 give 3.5e-6."""
    assert float(bl23.br_kl_to_pi0(_g_eff(M_PI0, 1e-3), M_PI0)) == pytest.approx(3.4e-6, rel=0.06)


def test_eq_4_11_bound_from_k_plus():
    """BR(K⁺ → π⁺Z′) < 0.9e-9 at m_Z′ = m_π0 (Eq. 2.3) gives g_B−L < 5.4e-6 (Eq. 4.11)."""
    br_at_1 = float(bl23.br_kp_to_pip(_g_eff(M_PI0, 1.0), M_PI0))
    assert math.sqrt(0.9e-9 / br_at_1) == pytest.approx(5.4e-6, rel=0.02)


def test_eq_4_12_koto_window_at_128_mev():
    """KOTO 2.1(+2.0, −1.1)e-9 (Eq. 2.1) at m_Z′ = 128 MeV: 1.6e-5 ≲ g_B−L ≲ 3.3e-5 at 1σ (Eq. 4.12)."""
    br_at_1 = float(bl23.br_kl_to_pi0(_g_eff(0.128, 1.0), 0.128))
    assert math.sqrt(1.0e-9 / br_at_1) == pytest.approx(1.6e-5, rel=0.04)
    assert math.sqrt(4.1e-9 / br_at_1) == pytest.approx(3.3e-5, rel=0.04)
    assert math.sqrt(6.2e-9 / br_at_1) == pytest.approx(4.0e-5, rel=0.04)  # 2σ upper edge


def test_scenario_2_example_eq_4_15():
    """W_u first row (0, 1/√2, e^{iθ₁₃}/√2), θ₁₃ ≈ 0.59π, 128 MeV, g_B−L = 1e-3: BR(K_L → π⁰Z′) ≈ 2.1e-9."""
    w = jnp.array([0.0, 1 / math.sqrt(2), np.exp(1j * 0.59 * math.pi) / math.sqrt(2)])
    assert float(bl23.br_kl_to_pi0(_g_eff(0.128, 1e-3, w), 0.128)) == pytest.approx(2.1e-9, rel=0.05)


def test_w_row_is_a_unit_vector_and_g_right_hermitian():
    w = bl23.w_row(0.3, 1.1, 0.4, -2.0)
    assert float(jnp.sum(jnp.abs(w) ** 2)) == pytest.approx(1.0, rel=1e-15)
    g = np.asarray(bl23.g_right(1.0, w))
    np.testing.assert_allclose(g, g.conj().T, atol=1e-16)
    assert np.trace(g).real == pytest.approx(2 / 3, rel=1e-14)  # (1/3)(3 − |w|²)


def test_width_and_decay_length_eq_3_1():
    """Γ = g²m/(24π) (Eq. 3.1) and cτ ≃ 1.5e-5 m (1e-4/g)² (0.1 GeV/m) (§III.B), to its 2 digits."""
    assert float(bl23.width(1e-4, 0.1)) == pytest.approx(1e-8 * 0.1 / (24 * math.pi), rel=1e-15)
    assert float(bl23.decay_length(1e-4, 0.1)) == pytest.approx(1.5e-5, abs=0.05e-5)
    assert float(bl23.decay_length(1e-3, 0.2)) == pytest.approx(float(bl23.decay_length(1e-4, 0.1)) / 200, rel=1e-14)


def test_unknown_pair_raises():
    with pytest.raises(ValueError, match="unknown pair 'bd'"):
        bl23.loop_matrices("bd", 0.01)


def test_survey_equals_the_direct_coupling_and_runs_a_million_samples():
    import time

    import jax

    w = bl23.haar_rows(jax.random.PRNGKey(0), 1_000_000)
    np.testing.assert_allclose(np.abs(np.asarray(w[:5])) ** 2 @ np.ones(3), 1.0, rtol=1e-14)
    start = time.perf_counter()
    kl, kp = jax.block_until_ready(bl23.survey(w, 0.14, 1e-3))
    assert time.perf_counter() - start < 60  # the budget on 2 cores (measured: well under 1 s)
    c_l, c_r = bl23.loop_matrices("ds", 0.14**2)
    direct = bl23.effective_coupling(c_l, c_r, bl23.g_left(1e-3), bl23.g_right(1e-3, w[7]))
    assert float(kl[7]) == pytest.approx(float(bl23.br_kl_to_pi0(direct, 0.14)), rel=1e-12)
    assert float(kp[7]) == pytest.approx(float(bl23.br_kp_to_pip(direct, 0.14)), rel=1e-12)
    assert np.all(np.isfinite(np.asarray(kl))) and np.all(np.isfinite(np.asarray(kp)))


def test_b_decay_ratios_match_table_1():
    """Table I ratios that do not depend on W_u or g_eff^{sb}: B⁰→K⁰/B⁺→K⁺ = 1.44/1.56 (lifetimes,
    to the printed 3 digits), B⁺→K*⁺/B⁰→K*⁰ = 1.78/1.65 (1 %), B⁰→K*⁰/B⁺→K⁺ = 1.65/1.56 (B → K*
    against B → K form factors: BSZ/GRvDV here, Refs. [72, 73] there; 3 %); and the 140/128 MeV
    ratio of B⁺→K⁺ with the table's g_B−L (1.15e-3/1.02e-3)² = 1.65/1.56 (1 %)."""
    br = {m: {k: float(bl23.br_b_decay(k, 1e-8, m)) for k in bl23.B_DECAYS} for m in (0.128, 0.140)}
    r = br[0.128]
    assert r["B0->K0"] / r["B+->K+"] == pytest.approx(1.44 / 1.56, rel=5e-3)
    assert r["B+->K*+"] / r["B0->K*0"] == pytest.approx(1.78 / 1.65, rel=0.01)
    assert r["B0->K*0"] / r["B+->K+"] == pytest.approx(1.65 / 1.56, rel=0.03)
    scaling = br[0.140]["B+->K+"] / r["B+->K+"] * (1.15 / 1.02) ** 2
    assert scaling == pytest.approx(1.65 / 1.56, rel=0.01)


def test_b_to_d_ratios_match_table_1():
    """Table I, b → d rows: B⁺→π⁺/B⁰→π⁰ = 1.75/0.812 and B⁺→ρ⁺/B⁰→ρ⁰ = 2.16/1.00 (κ² = 2 for the
    neutral modes, Eq. 5.2, and the lifetimes), to the printed digits, at both masses."""
    for m in (0.128, 0.140):
        br = {k: float(bl23.br_b_decay(k, 1e-8, m)) for k in ("B0->pi0", "B+->pi+", "B0->rho0", "B+->rho+")}
        assert br["B+->pi+"] / br["B0->pi0"] == pytest.approx(1.75 / 0.812, rel=5e-3)
        assert br["B+->rho+"] / br["B0->rho0"] == pytest.approx(2.16 / 1.00, rel=5e-3)


def test_vector_rate_tends_to_the_longitudinal_a0_limit():
    """Eqs. 5.3–5.5 at m_Z′ → 0: only H₀ survives, and with 2m_V A₀(0) = (m_B + m_V)A₁(0) −
    (m_B − m_V)A₂(0) the ratio to Eq. 5.2 becomes (A₀/f₊)² (λ_V/λ_P)^{3/2} (equivalence theorem).
    Table I's B⁰→ρ⁰/B⁰→π⁰ = 1.23 is this ratio with the paper's form factors (Refs. [72, 73]); with
    flavio's (A₀^{Bρ}(0) = 0.36, f₊^{Bπ}(0) = 0.24) it is 2.16."""
    from jaxflav import formfactors
    from jaxflav.inputs import DEFAULT
    from kernels.safe_math import kallen

    m = 1e-3
    ratio = float(bl23.br_b_decay("B0->rho0", 1e-8, m)) / float(bl23.br_b_decay("B0->pi0", 1e-8, m))
    a0, fp = float(formfactors.b_to_v(m * m, "B->rho")["A0"]), float(formfactors.b_to_p(m * m, "B->pi")["f+"])
    lam = [float(kallen(DEFAULT.m_B0**2, mm**2, m * m)) for mm in (DEFAULT.m_rho0, DEFAULT.m_pi0)]
    assert ratio == pytest.approx((a0 / fp) ** 2 * (lam[0] / lam[1]) ** 1.5, rel=1e-6)


def test_b_decays_finite_towards_small_masses():
    for m in (1e-3, 0.01, 0.5, 2.0):
        assert all(np.isfinite(float(bl23.br_b_decay(k, 1e-8, m))) for k in bl23.B_DECAYS)


# --- the loop table, the K-decay and (g − 2)_μ likelihood (jaxflav.constraints, presets) -------


def test_loop_table_interpolates_the_pv_couplings_to_1e_10():
    table = bl23.loop_table()
    masses = np.array([0.0103, 0.0472, 0.128, 0.1349770, 0.2113, 0.3587])
    padded = np.resize(masses, table.nodes.size)  # the table's batch shape: no second compilation
    c_l, c_r = bl23.loop_matrices_batch("ds", jnp.asarray(padded**2), bl23.PDG2018)
    w = bl23.w_row(0.9, 0.7, 1.3, -2.2)
    for k, m in enumerate(masses):
        direct = bl23.effective_coupling(c_l[k], c_r[k], bl23.g_left(1e-3), bl23.g_right(1e-3, w))
        interp = bl23.g_eff_from_table(table, 1e-3, m, w)
        assert abs(complex(interp - direct)) <= 1e-10 * abs(complex(direct))
        assert abs(float(jnp.imag(interp - direct))) <= 1e-10 * abs(float(jnp.imag(direct)))
        scenario_1 = bl23.effective_coupling(c_l[k], 0.0, bl23.g_left(1e-3), 0.0)
        assert complex(bl23.g_eff_from_table(table, 1e-3, m)) == pytest.approx(complex(scenario_1), rel=1e-10)


def test_loop_table_rejects_a_range_reaching_the_up_threshold():
    with pytest.raises(ValueError, match="2 m_u"):
        bl23.loop_table(m_lo=0.004)


def test_delta_a_mu_matches_the_feynman_parameter_integral():
    """Δa_μ = (g²/8π²) ∫₀¹ 2x²(1 − x) m_μ² / (x² m_μ² + (1 − x) m_Z′²) dx (vector coupling), by scipy."""
    from scipy.integrate import quad

    for m in (0.01, 0.05, 0.128, 0.2):
        f = lambda x: 2 * x * x * (1 - x) * bl23.M_MU**2 / (x * x * bl23.M_MU**2 + (1 - x) * m * m)  # noqa: E731
        ref = 1e-6 / (8 * math.pi**2) * quad(f, 0, 1, epsabs=0, epsrel=1e-13)[0]
        assert float(bl23.delta_a_mu(1e-3, m)) == pytest.approx(ref, rel=1e-11)


def _problem(name, **fixed):
    from jaxflav import config

    cfg = config.load(name)
    return config.problem(cfg._replace(fixed={**cfg.fixed, **fixed}))


def _crossing(f, target, lo, hi):
    """log-bisection for f(g) = target, f increasing in g."""
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return math.sqrt(lo * hi)


def test_likelihood_terms_reproduce_eqs_4_11_and_4_12_and_the_e949_bound():
    """Scenario I through `kang2021_kaon`: at m_π0 the NA62 π⁰ → invisible term reaches χ² = 2.71 at
    g_B−L = 5.4e-6 (Eq. 4.11) and the E949 one at 4.2e-5 (§IV.C.1); at 128 MeV the KOTO term is
    χ² ≤ 1 (4) for 1.6 (1.0) ≲ 10⁵ g_B−L ≲ 3.3 (4.0) (Eq. 4.12), with the SM 3.4e-11 added."""
    p = _problem("bl23-scenario-1")
    term = lambda name, m: lambda g: float(p.terms(jnp.array([m, g]))[name])  # noqa: E731
    assert _crossing(term("NA62 pi0->inv", M_PI0), 2.706, 1e-8, 1e-3) == pytest.approx(5.4e-6, rel=0.02)
    assert _crossing(term("E949 pi0->nunu", M_PI0), 2.706, 1e-8, 1e-3) == pytest.approx(4.2e-5, rel=0.02)
    koto = term("KOTO", 0.128)
    upper = lambda level: _crossing(lambda g: koto(g) if g > 2.2e-5 else -1.0, level, 2.2e-5, 1e-3)  # noqa: E731
    lower = lambda level: _crossing(lambda g: -koto(g) if g < 2.2e-5 else 0.0, -level, 1e-7, 2.2e-5)  # noqa: E731
    # 4–5 %: the K → π form factor (f₊(0) = 0.9706 here) and the SM background, which moves the
    # lower ends down by ~2 % (the 2σ lower end: 0.95e-5 against the printed 1.0e-5)
    assert (lower(1.0), upper(1.0)) == pytest.approx((1.6e-5, 3.3e-5), rel=0.04)
    assert (lower(4.0), upper(4.0)) == pytest.approx((1.0e-5, 4.0e-5), rel=0.05)


def test_g_minus_2_needs_g_bl_near_1e_minus_3_in_the_loophole():
    """§IV.C: g_B−L ≈ 1e-3 explains (g − 2)_μ for m_Z′ ≈ 128–140 MeV (Table I: 1.02e-3, 1.15e-3)."""
    p = _problem("bl23-scenario-1")
    g2 = lambda m: lambda g: float(p.observables(jnp.array([m, g]))["Delta a_mu"])  # noqa: E731
    for m in (0.128, 0.140):
        assert 0.9e-3 < _crossing(g2(m), 2.79e-9, 1e-5, 1e-1) < 1.3e-3


def test_scenario_2_model_reproduces_eq_4_15_through_the_table():
    p = _problem("bl23-wu-survey", m_Zp=0.128)
    x = jnp.array([math.pi / 2, math.pi / 4, 0.0, 0.59 * math.pi, 1e-3])  # (0, 1/√2, e^{iθ₁₃}/√2)
    assert float(p.observables(x)["BR(KL->pi0Zp)"]) == pytest.approx(2.1e-9, rel=0.05)
    from jaxflav import models

    assert set(p.observables(x)) == set(models.get("bl23-scenario-2").outputs) == set(models.get("bl23-scenario-1").outputs)  # what configs are checked against


def test_survey_reproduces_the_w_u_pattern_of_fig_3():
    """Fig. 3 (m_Z′ = 140 MeV): the rows explaining KOTO and (g − 2)_μ within 1σ have
    0.5 ≲ |(W_u)_13| ≲ 0.8 and every |(W_u)_1i| ≲ 0.7–0.8."""
    from fits import scan

    p = _problem("bl23-wu-survey")
    res = scan.scan(p.terms, p.space, design="sobol", points=2**15, seed=3)
    psi, phi = res.x[:, 0], res.x[:, 1]
    ok = (res.values["KOTO"] <= 1) & (res.values["g-2"] <= 1)
    assert ok.sum() > 10
    r = np.stack([np.cos(psi), np.sin(psi) * np.cos(phi), np.sin(psi) * np.sin(phi)])[:, ok]
    assert 0.45 < r[2].min() and r[2].max() < 0.9 and r.max() < 0.9


@pytest.mark.parametrize("name", ["bl23-scenario-1", "bl23-wu-survey"])
def test_chi2_and_gradient_finite_over_the_box_and_at_edges(name):
    p = _problem(name)
    u = np.random.default_rng(7).uniform(size=(48, p.space.dim))
    xs = np.asarray(p.space.uniform_points(u))
    if name == "bl23-scenario-1":  # window edges, m_π0 ± 3.8 MeV, the box's corners
        edges = [0.01, 0.100, 0.116, 0.1311770, M_PI0, 0.1387770, 0.152, 0.165, 0.2, 0.21]
        xs = np.concatenate([xs, [[m, g] for m in edges for g in (1e-7, 1e-2)]])
    values = jax.vmap(p.chi2)(jnp.asarray(xs))
    grads = jax.vmap(jax.grad(p.chi2))(jnp.asarray(xs))
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads))


def test_bl23_config_errors_name_the_culprit(tmp_path):
    from jaxflav import config

    text = (importlib.resources.files("jaxflav") / "presets/bl23-scenario-1.toml").read_text()
    for edit, match in [
        (lambda s: s.replace("[parameters.g_BL]", "[parameters.g_B]"), "unknown parameter.*g_B"),
        (lambda s: s.replace("range = [0.01, 0.21]", "range = [0.01, 0.3]"), "m_Zp.*domain"),
        (lambda s: s.replace('"kang2021_kaon"', '"rashed2026_table1"'), "rashed2026_table1"),
    ]:
        (tmp_path / "c.toml").write_text(edit(text))
        with pytest.raises(ValueError, match=match):
            config.load(tmp_path / "c.toml")
    (tmp_path / "d.toml").write_text(text.replace("bl23-scenario-1", "bl23-scenario-2"))
    with pytest.raises(ValueError, match="needs parameter.*psi"):
        config.load(tmp_path / "d.toml")


def test_scan_and_plot_draw_the_fig_2_bands(tmp_path):
    from jaxflav import cli

    text = (importlib.resources.files("jaxflav") / "presets/bl23-scenario-1.toml").read_text()
    (tmp_path / "s.toml").write_text(text.replace("points = [241, 241]", "points = [13, 11]"))
    out = tmp_path / "out"
    assert cli.main(["scan", str(tmp_path / "s.toml"), "--out", str(out)]) == 0
    data = np.load(out / "scan.npz")
    assert data["values.chi2"].shape == (143,) and "values.terms.KOTO" in data.files
    total = sum(data[k] for k in data.files if k.startswith("values.terms."))
    np.testing.assert_allclose(total, data["values.chi2"], rtol=1e-12)
    pytest.importorskip("matplotlib")
    assert cli.main(["plot", str(out)]) == 0
    assert (out / "constraints.png").stat().st_size > 1000
