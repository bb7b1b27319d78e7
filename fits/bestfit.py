"""Best fits from many starts at once.

`best_fit(chi2, space)` draws starts from the prior, runs optax L-BFGS (zoom line search) or Adam
on all of them together — one jitted, vmapped `lax.while_loop` — in the unconstrained coordinates
of `space`, polishes every end point with a few safeguarded Newton steps in physical coordinates,
restarts the starts that are not yet stationary (the logistic map to u makes every bound look
flat), and reports the best point, χ²_min, how many starts reached it, every start's end point,
the distinct minima the starts found, and the Hessian-based covariance at the best point, with a
flag when a parameter sits on a bound or the Hessian is degenerate.

Methods: L-BFGS with a line search satisfying the strong Wolfe conditions, and Newton's method
with backtracking (Nocedal & Wright, *Numerical Optimization*, 2nd ed. 2006, Alg. 7.4/7.5, Alg.
3.5/3.6, §3.1); Adam (Kingma & Ba, arXiv:1412.6980). Uncertainties: for χ² = −2 ln L + const the
covariance of the estimates is V = (½ ∂²χ²/∂x∂x)⁻¹ = 2 H⁻¹ (PDG Review of Particle Physics,
"Statistics", the variance from the second derivative of ln L), in physical units.

Physics-free: any pure JAX `chi2(x) -> scalar` of one physical point x (shape (dim,)) works, in
whatever floating dtype the starts have (float64 when `jax_enable_x64` is on).
"""

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from fits.space import Space, prng_key

METHODS = ("lbfgs", "adam")
MAX_STEPS = {"lbfgs": 1000, "adam": 5000}  # optimiser iterations per start
ADAM_LEARNING_RATE = 0.02  # in unconstrained units, where a bounded range spans u ≈ ±10
LBFGS_MEMORY = 10  # optax's default number of stored (s, y) pairs
LINESEARCH_STEPS = 15  # zoom line-search evaluations per L-BFGS iteration at most
ROUNDS = 3  # optimiser + Newton rounds at most; later rounds restart only the starts not yet converged
NEWTON_STEPS = 6  # polishing iterations; Newton converges quadratically from an L-BFGS end point
BACKTRACK = 2.0 ** -np.arange(6)  # Newton step fractions tried together: 1, 1/2, …, 1/32
DAMPING = (1e-6, 1e-3, 1e-1, 1.0)  # Levenberg–Marquardt λ tried beside the plain Newton step
U_MAX = 30.0  # starts are moved to |u| ≤ 30 (≈1e-13 of the range from a bound) so that every start can move
U_RESTART = 10.0  # later rounds restart within |u| ≤ 10 (≈5e-5 of the range), where the logistic map still has slope
NEAR_BOUND = 1e-3  # within this fraction of a range, Newton may pin a parameter to the bound its gradient pushes on
AT_BOUND = 1e-6  # a best point within this fraction of a range from a bound is reported as on it
DEGENERATE_EPS = 1e4  # Ĥ's smallest eigenvalue must exceed this many ε for the Hessian to count as invertible
MAX_MINIMA = 64  # distinct minima listed at most (the lowest)


# --- result ------------------------------------------------------------------------------------
class Ends(NamedTuple):
    """Where each start ended (arrays with a leading start axis), from `multistart`."""

    x: jax.Array  # (n, dim) end points, physical units
    chi2: jax.Array  # (n,) χ² there (NaN for dropped starts)
    steps: jax.Array  # (n,) optimiser iterations taken (all rounds)
    converged: jax.Array  # (n,) the gradient rule holds at the end point
    finite: jax.Array  # (n,) χ² finite at the start, χ² and its gradient finite at the end


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


def _check_options(method, max_steps, tol, learning_rate, newton_steps):
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    max_steps = MAX_STEPS[method] if max_steps is None else _positive_int(max_steps, "max_steps", 1)
    tol = None if tol is None else _positive_float(tol, "tol")
    learning_rate = _positive_float(learning_rate, "learning_rate")
    newton_steps = _positive_int(newton_steps, "newton_steps", 0)
    return max_steps, tol, learning_rate, newton_steps


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


# --- the optimisers (one start; vmapped by `multistart`) ----------------------------------------
def _small_gradient(f, g, tol):
    """Stopping rule: max |∂f/∂u| ≤ tol · max(1, |f|) — relative for large χ², absolute near 0."""
    return jnp.max(jnp.abs(g)) <= tol * jnp.maximum(1.0, jnp.abs(f))


