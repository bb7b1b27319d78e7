"""Dirac algebra on explicit 4×4 matrices, for spin sums evaluated numerically.

Dirac representation, metric g = diag(1, −1, −1, −1), γ⁵ = iγ⁰γ¹γ²γ³. A fermion line
ū(p₂) Γ v(p₁) summed over spins is Tr[Γ (p̸₁ − m₁) Γ̄ (p̸₂ + m₂)] with Γ̄ = γ⁰Γ†γ⁰; `line_tensor`
gives it for a Γ^μ with one open Lorentz index (`line_tensors` for all products of a basis of them), `polarisation_sum` the massive vector's
Σ ε_μ ε*_ν = −g_μν + k_μk_ν/M². Momenta are arrays (..., 4) with an upper index.
"""

import jax.numpy as jnp
import numpy as np

METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
_S = (np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]]))
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
GAMMA = np.stack([np.block([[_I2, _Z2], [_Z2, -_I2]])] + [np.block([[_Z2, s], [-s, _Z2]]) for s in _S]).astype(complex)
"""γ^μ, shape (4, 4, 4): [μ, row, column]."""
GAMMA5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
ONE = np.eye(4, dtype=complex)
P_L, P_R = (ONE - GAMMA5) / 2, (ONE + GAMMA5) / 2

for _m, _n in np.ndindex(4, 4):  # the Clifford algebra {γ^μ, γ^ν} = 2g^μν, checked at import
    assert np.allclose(GAMMA[_m] @ GAMMA[_n] + GAMMA[_n] @ GAMMA[_m], 2 * METRIC[_m, _n] * ONE)


def dot(a, b):
    """Minkowski product a·b of (..., 4) arrays."""
    return a[..., 0] * b[..., 0] - jnp.sum(a[..., 1:] * b[..., 1:], axis=-1)


def lower(p):
    """p_μ from p^μ."""
    return p * METRIC.diagonal()


def slash(p):
    """p̸ = γ^μ p_μ, shape (..., 4, 4)."""
    return jnp.einsum("...m,mab->...ab", lower(p), GAMMA)


def bar(gamma):
    """Γ̄ = γ⁰ Γ† γ⁰ for (..., 4, 4) matrices."""
    return GAMMA[0] @ jnp.conj(jnp.swapaxes(gamma, -1, -2)) @ GAMMA[0]


def line_tensors(gammas, p1, m1, p2, m2):
    """T_ij^μν = Tr[Γ_i^μ (p̸₁ − m₁) Γ̄_j^ν (p̸₂ + m₂)] for a basis Γ_i^μ of shape (n, 4, 4, 4)
    ([i, μ, row, column], upper μ), shape (n, n, 4, 4): the spin sums of all products
    [ū(p₂) Γ_i^μ v(p₁)] [ū(p₂) Γ_j^ν v(p₁)]* of an outgoing antifermion (p₁, m₁) and fermion (p₂, m₂)."""
    left = jnp.einsum("imab,bc->imac", gammas, slash(p1) - m1 * ONE)
    right = jnp.einsum("jnbc,ca->jnba", bar(gammas), slash(p2) + m2 * ONE)
    return jnp.einsum("imab,jnba->ijmn", left, right)


def line_tensor(gamma, p1, m1, p2, m2):
    """T^μν = Σ_spins [ū(p₂) Γ^μ v(p₁)] [ū(p₂) Γ^ν v(p₁)]* = Tr[Γ^μ (p̸₁ − m₁) Γ̄^ν (p̸₂ + m₂)]
    for one Γ^μ of shape (4, 4, 4) (`line_tensors` of a one-element basis)."""
    return line_tensors(gamma[None], p1, m1, p2, m2)[0, 0]


def polarisation_sum(k, mass):
    """Σ_λ ε_μ ε*_ν = −g_μν + k_μ k_ν / M² of a massive vector (lower indices), shape (4, 4)."""
    kl = lower(k)
    return -METRIC + kl[:, None] * kl[None, :] / mass**2
