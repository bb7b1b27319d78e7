"""Parameter spaces: named parameters with bounds, linear or log scales, priors, and smooth
bijections to an unconstrained space (for optimisers and HMC).

A point is a 1-D array in *physical* units, ordered as `Space.names`. The unconstrained
coordinate u of a bounded parameter is the logit of its position in [low, high], measured in its
scale (x itself, or ln x): x = low + (high − low)·σ(u), or ln x = ln low + (ln high − ln low)·σ(u).
A parameter unbounded on both sides maps identically. A `Warp` replaces a bounded parameter's scale
by a monotone function of it and of the unwarped parameters, for posteriors whose width in that
parameter changes by orders of magnitude with the others (funnels, fine-tuned cancellations).

Priors are uniform in the parameter's scale (flat in x, or flat in ln x) unless a Gaussian
(`prior="normal"`, `mean`, `sigma`) is given, for nuisance parameters. `prior="chi2"` is flat
for a parameter whose constraint is a term of the χ² itself (a nuisance parameter whose prior
the likelihood carries, so that fits profile it and samplers do not count it twice); its `mean`
and `sigma` only give its scale (starts are drawn from that normal, optimisers work in its units).
"""

import math
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

SCALES = ("linear", "log")
PRIORS = ("uniform", "normal", "chi2")


class Parameter(NamedTuple):
    """One parameter: `name`, bounds `low` < `high` (±inf allowed for linear scale), `scale` "linear"
    or "log" (bounds > 0), `prior` "uniform" (in the scale), "normal" (`mean`, `sigma`) or "chi2"
    (flat, carried by the χ²; `mean`, `sigma` its scale)."""

    name: str
    low: float = -math.inf
    high: float = math.inf
    scale: str = "linear"
    prior: str = "uniform"
    mean: float = 0.0
    sigma: float = 1.0


class Warp(NamedTuple):
    """The unconstrained coordinate of parameter `name` follows w = forward(x, others) instead of x's
    scale: u = logit of w's position between w(low) and w(high), a sigmoid for every value of the
    others. Chosen so that the posterior's width in w is O(1) wherever the others go, it gives HMC
    one step size that fits the whole posterior; the prior stays the parameter's own (the Jacobian
    ∂x/∂u carries the change).

    `forward(x, others) -> w`: strictly monotone in x on [low, high]; `others` is {name: value} of
    the space's unwarped parameters. `inverse(w, others) -> x`, its inverse; both elementwise (any
    batch shape, JAX-traceable). Where ∂w/∂x vanishes at a bound, `inverse` stays a little inside
    it, so that ln |∂x/∂u| stays finite."""

    name: str
    forward: Callable
    inverse: Callable


def _check(p: Parameter):
    where = f"parameter {p.name!r}"
    if not isinstance(p.name, str) or not p.name:
        raise ValueError(f"parameter names must be non-empty strings, got {p.name!r}")
    if p.scale not in SCALES:
        raise ValueError(f"{where}: scale must be one of {SCALES}, got {p.scale!r}")
    if p.prior not in PRIORS:
        raise ValueError(f"{where}: prior must be one of {PRIORS}, got {p.prior!r}")
    low, high = float(p.low), float(p.high)
    if math.isnan(low) or math.isnan(high):
        raise ValueError(f"{where}: bounds must not be NaN, got [{p.low}, {p.high}]")
    if not low < high:
        raise ValueError(f"{where}: range [{p.low}, {p.high}] is empty or inverted (need low < high)")
    if p.scale == "log" and not (low > 0 and math.isfinite(high)):
        raise ValueError(f"{where}: a log scale needs 0 < low < high < inf, got [{p.low}, {p.high}]")
    if p.prior == "uniform" and not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"{where}: a uniform prior needs finite bounds, got [{p.low}, {p.high}]")
    if p.prior != "uniform" and not (math.isfinite(p.mean) and p.sigma > 0):
        raise ValueError(f"{where}: a {p.prior} prior needs a finite mean and sigma > 0, got {p.mean}, {p.sigma}")
    if math.isfinite(low) != math.isfinite(high):
        raise ValueError(f"{where}: give both bounds or neither, got [{p.low}, {p.high}]")
    return p._replace(low=low, high=high)


