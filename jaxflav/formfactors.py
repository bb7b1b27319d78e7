"""B → K, B → π, B → K*, B → ρ and B_s → φ form factors, as flavio 2.7.1 evaluates them.

All but B → π use the BSZ z-expansion; B → π uses the BCL expansion of arXiv:2102.07233 (below).

BSZ parametrization (Bharucha, Straub, Zwicky, arXiv:1503.05534): every form factor is a
simple pole times a series in z(q²) − z(0),

    F(q²) = 1/(1 − q²/m_R²) · Σ_{k=0}^{2} a_k^F [z(q²) − z(0)]^k,

    z(t) = (√(t₊ − t) − √(t₊ − t₀)) / (√(t₊ − t) + √(t₊ − t₀)),
    t± = (m_B ± m_M)²,  t₀ = t₊ (1 − √(1 − t₋/t₊)),

with m_B, m_M the meson masses and m_R the mass of the lowest B_s (b → s) or B (b → d)
resonance with the quantum numbers of the current. The same expansion is used for B → K
(Gubernari, Kokulu, van Dyk, arXiv:1811.00983).

B → V form factors come in the "lattice" basis V, A₀, A₁, A₁₂, T₁, T₂, T₂₃ of arXiv:1503.05534;
A₂ and T₃ of the traditional basis follow from the definitions of A₁₂ and T₂₃ (below).

B → π (flavio's "B->pi BCL4-LMVD", Leljak, Melić, van Dyk, arXiv:2102.07233) is a BCL series with
K = 4, normalised to the value at q² = 0, with the same z(t) and t₀ as above:

    f₊,T(q²) = f₊,T(0)/(1 − q²/m₊²) · [1 + Σ_{k=1}^{K−1} b_k (z^k − z₀^k − (−1)^{k−K} k/K (z^K − z₀^K))],
    f₀(q²)   = f₊(0)/(1 − q²/m₀²)  · [1 + Σ_{k=1}^{K} b_k⁰ (z^k − z₀^k)],

z = z(q²), z₀ = z(0). The K-th coefficient of f₊ and f_T is eliminated by the threshold condition
dF/dz = 0 at z = −1 (Bourrely, Caprini, Lellouch, arXiv:0807.2722); f₀ keeps all K; f₀(0) = f₊(0)
by construction.

Parameter sets (`BSZ_B_TO_KSTAR`, `BSZ_B_TO_RHO`, `BSZ_BS_TO_PHI`, `BSZ_B_TO_K`, `BCL_B_TO_PI`)
are flavio 2.7.1's defaults ("B->K* BSZ3", "B->rho BSZ3", "Bs->phi BSZ3", "B->K BSZ3",
"B->pi BCL4-LMVD"): central values of the combined LCSR + lattice fits of arXiv:1503.05534v2
(B → K*, B_s → φ), of its LCSR-only fit (B → ρ), of the N = 2 BSZ fit of Gubernari, Reboud,
van Dyk, Virto, arXiv:2305.06301 (B → K) and of the LCSR + lattice K = 4 BCL fit of
arXiv:2102.07233v2 (B → π), with the resonance masses of arXiv:1503.05534 (B → V),
arXiv:1811.00983 (B → K) and arXiv:2102.07233 (B → π). Meson masses in z are PDG 2022 (as in
`jaxflav.inputs.DEFAULT`): B⁰ and K*⁰ for B → K*, B⁰ and ρ⁰ for B → ρ, B_s and φ for B_s → φ,
B⁰ and K⁰ for B → K; B → π uses the rounded masses of arXiv:2102.07233 (m_B = 5.279 GeV,
m_π = 0.135 GeV), as flavio does.

Units: GeV for masses, GeV² for q². Form factors are dimensionless.
"""

from typing import NamedTuple

import jax.numpy as jnp

from jaxflav.inputs import DEFAULT as _SM
from kernels.safe_math import sqrt_safe
from kernels.validate import check_finite

__all__ = [
    "BToVParams",
    "BToPParams",
    "BCLParams",
    "BSZ_B_TO_KSTAR",
    "BSZ_B_TO_RHO",
    "BSZ_BS_TO_PHI",
    "BSZ_B_TO_K",
    "BCL_B_TO_PI",
    "B_TO_V_PROCESSES",
    "B_TO_P_PROCESSES",
    "z_expansion",
    "q2_max",
    "b_to_v",
    "b_to_p",
]


