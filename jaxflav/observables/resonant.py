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

Cost. Everything above is linear in the nodal values, and they are linear in the ten bilinears
G_kl and four u's of the residues, with q² polynomials as coefficients. So `plan` folds Q, r₀, the
q² powers and 1/w into two fixed matrices per lepton (nodes × the NP real dimension d: 2d and
3·d(d+1)/2 columns), a point costs two matrix products (one GEMM each for a vmapped batch) and a
few elementwise operations per bin, and the M, Γ-dependent weights (kernels, barycentric basis,
closed forms) are computed once per distinct bin, not once per angular coefficient that shares it.

Accuracy: that of the fixed rule for the remainders (≲ 1e-8 relative for the Table-1 bins) plus
the interpolation error of g, h at c; a pole within ~1e-8 GeV² of a node (a set of measure zero)
amplifies rounding in the remainder by ~1e-16 h/u².
"""

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from jaxflav.observables.forms import to_real
from kernels.breit_wigner import minus_square, moments, propagator
from kernels.quadrature import barycentric_basis, barycentric_weights


class Plan(NamedTuple):
    """Static per-lepton data (NumPy): the nodal matrices, the distinct bins and their nodes."""

    Tg: np.ndarray  # (n_nodes, 2d): [Q r₀, q² Q r₀]/w on the NP rows → (g₁, g₂)
    Th: np.ndarray  # (n_nodes, 3p): [Q_ij, 2q² Q_ij, q⁴ Q_ij]/w, i ≤ j NP entries → (h_rr, h_ri, h_ii)
    np_rows: np.ndarray  # (d/2,) the complex entries of the kept vector the residues may fill
    bin_of: np.ndarray  # (n_nodes,) each node's distinct bin
    slot_of: np.ndarray  # (n_nodes,) its position among that bin's nodes
    S: np.ndarray  # (n_comp, n_nodes) 0/1: the nodes of each component
    q2: np.ndarray  # (n_bins, n_max) nodes of each distinct bin (padding: its last node)
    weight: np.ndarray  # (n_bins, n_max) quadrature weights (point values: 1; padding: 0)
    t_nodes: np.ndarray  # (n_bins, n_max) Gauss–Legendre nodes in t ∈ [−1, 1] (padding: 2)
    bary: np.ndarray  # (n_bins, n_max) their barycentric weights (padding: 0)
    threshold: np.ndarray  # (n_bins,) GeV²; the bin is [lo, hi] = threshold + e^{2 s}, s ∈ [s0, s1]
    s_mid: np.ndarray
    s_half: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    point: np.ndarray  # (n_bins,) True for point values (one node, weight 1)


def plan(q2, Q, r0, maps, counts, weights, np_rows):
    """`Plan` for components with weighted forms Q (n_nodes, n, n) at the nodes q2, SM real vector
    r0 (n,), bin maps `maps` ((threshold, s0, s1, n) or None for a point value), node counts
    `counts` (nodes concatenated in component order), node weights, and `np_rows`: the complex
    indices of the kept vector that new physics can fill (the SM entry excluded)."""
    q2, Q, r0, weights = (np.asarray(a, float) for a in (q2, Q, r0, weights))
    half = Q.shape[-1] // 2
    real = np.concatenate([np_rows, half + np.asarray(np_rows)])
    unweighted = Q / weights[:, None, None]
    Qr0 = (unweighted @ r0)[:, real]
    i, j = np.triu_indices(len(real))
    Qij = unweighted[:, real[i], real[j]]
    q = q2[:, None]
    Tg = np.concatenate([Qr0, q * Qr0], axis=1)
    Th = np.concatenate([Qij, 2 * q * Qij, q * q * Qij], axis=1)

    keys = [("point", float(q2[start])) if m is None else tuple(m) for m, start in zip(maps, np.cumsum([0, *counts[:-1]]))]
    distinct = list(dict.fromkeys(keys))
    n_max = max(counts)
    nb = len(distinct)
    q2b, wb = np.zeros((nb, n_max)), np.zeros((nb, n_max))
    t_nodes, bary = np.full((nb, n_max), 2.0), np.zeros((nb, n_max))
    thr, s_mid, s_half, lo, hi = (np.zeros(nb) for _ in range(5))
    point = np.array([k[0] == "point" for k in distinct])
    bin_of, slot_of = np.zeros(len(q2), int), np.zeros(len(q2), int)
    S = np.zeros((len(counts), len(q2)))
    filled = set()
    for c, (key, n, start) in enumerate(zip(keys, counts, np.cumsum([0, *counts[:-1]]))):
        b = distinct.index(key)
        bin_of[start : start + n], slot_of[start : start + n] = b, np.arange(n)
        S[c, start : start + n] = 1.0
        if b in filled:
            continue
        filled.add(b)
        q2b[b], wb[b, :n] = q2[start + n - 1], weights[start : start + n]
        q2b[b, :n] = q2[start : start + n]
        if point[b]:
            s_half[b], bary[b, 0], t_nodes[b, 0] = 1.0, 1.0, 0.5
            continue
        thr[b], s0, s1, n_rule = key
        assert n_rule == n
        t_nodes[b, :n], bary[b, :n] = barycentric_weights(n)
        s_mid[b], s_half[b] = 0.5 * (s1 + s0), 0.5 * (s1 - s0)
        lo[b], hi[b] = thr[b] + np.exp(2 * s0), thr[b] + np.exp(2 * s1)
    return Plan(Tg, Th, np.asarray(np_rows), bin_of, slot_of, S, q2b, wb, t_nodes, bary, thr, s_mid, s_half, lo, hi, point)


def _residue_matrices(A, B):
    """The right-hand sides of `Plan.Tg` (2d, 2) and `Plan.Th` (3p, 3) for the residues' NP entries.

    With V = (R(A), R(B), R(iA), R(iB)) and F_kl the symmetrised products of V's columns over the
    entries i ≤ j, G_kl = Σ Q_ij F_kl,ij = V_kᵀ Q V_l, and the nodal values are
    g₁ = u₀ + q² u₁, g₂ = u₂ + q² u₃ (u = r₀ᵀQ V), h_rr = G₀₀ + 2q² G₀₁ + q⁴ G₁₁,
    h_ri = 2 (G₂₀ + q² (G₂₁ + G₃₀) + q⁴ G₃₁), h_ii = G₂₂ + 2q² G₂₃ + q⁴ G₃₃."""
    V = jnp.stack([to_real(A), to_real(B), to_real(1j * A), to_real(1j * B)], axis=-1)  # (d, 4)
    i, j = np.triu_indices(V.shape[0])
    F = lambda k, l: V[i, k] * V[j, l] + jnp.where(i != j, V[j, k] * V[i, l], 0.0)  # noqa: E731
    zg = jnp.stack([jnp.concatenate([V[:, 0], V[:, 1]]), jnp.concatenate([V[:, 2], V[:, 3]])], axis=-1)
    zh = jnp.stack([
        jnp.concatenate([F(0, 0), F(0, 1), F(1, 1)]),
        jnp.concatenate([2 * F(2, 0), F(2, 1) + F(3, 0), 2 * F(3, 1)]),
        jnp.concatenate([F(2, 2), F(2, 3), F(3, 3)]),
    ], axis=-1)  # fmt: skip
    return zg, zh


def _bin_weights(p: Plan, mass, width):
    """W (n_bins, n_max, 5): each bin integral is Σ_nodes Σ_q W f_q over the unweighted nodal
    values f = (g₁, g₂, h_rr, h_ri, h_ii), the subtraction of the module docstring written as
    weights: W = w k + λ (closed − Σ w k) + λ′ (closed_u − Σ w k (q² − c)), k the kernels
    (2β_r, 2β_i, β_r², β_r β_i, β_i²), λ, λ′ the barycentric basis at c and its q²-derivative."""
    q, w = jnp.asarray(p.q2), jnp.asarray(p.weight)
    bw = propagator(q, mass, width)
    br, bi = jnp.real(bw), jnp.imag(bw)
    wk = w[..., None] * jnp.stack([2 * br, 2 * bi, br * br, br * bi, bi * bi], axis=-1)

    c = jnp.clip(mass * mass, p.lo, p.hi)
    gap = jnp.where(p.point, 1.0, c - p.threshold)  # > 0 on every bin
    t = (0.5 * jnp.log(gap) - p.s_mid) / p.s_half
    lam, dlam = barycentric_basis(t, jnp.asarray(p.t_nodes), jnp.asarray(p.bary))
    dlam = dlam / (2 * gap * p.s_half)[:, None]

    mo = moments(p.lo, p.hi, mass, width)
    off = -minus_square(c, mass)  # M² − c
    zero = jnp.zeros_like(mo.re)
    closed = jnp.stack([2 * mo.re, 2 * mo.im, mo.re2, mo.reim, mo.im2], axis=-1)
    closed_u = jnp.stack([zero, zero, mo.u_re2 + off * mo.re2, mo.u_reim + off * mo.reim, mo.u_im2 + off * mo.im2], axis=-1)
    at_c = closed - jnp.sum(wk, axis=1)
    slope = (closed_u - jnp.sum(wk * (q - c[:, None])[..., None], axis=1)) * np.array([0, 0, 1, 1, 1])  # g's: zeroth order only
    W = wk + lam[..., None] * at_c[:, None, :] + dlam[..., None] * slope[:, None, :]
    return jnp.where(p.point[:, None, None], wk, W)


def values(p: Plan, sm, A, B, mass, width):
    """Component values (n_comp,): `sm` the Standard-Model values, x_NP = (A + B q²) BW(q²) with
    A, B the residues on the kept vector (their SM entry is 0)."""
    zg, zh = _residue_matrices(A[p.np_rows], B[p.np_rows])
    f = jnp.concatenate([jnp.asarray(p.Tg) @ zg, jnp.asarray(p.Th) @ zh], axis=-1)  # (n_nodes, 5)
    W = _bin_weights(p, mass, width)[p.bin_of, p.slot_of]
    return sm + jnp.asarray(p.S) @ jnp.sum(f * W, axis=-1)