def _finite(f, g):
    return jnp.isfinite(f) & jnp.all(jnp.isfinite(g))


def _linesearch_state(state):
    """The zoom line search's state inside optax.lbfgs's chain: it holds value and grad at the new point."""
    for s in state:
        if hasattr(s, "value") and hasattr(s, "grad"):
            return s
    raise RuntimeError("optax.lbfgs state has no line-search value/grad")  # pragma: no cover


class _Carry(NamedTuple):
    u: jax.Array
    f: jax.Array
    g: jax.Array
    state: tuple
    step: jax.Array
    done: jax.Array


def _lbfgs(f, u0, skip, max_steps, tol):
    """L-BFGS from u0 (not at all if `skip`) until the gradient rule holds, the line search finds
    no decrease (the round-off floor, or a failure: the previous point is kept), or max_steps.
    Returns (u, f, g, steps)."""
    opt = optax.lbfgs(
        memory_size=LBFGS_MEMORY,
        linesearch=optax.scale_by_zoom_linesearch(max_linesearch_steps=LINESEARCH_STEPS, initial_guess_strategy="one"),
    )
    f0, g0 = jax.value_and_grad(f)(u0)

    def body(c):
        # Under vmap the body also runs for starts that are done (their results are discarded),
        # and the batched line search loops until every start's search ends. A done start sees a
        # constant objective instead, whose line search ends at its first trial.
        live = ~c.done
        value_fn = lambda u: jnp.where(live, f(u), 0.0)  # noqa: E731
        value, grad = jnp.where(live, c.f, 0.0), jnp.where(live, c.g, 0.0)
        updates, state = opt.update(grad, c.state, c.u, value=value, grad=grad, value_fn=value_fn)
        ls = _linesearch_state(state)
        u, fu, gu = optax.apply_updates(c.u, updates), ls.value, ls.grad
        better = (fu < c.f) & _finite(fu, gu)  # False for NaN
        u, fu, gu = (jnp.where(better, new, old) for new, old in ((u, c.u), (fu, c.f), (gu, c.g)))
        step = c.step + 1
        done = ~better | _small_gradient(fu, gu, tol) | (step >= max_steps)
        return _Carry(u, fu, gu, state, step, done)

    init = _Carry(u0, f0, g0, opt.init(u0), jnp.zeros((), int), skip | ~_finite(f0, g0) | _small_gradient(f0, g0, tol))
    end = jax.lax.while_loop(lambda c: ~c.done, body, init)
    return end.u, end.f, end.g, end.step


class _AdamCarry(NamedTuple):
    u: jax.Array
    f: jax.Array
    g: jax.Array
    state: tuple
    best: tuple  # (u, f, g) of the lowest f seen
    step: jax.Array
    done: jax.Array


def _adam(f, u0, skip, max_steps, tol, learning_rate):
    """Adam from u0 (not at all if `skip`) until the gradient rule holds, f turns non-finite, or
    max_steps; returns the lowest point seen (Adam is not monotone) as (u, f, g, steps)."""
    opt = optax.adam(learning_rate)
    f0, g0 = jax.value_and_grad(f)(u0)

    def body(c):
        updates, state = opt.update(c.g, c.state, c.u)
        u = optax.apply_updates(c.u, updates)
        fu, gu = jax.value_and_grad(f)(u)
        ok = _finite(fu, gu)
        improved = ok & (fu < c.best[1])
        best = tuple(jnp.where(improved, new, old) for new, old in zip((u, fu, gu), c.best))
        step = c.step + 1
        done = ~ok | _small_gradient(fu, gu, tol) | (step >= max_steps)
        return _AdamCarry(u, fu, gu, state, best, step, done)

    done = skip | ~_finite(f0, g0) | _small_gradient(f0, g0, tol)
    init = _AdamCarry(u0, f0, g0, opt.init(u0), (u0, f0, g0), jnp.zeros((), int), done)
    end = jax.lax.while_loop(lambda c: ~c.done, body, init)
    return (*end.best, end.step)


