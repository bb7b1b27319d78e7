"""jaxflav.models.split_dark_sector (seed 003_063abde38b23e6be.txt): the printed numbers of §2.2–§4,
Eq. 22 against mpmath and its narrow-width limit, and finite gradients at every threshold."""

import math

import jax
import jax.numpy as jnp
import mpmath
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav import formfactors
from jaxflav.inputs import DEFAULT, HBAR, heff_norm
from jaxflav.models import split_dark_sector as sds
from kernels import loop_functions

M_MU = DEFAULT.m_mu
POINT = {"m_V": 5.0, "r": 1.0, "g_mu_V": 0.05, "r_AV": -0.44, "g_D": 1.0}


def test_g_tilde_is_2_76e_8_r_for_the_papers_masses():
    """§4: "r is related to the effective coupling g̃ by g̃ = 2.76 × 10⁻⁸ GeV⁻² r" (m_χ = 1 MeV, m_Φ = 1 TeV)."""
    assert float(sds.g_tilde({**sds.FIXED, "r": 1.0})) == pytest.approx(2.76e-8, rel=2e-3)
    assert float(sds.g_tilde({**sds.FIXED, "r": -3.0})) == pytest.approx(-3 * 2.7579e-8, rel=1e-4)


def test_two_fermions_give_the_log_of_their_mass_ratio():
    """§3.1: with y_s^{2*}y_b^2 = −y_s^{1*}y_b^1, g̃ ∝ ln(x₁/x₂) for small x (only G̃₉'s −12 ln x/36 survives)."""
    point = {"r": 1.0, "m_chi": [1e-3, 10.0], "y": [1.0, -1.0], "m_Phi": 1000.0}
    expected = -12 / 36 * math.log(1e-3**2 / 10.0**2) / (32 * math.pi**2 * 1e6)
    assert float(sds.g_tilde(point)) == pytest.approx(expected, rel=2e-3)
    with pytest.raises(ValueError, match="y has 1 entries for 2"):
        sds.g_tilde({**point, "y": [1.0]})


def _g_mu_bound(m_v, bound=4e-9):
    """|g_μ^V| at which δa_μ (vector only) reaches the paper's 2σ bound."""
    return math.sqrt(bound / float(sds.delta_a_mu({"m_V": m_v, "g_mu_V": 1.0, "r_AV": 0.0})))


def test_g_minus_2_bounds_of_eqs_14_and_16():
    """Eq. 14: |g_μ^V| ≲ 7·10⁻³ m_V/GeV for a heavy V (here 6.5·10⁻³, the heavy-V limit
    g²m_μ²/(12π²m_V²) = 4·10⁻⁹); Eq. 16: 0.6–1·10⁻³ for a light one (5.6·10⁻⁴ from the Schwinger-like
    g²/8π² at the lightest masses, 6.0·10⁻⁴ at 5 MeV, 1.2·10⁻³ at 100 MeV)."""
    for m_v in (10.0, 15.0):
        assert _g_mu_bound(m_v) / m_v == pytest.approx(7e-3, rel=0.08)
    assert _g_mu_bound(1e-4) == pytest.approx(math.sqrt(4e-9 * 8 * math.pi**2), rel=0.01)  # 5.6e-4
    assert _g_mu_bound(0.005) == pytest.approx(0.6e-3, rel=0.02)
    assert _g_mu_bound(0.1) == pytest.approx(1.19e-3, rel=0.01)  # "1·10⁻³" from m_V ≳ 100 MeV


def test_g_minus_2_cancels_at_g_a_minus_0_44_g_v_for_a_gev_vector():
    """§3.2: "for a GeV-scale vector mediator, this occurs for g_A ≈ −0.44 g_V": δa_μ = 0 at
    r_AV = −0.432 (1 GeV), −0.444 (3 GeV), → −1/√5 = −0.447 for a heavy V (the sign of g_A is free)."""
    for m_v, expected in ((1.0, -0.432), (3.0, -0.444)):
        x = M_MU / m_v
        r_av = -math.sqrt(-float(loop_functions.g_minus_2_vector(x)) / float(loop_functions.g_minus_2_axial(x)))
        assert r_av == pytest.approx(expected, abs=2e-3)
        assert abs(float(sds.delta_a_mu({"m_V": m_v, "g_mu_V": 0.05, "r_AV": r_av}))) < 1e-18


def _c9(point, q2):
    res = sds.resonance({**sds.FIXED, **point})
    a, b = res.residue_vectors("mu")
    index = 1 + list(__import__("jaxflav").wcxf.COEFFICIENTS).index("C9")
    return complex((a[index] + b[index] * q2) / (q2 - res.mass**2 + 1j * res.mass * res.width))