class Space:
    """An ordered set of `Parameter`s and the maps between physical and unconstrained points;
    `warps`: `Warp`s of bounded parameters (their coordinates depend on the unwarped ones)."""

    def __init__(self, parameters, warps=()):
        parameters = [p if isinstance(p, Parameter) else Parameter(**p) for p in parameters]
        if not parameters:
            raise ValueError("a parameter space needs at least one parameter")
        self.parameters = tuple(_check(p) for p in parameters)
        self.names = tuple(p.name for p in self.parameters)
        duplicates = sorted({n for n in self.names if self.names.count(n) > 1})
        if duplicates:
            raise ValueError(f"parameter names repeat: {', '.join(duplicates)}")
        self.dim = len(self.parameters)
        self.low = np.array([p.low for p in self.parameters])
        self.high = np.array([p.high for p in self.parameters])
        self._log = np.array([p.scale == "log" for p in self.parameters])
        self.bounded = self._bounded = np.isfinite(self.low)  # per parameter: both bounds finite
        self._lo = np.where(self._log, np.log(np.where(self._log, self.low, 1.0)), np.where(self._bounded, self.low, 0.0))
        self._hi = np.where(self._log, np.log(np.where(self._log, self.high, 1.0)), np.where(self._bounded, self.high, 1.0))
        self.warps = self._check_warps(tuple(warps))

    def _check_warps(self, warps):
        for w in warps:
            if not isinstance(w, Warp) or not callable(w.forward) or not callable(w.inverse):
                raise ValueError(f"warps must be fits.space.Warp with callable forward and inverse, got {w!r}")
            if w.name not in self.names:
                raise ValueError(f"warp of unknown parameter {w.name!r}; the space has {list(self.names)}")
            if not self._bounded[self.names.index(w.name)]:
                raise ValueError(f"warp of parameter {w.name!r}: it needs finite bounds")
        warped = [w.name for w in warps]
        if len(set(warped)) < len(warped):
            raise ValueError(f"parameters warped twice: {', '.join(sorted({n for n in warped if warped.count(n) > 1}))}")
        self._warped = np.array([n in warped for n in self.names])
        return warps

    def __repr__(self):
        return "Space(" + ", ".join(f"{p.name}∈[{p.low:g}, {p.high:g}] {p.scale}" for p in self.parameters) + ")"

    # --- maps ---------------------------------------------------------------------------------
    def _scaled(self, x):
        """x in its scale: ln x for log parameters (the double where keeps ln's gradient finite)."""
        x = jnp.asarray(x)
        return jnp.where(self._log, jnp.log(jnp.where(self._log, x, 1.0)), x)

    def _unscaled(self, y):
        return jnp.where(self._log, jnp.exp(jnp.where(self._log, y, 0.0)), y)

    def to_physical(self, u):
        """Unconstrained u (..., dim) → physical x (..., dim)."""
        u = jnp.asarray(u)
        y = jnp.where(self._bounded, self._lo + (self._hi - self._lo) * jax.nn.sigmoid(u), u)
        x = self._unscaled(y)
        for i, w, others, lo, hi in self._warp_ends(x):
            x = x.at[..., i].set(w.inverse(lo + (hi - lo) * jax.nn.sigmoid(u[..., i]), others))
        return x

    def to_unconstrained(self, x):
        """Physical x (..., dim) → unconstrained u; points on a bound map to ±inf."""
        x = jnp.asarray(x, jnp.result_type(float))
        t = (self._scaled(x) - self._lo) / (self._hi - self._lo)
        for i, w, others, lo, hi in self._warp_ends(x):
            t = t.at[..., i].set((w.forward(x[..., i], others) - lo) / (hi - lo))
        return jnp.where(self._bounded, jnp.log(t) - jnp.log1p(-t), x)

    def log_abs_det_jacobian(self, u):
        """ln |∂x/∂u| for densities in u: the sum over parameters of ln |∂x_i/∂u_i| (the map is
        triangular, a warped parameter depending on the unwarped ones only)."""
        u = jnp.asarray(u)
        s = jax.nn.log_sigmoid(u) + jax.nn.log_sigmoid(-u)
        log_dy = jnp.where(self._bounded, jnp.log(self._hi - self._lo) + s, 0.0)
        y = jnp.where(self._bounded, self._lo + (self._hi - self._lo) * jax.nn.sigmoid(u), u)
        log_dx = log_dy + jnp.where(self._log, y, 0.0)
        if self.warps:
            x = self.to_physical(u)
            for i, w, others, lo, hi in self._warp_ends(x):
                _, slope = jax.jvp(lambda v: w.forward(v, others), (x[..., i],), (jnp.ones_like(x[..., i]),))  # noqa: B023
                log_dx = log_dx.at[..., i].set(jnp.log(jnp.abs(hi - lo)) + s[..., i] - jnp.log(jnp.abs(slope)))
        return jnp.sum(log_dx, axis=-1)

    def _warp_ends(self, x):
        """(index, warp, unwarped {name: value}, w(low), w(high)) per warp, at the points x."""
        others = {n: x[..., i] for i, n in enumerate(self.names) if not self._warped[i]}
        for w in self.warps:
            i = self.names.index(w.name)
            ends = [w.forward(jnp.full(x.shape[:-1], bound, x.dtype), others) for bound in (self.low[i], self.high[i])]
            yield (i, w, others, *ends)

    # --- priors -------------------------------------------------------------------------------
    def log_prior(self, x):
        """ln prior density in physical units (up to a constant); −inf outside the bounds."""
        x = jnp.asarray(x)
        inside = jnp.all((x >= self.low) & (x <= self.high), axis=-1)
        normal = np.array([p.prior == "normal" for p in self.parameters])
        mean = np.array([p.mean for p in self.parameters])
        sigma = np.array([p.sigma for p in self.parameters])
        gauss = jnp.where(normal, -0.5 * ((x - mean) / sigma) ** 2, 0.0)
        uniform = np.array([p.prior == "uniform" for p in self.parameters])
        jac = jnp.where(self._log & uniform, -self._scaled(x), 0.0)  # flat in ln x: density 1/x
        return jnp.where(inside, jnp.sum(gauss + jac, axis=-1), -jnp.inf)

    def sample_prior(self, key, n):
        """n physical points from the prior (uniform in each scale, or the Gaussian truncated to the
        bounds; for a "chi2" prior, its scale's Gaussian)."""
        keys = jax.random.split(key, 2)
        t = jax.random.uniform(keys[0], (n, self.dim))
        uniform = self._unscaled(self._lo + (self._hi - self._lo) * t)
        normal = np.array([p.prior != "uniform" for p in self.parameters])
        mean = np.array([p.mean for p in self.parameters])
        sigma = np.array([p.sigma for p in self.parameters])
        z = jax.random.truncated_normal(keys[1], (self.low - mean) / sigma, (self.high - mean) / sigma, (n, self.dim))
        return jnp.where(normal, mean + sigma * z, uniform)

    def uniform_points(self, t):
        """Points at fractions t ∈ [0, 1]^dim of each range, in each parameter's scale (grids, Sobol)."""
        if not np.all(self._bounded):
            raise ValueError("uniform points need every parameter bounded")
        return self._unscaled(self._lo + (self._hi - self._lo) * jnp.asarray(t))

    # --- checks and conversions ---------------------------------------------------------------
    def contains(self, x):
        x = np.asarray(x)
        return np.all((x >= self.low) & (x <= self.high), axis=-1)

    def check_point(self, x, what="point"):
        """Raise ValueError naming the first parameter of `x` that is NaN or outside its bounds."""
        x = np.asarray(x, dtype=float)
        if x.shape[-1:] != (self.dim,):
            raise ValueError(f"{what} must have {self.dim} entries ({', '.join(self.names)}), got shape {x.shape}")
        for i, p in enumerate(self.parameters):
            v = x[..., i]
            if np.any(np.isnan(v)) or np.any(v < p.low) or np.any(v > p.high):
                raise ValueError(f"{what}: {p.name} = {v} outside [{p.low:g}, {p.high:g}]")
        return x

    def as_dict(self, x):
        """{name: x[..., i]}."""
        return {n: x[..., i] for i, n in enumerate(self.names)}

    def from_dict(self, values, what="point"):
        """Array from {name: value}; raises ValueError for unknown or missing names."""
        unknown = sorted(set(values) - set(self.names))
        missing = [n for n in self.names if n not in values]
        if unknown or missing:
            raise ValueError(f"{what}: unknown parameter(s) {unknown}, missing {missing}; the space has {list(self.names)}")
        return self.check_point(np.stack([np.asarray(values[n], dtype=float) for n in self.names], axis=-1), what)


def prng_key(key):
    """A jax.random key from `key` (a key, legacy or typed, or an int seed; None → seed 0)."""
    if key is None:
        return jax.random.PRNGKey(0)
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return jax.random.PRNGKey(int(key))
    if isinstance(key, jax.Array) and jnp.issubdtype(key.dtype, jax.dtypes.prng_key) and key.shape == ():
        return key
    if isinstance(key, (jax.Array, np.ndarray)) and key.shape == (2,) and key.dtype == np.uint32:
        return jnp.asarray(key)
    raise ValueError(f"key must be one jax.random key or an int seed, got {key!r}")
