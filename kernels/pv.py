"""One-loop Passarino–Veltman integrals A₀, B₀, B₁, B₀₀, C₀, C₁, C₂, C₀₀, C₁₁, C₁₂, C₂₂.

Conventions are LoopTools' (T. Hahn, M. Pérez-Victoria, Comput. Phys. Commun. 118 (1999) 153)
and Denner's (Fortsch. Phys. 41 (1993) 307): with the measure (2πμ)^{4−D}/(iπ²) ∫ d^D q,

  B(p², m1², m2²):   [q² − m1²] [(q + p)² − m2²],                       B^μ = p^μ B1,
                     B^{μν} = g^{μν} B00 + p^μ p^ν B11;
  C(p1², p2², (p1+p2)², m1², m2², m3²):
                     [q² − m1²] [(q + k1)² − m2²] [(q + k2)² − m3²],  k1 = p1, k2 = p1 + p2,
                     C^μ = k1^μ C1 + k2^μ C2,
                     C^{μν} = g^{μν} C00 + Σ k_i^μ k_j^ν C_ij.

All arguments are squared momenta and squared masses in GeV² (real, or complex masses
m² − i m Γ), and broadcast against each other. Results are complex. The UV-divergent parts
come with Δ = 2/(4 − D) − γ_E + log 4π (`delta`, default 0) and the scale μ² (`mu2`, default
1 GeV²), so that the finite parts are the MS-bar ones LoopTools returns by default.

Method: Feynman parameters on fixed grids (static node counts, pure JAX, differentiable).
  - A0 in closed form.
  - B functions: ∫₀¹ dx of log Δ(x) times a polynomial, Δ(x) = x m2² + (1 − x) m1² − x(1 − x) p²,
    by tanh–sinh quadrature on the pieces between the stationary point of Δ and its real roots,
    so every log singularity and every narrow feature sits at a piece's end.
  - C functions: on the simplex put x1 = 1 − u, x2 = u v, x3 = u (1 − v) (Jacobian u). Along u
    the denominator Δ = a u² + b u + c is a quadratic, and ∫₀¹ u^n/Δ du (n = 1, 2, 3) is done in
    closed form (partial fractions over its roots; a short Gauss–Legendre rule where both roots
    are far from [0, 1]; a Taylor-expanded divided difference where they nearly coincide). The
    remaining v integral is tanh–sinh. C00 then follows exactly from the trace identity
    4 C00 = B0(p2², m2², m3²) + m1² C0 − p1² C11 − 2 k1·k2 C12 − k2² C22 + 1/2 (Denner Eq. 4.8).

Domain where the grids reach relative errors of 1e-10 (tests/test_pv.py checks 60 B and 78 C
points against mpmath, most at 1e-13 or better): real arguments; loop masses between 1e-3 GeV and
1e3 GeV in any hierarchy (m_u beside M_W and m_t included); every squared momentum either
spacelike or timelike below 0.9 of the threshold (m_i + m_j)² it could open, down to zero; for C,
Δ > 0 on the whole Feynman simplex (no anomalous threshold, automatic when p_ij² ≤ m_i² + m_j²).
Complex masses are accepted and give the analytic continuation. Above thresholds the B functions
stay accurate (their log singularities are piece ends; tested against mpmath); the C functions
are not validated there yet. Cost on one CPU core pair: ~1.2e4 C0 and ~3e3 C00 per second
(`python -m benchmarks`).
"""

import jax.numpy as jnp
import numpy as np

from kernels import quadrature, validate
from kernels.safe_math import where_safe

__all__ = ["A0", "B0", "B1", "B00", "B11", "C0", "C1", "C2", "C00", "C11", "C12", "C22", "C_all"]

