"""Loop functions of the split dark sector, with their removable singularities resolved.

From Darmé, Fedele, Kowalska, Sessolo, JHEP 08 (2020) 148 (arXiv:2002.11150; seed text
`003_063abde38b23e6be.txt`); every argument is a dimensionless ratio of masses:

* `box_F3(x, y, z)`   Eq. (3):  box function of C₉ (x, y, z = m₁², m₂², m₃² over m₄²);
* `box_F2(x, y)`      Eq. (18): box function of B_s mixing (x, y = m_χi², m_χj² over m_Φ²);
* `F9_tilde(x)`, `G9_tilde(x)`  Eq. (10): penguin functions (x = m_χ²/m_Φ²);
* `g_minus_2_integral(x, g_V, g_A)`  Eq. (25) and `delta_g_minus_2` Eq. (24) (x = M_μ/m_V, a
  ratio of masses, not of squared masses).

Removable singularities. The closed forms are 0/0 where masses coincide (x → 1, x = y, …):

* one-variable functions of the form c·[P(x) + Q(x) ln x]/(x − 1)^m (polynomials P, Q) are built
  by `log_rational`: the formula itself away from x = 1, and within |x − 1| < 0.4 its Taylor
  series about x = 1, whose coefficients are computed exactly, in rational arithmetic, from P
  and Q when the module is imported. The double `where` (`safe_math.where_safe`) keeps the
  branch not taken out of values and gradients. `kernels/inami_lim.py` uses the same builder.
* the box functions are divided differences of g(t) = t² ln t: F(x, y, z) = g[1, x, y, z] and
  F(x, y) = g[1, 1, x, y] (Eq. (18) is Eq. (3) at z = 1). They are evaluated as an entry of the
  matrix function g(J) of the 4×4 bidiagonal matrix J with the nodes on its diagonal (Opitz),
  with log J by inverse scaling and squaring. Nothing there divides by a difference of nodes, so
  coincident nodes (any subset, in any order) need no special case, and gradients are smooth.
* the (g − 2) integral has no closed-form singularity: it is a fixed Gauss–Legendre rule in
  variables that flatten the integrand's features of width x² (near z = 1) and 1/x (near z = 0).

All functions are pure jax.numpy, work under `jit`, `vmap` and `grad`, and keep the floating
dtype they are given; the accuracies quoted are for float64.
"""

import math
from fractions import Fraction

import jax
import jax.numpy as jnp
from jax import lax

from kernels.quadrature import gauss_legendre
from kernels.safe_math import log_safe, where_safe

__all__ = [
    "log_rational",
    "F9_tilde",
    "G9_tilde",
    "box_F3",
    "box_F2",
    "g_minus_2_vector",
    "g_minus_2_axial",
    "g_minus_2_integral",
    "delta_g_minus_2",
]

# ------------------------------------------------------------------ helpers


