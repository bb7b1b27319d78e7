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
    the denominator Δ = a u² + b u + c is a quadratic, and ∫₀¹ u^n/(Δ − i0) du (n = 1, 2, 3) is
    done in closed form (partial fractions over its roots, a real root r in (0, 1) taken as
    r + i0 sign Δ′(r), so that it adds iπ r^n/|Δ′(r)|; a short Gauss–Legendre rule where both
    roots are far from [0, 1]; a Taylor-expanded divided difference where they nearly coincide).
    The v integral is tanh–sinh on 5 pieces of [0, 1], cut where a root crosses u = 1 (the zeros
    of Δ(1, v)) and where the two roots meet inside (0, 1) (zeros of b² − 4ac; the rule is taken
    in t² there, which removes the inverse square root); absent cuts give empty pieces. C00 then
    follows exactly from the trace identity
    4 C00 = B0(p2², m2², m3²) + m1² C0 − p1² C11 − 2 k1·k2 C12 − k2² C22 + 1/2 (Denner Eq. 4.8).

Domain where the grids reach relative errors of 1e-10 (tests/test_pv.py checks 60 B and 78 C
points against mpmath, most at 1e-13 or better): real arguments; loop masses between 1e-3 GeV and
1e3 GeV in any hierarchy (m_u beside M_W and m_t included); every squared momentum either
spacelike or timelike below 0.9 of the threshold (m_i + m_j)² it could open, down to zero; for C,
Δ > 0 on the whole Feynman simplex (no anomalous threshold, automatic when p_ij² ≤ m_i² + m_j²).
Complex masses are accepted and give the analytic continuation. Above thresholds the B functions
stay accurate (their log singularities are piece ends; tested against mpmath). The C functions
are validated above threshold (1e-11 or better, causal i0) for the W-penguin kinematics
C(0, q², 0; M², m², m²) and C(0, 0, q², m², M², m²) with q² > 4m² (m_u, m_c beside M_W, q² up
to 10 GeV², tests/pv_reference_above.py); for general kinematics with a momentum above threshold
most points reach 1e-10, but some give NaN or errors up to 3e-2 (xfail test): not validated yet.
Cost: 5 × 173 v nodes per C call, about 5 times the below-threshold-only version of this module.
"""

import jax.numpy as jnp
import numpy as np

from kernels import quadrature, validate
from kernels.safe_math import sqrt_safe, where_safe

__all__ = ["A0", "B0", "B1", "B00", "B11", "C0", "C1", "C2", "C00", "C11", "C12", "C22", "C_all"]

_B_RULE = quadrature.tanh_sinh(1.0 / 12.0, 3.6)  # nodes per piece: 87
_C_RULE = quadrature.tanh_sinh(1.0 / 24.0, 3.6)  # v nodes per piece: 173, 5 pieces
_U_GAUSS = quadrature.gauss_legendre(12)
_FAR = 1.0  # roots further than this from [0, 1]: the u integrand is smooth, use Gauss–Legendre
_NEAR_DOUBLE = 1e-3  # |r1 − r2| below this times the roots' distance to [0, 1]: Taylor
_ASYMPTOTIC = 4.0  # |r| above which Φ_n(r) is summed as a series in 1/r
_N_ASYMPTOTIC = 28
_NEGLIGIBLE_WEIGHT = 1e-36  # v nodes with a smaller weight are dropped (`_c_integrals`)


def _check(masses, momenta=(), mu2=1.0, delta=0.0):
    """ValueError for NaN/inf arguments, negative real squared masses or μ² ≤ 0 (concrete values)."""
    named_masses = {f"m{i + 1}^2": m for i, m in enumerate(masses)}
    validate.check_finite(**{f"p{i + 1}^2": p for i, p in enumerate(momenta)}, **named_masses, mu2=mu2, delta=delta)
    validate.check_nonnegative(**named_masses)
    validate.check_positive(mu2=mu2)


def _complex(*xs):
    dtype = jnp.result_type(*xs, 1j)
    return tuple(jnp.asarray(x, dtype) for x in xs)


def _log_i0(z, side=1.0):
    """log z, and on the negative real axis log|z| − iπ·side: the limit from below (side = +1, the
    −i0 of the propagators) or from above (side = −1)."""
    on_cut = (jnp.imag(z) == 0) & (jnp.real(z) < 0)
    return jnp.where(on_cut, jnp.log(jnp.where(on_cut, -z, 1.0)) - 1j * jnp.pi * side, jnp.log(z))


def _log_minus_i0(z):
    """log z with the −i0 of the propagators: log|z| − iπ for real negative z."""
    return _log_i0(z)


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


def _phi_closed(r, rc, side=1.0):
    """Φ_n(r) = ∫₀¹ u^n/(u − r) du, n = 0…3 on the last axis, in closed form (|r| ≲ 4, r ∉ [0, 1]);
    rc = 1 − r, passed separately because it is known more accurately than r near r = 1.

    A real root r is the limit r + i·side·0, side = sign Δ′(r) for 1/(Δ − i0) = 1/(Δ′ (u − r − i0/Δ′)):
    on (0, 1) Φ_n then has the imaginary part iπ·side·r^n."""
    phi = [_log_i0(rc, side) - _log_i0(-r, side)]
    for n in (1, 2, 3):
        phi.append(r * phi[-1] + 1.0 / n)
    return jnp.stack(phi, axis=-1)


def _phi(r, rc, inv, side):
    """Φ_n(r) for n = 0…3 on the last axis, for any r off [0, 1] (rc = 1 − r, inv = 1/r, both
    from the caller without cancellation); summed as −Σ_k inv^{k+1}/(n + k + 1) for |r| > 4, where
    the closed form cancels. The series takes inv, not r, so that a root running off to infinity
    (a → 0 in a u² + b u + c) keeps its derivative."""
    large = jnp.abs(inv) < 1.0 / _ASYMPTOTIC
    at_zero = r == 0  # a massless first line: Φ_n(0) = 1/n for n ≥ 1 (Φ_0 diverges, unused)
    inv = jnp.where(large, inv, 0.1)[..., None]
    acc = jnp.broadcast_to(_SERIES[:, -1], inv.shape[:-1] + (4,))
    for k in range(_N_ASYMPTOTIC - 2, -1, -1):
        acc = acc * inv + _SERIES[:, k]
    series = -inv * acc
    harmless = large | at_zero
    closed = _phi_closed(jnp.where(harmless, 0.5j + 2.0, r), jnp.where(harmless, -1.0 - 0.5j, rc), side)
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


def _radial(a, b, c, e, b1, disc):
    """[∫₀¹ u^n/(a u² + b u + c − i0) du for n = 1, 2, 3], stacked on the last axis (complex).

    e = a + b + c and b1 = −(2a + b) are the same quadratic's value and (minus) slope at u = 1,
    and disc = b² − 4ac its discriminant, passed in because the caller knows them without the
    cancellation they suffer near a root at u = 1 or a double root: in w = 1 − u the quadratic is
    a w² + b1 w + e, and its small root gives 1 − r accurately for a root r next to u = 1.
    Real roots inside (0, 1) contribute iπ r^n/|Δ′(r)| each (the −i0 picks the side, `_phi_closed`).
    """
    root = where_safe(disc != 0, jnp.sqrt, disc)
    r2, q, q_zero = _small_root(b, c, root)
    safe_q = jnp.where(q_zero, 1.0, q)
    c_zero = c == 0
    huge = (jnp.abs(a) * 1e250 <= jnp.abs(q)) | q_zero  # r1 = q/a beyond any scale: a ≈ 0
    r1 = jnp.where(huge, 1e300, q / jnp.where(huge, 1.0, a))  # inv1 = a/q stays exact, and smooth in a
    inv1 = jnp.where(q_zero, 0.0, a / safe_q)
    inv2 = jnp.where(c_zero | q_zero, 0.1, q / jnp.where(c_zero, 1.0, c))
    r2 = jnp.where(q_zero, -1e300, r2)
    w_small, _, w_zero = _small_root(b1, e, root)
    near_one = 1.0 - w_small  # the root next to u = 1: which of r1, r2 is it?
    first_is_it = jnp.abs(r1 - near_one) < jnp.abs(r2 - near_one)
    use1 = first_is_it & ~w_zero
    use2 = ~first_is_it & ~w_zero
    safe_near = jnp.where(near_one == 0, 1.0, near_one)
    r1, rc1, inv1 = (jnp.where(use1, x, y) for x, y in ((near_one, r1), (w_small, 1.0 - r1), (1.0 / safe_near, inv1)))
    r2, rc2, inv2 = (jnp.where(use2, x, y) for x, y in ((near_one, r2), (w_small, 1.0 - r2), (1.0 / safe_near, inv2)))
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

    # partial fractions: (Φ_n(r1) − Φ_n(r2)) / (a (r1 − r2)), with a (r1 − r2) = q − a c / q = Δ′(r1)
    denom = jnp.where(split, q - a * c / safe_q, 1.0)
    side = jnp.where(jnp.real(denom) >= 0, 1.0, -1.0)  # sign Δ′(r1) = −sign Δ′(r2)
    s1, sc1, i1 = (jnp.where(split, x, y) for x, y in ((r1, 2.0 + 0.5j), (rc1, -1.0 - 0.5j), (inv1, 0.4 - 0.1j)))
    s2, sc2, i2 = (jnp.where(split, x, y) for x, y in ((r2, -1.0 + 0.5j), (rc2, 2.0 - 0.5j), (inv2, -0.8 - 0.4j)))
    phi1, phi2 = _phi(s1, sc1, i1, side), _phi(s2, sc2, i2, -side)
    fractions = (phi1[..., 1:] - phi2[..., 1:]) / denom[..., None]

    # nearly double root (both roots off [0, 1]): Φ[r1, r2] = Φ′(m) + Φ‴(m) (r1 − r2)²/24 + …, over a
    m = jnp.where(double, mean, 2.0 + 0.5j)
    first, third = _phi_derivatives(m)
    gap2 = jnp.where(double, r1 - r2, 0.0) ** 2
    safe_a = jnp.where(double, a, 1.0)
    taylor = (first[..., 1:] + third[..., 1:] * gap2[..., None] / 24.0) / safe_a[..., None]

    return jnp.where(far[..., None], gauss, jnp.where(split[..., None], fractions, taylor))


# C0, C1, C2, C11, C12, C22 = ∫dv sign · (v-polynomial) · ∫du u^n/Δ, with n − 1 = 0, 1, 1, 2, 2, 2
_C_NAMES = ("C0", "C1", "C2", "C11", "C12", "C22")
_C_POWERS = np.array([0, 1, 1, 2, 2, 2])
_C_SIGNS = np.array([-1.0, 1.0, 1.0, -1.0, -1.0, -1.0])
_C_V_POWERS = np.array([[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 2]])  # powers of v, 1 − v


def _real_roots(a2, a1, a0):
    """Real roots (a0/q, q/a2) of a2 x² + a1 x + a0, q = −(a1 ± √D)/2 without cancellation; q; and
    whether they are real and distinct (real coefficients; the second root is 1e300 for a2 = 0)."""
    disc = a1 * a1 - 4.0 * a2 * a0
    q = -0.5 * (a1 + jnp.where(a1 >= 0, 1.0, -1.0) * sqrt_safe(disc))
    real = (disc > 0) & (q != 0)
    small = a0 / jnp.where(real, q, 1.0)
    big = jnp.where(real & (a2 != 0), q / jnp.where(a2 != 0, a2, 1.0), 1e300)
    return jnp.where(real, small, 1e300), big, q, real


def _c_nodes(p1, p2, p3, m1, m2, m3):
    """v nodes (v, 1 − v), weights, and Δ(1, v) and b² − 4ac at the nodes, exact near their zeros.

    [0, 1] is cut where the radial integral is not analytic in v: where a root of Δ(·, v) crosses
    u = 1 (Δ(1, v) = 0, log singularity and a step in Im) and where the two roots meet inside (0, 1)
    (b² − 4ac = 0, an inverse square-root singularity). Each of the 5 pieces gets a tanh–sinh rule,
    in t² (or 1 − (1 − t)², or t²(3 − 2t)) at ends of the second kind, which makes them smooth.
    Points that are absent collapse onto the stationary point of Δ(1, v) (empty pieces, weight 0).
    All cuts come from real parts (complex masses: no cuts are needed, disc is used as it is).
    """
    p1r, p2r, p3r, m1r, m2r, m3r = (jnp.real(x) for x in (p1, p2, p3, m1, m2, m3))
    edges = _b_pieces(p2r, m3r, m2r)  # Δ(1, v) = v m2² + (1 − v) m3² − v (1 − v) p2²
    lo, mid, hi = edges[..., 1], edges[..., 2], edges[..., 3]
    e_cut = lo < hi
    # b² − 4ac = D(v), quadratic, with a = a2 v² + a1 v + a0, b = b1 v + b0, c = m1²; its roots come
    # from its expansions about v = 0 and v = 1, each exact for the root next to its end (D(0), D(1)
    # are Källén functions, and A + B + C would cancel)
    a2, a1, a0 = p2r, p1r - p3r - p2r, p3r
    b1, b0 = m2r - m3r - p1r + p3r, -m1r + m3r - p3r
    d2 = b1 * b1 - 4.0 * m1r * a2

    def slope(v):  # D′(v)
        return 2.0 * (b1 * v + b0) * b1 - 4.0 * m1r * (2.0 * a2 * v + a1)

    near0, _, _, real0 = _real_roots(d2, slope(0.0), b0 * b0 - 4.0 * m1r * a0)
    w1, _, _, real1 = _real_roots(d2, -slope(1.0), (b1 + b0) ** 2 - 4.0 * m1r * p1r)
    near1 = 1.0 - w1

    def tangent(d, real):  # a double root of Δ(·, v) inside (0, 1) at v = d?
        a_d, b_d = (a2 * d + a1) * d + a0, b1 * d + b0
        u0 = -b_d / jnp.where(a_d != 0, 2.0 * a_d, 1.0)
        return real & (d > 0) & (d < 1) & (a_d != 0) & (u0 > 0) & (u0 < 1)

    cut0, cut1 = tangent(near0, real0), tangent(near1, real1)
    near0, near1 = jnp.where(cut0, near0, mid), jnp.where(cut1, near1, mid)
    zero, one = jnp.zeros_like(mid), jnp.ones_like(mid)
    points = jnp.stack([zero, lo, hi, near0, near1, one], -1)
    kinks = jnp.stack([zero, zero, zero, cut0, cut1, zero], -1) > 0
    order = jnp.argsort(points, axis=-1)
    points, kinks = jnp.take_along_axis(points, order, -1), jnp.take_along_axis(kinks, order, -1)

    t, tc, w = _C_RULE
    start, stop = points[..., :-1, None], points[..., 1:, None]
    left, right = kinks[..., :-1, None], kinks[..., 1:, None]
    both = left & right
    phi = jnp.where(both, t * t * (3 - 2 * t), jnp.where(left, t * t, jnp.where(right, t * (1 + tc), t)))
    phic = jnp.where(both, tc * tc * (3 - 2 * tc), jnp.where(left, tc * (1 + t), jnp.where(right, tc * tc, tc)))
    dphi = jnp.where(both, 6 * t * tc, jnp.where(left, 2 * t, jnp.where(right, 2 * tc, 1.0)))
    length = stop - start
    shape = (*points.shape[:-1], -1)
    flat = lambda x: jnp.broadcast_to(x, (*start.shape[:-1], t.size)).reshape(shape)

    def offset(point):  # v − point, exact when point is a piece end
        point = point[..., None, None]
        return flat(jnp.where(point <= start, (start - point) + length * phi, (stop - point) - length * phic))

    v, vc, weight = flat(start + length * phi), flat((1.0 - stop) + length * phic), flat(length * w * dphi)

    real = jnp.all(jnp.stack([jnp.imag(x) == 0 for x in (p1, p2, p3, m1, m2, m3)]), axis=0)[..., None]
    p1, p2, p3, m1, m2, m3 = (x[..., None] for x in (p1, p2, p3, m1, m2, m3))
    a = v * p1 + vc * p3 - v * vc * p2
    b = -m1 + v * m2 + vc * m3 - v * p1 - vc * p3
    e = v * m2 + vc * m3 - v * vc * p2
    e = jnp.where(real & e_cut[..., None], p2 * offset(lo) * offset(hi), e)

    def local(d):  # D(v) = (v − d) (D′(d) + D2 (v − d)), exact next to its zero d
        off = offset(d)
        return off * (slope(d)[..., None] + d2[..., None] * off)

    first = cut0[..., None] & (~cut1[..., None] | (jnp.abs(v - near0[..., None]) < jnp.abs(v - near1[..., None])))
    disc = jnp.where(real & (cut0 | cut1)[..., None], jnp.where(first, local(near0), local(near1)), b * b - 4.0 * a * m1)
    return v, vc, weight, a, b, e, disc


def _c_integrals(p12, p22, p32, m12, m22, m32, names=_C_NAMES):
    """v-integrals of the radial integrals, for the (static) subset `names` of C0, C1, C2, C11,
    C12, C22, as a tuple in that order; radial powers no name needs are never computed."""
    _check((m12, m22, m32), (p12, p22, p32))
    p1, p2, p3, m1, m2, m3 = jnp.broadcast_arrays(*_complex(p12, p22, p32, m12, m22, m32))
    v, vc, weight, a, b, e, disc = _c_nodes(p1, p2, p3, m1, m2, m3)
    p1, p2, p3, m1, m2, m3 = (x[..., None] for x in (p1, p2, p3, m1, m2, m3))
    c = jnp.broadcast_to(m1, a.shape)
    b1 = m1 - v * m2 - vc * m3 - v * p1 - vc * p3 + 2.0 * v * vc * p2
    # A node that a t² end map pushes to within ~1e-9 of a double root (weight ~1e-40) can give
    # 0/0 in the partial fractions; its contribution is below 1e-18 of the integral. Such nodes get
    # a harmless quadratic (u² + 1, roots ±i) and weight 0: the double-`where` keeps gradients finite.
    keep = weight > _NEGLIGIBLE_WEIGHT
    weight = jnp.where(keep, weight, 0.0)
    a, b, c, e, b1, disc = (jnp.where(keep, x, y) for x, y in ((a, 1.0), (b, 0.0), (c, 1.0), (e, 2.0), (b1, -2.0), (disc, -4.0)))
    rows = [_C_NAMES.index(name) for name in names]
    radial = _radial(a, b, c, e, b1, disc)[..., _C_POWERS[rows]]
    polynomial = v[..., None] ** _C_V_POWERS[rows, 0] * vc[..., None] ** _C_V_POWERS[rows, 1]
    coefficients = jnp.sum(radial * (weight[..., None] * _C_SIGNS[rows] * polynomial), axis=-2)
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