class BToVParams(NamedTuple):
    """BSZ parameters of one B → V transition (arXiv:1503.05534).

    Masses in GeV. Coefficient tuples are (a₀, a₁, a₂). For A₁₂ and T₂ only (a₁, a₂) are free:
    a₀ follows from the exact relations at q² = 0 (arXiv:1503.05534, Eq. (16)),
    A₁₂(0) = (m_B² − m_V²)/(8 m_B m_V) · A₀(0) and T₂(0) = T₁(0).
    """

    m_B: float  # initial meson mass in z
    m_V: float  # final vector-meson mass in z
    m_R_0m: float  # 0⁻ resonance (pole of A₀)
    m_R_1m: float  # 1⁻ resonance (pole of V, T₁)
    m_R_1p: float  # 1⁺ resonance (pole of A₁, A₁₂, T₂, T₂₃)
    A0: tuple
    A1: tuple
    A12: tuple  # (a₁, a₂)
    V: tuple
    T1: tuple
    T2: tuple  # (a₁, a₂)
    T23: tuple


class BToPParams(NamedTuple):
    """BSZ parameters of one B → P transition (arXiv:1811.00983).

    Masses in GeV. Coefficient tuples are (a₀, a₁, a₂); for f₀ only (a₁, a₂) are free, since
    f₀(0) = f₊(0) fixes a₀^{f₀} = a₀^{f₊}.
    """

    m_B: float
    m_P: float
    m_R_1m: float  # 1⁻ resonance (pole of f₊, f_T)
    m_R_0p: float  # 0⁺ resonance (pole of f₀)
    fplus: tuple
    f0: tuple  # (a₁, a₂)
    fT: tuple


class BCLParams(NamedTuple):
    """BCL parameters of one B → P transition, normalised at q² = 0 (arXiv:2102.07233).

    Masses in GeV. `fplus0` = f₊(0) = f₀(0) and `fT0` = f_T(0); the b tuples are the
    coefficients b_1 … of the series relative to the value at q² = 0: K − 1 for f₊ and f_T
    (b_K follows from the threshold condition), K for f₀. K is len(b_plus) + 1.
    """

    m_B: float
    m_P: float
    m_R_1m: float  # 1⁻ resonance (pole of f₊, f_T)
    m_R_0p: float  # 0⁺ resonance (pole of f₀)
    fplus0: float
    b_plus: tuple  # (b₁, …, b_{K−1}) of f₊
    b_zero: tuple  # (b₁, …, b_K) of f₀
    fT0: float
    b_T: tuple  # (b₁, …, b_{K−1}) of f_T


BSZ_B_TO_KSTAR = BToVParams(
    # arXiv:1503.05534v2, LCSR + lattice fit (flavio 2.7.1 data/arXiv-1503-05534v2/BKstar_LCSR-Lattice.json)
    m_B=_SM.m_B0,
    m_V=_SM.m_Kst0,
    m_R_0m=5.367,  # arXiv:1503.05534 (B_s resonances 0⁻, 1⁻, 1⁺)
    m_R_1m=5.415,
    m_R_1p=5.830,
    A0=(0.369196, -1.36584, 0.128191),
    A1=(0.29725, 0.392378, 1.18916),
    A12=(0.533638, 0.483166),
    V=(0.376313, -1.16597, 2.42443),
    T1=(0.312055, -1.00893, 1.5272),
    T2=(0.496846, 1.61431),
    T23=(0.667412, 1.31812, 3.82334),
)
"""B → K* (B⁰ → K*⁰ masses in z), flavio 2.7.1 default "B->K* BSZ3"."""

BSZ_B_TO_RHO = BToVParams(
    # arXiv:1503.05534v2, LCSR-only fit (flavio 2.7.1 data/arXiv-1503-05534v2/Brho_LCSR.json)
    m_B=_SM.m_B0,
    m_V=_SM.m_rho0,
    m_R_0m=5.279,  # arXiv:1503.05534 (B resonances 0⁻, 1⁻, 1⁺)
    m_R_1m=5.324,
    m_R_1p=5.716,
    A0=(0.356161, -0.833013, 1.33088),
    A1=(0.261755, 0.393552, 0.163472),
    A12=(0.758805, 0.464519),
    V=(0.327414, -0.859703, 1.80233),
    T1=(0.271842, -0.742455, 1.45328),
    T2=(0.47089, 0.576188),
    T23=(0.747176, 1.89557, 2.92992),
)
"""B → ρ (B⁰, ρ⁰ masses in z), flavio 2.7.1 default "B->rho BSZ3"."""