def test_c9_sizes_of_eqs_12_and_15():
    """Eq. 12: a heavy V (m_V ≫ 10 GeV) gives C₉ ≲ −0.6 at q² = 3.5 GeV² for |g̃ g_μ^V| ≳ 10⁻¹⁰ m_V²
    (here C₉ = −0.6 at 1.4·10⁻¹⁰ m_V²); Eq. 15: a light one (≪ 200 MeV) for |g̃ g_μ^V| ≳ 5·10⁻¹⁰ GeV⁻²
    (here 4.9·10⁻¹⁰ with |N| = 8.2·10⁻¹⁰ GeV⁻²). Signs (module docstring): heavy needs r g_μ^V < 0,
    light r g_μ^V > 0."""
    n = abs(complex(heff_norm(DEFAULT)))
    g_tilde = float(sds.g_tilde({**sds.FIXED, "r": 1.0}))
    heavy = {"m_V": 30.0, "g_mu_V": 0.05, "r_AV": 0.0, "g_D": 1e-3, "r": -1.4e-10 * 30.0**2 / (0.05 * g_tilde)}
    assert _c9(heavy, 3.5).real == pytest.approx(-0.6, rel=0.03)
    light = {"m_V": 0.02, "g_mu_V": 1e-3, "r_AV": 0.0, "g_D": 1e-3, "r": 0.6 * n / (1e-3 * g_tilde)}
    assert _c9(light, 3.5).real == pytest.approx(-0.6, rel=0.01)
    assert 0.6 * n == pytest.approx(5e-10, rel=0.03)


def test_loop_functions_near_one_where_the_paper_says():
    """Eq. 3: F(x, y, z) "equals approximately 1 when m₁ ≈ m₂ ≈ m₃ ≈ O(100 GeV)" (m₄ = 1 TeV): it is 3.2
    at 100 GeV, 1.9 at 224 GeV, 1.3 at 332 GeV — the log enhancement the paper mentions next; it is ≈ 1
    only for m₁,₂,₃ near m₄ (F(1,1,1) = 1/3 … ), so "approximately 1" holds to a factor 2–3 at
    O(100 GeV). Eq. 18: F(x, y) ≃ 1 for small x, y: 1 − O(10⁻¹¹) at m_χ = 1 MeV, m_Φ = 1 TeV."""
    assert float(loop_functions.box_F3(0.01, 0.01, 0.01)) == pytest.approx(3.22, abs=0.01)
    assert float(loop_functions.box_F3(0.05, 0.05, 0.05)) == pytest.approx(1.86, abs=0.01)
    assert float(loop_functions.box_F3(0.11, 0.11, 0.11)) == pytest.approx(1.31, abs=0.01)
    assert float(loop_functions.box_F2(1e-12, 1e-12)) == pytest.approx(1.0, abs=1e-9)
    assert float(loop_functions.box_F2(1e-6, 1e-6)) == pytest.approx(1.0, abs=1e-4)


def _eq22_mpmath(point, printed=False):
    """Eq. 22 by mpmath quad (30 digits), with breakpoints around the pole, from the same inputs."""
    p = {**sds.FIXED, **point}
    m_chi, m_v, gamma = p["m_chi"], p["m_V"], float(sds.width(p))
    m_b, m_k = DEFAULT.m_Bp, DEFAULT.m_Kp
    g = p["g_D"] * p["Q_Phi"]
    g_t = float(sds.g_tilde(p))
    mpmath.mp.dps = 30

    def f(s):
        s = mpmath.mpf(s)
        beta2 = 1 - 4 * m_chi**2 / s
        dark = g**2 * mpmath.sqrt(s) / (12 * mpmath.pi) * mpmath.sqrt(beta2) * (1 + 2 * m_chi**2 / s) if beta2 > 0 else 0
        lam = (m_b**2 - m_k**2 - s) ** 2 - 4 * m_k**2 * s
        f_plus = float(formfactors.b_to_p(float(s), "B->K")["f+"])
        kv = g_t**2 * s * f_plus**2 * lam**1.5 / (64 * mpmath.pi * m_b**3) if lam > 0 else 0
        return mpmath.sqrt(s) / mpmath.pi * dark * kv / ((m_v**2 - s) ** 2 + m_v**2 * gamma**2)

    lo, hi = 4 * (M_MU if printed else m_chi) ** 2, (m_b - m_k) ** 2
    pts = sorted({lo, hi, *(x for x in (m_v**2 - 10 * m_v * gamma, m_v**2, m_v**2 + 10 * m_v * gamma) if lo < x < hi)})
    return float(mpmath.quad(f, pts, maxdegree=10))


@pytest.mark.parametrize("g_d, m_v", [(3e-3, 2.0), (0.1, 2.0), (1.0, 3.5), (4.0, 1.0), (4.0, 5.0), (1.0, 0.3)])
def test_b_to_k_chichi_agrees_with_mpmath(g_d, m_v):
    """Eq. 22 (`b_to_k_chichi_width`) against mpmath for Γ_V/m_V from ~10⁻⁶ to 0.4 and the pole below,
    inside and above the kinematic range: ≤ 1e-8 relative."""
    point = {**POINT, "g_D": g_d, "m_V": m_v, "g_mu_V": 1e-3}
    ratio = float(sds.width({**sds.FIXED, **point})) / m_v
    assert 1e-7 < ratio < 0.5
    ours = float(sds.b_to_k_chichi_width({**sds.FIXED, **point}))
    assert ours == pytest.approx(_eq22_mpmath(point), rel=1e-8)


