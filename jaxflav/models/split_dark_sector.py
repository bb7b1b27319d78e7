"""Split dark sector: a dark photon V whose b–s coupling is a loop of a heavy coloured scalar Φ and
light dark fermions χ_i (L. Darmé, M. Fedele, K. Kowalska, E. M. Sessolo, JHEP 08 (2020) 148; seed
003_063abde38b23e6be.txt, §2.2 and §3).

Parameters (Table 1): `m_V` (GeV), `r` = g_D Q_Φ y_s^{1*} y_b^1, `g_mu_V`, `r_AV` = g_μ^A/g_μ^V,
`g_D`; fixed, settable: `m_chi` (GeV; a number, or a list for several fermions with `y` the list of
their Yukawa products relative to the first), `m_Phi` (GeV), `Q_Phi` (the fermions carry −Q_Φ).
Defaults as the paper's figures: m_χ = 1 MeV, m_Φ = 1 TeV, Q_Φ = 1.

    g̃ = r Σ_i y_i [F̃₉(x_i) + G̃₉(x_i)] / (32π² m_Φ²)    (GeV⁻², Eq. 11, x_i = m_χi²/m_Φ²),
    ℒ ⊃ g̃ q² s̄γ^μP_L b V_μ + (g_μ^V μ̄γ_μμ + g_μ^A μ̄γ_μγ⁵μ) V^μ   (Eqs. 6, 11).

Conventions, settled here (issue 18):
- Normalisation. jaxflav's H_eff = −N Σ C_i O_i with N = (4G_F/√2) V_tb V_ts* α_e(μ_b)/4π
  (`jaxflav.inputs.heff_norm`; V_tb V_ts* < 0 as in the CKM fit, so N < 0), so that Eq. 7 is
  C₉ = g̃ q² g_μ^V BW/N and C₁₀ = g̃ q² g_μ^A BW/N, BW = 1/(q² − m_V² + i m_V Γ_V): the paper's
  𝒩 g_D Q_Φ/(8π α m_Φ²) Σ… is exactly 1/N × g̃ (with 𝒩 = 1/(4G_F/√2 V_tb V_ts*) of Eq. 8), but
  with jaxflav's α_e(μ_b) = 1/133 where the paper's inputs may use another α (a 3–4 % scale on
  C₉, C₁₀ for given couplings; the fits absorb it in r).
- Signs. Below the bins' q² (m_V² > q²) BW < 0, above (m_V² < q²) BW > 0; with N < 0, C₉ < 0 needs
  r g_μ^V < 0 for a heavy V (m_V ≳ 2.5 GeV) and r g_μ^V > 0 for a light one (§4: "the product r·g_μ^V
  needs a different sign in these two regions").
The q² numerator enters the engine exactly, as a `jaxflav.wcxf.Resonance` with b-residues only.
"""

import math

import jax.numpy as jnp

from jaxflav import wcxf
from jaxflav import inputs as sm_inputs
from jaxflav.models import vector_boson
from fits.space import Warp
from kernels import breit_wigner, loop_functions, safe_math

PARAMETERS = ("m_V", "r", "g_mu_V", "r_AV", "g_D")
SIGNS = ("sign_r",)  # ±1, held fixed in configs: r is log-scaled and r·g_μ^V has a sign per mass region (§4)
FIXED = {"m_chi": 1e-3, "m_Phi": 1000.0, "Q_Phi": 1.0}
"""The paper's fixed masses (GeV) and dark charge (§4, Figs. 2–6)."""


def _fermions(point):
    """(m_χi array (GeV), relative Yukawa products y_i array) of a point."""
    m_chi = jnp.atleast_1d(jnp.asarray(point.get("m_chi", FIXED["m_chi"]), float))
    y = jnp.asarray(point.get("y", jnp.ones_like(m_chi)), float)
    if y.shape != m_chi.shape:
        raise ValueError(f"y has {y.size} entries for {m_chi.size} dark fermions (m_chi)")
    return m_chi, y