def _newton(chi2, space, x, fx, steps):
    """`steps` safeguarded Newton iterations in physical coordinates from (x, χ²(x)).

    Each iteration takes Newton steps d(λ) = −(H + λ S)⁻¹ g on the free parameters (S = the
    diagonal of H, floored; Cholesky, so a λ for which H + λS is not positive definite gives NaN
    and is dropped): the plain step λ = 0 scaled by α = 1, ½, …, 1/32, and Levenberg–Marquardt
    steps for λ in DAMPING, which keep a flat or indefinite direction from blocking the others.
    Trials are clipped into the box, and the one with the lowest χ² that is finite and not above
    the current one is kept (so a bad Hessian never makes things worse). A parameter within
    NEAR_BOUND of a bound its gradient pushes against is pinned: half of the trials put it on that
    bound (projected Newton)."""
    low, high = jnp.asarray(space.low), jnp.asarray(space.high)
    bounded = np.isfinite(space.low)
    eye = jnp.eye(space.dim, dtype=x.dtype)
    alphas = jnp.asarray(BACKTRACK, dtype=x.dtype)[:, None]
    lambdas = jnp.asarray(DAMPING, dtype=x.dtype)
    eps, tiny = jnp.finfo(x.dtype).eps, jnp.finfo(x.dtype).tiny

    def step(carry, _):
        x, fx = carry
        g, H = jax.grad(chi2)(x), jax.hessian(chi2)(x)
        t = _fraction(space, x, jnp)
        pinned = bounded & (((t <= NEAR_BOUND) & (g > 0)) | ((t >= 1 - NEAR_BOUND) & (g < 0)))
        free = ~pinned
        edge = jnp.where(g > 0, low, high)  # the bound a pinned parameter is pushed against
        H = jnp.where(free[:, None] & free[None, :], H, eye)
        g = jnp.where(free, g, 0.0)
        diag = jnp.abs(jnp.diag(H))
        scale = jnp.maximum(diag, eps * jnp.max(diag) + tiny)

        def newton(lam):
            return jax.scipy.linalg.cho_solve(jax.scipy.linalg.cho_factor(H + lam * jnp.diag(scale)), g)

        d = jax.vmap(newton)(jnp.concatenate([jnp.zeros(1, x.dtype), lambdas]))
        moved = jnp.clip(x - jnp.concatenate([alphas * d[:1], d[1:]]), low, high)
        trials = jnp.concatenate([moved, jnp.where(pinned, edge, moved)])
        ft = jax.vmap(chi2)(trials)
        ok = jnp.isfinite(ft) & (ft <= fx)
        k = jnp.argmin(jnp.where(ok, ft, jnp.inf))
        accept = jnp.any(ok)
        return (jnp.where(accept, trials[k], x), jnp.where(accept, ft[k], fx)), None

    (x, fx), _ = jax.lax.scan(step, (x, fx), None, length=steps)
    return x, fx


def _ranges(space):
    """(log, bounded, lo, hi): each range's ends in its scale (ln x for log parameters; 0, 1 if unbounded)."""
    log = np.array([p.scale == "log" for p in space.parameters])
    bounded = np.isfinite(space.low)
    lo = np.where(log, np.log(np.where(log, space.low, 1.0)), np.where(bounded, space.low, 0.0))
    hi = np.where(log, np.log(np.where(log, space.high, 1.0)), np.where(bounded, space.high, 1.0))
    return log, bounded, lo, hi


def _fraction(space, x, xp=np):
    """Position of x in each bounded range as a fraction t ∈ [0, 1], measured in the parameter's
    scale (ln x for log parameters); x itself for unbounded parameters."""
    log, bounded, lo, hi = _ranges(space)
    y = xp.where(log, xp.log(xp.where(log, x, 1.0)), x)
    return xp.where(bounded, (y - lo) / (hi - lo), x)


# --- the functional core -------------------------------------------------------------------------
def _stationarity(chi2, space, x):
    """(χ², the largest gradient component the convergence rule looks at) at one point.

    That is |∂χ²/∂u|, the gradient in the optimiser's coordinates, which is dimensionless and
    vanishes on a bound, except for a parameter within NEAR_BOUND of a bound with χ² falling
    towards the inside: there |∂χ²/∂t| (t the fraction of the range) — the logistic map makes
    every bound look stationary in u, and such a point is no minimum."""
    f, g = jax.value_and_grad(chi2)(x)
    log, bounded, lo, hi = _ranges(space)
    t = _fraction(space, x, jnp)
    g_t = g * jnp.where(log, x, 1.0) * (hi - lo)  # ∂χ²/∂t
    inward = ((t <= NEAR_BOUND) & (g < 0)) | ((t >= 1 - NEAR_BOUND) & (g > 0))
    measure = jnp.where(bounded, jnp.where(inward, jnp.abs(g_t), jnp.abs(g_t) * t * (1 - t)), jnp.abs(g))
    return f, jnp.where(_finite(f, g), jnp.max(measure), jnp.nan)


