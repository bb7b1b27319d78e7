"""Dark photon / dark Z (Cases A, B, C of A. Rashed, JHEPGC 12 (2026) 762; seed 000_8c6ceb1288264742.txt).

A light Z_D (10 MeV – 2 GeV) couples to the Standard Model through kinetic mixing ε (like ε × the
photon) and mass mixing ε_Z (like ε_Z × the Z), §2 of the paper:

    ℒ ⊃ Z_D^μ [e ε J^em_μ + (g/c_W) ε_Z J^Z_μ] (+ the matching W⁺W⁻Z_D, Goldstone couplings),

so with ℒ ⊃ Z_D f̄γ^μ(v_f − a_f γ⁵)f every fermion has v_f = e ε Q_f + (g/c_W) ε_Z (T³_f/2 − Q_f s_W²),
a_f = (g/c_W) ε_Z T³_f/2, and neutrinos g_ν = (g/c_W) ε_Z/2 (left-handed). Case B adds g_D^μ μ̄γμ Z_D
(Eq. 6); Case C also adds g_D^e ēγe Z_D tuned to cancel the electron's coupling (Eq. 7) — the
paper then treats electron modes as pure Standard Model, which this module follows by removing
the electron's vector *and* axial coupling (Eq. 7's vector term alone would leave a_e).

The b → s Z_D vertex (Eq. 2) at one loop, 't Hooft–Feynman gauge, W bosons, Goldstones and
u, c, t quarks, expanded to first order in q²/M_W² (Eq. 3's E⁰ + E² q²):
  * E⁰ (monopole) comes from the Z-like part only (the photon's vanishes by the Ward identity):
    the Inami–Lim Z penguin C₀(x) summed over the up quarks with λ_i/λ_t;
  * E² (charge radius): ε × the photon penguin D₀(x) (Inami–Lim, GIM-summed with quark masses,
    as Peng4BSM@LO does; the u, c logarithms stand in for the light-quark loops at q² ≪ m_q²),
    plus ε_Z × the Z's: its part −s_W² Q is photon-like, its T³ part comes from the PV computation
    of `jaxflav.models.penguin` (`T3_SLOPE`; ≈ 10⁻³ of the E⁰ term at q² = 8 GeV²);
  * M¹ (dipole): the photon dipole D₀′ (C₇ = −D₀′/2) times ε_eff = ε − ε_Z (g/c_W) s_W²/e, plus the
    Z's T³ dipole (`T3_DIPOLE`), entering as a q²-dependent, lepton-specific C₇.
  The conversion from the PV normalisation (Γ^μ = (g²/16π²) c_V Σλ_k [F0 γ^μP_L + F2 q²/M_W² …]) is
  V(q²) = 2 M_W² c_V (F0 + F2 q²/M_W²)/e², fixed by N_Z = 2, N_γ = −1/2 (tests/test_penguin.py).
Normalised to H_eff = −(4G_F/√2) λ_t (e²/16π²) Σ C_i O_i (`jaxflav.wcxf`), the vertex V(q²) = E⁰ + E² q²
(GeV²) gives for lepton ℓ (Eqs. 3–5, with Eq. 3's couplings written as v_ℓ, a_ℓ above)

    C₉,ℓ = V(q²) v_ℓ BW(q²),   C₁₀,ℓ = −V(q²) a_ℓ BW(q²),   C₉′ = C₁₀′ = 0,   BW = 1/(q² − M² + i M Γ),

fixed by the Standard-Model limits it must reproduce: with ε_Z = 1, ε = 0, M → M_Z and q² → 0,
C₁₀ = −C₀(x_t)/s_W² (the Z-penguin part of C₁₀^SM), C₉ = C₀(1 − 4s_W²)/s_W²; with ε = 1, ε_Z = 0 and
M → 0, C₉ = −D₀(x_t)(+ light quarks) (the photon-penguin part of C₉) and C₇ = −D₀′/2. Hence
E⁰ = 4 ε_Z C₀ M_Z²/(s_W² g_Z), g_Z = g/c_W. Couplings use e = √(4π α_e(μ_b)) and s_W² of `inputs`
(the normalisation of H_eff). Relative to Eq. 3 as printed, (e ε + g/c_W ε_Z g_V^ℓ) becomes
(−e ε + g/c_W ε_Z (−1/4 + s_W²)) here: the lepton's charge Q = −1 and the ½ of J^Z are explicit.

Signs. ε, ε_Z and g_D^μ are independent couplings: only their relative signs are physical, and a
log-scaled fit covers one sign of each. Configs choose them with the fixed parameters `sign_eps`
and `sign_g_mu_D` (±1; ε_Z > 0 sets the convention). Eqs. 3–4 as printed give C₉/C₁₀ = g_V/g_A for
the pure ε_Z part, where the SM Z penguin needs −g_V/g_A (C₉ ⊃ C₀(1 − 4s_W²)/s_W², C₁₀ ⊃ −C₀/s_W²):
with C₁₀ fixed by that limit, the paper's g_D^μ > 0 is `sign_g_mu_D = -1` here.

Widths: `jaxflav.models.vector_boson.widths` (leptons, neutrinos, hadrons through R, and an
optional extra invisible width `Gamma_inv`, the paper's "additional invisible decays").
Parameters (GeV for masses): M_ZD, eps, eps_Z, g_mu_D, Gamma_inv.
"""

