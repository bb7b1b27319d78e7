"""The global b→sμμ χ² (`jaxflav.likelihood.DataLikelihood(["bsmumu-2019"])`: 57 observables —
LHCb B→K*μμ F_L and P-basis bins, R_K, R_K*, B_s→μμ — with their correlations) with q²-dependent C9(q²),
C10(q²) = (a, b)·M²/(q² − M² + iMΓ), a Breit–Wigner Z′-like resonance with per-point
(a, b, M, Γ), M in [1.5, 4] GeV, Γ in [0.01, 0.5] GeV, on batches of parameter points:

- "fn": the coefficients as plain functions of q² (`like.chi2({"C9_bsmumu": lambda q2: …})`),
  evaluated at the quadrature nodes (which do not resolve the narrowest resonances: at
  Γ = 0.01 GeV with M² inside a bin its χ² differs from the exact path's);
- "res": the exact narrow-resonance path (`jaxflav.wcxf.Resonance.from_names(M, Γ,
  {"C9_bsmumu": (a·M², 0), "C10_bsmumu": (b·M², 0)})`, bins integrated exactly for any width);

The likelihood keeps only the form directions of C9_bsmumu, C10_bsmumu (`Predictions(coefficients=…)`:
6×6 real forms per node instead of 22×22), as `jaxflav fit` does for a model that sets only these;
each with the gradient (`value_and_grad` w.r.t. a, b, M, Γ) and without, vmapped over points and
chunked (`benchmarks.runner.chunked`, chunks of 64 points: on a 2-core CPU they run ~2x faster
than chunks of 1024, whose per-node intermediates fall out of cache), at batches of 1024 and 16384
points. --quick (a smoke run, under a minute): 128 points for every entry, the 16384-point entries
re-reporting the 1024-point ones (a second compilation would double the run); flavio at one point.

Baseline: flavio 2.7.1's np_prediction of the same 57 observables at a few points. flavio takes
constant coefficients, so C9, C10 are the resonance evaluated at each bin's centre (as in
benchmarks/bsll_bench.py) — cheaper than, and not the same as, the q²-dependent χ² timed here;
flavio's time is the predictions alone, without the χ². It is timed live when flavio can be
imported, or through the interpreter named by JAXFLAV_FLAVIO_PYTHON; otherwise the timing stored
with the flavio reference data (tests/data/flavio_bsll.json, for the 27 Table-1 observables,
scaled to 57) is reported and labelled as stored.
"""

import functools
import os
import resource
import sys

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.bsll_bench import flavio_live_seconds, stored_table1_seconds
from benchmarks.runner import Result, chunked, time_jax

DATASET = "bsmumu-2019"
CHUNK = 64
SIZES = (1024, 16384)

_FLAVIO_POINTS = ([0.2, 0.1, 1.8, 0.05], [0.4, -0.3, 3.0, 0.2], [-0.1, 0.5, 3.8, 0.01])


@functools.cache
def global_likelihood():
    from jaxflav.likelihood import DataLikelihood

    return DataLikelihood([DATASET], coefficients=("C9_bsmumu", "C10_bsmumu"))  # the forms a C9/C10 model moves


def breit_wigner(a, b, m, g):
    """{C9_bsmumu, C10_bsmumu}: plain functions of q², (a, b)·M²/(q² − M² + iMΓ)."""
    bw = lambda q2: m * m / (q2 - m * m + 1j * m * g)  # noqa: E731
    return {"C9_bsmumu": lambda q2: a * bw(q2), "C10_bsmumu": lambda q2: b * bw(q2)}


def resonance(a, b, m, g):
    """The same coefficients as a `jaxflav.wcxf.Resonance` (residues a·M², b·M²; no q² term)."""
    from jaxflav.wcxf import Resonance

    return Resonance.from_names(m, g, {"C9_bsmumu": (a * m * m, 0.0), "C10_bsmumu": (b * m * m, 0.0)})


PATHS = {"fn": breit_wigner, "res": resonance}


def chi2_of(path):
    like, wc = global_likelihood(), PATHS[path]
    return lambda a, b, m, g: like.chi2(wc(a, b, m, g))


def points(rng, n):
    """n points (a, b, M, Γ): a, b uniform in [−0.5, 0.5], M uniform in [1.5, 4] GeV, Γ log-uniform in [0.01, 0.5] GeV."""
    return [
        jnp.asarray(rng.uniform(-0.5, 0.5, n)),
        jnp.asarray(rng.uniform(-0.5, 0.5, n)),
        jnp.asarray(rng.uniform(1.5, 4.0, n)),
        jnp.asarray(10 ** rng.uniform(-2, np.log10(0.5), n)),
    ]


@functools.cache
def _flavio_seconds_per_point(quick):
    rows = global_likelihood().observables
    pts = _FLAVIO_POINTS[:1] if quick else _FLAVIO_POINTS
    seconds = flavio_live_seconds(rows, pts)
    label = f"flavio np_pred {len(rows)} obs (live)"
    if seconds is None:
        seconds, label = stored_table1_seconds() * len(rows) / 27, f"flavio np_pred {len(rows)} obs (stored)"
    print(f"  flavio: {seconds:.3g} s per point ({label}, {len(pts)} point(s), C9/C10 at bin centres)", file=sys.stderr, flush=True)
    return seconds, label


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@functools.cache
def _timed(path, grad, n, chunk, seed):
    chi2 = chi2_of(path)
    fn = jax.value_and_grad(chi2, argnums=(0, 1, 2, 3)) if grad else chi2
    return time_jax(chunked(jax.vmap(fn), chunk), points(np.random.default_rng(seed), n))


def bench(path, grad, size):
    def run(rng, scale):
        n = size if scale >= 1 else 2 * CHUNK
        chunk = min(CHUNK, n)
        n -= n % chunk
        compile_s, run_s = _timed(path, grad, n, chunk, 0 if scale < 1 else int(rng.integers(2**31)))
        print(f"  {path}{' +grad' if grad else ''} n={n}: {n / run_s:.4g} points/s, compile {compile_s:.1f} s, "
              f"peak RSS so far {peak_rss_mib():.0f} MiB, load average {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)
        seconds, label = _flavio_seconds_per_point(scale < 1)
        name = f"global chi2 {path}{'+grad' if grad else ''} (chunk {chunk})"
        return Result(name, n, compile_s, run_s, label, 1, seconds)

    return run


BENCHMARKS = {
    f"global-{path}{'-grad' if grad else ''}-{size}": bench(path, grad, size)
    for size in SIZES
    for path in PATHS
    for grad in (False, True)
}
