"""Tests of kernels/dilog.py: the complex dilogarithm against mpmath.polylog(2, z) at 30 digits."""

import math

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

from kernels.dilog import clausen2, li2, li2_real

DPS = 30  # mpmath working precision (set locally, not globally: other test modules use mpmath)


def _ref(z):
    with mp.workdps(DPS):
        return complex(mp.polylog(2, mp.mpc(z)))


def _rel_err(zs):
    got = np.asarray(jax.jit(li2)(jnp.asarray(zs, dtype=complex)))
    want = np.array([_ref(z) for z in zs])
    scale = np.maximum(np.abs(want), 1e-300)
    return np.abs(got - want) / scale


def test_li2_matches_mpmath_over_the_plane():
    rng = np.random.default_rng(1)
    n = 400
    mag = rng.choice([1e-3, 0.1, 1.0, 3.0, 30.0, 1e4], n)
    zs = mag * (rng.normal(size=n) + 1j * rng.normal(size=n))
    assert np.max(_rel_err(zs)) < 1e-13


def test_li2_matches_mpmath_on_region_boundaries_and_special_points():
    # |z| = 1, Re z = 1/2 and |z − 1| = 1 separate the three regions of the algorithm
    phi = np.linspace(0.01, 2 * math.pi - 0.01, 37)
    zs = list(np.exp(1j * phi)) + list(1 + np.exp(1j * phi)) + list(0.5 + 1j * np.linspace(-3, 3, 13))
    zs += [1e-12, -1e-12, 1e-12j, 0.5, -1.0, 2.0, 1 - 1e-9, 1 + 1e-9j, 1e10, -1e10, 1e10j]
    assert np.max(_rel_err(zs)) < 1e-13


def test_li2_known_values():
    # Li₂(1) = π²/6, Li₂(−1) = −π²/12, Li₂(1/2) = π²/12 − ln²2/2 (Lewin, "Polylogarithms", Ch. 1)
    got = np.asarray(li2(jnp.array([1.0, -1.0, 0.5])))
    want = [math.pi**2 / 6, -math.pi**2 / 12, math.pi**2 / 12 - math.log(2) ** 2 / 2]
    np.testing.assert_allclose(got, want, rtol=1e-15)


def test_li2_real_axis_above_one_takes_mpmath_branch():
    # real z > 1: Im Li₂(x) = −π ln x, as mpmath.polylog(2, x) returns
    xs = np.array([1.5, 2.0, 3.0, 10.0, 1e3])
    got = np.asarray(li2(jnp.asarray(xs)))
    np.testing.assert_allclose(got.imag, -math.pi * np.log(xs), rtol=1e-14)
    assert np.max(_rel_err(xs)) < 1e-13


def test_li2_gradient_is_holomorphic_derivative_and_finite():
    # d Li₂/dz = −ln(1 − z)/z; checked through the real and imaginary parts along a real direction
    zs = jnp.array([0.3 + 0.2j, -2.0 + 1.0j, 0.9 + 0.3j, 5.0 - 4.0j, 0.5 + 0.0j])

    def along(t, z0):
        return li2(z0 + t)

    deriv = jax.vmap(lambda z0: jax.jvp(lambda t: along(t, z0), (0.0,), (1.0,))[1])(zs)
    want = -np.log(1 - np.asarray(zs)) / np.asarray(zs)
    np.testing.assert_allclose(np.asarray(deriv), want, rtol=1e-12)
    # at the branch point z = 1 the value is π²/6 and the (divergent) gradient is returned finite
    g = jax.grad(lambda x: jnp.real(li2(x)))(1.0)
    assert np.isfinite(g)
    assert float(jnp.real(li2(1.0))) == pytest.approx(math.pi**2 / 6, rel=1e-15)


def test_li2_real_matches_mpmath_for_x_up_to_one():
    xs = np.concatenate([np.linspace(-60.0, 1.0, 301), [1e-12, -1e-12, 0.5, 0.5000001, -1.0, -1.0000001, 1 - 1e-9, -1e8]])
    got = np.asarray(jax.jit(li2_real)(jnp.asarray(xs)))
    with mp.workdps(DPS):
        want = np.array([float(mp.polylog(2, x)) for x in xs])
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)
    assert np.isnan(float(li2_real(2.0)))  # complex there: use li2
    assert np.isfinite(float(jax.grad(li2_real)(1.0)))


def test_clausen2_matches_mpmath_and_unit_circle_dilog():
    ts = np.concatenate([np.linspace(-10.0, 10.0, 201), [1e-12, -1e-12, math.pi / 3, 3.0]])
    got = np.asarray(jax.jit(clausen2)(jnp.asarray(ts)))
    with mp.workdps(DPS):
        want = np.array([float(mp.clsin(2, t)) for t in ts])
    # absolute: Cl₂ has zeros at multiples of π, where a relative error means nothing
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)
    # Li₂(e^{iθ}) = π²/6 − θ(2π − θ)/4 + i Cl₂(θ), 0 ≤ θ ≤ 2π
    th = np.array([0.3, 1.0, 2.5, 4.0])
    np.testing.assert_allclose(np.asarray(li2(jnp.exp(1j * jnp.asarray(th)))),
                               math.pi**2 / 6 - th * (2 * math.pi - th) / 4 + 1j * np.asarray(clausen2(th)),
                               rtol=1e-14)
    assert np.isfinite(float(jax.grad(clausen2)(0.0)))