import math
from typing import NamedTuple

import jax.numpy as jnp

from jaxflav import inputs as sm_inputs
from jaxflav import wcxf
from jaxflav.models import vector_boson
from kernels import inami_lim
from kernels.safe_math import div_safe

M_W = vector_boson.M_W  # GeV
M_T = 162.5  # m̄_t(m̄_t), GeV, PDG 2022: the MS-bar mass of leading-order Inami–Lim matching
M_C = 1.273  # m̄_c(m̄_c), GeV (flavio 2.7.1 / PDG 2022)
M_U = 2.16e-3  # m̄_u(2 GeV), GeV, PDG 2022
CASES = ("A", "B", "C")
PARAMETERS = ("M_ZD", "eps", "eps_Z", "g_mu_D", "Gamma_inv")
SIGNS = ("sign_eps", "sign_g_mu_D")  # ±1, held fixed in configs: the log-scaled couplings' relative signs
BOUNDS = {"M_ZD": (2 * 0.00051099895, 2.5), "Gamma_inv": (0.0, math.inf)}  # GeV: M_ZD above the e⁺e⁻ threshold, below the R model's reach


class Vertex(NamedTuple):
    """b → s Z_D vertex in C-units: V(q²) = E0 + E2 q² (GeV², dimensionless), dipole M1 (C₇ units)."""

    E0: object
    E2: object
    M1: object


def electroweak(inputs=sm_inputs.DEFAULT):
    """(e, s_W², g/c_W) at the scale of H_eff's normalisation (α_e(μ_b), s_W²(M_Z))."""
    e = jnp.sqrt(4 * math.pi * inputs.alpha_e)
    s2 = inputs.s2w
    return e, s2, e / jnp.sqrt(s2 * (1 - s2))


def _gim(values, inputs, pair="bs"):
    """Σ_i (λ_i/λ_t) values[i] over i = u, c, t, λ_i = V_ib V_is* (pair "bs"; "sd": V_is V_id*)."""
    lt = sm_inputs.xi(inputs, "t", pair)
    return sum(sm_inputs.xi(inputs, q, pair) / lt * values[q] for q in ("u", "c", "t"))


def _at_masses(fn):
    """{q: fn(m_q²/M_W²)} for the up-type quarks."""
    return {q: fn((m / M_W) ** 2) for q, m in (("u", M_U), ("c", M_C), ("t", M_T))}


def penguins(inputs=sm_inputs.DEFAULT, pair="bs"):
    """GIM-summed Inami–Lim functions (C₀, D₀, D₀′) of the b → s penguins (complex through the CKM;
    `pair` "sd": the s → d ones)."""
    return tuple(_gim(_at_masses(f), inputs, pair) for f in (inami_lim.C0, inami_lim.D0, inami_lim.D0p))


# The T³ part of the Z vertex at q² → 0, (F2, FM) of `jaxflav.models.penguin.vertex(x, 0, M_W², T3)`
# (Denner's normalisation, 't Hooft–Feynman gauge) at x = m_q²/M_W² for the masses above; computed
# once from the PV integrals (≈10 s) and checked against them in tests/test_dark_z.py.
T3_SLOPE = {"u": 3.7304208649561503, "c": 1.6042695742054212, "t": 0.1316016004423585}
T3_DIPOLE = {"u": 0.4583333314332169, "c": 0.458073319147326, "t": 0.26990478804455126}


