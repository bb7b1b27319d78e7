"""Timing harness and the command-line entry of the benchmarks."""

import argparse
import dataclasses
import sys
import time

import jax
import numpy as np

jax.config.update("jax_enable_x64", True)


@dataclasses.dataclass
class Result:
    name: str
    points: int
    compile_s: float
    run_s: float
    baseline: str
    baseline_points: int
    baseline_s: float

    @property
    def rate(self):
        return self.points / self.run_s

    @property
    def baseline_rate(self):
        return self.baseline_points / self.baseline_s


def chunked(fn, chunk):
    """jit(fn) applied to equal chunks of its (1-D, same-length) arguments with `lax.map`, so that
    memory is set by the chunk, not by the batch."""

    def run(*args):
        n = args[0].shape[0]
        stacked = [a.reshape(n // chunk, chunk, *a.shape[1:]) for a in args]
        out = jax.lax.map(lambda xs: fn(*xs), stacked)
        return jax.tree_util.tree_map(lambda o: o.reshape(n, *o.shape[2:]), out)

    return jax.jit(run)


def time_jax(fn, args, repeat=3):
    """(compile seconds, run seconds) of a jitted fn on args; the run excludes compilation and is
    the best of `repeat` (as timeit: on a shared machine the others measure its other load)."""
    start = time.perf_counter()
    compiled = fn.lower(*args).compile()
    compile_s = time.perf_counter() - start
    jax.block_until_ready(compiled(*args))  # warm caches
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(compiled(*args))
        runs.append(time.perf_counter() - start)
    return compile_s, min(runs)


def time_loop(fn, rows):
    start = time.perf_counter()
    for row in rows:
        fn(*row)
    return time.perf_counter() - start


def report(results):
    head = f"{'benchmark':34s} {'points':>9s} {'compile s':>9s} {'points/s':>11s}   {'baseline':34s} {'points/s':>9s} {'ratio':>9s}"
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r.name:34s} {r.points:9d} {r.compile_s:9.2f} {r.rate:11.4g}   {r.baseline:34s} "
            f"{r.baseline_rate:9.4g} {r.rate / r.baseline_rate:9.3g}"
        )
    print(f"\ndevice: {jax.devices()[0].device_kind} ({jax.default_backend()}), jax {jax.__version__}")


MODULES = ("kernels_bench", "bsll_bench", "global_bench", "theory_bench", "dark_z_bench", "bl23_bench", "massless_dark_photon_bench", "fits_bench", "fits_bench_hmc", "fits_bench_scan", "split_dark_sector_bench")
"""Benchmark modules, each with a BENCHMARKS dict name → bench(rng, scale) → Result."""


def main(argv=None):
    import importlib
    import importlib.util

    suites = [importlib.import_module(f"benchmarks.{m}") for m in MODULES if importlib.util.find_spec(f"benchmarks.{m}")]

    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="batches 10x smaller (a smoke run)")
    parser.add_argument("--only", nargs="*", help="run only these benchmarks")
    opts = parser.parse_args(argv)
    scale = 0.1 if opts.quick else 1.0
    rng = np.random.default_rng(0)
    results = []
    for name, bench in {k: v for suite in suites for k, v in suite.BENCHMARKS.items()}.items():
        if opts.only and name not in opts.only:
            continue
        print(f"running {name} …", file=sys.stderr, flush=True)
        results.append(bench(rng, scale))
    report(results)
    return 0