def test_narrow_width_limit_of_eq_22_is_eq_21_times_the_branching_fraction():
    """Γ_V/m_V → 0 (g_D, g_μ small): Γ(B → Kχχ̄) → Γ(B → KV) BR(V → χχ̄) up to O(Γ_V/m_V)."""
    for g_d in (1e-2, 1e-3):
        point = {**sds.FIXED, **POINT, "m_V": 2.0, "g_D": g_d, "g_mu_V": 1e-4}
        obs = sds.observables(point)
        narrow = float(obs["BR(B+->K+V)"]) * float(obs["BR(V->chichi)"])
        assert float(obs["BR(B+->K+chichi)"]) == pytest.approx(narrow, rel=20 * float(obs["Gamma_V"]) / 2.0 + 1e-6)


def test_the_printed_lower_limit_of_eq_22_drops_the_light_vector():
    """Eq. 22's printed lower limit 4M_μ² (a misprint: no muon is produced) would drop a V lighter
    than 2M_μ entirely; from 4m_χ² the on-shell V at 100 MeV is there."""
    point = {**sds.FIXED, **POINT, "m_V": 0.1, "g_D": 0.01, "g_mu_V": 1e-5}
    physical, printed = float(sds.b_to_k_chichi_width(point)), float(sds.b_to_k_chichi_width(point, printed=True))
    assert physical > 300 * printed > 0  # 710×
    narrow = float(sds.b_to_k_width(point)) * float(sds.dark_width(point) / sds.width(point))
    assert physical == pytest.approx(narrow, rel=1e-3)


def test_widths_and_rates_finite_with_gradients_at_thresholds():
    """Every channel threshold (2m_χ, 2M_μ, m_B − m_K) and Γ_V/m_V up to ~0.5 (g_D = 4): finite values and
    gradients in all five parameters."""
    def total(v):
        p = {**sds.FIXED, **dict(zip(sds.PARAMETERS, v))}
        o = sds.observables(p)
        return sum(jnp.log1p(jnp.abs(o[k])) for k in o)

    grad = jax.jit(jax.value_and_grad(total))
    masses = (2e-3, 2 * M_MU, DEFAULT.m_Bp - DEFAULT.m_Kp, 0.6, 2.0, 15.0)
    for m_v in masses:
        for g_d in (1e-3, 4.0):
            value, g = grad(jnp.array([m_v, 1.0, 0.05, -0.44, g_d]))
            assert np.isfinite(float(value)) and np.all(np.isfinite(np.asarray(g))), (m_v, g_d)
    assert float(sds.width({**sds.FIXED, **POINT, "g_D": 4.0, "m_V": 2.0})) / 2.0 > 0.4


def test_on_shell_b_to_k_v_by_hand():
    """Eq. 21 with the full f₊ at m_V = 1 GeV, by hand from the engine's form factor and the B⁺ lifetime."""
    point = {**sds.FIXED, **POINT, "m_V": 1.0}
    s, m_b, m_k = 1.0, DEFAULT.m_Bp, DEFAULT.m_Kp
    lam = (m_b**2 - m_k**2 - s) ** 2 - 4 * m_k**2 * s
    f_plus = float(formfactors.b_to_p(s, "B->K")["f+"])
    g_t = float(sds.g_tilde(point))
    expected = g_t**2 * s * f_plus**2 * lam**1.5 / (64 * math.pi * m_b**3) * DEFAULT.tau_Bp / HBAR
    assert float(sds.observables(point)["BR(B+->K+V)"]) == pytest.approx(expected, rel=1e-12)


def test_relic_density_exponent_is_enhancing_below_the_muon_mass():
    """Eq. 31 as printed, e^{−2Δx_f}, makes Ω h² fall as m_χ falls below M_μ; the text after it
    ("the relic density is exponentially enhanced") needs e^{+2Δx_f}, the default. Prefactor by hand at
    m_χ = M_μ (Δ = 0): 0.05 (100 MeV/M_μ)² for m_V = 8 GeV, g_μ^V = 0.05."""
    point = {**POINT, "m_V": 8.0, "g_mu_V": 0.05}
    omega = [float(sds.relic_density({**point, "m_chi": m})) for m in (0.08, 0.05)]
    printed = [float(sds.relic_density({**point, "m_chi": m}, printed=True)) for m in (0.08, 0.05)]
    assert omega[1] > 10 * omega[0] and printed[1] < printed[0] / 10
    assert float(sds.relic_density({**point, "m_chi": M_MU})) == pytest.approx(0.05 * (0.1 / M_MU) ** 2, rel=1e-12)


