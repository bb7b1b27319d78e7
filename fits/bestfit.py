"""Best fits from many starts at once.

`best_fit(chi2, space)` draws starts from the prior and minimises χ² from all of them together
with `fits.minimize` — projected L-BFGS in each parameter's box coordinate over one compiled,
batched χ² + gradient, Newton polish where L-BFGS stops short — then polishes the best point by
Newton steps and reports it, χ²_min, how many starts reached it, every start's end point, the
distinct minima the starts found, and the Hessian-based covariance at the best point, with a flag
when a parameter sits on a bound or the Hessian is degenerate.

Uncertainties: for χ² = −2 ln L + const the covariance of the estimates is V = (½ ∂²χ²/∂x∂x)⁻¹
= 2 H⁻¹ (PDG Review of Particle Physics, "Statistics", the variance from the second derivative
of ln L), in physical units; H by differences of the exact gradient (`fits.minimize.hessian`).

Physics-free: any pure JAX `chi2(x) -> scalar` of one physical point x (shape (dim,)) works, or a
`fits.minimize.Objective` built on one (to share its compiled program with profiles).
"""

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from fits import minimize as mz
from fits.space import Space, prng_key

BEST_POLISH = 2  # Newton steps at the best point (its Hessian is wanted there to ~1e-9)
POLISH_LOWEST = 32  # starts short of the convergence rule that are Newton-polished: the lowest χ²
AT_BOUND = 1e-6  # a best point within this fraction of a range from a bound is reported as on it
DEGENERATE_EPS = 1e4  # Ĥ's smallest eigenvalue must exceed this many ε for the Hessian to count as invertible
MAX_MINIMA = 64  # distinct minima listed at most (the lowest)


# --- result ------------------------------------------------------------------------------------
class BestFit(NamedTuple):
    """The result of `best_fit`. Arrays are NumPy; `to_dict()` gives JSON-ready data."""

    names: tuple  # parameter names, the order of every point
    x: np.ndarray  # (dim,) best point, physical units
    chi2_min: float
    sigma: np.ndarray  # (dim,) √C_ii (NaN where the Hessian is not positive definite)
    covariance: np.ndarray  # (dim, dim) C = 2 H⁻¹ in physical units
    correlation: np.ndarray  # (dim, dim) C_ij / (σ_i σ_j)
    hessian: np.ndarray  # (dim, dim) ∂²χ²/∂x_i∂x_j at x
    gradient: np.ndarray  # (dim,) ∂χ²/∂x_i at x (nonzero only for a parameter on a bound)
    at_bound: np.ndarray  # (dim,) bool: x_i sits on a bound of its range
    hessian_ok: bool  # H finite and positive definite, no parameter on a bound, x converged: C is meaningful
    message: str  # what is off, when something is ("" otherwise)
    n_starts: int
    n_converged: int  # starts that ended at the best point (same χ² and point within tolerances)
    n_nonfinite: int  # starts dropped for a non-finite χ² or gradient
    starts: np.ndarray  # (n_starts, dim) start points, physical units (`init` first)
    ends: np.ndarray  # (n_starts, dim) end points
    end_chi2: np.ndarray  # (n_starts,) χ² at the end points (NaN for dropped starts)
    steps: np.ndarray  # (n_starts,) optimiser iterations (all rounds)
    converged: np.ndarray  # (n_starts,) bool: the start's end point meets the gradient rule
    minima_x: np.ndarray  # (k, dim) distinct end points, by increasing χ²; minima_x[0] == x
    minima_chi2: np.ndarray  # (k,)
    minima_count: np.ndarray  # (k,) starts that ended there; minima_count[0] == n_converged
    method: str

    @property
    def best(self):
        """{name: value} of the best point."""
        return {n: float(v) for n, v in zip(self.names, self.x)}

    @property
    def errors(self):
        """{name: σ} from the Hessian (NaN where it is not positive definite)."""
        return {n: float(v) for n, v in zip(self.names, self.sigma)}

    def to_dict(self):
        """JSON-serialisable summary; non-finite numbers become None."""
        point = lambda v: {n: _num(a) for n, a in zip(self.names, v)}  # noqa: E731
        return {
            "method": self.method,
            "names": list(self.names),
            "best_fit": point(self.x),
            "chi2_min": _num(self.chi2_min),
            "sigma": point(self.sigma),
            "covariance": _nums(self.covariance),
            "correlation": _nums(self.correlation),
            "hessian": _nums(self.hessian),
            "gradient": point(self.gradient),
            "at_bound": {n: bool(b) for n, b in zip(self.names, self.at_bound)},
            "hessian_ok": bool(self.hessian_ok),
            "message": self.message,
            "n_starts": int(self.n_starts),
            "n_converged": int(self.n_converged),
            "n_nonfinite": int(self.n_nonfinite),
            "minima": [
                {"point": point(x), "chi2": _num(c), "count": int(k)}
                for x, c, k in zip(self.minima_x, self.minima_chi2, self.minima_count)
            ],
            "starts": _nums(self.starts),
            "ends": _nums(self.ends),
            "end_chi2": _nums(self.end_chi2),
            "steps": [int(s) for s in self.steps],
            "converged": [bool(c) for c in self.converged],
        }


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def _nums(a):
    return [_nums(r) for r in a] if np.ndim(a) else _num(a)


