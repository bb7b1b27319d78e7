"""Standard-Model Wilson coefficients of b → sℓℓ at μ_b and the effective C₇^eff(q²), C₉^eff(q²).

Built term by term as flavio 2.7.1 builds them for B → K*ℓℓ and B → Kℓℓ (its
`bdecays/wilsoncoefficients.py` and `bdecays/matrixelements.py`), so the two agree to rounding:

* C₁ … C₁₀ at μ_b: flavio's NNLL table (n_f = 5, matched at 120 GeV; basis of Chetyrkin, Misiak,
  Münz, hep-ph/9612313, as in hep-ph/0512066, with α_e/4π pulled into O₉, O₁₀), linear in the scale
  between its nodes 2, 2.5, …, 5.5 GeV, stored in `data/wc_sm_dB1_nf5.json`; C₁₀ scaled by
  (m_t/173.1 GeV)^1.53 (Bobeth et al., arXiv:1311.0903, Eq. 4); C₇, C₈ = C₇,₈^eff − Σ y_i, z_i C_i
  (y = (0, 0, −1/3, −4/9, −20/3, −80/9), z = (0, 0, 1, −1/6, 20, −10/3): the effective-dipole
  combinations of Chetyrkin, Misiak, Münz, hep-ph/9612313);
  C₇′ = (m_s/m_b) C₇ with MS-bar masses at μ_b.
* C₉^eff(q²) = C₉ + Y(q²) + (ξ_u/ξ_t) Y_u(q²) + δC₉(q²), C₇^eff(q²) = C₇^eff + δC₇(q²), with
  - Y: one-loop four-quark matrix elements, arXiv:0811.1214 Eq. 10 (Altmannshofer et al.);
  - Y_u: the u-quark (ξ_u) part, hep-ph/0412400 Eq. 43 (Beneke, Feldmann, Seidel);
  - h(q², m, μ): the quark-loop function, hep-ph/0106067 Eq. 11 (Beneke, Feldmann, Seidel);
  - δC₇,₉ = −α_s/4π [F₈^(7,9) C₈^eff + F₁ C₁ + F₂ C₂ − (ξ_u/ξ_t)(F₁ C₁ + F₂ C₂ + F_u terms)]:
    the two-loop matrix elements of O₁,₂ from the grid of Greub, Pilipovic, Schüpbach,
    arXiv:0810.4077 (interpolated trilinearly, as scipy's RegularGridInterpolator does), those of
    O₈ from Asatrian et al., hep-ph/0312063 Eqs. 39–40, and the u-quark parts from Seidel,
    hep-ph/0403185 Eqs. 29–31 (sign convention of arXiv:0811.1214, footnote 5).

Mass inputs as in flavio: pole m_b and m_c in h, Y, δC₉; the "m_c BVgamma" = 1.5 GeV charm mass in
δC₇; MS-bar m_s(μ_b)/m_b(μ_b) for C₇′; α_s(μ_b). Units: GeV, q² in GeV².
The pieces (`h`, `y_loops`, `f_grid`, `f87`, `f89`, `seidel_a/b/c`, `delta_c7`, `delta_c9`) take the
scale, masses and α_s as arguments: `jaxflav.observables.b_to_xsll` uses them at μ = 5 GeV.

Domain: 0 < q² ≤ 34.5 GeV² (the F grid ends at q²/m_b² = 1.5, where flavio would extrapolate);
values and gradients are finite for 4 m_e² ≤ q² ≤ 23 GeV², across the cc̄ and bb̄ thresholds.
C₇^eff(q²) is finite at q² = 0 too; C₉^eff has the ln q² of the light-quark loops.
CP conjugation (`cp_conjugate=True`) conjugates the CKM ratio ξ_u/ξ_t only (the SM Wilson
coefficients are real; strong phases stay). flavio's `helicity_amps_bar` flips γ → −γ instead,
and its CKM phase δ(γ) (ckmutil's tree parametrisation) is not odd in γ, so its conjugate ratio
is off the exact conjugate by 0.1 %: its CP-conjugate C₇^eff, C₉^eff differ from these by
1.3e-5 and 6e-6 (relative).
"""