def test_kinetic_mixing_of_eq_29():
    """Eq. 29 prints ε ≈ 8·10⁻⁴ (g_D/3) from Eq. 28 with Φ alone; the doublet's two components
    (Y = 1/6, N_c = 3, the scalar's 1/8) give e/(12π²)·(1/8) = 3.3·10⁻⁴ g_D with α_e(μ_b), i.e.
    9.8·10⁻⁴ at g_D = 3: 22 % above the print (one component would give 4.9·10⁻⁴)."""
    eps = float(sds.kinetic_mixing({"g_D": 3.0}))
    assert eps == pytest.approx(math.sqrt(4 * math.pi * DEFAULT.alpha_e) * 3.0 / (12 * math.pi**2) / 8, rel=1e-12)
    assert eps / 8e-4 == pytest.approx(1.22, abs=0.01)


def test_appendix_a_regions_pair_with_their_kaon_momenta_and_limits():
    """Appendix A: "[3.4², 4²] GeV² and [0, 2.4²] GeV² (p_K in [1, 1.5] GeV and ≳ 2 GeV, respectively)":
    the kinematics q² = m_B² + m_K² − 2m_B E_K agrees (p_K = 1 → 1.5 GeV is q² = 16.3 → 11.4 GeV²,
    p_K = 2 GeV is 6.4 GeV²). The sentence after it pairs "both regions" in that order with "the
    low-q² and high-q² limits, 1.1·10⁻⁵ and 4.6·10⁻⁵, respectively": read in order it would give the
    high-q² region [3.4², 4²] the low-q² limit — the order is swapped; by name, [0, 2.4²] takes 1.1·10⁻⁵."""
    q2 = [float(sds.kaon_momentum_q2(p)) for p in (1.0, 1.5, 2.0)]
    assert 4.0**2 * 1.0 < q2[0] < 4.05**2 and 3.35**2 < q2[1] < 3.4**2 and 2.4**2 < q2[2] < 2.55**2


def test_drell_yan_and_trident_ratios():
    """Eq. 26: excluded above √(g_V² + g_A²) = 5.6·10⁻²(1 + 0.13 m_V); Eq. 27: g_ν < 0.002 m_V above
    1 GeV, 0.001 below (g_ν = g_μ^V by default, as the paper's plots)."""
    point = {**POINT, "m_V": 3.0, "g_mu_V": 5.6e-2 * 1.39 / math.sqrt(1 + 0.44**2)}
    assert float(sds.drell_yan_ratio(point)) == pytest.approx(1.0, rel=1e-12)
    assert float(sds.trident_ratio({**POINT, "m_V": 3.0, "g_mu_V": 0.006})) == pytest.approx(1.0, rel=1e-12)
    assert float(sds.trident_ratio({**POINT, "m_V": 0.3, "g_mu_V": 0.001})) == pytest.approx(1.0, rel=1e-12)


def test_the_model_is_registered_with_a_resonance_and_its_outputs():
    from jaxflav import models, wcxf

    model = models.get("split-dark-sector")
    assert model.required == sds.PARAMETERS and model.outputs == sds.OUTPUTS and model.mass == "m_V"
    res = model.wilson(POINT)
    assert isinstance(res, wcxf.Resonance) and float(res.width) == pytest.approx(float(sds.width({**sds.FIXED, **POINT})))
    assert set(model.observables()(POINT)) == set(sds.OUTPUTS)


def test_bs_to_mumu_is_the_sms_for_a_transverse_vertex_and_grows_as_printed():
    """Treatment "full": U(1)_D's Ward identity makes the b–s–V vertex transverse, and the B_s reaches
    the V only along q^μ: BR(B_s → μμ) is the SM's to 1e-12 whatever the couplings, with C_P′ from
    the s-quark mass. "paper" (Eqs. 19–20): C_P ∝ 1/m_V² gives 2.3·10⁻⁶ at m_V = 0.8 GeV for
    r = 3, g_μ^V = 0.05, g_μ^A = −0.022 — the (M_Bs/m_V)⁴ growth behind §4's "m_V ≲ 1.4 GeV is cut
    by B_s → μμ" — and "paper-complex-mass" tends to it as Γ_V → 0."""
    from jaxflav.predictions import Predictions

    sm = float(Predictions([("BR(Bs->mumu)",)])(None)[0])
    for m_v in (0.8, 1.4, 5.0, 5.36):
        p = {**sds.FIXED, "m_V": m_v, "r": 3.0, "g_mu_V": 0.05, "r_AV": -0.44, "g_D": 1.0}
        assert float(sds.observables(p)["BR(Bs->mumu)"]) == pytest.approx(sm, rel=1e-12)
    p = {**sds.FIXED, "m_V": 0.8, "r": 3.0, "g_mu_V": 0.05, "r_AV": -0.44, "g_D": 1.0}
    assert float(sds.observables(p, treatment="paper")["BR(Bs->mumu)"]) == pytest.approx(2.27e-6, rel=0.01)
    narrow = {**p, "g_D": 1e-4, "g_mu_V": 1e-3}
    assert float(sds.observables(narrow, treatment="paper-complex-mass")["BR(Bs->mumu)"]) == pytest.approx(float(sds.observables(narrow, treatment="paper")["BR(Bs->mumu)"]), rel=1e-9)
    with pytest.raises(ValueError, match="unknown split-dark-sector treatment"):
        sds.resonance(p, treatment="printed")


