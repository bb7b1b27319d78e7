"""kernels: physics-free numerics for jaxflav, in pure JAX.

Quadrature, Breit–Wigner bin integrals, Passarino–Veltman integrals, loop functions, Dirac traces
and NaN-safe math. Every function is pure, works under `jit`, `vmap` and `grad`, and keeps the dtype it is
given (enable float64 with `jax.config.update("jax_enable_x64", True)`; importing `jaxflav` does).
This package never imports `jaxflav`.
"""


from kernels import breit_wigner, dirac, inami_lim, loop_functions, pv, quadrature, safe_math, validate

__all__ = ["breit_wigner", "dirac", "inami_lim", "loop_functions", "pv", "quadrature", "safe_math", "validate"]
