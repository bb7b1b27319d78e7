"""kernels.dirac: the explicit Dirac matrices against textbook trace identities."""

import itertools

import numpy as np

from kernels import dirac

G = dirac.METRIC


def test_traces_of_two_and_four_gammas():
    for m, n in itertools.product(range(4), repeat=2):
        assert np.trace(dirac.GAMMA[m] @ dirac.GAMMA[n]) == 4 * G[m, n]
    for m, n, r, s in itertools.product(range(4), repeat=4):
        expected = 4 * (G[m, n] * G[r, s] - G[m, r] * G[n, s] + G[m, s] * G[n, r])
        assert np.isclose(np.trace(dirac.GAMMA[m] @ dirac.GAMMA[n] @ dirac.GAMMA[r] @ dirac.GAMMA[s]), expected)


def test_gamma5_squares_to_one_anticommutes_and_is_hermitian():
    """γ⁵ = iγ⁰γ¹γ²γ³: (γ⁵)² = 1, {γ⁵, γ^μ} = 0, γ⁵† = γ⁵, so Tr[γ⁵γ⁰γ¹γ²γ³] = Tr[γ⁵(−iγ⁵)] = −4i."""
    assert np.allclose(dirac.GAMMA5 @ dirac.GAMMA5, dirac.ONE)
    assert np.allclose(dirac.GAMMA5, dirac.GAMMA5.conj().T)
    for m in range(4):
        assert np.allclose(dirac.GAMMA5 @ dirac.GAMMA[m] + dirac.GAMMA[m] @ dirac.GAMMA5, 0)
    assert np.isclose(np.trace(dirac.GAMMA5 @ dirac.GAMMA[0] @ dirac.GAMMA[1] @ dirac.GAMMA[2] @ dirac.GAMMA[3]), -4j)


def test_spin_sum_of_a_vector_current_is_the_textbook_tensor():
    """Σ|ū(p₂)γ^μ v(p₁)|² = 4[p₁^μp₂^ν + p₁^νp₂^μ − g^μν(p₁·p₂ + m₁m₂)] for Γ^μ = γ^μ (m₁ = m₂ = m)."""
    p1, p2, m = np.array([0.5, 0.1, -0.2, 0.3]), np.array([0.7, -0.3, 0.1, 0.2]), 0.13
    t = np.asarray(dirac.line_tensor(dirac.GAMMA, p1, m, p2, m))
    dot = float(dirac.dot(p1, p2))
    expected = 4 * (np.outer(p1, p2) + np.outer(p2, p1) - np.linalg.inv(G) * (dot + m * m))
    assert np.allclose(t, expected)


def test_polarisation_sum_is_transverse_on_shell():
    k = np.array([0.5, 0.1, 0.2, 0.3])
    mass = float(np.sqrt(dirac.dot(k, k)))
    assert np.allclose(np.asarray(dirac.polarisation_sum(k, mass)) @ k, 0.0, atol=1e-15)