def _as_float(x):
    """x as a JAX array of a floating dtype (integers are promoted; float32 stays float32)."""
    x = jnp.asarray(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(jnp.result_type(float))


def _horner(coeffs, t):
    """Σ_k coeffs[k] t^k, coefficients lowest degree first (Python floats, so dtype is kept)."""
    acc = jnp.zeros_like(t) + coeffs[-1]
    for c in reversed(coeffs[:-1]):
        acc = acc * t + c
    return acc


def _poly_mul(a, b):
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, ai in enumerate(a):
        for j, bj in enumerate(b):
            out[i + j] += ai * bj
    return out


def _shift_to_one(p):
    """Coefficients in u of p(1 + u), exactly."""
    out = [Fraction(0)] * len(p)
    for k, c in enumerate(p):
        for j in range(k + 1):
            out[j] += c * math.comb(k, j)
    return out


def _taylor_at_one(p, q, power, order):
    """Exact Taylor coefficients c_0 … c_order of [P(x) + Q(x) ln x]/(x − 1)^power about x = 1.

    Raises ValueError unless the numerator vanishes to order `power` there (a removable point).
    """
    n = order + power + 1
    log1p = [Fraction(0)] + [Fraction((-1) ** (k + 1), k) for k in range(1, n)]
    num = _shift_to_one(p) + [Fraction(0)] * n
    for k, c in enumerate(_poly_mul(_shift_to_one(q), log1p)[:n]):
        num[k] += c
    if any(num[:power]):
        raise ValueError(f"P + Q ln x does not vanish to order {power} at x = 1: {num[:power]}")
    return num[power:n]


# ------------------------------------------------------- one-variable builder

SERIES_RADIUS = 0.4  # |x − 1| below which the Taylor series is used
SERIES_ORDER = 48  # its degree: truncation ≲ 0.4⁴⁹ ≈ 3e-20 (coefficients are O(0.1) or less)
# At |x − 1| = 0.4 the closed form loses ≲ 3e-13 to cancellation for m = 4 (tests measure it).


def log_rational(p, q, power, scale=1):
    """Build f(x) = scale · [P(x) + Q(x) ln x] / (x − 1)^power, regular at x = 1.

    Args:
      p, q: integer or Fraction coefficients of P and Q, lowest degree first.
      power: the power m of (x − 1); P + Q ln x must vanish to order m at x = 1 (checked).
      scale: an overall rational factor.

    Returns:
      A function of x > 0 (x ≥ 0 when Q(0) = 0, where the limit at x = 0 is returned; its slope
      there, infinite when Q′(0) ≠ 0, is returned as the finite part). Within |x − 1| <
      SERIES_RADIUS it sums the exact Taylor series of degree SERIES_ORDER.
    """
    p = [Fraction(c) for c in p]
    q = [Fraction(c) for c in q]
    scale = Fraction(scale)
    series = tuple(float(scale * c) for c in _taylor_at_one(p, q, power, SERIES_ORDER))
    p_float = tuple(float(c) for c in p)
    q_float = tuple(float(c) for c in q)
    log = log_safe if q[0] == 0 else jnp.log  # Q(0) = 0: the limit x → 0 is finite
    factor = float(scale)

    def closed_form(x):
        return factor * (_horner(p_float, x) + _horner(q_float, x) * log(x)) / (x - 1.0) ** power

    def f(x):
        x = _as_float(x)
        u = x - 1.0
        near = jnp.abs(u) < SERIES_RADIUS
        near_value = _horner(series, jnp.where(near, u, 0.0))
        return where_safe(~near, closed_form, x, safe_x=2.0, fill=near_value)

    return jax.jit(f)


# ------------------------------------------------------------ penguin, Eq. (10)

# 003_063abde38b23e6be.txt, Eq. (10):
# F̃₉(x) = (−2 + 9x − 18x² + 11x³ − 6x³ ln x) / (36 (x − 1)⁴)
_F9 = log_rational(p=(-2, 9, -18, 11), q=(0, 0, 0, -6), power=4, scale=Fraction(1, 36))
# G̃₉(x) = (−16 + 45x − 36x² + 7x³ + 6(3x − 2) ln x) / (36 (x − 1)⁴)
_G9 = log_rational(p=(-16, 45, -36, 7), q=(-12, 18), power=4, scale=Fraction(1, 36))


def F9_tilde(x):
    """Penguin loop function F̃₉(x) of Darmé et al., JHEP 08 (2020) 148, Eq. (10).

    x = m_χ²/m_Φ² (dimensionless), domain x ≥ 0. F̃₉(1) = −1/24, F̃₉(0) = −1/18 with slope 1/36
    there. F̃₉ < 0 for all x. Accurate to ~1e-13 relative.
    """
    return _F9(x)


def G9_tilde(x):
    """Penguin loop function G̃₉(x) of Darmé et al., JHEP 08 (2020) 148, Eq. (10).

    x = m_χ²/m_Φ² (dimensionless), domain x > 0: G̃₉ ≈ −(1/3) ln x − 4/9 diverges as x → 0
    (the ln(x₁/x₂) of the paper's remark after Eq. (18)); G̃₉(1) = 1/8.
    """
    return _G9(x)


# --------------------------------------------------------- box, Eqs. (3), (18)

_SQRT_LEVELS = 11  # J^(1/2048): the spectrum's logs shrink to ≤ 0.017 for nodes in [1e-15, 1e15]
_LOG_TERMS = 16  # terms of the log(I + E) series: ≤ 0.017¹³ · 16³ relative, far below 1e-16


_PAIRS = ((0, 1), (1, 2), (2, 3), (0, 2), (1, 3), (0, 3))  # upper entries, by distance from diagonal


def _sqrt_upper(upper, root):
    """Off-diagonal entries of R = √A for upper-triangular A (entries `upper`) with diag R = `root`:
    R_ij = (A_ij − Σ_{i<l<j} R_il R_lj)/(R_ii + R_jj). All terms of the sum share the sign of A_ij
    and the denominators are sums of positive roots, so nothing cancels."""
    new = {}
    for i, j in _PAIRS:
        s = upper[(i, j)]
        for m in range(i + 1, j):
            s = s - new[(i, m)] * new[(m, j)]
        new[(i, j)] = s / (root[i] + root[j])
    return new


def _log_divided_differences(t):
    """ln[t_i, …, t_3] for i = 0, 1, 2 (orders 3, 2, 1) at four positive nodes t[0..3].

    These are the last column of log J, J the upper bidiagonal matrix with t on its diagonal and
    ones above it (divided differences of f are the entries of f(J)). log J = 2^K log(J^(2^−K)):
    K square roots (`_sqrt_upper`, the diagonal t^(2^−k) taken exactly from ln t), then
    J^(2^−K) = I + E with |diag E| ≤ 0.017 and log(I + E) = Σ (−1)^(n+1) Eⁿ/n, a short series.
    """
    one, zero = jnp.ones_like(t[0]), jnp.zeros_like(t[0])
    start = {(0, 1): one, (1, 2): one, (2, 3): one, (0, 2): zero, (1, 3): zero, (0, 3): zero}
    log_t = [jnp.log(ti) for ti in t]

    def level(k, upper):
        scale = jnp.exp2(-k.astype(t[0].dtype))
        root = [jnp.exp(lt * scale) for lt in log_t]
        return tuple(_sqrt_upper(dict(zip(_PAIRS, upper)), root)[p] for p in _PAIRS)

    upper = lax.fori_loop(1, _SQRT_LEVELS + 1, level, tuple(start[p] for p in _PAIRS))
    upper = dict(zip(_PAIRS, upper))
    diag = [jnp.expm1(lt * 2.0**-_SQRT_LEVELS) for lt in log_t]  # E's diagonal, no cancellation

    def term(n, carry):  # column ← E @ column (= Eⁿ[:, 3]); total += (−1)^(n+1) column / n
        column, total = carry
        column = tuple(
            diag[i] * column[i] + sum((upper[(i, m)] * column[m] for m in range(i + 1, 4)), zero)
            for i in range(4)
        )
        sign = jnp.where(n % 2 == 0, -1.0, 1.0).astype(t[0].dtype) / n.astype(t[0].dtype)
        return column, tuple(a + sign * c for a, c in zip(total, column[:3]))

    column = (upper[(0, 3)], upper[(1, 3)], upper[(2, 3)], diag[3])  # E[:, 3]
    _, total = lax.fori_loop(2, _LOG_TERMS + 1, term, (column, column[:3]))
    return [2.0**_SQRT_LEVELS * total[i] for i in range(3)]


def _sort4(t):
    """Four arrays sorted elementwise (a five-comparator network of min/max)."""
    t = list(t)
    for i, j in ((0, 1), (2, 3), (0, 2), (1, 3), (1, 2)):
        t[i], t[j] = jnp.minimum(t[i], t[j]), jnp.maximum(t[i], t[j])
    return t


@jax.jit
def _box(x, y, z):
    """g[1, x, y, z] for g(t) = t² ln t, by the Leibniz rule over the ascending nodes t₀ ≤ … ≤ t₃:
    g[t₀…t₃] = t₀² ln[t₀…t₃] + (t₀ + t₁) ln[t₁…t₃] + ln[t₂, t₃]. Ascending order keeps each term
    bounded when nodes span many decades. (At tied nodes min/max split the gradient between them;
    that is exact, as g[…] is symmetric and smooth.)"""
    x, y, z = jnp.broadcast_arrays(_as_float(x), _as_float(y), _as_float(z))
    t = _sort4((x, y, z, jnp.ones_like(x)))
    l3, l2, l1 = _log_divided_differences(t)
    return t[0] ** 2 * l3 + (t[0] + t[1]) * l2 + l1


def box_F3(x, y, z):
    """Box function F(x, y, z) of Darmé et al., JHEP 08 (2020) 148, Eq. (3):

        F = x² ln x/((x−1)(x−y)(x−z)) + y² ln y/((y−1)(y−x)(y−z)) + z² ln z/((z−1)(z−x)(z−y)),

    with x, y, z = m₁², m₂², m₃² over m₄² (dimensionless). Symmetric in x, y, z; regular, with
    smooth gradients, wherever two or more of x, y, z, 1 coincide (F(1, 1, 1) = 1/3).
    Domain: x, y, z in [1e-15, 1e15]; accurate to ~1e-14 relative there.
    """
    return _box(x, y, z)


def box_F2(x, y):
    """Box function F(x, y) of Darmé et al., JHEP 08 (2020) 148, Eq. (18) (B_s mixing):

        F = 1/((1−x)(1−y)) + x² ln x/((1−x)²(x−y)) + y² ln y/((1−y)²(y−x)),

    with x, y = m_χi²/m_Φ², m_χj²/m_Φ² (dimensionless). It equals F(x, y, 1) of Eq. (3).
    Symmetric; regular, with smooth gradients, at x = y, x = 1, y = 1 (F(1, 1) = 1/3), and
    F → 1 for x, y → 0. Domain: x, y in [1e-15, 1e15]; accurate to ~1e-14 relative there.
    """
    return _box(x, y, jnp.ones_like(_as_float(x)))


# ------------------------------------------------------- (g − 2), Eqs. (24)-(25)

G2_NODES = 40  # Gauss–Legendre nodes in each of the two pieces below (64 already give ~1e-14)
G2_X_MIN = 1e-10  # below, the x → 0 limit is returned: it differs by ≲ x² ln(1/x) ~ 1e-19
# x → 0 limits of the two integrals: ∫ 2z² dz = 2/3 and ∫ 2z(z − 4) dz = −10/3.
_G2_LIMIT_V = 2.0 / 3.0
_G2_LIMIT_A = -10.0 / 3.0


def _g2_integrands(z, u, x2):
    """Vector and axial integrands of Eq. (25) at z, with u = 1 − z given separately (accurately).

    The denominator x²z + (1 − z)(1 − x²z) equals u + x² z².
    """
    d = u + x2 * z * z
    vector = 2.0 * z * z * u / d
    axial = (2.0 * z * u * (z - 4.0) - 4.0 * x2 * z**3) / d
    return vector, axial


def _g2_parts(x):
    """(vector, axial) integrals of Eq. (25) for x ≥ G2_X_MIN.

    z ∈ [1/2, 1]: u = 1 − z = x²(e^τ − 1), τ ∈ [0, ln(1 + 1/(2x²))]; du = (u + x²) dτ cancels the
        near-pole 1/(u + x²) of the integrand (width x² at z = 1 when x ≪ 1).
    z ∈ [0, 1/2]: z = sinh(σ)/x, σ ∈ [0, asinh(x/2)]; dz = cosh σ dσ/x flattens the 1/(1 + x²z²)
        of width 1/x at z = 0 when x ≫ 1.
    """
    t, w = gauss_legendre(G2_NODES)
    t = jnp.asarray(t, x.dtype)
    w = jnp.asarray(w, x.dtype)
    xs = x[..., None]
    x2 = xs * xs

    tau_max = jnp.log1p(0.5 / x2)
    tau = 0.5 * tau_max * (t + 1.0)
    u = x2 * jnp.expm1(tau)
    weight = 0.5 * tau_max * w * (u + x2)
    v_hi, a_hi = _g2_integrands(1.0 - u, u, x2)

    sigma_max = jnp.arcsinh(0.5 * xs)
    sigma = 0.5 * sigma_max * (t + 1.0)
    z = jnp.sinh(sigma) / xs
    weight_lo = 0.5 * sigma_max * w * jnp.cosh(sigma) / xs
    v_lo, a_lo = _g2_integrands(z, 1.0 - z, x2)

    vector = jnp.sum(weight * v_hi + weight_lo * v_lo, axis=-1)
    axial = jnp.sum(weight * a_hi + weight_lo * a_lo, axis=-1)
    return vector, axial


@jax.jit
def _g2(x):
    x = _as_float(x)
    small = x < G2_X_MIN
    vector, axial = _g2_parts(jnp.where(small, 1.0, x))
    return jnp.where(small, _G2_LIMIT_V, vector), jnp.where(small, _G2_LIMIT_A, axial)


def g_minus_2_vector(x):
    """∫₀¹ dz 2z²(1 − z) / [x²z + (1 − z)(1 − x²z)]: the (g_μ^V)² part of 𝓕(x), Darmé et al.,
    JHEP 08 (2020) 148, Eq. (25).

    x = M_μ/m_V (dimensionless), domain 0 ≤ x ≤ 1e7; accurate to ~1e-13 relative. Limits:
    2/3 at x → 0 (heavy V), 1/x² at x → ∞ (light V).
    """
    return _g2(x)[0]


def g_minus_2_axial(x):
    """∫₀¹ dz [2z(1 − z)(z − 4) − 4x²z³] / [x²z + (1 − z)(1 − x²z)]: the (g_μ^A)² part of 𝓕(x),
    Darmé et al., JHEP 08 (2020) 148, Eq. (25).

    x = M_μ/m_V (dimensionless), domain 0 ≤ x ≤ 1e7; accurate to ~1e-13 relative. Limits:
    −10/3 at x → 0, −2 at x → ∞.
    """
    return _g2(x)[1]


def g_minus_2_integral(x, g_V, g_A):
    """𝓕(x) of Darmé et al., JHEP 08 (2020) 148, Eq. (25): (g_V)² · vector + (g_A)² · axial.

    x = M_μ/m_V (dimensionless, 0 ≤ x ≤ 1e7); g_V, g_A the dark photon's vector and axial
    couplings to muons, Eq. (6).
    """
    vector, axial = _g2(x)
    return g_V**2 * vector + g_A**2 * axial


def delta_g_minus_2(x, g_V, g_A):
    """δ(g − 2)_μ = x² 𝓕(x) / (8π²), Darmé et al., JHEP 08 (2020) 148, Eq. (24), x = M_μ/m_V.

    Despite its name in the paper this is the shift of a_μ = (g − 2)_μ/2: a heavy vector gives
    g_V² x²/(12π²), a light one the Schwinger-like g_V²/(8π²).
    """
    x = _as_float(x)
    return x * x * g_minus_2_integral(x, g_V, g_A) / (8.0 * math.pi**2)
