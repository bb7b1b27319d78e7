"""B → V ℓ⁺ℓ⁻ (V = K*⁰, K*⁺, φ): helicity amplitudes, angular coefficients and rates.

Conventions are flavio 2.7.1's, so the two agree term by term: helicity amplitudes H_λ^{V,A}
(λ = 0, +, −) and the timelike H_P of Gratrex, Hopfer, Zwicky, arXiv:1506.03970, App. B, with
the normalisation N = (4G_F/√2) ξ_t α_e/(4π); angular coefficients J_i of the CP-averaged
distribution in the convention of arXiv:1506.03970 (C.8), LHCb sign conventions for the
"experiment" observables (AFB, S_i). Units: GeV, q² in GeV²; rates in GeV⁻¹ per GeV² (×τ_B gives
dBR/dq²).

For equal lepton masses m and no tensor operators the coefficients reduce to
(β² = 1 − 4m²/q², common factor P_f = √λ_B β / (2⁹ π³ m_B³)):
    dΓ/dq² = P_f [ (8/3)(q² + 2m²) Σ_λ|H_λ^V|² + (8/3) q²β² Σ_λ|H_λ^A|² + 4q² |H_P|² + 4q²β² |H_S|² ]
    J_2s = P_f (2/3) q²β² (Σ_± |H_±^V|² + |H_±^A|²),   J_2c = −P_f (8/3) q²β² (|H_0^V|² + |H_0^A|²)
    J_6s = −P_f 4 q²β (4/3) Re(H_+^V H_+^A* − H_−^V H_−^A*)
    J_5  = P_f (8/3) q²β Re(H_+^V H_0^A* + H_+^A H_0^V* − H_0^V H_−^A* − H_0^A H_−^V*)
(obtained from the general expressions of arXiv:1506.03970 App. C at m_1 = m_2).
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp

from jaxflav import formfactors, inputs as sm_inputs, wilson
from jaxflav.observables import forms, qcdf
from kernels.safe_math import kallen, sqrt_safe


class Process(NamedTuple):
    B: str  # field of Inputs holding the B mass
    V: str  # field holding the vector-meson mass
    tau: str  # field holding the lifetime
    formfactors: str  # process name in jaxflav.formfactors
    qcdf: str  # table name in jaxflav.observables.qcdf
    mixing: bool  # time-integrated B_s rate (ΔΓ_s ≠ 0)


PROCESSES = {
    "B0->K*": Process("m_B0", "m_Kst0", "tau_B0", "B->K*", "B0->K*0", False),
    "B+->K*": Process("m_Bp", "m_Kstp", "tau_Bp", "B->K*", "B+->K*+", False),
    "Bs->phi": Process("m_Bs", "m_phi", "tau_Bs", "Bs->phi", "Bs->phi", True),
}

AMPLITUDES = ("0V", "+V", "-V", "0A", "+A", "-A", "P", "S")


def q2_max(process: str, inputs=sm_inputs.DEFAULT) -> float:
    """Kinematic endpoint (m_B − m_V)² in GeV²."""
    p = PROCESSES[process]
    return (getattr(inputs, p.B) - getattr(inputs, p.V)) ** 2


class SMEffective(NamedTuple):
    """SM effective coefficients at a set of q² (flavio's c['7'], c['v'] incl. NNLO δC₇, δC₉), and
    their CP conjugates: parameter independent, computed once per likelihood."""

    c7: jnp.ndarray
    c9: jnp.ndarray
    c7bar: jnp.ndarray
    c9bar: jnp.ndarray
    c7p: float
    c10: float


@jax.jit
def sm_effective(q2, inputs=sm_inputs.DEFAULT, xi_ratio=None):
    """`SMEffective` at the q² values (GeV²) of `q2` (`xi_ratio`: ξ_u/ξ_t instead of the inputs')."""
    sm = wilson.sm_coefficients(inputs)
    c7, c9 = wilson.c7_eff(q2, inputs, xi_ratio=xi_ratio), wilson.c9_eff(q2, inputs, xi_ratio=xi_ratio)
    c7bar, c9bar = wilson.c7_eff(q2, inputs, True, xi_ratio), wilson.c9_eff(q2, inputs, True, xi_ratio)
    return SMEffective(c7, c9, c7bar, c9bar, sm.C7p, sm.C10)


def xi_ratio_slope(q2, inputs=sm_inputs.DEFAULT):
    """∂`SMEffective`/∂(ξ_u/ξ_t) at q² (c7, c9 and, for the CP conjugates, ∂/∂(ξ_u/ξ_t)*): the
    effective coefficients are affine in the ratio, so a CKM point moves them by (r − r₀)·slope."""
    one, zero = sm_effective(q2, inputs, 1.0 + 0j), sm_effective(q2, inputs, 0j)
    return SMEffective(*(a - b for a, b in zip(one[:4], zero[:4])), 0.0, 0.0)


def effective_coefficients(x, sm: SMEffective, cp_conjugate):
    """(C7, C7', C9, C9', C10, C10', CS, CS', CP, CP'): SM effective values times x₀ plus the
    shifts of x (the SM has no scalar operators).

    The CP-conjugate amplitude takes the CP-conjugate SM part and x* (weak phases flip). `x`: the
    form vector, an array or a tuple (`wcxf.form_columns`: plain zeros stay plain).
    """
    if cp_conjugate:
        x, c7, c9 = tuple(v if isinstance(v, float | int) else jnp.conj(v) for v in x), sm.c7bar, sm.c9bar
    else:
        c7, c9 = sm.c7, sm.c9
    return (c7 * x[0] + x[1], sm.c7p * x[0] + x[2], c9 * x[0] + x[3], x[4], sm.c10 * x[0] + x[5], x[6], x[7], x[8], x[9], x[10])


def helicity_amplitudes(q2, c, ff, m_B, m_V, m_b, m_l, norm):
    """H_0^V, H_+^V, H_−^V, H_0^A, H_+^A, H_−^A, H_P, H_S (arXiv:1506.03970 App. B, flavio's phases),
    stacked on the leading axis.

    `c` = (C7, C7', C9, C9', C10, C10', CS, CS', CP, CP'), `ff` the B→V form factors at q², `m_b` =
    m_b(μ_b) MS-bar. The m_b of O_S, O_P cancels the 1/(m_b + m_s) of the equations of motion at
    m_s → 0 (as flavio), so CS, CP enter H_S, H_P bare.
    """
    return jnp.stack(_helicity(q2, c, ff, m_B, m_V, m_b, m_l, norm))


def _longitudinal(q2, c9m, c7m, ff, m_B, m_V, m_b):
    """H_0^V/N for C9 − C9' = c9m, C7 − C7' = c7m (H_0^A: c9m = C10 − C10', c7m = 0)."""
    mp = m_B + m_V
    return 4j * m_B * m_V / (jnp.sqrt(q2) * mp) * (c9m * mp * ff["A12"] + m_b * c7m * ff["T23"])


def _transverse(q2, sign, cv, cvp, c7, c7p, ff, m_B, m_V, m_b):
    """H_±^V/N (sign ±1); H_±^A with (cv, cvp) = (C10, C10') and no dipoles."""
    sl, mp = sqrt_safe(kallen(m_B**2, m_V**2, q2)), m_B + m_V
    vector = 1j / (2 * mp) * (sign * (cv + cvp) * sl * ff["V"] - mp**2 * (cv - cvp) * ff["A1"])
    dipole = 1j * m_b / q2 * (sign * (c7 + c7p) * sl * ff["T1"] - (c7 - c7p) * (m_B**2 - m_V**2) * ff["T2"])
    return vector + dipole


def _helicity(q2, c, ff, m_B, m_V, m_b, m_l, norm):
    """`helicity_amplitudes` as a tuple of arrays: the nuisance path differentiates through it, and
    a stacked array would cost a pad per amplitude in the backward pass."""
    c7, c7p, c9, c9p, c10, c10p, cs, csp, cp, cpp = c
    sl = sqrt_safe(kallen(m_B**2, m_V**2, q2))
    kin = (ff, m_B, m_V, m_b)
    h = (
        _longitudinal(q2, c9 - c9p, c7 - c7p, ff, m_B, m_V, m_b),
        _transverse(q2, 1, c9, c9p, c7, c7p, *kin),
        _transverse(q2, -1, c9, c9p, c7, c7p, *kin),
        _longitudinal(q2, c10 - c10p, 0.0, ff, m_B, m_V, m_b),
        _transverse(q2, 1, c10, c10p, 0.0, 0.0, *kin),
        _transverse(q2, -1, c10, c10p, 0.0, 0.0, *kin),
        1j * sl / 2 * ((cp - cpp) + 2 * m_l / q2 * (c10 - c10p)) * ff["A0"],
        1j * sl / 2 * (cs - csp) * ff["A0"],
    )
    return tuple(norm * a for a in h)


SUBLEADING = ("delta_C7 a_0", "delta_C7 b_0", "delta_C7p a_+", "delta_C7p b_+", "delta_C7 a_-", "delta_C7 b_-",
              "deltaC9 c_0", "deltaC9 c_+", "deltaC9 c_-")  # fmt: skip
"""flavio 2.7.1's subleading-hadronic parameters of B→Vℓℓ (each a complex Re + i Im), the order of `subleading`."""


def subleading(q2, d, ff, m_B, m_V, m_b, norm):
    """Shifts (H_0^V, H_+^V, H_−^V), a tuple, that parametrise subleading hadronic effects, as flavio
    2.7.1 (`bvll/subleading.py`, its default implementations): for q² ≤ 9 GeV² effective shifts
    δC₇ = (a + b q²/m_B²) m_B/(2m_b) of C₇ in H_0 (a_0, b_0) and H_− (a_−, b_−) and of C₇′ in H_+
    (a_+, b_+); for q² > 14 GeV² constant shifts c_λ of C₉ in H_λ; none in between. `d`: complex
    (9,) in the order of SUBLEADING. flavio adds the same shift (with the unconjugated prefactor
    `norm`) to the decay and to its CP conjugate."""
    scale, t, kin = m_B / (2 * m_b), q2 / m_B**2, (ff, m_B, m_V, m_b)
    low, high = q2 <= 9, q2 > 14
    c7 = [jnp.where(low, (d[i] + d[i + 1] * t) * scale, 0.0) for i in (0, 2, 4)]  # δC₇ in H_0, δC₇′ in H_+, δC₇ in H_−
    c9 = [jnp.where(high, d[i], 0.0) for i in (6, 7, 8)]
    shifts = (_longitudinal(q2, c9[0], c7[0], *kin), _transverse(q2, 1, c9[1], 0.0, 0.0, c7[1], *kin), _transverse(q2, -1, c9[2], 0.0, c7[2], 0.0, *kin))
    return tuple(norm * h for h in shifts)


def _phase_space(q2, m_B, m_V, m_l):
    """P_f = √λ_B β / (2⁹ π³ m_B³), the common factor of the angular coefficients."""
    beta = sqrt_safe(1 - 4 * m_l**2 / q2)
    return sqrt_safe(kallen(m_B**2, m_V**2, q2)) * beta / (2**9 * jnp.pi**3 * m_B**3)


COEFFICIENTS = ("1s", "1c", "2s", "2c", "3", "4", "5", "6s", "6c", "7", "8", "9")


def _g_basis(X, Y, q2, m_l):
    """The G-basis coefficients of arXiv:1506.03970 (App. C, Eqs. C.5–C.7) as sesquilinear forms:
    every product H_a H_b* of the paper replaced by X_a Y_b* (so `_g_basis(H, H)` is the paper's G,
    and `_g_basis(u, H) + _g_basis(H, u)` its B_s-mixing counterpart); of "000" … "220" only the
    real parts, the only ones `_coefficients` reads. Equal lepton masses m
    (E₁ = E₂ = √q²/2, λ(q², m², m²) = q⁴β²), scalar and pseudoscalar amplitudes, no tensor ones;
    without P_f."""
    beta2 = 1 - 4 * m_l**2 / q2
    m2, qb, qb2, r = m_l**2, q2 * sqrt_safe(beta2), q2 * beta2, 2 * m_l / jnp.sqrt(q2)
    x0v, xpv, xmv, x0a, xpa, xma, xp, xs = X
    y0v, ypv, ymv, y0a, ypa, yma, yp, ys = Y
    # the first six coefficients enter only through their real parts: Re(x y*) = Re x Re y + Im x Im y
    re = lambda x, y: jnp.real(x) * jnp.real(y) + jnp.imag(x) * jnp.imag(y)  # noqa: E731
    vt, v0, at, a0, p2, s2 = re(xpv, ypv) + re(xmv, ymv), re(x0v, y0v), re(xpa, ypa) + re(xma, yma), re(x0a, y0a), re(xp, yp), re(xs, ys)
    vector_axial = 4 / 3 * qb * (re(xpv, ypa) - re(xmv, yma))
    vector_scalar = 4 / 3 * qb * r * (re(x0v, ys) + re(xs, y0v)) / 2
    y0v, ymv, y0a, yma, ys = (jnp.conj(h) for h in (y0v, ymv, y0a, yma, ys))
    return {
        "000": 4 / 9 * (q2 - m2) * (vt + v0 + at + a0) + 4 / 3 * m2 * (vt + v0 - at - a0) + 2 / 3 * q2 * p2 + 2 / 3 * qb2 * s2,
        "010": vector_axial - vector_scalar,
        "020": -2 / 9 * qb2 * (-vt + 2 * v0 - at + 2 * a0),
        "200": -4 / 9 * (q2 - m2) * (vt - 2 * v0 + at - 2 * a0) - 4 / 3 * m2 * (vt - 2 * v0 - at + 2 * a0) + 4 / 3 * q2 * p2 + 4 / 3 * qb2 * s2,
        "210": -vector_axial - 2 * vector_scalar,
        "220": -2 / 9 * qb2 * (vt + 4 * v0 + at + 4 * a0),
        "211": 4 / jnp.sqrt(3.0) * qb * (xpv * y0a + xpa * y0v - x0v * yma - x0a * ymv + r * (xpv * ys + xs * ymv)),
        "221": 4 / 3 * qb2 * (xpv * y0v + x0v * ymv + xpa * y0a + x0a * yma),
        "222": -8 / 3 * qb2 * (xpv * ymv + xpa * yma),
    }


def _coefficients(G, pf):
    """LHCb-convention coefficients L_i = (32/3) g_i from the G-basis (Eq. C.8), and dΓ/dq²."""
    re, im = jnp.real, jnp.imag
    g000, g010, g020, g200, g210, g220 = (re(G[k]) for k in ("000", "010", "020", "200", "210", "220"))
    g = {
        "1s": (8 * g000 + 2 * g020 - 4 * g200 - g220) / 32,
        "1c": (4 * g000 + g020 + 4 * g200 + g220) / 16,
        "2s": 3 / 32 * (2 * g020 - g220),
        "2c": 3 / 16 * (g020 + g220),
        "3": 3 / 32 * re(G["222"]),
        "4": 3 / 32 * re(G["221"]),
        "5": jnp.sqrt(3.0) / 16 * re(G["211"]),
        "6s": (2 * g010 - g210) / 8,
        "6c": (g010 + g210) / 4,
        "7": jnp.sqrt(3.0) / 16 * im(G["211"]),
        "8": 3 / 32 * im(G["221"]),
        "9": 3 / 32 * im(G["222"]),
    }
    L = {k: 32 / 3 * pf * v for k, v in g.items()}
    L["rate"] = 0.75 * (2 * L["1s"] + L["1c"]) - 0.25 * (2 * L["2s"] + L["2c"])
    return L


def angular(H, q2, m_B, m_V, m_l):
    """The twelve angular coefficients of the distribution in the LHCb (experiment) convention,
    {"1s": …, "9": …} (GeV⁻¹ per GeV², before ×τ_B), and dΓ/dq² under "rate".

    From the G-basis of arXiv:1506.03970 (`_g_basis`); with the g → J map of its Eq. (C.8) the
    LHCb coefficients are L_i = (32/3) g_i for every i (the theory convention J_i flips the sign
    of 4, 6s, 6c, 7, 9; flavio's `S_experiment_num` flips it back). Then
    dΓ/dq² = ¾(2L₁ₛ + L₁꜀) − ¼(2L₂ₛ + L₂꜀), which the module docstring's |H|² sum equals.
    """
    return _coefficients(_g_basis(H, H, q2, m_l), _phase_space(q2, m_B, m_V, m_l))


def mixing(H, u, q2, m_B, m_V, m_l):
    """The B_s-mixing coefficients h_i (the convention of `angular`) for u = −(q/p) H̃, H̃ the
    CP-conjugate amplitudes with helicities ± swapped: arXiv:1502.05509 Eqs. 37–41 (flavio's
    `angularcoeffs_h_v`)."""
    G = {k: a + b for (k, a), b in zip(_g_basis(u, H, q2, m_l).items(), _g_basis(H, u, q2, m_l).values())}
    return _coefficients(G, _phase_space(q2, m_B, m_V, m_l))


class Hadronic(NamedTuple):
    """A process's parameter-independent constants, as arrays (one compiled node builder serves all)."""

    m_B: float
    m_V: float
    tau: float  # GeV⁻¹
    y: float  # ΔΓ/2Γ for a time-integrated (B_s) rate, 0 otherwise
    formfactors: formfactors.BToVParams
    qcdf: qcdf.Table


def hadronic(process: str, inputs=sm_inputs.DEFAULT, ff=None) -> Hadronic:
    """The `Hadronic` constants of `process` ("B0->K*", "B+->K*", "Bs->phi"); `ff`: form-factor
    parameters (`formfactors.BToVParams`, e.g. at a nuisance point) instead of the defaults."""
    if process not in PROCESSES:
        raise ValueError(f"unknown B→Vℓℓ process {process!r}; known: {', '.join(PROCESSES)}")
    p = PROCESSES[process]
    return Hadronic(
        getattr(inputs, p.B),
        getattr(inputs, p.V),
        getattr(inputs, p.tau) / sm_inputs.HBAR,
        inputs.y_s if p.mixing else 0.0,
        formfactors.B_TO_V_PROCESSES[p.formfactors] if ff is None else ff,
        qcdf.table(p.qcdf),
    )


def amplitudes(q2, x, had: Hadronic, lepton_mass, inputs=sm_inputs.DEFAULT, cp_conjugate=False, sm=None, sub=None):
    """The eight helicity amplitudes (last axis, order AMPLITUDES) at q² for the form vector x,
    QCDF corrections included. The CP-conjugate amplitudes are linear in x*.
    `had`: `hadronic(process)`; `sm`: `sm_effective(q2, inputs)` when already computed; `sub`:
    subleading-hadronic parameters (`subleading`; None: 0, flavio's central values)."""
    return jnp.stack(_amplitudes(q2, x, had, lepton_mass, inputs, cp_conjugate, sm, sub), axis=-1)


def _amplitudes(q2, x, had, lepton_mass, inputs, cp_conjugate, sm, sub, spectator=None):
    """`amplitudes` as a tuple; `spectator`: the QCDF corrections (H_0^V, H_+^V, H_−^V) at q² when
    already tabulated (`qcdf.vector_amplitudes`)."""
    sm = sm_effective(q2, inputs) if sm is None else sm
    norm0 = sm_inputs.heff_norm(inputs)
    norm = jnp.conj(norm0) if cp_conjugate else norm0
    ff = formfactors.b_to_v(q2, "B->K*", params=had.formfactors)
    H = _helicity(q2, effective_coefficients(x, sm, cp_conjugate), ff, had.m_B, had.m_V, inputs.m_b, lepton_mass, norm)
    spectator = tuple(qcdf.vector_amplitudes(q2, had.qcdf, cp_conjugate) if spectator is None else spectator)
    if sub is not None:
        spectator = tuple(s + d for s, d in zip(spectator, subleading(q2, sub, ff, had.m_B, had.m_V, inputs.m_b, norm0)))
    return tuple(h + x[0] * s for h, s in zip(H[:3], spectator)) + H[3:]


class Node(NamedTuple):
    """Everything a B→Vℓℓ rate needs at one q², independent of new physics: H = T x, H̄ = T̄ x*."""

    q2: float
    T: jnp.ndarray  # (8, DIM) complex: the amplitudes of AMPLITUDES
    Tbar: jnp.ndarray
    m_B: float
    m_V: float
    m_l: float
    tau: float  # GeV⁻¹
    y: float  # ΔΓ/2Γ for a time-integrated (B_s) rate, 0 otherwise
    phase: complex  # e^{iφ} = −q/p (B_s mixing)


def nodes(q2, process, lepton_mass, inputs=sm_inputs.DEFAULT, sm=None):
    """`Node`s at the q² values of the 1-D array `q2` (leading axis), computed once per likelihood."""
    q2 = jnp.asarray(q2, dtype=float)
    return _nodes(q2, hadronic(process, inputs), lepton_mass, inputs, sm_effective(q2, inputs) if sm is None else sm)


@jax.jit
def _nodes(q2, had, lepton_mass, inputs, sm):
    T, Tbar = forms.amplitude_matrices(lambda e, cp: amplitudes(q2, e, had, lepton_mass, inputs, cp, sm))
    xi_t = sm_inputs.xi(inputs, "t", "bs")
    full = lambda v: jnp.full(q2.shape, v)  # noqa: E731
    return Node(q2, T, Tbar, full(had.m_B), full(had.m_V), full(lepton_mass), full(had.tau), full(had.y), full(jnp.conj(xi_t) / xi_t))


def rates(x, node):
    """The QUANTITIES at one node, as a vector: CP-averaged, in BR units (×τ_B), quadratic in x.

    Each is time-integrated, τ(L_i + L̄_i − y h_i)/(1 − y²) for the coefficients L_i of `angular`
    and h_i of `mixing` (Descotes-Genon, Virto, arXiv:1502.05509 Eqs. 42, 48; y = 0 but for B_s):
    "dBR/dq2" (half the rate's), the coefficients "J1s" … "J9", from which flavio's S_i, A_FB,
    F_L, P_i and P′_i are ratios, and their normalisation "SA_den" (τ(Γ + Γ̄) for y = 0).
    """
    return jnp.stack(_rates(node.T @ x, node.Tbar @ jnp.conj(x), node))


def direct_rates(q2, x, had: Hadronic, lepton_mass, inputs, sm, sub=None, spectator=None):
    """`rates` at one q² straight from the amplitudes of x (no amplitude matrices), as a tuple: for
    points whose inputs, form factors or subleading parameters `sub` vary (nuisances). `sm`: the
    `SMEffective` at this q²; `spectator`: the QCDF corrections at q² for the decay and its CP
    conjugate, when already tabulated."""
    spectator = spectator or (None, None)
    H, Hbar = (_amplitudes(q2, x, had, lepton_mass, inputs, cp, sm, sub, s) for cp, s in zip((False, True), spectator))
    xi_t = sm_inputs.xi(inputs, "t", "bs")
    return _rates(H, Hbar, Node(q2, None, None, had.m_B, had.m_V, lepton_mass, had.tau, had.y, jnp.conj(xi_t) / xi_t))


_SWAP = ((0, 1), (2, 1), (1, 1), (3, 1), (5, 1), (4, 1), (6, 1), (7, -1))
"""H̃ from H̄: helicities ± swapped, H_S with a sign (`mixing`)."""


def _rates(H, Hbar, node):
    """The QUANTITIES as a tuple, from the amplitudes (tuples or arrays) of the decay and its CP
    conjugate; the B_s-mixing term only where y is not a static 0."""
    args = (node.q2, node.m_B, node.m_V, node.m_l)
    a, abar = angular(H, *args), angular(Hbar, *args)
    total = {k: a[k] + abar[k] for k in a}
    if not (isinstance(node.y, float | int) and node.y == 0):
        h = mixing(H, tuple(node.phase * sign * Hbar[i] for i, sign in _SWAP), *args)
        total = {k: (total[k] - node.y * h[k]) / (1 - node.y**2) for k in a}
    return (node.tau * total["rate"] / 2, *(node.tau * total[k] for k in COEFFICIENTS), node.tau * total["rate"])


QUANTITIES = ("dBR/dq2", *(f"J{k}" for k in COEFFICIENTS), "SA_den")


def observables(q2, x, process, lepton_mass, inputs=sm_inputs.DEFAULT):
    """The QUANTITIES of `process` at one q² (GeV²) for the form vector x, as a dict."""
    node = jax.tree_util.tree_map(lambda a: a[0], nodes(jnp.atleast_1d(q2), process, lepton_mass, inputs))
    return dict(zip(QUANTITIES, rates(jnp.asarray(x, dtype=complex), node)))