def vertex(eps, eps_Z, inputs=sm_inputs.DEFAULT, pair="bs"):
    """`Vertex` of b → s Z_D for mixings ε, ε_Z (module docstring; Eqs. 2–3 of the paper); `pair`
    "sd": the s → d vertex, in units of its own normalisation N_sd (`jaxflav.inputs.heff_norm`). The
    vertex couples as N V(q²) s̄γ^μP_L b Z_D,μ."""
    e, s2, gz = electroweak(inputs)
    c0, d0, d0p = penguins(inputs, pair)
    eps_em = eps - eps_Z * gz * s2 / e  # photon-like part of the Z_D's couplings, in units of e
    e0 = eps_Z * 4 * c0 * inputs.m_Z**2 / (s2 * gz)
    e2 = eps_em * d0 / e + eps_Z * 2 * gz * _gim(T3_SLOPE, inputs, pair) / e**2
    m1 = eps_em * (-d0p / 2) + eps_Z * gz * _gim(T3_DIPOLE, inputs, pair) / e
    return Vertex(e0, e2, m1)


def boson(case, M_ZD, eps, eps_Z, g_mu_D=0.0, Gamma_inv=0.0, inputs=sm_inputs.DEFAULT):
    """`vector_boson.LightVector` of the Z_D in Case "A", "B" or "C" (couplings: module docstring)."""
    if case not in CASES:
        raise ValueError(f"unknown dark-Z case {case!r}; known: {', '.join(CASES)}")
    e, s2, gz = electroweak(inputs)
    lep_v = -e * eps + gz * eps_Z * (-0.25 + s2)
    lep_a = gz * eps_Z * (-0.25)
    direct = 0.0 if case == "A" else g_mu_D
    keep_e = 0.0 if case == "C" else 1.0
    lepton_v = jnp.stack([keep_e * lep_v, lep_v + direct, lep_v])
    lepton_a = jnp.stack([keep_e * lep_a, lep_a, lep_a])
    charge, t3 = jnp.array([2 / 3, -1 / 3, -1 / 3]), jnp.array([0.5, -0.5, -0.5])
    quark_v = e * eps * charge + gz * eps_Z * (t3 / 2 - charge * s2)
    quark_a = gz * eps_Z * t3 / 2
    neutrino = jnp.full(3, 1.0) * gz * eps_Z / 2
    return vector_boson.LightVector(jnp.asarray(M_ZD, float), lepton_v, lepton_a, neutrino, quark_v, quark_a, jnp.asarray(Gamma_inv, float))


def total_width(z: vector_boson.LightVector, inputs=sm_inputs.DEFAULT):
    """Γ_tot of the Z_D (GeV)."""
    return vector_boson.total_width(z, inputs.m_e, inputs.m_mu)


TREATMENTS = ("full", "paper")
"""How the Z_D propagator enters: "full", its complete numerator −g_μν + q_μq_ν/M² (the longitudinal
mode, `resonance`); "paper", the −g_μν part only, as the paper (and the engine before issue 17)."""


def _check_treatment(treatment):
    if treatment not in TREATMENTS:
        raise ValueError(f"unknown dark-Z treatment {treatment!r}; known: {', '.join(TREATMENTS)}")