def g_tilde(point):
    """g̃ of Eq. 11 in GeV⁻²: r Σ_i y_i [F̃₉ + G̃₉](m_χi²/m_Φ²)/(32π² m_Φ²)."""
    m_chi, y = _fermions(point)
    m_phi = point.get("m_Phi", FIXED["m_Phi"])
    x = (m_chi / m_phi) ** 2
    loops = jnp.sum(y * (loop_functions.F9_tilde(x) + loop_functions.G9_tilde(x)))
    return point["r"] * loops / (32 * math.pi**2 * m_phi**2)


def muon_couplings(point):
    """(g_μ^V, g_μ^A) with g_μ^A = r_AV g_μ^V."""
    return point["g_mu_V"], point["r_AV"] * point["g_mu_V"]


def dark_width(point, sqrt_s=None):
    """Γ(V → Σ χ_i χ̄_i) in GeV at mass √s (default m_V): Eq. 9's first line, vector coupling
    g_D Q_χ = −g_D Q_Φ, each channel closed below its threshold."""
    m_chi, _ = _fermions(point)
    mass = point["m_V"] if sqrt_s is None else sqrt_s
    g = point["g_D"] * point.get("Q_Phi", FIXED["Q_Phi"])
    return sum(vector_boson.partial_width(mass, m, g, 0.0) for m in m_chi)


def muon_width(point, m_mu=sm_inputs.DEFAULT.m_mu):
    """Γ(V → μ⁺μ⁻) in GeV, Eq. 9's second line (vector and axial couplings)."""
    g_v, g_a = muon_couplings(point)
    return vector_boson.partial_width(point["m_V"], m_mu, g_v, -g_a)


def width(point, m_mu=sm_inputs.DEFAULT.m_mu):
    """Γ_V of Eq. 9 (GeV): the dark fermions and the muons (vector and axial), every threshold."""
    return dark_width(point) + muon_width(point, m_mu)


WIDTH_FLOOR = 1e-15  # Γ_V/m_V used for a V with no open channel (Γ_V = 0)
TREATMENTS = ("full", "paper", "paper-complex-mass")
"""How the V exchange enters B_s → μμ and the pseudoscalar coefficient C_P:

- "full": the loop-induced b–s–V vertex is transverse, g̃ (q²γ^μ − q^μq̸)P_L — U(1)_D's Ward identity,
  b and s being neutral — so its q^μq̸ part, on the muon's axial current, is C_P = −(2m_μ/q²) C₁₀
  (O_P = m_b (s̄P_R b)(μ̄γ⁵μ) of `jaxflav.wcxf`; an a-residue −2m_μ g̃ g_μ^A/N, and C_P′ = −(m_s/m_b) C_P
  from s̄q̸P_L b = m_b s̄P_R b − m_s s̄P_L b), the longitudinal
  q_μq_ν/m_V² term of the propagator meets nothing, and B_s → μμ, which the B_s reaches only along
  q^μ, is exactly the SM's;
- "paper": Eqs. 19–20, C_P = −2M_μ(m_b + m_s)/m_V² · C₁₀/m_b — the vertex taken as g̃q²γ^μ alone with
  the longitudinal term kept, a (M_Bs/m_V)²-enhanced C_P;
- "paper-complex-mass": the same with m_V² → m_V² − i m_V Γ_V in Eq. 20, for a wide V near M_Bs."""


def _nonzero_width(point, inputs=sm_inputs.DEFAULT):
    """Γ_V, or `WIDTH_FLOOR` m_V for a V with no open channel (Γ_V = 0; its pole then lies outside every
    physical range): the Breit–Wigner rules and the engine's propagator need Γ > 0."""
    gamma = width(point, inputs.m_mu)
    return jnp.where(gamma > 0, gamma, WIDTH_FLOOR * point["m_V"])


def _check_treatment(treatment):
    if treatment not in TREATMENTS:
        raise ValueError(f"unknown split-dark-sector treatment {treatment!r}; known: {', '.join(TREATMENTS)}")