BSZ_BS_TO_PHI = BToVParams(
    # arXiv:1503.05534v2, LCSR + lattice fit (flavio 2.7.1 data/arXiv-1503-05534v2/Bsphi_LCSR-Lattice.json)
    m_B=_SM.m_Bs,
    m_V=_SM.m_phi,
    m_R_0m=5.367,  # arXiv:1503.05534 (B_s resonances 0⁻, 1⁻, 1⁺)
    m_R_1m=5.415,
    m_R_1p=5.830,
    A0=(0.421328, -0.976454, 3.2714),
    A1=(0.288007, 0.350826, 1.69688),
    A12=(0.954402, 2.15263),
    V=(0.364478, -1.22389, 3.74061),
    T1=(0.299475, -1.1013, 0.58459),
    T2=(0.403564, 1.03987),
    T23=(0.65233, 2.09622, 6.73572),
)
"""B_s → φ (B_s, φ masses in z), flavio 2.7.1 default "Bs->phi BSZ3"."""

BSZ_B_TO_K = BToPParams(
    # arXiv:2305.06301, BSZ N = 2 fit (flavio 2.7.1 data/arXiv-2305-06301v1/BSZ-parameters-N2.yaml)
    m_B=_SM.m_B0,
    m_P=_SM.m_K0,
    m_R_1m=5.415,  # arXiv:1811.00983 (B_s*, 1⁻)
    m_R_0p=5.630,  # arXiv:1811.00983 (B_s0*, 0⁺)
    fplus=(0.33196382, -0.96403506, -0.30273752),
    f0=(0.33478906, 0.00372445),
    fT=(0.32361471, -1.02911783, -0.39954681),
)
"""B → K (B⁰, K⁰ masses in z), flavio 2.7.1 default "B->K BSZ3"."""

BCL_B_TO_PI = BCLParams(
    # arXiv:2102.07233v2, LCSR + lattice BCL K = 4 fit, medians
    # (flavio 2.7.1 data/arXiv-2102.07233v2/LCSR-LQCD_mod_BCL_params_K=4.yaml)
    m_B=5.279,  # m_B⁺ and m_π⁰ as used in arXiv:2102.07233 (flavio "B->pi BCL LMVD m_B+", "… m_pi0")
    m_P=0.135,
    m_R_1m=5.325,  # arXiv:2102.07233 (B*, 1⁻)
    m_R_0p=5.540,  # arXiv:2102.07233 (0⁺)
    fplus0=0.23467601855748074,
    b_plus=(-2.450837171898434, -0.15097220515844212, -0.9024595563756068),
    b_zero=(0.3990885830618598, 0.06973913203456783, 3.667435268564153, 1.4724931330072968),
    fT0=0.23500763888695003,
    b_T=(-2.44908085160375, -1.0789619798621684, 2.559191861313729),
)
"""B → π (masses of arXiv:2102.07233 in z), flavio 2.7.1 default "B->pi BCL4-LMVD"."""

B_TO_V_PROCESSES = {"B->K*": BSZ_B_TO_KSTAR, "B->rho": BSZ_B_TO_RHO, "Bs->phi": BSZ_BS_TO_PHI}
B_TO_P_PROCESSES = {"B->K": BSZ_B_TO_K, "B->pi": BCL_B_TO_PI}

_ENDPOINT_GAP = 1e-6
"""GeV². A₂ and T₃ take λ(q²) no smaller than λ(q²_max − _ENDPOINT_GAP): see `b_to_v`."""


def q2_max(process: str) -> float:
    """Kinematic endpoint (m_B − m_M)² in GeV² with the masses the form factors use in z."""
    p = _lookup(process)
    m_M = p.m_V if isinstance(p, BToVParams) else p.m_P
    return float((p.m_B - m_M) ** 2)


