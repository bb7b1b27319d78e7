"""Quadratic forms in the Wilson coefficients, precomputed at quadrature nodes.

Every b→sℓℓ rate (and angular numerator) at fixed q² is a real quadratic function of the real
vector r = (Re x, Im x), x = (1, C7, …, CPp) of `jaxflav.wcxf`: the amplitudes
are linear in x, CP-conjugate amplitudes are linear in x*, and a rate is a sum of their products.
So f(q², x) = rᵀ Q(q²) r with a symmetric 14×14 matrix Q that does not depend on any parameter.
`quadratic_form` extracts Q exactly as half the Hessian of f at r = 0 (f is exactly quadratic),
once, when a likelihood is built, from f written on precomputed amplitude matrices (H = T x), so
the Hessian only sees the small bilinear algebra; a parameter point then costs one small form per node
(`../shared/ARCHITECTURE.md` §3).

Bins are integrated with Gauss–Legendre in s = ½ ln(q² − 4m_ℓ²): the substitution absorbs the
1/q² photon pole at low q² and the √(q² − 4m_ℓ²) threshold factor, so a few dozen nodes reach
10⁻⁶ relative accuracy for every bin from 4m_ℓ² upwards.
"""

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from jaxflav.wcxf import DIM
from kernels.quadrature import gauss_legendre

REAL_DIM = 2 * DIM


def bin_map(q2min: float, q2max: float, threshold: float, n: int | None = None):
    """(s0, s1, n) of `bin_nodes`: the bin is [threshold + e^{2 s0}, threshold + e^{2 s1}] in q², with n
    Gauss–Legendre nodes in s; None for a bin entirely below the threshold."""
    lo = max(q2min, threshold)
    if not q2max > lo:
        return None
    # from the threshold itself, start 10⁻⁶·4m² above it: what is left out is O(10⁻⁹) of the bin (β ≤ 10⁻³ there)
    s0 = 0.5 * math.log(max(lo - threshold, 1e-6 * threshold)) if threshold > 0 else 0.5 * math.log(lo)
    s1 = 0.5 * math.log(q2max - threshold)
    return s0, s1, n or 12 + 6 * math.ceil(s1 - s0)


def bin_nodes(q2min: float, q2max: float, threshold: float, n: int | None = None):
    """Nodes and weights for ∫_{q2min}^{q2max} f(q²) dq², in s = ½ ln(q² − threshold).

    `threshold` (GeV²) is the pair threshold 4m_ℓ² > 0 (q2min is raised to it). The node count grows
    with the logarithmic length of the bin unless `n` is given. Returns NumPy arrays (q², w).
    """
    mapped = bin_map(q2min, q2max, threshold, n)
    if mapped is None:
        return np.zeros(0), np.zeros(0)
    s0, s1, n = mapped
    t, w = gauss_legendre(n)
    s = 0.5 * (s1 - s0) * t + 0.5 * (s1 + s0)
    e2s = np.exp(2 * s)
    return threshold + e2s, 0.5 * (s1 - s0) * w * 2 * e2s


def to_real(x):
    """r = (Re x, Im x) along the last axis."""
    return jnp.concatenate([jnp.real(x), jnp.imag(x)], axis=-1)


def amplitude_matrices(amplitudes, *args):
    """(T, T̄) with amplitudes(e_j, cp) = column j: H = T x and H̄ = T̄ x* for amplitudes linear in x
    (in x* for the CP conjugate, cp=True). Shapes: amplitudes' shape + (DIM,)."""
    basis = jnp.eye(DIM, dtype=complex)
    return tuple(jax.vmap(lambda e: amplitudes(e, cp, *args), out_axes=-1)(basis) for cp in (False, True))


def quadratic_form(rate, nodes):
    """Q at each node with rate(x, node) = rᵀ Q r for every x.

    `nodes` is a pytree of arrays with a leading node axis (q², amplitude matrices, masses…);
    `rate(x, node)` must be a real function, exactly quadratic (homogeneous) in the complex
    vector x of length DIM, of one node. Returns a NumPy array (n_nodes, 2·DIM, 2·DIM), or
    (n_nodes, k, 2·DIM, 2·DIM) for a rate returning k values.
    """
    return np.asarray(_hessians(rate)(nodes))


@functools.cache
def _hessians(rate):
    def f(r, node):
        return rate(r[:DIM] + 1j * r[DIM:], node)

    return jax.jit(jax.vmap(lambda node: 0.5 * jax.hessian(f)(jnp.zeros(REAL_DIM), node)))


def values(Q, r):
    """rᵀ Q r for each form: Q (..., 2·DIM, 2·DIM) and r (..., 2·DIM) broadcast against each other."""
    return jnp.einsum("...i,...ij,...j->...", r, Q, r)
