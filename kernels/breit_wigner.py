"""Breit–Wigner propagator and its bin integrals, exact for any width.

The relativistic Breit–Wigner propagator of a vector boson of mass M and total width Γ (GeV),

    BW(q²) = 1 / (q² − M² + i M Γ)                                  (q² in GeV², BW in GeV⁻²),

is the standard constant-width form (Particle Data Group, Review of Particle Physics, review
"Resonances"; the project's design notes, ARCHITECTURE.md, "kernels/ — Breit–Wigner"). This
module gives static quadrature rules for

    I_abs2 = ∫_a^b |BW|² f dq²,   I_re = ∫_a^b Re BW f dq²,   I_im = ∫_a^b Im BW f dq²

for any smooth (real or complex) f, with a fixed number of nodes (132 by default) and no
data-dependent control flow. Against scipy quad, 500 random (M, Γ/M ∈ [1e-15, 0.5], bin) with the
pole M² below, inside, on either edge of, or above [a, b] and four test functions f agree to
≤ 1e-12 relative (tests/test_breit_wigner.py asserts 1e-8).

Maps. With y = q² − M² and g = M Γ (GeV²), the bin [a − M², b − M²] in y is cut into five pieces,
each the intersection of the bin with a fixed region (a piece outside the bin gets zero length and
contributes exactly zero, continuously in a, b, M, Γ):

* centre, |y| ≤ K g: θ = arctan(y/g), Gauss–Legendre in θ. There
  |BW|² dq² = dθ / g,   Re BW dq² = tan θ dθ,   Im BW dq² = −dθ
  exactly, so the narrow-width limit ∫|BW|² f → π f(M²)/(MΓ) comes out by itself.
* near tails, K g ≤ ±y ≤ R·(far end): s = log(|y|/y₀), Gauss–Legendre in s. With u = g/|y|,
  |BW|² dq² = 1/(|y|(1 + u²)) ds,  Re BW dq² = ±1/(1 + u²) ds,  Im BW dq² = −u/(1 + u²) ds.
  In s the propagator's poles sit at Im s = ±π/2, so few nodes cover the up to ~40 e-folds
  between M Γ and the bin end.
* far tails, R·(far end) ≤ ±y ≤ far end: plain Gauss–Legendre in y (|BW|² = 1/(y²(1 + u²)),
  Re BW = ±1/(|y|(1 + u²)), Im BW = −u/(|y|(1 + u²))). A log map compresses the far end of the bin,
  where f may have a nearby singularity (a form-factor pole, the cc̄ threshold of C₉^eff); the far
  piece keeps the resolution in y there.

Every weight is written in the piece's own variable, with no 1/(tiny) cancellation. M² is m·m
taken exactly (`minus_square`), so a bin edge a = M² means the same to jitted and eager calls.

Domain: width > 0 strictly (Γ = 0 raises ValueError: ∫|BW|² f diverges like π f(M²)/(MΓ), and
the θ map needs g > 0; take Γ/M = 1e-15 for the narrow-width limit), m > 0, a ≤ b, all finite.
f must be analytic near the bin: a singularity of f at ≥ 30 % of the bin length beyond an edge
costs ≤ 1e-8, at 15 % up to ~1e-6 (worst when the bin is narrower than a few MΓ); raise the node
counts for such f. Γ/M below 1e-15 lengthens the log interval log(|y_end|/(K M Γ)) beyond ~40:
at Γ/M = 1e-18 with M = 3 MeV (length 55) the error is still ~2e-11.

With the pole exactly on an edge and Γ/M ~ 1e-15, the gradients contain terms ~1/(MΓ)² that
cancel; they stay finite, with absolute errors ~1e-16 of those terms.
"""

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp

from kernels import validate
from kernels.quadrature import gauss_legendre

__all__ = [
    "propagator",
    "nodes",
    "integrate",
    "integrate_propagator",
    "moments",
    "Moments",
    "minus_square",
    "N_CENTRE",
    "N_TAIL",
    "N_FAR",
    "K_CENTRE",
    "R_FAR",
]