import json
import math
from importlib import resources
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from jaxflav.inputs import DEFAULT, Inputs, ckm
from kernels.dilog import clausen2, li2_real
from kernels.safe_math import div_safe, xlogx
from kernels.validate import concrete

__all__ = [
    "SMCoefficients", "sm_coefficients", "c7_eff", "c9_eff",
    # the pieces, for other observables that combine them at their own scale and masses
    "h", "h_massless", "y_loops", "f_grid", "f87", "f89", "seidel_a", "seidel_b", "seidel_c",
    "delta_c7", "delta_c9",
]

_PI = math.pi
_ZETA3 = 1.2020569031595942853997  # ζ(3)


def _load_data():
    data = resources.files("jaxflav") / "data"
    table = json.loads((data / "wc_sm_dB1_nf5.json").read_text())
    with resources.as_file(data / "f_12_79_arXiv0810.4077.npz") as path, np.load(path) as f:
        grid = {k: np.asarray(f[k]) for k in ("muh", "z", "sh", "F17", "shF19", "F27", "shF29")}
    return table, grid


_TABLE, _FGRID = _load_data()
_SCALES = np.asarray(_TABLE["scales_GeV"], dtype=float)  # μ nodes of flavio's table, GeV
_WC_TABLE = np.asarray(_TABLE["values"], dtype=float)  # rows C1…C6, C7eff, C8eff, C9, C10, …
_Y7 = np.array([0.0, 0.0, -1 / 3, -4 / 9, -20 / 3, -80 / 9])  # C7eff = C7 + y·C (hep-ph/9612313)
_Z8 = np.array([0.0, 0.0, 1.0, -1 / 6, 20.0, -10 / 3])  # C8eff = C8 + z·C
_MT_REF, _MT_POWER = 173.1, 1.53  # C10 ∝ (m_t/173.1 GeV)^1.53, arXiv:1311.0903 Eq. 4


class SMCoefficients(NamedTuple):
    """SM Wilson coefficients of b → sℓℓ at μ_b (flavio's normalisation; all real)."""

    C1: float
    C2: float
    C3: float
    C4: float
    C5: float
    C6: float
    C7: float  # non-effective C7
    C8: float  # non-effective C8
    C7eff: float
    C8eff: float
    C9: float
    C10: float
    C7p: float  # (m_s/m_b) C7, MS-bar masses at μ_b


def _check_range(name, value, lo, hi):
    """ValueError naming `name` if a concrete `value` lies outside [lo, hi] (traced values pass)."""
    v = concrete(value)
    if v is not None:
        if not np.all(np.isfinite(v)) or np.any(v < lo) or np.any(v > hi):
            raise ValueError(f"{name} = {value} is outside the allowed range [{lo}, {hi}]")


def _cell(grid, x):
    """Lower index and fractional position of x in the 1-d `grid` (cells clipped to the ends, so
    points outside extrapolate linearly), as scipy's RegularGridInterpolator finds them."""
    i = jnp.searchsorted(grid, x, side="left", method="compare_all") - 1
    i = jnp.clip(i, 0, grid.shape[0] - 2)
    # jnp.take: i is in range already; mode="clip" skips the index normalisation of grid[i]
    lo, hi = jnp.take(grid, i, mode="clip"), jnp.take(grid, i + 1, mode="clip")
    return i, (x - lo) / (hi - lo)


def sm_coefficients(inputs: Inputs = DEFAULT) -> SMCoefficients:
    """SM Wilson coefficients C₁ … C₁₀, C₇,₈^eff and C₇′ at the scale `inputs.mu_b` (GeV).

    flavio 2.7.1's NNLL table (see the module docstring), linear in μ between its nodes
    (2 ≤ μ_b ≤ 5.5 GeV), with C₁₀ × (m_t/173.1)^1.53 and C₇′ = (m_s/m_b) C₇.
    """
    _check_range("inputs.mu_b", inputs.mu_b, _SCALES[0], _SCALES[-1])
    mu = jnp.asarray(inputs.mu_b, dtype=float)
    i, t = _cell(jnp.asarray(_SCALES), mu)  # linear in μ between flavio's nodes (its interp1d)
    table = jnp.asarray(_WC_TABLE[:10])
    row = list(table[:, i] * (1 - t) + table[:, i + 1] * t)
    c16 = jnp.stack(row[:6])
    c7eff, c8eff = row[6], row[7]
    c7 = c7eff - jnp.dot(_Y7, c16)
    c8 = c8eff - jnp.dot(_Z8, c16)
    c10 = row[9] * (inputs.m_t / _MT_REF) ** _MT_POWER
    c7p = inputs.m_s / inputs.m_b * c7
    return SMCoefficients(*row[:6], c7, c8, c7eff, c8eff, row[8], c10, c7p)