def multistart(
    chi2,
    space,
    *,
    method="lbfgs",
    max_steps=None,
    tol=None,
    learning_rate=ADAM_LEARNING_RATE,
    newton_steps=NEWTON_STEPS,
    rounds=ROUNDS,
):
    """A jitted `run(x0) -> Ends` minimising `chi2` from every row of x0 (n, dim) at once.

    chi2: pure JAX function of one physical point (dim,) → scalar. Each round optimises in
    u = space.to_unconstrained(x) (points on a bound are moved U_MAX inside it), then polishes
    each end point with `newton_steps` Newton iterations in physical coordinates; a further
    round (up to `rounds`) restarts the starts that do not yet meet the convergence rule, e.g.
    those the logistic map had stalled on a bound (moved U_RESTART inside it). The rule:
    max|∂χ²/∂u| ≤ tol·max(1, |χ²|) (see `_stationarity`), tol by default √ε of the dtype; the
    optimiser stops on it too. `steps` counts optimiser iterations over all rounds. A start whose
    χ² or gradient is not finite is not moved and is marked `finite=False`.
    """
    _check_objective(chi2, space)
    max_steps, tol, learning_rate, newton_steps = _check_options(method, max_steps, tol, learning_rate, newton_steps)
    rounds = _positive_int(rounds, "rounds", 1)

    def f(u):
        return chi2(space.to_physical(u))

    def run(x0):
        rule = tol if tol is not None else float(np.sqrt(jnp.finfo(x0.dtype).eps))
        if method == "lbfgs":
            one = lambda u, skip: _lbfgs(f, u, skip, max_steps, rule)  # noqa: E731
        else:
            one = lambda u, skip: _adam(f, u, skip, max_steps, rule, learning_rate)  # noqa: E731
        converged = lambda fx, m: jnp.isfinite(m) & (m <= rule * jnp.maximum(1.0, jnp.abs(fx)))  # noqa: E731

        def round_(carry):
            k, x, fx, steps, done = carry
            reach = jnp.where(k == 0, U_MAX, U_RESTART)
            u, fu, _, n = jax.vmap(one)(jnp.clip(space.to_unconstrained(x), -reach, reach), done)
            moved = ~done & jnp.isfinite(fu)
            x = jnp.where(moved[:, None], space.to_physical(u), x)
            fx = jnp.where(moved, fu, fx)
            if newton_steps:
                x, fx = jax.vmap(lambda x, fx: _newton(chi2, space, x, fx, newton_steps))(x, fx)
            fx, m = jax.vmap(lambda x: _stationarity(chi2, space, x))(x)
            return k + 1, x, fx, steps + n, converged(fx, m)

        f0 = jax.vmap(chi2)(x0)
        start = (0, x0, f0, jnp.zeros(x0.shape[0], int), jnp.zeros(x0.shape[0], bool))
        rerun = lambda c: (c[0] < rounds) & ((c[0] == 0) | jnp.any(~c[4] & jnp.isfinite(f0)))  # noqa: E731
        _, x, fx, steps, done = jax.lax.while_loop(rerun, round_, start)  # one copy of the optimiser in the program
        fx, m = jax.vmap(lambda x: _stationarity(chi2, space, x))(x)
        finite = jnp.isfinite(f0) & jnp.isfinite(m)
        return Ends(x, jnp.where(finite, fx, jnp.nan), steps, converged(fx, m), finite)

    return jax.jit(run)


def _same(space, a, b, x_tol):
    """Rows of b at the same point as a: |Δt| ≤ x_tol in every bounded parameter (t the position in
    its range, in its scale), |Δx| ≤ x_tol · max(1, |a|) in every unbounded one."""
    bounded = np.isfinite(space.low)
    ta, tb = _fraction(space, a), _fraction(space, b)
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


