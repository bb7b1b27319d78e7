"""Binned b→sℓℓ rates with one s-channel resonance in the Wilson coefficients, exact for any width.

With x(q²) = x₀ + BW(q²) v(q²), x₀ the Standard-Model vector (1, 0, …), v = A + B q² (complex) and
BW = β_r + i β_i = 1/(q² − M² + i M Γ), a rate density rᵀQr (`jaxflav.observables.forms`) is

    f = f₀ + 2 (β_r g₁ + β_i g₂) + β_r² h_rr + β_r β_i h_ri + β_i² h_ii,

with g₁ = r₀ᵀQ R(v), g₂ = r₀ᵀQ R(iv), h_rr = R(v)ᵀQR(v), h_ri = 2 R(v)ᵀQR(iv), h_ii = R(iv)ᵀQR(iv)
smooth in q² (R(z) = (Re z, Im z)). Fixed nodes cannot integrate β's of width MΓ ≪ bin (Γ/M down
to 1e-15 here), so each bin integral is split by subtraction at c = clip(M², bin):

    ∫ g β = g(c) ∫β + Σ_k w_k (g_k − g(c)) β_k,
    ∫ h β β' = h(c) ∫ββ' + h′(c) ∫(q² − c) ββ' + Σ_k w_k (h_k − h(c) − h′(c)(q_k − c)) β_k β'_k,

where the ∫'s are closed forms (`kernels.breit_wigner.moments`) and the remainders are smooth
(bounded by g′ and h″/2), so the bin's own Gauss–Legendre nodes in s = ½ ln(q² − 4m_ℓ²) integrate
them. g(c), h(c), h′(c) come from the polynomial through the nodal values (degree n − 1 in s, the
same nodes, barycentric form; `kernels.quadrature.barycentric_weights`). The narrow-width limit ∫|BW|² h → π h(M²)/(MΓ)
is exact, and nothing depends on the parameters but A, B, M and Γ, so Q stays precomputed.

Accuracy: that of the fixed rule for the remainders (≲ 1e-8 relative for the Table-1 bins) plus
the interpolation error of g, h at c; a pole within ~1e-8 GeV² of a node (a set of measure zero)
amplifies rounding in the remainder by ~1e-16 h/u².
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxflav.observables.forms import to_real
from kernels.breit_wigner import minus_square, moments, propagator
from kernels.quadrature import barycentric_basis, barycentric_weights


class Layout(NamedTuple):
    """Static per-lepton data: which nodes belong to which component, and how to interpolate there."""

    index: np.ndarray  # (n_comp, n_max) node indices (padded with 0)
    mask: np.ndarray  # (n_comp, n_max) 1 on real nodes
    t_nodes: np.ndarray  # (n_comp, n_max) Gauss–Legendre nodes in t ∈ [−1, 1] (padding: 2)
    bary: np.ndarray  # (n_comp, n_max) their barycentric weights (padding: 0)
    threshold: np.ndarray  # (n_comp,) GeV²; the bin is [lo, hi] = threshold + e^{2 s}, s ∈ [s0, s1]
    s_mid: np.ndarray
    s_half: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    point: np.ndarray  # (n_comp,) True for point values (one node, weight 1)
    weight: np.ndarray  # (n_nodes,) quadrature weight of each node (1 for point values)


def layout(maps, counts, weights):
    """`Layout` for components with bin maps `maps` ((threshold, s0, s1, n) or None for a point
    value), node counts `counts` (in the order the nodes are concatenated) and node weights."""
    n_max = max(counts)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    index = np.zeros((len(counts), n_max), int)
    mask = np.zeros((len(counts), n_max))
    t_nodes, bary = np.full((len(counts), n_max), 2.0), np.zeros((len(counts), n_max))
    thr, s_mid, s_half, lo, hi = (np.zeros(len(counts)) for _ in range(5))
    for j, (m, n, start) in enumerate(zip(maps, counts, offsets)):
        index[j, :n] = start + np.arange(n)
        mask[j, :n] = 1.0
        if m is None:
            s_half[j], bary[j, 0], t_nodes[j, 0] = 1.0, 1.0, 0.5
            continue
        thr[j], s0, s1, n_rule = m
        assert n_rule == n
        t_nodes[j, :n], bary[j, :n] = barycentric_weights(n)
        s_mid[j], s_half[j] = 0.5 * (s1 + s0), 0.5 * (s1 - s0)
        lo[j], hi[j] = thr[j] + np.exp(2 * s0), thr[j] + np.exp(2 * s1)
    point = np.array([m is None for m in maps])
    return Layout(index, mask, t_nodes, bary, thr, s_mid, s_half, lo, hi, point, np.asarray(weights, float))


_PAIRS = np.array([(0, 0), (0, 1), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1), (2, 2), (2, 3), (3, 3)])


def _nodal(q2, Q, r0, A, B):
    """Weighted nodal values of (g₁, g₂, h_rr, h_ri, h_ii) for Q with weights folded in.

    With r₁ = R(A) + q² R(B) and r₂ = R(iA) + q² R(iB), the values are polynomials in q² of
    u = r₀ᵀQ V and of the bilinear forms G_kl = V_kᵀ Q V_l, V = (R(A), R(B), R(iA), R(iB)). The ten
    G_kl needed come from one product of the nodes' upper triangles (n_nodes, n(n+1)/2, n = 2·DIM or
    the size `Predictions(coefficients=…)` keeps) with the matching symmetrised products of V's columns: under vmap a single matrix product
    for all points, twice as fast as three form evaluations per point (Q is read once a batch)."""
    i, j = np.triu_indices(Q.shape[-1])  # the entries i ≤ j of the (symmetric) forms
    V = jnp.stack([to_real(A), to_real(B), to_real(1j * A), to_real(1j * B)], axis=-1)  # (2·DIM, 4)
    Vk, Vl = V[:, _PAIRS[:, 0]], V[:, _PAIRS[:, 1]]
    F = Vk[i] * Vl[j] + jnp.where((i != j)[:, None], Vk[j] * Vl[i], 0.0)  # (n(n+1)/2, 10)
    G00, G01, G11, G20, G21, G30, G31, G22, G23, G33 = (Q[:, i, j] @ F).T
    u = jnp.einsum("nij,j->ni", Q, r0) @ V  # (n_nodes, 4)
    q = q2
    g1 = u[:, 0] + q * u[:, 1]
    g2 = u[:, 2] + q * u[:, 3]
    h_rr = G00 + 2 * q * G01 + q * q * G11
    h_ri = 2 * (G20 + q * (G21 + G30) + q * q * G31)
    h_ii = G22 + 2 * q * G23 + q * q * G33
    return jnp.stack([g1, g2, h_rr, h_ri, h_ii], axis=-1)


def values(lay: Layout, q2, Q, sm, r0, A, B, mass, width):
    """Component values (n_comp,): `sm` the Standard-Model values, Q (n_nodes, n, n) weighted
    forms at the nodes q2, r0 the SM real vector, x_NP = (A + B q²) BW(q²)."""
    nodal_w = _nodal(q2, Q, r0, A, B)  # (n_nodes, 5)
    nodal = nodal_w / jnp.asarray(lay.weight)[:, None]
    bw = propagator(q2, mass, width)
    br, bi = jnp.real(bw), jnp.imag(bw)
    kernels = jnp.stack([2 * br, 2 * bi, br * br, br * bi, bi * bi], axis=-1)  # (n_nodes, 5)

    idx, mask = jnp.asarray(lay.index), jnp.asarray(lay.mask)
    f, fw, k, qn = nodal[idx], nodal_w[idx] * mask[..., None], kernels[idx], q2[idx]  # (n_comp, n_max, …)

    m2 = mass * mass
    c = jnp.clip(m2, lay.lo, lay.hi)
    gap = jnp.where(lay.point, 1.0, c - lay.threshold)  # > 0 on every bin
    t = (0.5 * jnp.log(gap) - lay.s_mid) / lay.s_half
    lam, dlam = barycentric_basis(t, jnp.asarray(lay.t_nodes), jnp.asarray(lay.bary))
    dlam = dlam / (2 * gap * lay.s_half)[:, None]
    at_c = jnp.einsum("ck,ckq->cq", lam, f)  # (n_comp, 5)
    slope_c = jnp.einsum("ck,ckq->cq", dlam, f)

    mo = moments(lay.lo, lay.hi, mass, width)
    off = -minus_square(c, mass)  # M² − c
    closed = jnp.stack([2 * mo.re, 2 * mo.im, mo.re2, mo.reim, mo.im2], axis=-1)
    closed_u = jnp.stack([jnp.zeros_like(mo.re), jnp.zeros_like(mo.re), mo.u_re2 + off * mo.re2, mo.u_reim + off * mo.reim, mo.u_im2 + off * mo.im2], axis=-1)
    linear = slope_c.at[:, :2].set(0.0)  # g's are subtracted at zeroth order only
    subtracted = at_c[:, None, :] + linear[:, None, :] * (qn - c[:, None])[..., None]
    wn = (jnp.asarray(lay.weight)[idx] * mask)[..., None]
    remainder = jnp.sum((fw - wn * subtracted) * k, axis=1)
    binned = jnp.sum(at_c * closed + linear * closed_u + remainder, axis=-1)
    direct = jnp.sum(fw[:, 0, :] * k[:, 0, :], axis=-1)
    return sm + jnp.where(lay.point, direct, binned)