def test_babar_2010_windows_add_up_inside_the_whole_rate():
    """Appendix A's q² windows of Eq. 22 (`q2_range`) are parts of the whole: each ≤ the total and a
    complementary split sums to it."""
    p = {**sds.FIXED, **POINT, "m_V": 3.0, "g_D": 1.0}
    total = float(sds.b_to_k_chichi_width(p))
    low = float(sds.b_to_k_chichi_width(p, q2_range=(0.0, 9.0)))
    high = float(sds.b_to_k_chichi_width(p, q2_range=(9.0, 30.0)))
    assert low + high == pytest.approx(total, rel=1e-9)
    obs = sds.observables(p)
    assert 0 < float(obs["BR(B+->K+chichi, q2<2.4^2)"]) < float(obs["BR(B+->K+chichi)"])


def test_presets_carry_table_1_and_the_sign_of_each_region():
    """split-dark-sector-{high,low}: Table 1's priors (log in r and g_μ^V), r·g_μ^V < 0 above the
    bins and > 0 below (module docstring), the era's b→sμμ data and every constraint of the paper."""
    from jaxflav import config

    for region, m_range, sign in (("high", (2.0, 15.0), -1.0), ("low", (0.6, 2.0), 1.0)):
        cfg = config.load(f"split-dark-sector-{region}")
        p = {q.name: q for q in cfg.parameters}
        assert (p["m_V"].low, p["m_V"].high) == m_range and cfg.fixed == {"sign_r": sign}
        assert p["r"].scale == p["g_mu_V"].scale == "log" and (p["r"].low, p["r"].high) == (0.03, 10.0)
        assert (p["g_mu_V"].low, p["g_mu_V"].high) == (1e-3, 0.2) and (p["r_AV"].low, p["r_AV"].high) == (-1.0, 0.0)
        assert cfg.measurements == ("bsmumu-2019", "darme2020_constraints") and cfg.options == {"treatment": "full"}


@pytest.mark.slow
@pytest.mark.parametrize("region", ["high", "low"])
def test_presets_are_finite_with_gradients_over_10_5_points_of_their_box(region):
    """10⁵ points uniform in each parameter's scale over the prior box of split-dark-sector-{high,low}
    (Γ_V/m_V up to ~0.4 at g_D = 4): χ² and gradient finite everywhere, and so is the sampler's
    potential, in the (g − 2) coordinate of r_AV, at 10⁴ points uniform in u ∈ [−30, 30]⁵."""
    from fits import hmc
    from jaxflav import config

    prob = config.problem(config.load(f"split-dark-sector-{region}"))
    assert prob.space.warps
    points = prob.space.sample_prior(jax.random.PRNGKey(3), 100_000).reshape(-1, 1000, prob.space.dim)
    fn = jax.jit(jax.vmap(jax.value_and_grad(prob.chi2)))
    for chunk in points:
        value, grad = fn(chunk)
        assert np.all(np.isfinite(np.asarray(value))) and np.all(np.isfinite(np.asarray(grad)))
    potential = jax.jit(jax.vmap(jax.value_and_grad(hmc.potential(prob.chi2, prob.space))))
    for chunk in jax.random.uniform(jax.random.PRNGKey(4), (10, 1000, prob.space.dim), minval=-30.0, maxval=30.0):
        value, grad = potential(chunk)
        assert np.all(np.isfinite(np.asarray(value))) and np.all(np.isfinite(np.asarray(grad)))


@pytest.mark.parametrize("name, process, mass", [("<BR>(B0->K*mumu)", "B0->K*0", 1.0), ("<BR>(B+->Kmumu)", "B+->K+", 2.5)])
def test_on_shell_rates_are_the_narrow_width_limit_of_the_engines_bins(name, process, mass):
    """BR(B → MV) BR(V → μμ) (Eq. 21; Eq. 23 with the engine's B → K* form factors) equals the resonant
    part of the engine's B → Mμμ bin around m_V² with the model's Resonance (Γ_V/m_V ~ 10⁻⁸, ±10⁵
    half-widths), to ≤ 1e-4: the q² numerator, C_P and the polarisation sum agree (the timelike
    amplitude C_P + 2m_μC₁₀/q² vanishes for the transverse vertex). Eq. 23's small-m_V form,
    F₁ ≃ 0.1√x(y + 1.2x), is 3.5 times below the engine at 1 GeV: a rough approximation."""
    from jaxflav.predictions import Predictions

    point = {**sds.FIXED, **POINT, "m_V": mass, "g_D": 1e-4, "g_mu_V": 1e-3, "r_AV": 0.0}
    obs = sds.observables(point)
    key = "BR(B0->K*0V)" if process == "B0->K*0" else "BR(B+->K+V)"
    nwa = float(obs[key]) * float(sds.muon_width(point) / sds.width(point))
    res = sds.resonance(point)
    half = float(res.mass * res.width)
    predict = Predictions([(name, mass**2 - 1e5 * half, mass**2 + 1e5 * half)])
    flipped = res._replace(a=-res.a, b=-res.b)
    resonant = (float(predict(res)[0]) + float(predict(flipped)[0])) / 2 - float(predict(None)[0])
    assert resonant == pytest.approx(nwa, rel=1e-4)