_B_RULE = quadrature.tanh_sinh(1.0 / 12.0, 3.6)  # nodes per piece: 87
_C_RULE = quadrature.tanh_sinh(1.0 / 24.0, 3.6)  # v nodes: 173
_U_GAUSS = quadrature.gauss_legendre(12)
_FAR = 1.0  # roots further than this from [0, 1]: the u integrand is smooth, use Gauss–Legendre
_NEAR_DOUBLE = 1e-3  # |r1 − r2| below this times the roots' distance to [0, 1]: Taylor
_ASYMPTOTIC = 4.0  # |r| above which Φ_n(r) is summed as a series in 1/r
_N_ASYMPTOTIC = 28


def _check(masses, momenta=(), mu2=1.0, delta=0.0):
    """ValueError for NaN/inf arguments, negative real squared masses or μ² ≤ 0 (concrete values)."""
    named_masses = {f"m{i + 1}^2": m for i, m in enumerate(masses)}
    validate.check_finite(**{f"p{i + 1}^2": p for i, p in enumerate(momenta)}, **named_masses, mu2=mu2, delta=delta)
    validate.check_nonnegative(**named_masses)
    validate.check_positive(mu2=mu2)


def _complex(*xs):
    dtype = jnp.result_type(*xs, 1j)
    return tuple(jnp.asarray(x, dtype) for x in xs)


def _log_minus_i0(z):
    """log z with the −i0 of the propagators: log|z| − iπ for real negative z."""
    on_cut = (jnp.imag(z) == 0) & (jnp.real(z) < 0)
    return jnp.where(on_cut, jnp.log(jnp.where(on_cut, -z, 1.0)) - 1j * jnp.pi, jnp.log(z))


# ---------------------------------------------------------------------------------------------
# A and B


def A0(m2, *, mu2=1.0, delta=0.0):
    """A0(m²) = m² (Δ − log(m²/μ²) + 1), and 0 for m² = 0 (Denner Eq. 4.4). GeV²."""
    _check((m2,), mu2=mu2, delta=delta)
    (m2,) = _complex(m2)
    massive = m2 != 0
    return where_safe(massive, lambda m: m * (delta - _log_minus_i0(m / mu2) + 1.0), m2)


def _b_pieces(p2, m12, m22):
    """Piece boundaries on [0, 1] for Δ(x) = x m2² + (1 − x) m1² − x(1 − x) p²: its stationary
    point and, above threshold, its real roots (all clipped to [0, 1], all real)."""
    p2r = jnp.real(p2)
    nonzero = p2r != 0
    safe_p2 = jnp.where(nonzero, p2r, 1.0)
    stationary = jnp.where(nonzero, (p2r + jnp.real(m12 - m22)) / (2 * safe_p2), 0.5)
    mid = jnp.clip(stationary, 0.0, 1.0)
    disc = jnp.real((m12 + m22 - p2) ** 2 - 4 * m12 * m22)
    positive = nonzero & (disc > 0) & (p2r > 0)
    half = where_safe(positive, jnp.sqrt, disc) / (2 * safe_p2)
    real_roots = positive & (stationary - half > 0) & (stationary + half < 1)
    lo = jnp.where(real_roots, jnp.clip(mid - half, 0.0, mid), mid)
    hi = jnp.where(real_roots, jnp.clip(mid + half, mid, 1.0), mid)
    return jnp.stack([jnp.zeros_like(mid), lo, mid, hi, jnp.ones_like(mid)], axis=-1)


def _b_nodes(p2, m12, m22):
    """Feynman-parameter nodes and weights for B integrals (tanh–sinh on each piece).

    Returns x, 1 − x, the weights, each node's distances |x − x₋|, |x − x₊| to the pieces' inner
    boundaries (the roots of Δ above threshold), computed from the piece ends without
    cancellation, and the piece edges.
    """
    t, tc, w = _B_RULE
    edges = _b_pieces(p2, m12, m22)
    start, stop = edges[..., :-1, None], edges[..., 1:, None]
    length = stop - start
    root_lo, root_hi = edges[..., 1, None, None], edges[..., 3, None, None]
    right_of_lo = jnp.arange(4)[:, None] >= 1
    right_of_hi = jnp.arange(4)[:, None] >= 3
    to_lo = jnp.where(right_of_lo, (start - root_lo) + length * t, (root_lo - stop) + length * tc)
    to_hi = jnp.where(right_of_hi, (start - root_hi) + length * t, (root_hi - stop) + length * tc)
    shape = (*edges.shape[:-1], -1)
    x = (start + length * t).reshape(shape)
    xc = ((1.0 - stop) + length * tc).reshape(shape)
    return x, xc, (length * w).reshape(shape), to_lo.reshape(shape), to_hi.reshape(shape), edges