def _z_and_z0(q2, m_B, m_M):
    """(z(q²), z(0)); q² in GeV², masses in GeV.

    z as in arXiv:1503.05534, with t₀ = t₊(1 − √(1 − t₋/t₊)) (flavio's default).
    For q² ≥ t₊ (far outside the physical region) the square root is set to 0, keeping values
    and gradients finite.
    """
    t_plus = (m_B + m_M) ** 2
    t_minus = (m_B - m_M) ** 2
    t0 = t_plus * (1 - jnp.sqrt(1 - t_minus / t_plus))
    s0 = jnp.sqrt(t_plus - t0)

    def z(t):
        s = sqrt_safe(t_plus - t)
        return (s - s0) / (s + s0)

    return z(q2), z(0.0)


def z_expansion(q2, m_B, m_M):
    """(1, z(q²) − z(0), [z(q²) − z(0)]²) for the BSZ series; q² in GeV², masses in GeV.

    z as in arXiv:1503.05534, with t₀ = t₊(1 − √(1 − t₋/t₊)) (flavio's default).
    For q² ≥ t₊ (far outside the physical region) the square root is set to 0, keeping values
    and gradients finite.
    """
    z, z0 = _z_and_z0(q2, m_B, m_M)
    dz = z - z0
    return 1.0, dz, dz * dz


def _series(pole_mass, coeffs, powers, q2):
    a0, a1, a2 = coeffs
    return (a0 * powers[0] + a1 * powers[1] + a2 * powers[2]) / (1 - q2 / pole_mass**2)


def _bcl_with_threshold(value0, b, z, z0):
    """f(0) · [1 + Σ_{k=1}^{K−1} b_k (z^k − z₀^k − (−1)^{k−K} k/K (z^K − z₀^K))], K = len(b) + 1.

    arXiv:2102.07233 (f₊, f_T); b_K eliminated by dF/dz = 0 at z = −1 (arXiv:0807.2722).
    """
    n = len(b) + 1
    tail = z**n - z0**n
    terms = [bk * (z**k - z0**k - (-1.0) ** (k - n) * k / n * tail) for k, bk in enumerate(b, start=1)]
    return value0 * (1 + sum(terms))


def _bcl_plain(value0, b, z, z0):
    """f(0) · [1 + Σ_{k=1}^{K} b_k (z^k − z₀^k)], K = len(b) (arXiv:2102.07233, f₀)."""
    return value0 * (1 + sum(bk * (z**k - z0**k) for k, bk in enumerate(b, start=1)))


def _lookup(process):
    table = {**B_TO_V_PROCESSES, **B_TO_P_PROCESSES}
    if process not in table:
        raise ValueError(f"process must be one of {sorted(table)}, got {process!r}")
    return table[process]


def _params(process, params, known):
    if process not in known:
        raise ValueError(f"process must be one of {sorted(known)}, got {process!r}")
    if params is None:
        return known[process]
    kind = type(known[process])
    if not isinstance(params, kind):
        raise ValueError(
            f"params must be a {kind.__name__} (or None for {process!r}'s default), got {type(params).__name__}"
        )
    return params


