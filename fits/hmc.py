"""Posterior sampling with numpyro's No-U-Turn sampler (Hoffman & Gelman, JMLR 15 (2014) 1593)
for any pure JAX χ².

The sampler runs in the unconstrained space of `fits.space.Space`, on the potential

    U(u) = χ²(x(u))/2 − ln π(x(u)) − ln|∂x/∂u|,

the negative log posterior density in u (likelihood e^{−χ²/2}, prior π). Samples come back in
physical units with the split-R̂ (Gelman et al., Bayesian Data Analysis 3rd ed., eq. 11.4) and the
effective sample size (ibid. eq. 11.8) of each parameter, as computed by `numpyro.diagnostics`.

    post = sample(chi2, space, chains=4, warmup=1000, samples=1000, key=jax.random.PRNGKey(0))
    print(post.summary())

This module is physics-free: it never imports `jaxflav`.
"""

import math
import numbers
import operator
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from numpyro.diagnostics import effective_sample_size, split_gelman_rubin
from numpyro.infer import MCMC, NUTS

from fits.space import Space, prng_key

CHAIN_METHODS = ("vectorized", "sequential", "parallel")
QUANTILES = (2.5, 16.0, 50.0, 84.0, 97.5)  # percent: the 2σ and 1σ intervals and the median

# Warm starts are spread by this much in the unconstrained coordinate: logit units for a bounded
# parameter (1e-3 moves a central point by 2.5e-4 of its range), prior sigmas for an unbounded one
# (those always carry a normal prior). It only has to make the chains' starts distinct; the
# momentum draws decorrelate them from the first step.
INIT_JITTER = 1e-3
# A start on a bound (u = ±inf) is pulled in to |u| = 12: 6e-6 of the range from the bound.
U_MAX = 12.0
# Prior draws tried per chain to find starts where χ² and its gradient are finite.
INIT_TRIES = 20


class Posterior(NamedTuple):
    """NUTS draws and their diagnostics.

    `samples`: name → array (chains, draws) in physical units; `chi2`: (chains, draws), the χ² of
    every draw; `r_hat`, `ess`: name → split-R̂ and effective sample size (all chains together);
    `divergences`: divergent transitions after warmup (all chains); `accept_rate`: mean
    acceptance statistic after warmup; `num_steps`: (chains, draws) leapfrog steps per draw;
    `warmup_steps`: leapfrog steps spent in warmup (all chains), or None when not counted
    (`sample(count_warmup=False)`). Every leapfrog step is one evaluation of χ² with its gradient.
    `softened`: draws beyond the cap of `sample(soften=…)`, where the sampled density is not the
    posterior's (0 in a sound run); `diverging`: (chains, draws), whether the transition to each
    draw diverged (where the geometry is too curved for the step size).
    """

    names: tuple
    samples: dict
    chi2: np.ndarray
    r_hat: dict
    ess: dict
    divergences: int
    accept_rate: float
    num_steps: np.ndarray
    warmup_steps: int
    softened: int = 0
    diverging: np.ndarray | None = None

    @property
    def chains(self):
        return self.chi2.shape[0]

    @property
    def draws(self):
        return self.chi2.shape[1]

    @property
    def n_evals(self):
        """χ² + gradient evaluations: of the whole run when the warmup was counted, else after it."""
        return int(self.num_steps.sum()) + (self.warmup_steps or 0)

    def array(self):
        """Draws as one array (chains, draws, dim), parameters in `names` order."""
        return np.stack([self.samples[n] for n in self.names], axis=-1)

    def flat(self):
        """Draws of all chains together, (chains·draws, dim)."""
        return self.array().reshape(-1, len(self.names))

    def mean(self):
        return self.flat().mean(axis=0)

    def cov(self):
        return np.atleast_2d(np.cov(self.flat(), rowvar=False))

    def mcse(self):
        """Monte Carlo standard error of each posterior mean, σ/√ESS, name → float."""
        return {n: float(np.std(self.samples[n]) / math.sqrt(self.ess[n])) for n in self.names}

    def summary(self):
        """A plain-text table: mean, standard deviation, MCSE, 16/50/84 % quantiles, R̂, ESS."""
        mcse = self.mcse()
        width = max(9, *(len(n) for n in self.names))
        lines = [
            f"{'':{width}s} {'mean':>11s} {'std':>10s} {'mcse':>10s} {'16%':>11s} {'50%':>11s} {'84%':>11s} "
            f"{'r_hat':>7s} {'ess':>8s}"
        ]
        for n in self.names:
            x = self.samples[n]
            q16, q50, q84 = np.percentile(x, (16.0, 50.0, 84.0))
            lines.append(
                f"{n:{width}s} {x.mean():11.4g} {x.std():10.4g} {mcse[n]:10.2g} {q16:11.4g} {q50:11.4g} "
                f"{q84:11.4g} {self.r_hat[n]:7.4f} {self.ess[n]:8.0f}"
            )
        lines.append(
            f"{self.chains} chains × {self.draws} draws; {self.divergences} divergent; "
            f"acceptance {self.accept_rate:.3f}; χ²_min {np.min(self.chi2):.6g}; {self.n_evals} gradient evaluations"
            + ("" if self.warmup_steps is not None else " after warmup")
            + (f"; {self.softened} draws beyond the softening cap" if self.softened else "")
        )
        return "\n".join(lines)

    def to_dict(self):
        """JSON-serialisable summary (non-finite numbers become None)."""
        quantiles = {n: quantiles_of(self.samples[n]) for n in self.names}
        return {
            "names": list(self.names),
            "chains": int(self.chains),
            "draws": int(self.draws),
            "mean": {n: _number(np.mean(self.samples[n])) for n in self.names},
            "std": {n: _number(np.std(self.samples[n])) for n in self.names},
            "quantiles": quantiles,
            "r_hat": {n: _number(self.r_hat[n]) for n in self.names},
            "ess": {n: _number(self.ess[n]) for n in self.names},
            "divergences": int(self.divergences),
            "accept_rate": _number(self.accept_rate),
            "chi2_min": _number(np.min(self.chi2)),
            "n_evals": self.n_evals,
            "warmup_steps": self.warmup_steps,
            "softened": int(self.softened),
        }


