"""fits benchmarks. best-fit: 1024 starts on a correlated 5-D Gaussian χ² minimised at once
(fits.bestfit.multistart: vmapped optax L-BFGS, then Newton polishing), beside
scipy.optimize.minimize (L-BFGS-B, bounds, the jitted JAX gradient) from the same starts in a
Python loop — what a user would otherwise write."""

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.runner import Result, time_jax, time_loop
from fits.bestfit import multistart
from fits.space import Parameter, Space


def gaussian_problem(rng, dim=5):
    """χ² = (x − μ)ᵀ C⁻¹ (x − μ) with a random correlated C (correlations up to ~0.9) inside
    the box [−6, 6]^dim."""
    a = rng.normal(size=(dim, dim))
    cov = a @ a.T / dim + 0.05 * np.eye(dim)
    mean = rng.uniform(-1.0, 1.0, dim)
    precision = jnp.asarray(np.linalg.inv(cov))
    space = Space([Parameter(f"p{i}", -6.0, 6.0) for i in range(dim)])

    def chi2(x):
        d = x - mean
        return d @ precision @ d

    return chi2, space, mean


def bench_best_fit(rng, scale):
    from scipy import optimize

    n = max(8, int(1024 * scale))
    chi2, space, mean = gaussian_problem(rng)
    x0 = space.sample_prior(jax.random.PRNGKey(int(rng.integers(2**31))), n)
    compile_s, run_s = time_jax(multistart(chi2, space), (x0,))

    value_and_grad = jax.jit(jax.value_and_grad(chi2))

    def fun(x):
        value, grad = value_and_grad(x)
        return float(value), np.asarray(grad)

    value_and_grad(x0[0])  # compile outside the timing
    bounds = list(zip(space.low, space.high))
    options = {"ftol": 1e-15, "gtol": 1e-10}  # tight, as the jaxflav fit polishes to ~1e-12
    rows = [(np.asarray(x),) for x in x0[: min(n, 256)]]
    minimize = lambda x: optimize.minimize(fun, x, jac=True, method="L-BFGS-B", bounds=bounds, options=options)  # noqa: E731
    base_s = time_loop(minimize, rows)
    return Result("fits.best_fit 5-D Gaussian (starts)", n, compile_s, run_s, "scipy L-BFGS-B loop, same starts", len(rows), base_s)


BENCHMARKS = {"best-fit": bench_best_fit}