def resonance(point, inputs=sm_inputs.DEFAULT, treatment="full"):
    """C₉^μ(q²), C₁₀^μ(q²) of Eq. 7 and C_P^μ (`TREATMENTS`) as a `jaxflav.wcxf.Resonance`: b-residues
    g̃ g_μ^{V,A}/N (module docstring), so C(q²) = b q²/(q² − m_V² + i m_V Γ_V)."""
    _check_treatment(treatment)
    g_v, g_a = muon_couplings(point)
    scale = g_tilde(point) / sm_inputs.heff_norm(inputs)
    m_v = point["m_V"]
    gamma = _nonzero_width(point, inputs)
    residues = {"C9_bsmumu": (0.0, scale * g_v), "C10_bsmumu": (0.0, scale * g_a)}
    if treatment == "full":  # s̄q̸P_L b = m_b s̄P_R b − m_s s̄P_L b: C_P and C_P′ = −(m_s/m_b) C_P
        c_p = -2 * inputs.m_mu * scale * g_a
        residues |= {"CP_bsmumu": (c_p, 0.0), "CPp_bsmumu": (-inputs.m_s / inputs.m_b * c_p, 0.0)}
    else:
        pole = m_v**2 - (1j * m_v * gamma if treatment == "paper-complex-mass" else 0.0)
        residues["CP_bsmumu"] = (0.0, -2 * inputs.m_mu * (1 + inputs.m_s / inputs.m_b) / pole * scale * g_a)
    return wcxf.Resonance.from_names(m_v, gamma, residues)


def delta_a_mu(point, m_mu=sm_inputs.DEFAULT.m_mu):
    """δa_μ of Eqs. 24–25 (`kernels.loop_functions.delta_g_minus_2`, x = M_μ/m_V)."""
    g_v, g_a = muon_couplings(point)
    return loop_functions.delta_g_minus_2(m_mu / point["m_V"], g_v, g_a)


G2_SCALE = 2e-9
"""δa_μ at which `g2_coordinate` turns from linear to logarithmic: the σ of the (g − 2)_μ term, whose
2σ bound is 4×10⁻⁹ (§4)."""
R_AV_FLOOR = 1e-8
"""|r_AV| `g2_coordinate` stays above, where ∂δa_μ/∂r_AV = 0 (a prior mass below 10⁻⁸)."""


def g2_coordinate(sign, fixed=None, m_mu=sm_inputs.DEFAULT.m_mu):
    """r_AV's sampling coordinate (`fits.space.Warp`): w = asinh(δa_μ/G2_SCALE), δa_μ of Eqs. 24–25.

    δa_μ = (g_μ^V)² [a_V(m_V) + r_AV² a_A(m_V)] with a_A < 0, so a coupling g_μ^V ≳ 10⁻² is allowed by
    (g − 2) only in a band of r_AV, around the cancellation at −0.44 (§3.2), that narrows as
    (g_μ^V)⁻²: a funnel that no one step size of HMC fits in r_AV. In w the (g − 2) term is sinh²(w)
    for every coupling, so the band is O(1) wide. `sign`: r_AV's sign on its range (−1 for
    [−1, 0]; δa_μ is monotone in r_AV on one side of 0 only). `fixed`: m_V, g_mu_V where a config
    fixes them (the others come from the sampled point)."""
    fixed = dict(fixed or {})

    def parts(others):
        m_v, g = (others[n] if n in others else fixed[n] for n in ("m_V", "g_mu_V"))
        x = m_mu / m_v
        return loop_functions.delta_g_minus_2(x, g, 0.0), loop_functions.delta_g_minus_2(x, 0.0, g)

    def forward(r_av, others):
        vector, axial = parts(others)
        return jnp.arcsinh((vector + r_av**2 * axial) / G2_SCALE)

    def inverse(w, others):
        vector, axial = parts(others)
        return sign * jnp.sqrt(jnp.maximum((G2_SCALE * jnp.sinh(w) - vector) / axial, R_AV_FLOOR**2))

    return Warp("r_AV", forward, inverse)


