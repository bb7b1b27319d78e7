"""One-loop SM penguin vertex d_j → d_i V* (b → s γ*, b → s Z*) from Passarino–Veltman integrals.

The loop holds an up-type quark u_k (mass² x M_W²) with a W boson or a charged Goldstone boson, in
't Hooft–Feynman gauge (ξ = 1); V is the photon or the Z. Every diagram is included: V on the up
quark (W and Goldstone loops), on the W–W, G–G, W–G and G–W lines, and on the external legs with
the flavour-changing self-energy (W and Goldstone loops).

Feynman rules: A. Denner, Fortsch. Phys. 41 (1993) 307 (arXiv:0709.1075), App. A, as coded in
FeynArts' SM.mod (all fields incoming): f̄fV = i e γ^μ (g⁻ω₋ + g⁺ω₊) with g^± = −Q_f for the
photon and g⁻ = (I3 − s²Q)/(sc), g⁺ = −sQ/c for the Z; ū_k d_j W⁺ = i e V_kj γ^μ ω₋/(√2 s);
ū_k d_j G⁺ = i e V_kj (m_u ω₋ − m_d ω₊)/(√2 s M_W); A W⁺W⁻ = −ie [..], Z W⁺W⁻ = +ie (c/s) [..];
G⁺G⁻A = −ie (p₊ − p₋)^μ, G⁺G⁻Z = −ie (s² − c²)/(2sc) (p₊ − p₋)^μ; G^±W^∓A = −ie M_W g^μν,
G^±W^∓Z = −ie M_W (s/c) g^μν. Hence the photon couples to −Q (Denner's sign: covariant
derivative ∂_μ + ieQA_μ) and the Z to +(T3 − s²Q) in units of g/c. Loop integrals are LoopTools'
(`kernels.pv`), with ∫d⁴k/(2π)⁴ = i/(16π²) × (LoopTools measure); D-dimensional Dirac algebra
(naive γ5), rational terms from (D − 4) × UV poles kept.

Normalisation. External quarks are massless and on shell (p² = p'² = 0, momenta p in, p' out,
q = p − p' carried out by V); m_b is kept to first order for the dipole only. With the sum of amputated
one-loop diagrams written iΓ^μ (so that a tree vertex of Denner's would be Γ^μ = e g⁻ γ^μ ω₋):

    Γ^μ = (g²/16π²) c_V Σ_k λ_k [F0 γ^μ P_L + (F2/M_W²)(q² γ^μ − q^μ q̸) P_L
                                 + (FM/M_W²) i σ^{μν} q_ν m_b P_R],      λ_k = V_kb V*_ks,

with c_γ = e, c_Z = g/cos θ_W, P_L = ω₋. On massless spinors q̸ vanishes, so only
F0 + q² F2/M_W², the whole γ^μ P_L coefficient A(q²), is physical: we define F0 = A(0) and
F2 = M_W² [A(q²) − A(0)]/q², the q²-slope M_W² A′(0) at q² = 0. FM is the coefficient of
(p + p')^μ P_R at linear order in m_b (m_s = 0); (p + p')^μ P_R = iσ^{μν}q_ν P_R + m_b γ^μ P_L.
The self-energy legs enter with total weight one (their m_s → 0 limit with m_b ≠ 0), which the
Ward identity requires.

Results (tests/test_penguin.py), GIM-subtracted (only F(x) − F(x_ref) is physical, Σ_k λ_k = 0),
with BBL's Inami–Lim functions (Buchalla, Buras, Lautenbacher, Rev. Mod. Phys. 68 (1996) 1125):

    photon:  F0 = const (Ward identity),  F2 = −D₀(x)/2 + const,  FM = D₀′(x)/2 + const;
    Z:       F0 = 2 C₀(x) + const,  and F_Z = F_Z^{T3} + s_W² F_γ term by term
             (the Z couples to T3 − s²Q, the photon to −Q in Denner's signs; with the opposite
             photon sign convention the s² part reads −s_W² × photon).

N_Z = 2 matches BBL's effective Z vertex i λ_t (G_F/√2) e/(2π²) M_Z² (c/s) C₀ s̄γ_μ(1 − γ5)d,
which is i (g²/16π²)(g/c) 2C₀ γ_μ P_L, and gives C10 = −F0/(2 s²) = −C₀/s² for the Z exchange
with a lepton pair; N_γ = −1/2 gives C9 ⊃ 2F2 = −D₀ and N_M = 1/2 gives C7 = −FM = −D₀′/2 (with
H_eff = −(4G_F/√2) λ_t Σ C_i O_i, O7 = e m_b s̄σF P_R b/16π², O9,10 = e²/16π² (s̄γP_L b)(ℓ̄γ(γ5)ℓ)).

Numbers at q² → 0 (M_W = 80.4 GeV; F2 and FM are UV finite and μ-independent one by one, F0
is not): the Z slope splits as F2_Z = F2_T3 + s_W² F2_γ with
    x_t = (173/80.4)²:  F2_T3 = 0.119675,  F2_γ = −0.065434,  so F2_Z = 0.119675 − 0.065434 s²;
    x_c = (1.27/80.4)²: F2_T3 = 1.605150,  F2_γ = −2.158369,  so F2_Z = 1.605150 − 2.158369 s²;
GIM difference F2_Z(x_t) − F2_Z(x_c) = −1.485475 + 2.092935 s² (= −1.0020 at s² = 0.231).
Dipole: FM_γ(x_t) = −0.444515, FM_γ(x_c) = −0.638816 (difference 0.1943, i.e. C7 = −0.1943).

Units: GeV, squared masses and q² in GeV². Domain: x from 1e-6 to 10 (and beyond), |q²| ≲ 10 GeV²
≪ M_W². Above a loop quark's pair threshold (q² > 4 m_u², e.g. the charm at q² > 6.45 GeV²)
values and gradients stay finite but are NOT accurate: kernels.pv's C functions are not
validated there (C(0, q², 0; M_W², m², m²) comes out with the wrong sign of Im C0 and ~1e-4
relative errors against mpmath), and F2's difference quotient multiplies that by M_W²/q².
F2 at q² ≠ 0 is a difference quotient, A computed at μ² = M_W²: it multiplies kernels.pv's
~1e-10 relative errors by M_W²/|q²| (F2 good to ~1e-6 relative at q² of a few GeV²); for
|q²| ≤ h/8, h = min(m², M_W²)/20 the slope step, it is the Taylor polynomial of A at 0.
"""