# ---------------------------------------------------------------------------------------------
# one-loop quark-loop function
# ---------------------------------------------------------------------------------------------

_N_SERIES = 18  # terms of the large-z series of h; y < 0.1 there, so 0.1^18 is negligible
_H_SERIES = np.array(
    [(-1) ** k * (3 / (2 * k + 1) - 1 / (2 * k + 3)) for k in range(_N_SERIES)]
)


def h_massless(q2, mu):
    """h(q², 0, μ) = 8/27 − 4/9 ln(q²/μ²) + 4iπ/9: the massless-quark loop (hep-ph/0106067 Eq. 11).

    q² > 0 in GeV² (q² ≤ 0 is fed a harmless 1 GeV², the value there is not meaningful), μ > 0 in
    GeV; broadcasts; complex. `h(q2, 0.0, mu)` returns exactly this.
    """
    q2, mu = jnp.asarray(q2, dtype=float), jnp.asarray(mu, dtype=float)
    q2_safe = jnp.where(q2 > 0, q2, 1.0)
    return 8 / 27 + 4j * _PI / 9 - 4 / 9 * (jnp.log(q2_safe) - jnp.log(mu * mu))


def h(q2, m_q, mu):
    """Quark-loop function h(q², m_q, μ) of hep-ph/0106067 (Beneke, Feldmann, Seidel) Eq. 11.

    With z = 4m_q²/q²:
        h = −4/9 ln(m_q²/μ²) + 8/27 + 4z/9 − 4/9 (2 + z) √|z − 1| A(z),
        A = arctan(1/√(z − 1)) for z > 1 (below the q² = 4m_q² threshold),
        A = ln[(1 + √(1 − z))/√z] − iπ/2 for z ≤ 1 (above it);
    h(0, m, μ) = −4/9 (1 + ln(m²/μ²)); h(q², 0, μ) = 8/27 − 4/9 ln(q²/μ²) + 4iπ/9.

    q² in GeV² (q² ≥ 0; q² > 0 when m_q = 0), m_q ≥ 0 and μ > 0 in GeV; broadcasts; complex.
    For q² < 4m_q²/11 (z > 11, including q² = 0) the cancelling terms are summed as the series
    −4/9 Σ_k c_k y^k, y = q²/(4m_q² − q²), so the small-q² limit is exact. At the threshold the
    value is continuous and its q²-derivative diverges as 1/√|z − 1|; at exactly z = 1 the
    gradient is returned finite (the √ is taken with a zero gradient at 0).
    A Python-number m_q = 0 returns `h_massless` alone (a smaller graph, the same values).
    """
    if isinstance(m_q, (int, float)) and m_q == 0:
        return h_massless(q2, mu)
    q2, m_q, mu = (jnp.asarray(a, dtype=float) for a in (q2, m_q, mu))
    m2 = m_q * m_q
    massless = m2 == 0
    log_mu2 = jnp.log(mu * mu)
    h0 = h_massless(q2, mu)

    # massive quark: f(z) = 4z/9 − 4/9 (2 + z) √|z − 1| A(z), then h = −4/9 ln(m²/μ²) + 8/27 + f
    m2s = jnp.where(massless, 1.0, m2)
    far = q2 * 11 < 4 * m2s  # z > 11, includes q² = 0
    y = jnp.where(far, q2, 0.0) / (4 * m2s - jnp.where(far, q2, 0.0))
    series = jnp.zeros_like(y)
    for c_k in _H_SERIES[::-1].tolist():  # Horner, unrolled (jnp.polyval would be a scan loop)
        series = series * y + c_k
    f_far = 4 / 9 * (1 - series)

    near = ~far & ~massless
    z = 4 * m2s / jnp.where(near, q2, 4 * m2s / 5.0)  # safe z = 5 where not taken
    below = z > 1
    root = jnp.sqrt(jnp.where(z != 1, jnp.abs(z - 1), 1.0))
    root = jnp.where(z != 1, root, 0.0)  # √|z − 1|, zero gradient at threshold
    a_below = jnp.arctan2(1.0, root) + 0j
    z_above = jnp.where(below | (z == 1), 0.5, z)  # z < 1 branch fed z = 1/2 where not taken
    # (at z = 1 too: √(1 − z) has an infinite slope there, and root = 0 multiplies A anyway)
    a_above = jnp.log((1 + jnp.sqrt(1 - z_above)) / jnp.sqrt(z_above)) - 0.5j * _PI
    amp = jnp.where(below, a_below, a_above)
    f_near = 4 / 9 * z - 4 / 9 * (2 + z) * root * amp

    hm = -4 / 9 * (jnp.log(m2s) - log_mu2) + 8 / 27 + jnp.where(far, f_far, f_near)
    return jnp.where(massless, h0, hm)


