"""fits.scan throughput: a toy 4-parameter χ² (a correlated Gaussian plus a Rosenbrock valley, one
parameter on a log scale) on 2²⁰ Sobol points, chunked and sharded, keeping the best 16 — beside
a plain Python loop calling the same jitted χ² point by point on the same points."""

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.runner import Result, time_loop
from fits.scan import Best, scan, scan_points
from fits.space import Parameter, Space

SPACE = Space([Parameter("a", -3, 3), Parameter("b", -3, 3), Parameter("c", -2, 2), Parameter("m", 0.01, 10.0, "log")])


def toy_chi2(rng):
    """χ²(x) = (y − μ)ᵀ C⁻¹ (y − μ) + 10 (b − a²)², y = (a, b, c, ln m), C a random correlation."""
    a = rng.normal(size=(4, 4))
    cov = a @ a.T / 4 + np.eye(4)
    inv = jnp.asarray(np.linalg.inv(cov))
    mu = jnp.asarray(rng.uniform(-1, 1, 4))

    def chi2(x):
        y = jnp.concatenate([x[:3], jnp.log(x[3:])]) - mu
        return y @ inv @ y + 10.0 * (x[1] - x[0] ** 2) ** 2

    return chi2


def bench_scan(rng, scale):
    n = 2 ** max(10, int(round(np.log2(2**20 * scale))))
    chi2 = toy_chi2(rng)
    result = scan(chi2, SPACE, design="sobol", points=n, seed=1, keep=Best(16), progress=False)
    run = result.metadata["run"]
    loop_points = max(200, int(5000 * scale))
    rows = scan_points(SPACE, np.arange(loop_points), design="sobol", points=n, seed=1)
    one = jax.jit(chi2)
    jax.block_until_ready(one(rows[0]))  # compile outside the timing
    base_s = time_loop(lambda row: jax.block_until_ready(one(row)), [(r,) for r in rows])
    return Result(f"fits.scan sobol 4-D χ² (best 16, {run['devices']} dev)", n, run["compile_s"], run["run_s"],
                  "python loop of jit(χ²)", loop_points, base_s)  # fmt: skip


BENCHMARKS = {"scan": bench_scan}