def quantiles_of(x):
    """{"2.5": …, "16": …, …}: the `QUANTILES` of draws x (non-finite numbers None), {} for no draws."""
    x = np.ravel(x)
    return {f"{q:g}": _number(v) for q, v in zip(QUANTILES, np.percentile(x, QUANTILES))} if x.size else {}


def _number(v):
    v = float(v)
    return v if math.isfinite(v) else None


def _count(value, name, minimum):
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    try:
        n = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}") from None
    if n < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return n


def potential(chi2, space):
    """U(u) = χ²(x(u))/2 − ln π(x(u)) − ln|∂x/∂u|, the negative log posterior density in the
    unconstrained space of `space`. x(u) is clipped to the bounds so that rounding at |u| ≳ 37
    (where σ(u) is 1 to machine precision) cannot put it a unit in the last place outside."""

    def U(u):
        x = jnp.clip(space.to_physical(u), space.low, space.high)
        return 0.5 * chi2(x) - space.log_prior(x) - space.log_abs_det_jacobian(u)

    return U


def soft(chi2, cap):
    """χ² below `cap`, cap·(1 + ln(χ²/cap)) above: continuous with its first derivative, and the
    log of a wall's χ² grows as gently as its argument (`sample(soften=…)`)."""
    above = chi2 > cap
    return jnp.where(above, cap * (1 + jnp.log(jnp.where(above, chi2, cap) / cap)), chi2)


def _unsoft(value, cap):
    """The χ² whose `soft` is `value`."""
    above = value > cap
    return jnp.where(above, cap * jnp.exp(jnp.where(above, value, cap) / cap - 1), value)


def pull_in(space, u):
    """Unconstrained points with every bounded coordinate within ±U_MAX (a start on a bound is ±inf)."""
    return jnp.where(space.bounded, jnp.clip(u, -U_MAX, U_MAX), u)