from typing import NamedTuple

import jax.numpy as jnp

from kernels import pv
from kernels.validate import check_positive

__all__ = ["Charges", "PHOTON", "T3", "z_charges", "vertex", "photon_vertex", "z_vertex", "photon_limits", "z_limits"]


class Charges(NamedTuple):
    """Couplings of V in units of c_V, in Denner's signs (module docstring).

    u_left, u_right: V ū u (coefficients of γ^μ ω₋ and γ^μ ω₊); d_left: V d̄ d (γ^μ ω₋);
    ww, gg, wg: the V W⁺W⁻, V G⁺G⁻ and V G^± W^∓ vertices relative to the photon's.
    """

    u_left: float
    u_right: float
    d_left: float
    ww: float
    gg: float
    wg: float


PHOTON = Charges(u_left=-2 / 3, u_right=-2 / 3, d_left=1 / 3, ww=1.0, gg=1.0, wg=1.0)  # −Q, Denner
T3 = Charges(u_left=0.5, u_right=0.0, d_left=-0.5, ww=-1.0, gg=-0.5, wg=0.0)  # Z's s_W⁰ part


def z_charges(sw2):
    """The Z's couplings in units of g/cos θ_W: T3 + s_W² × PHOTON (Denner: g⁻ = (I3 − s²Q)/(sc),
    Z W W = (c/s) = −c² × e/(sc), Z G G = (s² − c²)/(2sc), Z G W = s/c)."""
    return Charges(*(t + sw2 * p for t, p in zip(T3, PHOTON)))