# ---------------------------------------------------------------------------------------------
# two-loop matrix elements of O1, O2 (arXiv:0810.4077 grid) and O8 (hep-ph/0312063)
# ---------------------------------------------------------------------------------------------

_GRID_AXES = tuple(jnp.asarray(_FGRID[k]) for k in ("muh", "z", "sh"))
_F_NAMES = ("F17", "F27", "F19", "F29")
# the four tables side by side, flattened over (μ̂, z, ŝ): one gather fetches a cell's 8 corners of all
_GRID_VALUES = jnp.asarray(
    np.stack([_FGRID[k] for k in ("F17", "F27", "shF19", "shF29")], axis=-1).reshape(-1, len(_F_NAMES)))
_GRID_STRIDES = (_FGRID["z"].size * _FGRID["sh"].size, _FGRID["sh"].size, 1)
_CORNERS = np.array([di * _GRID_STRIDES[0] + dj * _GRID_STRIDES[1] + dk
                     for di in (0, 1) for dj in (0, 1) for dk in (0, 1)])


def _trilinear(muh, z, sh):
    """(F₁^(7), F₂^(7), ŝF₁^(9), ŝF₂^(9)) trilinearly interpolated on flavio's (μ̂, z, ŝ) grid (linear
    extrapolation outside), stacked on a last axis of length 4."""
    (i, ti), (j, tj), (k, tk) = (_cell(g, x) for g, x in zip(_GRID_AXES, (muh, z, sh)))
    base = i * _GRID_STRIDES[0] + j * _GRID_STRIDES[1] + k
    corners = jnp.take(_GRID_VALUES, base[..., None] + _CORNERS, axis=0, mode="clip")  # (..., 8, 4)
    out, c = 0.0, 0
    for wi in (1 - ti, ti):
        for wj in (1 - tj, tj):
            for wk in (1 - tk, tk):
                out = out + (wi * wj * wk)[..., None] * corners[..., c, :]
                c += 1
    return out


def _f_grids(names, muh, z, sh):
    """`f_grid` for several names at the same (μ̂, z, ŝ), from one interpolation; a list."""
    values = _trilinear(muh, z, sh)
    out = []
    for name in names:
        f = values[..., _F_NAMES.index(name)]
        out.append(f if name in ("F17", "F27") else div_safe(f, sh))
    return out


def f_grid(name, muh, z, sh):
    """Two-loop O₁,₂ matrix elements of arXiv:0810.4077 (Greub, Pilipovic, Schüpbach), from their
    grid as flavio interpolates it (trilinear in μ̂, z, ŝ; linear extrapolation outside).

    name: "F17", "F27" (F₁^(7), F₂^(7)) or "F19", "F29" (F₁^(9), F₂^(9): stored as ŝ·F and divided
    by ŝ here, 0 at ŝ = 0 as in flavio). μ̂ = μ/m_b ∈ [0.5, 1.5], z = m_c²/m_b² ∈ [0.05, 0.15],
    ŝ = q²/m_b² ∈ [0, 1.5] (the grid's box; m_b the pole mass); complex, broadcasts.
    """
    if name not in _F_NAMES:
        raise ValueError(f"name must be one of {', '.join(_F_NAMES)}, got {name!r}")
    return _f_grids((name,), muh, z, sh)[0]