def _b_integral(p2, m12, m22, fn, mu2=1.0, delta=0.0):
    """∫₀¹ dx fn(x, Δ(x), log Δ(x)) with Δ(x) = x m2² + (1 − x) m1² − x(1 − x) p² − i0.

    Above threshold Δ = p² (x − x₋)(x − x₊) is used in factored form, so that log Δ stays exact
    at nodes next to its zeros.
    """
    _check((m12, m22), (p2,), mu2, delta)
    p2, m12, m22 = _complex(p2, m12, m22)
    x, xc, w, to_lo, to_hi, edges = _b_nodes(p2, m12, m22)
    factored = (edges[..., 1] < edges[..., 3])[..., None]
    p2, m12, m22 = (a[..., None] for a in (p2, m12, m22))
    delta_x = x * m22 + xc * m12 - x * xc * p2
    between = (jnp.arange(4)[:, None] >= 1) & (jnp.arange(4)[:, None] <= 2)
    between = jnp.broadcast_to(between, (4, _B_RULE[0].size)).reshape(-1)
    safe = lambda d: jnp.where(factored, d, 1.0)
    log_factored = (
        jnp.log(jnp.where(factored, jnp.real(p2), 1.0)) + jnp.log(safe(to_lo)) + jnp.log(safe(to_hi))
        - 1j * jnp.pi * between
    )
    log_delta = jnp.where(factored, log_factored, _log_minus_i0(jnp.where(factored, 1.0, delta_x)))
    return jnp.sum(w * fn(x, delta_x, log_delta), axis=-1)


def B0(p2, m12, m22, *, mu2=1.0, delta=0.0):
    """B0(p², m1², m2²) = Δ − ∫₀¹ dx log(Δ(x)/μ²) (Denner Eq. 4.21 in Feynman parameters)."""
    return delta - _b_integral(p2, m12, m22, lambda x, d, log_d: log_d - jnp.log(mu2), mu2, delta)


def B1(p2, m12, m22, *, mu2=1.0, delta=0.0):
    """B1(p², m1², m2²) = −Δ/2 + ∫₀¹ dx x log(Δ(x)/μ²)."""
    return -0.5 * delta + _b_integral(p2, m12, m22, lambda x, d, log_d: x * (log_d - jnp.log(mu2)), mu2, delta)


def B11(p2, m12, m22, *, mu2=1.0, delta=0.0):
    """B11(p², m1², m2²) = Δ/3 − ∫₀¹ dx x² log(Δ(x)/μ²)."""
    return delta / 3.0 - _b_integral(p2, m12, m22, lambda x, d, log_d: x * x * (log_d - jnp.log(mu2)), mu2, delta)


def B00(p2, m12, m22, *, mu2=1.0, delta=0.0):
    """B00(p², m1², m2²) = ½ ∫₀¹ dx Δ(x) [Δ + 1 − log(Δ(x)/μ²)] (GeV²)."""
    return 0.5 * _b_integral(p2, m12, m22, lambda x, d, log_d: d * (delta + 1.0 - log_d + jnp.log(mu2)), mu2, delta)


# ---------------------------------------------------------------------------------------------
# The radial integrals ∫₀¹ u^n / (a u² + b u + c) du of the C functions, n = 1, 2, 3


_SERIES = 1.0 / (np.arange(4)[:, None] + np.arange(_N_ASYMPTOTIC)[None, :] + 1.0)