# Static defaults, tuned against scipy quad references (as in tests/test_breit_wigner.py); K and R
# are read when `nodes` is first traced, node counts are arguments:
K_CENTRE = 2.5  # half-width of the arctan piece, in units of M Γ
R_FAR = 0.25  # the far (linear) piece covers [R_FAR·y_end, y_end] of each tail
N_CENTRE = 20  # Gauss–Legendre nodes in θ
N_TAIL = 40  # Gauss–Legendre nodes in s = log|y|, per side
N_FAR = 16  # Gauss–Legendre nodes in y, per side


@jax.custom_jvp
def minus_square(q2, m):
    """q² − m², with m² taken exactly (float64: error ≲ 1e-30 m² + 1e-16 |q² − m²|).

    Near a pole the integrals depend on q² − M² on the scale M Γ, which for Γ/M = 1e-15 is a few
    ulps of M²: `a - m * m` would then depend on whether the compiler contracts it into a fused
    multiply-add (XLA on CPU does under `jit`, not op by op), and a jitted and an eager call
    would disagree by per cents (3 % measured for a = fl(m·m), Γ/M = 1e-15). Instead m is split
    into a 26-bit head and a tail (bit mask, as in Dekker's exact product, Numer. Math. 18 (1971)
    224), so every product that meets a cancellation is exact and fusion cannot change the result.
    The derivative is the plain one, d(q² − m²) = dq² − 2m dm.
    """
    q2, m = jnp.asarray(q2), jnp.asarray(m)
    if m.dtype != jnp.float64:
        return q2 - m * m
    bits = jax.lax.bitcast_convert_type(m, jnp.int64)
    hi = jax.lax.bitcast_convert_type(bits & jnp.int64(~(2**27 - 1)), jnp.float64)
    lo = m - hi  # exact; hi·hi and (2 hi)·lo are exact products
    return ((q2 - hi * hi) - (2.0 * hi) * lo) - lo * lo


@minus_square.defjvp
def _minus_square_jvp(primals, tangents):
    q2, m = primals
    dq2, dm = tangents
    return minus_square(q2, m), dq2 - 2.0 * m * dm


def propagator(q2, m, width):
    """Relativistic Breit–Wigner propagator BW(q²) = 1/(q² − M² + i M Γ) (complex, GeV⁻²).

    PDG review "Resonances" (constant width). Args: q2 (GeV²), m = M (GeV), width = Γ (GeV);
    broadcasting. Written as (y − i g)/(y² + g²), y = q² − M², g = M Γ; finite for Γ > 0.
    """
    q2, m, width = jnp.asarray(q2), jnp.asarray(m), jnp.asarray(width)
    y = minus_square(q2, m)
    g = m * width
    den = y * y + g * g
    return (y - 1j * g) / den


def _check(a, b, m, width):
    validate.check_finite(a=a, b=b, m=m, width=width)
    validate.check_positive(m=m, width=width)
    validate.check_ordered("a", a, "b", b)


def _tail(lo, hi, g, n_tail, n_far):
    """One tail, in z = |y| > 0, over [max(lo, K g), max(hi, ·)] (empty when hi ≤ K g).

    Returns z nodes and weights for |BW|², |Re BW| (sign added by the caller) and Im BW, each of
    shape (..., n_tail + n_far), ordered by increasing z.
    """
    dtype = g.dtype
    kg = K_CENTRE * g
    z0 = jnp.maximum(lo, kg)  # > 0: every log and ratio below is finite
    z1 = jnp.maximum(hi, z0)
    zm = jnp.maximum(z0, R_FAR * z1)
    g_ = g[..., None]

    # near piece: s = log(z/z0) on [0, log(zm/z0)], dz = z ds
    t, wt = (jnp.asarray(v, dtype) for v in gauss_legendre(n_tail))
    half = 0.5 * jnp.log(zm / z0)[..., None]
    z_near = z0[..., None] * jnp.exp(half * (t + 1.0))
    u = g_ / z_near
    d = 1.0 / (1.0 + u * u)
    base = half * wt
    near = (z_near, base * d / z_near, base * d, -base * u * d)

    # far piece: plain Gauss–Legendre in z on [zm, z1]
    t, wt = (jnp.asarray(v, dtype) for v in gauss_legendre(n_far))
    half = 0.5 * (z1 - zm)[..., None]
    z_far = zm[..., None] + half * (t + 1.0)
    u = g_ / z_far
    d = 1.0 / (1.0 + u * u)
    base = half * wt
    far = (z_far, base * d / (z_far * z_far), base * d / z_far, -base * u * d / z_far)

    return tuple(jnp.concatenate([p, q], axis=-1) for p, q in zip(near, far))


