"""kernels.safe_math: exact values where defined, zero (not NaN) gradients elsewhere."""

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kernels import safe_math as sm

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)  # XLA flushes subnormals


def _grad_finite(fn, x):
    return np.all(np.isfinite(jax.grad(fn)(x)))


@settings(max_examples=60, deadline=None)
@given(finite)
def test_sqrt_log_and_xlogx_are_exact_inside_and_safe_outside(x):
    if x > 0:
        assert float(sm.sqrt_safe(x)) == np.sqrt(x)
        assert float(sm.log_safe(x)) == float(jnp.log(x))  # numpy < 2 log is 1 ulp off on AVX-512
        assert abs(float(sm.xlogx(x)) - x * np.log(x)) <= 1e-15 * abs(x * np.log(x)) + 1e-300
    else:
        assert float(sm.sqrt_safe(x)) == 0.0 and float(sm.log_safe(x, fill=-7.0)) == -7.0
    for fn in (sm.sqrt_safe, sm.log_safe, sm.xlogx):
        assert _grad_finite(fn, x)


def test_gradients_at_the_boundaries_are_zero_not_nan():
    for fn in (sm.sqrt_safe, sm.log_safe, sm.xlogx, sm.step):
        assert float(jax.grad(fn)(0.0)) == 0.0
    assert float(jax.grad(lambda b: sm.div_safe(1.0, b))(0.0)) == 0.0
    assert float(jax.grad(lambda s: sm.sqrt_kallen(s, 1.0, 1.0))(4.0)) == 0.0


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 50), st.floats(0, 10), st.floats(0, 10))
def test_kallen_matches_its_symmetric_definition(a, b, c):
    direct = a * a + b * b + c * c - 2 * a * b - 2 * a * c - 2 * b * c
    assert abs(float(sm.kallen(a, b, c)) - direct) <= 1e-12 * (a + b + c) ** 2 + 1e-300


def test_kallen_keeps_its_accuracy_near_the_edge_of_phase_space():
    # λ(m_B², m_K², q²) at q² = 1e-9 GeV²: the naive sum loses ~6 digits to cancellation
    mb2, mk2, q2 = 5.27966**2, 0.493677**2, 1e-9
    exact = (mb2 - mk2) ** 2 - 2 * q2 * (mb2 + mk2) + q2**2
    assert abs(float(sm.kallen(mb2, mk2, q2)) / exact - 1) < 1e-15


def test_sqrt_kallen_is_the_two_body_momentum():
    # p = √λ(M², m1², m2²)/(2M): B → K μμ at q² = 4 GeV² has p ≈ 2.223 GeV (by hand)
    mb2, mk2, q2 = 5.27966**2, 0.493677**2, 4.0
    p = float(sm.sqrt_kallen(mb2, mk2, q2)) / (2 * np.sqrt(mb2))
    assert abs(p - np.sqrt(((mb2 - mk2 - q2) ** 2 - 4 * mk2 * q2)) / (2 * np.sqrt(mb2))) < 1e-14
    assert float(sm.sqrt_kallen(1.0, 1.0, 1.0)) == 0.0  # below threshold


def test_where_safe_and_div_safe_fill_values():
    x = jnp.asarray([-1.0, 0.0, 4.0])
    np.testing.assert_array_equal(sm.where_safe(x > 0, jnp.sqrt, x, fill=-1.0), [-1.0, -1.0, 2.0])
    np.testing.assert_array_equal(sm.div_safe(jnp.ones(3), x, fill=9.0), [-1.0, 9.0, 0.25])
    np.testing.assert_array_equal(sm.step(x), [0.0, 0.0, 1.0])