def _phi_closed(r, rc):
    """Φ_n(r) = ∫₀¹ u^n/(u − r) du, n = 0…3 on the last axis, in closed form (|r| ≲ 4, r ∉ [0, 1]);
    rc = 1 − r, passed separately because it is known more accurately than r near r = 1."""
    phi = [_log_minus_i0(rc) - _log_minus_i0(-r)]
    for n in (1, 2, 3):
        phi.append(r * phi[-1] + 1.0 / n)
    return jnp.stack(phi, axis=-1)


def _phi(r, rc):
    """Φ_n(r) for n = 0…3 on the last axis, for any r off [0, 1] (rc = 1 − r); summed as
    −Σ_k r^{−k−1}/(n + k + 1) for large |r|, where the closed form cancels."""
    large = jnp.abs(r) > _ASYMPTOTIC
    at_zero = r == 0  # a massless first line: Φ_n(0) = 1/n for n ≥ 1 (Φ_0 diverges, unused)
    inv = (1.0 / jnp.where(large, r, 10.0))[..., None]
    acc = jnp.broadcast_to(_SERIES[:, -1], inv.shape[:-1] + (4,))
    for k in range(_N_ASYMPTOTIC - 2, -1, -1):
        acc = acc * inv + _SERIES[:, k]
    series = -inv * acc
    harmless = large | at_zero
    closed = _phi_closed(jnp.where(harmless, 0.5j + 2.0, r), jnp.where(harmless, -1.0 - 0.5j, rc))
    zero = jnp.asarray([jnp.inf, 1.0, 0.5, 1.0 / 3.0], dtype=closed.dtype)
    return jnp.where(at_zero[..., None], zero, jnp.where(large[..., None], series, closed))


def _phi_derivatives(r):
    """Φ_n′(r) and Φ_n‴(r) for n = 0…3 (each stacked on the last axis), for |r| ≲ 3."""
    first = [1.0 / (r - 1.0) - 1.0 / r]
    third = [2.0 / (r - 1.0) ** 3 - 2.0 / r**3]
    second = [-1.0 / (r - 1.0) ** 2 + 1.0 / r**2]
    phi = _phi_closed(r, 1.0 - r)
    for n in (1, 2, 3):  # Φ_n = r Φ_{n−1} + 1/n, differentiated
        first.append(phi[..., n - 1] + r * first[-1])
        third_n = 3 * second[-1] + r * third[-1]
        second.append(2 * first[-2] + r * second[-1])
        third.append(third_n)
    return jnp.stack(first, axis=-1), jnp.stack(third, axis=-1)


def _distance_to_unit_interval(r):
    return jnp.abs(r - jnp.clip(jnp.real(r), 0.0, 1.0))


def _small_root(b, c, root):
    """The smaller root c/q of a x² + b x + c (√D given), with q = −(b ± √D)/2 signed so that
    nothing cancels; also q and whether q = 0."""
    sign = jnp.where(jnp.real(jnp.conj(b) * root) >= 0, 1.0, -1.0)
    q = -0.5 * (b + sign * root)
    q_zero = q == 0
    return c / jnp.where(q_zero, 1.0, q), q, q_zero