def resonance(case, M_ZD, eps, eps_Z, g_mu_D=0.0, Gamma_inv=0.0, inputs=sm_inputs.DEFAULT, treatment="full"):
    """The Z_D's C₇, C₉, C₁₀ (and, in the full treatment, C_P) for e and μ (Eqs. 3–5) as a
    `jaxflav.wcxf.Resonance`.

    The q_μq_ν/M² term of the propagator contracts the quark current with q: the monopole E⁰
    s̄γ^μP_L b gives m_b s̄P_R b (equations of motion, m_s → 0), the lepton current 2m_ℓ a_ℓ ℓ̄γ₅ℓ
    (its vector part is conserved). The charge-radius vertex is the conserved (q²γ^μ − q^μq̸)P_L,
    of which C₉, C₁₀ carry the q²γ^μ part; its q^μq̸ part, through the same equations of motion, is
    an O_P term. Together, in the normalisation O_P = m_b (s̄P_R b)(ℓ̄γ₅ℓ) of `jaxflav.wcxf`,

        C_P,ℓ = 2 m_ℓ a_ℓ (E⁰/M² + E²) BW,

    and the timelike amplitude H_P ∝ C_P + (2m_ℓ/q²) C₁₀ = 2m_ℓ a_ℓ E⁰ (q² − M²) BW/(q² M²) has no
    pole: for Γ → 0 it is the longitudinal mode's contact term, enhanced by 1/M² (the dark-Z
    enhancement), and on shell only the physical polarisations remain (`on_shell_width`). The dipole
    (M¹) is a conserved current and gives no C_P; the q² slope of the Z's T³ vertex (`T3_SLOPE`,
    ≈ 10⁻³ of E⁰) is taken conserved like the photon's, an approximation. "paper": neither term.
    """
    _check_treatment(treatment)
    z = boson(case, M_ZD, eps, eps_Z, g_mu_D, Gamma_inv, inputs)
    vx = vertex(eps, eps_Z, inputs)
    e = electroweak(inputs)[0]
    v, a = z.lepton_v[:2], z.lepton_a[:2]  # e, μ
    zero = jnp.zeros(2, complex)  # columns in wcxf.COEFFICIENTS order: C7, C7p, C9, C9p, C10, C10p, CS, CSp, CP, CPp
    c_p = 2 * jnp.array([inputs.m_e, inputs.m_mu]) * a * (vx.E0 / jnp.asarray(M_ZD, float) ** 2 + vx.E2) if treatment == "full" else zero
    a_res = jnp.stack([zero, zero, vx.E0 * v, zero, -vx.E0 * a, zero, zero, zero, c_p, zero], axis=-1)
    b_res = jnp.stack([vx.M1 * v / (-e), zero, vx.E2 * v, zero, -vx.E2 * a, zero, zero, zero, zero, zero], axis=-1)
    return wcxf.Resonance(jnp.asarray(M_ZD, float), total_width(z, inputs), a_res, b_res)


ON_SHELL = {"B+->K+": "B+->K", "B0->K0": "B0->K", "B0->K*0": "B0->K*", "B+->K*+": "B+->K*"}
"""B → M Z_D processes of `on_shell_width` → their b→sℓℓ process (`b_to_pll.PROCESSES`,
`b_to_vll.PROCESSES`: the fields of `jaxflav.inputs.Inputs` with its masses and lifetime)."""


def _process(name):
    """The b→sℓℓ `Process` (B, M, tau fields) behind an `ON_SHELL` name."""
    from jaxflav.observables import b_to_pll, b_to_vll

    engine = ON_SHELL[name]
    return b_to_vll.PROCESSES[engine] if "K*" in engine else b_to_pll.PROCESSES[engine]


def on_shell_width(process, M_ZD, eps, eps_Z, inputs=sm_inputs.DEFAULT):
    """Γ(B → M Z_D) in GeV, on shell, from the b → s Z_D vertex (`vertex`) at q² = M²; 0 above the
    endpoint. `process`: a key of `ON_SHELL`.

    Over the Z_D's physical helicities (`jaxflav.models.vector_boson.b_to_meson_width`): the
    polarisation sum −g_μν + q_μq_ν/M² (the full propagator's numerator at the pole), so the timelike
    amplitude is absent in either treatment (the paper's −g_μν alone is no polarisation sum), with
    C₉ = V(M²) and C₇ = M² M¹/(−e), no Standard Model part; for B → K the longitudinal mode's 1/M².
    """
    vx, e = vertex(eps, eps_Z, inputs), electroweak(inputs)[0]
    M2 = jnp.asarray(M_ZD, float) ** 2
    return vector_boson.b_to_meson_width(_process(process), M_ZD, vx.E0 + vx.E2 * M2, M2 * vx.M1 / (-e), inputs)


def kaon_coupling(M_ZD, eps, eps_Z, inputs=sm_inputs.DEFAULT):
    """g_eff of s → d Z_D at q² = M², N_sd V_sd(M²), in the normalisation of
    `jaxflav.models.bl23.br_kp_to_pip` (seed 002, Eqs. 4.6–4.7). The s → d dipole (∝ m_s) is left out."""
    vx = vertex(eps, eps_Z, inputs, "sd")
    return sm_inputs.heff_norm(inputs, "sd") * (vx.E0 + vx.E2 * jnp.asarray(M_ZD, float) ** 2)


APV = {"Cs": (55, 78, -73.23, 0.0024**2), "p": (1, 0, 0.0711, 0.0248)}
"""Atomic parity violation (§4.7): (Z, N, Standard-Model weak charge (PDG 2022, "Electroweak model
and constraints on new physics"), momentum transfer Q² in GeV²) of ¹³³Cs (Q ≈ 2.4 MeV, where the
paper's f(Q²/M²) is ½ at M ≈ 2.4 MeV) and of the proton (Qweak, Q² = 0.0248 GeV²)."""