def nodes(a, b, m, width, *, n_centre=N_CENTRE, n_tail=N_TAIL, n_far=N_FAR):
    """Quadrature nodes and weights for Breit–Wigner bin integrals (see the module docstring).

    Args:
      a, b: bin edges in q² (GeV²), a ≤ b.
      m: resonance mass M (GeV), > 0.
      width: total width Γ (GeV), > 0.
      n_centre, n_tail, n_far: static node counts (arctan piece; log and linear piece per side).
      All four arrays broadcast; concrete values are checked (ValueError naming the argument).

    Returns:
      (q2, w_abs2, w_re, w_im), each of shape broadcast(a, b, m, width).shape + (N,) with
      N = n_centre + 2 (n_tail + n_far), nodes in increasing q² and inside [a, b], such that
        Σ w_abs2 f(q2) ≈ ∫_a^b |BW|² f dq²  (GeV⁻² × [f]),
        Σ w_re f(q2)   ≈ ∫_a^b Re BW f dq²,   Σ w_im f(q2) ≈ ∫_a^b Im BW f dq²   ([f]),
      with BW = 1/(q² − M² + i M Γ) (PDG review "Resonances"). Differentiable in a, b, m,
      width, with finite gradients (also with the pole exactly on an edge).
    """
    _check(a, b, m, width)
    return _nodes(a, b, m, width, int(n_centre), int(n_tail), int(n_far))


@functools.partial(jax.jit, static_argnums=(4, 5, 6))
def _nodes(a, b, m, width, n_centre, n_tail, n_far):
    a, b, m, width = jnp.broadcast_arrays(*(jnp.asarray(v) for v in (a, b, m, width)))
    dtype = jnp.result_type(a, b, m, width, float)
    a, b, m, width = (v.astype(dtype) for v in (a, b, m, width))

    m2 = m * m
    g = m * width
    ya = minus_square(a, m)  # exact M² = m·m: see `minus_square`
    yb = minus_square(b, m)

    # centre: θ = arctan(y/g) on the bin ∩ [−K g, K g]
    t, wt = (jnp.asarray(v, dtype) for v in gauss_legendre(n_centre))
    th_lo = jnp.arctan(jnp.clip(ya / g, -K_CENTRE, K_CENTRE))
    th_hi = jnp.arctan(jnp.clip(yb / g, -K_CENTRE, K_CENTRE))
    half = 0.5 * (th_hi - th_lo)[..., None]
    tan_th = jnp.tan(th_lo[..., None] + half * (t + 1.0))
    base = half * wt
    centre = (g[..., None] * tan_th, base / g[..., None], base * tan_th, -base)

    # tails: right in z = y, left in z = −y (Re BW odd, |BW|² and Im BW even in y)
    zr, ar, rr, ir = _tail(ya, yb, g, n_tail, n_far)
    zl, al, rl, il = _tail(-yb, -ya, g, n_tail, n_far)
    left = tuple(jnp.flip(v, axis=-1) for v in (-zl, al, -rl, il))

    y, w_abs2, w_re, w_im = (
        jnp.concatenate([p, c, q], axis=-1) for p, c, q in zip(left, centre, (zr, ar, rr, ir))
    )
    # Empty pieces collapse onto a point that may lie outside [a, b] (their weights are 0, with
    # zero gradient); clipping keeps every node in the bin, where the caller's f is defined.
    q2 = jnp.clip(m2[..., None] + y, a[..., None], b[..., None])
    return q2, w_abs2, w_re, w_im