# q²-slope step in units of min(m², M_W²): well inside the nearest threshold (4 m² or 4 M_W²).
_SLOPE_STEP = 1.0 / 20.0
# Below |q²| = h/8 F2 is the quadratic Taylor polynomial of A (error ~1e-7 relative there), above
# it the difference quotient (rounding ~1e-16 M_W²/|q²| relative to A's size).
_TAYLOR_BELOW = 1.0 / 8.0


def _amplitudes(x, q2, mw2, ch, mu2, delta):
    """A(q²) (γ^μ P_L coefficient) and FM(q²), summed over diagrams, in the units of the module
    docstring. q2 may be a 1-d array; x, mw2 scalars. Diagrams (Dirac algebra by hand):
      a: V on the quark, W loop;  b: V on the quark, G loop;  c: V on W–W;  d: V on G–G;
      ef: V on W–G and G–W;  legs: self-energy Σ_L(0) = (g²/32π²) [(2 + x)(B0 + B1) − 1].
    Quark-line integrals C(0, q², 0; M_W², m², m²) and boson-line ones C(0, q², 0; m², M_W², M_W²)
    come from one broadcast C_all call."""
    m2 = x * mw2
    shape = (2, *jnp.shape(q2))  # pv wants every argument at the full shape
    first = jnp.broadcast_to(jnp.stack([mw2 + 0 * m2, m2])[:, None], shape)
    other = jnp.broadcast_to(jnp.stack([m2, mw2 + 0 * m2])[:, None], shape)
    zero = jnp.zeros(shape)
    c = pv.C_all(zero, jnp.broadcast_to(q2, shape), zero, first, other, other, mu2=mu2, delta=delta)
    a0, a1, a2, a00, a11, a12 = (c[k][0] for k in ("C0", "C1", "C2", "C00", "C11", "C12"))
    b0, b1, b2, b00, b11, b12 = (c[k][1] for k in ("C0", "C1", "C2", "C00", "C11", "C12"))
    sigma = pv.B0(0.0, mw2, m2, mu2=mu2, delta=delta) + pv.B1(0.0, mw2, m2, mu2=mu2, delta=delta)

    amp = (
        0.5 * ch.u_left * (4 * a00 - 2 - 2 * q2 * (a0 + a1 + a2 + a12)) - ch.u_right * m2 * a0  # a
        - 0.5 * x * (ch.u_right * (q2 * a12 - 2 * a00 + 0.5) + ch.u_left * m2 * a0)  # b
        + 0.5 * ch.ww * (12 * b00 - 2 - 2 * q2 * (b1 + b2 + b12))  # c
        + ch.gg * x * b00  # d
        - ch.wg * m2 * b0  # e + f
        - 0.5 * ch.d_left * ((2 + x) * sigma - 1)  # legs
    )
    dipole = mw2 * (
        -ch.u_left * (a0 + 2 * a1 + a2 + a11 + a12)  # a
        - 0.5 * x * (ch.u_right * (a11 + a12) - ch.u_left * a2)  # b
        + 0.5 * ch.ww * (2 * b11 - b2 + 2 * b12)  # c
        + 0.5 * ch.gg * x * (b0 + 2 * b1 + b2 + b11 + b12)  # d
        - 0.5 * ch.wg * b2  # f (e has no m_b-linear term)
    )
    return amp, dipole


def _uv_coefficient(x, ch):
    """K: the coefficient of Δ − log(1/μ²) in A, read off `_amplitudes` (C00 → Δ/4, B0 + B1 → Δ/2).
    Its x term vanishes for every charge set of the SM (PHOTON, T3): that is UV finiteness after GIM."""
    return 0.5 * (ch.u_left + 3 * ch.ww - ch.d_left) + 0.25 * x * (ch.u_right + ch.gg - ch.d_left)