def test_exclusion_chi2_is_the_terms_chi2_at_its_limit():
    """A limit's χ² equals `exclusion_chi2` where the prediction reaches the limit (95.45 %: 2σ, χ² 4)."""
    from jaxflav import constraints

    terms = {t.name: t for t in constraints.load("darme2020_constraints")}
    for name in ("(g-2)_mu", "B->K+inv CLEO", "Drell-Yan"):
        t = terms[name]
        at = constraints.chi2_terms([t], {t.observable: t.limit}, 3.0)[name]
        assert float(at) == pytest.approx(constraints.exclusion_chi2(t), rel=1e-12)
    assert constraints.exclusion_chi2(terms["(g-2)_mu"]) == pytest.approx(4.0, rel=1e-9)
    with pytest.raises(ValueError, match="measurement"):
        constraints.exclusion_chi2(terms["(g-2)_mu"]._replace(kind="measurement"))


def _preset_text(region="high", **sample):
    import importlib.resources

    import re

    text = (importlib.resources.files("jaxflav") / f"presets/split-dark-sector-{region}.toml").read_text()
    for key, value in sample.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M) if re.search(rf"^{key} = ", text, re.M) else text.replace("[sample]\n", f"[sample]\n{key} = {value}\n")
    return text


@pytest.mark.parametrize("sample, match", [({"procedure": '"three-step"'}, "sample.procedure"), ({"target_accept": "1.5"}, "target_accept"),
                                           ({"target_accept": "nan"}, "target_accept"), ({"coordinates": '"warped"'}, "sample.coordinates"),
                                           ({"chain_method": '"threaded"'}, "sample.chain_method")])  # fmt: skip
def test_sample_settings_are_checked(tmp_path, sample, match):
    from jaxflav import config

    path = tmp_path / "c.toml"
    path.write_text(_preset_text(**sample))
    with pytest.raises(ValueError, match=match):
        config.load(path)
    path.write_text(_preset_text().replace('likelihood_limits = ["(g-2)_mu"]', 'likelihood_limits = ["(g-2)_muon"]'))
    with pytest.raises(ValueError, match=r"likelihood_limits names '\(g-2\)_muon'"):
        config.load(path)


def _allowed_band_width(space, m_v, g):
    """The width, in r_AV's unconstrained coordinate, of the r_AV band where |δa_μ| < 2σ at (m_V, g_μ^V)."""
    r = np.linspace(-1.0, 0.0, 400_001)
    a = np.asarray(sds.delta_a_mu({"m_V": m_v, "g_mu_V": g, "r_AV": jnp.asarray(r)}))
    inside = r[np.abs(a) < 2 * sds.G2_SCALE]
    ends = jnp.array([[m_v, g, inside.min()], [m_v, g, inside.max()]])
    u = np.asarray(space.to_unconstrained(ends))[:, 2]
    return u[1] - u[0]


@pytest.mark.parametrize("m_v", [0.7, 1.5, 5.0, 12.0])
def test_the_g_minus_2_coordinate_unfolds_the_fine_tuned_band_of_r_av(m_v):
    """§3.2: for g_μ^V ≳ 10⁻² only a band of r_AV around −0.44 passes (g − 2), narrowing as (g_μ^V)⁻²;
    in `g2_coordinate` it stays O(1) wide, and the (g − 2) term is sinh²(w) (σ = G2_SCALE)."""
    from fits.space import Parameter, Space

    from jaxflav import constraints

    params = [Parameter("m_V", 0.6, 15.0), Parameter("g_mu_V", 1e-3, 5.0, "log"), Parameter("r_AV", -1.0, 0.0)]
    plain, warped = Space(params), Space(params, warps=[sds.g2_coordinate(-1.0)])
    for k in (10, 100, 1000):  # δa_μ(r_AV = 0) = k σ
        g = math.sqrt(k * sds.G2_SCALE / float(sds.delta_a_mu({"m_V": m_v, "g_mu_V": 1.0, "r_AV": 0.0})))
        assert _allowed_band_width(plain, m_v, g) < 4.0 / k  # 0.36, 0.036, 0.0036
        assert 0.6 < _allowed_band_width(warped, m_v, g) < 2.0  # 1.7, 1.0, 0.7: ∝ 1/ln k
    term = next(t for t in constraints.load("darme2020_constraints") if t.name == "(g-2)_mu")
    w = sds.g2_coordinate(-1.0).forward(jnp.array([-0.9, -0.44, -0.1]), {"m_V": m_v, "g_mu_V": 0.05})
    chi2 = constraints._upper_limit(term, jnp.abs(sds.G2_SCALE * jnp.sinh(w)), None)
    np.testing.assert_allclose(chi2, np.sinh(w) ** 2, rtol=1e-12)


