"""Theory uncertainties: the Monte Carlo of `jaxflav.theory_covariance` and the global χ² at
nuisance points, beside flavio 2.7.1 in the same units.

- "theory-covariance": draws per second of the nuisance path (all 122 acting nuisances, the 24
  observables of tests/data/flavio_covariance.json: Table-1 bins, P5′ bins, R_K, R_K*, B_s→μμ),
  compile apart; baseline flavio's `sm_covariance` of the same observables over the same
  parameters (N draws on 2 threads), timed when its reference was written (stored, labelled).
- "global-nuisances": the χ² of `DataLikelihood(["bsmumu-2019"], theory="nuisances")` (57
  observables, experimental errors, the 79 nuisances that move them in standard coordinates z,
  their prior |z|²) at (C9, C10, z) points, z drawn from N(0, 1), vmapped in chunks; "-grad"
  with the gradient in all 81 parameters. Baseline: flavio's per-point np_prediction of the 57 observables
  (`global_bench`), which would need the same per point.
"""

import functools
import json
import pathlib

import jax
import jax.numpy as jnp

from benchmarks.runner import Result, chunked, time_jax

REFERENCE = pathlib.Path(__file__).resolve().parents[1] / "tests" / "data" / "flavio_covariance.json"
CHUNK = 64


def bench_covariance(rng, scale):
    from jaxflav import nuisances
    from jaxflav.predictions import Predictions

    ref = json.loads(REFERENCE.read_text())
    observables = [tuple(o) for o in ref["observables"]]
    predict = Predictions(observables, nuisances=nuisances.ACTING)
    prior = nuisances.prior(nuisances.ACTING)
    n = max(CHUNK, int(4096 * scale)) // CHUNK * CHUNK
    draws = prior.sample(jax.random.PRNGKey(int(rng.integers(2**31))), n)
    compile_s, run_s = time_jax(chunked(jax.vmap(lambda t: predict(None, t)), CHUNK), (draws,))
    label = f"flavio sm_covariance {len(observables)} obs (stored)"
    return Result(f"theory MC {len(observables)} obs (chunk {CHUNK})", n, compile_s, run_s, label, ref["N"], ref["timing"]["wall_s"])


@functools.cache
def _global():
    from jaxflav.likelihood import DataLikelihood

    like = DataLikelihood(["bsmumu-2019"], coefficients=("C9_bsmumu", "C10_bsmumu"), theory="nuisances")

    def chi2(c9, c10, z):
        return like.chi2({"C9_bsmumu": c9, "C10_bsmumu": c10}, z)

    return like, like.prior, chi2


def bench_global(grad):
    def run(rng, scale):
        from benchmarks.global_bench import _flavio_seconds_per_point

        like, prior, chi2 = _global()
        n = max(CHUNK, int(1024 * scale)) // CHUNK * CHUNK
        c9, c10 = (jnp.asarray(rng.uniform(-1.5, 0.5, n)) for _ in range(2))
        z = jax.random.normal(jax.random.PRNGKey(int(rng.integers(2**31))), (n, prior.dim))
        fn = jax.value_and_grad(chi2, argnums=(0, 1, 2)) if grad else chi2
        compile_s, run_s = time_jax(chunked(jax.vmap(fn), CHUNK), (c9, c10, z))
        seconds, label = _flavio_seconds_per_point(scale < 1)
        return Result(f"global chi2 + {prior.dim} nuisances{' +grad' if grad else ''}", n, compile_s, run_s, label, 1, seconds)

    return run


BENCHMARKS = {"theory-covariance": bench_covariance, "global-nuisances": bench_global(False), "global-nuisances-grad": bench_global(True)}