def c1_bs(point):
    """C₁ of B_s mixing in GeV⁻² (Eqs. 17–18): Σ_ij λ_i λ_j F(x_i, x_j)/(128π² m_Φ²), λ_i = y_s^{i*}y_b^i
    = y_i r/(g_D Q_Φ) (`kernels.loop_functions.box_F2`); diverges as g_D → 0 at fixed r."""
    m_chi, y = _fermions(point)
    m_phi = point.get("m_Phi", FIXED["m_Phi"])
    lam = y * point["r"] / (point["g_D"] * point.get("Q_Phi", FIXED["Q_Phi"]))
    x = (m_chi / m_phi) ** 2
    f = loop_functions.box_F2(x[:, None], x[None, :])
    return jnp.sum(lam[:, None] * lam[None, :] * f) / (128 * math.pi**2 * m_phi**2)


def _on_shell_width(point, process, mass, inputs):
    """Γ(B → M V) on shell (`vector_boson.b_to_meson_width`) for the vertex g̃ m² s̄γ^μP_L b: C₉ = g̃ m²/N."""
    c9 = g_tilde(point) * mass**2 / sm_inputs.heff_norm(inputs)
    return vector_boson.b_to_meson_width(process, mass, c9, 0.0, inputs)


def b_to_kstar_width(point, inputs=sm_inputs.DEFAULT):
    """Γ(B⁰ → K*⁰V) in GeV on shell, Eq. 23 with the engine's B → K* form factors (those of flavio's
    BSZ parametrisation)."""
    from jaxflav.observables import b_to_vll

    return _on_shell_width(point, b_to_vll.PROCESSES["B0->K*"], point["m_V"], inputs)


def b_to_k_width(point, sqrt_s=None, inputs=sm_inputs.DEFAULT):
    """Γ(B⁺ → K⁺V) in GeV with V of mass √s (default m_V) on shell, Eq. 21 with the full form factor:
    g̃² s f₊(s)² λ^{3/2}(m_B², m_K², s)/(64π m_B³) (the polarisation sum of a vector coupled as
    g̃ s s̄γ^μP_L b); 0 above m_B − m_K."""
    from jaxflav.observables import b_to_pll

    return _on_shell_width(point, b_to_pll.PROCESSES["B+->K"], point["m_V"] if sqrt_s is None else sqrt_s, inputs)


EQ22_NODES = {"n_centre": 32, "n_tail": 48, "n_far": 48}
"""Nodes of Eq. 22's rule: more than `kernels.breit_wigner`'s defaults, for the √ threshold at 4m_χ²
and the λ^{3/2} endpoint at (m_B − m_K)², which that rule's far pieces meet (defaults: 4·10⁻⁵ off)."""


def b_to_k_chichi_width(point, printed=False, inputs=sm_inputs.DEFAULT, q2_range=None):
    """Γ(B⁺ → K⁺χχ̄) in GeV through a real or virtual V, Eq. 22 for any Γ_V/m_V:

        Γ = ∫ ds (√s/π) Γ_{V→χχ}(√s) Γ_KV(√s) / ((m_V² − s)² + m_V² Γ_V²)

    from the lowest dark-fermion threshold 4m_χ² (the printed lower limit 4M_μ², a misprint: no
    muon is produced, and it would drop the region a light V lives in; `printed=True` keeps it) to
    (m_B − m_K)², by the exact-for-any-width Breit–Wigner rule of `kernels.breit_wigner`;
    `q2_range` (GeV²) restricts s = q² to a window of it (Appendix A's partial limits)."""
    m_chi, _ = _fermions(point)
    lo = 4 * (inputs.m_mu if printed else jnp.min(m_chi)) ** 2
    hi = (inputs.m_Bp - inputs.m_Kp) ** 2
    if q2_range is not None:
        lo, hi = jnp.maximum(lo, q2_range[0]), jnp.minimum(hi, q2_range[1])
    lo = jnp.minimum(lo, hi)

    def integrand(s):
        root = jnp.sqrt(s)
        return root / math.pi * dark_width(point, root) * b_to_k_width(point, root, inputs)

    return breit_wigner.integrate(integrand, lo, hi, point["m_V"], _nonzero_width(point, inputs), **EQ22_NODES)[0]


