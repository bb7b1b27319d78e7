"""The dark photon / dark Z, Case A (000_8c6ceb1288264742.txt): the full Table-1 χ² over the Case A
box, and the time to a best fit (`jaxflav fit dark-z-case-a`'s many-start L-BFGS + Newton), beside
flavio 2.7.1 point by point.

flavio takes constant Wilson coefficients, so its per-point cost is 27 np_predictions with the
resonance's C9, C10 at each bin centre (no exact narrow-resonance integral: a lower bound on the
work), timed live in the same run (or the stored timing, labelled, when flavio is absent; see
`bsll_bench`). A best fit with flavio is extrapolated as (optimiser steps jaxflav took, summed over
starts) × (dim + 1) χ² evaluations per step (a forward-difference gradient) × flavio's time per point.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.bsll_bench import _flavio_seconds_per_point
from benchmarks.runner import Result, chunked, time_jax


def case_a():
    from jaxflav import config

    cfg = config.load("dark-z-case-a")
    return cfg, config.problem(cfg)


def _table_rows(problem):
    """(name, q2min, q2max) of the Table-1 rows the problem fits."""
    (_, table), = problem.likelihood.data.tables
    return list(zip(table.names, table.q2min, table.q2max))


def bench_case_a_chi2(rng, scale):
    cfg, problem = case_a()
    n, chunk = max(512, int(2e4 * scale)) // 512 * 512, 512
    u = rng.uniform(size=(n, problem.space.dim))
    x = jnp.asarray(np.stack([p.low * (p.high / p.low) ** u[:, i] for i, p in enumerate(problem.space.parameters)], axis=1))
    compile_s, run_s = time_jax(chunked(jax.vmap(problem.chi2), chunk), (x,))
    rows = _table_rows(problem)
    seconds, label = _flavio_seconds_per_point(rows)
    return Result("Case A chi2 (dark Z, exact BW bins)", n, compile_s, run_s, label, 1, seconds)


def bench_case_a_best_fit(rng, scale):
    from fits import bestfit

    cfg, problem = case_a()
    start = time.perf_counter()
    res = bestfit.best_fit(problem.chi2, problem.space, starts=cfg.fit["starts"], key=cfg.fit["seed"])
    total_s = time.perf_counter() - start
    rows = _table_rows(problem)
    seconds, label = _flavio_seconds_per_point(rows)
    evaluations = int(np.sum(res.steps)) * (problem.space.dim + 1)
    # one "point" here is one whole best fit; compile time is inside total_s, reported apart as 0
    return Result(f"Case A best fit ({cfg.fit['starts']} starts, incl. compile)", 1, 0.0, total_s, f"{label} x {evaluations} evals", 1, evaluations * seconds)


BENCHMARKS = {"dark-z-case-a-chi2": bench_case_a_chi2, "dark-z-case-a-best-fit": bench_case_a_best_fit}
