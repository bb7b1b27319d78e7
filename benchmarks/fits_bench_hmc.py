"""NUTS (fits.hmc) effective samples per second on a correlated 5-D Gaussian, beside a random-walk
Metropolis sampler of the same χ² evaluation budget — the adaptive Metropolis–Hastings of BAT
(Caldwell, Kollár & Kröninger, Comput. Phys. Commun. 180 (2009) 2197; BAT.jl's MHSampler with
AdaptiveMHTuning): a multivariate Gaussian proposal whose covariance is learnt from the chains and
whose scale is tuned to ~25 % acceptance, the chains advanced together step by step in a Python
loop with the χ² in NumPy.

Both samplers run 4 chains from draws of the flat prior on [−50, 50]⁵. The Metropolis sampler gets
as many χ² evaluations as NUTS made leapfrog steps (each one χ² and its gradient), warmup
included, split the same way between tuning and sampling. ESS is the smallest over the five
parameters (numpyro's estimator for both). Every `fits.hmc.sample` call traces and compiles its
sampler afresh, so the NUTS time is the wall time of the run less that of the same call with 4
draws (the faster of one before and one after it, following an untimed call that warms JAX up):
the difference is warmup and sampling alone. On a busy machine that difference is noisy.
JAX's compile-event time spans are no substitute here — the sampler executes asynchronously and
the spans of the small compilations after it overlap its execution.
"""

import sys
import time

import jax
import numpy as np
from numpyro.diagnostics import effective_sample_size

from benchmarks.runner import Result
from fits import hmc
from fits.space import Parameter, Space

SD = np.array([1.0, 0.5, 2.0, 1.5, 0.3])
CORR = np.array(
    [
        [1.0, 0.6, -0.3, 0.2, 0.0],
        [0.6, 1.0, -0.5, 0.1, 0.3],
        [-0.3, -0.5, 1.0, 0.4, -0.2],
        [0.2, 0.1, 0.4, 1.0, 0.5],
        [0.0, 0.3, -0.2, 0.5, 1.0],
    ]
)
MU = np.array([1.0, -2.0, 0.5, 3.0, 0.0])
PRECISION = np.linalg.inv(CORR * np.outer(SD, SD))
SPACE = Space([Parameter(f"x{i}", -50.0, 50.0) for i in range(5)])
CHAINS = 4


def chi2(x):
    d = x - MU
    return d @ PRECISION @ d


def chi2_numpy(x):
    """The same χ² for a batch of points (chains, 5) in NumPy."""
    d = x - MU
    return np.einsum("ci,ij,cj->c", d, PRECISION, d)


def random_walk_metropolis(rng, x0, tune_steps, steps, low, high, cycle=200):
    """Adaptive random-walk Metropolis, BAT-style: tuning in cycles of `cycle` steps, after each
    the proposal covariance becomes the covariance of the tuning draws so far (second half) and
    its scale c is multiplied by exp(acceptance − 0.25) (×1.5 / ÷1.5 outside [0.15, 0.35]); then
    `steps` steps with the proposal frozen. Returns draws (chains, steps, dim), the acceptance of
    the sampling phase, and the number of χ² evaluations."""
    chains, dim = x0.shape
    x, f = x0.copy(), chi2_numpy(x0)
    c, cov = 2.38**2 / dim, np.eye(dim) * 1e-2
    tuned = []
    evals = chains

    def step(x, f, chol):
        proposal = x + rng.standard_normal(x.shape) @ chol.T
        inside = np.all((proposal >= low) & (proposal <= high), axis=-1)
        f_new = np.where(inside, chi2_numpy(np.clip(proposal, low, high)), np.inf)
        accept = np.log(rng.random(chains)) < 0.5 * (f - f_new)
        return np.where(accept[:, None], proposal, x), np.where(accept, f_new, f), accept

    done = 0
    while done < tune_steps:
        n = min(cycle, tune_steps - done)
        chol = np.linalg.cholesky(c * cov)
        accepted = 0
        for _ in range(n):
            x, f, a = step(x, f, chol)
            tuned.append(x)
            accepted += a.sum()
        evals += n * chains
        done += n
        rate = accepted / (n * chains)
        c *= 1.5 if rate > 0.35 else (1 / 1.5 if rate < 0.15 else np.exp(rate - 0.25))
        history = np.asarray(tuned[len(tuned) // 2 :]).reshape(-1, dim)
        if len(history) > 2 * dim:
            cov = np.cov(history, rowvar=False) + 1e-12 * np.eye(dim)
    chol = np.linalg.cholesky(c * cov)
    draws = np.empty((steps, chains, dim))
    accepted = 0
    for i in range(steps):
        x, f, a = step(x, f, chol)
        draws[i] = x
        accepted += a.sum()
    evals += steps * chains
    return draws.transpose(1, 0, 2), accepted / (steps * chains), evals


def bench_nuts(rng, scale):
    warmup, samples = max(500, int(1000 * scale)), max(2000, int(20000 * scale))
    key = jax.random.PRNGKey(int(rng.integers(2**31)))

    def nuts(warmup, samples):
        start = time.perf_counter()
        post = hmc.sample(chi2, SPACE, chains=CHAINS, warmup=warmup, samples=samples, key=key, count_warmup=True)
        return post, time.perf_counter() - start

    nuts(2, 4)  # JAX's first-use costs
    before = nuts(2, 4)[1]
    post, wall = nuts(warmup, samples)
    compile_s = min(before, nuts(2, 4)[1])  # a short call before and after: the less disturbed one
    run_s = max(wall - compile_s, 1e-3)
    nuts_ess = min(post.ess.values())

    # The same budget: NUTS's warmup steps for tuning, its sampling steps for sampling.
    tune_steps = post.warmup_steps // CHAINS
    steps = int(post.num_steps.sum()) // CHAINS
    x0 = rng.uniform(SPACE.low, SPACE.high, (CHAINS, SPACE.dim))
    start = time.perf_counter()
    draws, acceptance, evals = random_walk_metropolis(rng, x0, tune_steps, steps, SPACE.low, SPACE.high)
    base_s = time.perf_counter() - start
    rwm_ess = min(float(effective_sample_size(draws[..., i])) for i in range(SPACE.dim))
    print(
        f"  NUTS: {post.n_evals} χ²+gradient evaluations, ESS {nuts_ess:.0f}, R-hat ≤ {max(post.r_hat.values()):.4f}, "
        f"acceptance {post.accept_rate:.2f}; random-walk Metropolis: {evals} χ² evaluations, ESS {rwm_ess:.0f}, "
        f"acceptance {acceptance:.2f}; NUTS wall {wall:.1f} s, {compile_s:.1f} s of them compiling",
        file=sys.stderr,
    )
    return Result(
        "fits.hmc NUTS ESS/s (5-D Gaussian)",
        int(nuts_ess),
        compile_s,
        run_s,
        "random-walk Metropolis, NumPy loop",
        int(rwm_ess),
        base_s,
    )


BENCHMARKS = {"nuts": bench_nuts}