def f87(l_mu, sh):
    """F_8^(7)(ŝ) of hep-ph/0312063 Eq. 40 (Asatrian et al.), expanded to ŝ³: the O₈ matrix element
    in δC₇. l_mu = ln(μ/m_b), ŝ = q²/m_b² ≥ 0 (finite at ŝ = 0); complex."""
    pi2 = _PI**2
    return (
        -32 / 9 * l_mu + 8 / 27 * pi2 - 44 / 9 - 8j / 9 * _PI
        + (4 / 3 * pi2 - 40 / 3) * sh
        + (32 / 9 * pi2 - 316 / 9) * sh**2
        + (200 / 27 * pi2 - 658 / 9) * sh**3
        - 8 / 9 * xlogx(sh) * (1 + sh + sh**2)
    )


def f89(sh):
    """F_8^(9)(ŝ) of hep-ph/0312063 Eq. 39, expanded to ŝ³: the O₈ matrix element in δC₉.
    ŝ = q²/m_b² > 0 (it has a ln ŝ); real."""
    pi2 = _PI**2
    log_sh = jnp.log(jnp.where(sh > 0, sh, 1.0))
    return (
        104 / 9 - 32 / 27 * pi2
        + (1184 / 27 - 40 / 9 * pi2) * sh
        + (14212 / 135 - 32 / 3 * pi2) * sh**2
        + (193444 / 945 - 560 / 27 * pi2) * sh**3
        + 16 / 9 * log_sh * (1 + sh + sh**2 + sh**3)
    )


# ---------------------------------------------------------------------------------------------
# u-quark two-loop matrix elements, Seidel hep-ph/0403185 Eqs. 29–31
# ---------------------------------------------------------------------------------------------

_SH_MAX = 0.999  # flavio evaluates A, B at min(q²/m_b², 0.999) (they are singular at ŝ = 1)


def _seidel_kinematics(q2, mb):
    """ŝ (clipped as in flavio), its safe positive stand-in, and the pieces of Eqs. 29–30:
    w = √(ŝ/(4 − ŝ)) = 1/√(z − 1) (z = 4/ŝ), acot(√(z − 1)) = arctan w and arctan(w)/w."""
    sh = jnp.minimum(q2 / mb**2, _SH_MAX)
    pos = sh > 0
    shs = jnp.where(pos, sh, 0.5)
    w = jnp.sqrt(shs / (4 - shs))
    acot = jnp.arctan(w)
    return sh, pos, shs, w, acot


def seidel_a(q2, mb, mu):
    """A(q²) of hep-ph/0403185 Eq. 29 (Seidel; u-quark loop in the O₇ matrix element).

    q² ≥ 0 in GeV², m_b (pole) and μ in GeV; ŝ = min(q²/m_b², 0.999) as in flavio. At q² = 0 its
    limit (833 + 120iπ − 312 ln(m_b²/μ²))/729. Complex; broadcasts."""
    sh, pos, s, w, acot = _seidel_kinematics(q2, mb)
    lmb = jnp.log(mb**2 / mu**2)
    ls = jnp.log(s)
    li = li2_real(s) + ls * jnp.log1p(-s)
    r_acot = jnp.where(w > 1e-4, acot / w, 1 - w**2 / 3)  # √(z − 1) acot(√(z − 1))
    pi2 = _PI**2
    a = (
        -104 / 243 * lmb
        + 4 * s / (27 * (1 - s)) * li
        + (6 * s * (29 - 47 * s) * ls + 785 - 1600 * s + 833 * s**2
           + 6j * _PI * (20 - 49 * s + 47 * s**2)) / (729 * (1 - s) ** 2)
        - 2 / (243 * (1 - s) ** 3) * (2 * (-4 + 9 * s - 15 * s**2 + 4 * s**3) * r_acot
                                     + 9 * s**3 * ls**2 + 18j * _PI * s * (1 - 2 * s) * ls)
        + 2 * s / (243 * (1 - s) ** 4) * (36 * acot**2 + pi2 * (-4 + 9 * s - 9 * s**2 + 3 * s**3))
    )
    a0 = (833 + 120j * _PI - 312 * lmb) / 729
    return jnp.where(pos, a, a0)