def test_the_presets_sample_r_av_in_the_g_minus_2_coordinate(tmp_path):
    from fits import hmc
    from jaxflav import config

    assert config.CHAIN_METHODS == hmc.CHAIN_METHODS

    cfg = config.load("split-dark-sector-low")
    assert [w.name for w in config.problem(cfg._replace(measurements="darme2020_constraints")).space.warps] == ["r_AV"]
    path = tmp_path / "c.toml"
    path.write_text(_preset_text("low", coordinates='"plain"'))
    assert config.problem(config.load(path)._replace(measurements="darme2020_constraints")).space.warps == ()


def test_two_step_problem_samples_the_data_and_g_minus_2_and_filters_the_rest():
    """The paper's procedure (§4): the data and (g − 2) in the χ², every other limit a filter; the
    one-step χ² is their sum."""
    from jaxflav import config

    cfg = config.load("split-dark-sector-high")
    assert cfg.sample["likelihood_limits"] == ["(g-2)_mu"]
    cfg = cfg._replace(measurements="darme2020_constraints")  # the data's terms are a sum like any other, and slow to compile
    one, two = config.problem(cfg), config.problem(cfg, two_step=True)
    assert one.filters == () and {t.name for t in two.filters} == {
        "Bs mixing (Eq. 13)", "Drell-Yan", "B->K+inv CLEO", "B->K+inv BaBar 2010 low q2", "B->K+inv BaBar 2010 high q2", "B0->K*0(V->mumu) LHCb"}
    x = jnp.array([3.0, 1.0, 0.05, -0.44, 1.0])  # B⁺ → K⁺χχ̄ on shell: excluded by CLEO
    chi2, terms = jax.jit(lambda x: (two.chi2(x), two.terms(x)))(x)  # one compilation
    cut = {t.name for t in two.filters}
    assert float(terms["B->K+inv CLEO"]) > 100
    assert float(chi2) == pytest.approx(sum(float(v) for k, v in terms.items() if k not in cut), rel=1e-12)
    assert one.terms is not None and float(chi2) < sum(float(v) for v in terms.values()) - 100


def test_figures_2_to_6_are_drawn_from_draws_and_their_masks(tmp_path):
    """`jaxflav plot` of a split-dark-sector sample: Figs. 2–3 from the model, 4 (or 5) and 6 from the
    draws coloured by the limits that exclude them; Fig. 3's bound is where the strongest B → K(*)
    limit is saturated."""
    pytest.importorskip("matplotlib")
    import json

    from jaxflav import constraints
    from jaxflav.models import split_dark_sector_plots as plots

    rng = np.random.default_rng(0)
    n = 60
    draws = {"m_V": rng.uniform(2, 15, n), "r": rng.uniform(0.1, 10, n), "g_mu_V": rng.uniform(1e-3, 0.2, n), "r_AV": rng.uniform(-1, 0, n), "g_D": rng.uniform(0, 4, n)}
    arrays = {f"samples/{k}": v.reshape(2, -1) for k, v in draws.items()} | {f"excluded/{k}": (draws["m_V"] < plots.M_B_MINUS_M_K).reshape(2, -1) for k in plots.B_TO_K}
    np.savez(tmp_path / "samples.npz", **arrays)
    meta = {"config": {"model": "split-dark-sector", "fixed": {"sign_r": -1.0}}}
    drawn = plots.figures(tmp_path, meta, np.load(tmp_path / "samples.npz"))
    assert drawn == ["figure_2_g_Vbs_m_Phi.png", "figure_3_g_Vbs_bound.png", "figure_4_m_V_couplings.png", "figure_6_g_D_r.png", "section4.json"]
    assert all((tmp_path / d).stat().st_size > 5000 for d in drawn[:-1])
    stats = json.loads((tmp_path / "section4.json").read_text())
    share = stats["B->K+inv allowed share"]
    assert share["m_V < M_B - M_K"] == 0.0 and share["m_V > M_B - M_K"] == 1.0  # the masks above: excluded below M_B − M_K
    assert stats["max g_Vbs(3.5 GeV2)"] == pytest.approx(3.5 * draws["r"].max() * abs(float(sds.g_tilde({"r": 1.0}))), rel=1e-12)

    m_chi, g_d = plots.FIG3_CASES[0]
    ((g_max,),) = plots._bounds(np.array([3.0]), [(m_chi, g_d)])
    r = g_max / float(sds.g_tilde({"r": 1.0, "m_chi": m_chi}))
    out = sds.b_to_k_searches({**sds.FIXED, "m_V": 3.0, "r": r, "g_mu_V": plots.FIG3_G_MU_V, "r_AV": 0.0, "g_D": g_d, "m_chi": m_chi})
    terms = [t for t in constraints.load("darme2020_constraints") if t.name in plots.B_TO_K]
    chi2 = constraints.chi2_terms(terms, out, 3.0)
    assert max(float(chi2[t.name]) / constraints.exclusion_chi2(t) for t in terms) == pytest.approx(1.0, rel=1e-9)


