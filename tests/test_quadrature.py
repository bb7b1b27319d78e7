"""kernels.quadrature: exactness of the rules, many bins at once, endpoint singularities."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import integrate as sp_integrate

from kernels import quadrature


@pytest.mark.parametrize("n", [1, 4, 16, 40])
def test_gauss_legendre_is_exact_to_degree_2n_minus_1(n):
    x, w = quadrature.gauss_legendre(n)
    for degree in (0, 2 * n - 2, 2 * n - 1):
        exact = (1 - (-1) ** (degree + 1)) / (degree + 1)
        assert abs(np.sum(w * x**degree) - exact) < 1e-13


def test_gauss_legendre_rejects_bad_orders():
    for n in (0, -3, 2.5):
        with pytest.raises(ValueError, match="n="):
            quadrature.gauss_legendre(n)


def test_integrate_many_bins_in_one_expression():
    lo = jnp.asarray([0.1, 1.0, 6.0, 15.0])
    hi = jnp.asarray([0.98, 2.5, 8.0, 19.0])
    f = lambda q2: jnp.exp(-q2 / 7.0) / (1.0 - q2 / 30.0) ** 2  # noqa: E731
    got = jax.jit(lambda a, b: quadrature.integrate(f, a, b, n=24))(lo, hi)
    want = [sp_integrate.quad(lambda t: float(f(t)), a, b, epsabs=0, epsrel=1e-13)[0] for a, b in zip(lo, hi)]
    np.testing.assert_allclose(got, want, rtol=2e-13)


def test_integrate_bins_from_edges_and_its_checks():
    edges = jnp.asarray([0.0, 1.0, 3.0, 6.0])
    got = quadrature.integrate_bins(lambda x: x**3, edges, n=4)
    np.testing.assert_allclose(got, [0.25, (81 - 1) / 4, (6**4 - 81) / 4], rtol=1e-14)
    with pytest.raises(ValueError, match="increase"):
        quadrature.integrate_bins(lambda x: x, jnp.asarray([0.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match="1-D"):
        quadrature.integrate_bins(lambda x: x, jnp.asarray([0.0]))


def test_gradient_with_respect_to_bin_edges_is_the_integrand():
    f = lambda x: jnp.sin(x) + x**2  # noqa: E731
    g_lo, g_hi = jax.grad(lambda a, b: quadrature.integrate(f, a, b), argnums=(0, 1))(0.3, 1.7)
    assert abs(g_hi - f(1.7)) < 1e-13 and abs(g_lo + f(0.3)) < 1e-13


def test_tanh_sinh_handles_endpoint_singularities():
    x, xc, w = quadrature.tanh_sinh(1.0 / 12.0, 3.6)
    assert np.all(x > 0) and np.all(xc > 0)
    np.testing.assert_allclose(x + xc, 1.0, rtol=1e-15)
    assert abs(np.sum(w * np.log(x)) + 1.0) < 1e-14  # ∫ log x = −1
    assert abs(np.sum(w / np.sqrt(xc)) - 2.0) < 1e-12  # ∫ (1 − x)^{-1/2} = 2, needs accurate 1 − x
    assert abs(np.sum(w * np.log(x + 1e-12)) - (-1.0 + 1e-12 * np.log(1 + 1e12) + np.log1p(1e-12))) < 1e-13


def test_barycentric_weights_interpolate_the_polynomial_through_the_nodes():
    """p(t) = Σ b_k f_k/(t − t_k) / Σ b_k/(t − t_k) reproduces a degree n − 1 polynomial (Berrut–Trefethen)."""
    n = 12
    t, b = quadrature.barycentric_weights(n)
    coeffs = np.random.default_rng(1).normal(size=n)
    f = np.polynomial.legendre.legval(t, coeffs)
    for x in (-0.93, -0.1, 0.377, 0.999):
        p = np.sum(b * f / (x - t)) / np.sum(b / (x - t))
        assert p == pytest.approx(np.polynomial.legendre.legval(x, coeffs), rel=1e-12, abs=1e-12)