def weak_charge_shift(target, z: vector_boson.LightVector, inputs=sm_inputs.DEFAULT):
    """ΔQ_W of `target` ("Cs", "p") from Z_D exchange between the electron's axial current and the
    nucleus's vector current, normalised so that the Z itself (ε_Z = 1, ε = 0, M = M_Z, Q² = 0) gives
    Q_W = Z(1 − 4s_W²) − N at tree level:

        ΔQ_W = −16 M_Z² a_e [Z(2v_u + v_d) + N(v_u + 2v_d)] / (g_Z² (M² + Q²)),

    which for Case A is Davoudiasl, Lee, Marciano's (PRD 85 (2012) 115019) ρ_d − 1 = ε_Z² M_Z²/(M² + Q²)
    on Q_W (at tree level here) and 1 − κ_d = ε ε_Z (c_W/s_W) M_Z²/(M² + Q²) on s_W²; the paper's
    f(Q²/M²) = M²/(M² + Q²). Case C (no electron coupling) gives 0."""
    n_p, n_n, _, q2 = APV[target]
    g_z = electroweak(inputs)[2]
    v_u, v_d = z.quark_v[0], z.quark_v[1]
    nuclear = n_p * (2 * v_u + v_d) + n_n * (v_u + 2 * v_d)
    return -16 * inputs.m_Z**2 * z.lepton_a[0] * nuclear / (g_z**2 * (z.mass**2 + q2))


CEVNS = {"Cs": (55, 78), "I": (53, 74)}
"""The nuclei of COHERENT's CsI[Na] detector (Z, N) (§4.8)."""
CEVNS_Q2 = 0.05**2  # GeV²: a typical momentum transfer of COHERENT's CsI recoils (T ≈ 10 keV, Q = √(2 M_N T))


def cevns_ratio(z: vector_boson.LightVector, inputs=sm_inputs.DEFAULT):
    """σ/σ_SM of coherent ν-nucleus scattering on CsI (COHERENT, §4.8) with Z_D exchange between the
    neutrino and the nucleus's vector current, at the fixed Q² = `CEVNS_Q2`:

        Q_W → Q_W [1 + g_ν(Z v_p + N v_n)/(M² + Q²) / (g_ν^Z (Z v_p^Z + N v_n^Z)/M_Z²)],

    v_p = 2v_u + v_d, v_n = v_u + 2v_d, normalised by the Z itself (ε_Z = 1, ε = 0 couplings, which
    give the tree-level Q_W = Z(1 − 4s²) − N); each nucleus weighted by its Q_W², ∝ N². The paper
    rescales U(1)_X curves instead (its refs. [55]–[57], not reachable): this one-Q² version stands in
    for the recoil spectrum and its efficiency, good to a factor ~2 in the bound on ε_Z."""
    ref = boson("A", inputs.m_Z, 0.0, 1.0, inputs=inputs)

    def amplitude(b, mass2, n_p, n_n):
        v_u, v_d = b.quark_v[0], b.quark_v[1]
        return b.neutrino[1] * (n_p * (2 * v_u + v_d) + n_n * (v_u + 2 * v_d)) / mass2

    total = weight = 0.0
    for n_p, n_n in CEVNS.values():
        shift = amplitude(z, z.mass**2 + CEVNS_Q2, n_p, n_n) / amplitude(ref, inputs.m_Z**2, n_p, n_n)
        total, weight = total + n_n**2 * (1 + shift) ** 2, weight + n_n**2
    return total / weight


def _contact(M_ZD, eps, eps_Z, inputs, pair):
    """g²/(2M²) (GeV⁻²) of the local ΔF = 2 operator (q̄γ^μP_L q′)² from Z_D exchange between two
    vertices of `pair` ("bs", "sd") at q² → 0, g = N E⁰ (the monopole; `vertex`, `jaxflav.inputs.heff_norm`)."""
    g = sm_inputs.heff_norm(inputs, pair) * vertex(eps, eps_Z, inputs, pair).E0
    return g**2 / (2 * jnp.asarray(M_ZD, float) ** 2)


ETA_B = 0.5510  # NLO QCD factor of the SM B_s-mixing box (Buras, Jamin, Weisz, Nucl. Phys. B347 (1990) 491)