def seidel_b(q2, mb, mu):
    """B(q²) of hep-ph/0403185 Eq. 30 (Seidel; u-quark loop in the O₉ matrix element).

    q² > 0 in GeV² (0 is returned at q² = 0), m_b (pole) and μ in GeV; ŝ = min(q²/m_b², 0.999)
    as in flavio. Complex; broadcasts.

    Eq. 30's complex logarithms and dilogarithm are taken in closed form on the real quantities
    r = √(z − 1) (z = 4/ŝ), a = acot r and θ = π/2 − a = arctan r: with x₁,₂ = ½ ± i r/2 and
    x₃,₄ = ½ ± i/(2r), ln x₁,₂ = −½ ln ŝ ± iθ, ln x₃,₄ = −½ ln(4 − ŝ) ± i a, ln(x₂/x₁) = −2iθ and
    −x₂/x₁ = e^{2ia}, so Li₂(−x₂/x₁) = π²/6 − a(π − a) + i Cl₂(2a).
    """
    sh, pos, s, w, acot = _seidel_kinematics(q2, mb)
    lmb = jnp.log(mb**2 / mu**2)
    ls = jnp.log(s)
    li = li2_real(s) + ls * jnp.log1p(-s)
    r = 1 / w  # √(z − 1)
    log_zm1 = jnp.log((4 - s) / s)  # ln(z − 1)
    theta = 0.5 * _PI - acot
    lam, kap = -0.5 * ls, -0.5 * jnp.log(4 - s)
    l1, l2 = lam + 1j * theta, lam - 1j * theta
    l3, l4 = kap + 1j * acot, kap - 1j * acot
    li2_x = _PI**2 / 6 - acot * (_PI - acot) + 1j * clausen2(2 * acot)  # Li₂(−x₂/x₁)
    log_x2x1_sq = -4 * theta**2  # ln²(x₂/x₁)
    pi2 = _PI**2
    b = (
        8 / (243 * s) * ((4 - 34 * s - 17j * _PI * s) * lmb + 8 * s * lmb**2 + 17 * s * ls * lmb)
        + (2 + s) * r / (729 * s) * (
            -48 * lmb * acot - 18 * _PI * log_zm1 + 3j * log_zm1**2 - 24j * li2_x
            - 5j * pi2
            + 6j * (-9 * l1**2 + l2**2 - 2 * l4**2 + 6 * l1 * l2 - 4 * l1 * l3 + 8 * l1 * l4)
            - 12 * _PI * (2 * l1 + l3 + l4))
        - 2 / (243 * s * (1 - s)) * (4 * s * (-8 + 17 * s) * li
                                    + 3 * (2 + s) * (3 - s) * log_x2x1_sq
                                    + 12 * _PI * (-6 - s + s**2) * acot)
        + 2 / (2187 * s * (1 - s) ** 2) * (-18 * s * (120 - 211 * s + 73 * s**2) * ls
                                          - 288 - 8 * s + 934 * s**2 - 692 * s**3
                                          + 18j * _PI * s * (82 - 173 * s + 73 * s**2))
        - 4 / (243 * s * (1 - s) ** 3) * (-2 * r * (4 - 3 * s - 18 * s**2 + 16 * s**3 - 5 * s**4)
                                         * acot
                                         - 9 * s**3 * ls**2
                                         + 2j * _PI * s * (8 - 33 * s + 51 * s**2 - 17 * s**3) * ls)
        + 2 / (729 * s * (1 - s) ** 4) * (72 * (3 - 8 * s + 2 * s**2) * acot**2
                                         - pi2 * (54 - 53 * s - 286 * s**2 + 612 * s**3
                                                  - 446 * s**4 + 113 * s**5))
    )
    return jnp.where(pos, b, 0.0)


def seidel_c(q2, mu):
    """C(q²) of hep-ph/0403185 Eq. 31 (Seidel); q² > 0 in GeV², μ in GeV (q² not clipped: no
    singularity at ŝ = 1). Complex; broadcasts."""
    q2s = jnp.where(q2 > 0, q2, 1.0)
    return -16 / 81 * jnp.log(q2s / mu**2) + 428 / 243 - 64 / 27 * _ZETA3 + 16j / 81 * _PI


# ---------------------------------------------------------------------------------------------
# effective coefficients
# ---------------------------------------------------------------------------------------------


