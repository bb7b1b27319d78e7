"""NaN-safe elementary functions for `jit`, `vmap` and `grad`.

`jnp.where(c, f(x), y)` is not enough: reverse-mode differentiation multiplies the cotangent of
the branch that was not taken by f'(x), and 0 * inf = NaN (jax-ml/jax#1052). Every function here
therefore feeds `f` a harmless value where its branch is not taken (the double-`where` pattern):
values are exact where the function is defined, and outside it the result is the stated fill
value with a zero gradient, never NaN.
"""

import jax.numpy as jnp

__all__ = [
    "where_safe",
    "sqrt_safe",
    "log_safe",
    "div_safe",
    "xlogx",
    "kallen",
    "sqrt_kallen",
    "step",
]


def where_safe(condition, fn, x, *, safe_x=1.0, fill=0.0):
    """fn(x) where `condition` holds and `fill` elsewhere, with finite gradients everywhere.

    `safe_x` is any point where `fn` and its derivative are finite; it replaces `x` in the branch
    that is not taken.
    """
    inner = jnp.where(condition, x, safe_x)
    return jnp.where(condition, fn(inner), fill)


def sqrt_safe(x):
    """√x for x > 0; 0, with a zero gradient, for x ≤ 0 (√x itself has an infinite slope at 0)."""
    return where_safe(x > 0, jnp.sqrt, x)


def log_safe(x, fill=0.0):
    """log x for x > 0; `fill`, with a zero gradient, for x ≤ 0."""
    return where_safe(x > 0, jnp.log, x, fill=fill)


def div_safe(a, b, fill=0.0):
    """a / b where b ≠ 0; `fill`, with a zero gradient, where b = 0."""
    nonzero = b != 0
    return jnp.where(nonzero, a / jnp.where(nonzero, b, 1.0), fill)


def xlogx(x):
    """x log x, continued by its limit 0 at x = 0 (and set to 0 for x < 0)."""
    return where_safe(x > 0, lambda y: y * jnp.log(y), x)


def kallen(a, b, c):
    """Källén function λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc.

    Written as (a − b − c)² − 4bc, which loses no accuracy when b or c is small beside a
    (e.g. λ(m_B², m_K², q²) near q² = 0).
    """
    return (a - b - c) ** 2 - 4.0 * b * c


def sqrt_kallen(a, b, c):
    """√λ(a, b, c) above threshold (λ > 0), 0 with a zero gradient at and below it.

    For a two-body decay of a particle of mass² `a` into mass² `b` and `c`, √λ/(2√a) is the
    momentum of either daughter in the rest frame of the parent.
    """
    return sqrt_safe(kallen(a, b, c))


def step(x):
    """Heaviside step θ(x): 1 for x > 0, 0 for x ≤ 0 (gradient zero everywhere)."""
    return jnp.where(x > 0, 1.0, 0.0).astype(jnp.result_type(x, float))