def mixing_ratio(M_ZD, eps, eps_Z, inputs=sm_inputs.DEFAULT):
    """Δ_mix = C_NP/C_SM of B_s mixing (§4.1, Fig. 1): Z_D exchange between two b → s vertices at
    q² → 0 (the monopole E⁰; "at leading order independent of ε"), H = g²/(2M²) (s̄γ^μP_L b)², g = N E⁰,
    against the SM box H = (G_F² M_W²/4π²) λ_t² η_B S₀(x_t) (s̄γ^μP_L b)².

    The paper's local approximation: a Z_D much lighter than m_b is not a contact interaction (the
    momentum through it is of order m_b), and the longitudinal mode would add (m_b/M)²-enhanced
    scalar operators; neither is included, in either treatment, so in the full one this is a lower
    bound on the effect."""
    c_sm = inputs.GF**2 * M_W**2 / (4 * math.pi**2) * sm_inputs.xi(inputs, "t") ** 2 * ETA_B * inami_lim.S0((M_T / M_W) ** 2)
    return jnp.real(_contact(M_ZD, eps, eps_Z, inputs, "bs") / c_sm)


KAON_MIXING = {"f_K": 0.1557, "B_K": 0.7625, "m_K0": 0.497611, "Delta_M_K": 3.484e-15}
"""GeV except B̂_K: f_K⁺ and B̂_K (FLAG 2019, N_f = 2 + 1 + 1 and 2 + 1), m_K⁰ and the measured ΔM_K
(PDG 2022, 3.484(6) × 10⁻¹² MeV; the paper's §4.4)."""


def kaon_mixing_ratio(M_ZD, eps, eps_Z, inputs=sm_inputs.DEFAULT):
    """ΔM_K^{Z_D}/ΔM_K (§4.4) in the local approximation of `mixing_ratio`: H = g²/(2M²) (s̄γ^μP_L d)²,
    g = N_sd E⁰ of the s → d vertex, ⟨K̄⁰|(s̄γ^μP_L d)²|K⁰⟩ = (2/3) f_K² m_K² B̂_K, ΔM_K = 2 Re M₁₂."""
    k = KAON_MIXING
    delta = jnp.real(_contact(M_ZD, eps, eps_Z, inputs, "sd")) * (2 / 3) * k["f_K"] ** 2 * k["m_K0"] * k["B_K"]
    return delta / k["Delta_M_K"]


_INVISIBLE = ("nunu", "invisible")


OUTPUTS = ("BR(ZD->ee)", "BR(ZD->mumu)", "BR(ZD->nunu)", "BR(ZD->hadrons)", "BR(ZD->invisible)",
           *(f"BR({p}ZD)" for p in ON_SHELL), "BR(K+->pi+ZD)", "BR(KL->pi0ZD)",
           *(f"BR({p}ZD, ZD->invisible)" for p in (*ON_SHELL, "K+->pi+", "KL->pi0")), "BR(Bs->mumu)", "Delta BR(Bs->mumu)",
           "Q_W(Cs)", "Q_W(p)", "Delta Q_W(Cs)", "Delta Q_W(p)", "Delta_mix(Bs)", "Delta_M_K/Delta_M_K",
           "BR(K+->mu+nuZD)", "BR(K+->mu+nuZD, ZD->invisible)", "BR(K+->mu+nuZD, ZD->ee, m_ee>145MeV)",
           "R(pi+->mu+nuZD, ZD->invisible, T_mu<1.2MeV)", "R(pi+->mu+nuZD, ZD->invisible, T_mu>1.2MeV)", "Delta Gamma_W",
           "eps2_eff(LHCb A'->mumu)", "eps2_eff(BaBar A'->ll)", "g2_eff(Belle II Z'->invisible)", "Delta sigma/sigma_SM(CEvNS CsI)")  # fmt: skip
"""The names `observables` returns."""

M_EE_MIN = 0.145  # GeV: the m_ee > 145 MeV of the K⁺ → μ⁺νe⁺e⁻ measurement (§4.5, Fig. 5)


def _gamma_w_to_mu_nu(inputs):
    """Γ(W → μν) at tree level, G_F M_W³/(6√2π) (GeV)."""
    return inputs.GF * M_W**3 / (6 * math.sqrt(2) * math.pi)