def _starts(U, space, key, chains, init):
    """Unconstrained starting points (chains, dim) where U and its gradient are finite, and U there."""
    value_and_grad = jax.jit(jax.vmap(jax.value_and_grad(U)))

    def evaluate(u):
        """(U at u, whether U and its gradient are finite there)."""
        v, g = value_and_grad(u)
        return v, np.asarray(jnp.isfinite(v) & jnp.all(jnp.isfinite(g), axis=-1))

    if init is not None:
        x0 = np.asarray(init, dtype=float)
        if x0.ndim == 2:  # one start per chain, used as given
            u = pull_in(space, space.to_unconstrained(jnp.asarray(x0, jnp.result_type(float))))
            v, ok = evaluate(u)
            if not ok.all():
                bad = int(np.argmin(ok))
                raise ValueError(f"init: χ² or its gradient is not finite at chain {bad}'s start {space.as_dict(x0[bad])}")
            return u, v
        u0 = pull_in(space, space.to_unconstrained(jnp.asarray(x0, jnp.result_type(float))))
        sigma = np.array([1.0 if b else p.sigma for b, p in zip(space.bounded, space.parameters)])
        noise = INIT_JITTER * sigma * jax.random.normal(key, (chains, space.dim), u0.dtype)
        u = u0 + noise.at[0].set(0.0)  # chain 0 starts exactly at init
        v, ok = evaluate(u)
        if not ok[0]:
            raise ValueError(f"init: χ² or its gradient is not finite at {space.as_dict(x0)}")
        return jnp.where(ok[:, None], u, u0), jnp.where(ok, v, v[0])  # a jittered start that fails falls back to init itself

    found = []
    for attempt in range(INIT_TRIES):
        x = space.sample_prior(jax.random.fold_in(key, attempt), chains)
        u = pull_in(space, space.to_unconstrained(x))
        v, ok = evaluate(u)
        found.extend(zip(u[ok], v[ok]))
        if len(found) >= chains:
            u, v = zip(*found[:chains])
            return jnp.stack(u), jnp.stack(v)
    raise ValueError(
        f"χ² or its gradient is not finite at {chains * INIT_TRIES - len(found)} of {chains * INIT_TRIES} "
        f"prior draws; give `init`, a point where χ² is finite"
    )


def _check_init(space, init, chains):
    if init is None:
        return None
    if isinstance(init, dict):
        return space.from_dict(init, "init")
    x = np.asarray(init, dtype=float)
    if x.ndim == 2 and x.shape[0] != chains:
        raise ValueError(f"init: one start per chain needs shape ({chains}, {space.dim}), got {x.shape}")
    if x.ndim not in (1, 2):
        raise ValueError(f"init must be a point ({space.dim},) or one per chain ({chains}, {space.dim}), got shape {x.shape}")
    space.check_point(x, "init")
    return init


