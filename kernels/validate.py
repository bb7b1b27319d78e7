"""Argument checks that run before tracing.

A kernel called with concrete values (NumPy arrays, Python numbers, committed JAX arrays) checks
them here and raises a `ValueError` naming the argument. Under `jit`, `vmap` or `grad` the values
are tracers and cannot be inspected, so the checks pass silently: callers that build jitted
functions check their static inputs once, in the builder.
"""

import jax
import numpy as np

__all__ = ["concrete", "check_finite", "check_nonnegative", "check_positive", "check_ordered"]


def concrete(value):
    """`value` as a NumPy array, or None when it is traced (and so cannot be checked)."""
    leaves = jax.tree_util.tree_leaves(value)
    if any(isinstance(leaf, jax.core.Tracer) for leaf in leaves):
        return None
    return np.asarray(value)


def check_finite(**named):
    """Raise ValueError if any concrete argument holds NaN or ±inf."""
    for name, value in named.items():
        arr = concrete(value)
        if arr is not None and not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite, got {_show(arr)}")


def _check_real(named, holds, requirement):
    for name, value in named.items():
        arr = concrete(value)
        if arr is None or np.iscomplexobj(arr):
            continue
        if not np.all(holds(arr)):
            raise ValueError(f"{name} must be {requirement}, got {_show(arr)}")


def check_nonnegative(**named):
    """Raise ValueError if any concrete real argument is negative or NaN."""
    _check_real(named, lambda arr: arr >= 0, "≥ 0")


def check_positive(**named):
    """Raise ValueError if any concrete real argument is ≤ 0 or NaN."""
    _check_real(named, lambda arr: arr > 0, "> 0")


def check_ordered(lo_name, lo, hi_name, hi):
    """Raise ValueError unless lo ≤ hi elementwise (for concrete values)."""
    a, b = concrete(lo), concrete(hi)
    if a is None or b is None:
        return
    if not np.all(a <= b):
        raise ValueError(f"{lo_name} must not exceed {hi_name}: got {lo_name}={_show(a)}, {hi_name}={_show(b)}")


def _show(arr):
    flat = np.ravel(arr)
    return repr(flat[0].item()) if flat.size == 1 else f"array of shape {arr.shape} with {flat[:4].tolist()}…"