def drell_yan_ratio(point):
    """√((g_μ^V)² + (g_μ^A)²) over the LHC Drell–Yan bound of Eq. 26, 5.6·10⁻²(1 + 0.13 m_V/GeV)
    (Bishara, Haisch, Monni 2017, valid for m_V = 1–5 GeV): excluded above 1."""
    g_v, g_a = muon_couplings(point)
    return jnp.sqrt(g_v**2 + g_a**2) / (5.6e-2 * (1 + 0.13 * point["m_V"]))


def trident_ratio(point, g_nu=None):
    """g_ν over the CCFR/CHARM-II trident bound of Eq. 27, 0.002 m_V/GeV above 1 GeV, saturating
    at 0.001 below (the bound applies only with a neutrino coupling; the paper's plots take
    g_ν = g_μ^V, the default here)."""
    g = point["g_mu_V"] if g_nu is None else g_nu
    return jnp.abs(g) / jnp.maximum(0.002 * point["m_V"], 0.001)


def kinetic_mixing(point, inputs=sm_inputs.DEFAULT):
    """ε of Eq. 28 from the coloured scalar doublet alone (g_μ ≪ g_D): e g_D/(12π²) × (1/8) N_c Σ Y Q_Φ,
    Σ over Φ's two components (Y = 1/6 each; g_Y c_W = e with α_e(μ_b)). For Q_Φ = 1 this is
    3.3·10⁻⁴ g_D, 9.8·10⁻⁴ (g_D/3) — the paper's Eq. 29 prints 8·10⁻⁴ (g_D/3)."""
    e = math.sqrt(4 * math.pi * inputs.alpha_e)
    return e * point["g_D"] / (12 * math.pi**2) * (3 * 2 * (1 / 6) * point.get("Q_Phi", FIXED["Q_Phi"])) / 8


def relic_density(point, printed=False, m_mu=sm_inputs.DEFAULT.m_mu, x_f=20.0):
    """Ω h² of the lightest dark fermion below the muon mass (forbidden dark matter, Eq. 31), with
    g_D = √(4π) (α_D = 1) as the paper:

        Ω h² ≈ 0.05 (100 MeV/m_χ)² (m_V/8 GeV)⁴ (0.05/g_μ^V)² e^{+2Δ x_f},  Δ = 1 − m_χ/M_μ.

    The printed exponent −2Δx_f (`printed=True`) contradicts the text that follows it ("when m_χ
    drops below the muon mass threshold the relic density is exponentially enhanced"): with it, Ω
    would fall as m_χ falls. Meaningful for m_χ < M_μ only."""
    m_chi = jnp.min(_fermions(point)[0])
    delta = 1 - m_chi / m_mu
    sign = -1.0 if printed else 1.0
    return 0.05 * (0.1 / m_chi) ** 2 * (point["m_V"] / 8) ** 4 * (0.05 / point["g_mu_V"]) ** 2 * jnp.exp(sign * 2 * delta * x_f)


def kaon_momentum_q2(p_k, inputs=sm_inputs.DEFAULT):
    """q² = m_B² + m_K² − 2 m_B E_K (GeV²) of B⁺ → K⁺ + invisible for a kaon momentum p_K (GeV) in the
    B rest frame: Appendix A's q² regions against its p_K ranges."""
    return inputs.m_Bp**2 + inputs.m_Kp**2 - 2 * inputs.m_Bp * jnp.sqrt(p_k**2 + inputs.m_Kp**2)