def _radial(a, b, c, e, b1):
    """[∫₀¹ u^n/(a u² + b u + c) du for n = 1, 2, 3], stacked on the last axis (complex).

    e = a + b + c and b1 = −(2a + b) are the same quadratic's value and (minus) slope at u = 1,
    passed in because the caller knows them without the cancellation that a + b + c suffers when
    c is large and Δ(1) small: in w = 1 − u the quadratic is a w² + b1 w + e, and its small root
    gives 1 − r accurately for a root r next to u = 1.
    """
    disc = b * b - 4.0 * a * c
    root = where_safe(disc != 0, jnp.sqrt, disc)
    r2, q, q_zero = _small_root(b, c, root)
    safe_q = jnp.where(q_zero, 1.0, q)
    huge = (jnp.abs(a) * 1e250 <= jnp.abs(q)) | q_zero  # r1 = q/a beyond any scale: a ≈ 0
    r1 = jnp.where(huge, 1e300, q / jnp.where(huge, 1.0, a))
    r2 = jnp.where(q_zero, -1e300, r2)
    w_small, _, w_zero = _small_root(b1, e, root)
    near_one = 1.0 - w_small  # the root next to u = 1: which of r1, r2 is it?
    first_is_it = jnp.abs(r1 - near_one) < jnp.abs(r2 - near_one)
    use1 = first_is_it & ~w_zero
    use2 = ~first_is_it & ~w_zero
    r1, rc1 = jnp.where(use1, 1.0 - w_small, r1), jnp.where(use1, w_small, 1.0 - r1)
    r2, rc2 = jnp.where(use2, 1.0 - w_small, r2), jnp.where(use2, w_small, 1.0 - r2)
    d1, d2 = _distance_to_unit_interval(r1), _distance_to_unit_interval(r2)
    far = (d1 > _FAR) & (d2 > _FAR)
    mean = 0.5 * (r1 + r2)
    gap = jnp.abs(r1 - r2)
    double = ~far & (gap < _NEAR_DOUBLE * _distance_to_unit_interval(mean))
    split = ~far & ~double

    # Gauss–Legendre on [0, 1]
    t, w = _U_GAUSS
    u = 0.5 * (t + 1.0)
    den = a[..., None] * u * u + b[..., None] * u + c[..., None]
    den = jnp.where(far[..., None], den, 1.0)
    powers = u[:, None] ** jnp.arange(1, 4)
    gauss = jnp.einsum("...k,kn->...n", 0.5 * w / den, powers)

    # partial fractions: (Φ_n(r1) − Φ_n(r2)) / (a (r1 − r2)), with a (r1 − r2) = q − a c / q
    denom = jnp.where(split, q - a * c / safe_q, 1.0)
    s1, sc1 = jnp.where(split, r1, 2.0 + 0.5j), jnp.where(split, rc1, -1.0 - 0.5j)
    s2, sc2 = jnp.where(split, r2, -1.0 + 0.5j), jnp.where(split, rc2, 2.0 - 0.5j)
    phi1, phi2 = _phi(s1, sc1), _phi(s2, sc2)
    fractions = (phi1[..., 1:] - phi2[..., 1:]) / denom[..., None]

    # nearly double root: Φ[r1, r2] = Φ′(m) + Φ‴(m) (r1 − r2)²/24 + …, divided by a
    m = jnp.where(double, mean, 2.0 + 0.5j)
    first, third = _phi_derivatives(m)
    gap2 = jnp.where(double, r1 - r2, 0.0) ** 2
    safe_a = jnp.where(double, a, 1.0)
    taylor = (first[..., 1:] + third[..., 1:] * gap2[..., None] / 24.0) / safe_a[..., None]

    return jnp.where(far[..., None], gauss, jnp.where(split[..., None], fractions, taylor))


# C0, C1, C2, C11, C12, C22 = ∫dv (sign · v-polynomial) · ∫du u^n/Δ, with n − 1 = 0, 1, 1, 2, 2, 2
_C_POWERS = np.array([0, 1, 1, 2, 2, 2])
_C_WEIGHTS = np.stack([
    -_C_RULE[2],
    _C_RULE[2] * _C_RULE[0],
    _C_RULE[2] * _C_RULE[1],
    -_C_RULE[2] * _C_RULE[0] ** 2,
    -_C_RULE[2] * _C_RULE[0] * _C_RULE[1],
    -_C_RULE[2] * _C_RULE[1] ** 2,
])


_C_NAMES = ("C0", "C1", "C2", "C11", "C12", "C22")