def _uncertainties(chi2, space, x):
    """Gradient, Hessian, covariance 2H⁻¹, σ, correlation, at_bound and problems at the best point.

    H is judged positive definite on its unit-free form Ĥ = D H D (D = diag(H)^−½, unit diagonal)
    so that parameters of very different sizes do not pass for degenerate: its smallest
    eigenvalue must exceed DEGENERATE_EPS · ε of the dtype. Then C = 2 D Ĥ⁻¹ D."""
    grad_hess = jax.jit(lambda x: (jax.grad(chi2)(x), jax.hessian(chi2)(x)))
    g, H = grad_hess(jnp.asarray(x))
    eps = float(jnp.finfo(H.dtype).eps)
    g, H = np.asarray(g, dtype=float), np.asarray(H, dtype=float)
    H = 0.5 * (H + H.T)
    t = _fraction(space, x)
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
    method="lbfgs",
    max_steps=None,
    tol=None,
    init=None,
    learning_rate=ADAM_LEARNING_RATE,
    newton_steps=NEWTON_STEPS,
    rounds=ROUNDS,
    chi2_tol=1e-6,
    x_tol=1e-5,
) -> BestFit:
    """Minimise chi2 over `space` from many starts at once; see the module docstring.

    chi2: pure JAX `chi2(x) -> scalar` of one physical point x (dim,) (log-likelihood = −χ²/2).
    space: a `fits.space.Space`. starts: how many starts to draw from the prior
    (`space.sample_prior(key, starts)`); `init` (a point, (k, dim) points, or {name: values})
    adds user starts, placed first. key: a PRNG key or an int seed (default 0).
    method: "lbfgs" (optax L-BFGS with zoom line search) or "adam" (with `learning_rate`, in
    unconstrained units). max_steps: iterations per start (default 1000 for L-BFGS, 5000 for
    Adam). tol: the gradient rule max|∂χ²/∂u| ≤ tol·max(1, |χ²|) (default √ε of the dtype).
    newton_steps: Newton polishing iterations per round (0 for none); rounds: optimiser + Newton
    rounds at most, later ones for the starts not yet converged (`multistart`). Two end points are the same minimum
    when their χ² agree within chi2_tol·max(1, |χ²|) and their positions within x_tol (a fraction
    of each bounded range, in its scale; relative for unbounded parameters).

    Starts with a non-finite χ² or gradient (at the start or the end) are dropped and counted in
    `n_nonfinite`. Raises ValueError for bad input, before anything compiles, and when every
    start is dropped.
    """
    _check_objective(chi2, space)
    starts = _positive_int(starts, "starts", 1)
    _check_options(method, max_steps, tol, learning_rate, newton_steps)
    _positive_int(rounds, "rounds", 1)
    chi2_tol, x_tol = _positive_float(chi2_tol, "chi2_tol"), _positive_float(x_tol, "x_tol")
    user = _initial_points(space, init)

    drawn = space.sample_prior(prng_key(key), starts)
    x0 = jnp.concatenate([jnp.asarray(user, dtype=drawn.dtype), drawn])
    hint = f"check the objective and the ranges of {list(space.names)}"
    if not np.isfinite(np.asarray(jax.jit(jax.vmap(chi2))(x0))).any():  # before compiling the optimiser
        raise ValueError(f"chi2 is not finite at any of the {len(x0)} starts; {hint}")
    options = dict(method=method, max_steps=max_steps, tol=tol, learning_rate=learning_rate, newton_steps=newton_steps)
    ends = Ends(*(np.asarray(a) for a in multistart(chi2, space, rounds=rounds, **options)(x0)))
    n = len(ends.chi2)
    keep = np.flatnonzero(ends.finite)
    if keep.size == 0:
        raise ValueError(f"chi2 (or its gradient) is not finite at any of the {n} starts; {hint}")

    mx, mc, mk = _minima(space, ends.x[keep], ends.chi2[keep], chi2_tol, x_tol)
    x = mx[0]
    g, H, C, sigma, corr, at_bound, problems = _uncertainties(chi2, space, x)
    best_start = keep[np.argmin(ends.chi2[keep])]
    if not ends.converged[best_start]:
        problems.append("the best point does not meet the gradient rule (raise max_steps, newton_steps or rounds)")
    return BestFit(
        names=space.names,
        x=x,
        chi2_min=float(mc[0]),
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
        starts=np.asarray(x0),
        ends=ends.x,
        end_chi2=ends.chi2,
        steps=ends.steps,
        converged=ends.converged,
        minima_x=mx,
        minima_chi2=mc,
        minima_count=mk,
        method=method,
    )
