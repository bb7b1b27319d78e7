"""Fixed quadrature rules, built once with NumPy and static under `jit`.

- Gauss–Legendre on [−1, 1] (Golub–Welsch, via `numpy.polynomial.legendre.leggauss`), mapped to
  any interval, and helpers that integrate over many bins at once as one array expression.
- The double-exponential (tanh–sinh) rule on [0, 1] of Takahasi and Mori, Publ. RIMS Kyoto 9
  (1974) 721, whose nodes crowd exponentially towards both ends: it integrates functions with
  endpoint log or power singularities, or with features at any small distance from an end, to
  near machine precision. Nodes come with their distance to *both* ends (x and 1 − x), so that
  integrands stay accurate near x = 1 too.
"""

import functools

import jax.numpy as jnp
import numpy as np

__all__ = [
    "gauss_legendre",
    "bin_nodes",
    "integrate",
    "integrate_bins",
    "tanh_sinh",
    "barycentric_weights",
]


@functools.lru_cache(maxsize=None)
def gauss_legendre(n):
    """Nodes and weights (NumPy float64, read-only) of the n-point Gauss–Legendre rule on [−1, 1].

    Exact for polynomials of degree ≤ 2n − 1.
    """
    if int(n) != n or n < 1:
        raise ValueError(f"Gauss–Legendre order must be a positive integer, got n={n!r}")
    x, w = np.polynomial.legendre.leggauss(int(n))
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def bin_nodes(lo, hi, n=16):
    """Gauss–Legendre nodes and weights on [lo, hi], for arrays of bins at once.

    Args:
      lo, hi: bin edges (broadcastable arrays, any units).
      n: static number of nodes per bin.

    Returns:
      (x, w), each of shape broadcast(lo, hi).shape + (n,), such that Σ w f(x) ≈ ∫_lo^hi f.
    """
    t, wt = gauss_legendre(n)
    lo = jnp.asarray(lo)[..., None]
    hi = jnp.asarray(hi)[..., None]
    half = 0.5 * (hi - lo)
    return lo + half * (t + 1.0), half * wt


def integrate(fn, lo, hi, n=16):
    """∫_lo^hi fn(x) dx by n-point Gauss–Legendre; `fn` maps an array of nodes elementwise.

    `lo` and `hi` broadcast, so one call integrates many intervals; the result has their shape.
    """
    x, w = bin_nodes(lo, hi, n)
    return jnp.sum(fn(x) * w, axis=-1)


def integrate_bins(fn, edges, n=16):
    """Integrals of fn over consecutive bins [edges[i], edges[i+1]] as one array expression.

    Args:
      fn: elementwise function of an array of nodes.
      edges: 1-D array of B + 1 increasing edges (checked when concrete).
      n: nodes per bin.

    Returns:
      Array of B integrals.
    """
    edges = jnp.asarray(edges)
    if edges.ndim != 1 or edges.shape[0] < 2:
        raise ValueError(f"bin edges must be a 1-D array of at least two values, got shape {edges.shape}")
    try:
        concrete = np.asarray(edges)
    except Exception:  # traced edges: checked by the caller that built them
        concrete = None
    if concrete is not None and not np.all(np.diff(concrete) > 0):
        raise ValueError(f"bin edges must increase strictly, got {concrete.tolist()}")
    return integrate(fn, edges[:-1], edges[1:], n)


@functools.lru_cache(maxsize=None)
def tanh_sinh(h, t_max):
    """Tanh–sinh rule on [0, 1]: nodes x, their complements 1 − x, and weights (NumPy, read-only).

    x(t) = [1 + tanh(π/2 sinh t)] / 2 on the grid t = k h, |t| ≤ t_max (trapezoidal rule in t).
    Both x and 1 − x are computed without cancellation, down to ~1e-300.

    Args:
      h: step in t; the error falls like exp(−c/h) for integrands analytic inside (0, 1).
      t_max: where the grid is cut; 3.2 reaches x ≈ 1e-16 from either end, 4.0 reaches 1e-59.
    """
    t = np.arange(-np.floor(t_max / h), np.floor(t_max / h) + 1) * h
    u = 0.5 * np.pi * np.sinh(t)
    # 1/(1 + e^{2u}) and e^{2u}/(1 + e^{2u}) = (1 ∓ tanh u)/2, each without cancellation
    x = 1.0 / (1.0 + np.exp(-2.0 * u))
    xc = 1.0 / (1.0 + np.exp(2.0 * u))
    w = h * 0.5 * np.pi * np.cosh(t) * x * xc * 2.0
    keep = (x > 0) & (xc > 0) & (w > 0)
    out = tuple(a[keep] for a in (x, xc, w))
    for a in out:
        a.flags.writeable = False
    return out



@functools.lru_cache(maxsize=None)
def barycentric_weights(n):
    """(t, b): the n Gauss–Legendre nodes and their barycentric interpolation weights (NumPy).

    The polynomial of degree ≤ n − 1 through values f_k at the nodes is
    p(t) = Σ_k b_k f_k/(t − t_k) / Σ_k b_k/(t − t_k), with b_k = (−1)^k √((1 − t_k²) w_k) for
    Gauss–Legendre nodes t_k (ascending) and weights w_k (Wang & Xiang, Math. Comp. 81 (2012) 861;
    Berrut & Trefethen, SIAM Rev. 46 (2004) 501 for the formula and its stability).
    """
    t, w = gauss_legendre(n)
    b = (-1.0) ** np.arange(n) * np.sqrt((1 - t**2) * w)
    b.flags.writeable = False
    return t, b


def barycentric_basis(t, nodes, weights):
    """λ_k(t), λ′_k(t) (shapes (…, n)) with p(t) = Σ λ_k f_k and p′(t) = Σ λ′_k f_k for the
    polynomial through (nodes, f_k): the barycentric formula (Berrut & Trefethen, SIAM Rev. 46
    (2004) 501), p′ = Σ λ_k (S − 1/(t − t_k)) f_k with S = Σ λ_k/(t − t_k).

    `t` any shape, `nodes` and `weights` (n,) as from `barycentric_weights`. A t within 1e-13 of a
    node is moved 1e-13 off it, where λ is that node's indicator to rounding: values and
    gradients stay finite on the nodes.
    """
    t = jnp.asarray(t)
    d = t[..., None] - nodes
    d = jnp.where(jnp.abs(d) < 1e-13, 1e-13, d)
    ratio = weights / d
    lam = ratio / jnp.sum(ratio, axis=-1, keepdims=True)
    inv = 1 / d
    return lam, lam * (jnp.sum(lam * inv, axis=-1, keepdims=True) - inv)