def sample(
    chi2,
    space,
    *,
    chains=4,
    warmup=1000,
    samples=1000,
    key=None,
    init=None,
    target_accept=0.8,
    max_tree_depth=10,
    dense_mass=True,
    chain_method="vectorized",
    progress_bar=False,
    count_warmup=False,
    soften=None,
):
    """Draw `samples` posterior points per chain with NUTS after `warmup` adaptation steps.

    `chi2(x) -> scalar`: pure JAX χ² of a physical point x (dim,), likelihood e^{−χ²/2}.
    `space`: a `fits.space.Space` giving bounds, scales and priors.
    `init`: a physical point (dim,) or {name: value} — e.g. a best fit — started from by every chain
    (chain 0 exactly, the others jittered by `INIT_JITTER` in the unconstrained space, so inside
    the bounds), or one start per chain (chains, dim); by default each chain starts at a prior draw
    where χ² and its gradient are finite. `key`: a jax.random key or an int seed (default seed 0).
    `dense_mass`: adapt a full mass matrix during warmup (best for the few, correlated parameters
    of a fit; set False for many parameters). `chain_method`: how numpyro runs the chains
    ("parallel" needs one device per chain, else numpyro falls back to "sequential").
    `count_warmup`: also count the leapfrog steps of the warmup (`Posterior.warmup_steps`), at the
    price of compiling warmup and sampling apart (one compile otherwise). `samples` ≥ 4 (split-R̂
    halves each chain).
    `soften`: a Δχ² > 0, or None. Above the cap χ²_start + soften (χ²_start: at `init`, else the
    lowest of the chains' starts) the sampled χ² is `soft(χ², cap)`, which grows as ln χ²: the
    steep walls of far-exceeded limits (χ² ~ 10¹⁰ a few σ into a cut) then no longer force a step
    size that wastes the run on tiny leapfrog steps. Below the cap the density is the posterior's
    exactly; the posterior mass above it is below e^{−soften/2} (e^{−25} for 50), which
    `Posterior.softened` confirms by counting the draws there.

    Returns a `Posterior`. Raises ValueError for bad arguments (before anything is compiled; chi2
    is only traced, to check that it returns a scalar), and when no start with a finite χ² and
    gradient is found.
    """
    if not callable(chi2):
        raise ValueError(f"chi2 must be a function of a physical point, got {type(chi2).__name__}")
    if not isinstance(space, Space):
        raise ValueError(f"space must be a fits.space.Space, got {type(space).__name__}")
    chains = _count(chains, "chains", 1)
    warmup = _count(warmup, "warmup", 0)
    samples = _count(samples, "samples", 4)
    max_tree_depth = _count(max_tree_depth, "max_tree_depth", 1)
    if isinstance(target_accept, bool) or not isinstance(target_accept, numbers.Real) or not 0 < target_accept < 1:
        raise ValueError(f"target_accept must be a number in (0, 1), got {target_accept!r}")
    if chain_method not in CHAIN_METHODS:
        raise ValueError(f"chain_method must be one of {CHAIN_METHODS}, got {chain_method!r}")
    init = _check_init(space, init, chains)
    key = prng_key(key)
    out = jax.eval_shape(chi2, jax.ShapeDtypeStruct((space.dim,), jnp.result_type(float)))  # traces, no compile
    if getattr(out, "shape", None) != ():
        got = getattr(out, "shape", type(out).__name__)
        raise ValueError(f"chi2 must return a scalar, got {got} for a point of shape ({space.dim},)")

    if soften is not None and (isinstance(soften, bool) or not isinstance(soften, numbers.Real) or not soften > 0):
        raise ValueError(f"soften must be a Δχ² > 0 or None, got {soften!r}")
    soften = None if soften is not None and math.isinf(soften) else soften
    init_key, run_key = jax.random.split(key)
    u0, U0 = _starts(potential(chi2, space), space, init_key, chains, init)
    cap = math.inf
    if soften is not None:
        x0 = jnp.clip(space.to_physical(u0), space.low, space.high)
        at_starts = 2.0 * (U0 + space.log_prior(x0) + space.log_abs_det_jacobian(u0))
        cap = float(at_starts[0] if init is not None and np.ndim(init) == 1 else jnp.min(at_starts)) + float(soften)
    U = potential(chi2 if soften is None else (lambda x: soft(chi2(x), cap)), space)
    kernel = NUTS(
        potential_fn=U,
        target_accept_prob=float(target_accept),
        max_tree_depth=max_tree_depth,
        dense_mass=bool(dense_mass),
    )
    mcmc = MCMC(
        kernel,
        num_warmup=warmup,
        num_samples=samples,
        num_chains=chains,
        chain_method=chain_method,
        progress_bar=progress_bar,
    )
    fields = ("num_steps", "accept_prob", "potential_energy")
    start = u0 if chains > 1 else u0[0]
    warmup_steps = 0 if count_warmup else None
    if count_warmup and warmup > 0:
        mcmc.warmup(run_key, init_params=start, extra_fields=("num_steps",), collect_warmup=True)
        warmup_steps = int(np.sum(mcmc.get_extra_fields()["num_steps"]))
        mcmc.run(jax.random.fold_in(run_key, 1), extra_fields=fields)
    else:
        mcmc.run(run_key, init_params=start, extra_fields=fields)
    u = mcmc.get_samples(group_by_chain=True)  # (chains, draws, dim), unconstrained
    fields = mcmc.get_extra_fields(group_by_chain=True)
    x = jnp.clip(space.to_physical(u), space.low, space.high)
    # χ² of every draw from the potential NUTS already computed: χ² = 2(U + ln π + ln|∂x/∂u|).
    chi2_draws = _unsoft(2.0 * (fields["potential_energy"] + space.log_prior(x) + space.log_abs_det_jacobian(u)), cap)
    x = np.asarray(x)
    names = space.names
    r_hat = {n: float(split_gelman_rubin(x[..., i])) for i, n in enumerate(names)}
    ess = {n: float(effective_sample_size(x[..., i])) for i, n in enumerate(names)}
    return Posterior(
        names=names,
        samples={n: x[..., i] for i, n in enumerate(names)},
        chi2=np.asarray(chi2_draws),
        r_hat=r_hat,
        ess=ess,
        divergences=int(np.sum(fields["diverging"])),
        accept_rate=float(np.mean(fields["accept_prob"])),
        num_steps=np.asarray(fields["num_steps"]),
        warmup_steps=warmup_steps,
        softened=int(np.sum(np.asarray(chi2_draws) > cap)),
        diverging=np.asarray(fields["diverging"]),
    )