# --- input checks ------------------------------------------------------------------------------
def _positive_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def _positive_float(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def _check_objective(chi2, space):
    """The objective is callable and maps one physical point to a real scalar (traced, not compiled)."""
    if isinstance(chi2, mz.Objective):
        if chi2.space is not space:
            raise ValueError("the Objective was built for another space")
        chi2 = chi2.chi2
    if not callable(chi2):
        raise ValueError(f"chi2 must be a callable chi2(x) -> scalar, got {type(chi2).__name__}")
    if not isinstance(space, Space):
        raise ValueError(f"space must be a fits.space.Space, got {type(space).__name__}")
    dtype = jnp.result_type(float)
    try:
        out = jax.eval_shape(chi2, jax.ShapeDtypeStruct((space.dim,), dtype))
    except Exception as err:  # report the objective as the culprit, keep the cause
        raise ValueError(f"chi2 fails on one point of shape ({space.dim},) [{', '.join(space.names)}]: {err}") from err
    if not (hasattr(out, "shape") and out.shape == () and jnp.issubdtype(out.dtype, jnp.floating)):
        raise ValueError(f"chi2 must return a real floating scalar, got {out}")


def _check_options(max_steps, tol, polish):
    max_steps = None if max_steps is None else _positive_int(max_steps, "max_steps", 1)
    tol = None if tol is None else _positive_float(tol, "tol")
    return max_steps, tol, _positive_int(polish, "polish", 0)


def _initial_points(space, init):
    """`init` as an (k, dim) array of physical points: a point, an array of points, or {name: values}."""
    if init is None:
        return np.zeros((0, space.dim))
    if isinstance(init, dict):
        x = space.from_dict(init, "init")
    else:
        try:
            x = np.asarray(init, dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError(f"init must be a point, an array of points or a {{name: value}} dict: {err}") from err
        x = space.check_point(x, "init")
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"init must have shape ({space.dim},) or (k, {space.dim}), got {x.shape}")
    return x


def _same(space, a, b, x_tol):
    """Rows of b at the same point as a: |Δt| ≤ x_tol in every bounded parameter (t the position in
    its range, in its scale), |Δx| ≤ x_tol · max(1, |a|) in every unbounded one."""
    bounded = np.isfinite(space.low)
    ta, tb = mz.fraction(space, a), mz.fraction(space, b)
    scale = np.where(bounded, 1.0, np.maximum(1.0, np.abs(a)))
    return np.all(np.abs(tb - ta) <= x_tol * scale, axis=-1)


def _minima(space, x, chi2, chi2_tol, x_tol):
    """Distinct minima among end points (finite rows), lowest χ² first: greedily, the lowest
    unassigned end and every end with the same χ² (|Δχ²| ≤ chi2_tol · max(1, |χ²|)) and point."""
    order = np.argsort(chi2, kind="stable")
    free = np.ones(len(order), bool)
    xs, cs, counts = [], [], []
    while free.any() and len(xs) < MAX_MINIMA:
        i = order[np.argmax(free)]
        same_chi2 = np.abs(chi2[order] - chi2[i]) <= chi2_tol * max(1.0, abs(chi2[i]))
        members = free & same_chi2 & _same(space, x[i], x[order], x_tol)
        members[np.argmax(free)] = True
        xs.append(x[i])
        cs.append(chi2[i])
        counts.append(int(members.sum()))
        free &= ~members
    return np.array(xs), np.array(cs), np.array(counts)


def _polish_lowest(objective, ends, steps, tol):
    """Newton-polish the POLISH_LOWEST lowest starts that L-BFGS left short of the rule (`fits.minimize.newton`):
    the ones that can decide the best fit, at a cost that does not grow with the number of starts."""
    open_ = np.flatnonzero(ends.finite & ~ends.converged)
    todo = open_[np.argsort(ends.chi2[open_], kind="stable")[:POLISH_LOWEST]]
    if steps == 0 or todo.size == 0:
        return ends
    x, f, g = (a.copy() for a in (ends.x, ends.chi2, ends.gradient))
    free = np.ones((todo.size, objective.space.dim), bool)
    x[todo], f[todo], g[todo] = mz.newton(objective, x[todo], f[todo], g[todo], free, steps, mz.tolerance(objective, tol))
    finite = ends.finite & np.isfinite(f)
    converged = finite & mz.converged(objective, x, f, g, tol=tol)
    return ends._replace(x=x, chi2=np.where(finite, f, np.nan), gradient=g, converged=converged, finite=finite)


def _uncertainties(objective, x):
    """Gradient, Hessian, covariance 2H⁻¹, σ, correlation, at_bound and problems at the best point.

    H is judged positive definite on its unit-free form Ĥ = D H D (D = diag(H)^−½, unit diagonal)
    so that parameters of very different sizes do not pass for degenerate: its smallest
    eigenvalue must exceed DEGENERATE_EPS · ε of the dtype. Then C = 2 D Ĥ⁻¹ D."""
    space = objective.space
    H, _, g = mz.hessian(objective, x)
    eps = float(np.finfo(objective.dtype).eps)
    t = mz.fraction(space, x)
    at_bound = np.isfinite(space.low) & ((t <= AT_BOUND) | (t >= 1 - AT_BOUND))
    C = np.full((space.dim, space.dim), np.nan)
    problems = []
    if at_bound.any():
        names = ", ".join(n for n, b in zip(space.names, at_bound) if b)
        problems.append(f"the minimum sits on a bound of {names}; Hessian-based errors are not meaningful")
    if not np.all(np.isfinite(H)):
        problems.append("the Hessian is not finite")
    elif not np.all(np.diag(H) > 0):
        problems.append("the Hessian is not positive definite (flat or curving-down direction)")
    else:
        d = 1.0 / np.sqrt(np.diag(H))
        w, v = np.linalg.eigh(H * np.outer(d, d))
        if w[0] <= DEGENERATE_EPS * eps:
            problems.append("the Hessian is not positive definite (flat or degenerate direction)")
        else:
            C = 2.0 * np.outer(d, d) * ((v / w) @ v.T)
    sigma = np.sqrt(np.diag(C))
    corr = C / np.outer(sigma, sigma)
    return g, H, C, sigma, corr, at_bound, problems


def best_fit(
    chi2,
    space,
    *,
    starts=64,
    key=None,
    max_steps=None,
    tol=None,
    init=None,
    polish=mz.POLISH_STEPS,
    chi2_tol=1e-6,
    x_tol=1e-5,
    chunk=None,
    progress=None,
) -> BestFit:
    """Minimise chi2 over `space` from many starts at once; see the module docstring.

    chi2: pure JAX `chi2(x) -> scalar` of one physical point x (dim,) (log-likelihood = −χ²/2), or
    a `fits.minimize.Objective` of it. space: a `fits.space.Space`. starts: how many starts to
    draw from the prior (`space.sample_prior(key, starts)`); `init` (a point, (k, dim) points, or
    {name: values}) adds user starts, placed first. key: a PRNG key or an int seed (default 0).
    max_steps: L-BFGS iterations per start (default `fits.minimize.max_steps_for(dim)`, ≥ 200). tol: the rule max|∂χ²/∂z| ≤
    tol·max(1, |χ²|) (`fits.minimize.stationarity`; default √ε of the dtype). polish: Newton steps
    for the POLISH_LOWEST lowest starts L-BFGS leaves short of the rule (0 for none). chunk: rows per compiled call
    (default `fits.minimize.chunk_for(starts)`). Two end points are the same minimum when their χ²
    agree within chi2_tol·max(1, |χ²|) and their positions within x_tol (a fraction of each
    bounded range, in its scale; relative for unbounded parameters).

    Starts with a non-finite χ² or gradient (at the start or the end) are dropped and counted in
    `n_nonfinite`. progress: called as progress(step, running starts, starts, lowest χ²) during
    the L-BFGS iterations (e.g. for a progress line). Raises ValueError for bad input, before anything compiles, and when every
    start is dropped.
    """
    _check_objective(chi2, space)
    starts = _positive_int(starts, "starts", 1)
    max_steps, tol, polish = _check_options(max_steps, tol, polish)
    chi2_tol, x_tol = _positive_float(chi2_tol, "chi2_tol"), _positive_float(x_tol, "x_tol")
    user = _initial_points(space, init)

    drawn = np.asarray(space.sample_prior(prng_key(key), starts))
    x0 = np.concatenate([np.asarray(user, dtype=drawn.dtype), drawn])
    objective = chi2 if isinstance(chi2, mz.Objective) else mz.Objective(chi2, space, mz.chunk_for(len(x0)) if chunk is None else chunk)
    ends = _polish_lowest(objective, mz.minimize(objective, x0, max_steps=max_steps, tol=tol, polish=0, progress=progress), polish, tol)
    n = len(ends.chi2)
    keep = np.flatnonzero(ends.finite)
    if keep.size == 0:
        raise ValueError(f"chi2 (or its gradient) is not finite at any of the {n} starts; check the objective and the ranges of {list(space.names)}")

    mx, mc, mk = _minima(space, ends.x[keep], ends.chi2[keep], chi2_tol, x_tol)
    best_start = keep[np.argmin(ends.chi2[keep])]
    x, f, g = mz.newton(objective, mx[:1], mc[:1], ends.gradient[best_start][None], np.ones((1, space.dim), bool), BEST_POLISH, 0.0)
    x, chi2_min = x[0], float(f[0])
    mx[0], mc[0] = x, chi2_min
    g, H, C, sigma, corr, at_bound, problems = _uncertainties(objective, x)
    if not mz.converged(objective, x, chi2_min, g, tol=tol):
        problems.append("the best point does not meet the gradient rule (raise max_steps or polish)")
    return BestFit(
        names=space.names,
        x=x,
        chi2_min=chi2_min,
        sigma=sigma,
        covariance=C,
        correlation=corr,
        hessian=H,
        gradient=g,
        at_bound=at_bound,
        hessian_ok=not problems,
        message="; ".join(problems),
        n_starts=n,
        n_converged=int(mk[0]),
        n_nonfinite=int(n - keep.size),
        starts=x0,
        ends=ends.x,
        end_chi2=ends.chi2,
        steps=ends.steps,
        converged=ends.converged,
        minima_x=mx,
        minima_chi2=mc,
        minima_count=mk,
        method="lbfgs",
    )
