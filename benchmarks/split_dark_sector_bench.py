"""The split dark sector, high-mass region (L. Darmé, M. Fedele, K. Kowalska, E. M. Sessolo, JHEP 08
(2020) 148; seed 003_063abde38b23e6be.txt), preset split-dark-sector-high: the full likelihood
(bsmumu-2019 and every constraint of the paper) on prior draws, and NUTS's effective samples per
second on its posterior beside random-walk Metropolis — the paper's sampler (HEPfit/BAT, ~500K
points of a random-walk MCMC).

likelihood: points/s of the χ² vmapped over prior draws, beside flavio 2.7's np_prediction of the
57 b→sμμ observables of bsmumu-2019 per point (the constraints left out: a lower bound on flavio's
work) when flavio runs (`bsll_bench.flavio_live_seconds`), else one point per call of the jitted,
unbatched χ². The stored flavio timing is of 27 other observables and is not used.

nuts: 4 chains each, NUTS (as `jaxflav sample`: target acceptance 0.8, the walls of far-exceeded
limits softened 50 above the start's χ², warmup counted) and `fits.hmc.random_walk` at NUTS's count
of χ² evaluations, both from the best fit of 8 starts, the random walk's proposal the best fit's
covariance in the unconstrained space (the identity when its Hessian is not positive definite), as
`jaxflav sample` with compare = "metropolis". ESS: the smallest over the five parameters. Each call compiles its sampler anew; a
sampler's time is its wall time less that of a tiny call just before (4 draws; 8 steps), reported
as the compile time. With the persistent cache (`jaxflav.compile_cache`) holding one of the two
programs but not the other, the difference is off by a compilation: rerun.
"""

import sys
import time

import jax
import numpy as np

from benchmarks.bsll_bench import flavio_live_seconds
from benchmarks.runner import Result, chunked, time_jax, time_loop

CHAINS = 4


def high():
    from jaxflav import config

    return config.problem(config.load("split-dark-sector-high"))


def bench_likelihood(rng, scale):
    problem = high()
    n, chunk = max(512, int(2e4 * scale)) // 512 * 512, 512
    x = problem.space.sample_prior(jax.random.PRNGKey(int(rng.integers(2**31))), n)
    compile_s, run_s = time_jax(chunked(jax.vmap(problem.chi2), chunk), (x,))
    seconds = flavio_live_seconds(problem.likelihood.data.observables)
    if seconds is not None:
        return Result("split dark sector chi2 (high)", n, compile_s, run_s, "flavio 2.7 np_prediction (live)", 1, seconds)
    single = jax.jit(problem.chi2)
    rows = [(p,) for p in np.asarray(x[: max(20, int(200 * scale))])]
    jax.block_until_ready(single(*rows[0]))  # compile
    base_s = time_loop(lambda p: jax.block_until_ready(single(p)), rows)
    return Result("split dark sector chi2 (high)", n, compile_s, run_s, "one point per call (jit, no vmap)", len(rows), base_s)


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def _ess_min(run):
    return float(np.nan_to_num(np.min(list(run.ess.values()))))  # a stuck chain's NaN counts as 0


def bench_nuts(rng, scale):
    from fits import bestfit, hmc

    problem = high()
    space, chi2 = problem.space, problem.chi2
    warmup, samples = max(100, int(1000 * scale)), max(100, int(2000 * scale))
    key = int(rng.integers(2**31))
    fit = bestfit.best_fit(chi2, space, starts=8, key=0)
    x0 = fit.x
    proposal = hmc.proposal_at(space, x0, fit.covariance) if fit.hessian_ok else None

    def nuts(w, s):
        return _timed(hmc.sample, chi2, space, chains=CHAINS, warmup=w, samples=s, key=key, init=x0, count_warmup=True, soften=50.0)

    def walk(steps):
        return _timed(hmc.random_walk, chi2, space, chains=CHAINS, steps=steps, key=key + 1, init=x0, proposal=proposal)

    compile_s = nuts(2, 4)[1]
    post, wall = nuts(warmup, samples)
    rw_compile_s = walk(8)[1]
    rw, rw_wall = walk(-(-post.n_evals // CHAINS))
    run_s, rw_s = max(wall - compile_s, 1e-3), max(rw_wall - rw_compile_s, 1e-3)
    nuts_ess, rw_ess = _ess_min(post), _ess_min(rw)
    print(
        f"  best fit χ² {fit.chi2_min:.4g} at {space.as_dict(x0)}, Hessian ok {fit.hessian_ok}; NUTS {warmup}+{samples}: "
        f"{post.n_evals} χ²+gradient evaluations, ESS {nuts_ess:.0f}, R-hat ≤ {max(post.r_hat.values()):.4f}, acceptance "
        f"{post.accept_rate:.2f}, {post.divergences} divergences, wall {wall:.1f} s ({compile_s:.1f} s tiny call); random walk: "
        f"{rw.n_evals} χ² evaluations, ESS {rw_ess:.0f}, R-hat ≤ {max(rw.r_hat.values()):.4f}, acceptance {rw.accept_rate:.2f}, "
        f"wall {rw_wall:.1f} s ({rw_compile_s:.1f} s tiny call)",
        file=sys.stderr,
    )
    return Result("NUTS ESS/s (split dark sector, high)", int(nuts_ess), compile_s, run_s,
                  "random-walk Metropolis, same evaluations", max(1, int(rw_ess)), rw_s)  # fmt: skip


BENCHMARKS = {"split-dark-sector-likelihood": bench_likelihood, "split-dark-sector-nuts": bench_nuts}