def _xi_ratio(inputs, cp_conjugate):
    """ξ_u/ξ_t = V_ub V_us*/(V_tb V_ts*) (`inputs.xi`'s ξ for "bs"), conjugated for b̄ → s̄ℓℓ."""
    v = ckm(inputs)  # once: the phase δ is solved by Newton steps inside ckm
    r = v[0, 2] * jnp.conj(v[0, 1]) / (v[2, 2] * jnp.conj(v[2, 1]))
    return jnp.conj(r) if cp_conjugate else r


_Q2_MAX = 34.5  # GeV²: the F grid ends at q²/m_b² = 1.5 (beyond: physically empty for B decays)


def _prepare(q2, inputs):
    _check_range("q2", q2, 0.0, _Q2_MAX)
    if concrete(inputs.m_b_pole) is not None and not float(inputs.m_b_pole) > 0:
        raise ValueError(f"inputs.m_b_pole = {inputs.m_b_pole} must be positive")
    return jnp.asarray(q2, dtype=float), sm_coefficients(inputs)


def delta_c7(q2, c1, c2, c8eff, xi_ratio, *, m_b, m_c, mu, alpha_s):
    """δC₇(q²) = −α_s/4π [C₈^eff F₈^(7) + C₁F₁^(7) + C₂F₂^(7) − (ξ_u/ξ_t)(C₁(F₁^(7) − A) + C₂(F₂^(7) + 6A))]:
    the two-loop matrix elements of O₁, O₂, O₈ in C₇^eff(q²) (flavio's `delta_C7`; arXiv:0811.1214
    Eqs. 12–13 with the u-quark parts of hep-ph/0403185, sign of 0811.1214 footnote 5).

    q² in GeV²; C₁, C₂, C₈^eff at μ; xi_ratio = ξ_u/ξ_t; m_b the pole mass, m_c the charm mass of
    z = m_c²/m_b² in the F grid (flavio: "m_c BVgamma"), μ the scale (GeV), alpha_s = α_s(μ).
    """
    muh, sh, z = mu / m_b, q2 / m_b**2, m_c**2 / m_b**2
    f1, f2 = _f_grids(("F17", "F27"), muh, z, sh)
    common = c1 * f1 + c2 * f2
    top = c8eff * f87(jnp.log(mu / m_b), sh) + common
    a = seidel_a(q2, m_b, mu)
    up = common + c1 * (-a) + c2 * (6 * a)
    return -alpha_s / (4 * _PI) * (top - xi_ratio * up)


def delta_c9(q2, c1, c2, c8eff, xi_ratio, *, m_b, m_c, mu, alpha_s):
    """δC₉(q²) = −α_s/4π [C₈^eff F₈^(9) + C₁F₁^(9) + C₂F₂^(9)
    − (ξ_u/ξ_t)(C₁(F₁^(9) − B − 4C) + C₂(F₂^(9) + 6B − 3C))] (flavio's `delta_C9`; as `delta_c7`).

    q² > 0 in GeV²; arguments as in `delta_c7`, with m_c the charm pole mass (flavio).
    """
    muh, sh, z = mu / m_b, q2 / m_b**2, m_c**2 / m_b**2
    f1, f2 = _f_grids(("F19", "F29"), muh, z, sh)
    common = c1 * f1 + c2 * f2
    top = c8eff * f89(sh) + common
    b, cc = seidel_b(q2, m_b, mu), seidel_c(q2, mu)
    up = common + c1 * (-(b + 4 * cc)) + c2 * (6 * b - 3 * cc)
    return -alpha_s / (4 * _PI) * (top - xi_ratio * up)


def _delta_c7(q2, c, inputs, ratio):
    """`delta_c7` with flavio's B→K(*)ℓℓ choices: pole m_b, m_c = m_c_dipole, μ = μ_b."""
    return delta_c7(q2, c.C1, c.C2, c.C8eff, ratio, m_b=inputs.m_b_pole, m_c=inputs.m_c_dipole,
                    mu=inputs.mu_b, alpha_s=inputs.alpha_s)


def _delta_c9(q2, c, inputs, ratio):
    """`delta_c9` with flavio's B→K(*)ℓℓ choices: pole m_b and m_c, μ = μ_b."""
    return delta_c9(q2, c.C1, c.C2, c.C8eff, ratio, m_b=inputs.m_b_pole, m_c=inputs.m_c_pole,
                    mu=inputs.mu_b, alpha_s=inputs.alpha_s)