def _c_integrals(p12, p22, p32, m12, m22, m32, names=_C_NAMES):
    """v-integrals of the radial integrals, for the (static) subset `names` of C0, C1, C2, C11,
    C12, C22, as a tuple in that order; radial powers no name needs are never computed."""
    _check((m12, m22, m32), (p12, p22, p32))
    p1, p2, p3, m1, m2, m3 = _complex(p12, p22, p32, m12, m22, m32)
    v, vc, _ = (jnp.asarray(a) for a in _C_RULE)
    p1, p2, p3, m1, m2, m3 = (x[..., None] for x in (p1, p2, p3, m1, m2, m3))
    a = v * p1 + vc * p3 - v * vc * p2
    b = -m1 + v * m2 + vc * m3 - v * p1 - vc * p3
    c = jnp.broadcast_to(m1, a.shape)
    e = v * m2 + vc * m3 - v * vc * p2  # Δ at u = 1, the edge x1 = 0
    b1 = m1 - v * m2 - vc * m3 - v * p1 - vc * p3 + 2.0 * v * vc * p2
    rows = [_C_NAMES.index(name) for name in names]
    radial = _radial(a, b, c, e, b1)[..., _C_POWERS[rows]]
    coefficients = jnp.sum(radial * _C_WEIGHTS[rows].T, axis=-2)
    return tuple(coefficients[..., j] for j in range(len(rows)))


def C_all(p12, p22, p32, m12, m22, m32, *, mu2=1.0, delta=0.0):
    """All seven C coefficients at once, as a dict {"C0", "C1", "C2", "C00", "C11", "C12", "C22"}.

    One radial pass serves all of them; prefer this over separate calls when several are needed.
    """
    c0, c1, c2, c11, c12, c22 = _c_integrals(p12, p22, p32, m12, m22, m32)
    p1, p2, p3, m1 = _complex(p12, p22, p32, m12)
    k1k2 = 0.5 * (p1 + p3 - p2)
    b0 = B0(p22, m22, m32, mu2=mu2, delta=delta)
    c00 = 0.25 * (b0 + m1 * c0 - p1 * c11 - 2.0 * k1k2 * c12 - p3 * c22 + 0.5)
    return dict(C0=c0, C1=c1, C2=c2, C00=c00, C11=c11, C12=c12, C22=c22)


def C0(p12, p22, p32, m12, m22, m32):
    """Scalar three-point function C0(p1², p2², (p1+p2)², m1², m2², m3²) (GeV⁻²), UV finite."""
    return _c_integrals(p12, p22, p32, m12, m22, m32, ("C0",))[0]


def C1(p12, p22, p32, m12, m22, m32):
    """C1, the coefficient of k1^μ = p1^μ in C^μ (GeV⁻²)."""
    return _c_integrals(p12, p22, p32, m12, m22, m32, ("C1",))[0]


def C2(p12, p22, p32, m12, m22, m32):
    """C2, the coefficient of k2^μ = (p1 + p2)^μ in C^μ (GeV⁻²)."""
    return _c_integrals(p12, p22, p32, m12, m22, m32, ("C2",))[0]


def C00(p12, p22, p32, m12, m22, m32, *, mu2=1.0, delta=0.0):
    """C00 = Δ/4 − ½ ∫ dS log(Δ(x)/μ²) (dimensionless), the g^{μν} coefficient of C^{μν}."""
    return C_all(p12, p22, p32, m12, m22, m32, mu2=mu2, delta=delta)["C00"]


def C11(p12, p22, p32, m12, m22, m32):
    """C11, the coefficient of k1^μ k1^ν in C^{μν} (GeV⁻²)."""
    return _c_integrals(p12, p22, p32, m12, m22, m32, ("C11",))[0]


def C12(p12, p22, p32, m12, m22, m32):
    """C12, the coefficient of k1^μ k2^ν (and k2^μ k1^ν) in C^{μν} (GeV⁻²)."""
    return _c_integrals(p12, p22, p32, m12, m22, m32, ("C12",))[0]


def C22(p12, p22, p32, m12, m22, m32):
    """C22, the coefficient of k2^μ k2^ν in C^{μν} (GeV⁻²)."""
    return _c_integrals(p12, p22, p32, m12, m22, m32, ("C22",))[0]