@pytest.mark.slow
def test_sample_two_step_keeps_the_draws_the_filters_allow(tmp_path, capsys):
    """`jaxflav sample --two-step`: the draws carry every limit's exclusion mask, `kept` is the
    draws no filter excludes, and the filtered quantiles are theirs."""
    import json

    from jaxflav import cli

    text = _preset_text(chains=2, warmup=20, samples=20).replace("starts = 32", "starts = 2")
    text = text.replace('measurements = ["bsmumu-2019", "darme2020_constraints"]', 'measurements = "darme2020_constraints"')
    (tmp_path / "c.toml").write_text(text)
    assert cli.main(["sample", str(tmp_path / "c.toml"), "--out", str(tmp_path / "out"), "--two-step"]) == 0
    result = json.loads((tmp_path / "out/posterior.json").read_text())
    data = np.load(tmp_path / "out/samples.npz")
    assert result["procedure"] == "two-step" and result["warped"] == ["r_AV"] and "(g-2)_mu" not in result["two_step"]["filters"]
    masks = np.array([data[f"excluded/{n}"] for n in result["two_step"]["filters"]])
    assert np.array_equal(data["kept"], ~masks.any(axis=0)) and result["two_step"]["kept"] == int(data["kept"].sum())
    assert set(result["excluded_fraction"]) == {n.removeprefix("excluded/") for n in data.files if n.startswith("excluded/")}
    assert "two-step:" in capsys.readouterr().out


def test_lhcb_kstar_term_follows_the_per_mass_limits():
    """The LHCb B⁰ → K*⁰(V → μμ) term uses LHCb's per-mass prompt limits (4.78×10⁻⁹ at 214 MeV, the
    ROOT file's first spline knot), excludes exactly at the limit, and sets none in the vetoes."""
    from jaxflav import constraints

    (t,) = [t for t in constraints.load("darme2020_constraints") if t.name == "B0->K*0(V->mumu) LHCb"]
    assert t.kind == "limit_curve" and t.curve.cl == 0.95 and t.curve.span == (0.214, 4.349)
    assert t.curve.mass[0] == 0.214 and t.curve.limit[0] == pytest.approx(4.780e-9, rel=1e-3)
    narrow = lambda m, p: float(constraints.chi2_terms([t], {t.observable: p, "Gamma_V": 1e-10 * m}, m)[t.name])  # noqa: E731
    for m, limit in zip(t.curve.mass[::97], t.curve.limit[::97]):
        assert narrow(m, limit) == pytest.approx(constraints.exclusion_chi2(t), rel=1e-6)
    for m in (0.78, 1.02, 3.1, 3.7, 0.2, 4.4):  # ω/ρ, φ, J/ψ, ψ(2S) vetoes; outside the search
        assert narrow(m, 1e-3) < 1e-3 * constraints.exclusion_chi2(t)


def test_lhcb_kstar_term_sees_the_tails_of_a_wide_v_under_a_veto():
    """With Γ_V the LHCb term weighs the rate by the share of V's μμ line outside the vetoes: a V of
    Γ_V = 80 MeV at the ω/ρ veto's centre still shows about half its rate, and the χ² is continuous
    across the veto's edges (the plain curve jumps there from 0 to its full value)."""
    from jaxflav import constraints

    (t,) = [t for t in constraints.load("darme2020_constraints") if t.name == "B0->K*0(V->mumu) LHCb"]
    lo, hi = t.curve.vetoed[0]  # ω/ρ: 0.742–0.822 GeV
    chi2 = jax.jit(lambda m, g: constraints.chi2_terms([t], {t.observable: 1e-8, "Gamma_V": g}, m)[t.name])
    full = float(chi2(0.7, 1e-10))
    share = 1 - sum(float(constraints.line_share(0.782, 0.08, *w)) for w in t.curve.vetoed)
    assert 0.3 < share < 0.7
    assert float(chi2(0.782, 0.08)) == pytest.approx(full * share**2 * (_lhcb_limit(t, 0.7) / _lhcb_limit(t, 0.782)) ** 2, rel=1e-6)
    for edge in (lo, hi):
        for g in (1e-3, 1e-2):
            below, above = float(chi2(edge - 1e-7, g)), float(chi2(edge + 1e-7, g))
            assert below == pytest.approx(above, rel=1e-3)
        assert np.isfinite(jax.grad(chi2)(edge, 1e-3))


def _lhcb_limit(t, m):
    """LHCb's limit at m (GeV): log-log interpolation of the curve across a veto."""
    return math.exp(np.interp(math.log(m), np.log(t.curve.mass), np.log(t.curve.limit)))