def y_loops(q2, c, m_c, m_b, mu):
    """(Y(q²), Y_u(q²)): the one-loop matrix elements of O₁–O₆ in C₉^eff(q²).

    Y: arXiv:0811.1214 Eq. 10 (Altmannshofer et al.),
        Y = h(q², m_c)(4/3 C₁ + C₂ + 6C₃ + 60C₅) − ½ h(q², m_b)(7C₃ + 4/3 C₄ + 76C₅ + 64/3 C₆)
            − ½ h(q², 0)(C₃ + 4/3 C₄ + 16C₅ + 64/3 C₆) + 4/3 C₃ + 64/9 C₅ + 64/27 C₆;
    Y_u: the ξ_u part (multiplied by ξ_u/ξ_t in C₉^eff), hep-ph/0412400 Eq. 43 (Beneke, Feldmann,
        Seidel), (4/3 C₁ + C₂)(h(q², m_c) − h(q², 0)).
    q² > 0 in GeV²; c = (C₁, …, C₆) at μ; m_c, m_b (flavio: pole masses) and μ in GeV. Complex.
    """
    c1, c2, c3, c4, c5, c6 = c
    f_c = 4 / 3 * c1 + c2 + 6 * c3 + 60 * c5
    f_b = 7 * c3 + 4 / 3 * c4 + 76 * c5 + 64 / 3 * c6
    f_u = c3 + 4 / 3 * c4 + 16 * c5 + 64 / 3 * c6
    f_4 = 4 / 3 * c3 + 64 / 9 * c5 + 64 / 27 * c6
    h_c, h_0 = h(q2, m_c, mu), h_massless(q2, mu)
    y = h_c * f_c - 0.5 * h(q2, m_b, mu) * f_b - 0.5 * h_0 * f_u + f_4
    return y, (4 / 3 * c1 + c2) * (h_c - h_0)


def _y_loops(q2, c, inputs):
    """`y_loops` with flavio's B→K(*)ℓℓ choices: pole m_c, m_b, μ = μ_b."""
    return y_loops(q2, c[:6], inputs.m_c_pole, inputs.m_b_pole, inputs.mu_b)


def _ratio(inputs, cp_conjugate, xi_ratio):
    if xi_ratio is None:
        return _xi_ratio(inputs, cp_conjugate)
    return jnp.conj(xi_ratio) if cp_conjugate else xi_ratio


def c7_eff(q2, inputs: Inputs = DEFAULT, cp_conjugate: bool = False, xi_ratio=None):
    """C₇^eff(q²) = C₇^eff + δC₇(q²) of b → sℓℓ at the SM point (flavio's `c['7']`), complex.

    q² in GeV² (0 ≤ q² ≤ 34.5 GeV²; broadcasts). `cp_conjugate=True` gives the b̄ → s̄ℓℓ value
    (ξ_u/ξ_t conjugated). `xi_ratio`: ξ_u/ξ_t instead of the inputs' (C₇^eff is affine in it).
    """
    q2, c = _prepare(q2, inputs)
    return c.C7eff + _delta_c7(q2, c, inputs, _ratio(inputs, cp_conjugate, xi_ratio))


def c9_eff(q2, inputs: Inputs = DEFAULT, cp_conjugate: bool = False, xi_ratio=None):
    """C₉^eff(q²) = C₉ + Y(q²) + (ξ_u/ξ_t) Y_u(q²) + δC₉(q²) at the SM point (flavio's `c['v']`).

    q² in GeV² (0 < q² ≤ 34.5 GeV²; broadcasts); complex. `cp_conjugate=True` gives the b̄ → s̄ℓℓ
    value (ξ_u/ξ_t conjugated). `xi_ratio`: ξ_u/ξ_t instead of the inputs' (C₉^eff is affine in it).
    """
    q2, c = _prepare(q2, inputs)
    ratio = _ratio(inputs, cp_conjugate, xi_ratio)
    y, y_u = _y_loops(q2, c, inputs)
    return c.C9 + y + ratio * y_u + _delta_c9(q2, c, inputs, ratio)