def vertex(x, q2, mw2, charges, *, mu2=1.0, delta=0.0):
    """(F0, F2, FM) of the module docstring for one loop quark, complex.

    x = m_u²/M_W² (> 0), q2 = q² in GeV² (|q²| ≪ M_W²), mw2 = M_W² in GeV², `charges` a `Charges`
    (PHOTON, T3 or z_charges(s_W²)); mu2, delta: the MS-bar scale and Δ_UV of kernels.pv.

    F2 and FM are UV finite and μ-independent, so they are evaluated at μ² = M_W², Δ = 0, where
    the integrals carry no large logarithms (less rounding in the difference quotients); F0 then
    moves to the requested (μ², Δ) exactly by + K (Δ + log(μ²/M_W²)), K = `_uv_coefficient`
    (tests/test_penguin.py checks this against a direct evaluation). The q²-slope at 0 is the
    5-point central difference with step h = min(m², M_W²)/20 (truncation ~ (h/4m²)⁴ ≈ 1e-8
    relative), in the same batched call as A(q²), A(0) and FM(q²).
    """
    check_positive(x=x, mw2=mw2)
    h = _SLOPE_STEP * jnp.minimum(x * mw2, mw2)
    q2 = jnp.asarray(q2, dtype=float)
    points = jnp.stack([q2, jnp.zeros_like(q2), h, -h, 2 * h, -2 * h])
    amp, dipole = _amplitudes(x, points, mw2, charges, mw2, 0.0)
    a_q, a_0, a_p, a_m, a_pp, a_mm = amp
    slope = (8 * (a_p - a_m) - (a_pp - a_mm)) / (12 * h)
    curvature = (16 * (a_p + a_m) - (a_pp + a_mm) - 30 * a_0) / (12 * h * h)
    small = jnp.abs(q2) <= _TAYLOR_BELOW * h
    safe_q2 = jnp.where(small, 1.0, q2)
    f2 = mw2 * jnp.where(small, slope + 0.5 * q2 * curvature, (a_q - a_0) / safe_q2)
    f0 = a_0 + _uv_coefficient(x, charges) * (delta + jnp.log(mu2 / mw2))
    return f0, f2, dipole[0]


def photon_vertex(x, q2, mw2, *, mu2=1.0, delta=0.0):
    """(F0, F2, FM) of b → s γ* (c_γ = e, photon couplings −eQ as Denner's): `vertex` with PHOTON.

    GIM-subtracted: F0 = 0 (Ward identity), F2 → −D₀(x)/2 and FM → D₀′(x)/2 at q² → 0 (BBL).
    """
    return vertex(x, q2, mw2, PHOTON, mu2=mu2, delta=delta)


def z_vertex(x, q2, mw2, sw2, *, mu2=1.0, delta=0.0):
    """(F0, F2, FM) of b → s Z* (c_Z = g/cos θ_W), s_W² = sw2: `vertex` with z_charges(sw2).

    GIM-subtracted: F0 = 2 C₀(x) (BBL's Z-penguin function), for any s_W².
    """
    return vertex(x, q2, mw2, z_charges(sw2), mu2=mu2, delta=delta)


def photon_limits(x, mw2, *, mu2=1.0, delta=0.0):
    """(F0(0), F2 slope at q² = 0, FM(0)) of the photon vertex (finite-difference slope)."""
    return photon_vertex(x, 0.0, mw2, mu2=mu2, delta=delta)


def z_limits(x, mw2, sw2, *, mu2=1.0, delta=0.0):
    """(F0(0), F2 slope at q² = 0, FM(0)) of the Z vertex (finite-difference slope)."""
    return z_vertex(x, 0.0, mw2, sw2, mu2=mu2, delta=delta)