class RandomWalk(NamedTuple):
    """Random-walk Metropolis draws (`random_walk`) and their diagnostics: `samples` name → (chains,
    draws) after the adaptation half, `r_hat`, `ess` as `Posterior`'s, `accept_rate` after it,
    `scale` the adapted proposal scale, `n_evals` χ² evaluations (all chains, adaptation too)."""

    names: tuple
    samples: dict
    r_hat: dict
    ess: dict
    accept_rate: float
    scale: float
    n_evals: int

    def to_dict(self):
        return {"names": list(self.names), "r_hat": {n: _number(v) for n, v in self.r_hat.items()}, "ess": {n: _number(v) for n, v in self.ess.items()},
                "mean": {n: _number(np.mean(v)) for n, v in self.samples.items()}, "std": {n: _number(np.std(v)) for n, v in self.samples.items()},
                "accept_rate": _number(self.accept_rate), "scale": _number(self.scale), "n_evals": self.n_evals}  # fmt: skip


def proposal_at(space, x, covariance):
    """A physical covariance at x (a best fit's, from its Hessian) carried to the unconstrained space
    by the Jacobian J = ∂x/∂u, J⁻¹ C J⁻ᵀ: a random-walk proposal shaped like the posterior there (a
    best fit on a bound is pulled in first, where J is not singular)."""
    u = pull_in(space, space.to_unconstrained(jnp.asarray(x, jnp.result_type(float))))
    j_inv = np.linalg.inv(np.asarray(jax.jacfwd(space.to_physical)(u)))
    return j_inv @ np.asarray(covariance) @ j_inv.T


RW_TARGET_ACCEPT = 0.234  # the optimal acceptance of random-walk Metropolis in many dimensions (Roberts, Gelman, Gilks, Ann. Appl. Probab. 7 (1997) 110)


def random_walk(chi2, space, *, chains=4, steps=10000, key=None, init=None, proposal=None):
    """Random-walk Metropolis on the potential of `sample` (the baseline NUTS is measured against,
    as HEPfit samples): Gaussian proposals s·L ξ in the unconstrained space, L Lᵀ = `proposal`
    (a covariance there; default the identity), s started at 2.38/√dim (Roberts et al.) and
    adapted towards RW_TARGET_ACCEPT during the first half of the `steps` of each chain
    (Robbins–Monro on ln s, one scale shared by the chains), then fixed; the second half is
    returned. `init`: a physical point every chain starts from (on a bound: pulled in as `sample`
    does). One χ² evaluation per step."""
    chains, steps = _count(chains, "chains", 1), _count(steps, "steps", 8)
    U = potential(chi2, space)
    key = prng_key(key)
    x0 = space.check_point(np.asarray(init if init is not None else space.sample_prior(key, 1)[0], dtype=float), "init")
    u0 = jnp.broadcast_to(pull_in(space, space.to_unconstrained(jnp.asarray(x0))), (chains, space.dim))
    L = jnp.linalg.cholesky(jnp.eye(space.dim) if proposal is None else jnp.asarray(proposal))
    U_batch = jax.vmap(U)
    half = steps // 2

    def step(carry, t):
        u, f, log_s, k = carry
        k, k1, k2 = jax.random.split(k, 3)
        trial = u + jnp.exp(log_s) * jax.random.normal(k1, u.shape) @ L.T
        f_trial = U_batch(trial)
        accept = jnp.log(jax.random.uniform(k2, f.shape)) < f - f_trial  # NaN proposals are rejected
        u, f = jnp.where(accept[:, None], trial, u), jnp.where(accept, f_trial, f)
        rate = jnp.mean(accept)
        log_s = jnp.where(t < half, log_s + (rate - RW_TARGET_ACCEPT) / jnp.sqrt(t + 1.0), log_s)
        return (u, f, log_s, k), (u, rate)

    run = jax.jit(lambda u, k: jax.lax.scan(step, (u, U_batch(u), jnp.log(2.38 / math.sqrt(space.dim)), k), jnp.arange(steps)))
    (_, _, log_s, _), (us, rates) = run(u0, key)
    x = np.asarray(jnp.clip(space.to_physical(jnp.swapaxes(us[half:], 0, 1)), space.low, space.high))  # (chains, draws, dim)
    names = space.names
    return RandomWalk(
        names,
        {n: x[..., i] for i, n in enumerate(names)},
        {n: float(split_gelman_rubin(x[..., i])) for i, n in enumerate(names)},
        {n: float(effective_sample_size(x[..., i])) for i, n in enumerate(names)},
        float(np.mean(np.asarray(rates)[half:])),
        float(np.exp(log_s)),
        chains * (steps + 1),
    )