def b_to_v(q2, process: str = "B->K*", params=None) -> dict:
    """B → V form factors V, A₀, A₁, A₁₂, A₂, T₁, T₂, T₂₃, T₃ at q² (GeV², any array shape).

    BSZ expansion to second order (arXiv:1503.05534) with poles m_R(0⁻) for A₀,
    m_R(1⁻) for V, T₁ and m_R(1⁺) for A₁, A₁₂, T₂, T₂₃; a₀^{A₁₂} and a₀^{T₂} from the q² = 0
    relations (arXiv:1503.05534, Eq. (16)). `process` is "B->K*", "B->rho" or "Bs->phi"; `params` a
    `BToVParams` (default: flavio 2.7.1's central values for `process`).

    A₂ and T₃ invert the definitions of A₁₂ and T₂₃ (arXiv:1503.05534, Sec. 2; the inverse is
    flavio's b_v/cln.py), with λ = λ(m_B², m_V², q²):

        A₂ = [(m_B + m_V)² (m_B² − m_V² − q²) A₁ − 16 m_B m_V² (m_B + m_V) A₁₂] / λ,
        T₃ = [(m_B² − m_V²)(m_B² + 3 m_V² − q²) T₂ − 8 m_B m_V² (m_B − m_V) T₂₃] / λ.

    The fits do not impose the zero-recoil relations between A₁ and A₁₂ (and T₂ and T₂₃), so A₂
    and T₃ carry a genuine 1/λ pole at q²_max = (m_B − m_V)². To stay finite there, λ is floored
    at its value at q²_max − 1e-6 GeV² (where A₂ ≈ 2·10⁵, |T₃| ≈ 10⁴, flat beyond); physical
    amplitudes should use A₁₂ and T₂₃ (as flavio does), which are smooth at the endpoint.
    """
    p = _params(process, params, B_TO_V_PROCESSES)
    check_finite(q2=q2)
    q2 = jnp.asarray(q2, dtype=float)
    m_B, m_V = p.m_B, p.m_V
    powers = z_expansion(q2, m_B, m_V)

    a0_A12 = p.A0[0] * (m_B**2 - m_V**2) / (8 * m_B * m_V)
    ff = {
        "V": _series(p.m_R_1m, p.V, powers, q2),
        "A0": _series(p.m_R_0m, p.A0, powers, q2),
        "A1": _series(p.m_R_1p, p.A1, powers, q2),
        "A12": _series(p.m_R_1p, (a0_A12, *p.A12), powers, q2),
        "T1": _series(p.m_R_1m, p.T1, powers, q2),
        "T2": _series(p.m_R_1p, (p.T1[0], *p.T2), powers, q2),
        "T23": _series(p.m_R_1p, p.T23, powers, q2),
    }

    lam = (m_B**2 - m_V**2 - q2) ** 2 - 4 * m_V**2 * q2  # λ(m_B², m_V², q²)
    lam_floor = _ENDPOINT_GAP * (4 * m_B * m_V + _ENDPOINT_GAP)  # λ at q² = t₋ − gap
    lam = jnp.maximum(lam, lam_floor)
    ff["A2"] = (
        (m_B + m_V) ** 2 * (m_B**2 - m_V**2 - q2) * ff["A1"] - 16 * m_B * m_V**2 * (m_B + m_V) * ff["A12"]
    ) / lam
    ff["T3"] = (
        (m_B**2 - m_V**2) * (m_B**2 + 3 * m_V**2 - q2) * ff["T2"] - 8 * m_B * m_V**2 * (m_B - m_V) * ff["T23"]
    ) / lam
    return {k: ff[k] for k in ("V", "A0", "A1", "A12", "A2", "T1", "T2", "T23", "T3")}


def b_to_p(q2, process: str = "B->K", params=None) -> dict:
    """B → P form factors f₊, f₀, f_T at q² (GeV², any array shape).

    "B->K": BSZ expansion to second order (arXiv:1811.00983) with the 1⁻ pole for f₊, f_T and
    the 0⁺ pole for f₀; a₀^{f₀} = a₀^{f₊} so that f₀(0) = f₊(0). `params` a `BToPParams`
    (default: flavio 2.7.1's central values, from arXiv:2305.06301).

    "B->pi": BCL expansion of arXiv:2102.07233 (module docstring) with the 1⁻ pole for f₊, f_T
    and the 0⁺ pole for f₀; f₀(0) = f₊(0). `params` a `BCLParams` (default: flavio 2.7.1's
    central values, from arXiv:2102.07233v2).
    """
    p = _params(process, params, B_TO_P_PROCESSES)
    check_finite(q2=q2)
    q2 = jnp.asarray(q2, dtype=float)
    if isinstance(p, BCLParams):
        z, z0 = _z_and_z0(q2, p.m_B, p.m_P)
        pole_1m = 1 / (1 - q2 / p.m_R_1m**2)
        return {
            "f+": pole_1m * _bcl_with_threshold(p.fplus0, p.b_plus, z, z0),
            "f0": _bcl_plain(p.fplus0, p.b_zero, z, z0) / (1 - q2 / p.m_R_0p**2),
            "fT": pole_1m * _bcl_with_threshold(p.fT0, p.b_T, z, z0),
        }
    powers = z_expansion(q2, p.m_B, p.m_P)
    return {
        "f+": _series(p.m_R_1m, p.fplus, powers, q2),
        "f0": _series(p.m_R_0p, (p.fplus[0], *p.f0), powers, q2),
        "fT": _series(p.m_R_1m, p.fT, powers, q2),
    }