def radiative_rates(z: vector_boson.LightVector, br, g_mu_D, treatment="full", inputs=sm_inputs.DEFAULT):
    """K⁺ → μ⁺νZ_D, π⁺ → μ⁺νZ_D and W⁺ → μ⁺νZ_D (`jaxflav.models.radiative`, its tabulated quadratic
    forms in the couplings, within 0.3 % of the direct Dalitz integrals), by `OUTPUTS` name, with the
    Z_D's branching fractions `br`; PIENU's 1.2 MeV split is `radiative.WINDOWS`; "Delta Gamma_W" (GeV) from the direct g_D^μ alone, in
    either treatment (the W has no partner vertex for it: its longitudinal growth is the physics)."""
    from jaxflav.models import radiative

    invisible = sum(br[c] for c in _INVISIBLE)
    k = radiative.BR_TO_MU_NU["K+"] * radiative.tabulated_rate_ratio("K+", z, treatment)
    pi = {side: radiative.tabulated_rate_ratio("pi+", z, treatment, f"T_mu{side}1.2MeV") * invisible for side in "<>"}
    w = radiative.tabulated_w_rate_ratio(z.mass, g_mu_D) * _gamma_w_to_mu_nu(inputs)
    return {
        "BR(K+->mu+nuZD)": k,
        "BR(K+->mu+nuZD, ZD->invisible)": k * invisible,
        "BR(K+->mu+nuZD, ZD->ee, m_ee>145MeV)": jnp.where(z.mass > M_EE_MIN, k * br["ee"], 0.0),
        "R(pi+->mu+nuZD, ZD->invisible, T_mu<1.2MeV)": pi["<"],
        "R(pi+->mu+nuZD, ZD->invisible, T_mu>1.2MeV)": pi[">"],
        "Delta Gamma_W": w,
    }


def _brs(z, inputs):
    return vector_boson.branching_ratios(z, inputs.m_e, inputs.m_mu)


def search_strengths(z: vector_boson.LightVector, br, inputs=sm_inputs.DEFAULT):
    """The Z_D's signal in three searches in the units of their published limits (§4.9), by `OUTPUTS`
    name; each a ratio of production × branching fraction to that of the search's benchmark boson at
    the same mass (the recasting of Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004, simplified):

    - "eps2_eff(LHCb A'->mumu)": ε² of a dark photon (couplings εeQ_f) with the same pp yield of
      μ⁺μ⁻: production taken as Drell–Yan from valence quarks, (2(v_u² + a_u²) + v_d² + a_d²)/(e²(2Q_u² + Q_d²)),
      times BR(Z_D → μμ)/BR(A′ → μμ);
    - "eps2_eff(BaBar A'->ll)": e⁺e⁻ → γZ_D, production (v_e² + a_e²)/e², times BR(ee + μμ) against
      the dark photon's;
    - "g2_eff(Belle II Z'->invisible)": e⁺e⁻ → μ⁺μ⁻Z_D from the muon line, (v_μ² + a_μ²), times
      BR(Z_D → invisible) against an L_μ − L_τ boson's (g′ to μ, τ, ν_μ, ν_τ).
    Approximate: production is not differential in the experiments' acceptances, and the quark
    weights stand for meson decays below ~1 GeV, where LHCb's A′ come from η, ω decays as well."""
    e = electroweak(inputs)[0]
    photon = _brs(boson("A", z.mass, 1.0, 0.0, inputs=inputs), inputs)
    nunu = 2 * vector_boson.neutrino_width(z.mass, 1.0)  # L_μ − L_τ, g′ = 1: ν_μ, ν_τ, μ, τ (no quarks)
    charged = sum(vector_boson.partial_width(z.mass, m, 1.0, 0.0) for m in (inputs.m_mu, vector_boson.M_TAU))
    u, d = (z.quark_v[i] ** 2 + z.quark_a[i] ** 2 for i in (0, 1))
    quarks = (2 * u + d) / (e**2 * (2 * (2 / 3) ** 2 + (1 / 3) ** 2))
    mumu = div_safe(br["mumu"], photon["mumu"])  # 0 below the A′ → μμ threshold
    leptons = (br["ee"] + br["mumu"]) / (photon["ee"] + photon["mumu"])
    invisible = sum(br[c] for c in _INVISIBLE) * (nunu + charged) / nunu
    return {
        "eps2_eff(LHCb A'->mumu)": quarks * mumu,
        "eps2_eff(BaBar A'->ll)": (z.lepton_v[0] ** 2 + z.lepton_a[0] ** 2) / e**2 * leptons,
        "g2_eff(Belle II Z'->invisible)": (z.lepton_v[1] ** 2 + z.lepton_a[1] ** 2) * invisible,
    }