OUTPUTS = ("g_tilde", "Gamma_V", "Delta_a_mu", "C1_Bs", "BR(B+->K+V)", "BR(V->chichi)", "BR(B+->K+chichi)",
           "Drell-Yan ratio", "trident ratio", "epsilon", "Omega h2", "BR(Bs->mumu)",
           "BR(B+->K+chichi, q2<2.4^2)", "BR(B+->K+chichi, 3.4^2<q2<4^2)", "|g_tilde|/m_V",
           "BR(B0->K*0V)", "BR(B0->K*0V, V->mumu)")  # fmt: skip
"""The names `observables` returns."""
BABAR_2010_REGIONS = {"BR(B+->K+chichi, q2<2.4^2)": (0.0, 2.4**2), "BR(B+->K+chichi, 3.4^2<q2<4^2)": (3.4**2, 4.0**2)}
"""Appendix A's q² windows (GeV²) of the BaBar 2010 semileptonic-tag limits."""


def b_to_k_searches(point, inputs=sm_inputs.DEFAULT):
    """The branching fractions the B → K(*) searches bound (§3.1, Appendix A), by output name:
    BR(B⁺ → K⁺χχ̄) in all and in BaBar 2010's q² windows (Eq. 22), and BR(B⁰ → K*⁰V) with
    BR(B⁰ → K*⁰V) BR(V → μμ) (Eq. 23), and Γ_V (GeV, the μμ line shape LHCb's vetoes cut);
    `point` complete (FIXED merged in)."""
    to_br = inputs.tau_Bp / sm_inputs.HBAR
    out = {"BR(B+->K+chichi)": to_br * b_to_k_chichi_width(point, inputs=inputs)}
    out |= {name: to_br * b_to_k_chichi_width(point, inputs=inputs, q2_range=window) for name, window in BABAR_2010_REGIONS.items()}
    out["BR(B0->K*0V)"] = inputs.tau_B0 / sm_inputs.HBAR * b_to_kstar_width(point, inputs)
    out["Gamma_V"] = width(point, inputs.m_mu)
    out["BR(B0->K*0V, V->mumu)"] = out["BR(B0->K*0V)"] * safe_math.div_safe(muon_width(point, inputs.m_mu), out["Gamma_V"])
    return out


def observables(point, inputs=sm_inputs.DEFAULT, treatment="full"):
    """The model's quantities by name (`OUTPUTS`) at `point` (module docstring): g̃ (GeV⁻²), Γ_V (GeV),
    δa_μ, C₁ of B_s mixing (GeV⁻²), BR(B⁺ → K⁺V) on shell, BR(V → χχ̄), BR(B⁺ → K⁺χχ̄) (Eq. 22), and
    the derived quantities of §3.2 and §4: the Drell–Yan and trident ratios to their bounds (Eqs. 26,
    27), the kinetic mixing ε (Eq. 28) and Ω h² (Eq. 31); BR(B_s → μμ) from the engine in `treatment`."""
    _check_treatment(treatment)
    p = {**FIXED, **point}
    to_br = inputs.tau_Bp / sm_inputs.HBAR
    gamma = width(p, inputs.m_mu)
    return {
        "g_tilde": g_tilde(p),
        "Gamma_V": gamma,
        "Delta_a_mu": delta_a_mu(p, inputs.m_mu),
        "C1_Bs": c1_bs(p),
        "BR(B+->K+V)": to_br * b_to_k_width(p, inputs=inputs),
        "BR(V->chichi)": safe_math.div_safe(dark_width(p), gamma),
        "Drell-Yan ratio": drell_yan_ratio(p),
        "trident ratio": trident_ratio(p),
        "epsilon": kinetic_mixing(p, inputs),
        "Omega h2": relic_density(p, m_mu=inputs.m_mu),
        "BR(Bs->mumu)": vector_boson.bs_mumu()[0](resonance(p, inputs, treatment))[0],
        "|g_tilde|/m_V": jnp.abs(g_tilde(p)) / p["m_V"],  # GeV⁻³: Eq. 13's B_s-mixing bound is on it
        **b_to_k_searches(p, inputs),
    }