def integrate(fn, a, b, m, width, **node_counts):
    """(∫|BW|² f, ∫Re BW f, ∫Im BW f) over [a, b] in q²; `fn` maps an array of q² elementwise.

    BW = 1/(q² − M² + i M Γ) (PDG review "Resonances"); a, b in GeV², m, width in GeV; see
    `nodes` for the arguments and the accuracy. The results have shape broadcast(a, b, m, width).
    """
    q2, w_abs2, w_re, w_im = nodes(a, b, m, width, **node_counts)
    f = fn(q2)
    return tuple(jnp.sum(w * f, axis=-1) for w in (w_abs2, w_re, w_im))


def integrate_propagator(fn, a, b, m, width, **node_counts):
    """∫_a^b BW(q²) f(q²) dq² (complex), BW = 1/(q² − M² + i M Γ); see `integrate`."""
    q2, _, w_re, w_im = nodes(a, b, m, width, **node_counts)
    f = fn(q2)
    return jnp.sum((w_re + 1j * w_im) * f, axis=-1)


class Moments(NamedTuple):
    """Closed-form integrals over [a, b] of the real and imaginary parts of BW = β_r + i β_i and of
    their products, each plain and times u = q² − M² (GeV powers as the integrands imply)."""

    re: jax.Array  # ∫ β_r
    im: jax.Array  # ∫ β_i
    re2: jax.Array  # ∫ β_r²
    reim: jax.Array  # ∫ β_r β_i
    im2: jax.Array  # ∫ β_i²
    u_re2: jax.Array  # ∫ u β_r²
    u_reim: jax.Array  # ∫ u β_r β_i
    u_im2: jax.Array  # ∫ u β_i²


def _antiderivatives(u, g):
    """Antiderivatives in u of the `Moments` integrands, with β_r = u/(u² + g²), β_i = −g/(u² + g²)."""
    d = u * u + g * g
    theta = jnp.arctan2(u, g)  # arctan(u/g) for g > 0, with no division by a tiny g
    half_log = jnp.log(jnp.hypot(u, g))  # ½ ln(u² + g²), without squaring u or g
    return Moments(
        re=half_log,
        im=-theta,
        re2=theta / (2 * g) - u / (2 * d),
        reim=g / (2 * d),
        im2=theta / (2 * g) + u / (2 * d),
        u_re2=half_log + g * g / (2 * d),
        u_reim=-theta / 2 + g * u / (2 * d),
        u_im2=-g * g / (2 * d),
    )


def moments(a, b, m, width):
    """`Moments` of BW(q²) = 1/(q² − M² + i M Γ) over a ≤ q² ≤ b, in closed form.

    Elementary integrals of rational functions (e.g. ∫ du/(u² + g²)² = u/(2g²(u² + g²)) +
    arctan(u/g)/(2g³)), exact for any g = M Γ > 0: ∫β_r² + ∫β_i² = ∫|BW|² → π/(MΓ) over a bin
    containing the pole. They let a smooth f be integrated against BW by subtraction,
    ∫ f BW = f(c) ∫BW + ∫ (f − f(c)) BW, with the remainder smooth enough for fixed nodes.
    a, b in GeV², m and width in GeV (width > 0); broadcasting; pure JAX.
    """
    a, b, m, width = (jnp.asarray(x, dtype=float) for x in (a, b, m, width))
    g = m * width
    hi, lo = _antiderivatives(minus_square(b, m), g), _antiderivatives(minus_square(a, m), g)
    return Moments(*(h - l for h, l in zip(hi, lo)))