def observables(point, case="A", treatment="full", inputs=sm_inputs.DEFAULT):
    """The quantities the paper's constraints (§4) use, by name (`OUTPUTS`), at `point` (a dict of
    `M_ZD` GeV, `eps`, `eps_Z`, `g_mu_D`, optionally `Gamma_inv` GeV):

    - the Z_D's branching fractions "BR(ZD->ee)", "BR(ZD->mumu)", "BR(ZD->nunu)", "BR(ZD->hadrons)",
      "BR(ZD->invisible)" (ν ν̄ plus the extra invisible width);
    - on-shell production "BR(B+->K+ZD)", "BR(B0->K0ZD)", "BR(B0->K*0ZD)", "BR(B+->K*+ZD)"
      (`on_shell_width`), "BR(K+->pi+ZD)", "BR(KL->pi0ZD)" (`kaon_coupling`), each also times
      BR(Z_D → invisible) as "BR(<process>ZD, ZD->invisible)";
    - "BR(Bs->mumu)" from the b→sℓℓ engine with the Z_D of `treatment` (its C_P in the full one),
      and "Delta BR(Bs->mumu)", its shift from the SM;
    - the weak charges "Q_W(Cs)", "Q_W(p)" (SM of `APV` plus `weak_charge_shift`) and their shifts
      "Delta Q_W(Cs)", "Delta Q_W(p)";
    - "Delta_mix(Bs)", C_NP/C_SM of B_s mixing (`mixing_ratio`, the paper's local approximation), and
      "Delta_M_K/Delta_M_K", the Z_D's share of the measured ΔM_K (`kaon_mixing_ratio`);
    - the three-body K⁺, π⁺ → μ⁺νZ_D rates and the W width shift (`radiative_rates`, in `treatment`);
    - the signal strengths of the LHCb, BaBar and Belle II searches (`search_strengths`);
    - "Delta sigma/sigma_SM(CEvNS CsI)", σ/σ_SM − 1 of COHERENT's coherent-scattering rate against the SM (`cevns_ratio`)."""
    from jaxflav.models import bl23

    _check_treatment(treatment)
    p = {"g_mu_D": 0.0, "Gamma_inv": 0.0, **point}
    args = (p["M_ZD"], p["eps"], p["eps_Z"])
    z = boson(case, *args, p["g_mu_D"], p["Gamma_inv"], inputs)
    br = _brs(z, inputs)
    out = {f"BR(ZD->{c})": br[c] for c in ("ee", "mumu", "nunu", "hadrons")}
    out["BR(ZD->invisible)"] = sum(br[c] for c in _INVISIBLE)
    for process in ON_SHELL:
        out[f"BR({process}ZD)"] = getattr(inputs, _process(process).tau) / sm_inputs.HBAR * on_shell_width(process, *args, inputs)
    k = bl23.KAONS
    for name, rate, m_k, m_pi in (("K+->pi+", bl23.br_kp_to_pip, k.m_Kp, k.m_pip), ("KL->pi0", bl23.br_kl_to_pi0, k.m_KL, k.m_pi0)):
        is_open = p["M_ZD"] < m_k - m_pi
        m = jnp.where(is_open, p["M_ZD"], 0.1)  # λ > 0 again above m_K + m_π: close the channel, gradient included
        out[f"BR({name}ZD)"] = jnp.where(is_open, rate(kaon_coupling(m, *args[1:], inputs), m), 0.0)
    for process in (*ON_SHELL, "K+->pi+", "KL->pi0"):
        out[f"BR({process}ZD, ZD->invisible)"] = out[f"BR({process}ZD)"] * out["BR(ZD->invisible)"]
    predict, sm = vector_boson.bs_mumu()
    out["BR(Bs->mumu)"] = predict(resonance(case, *args, p["g_mu_D"], p["Gamma_inv"], inputs, treatment))[0]
    out["Delta BR(Bs->mumu)"] = out["BR(Bs->mumu)"] - sm
    for target, (*_, sm_charge, _) in APV.items():
        out[f"Delta Q_W({target})"] = weak_charge_shift(target, z, inputs)
        out[f"Q_W({target})"] = sm_charge + out[f"Delta Q_W({target})"]
    out["Delta_mix(Bs)"] = mixing_ratio(*args, inputs)
    out["Delta_M_K/Delta_M_K"] = kaon_mixing_ratio(*args, inputs)
    out.update(radiative_rates(z, br, 0.0 if case == "A" else p["g_mu_D"], treatment, inputs))
    out.update(search_strengths(z, br, inputs))
    out["Delta sigma/sigma_SM(CEvNS CsI)"] = cevns_ratio(z, inputs) - 1
    return out
