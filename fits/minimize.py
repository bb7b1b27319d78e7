"""The one minimiser of `fits`: many starts of projected L-BFGS at once over one compiled χ² + gradient.

Best fits (`fits.bestfit`), profile likelihoods and regions (`fits.regions`) and Hessians all call
one program, `Objective`: ``jit(vmap(value_and_grad(chi2)))`` at a fixed chunk shape (chunk, dim),
compiled once per problem (and kept across runs by the persistent compilation cache). Everything
else is cheap arithmetic on a few numbers per start and runs in NumPy, between calls:

- **Box coordinates.** Each bounded parameter is optimised as its position z ∈ [0, 1] in its range,
  measured in its scale (ln x for log parameters), an unbounded one (always with a normal prior)
  as (x − mean)/σ. Bounds are kept
  by projection, so a minimum on a bound — common in physics fits (a mass at the edge of its
  range) — is reached in a few steps, where a logistic map would need ever longer steps.
- **Projected L-BFGS** (two-metric projection: Bertsekas, SIAM J. Control Optim. 20 (1982) 221;
  the L-BFGS two-loop recursion of Nocedal & Wright, *Numerical Optimization*, 2nd ed. 2006,
  Alg. 7.4) on the free parameters — those not on a bound that their gradient pushes against —
  with a weak-Wolfe search along the projected path (`_Search`: quadratic interpolation, then
  bisection, when Armijo fails; at most MAX_EXTEND doublings when χ² still falls steeply) whose
  trial step is 1: a quasi-Newton step is accepted at once nearly always, so an iteration costs
  about one χ² + gradient evaluation. Each start runs its own line
  search; a call evaluates the current trial point of every start still running, packed into as
  few chunks as they fill, so no start waits for another and the last slow starts cost one chunk.
- **Convergence rule** (`stationarity`): the projected gradient max|∂χ²/∂z| (zero for a parameter
  on a bound pushed outwards) ≤ tol·max(1, |χ²|), tol = √ε by default. A start that cannot meet
  it (round-off floor, or a cliff of the χ²) ends by the FTOL/STALL/WINDOW rules, as scipy's
  L-BFGS-B does by its ftol, and is then Newton-polished (`newton`).
- **Hessians** by 5-point central differences of the exact gradient (`hessian`, one call for all
  4·dim points; one-sided at a bound): ~1e-12 relative for smooth χ², without compiling second
  derivatives (which cost ~5× the gradient's compile time for a physics χ²).

Physics-free: any pure JAX `chi2(x) -> scalar` of one physical point x (dim,).
"""

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

LBFGS_MEMORY = 10  # stored (s, y) pairs
MAX_STEPS = 200  # L-BFGS iterations per start (at least MAX_STEPS_PER_DIM × dim): a smooth χ² in a few
MAX_STEPS_PER_DIM = 20  # dimensions needs < 100; a start still going is crawling along a cliff of the χ²
ARMIJO = 1e-4  # sufficient-decrease constant c₁
NOISE = 1e-12  # a step may raise χ² by this·max(1, |χ²|) (round-off) if it lowers the gradient
MAX_TRIALS = 20  # trial steps per line search before the search is declared failed
MAX_EXTEND = 2  # doublings of a step that meets Armijo while χ² still falls steeply
WOLFE = 0.9  # curvature constant c₂ of the weak Wolfe conditions
STALL = 3  # L-BFGS steps in a row that lower χ² by less than FTOL·max(1, |χ²|), each by more than a tenth
# of the one before (a crawl along a kink or the round-off floor, not convergence): the start ends there
WINDOW = 20  # a start that lowers χ² by less than WINDOW·FTOL relative over WINDOW steps ends too
FTOL = 2.2e-9  # relative decrease per step counted as none (scipy L-BFGS-B's default, factr = 1e7 times ε)
POLISH_STEPS = 6  # Newton iterations for the starts L-BFGS leaves short of the rule
DAMPING = (0.0, 1e-6, 1e-3, 1e-1, 1.0)  # Levenberg–Marquardt λ of the Newton trials
MAX_MOVE = 1.0  # a trial step moves no parameter by more than this (z units: a whole range)
SNAP = 1e-4  # a first trial step that ends this close (z units) to a bound it moves towards ends on it
FIRST_STEP = 0.1  # the steepest-descent trial step moves no parameter by more than this (z units)
DEFAULT_CHUNK = {"cpu": 16}  # rows per compiled call; 1024 on accelerators
FD_STEP = np.finfo(float).eps ** 0.2  # 5-point stencil step (relative): truncation ~ h⁴, rounding ~ ε/h


class Ends(NamedTuple):
    """Where each start ended (NumPy arrays with a leading start axis)."""

    x: np.ndarray  # (n, dim) end points, physical units
    chi2: np.ndarray  # (n,) χ² there (NaN for dropped starts)
    steps: np.ndarray  # (n,) L-BFGS iterations taken
    converged: np.ndarray  # (n,) the convergence rule holds at the end point
    finite: np.ndarray  # (n,) χ² and its gradient finite at the start and at the end
    gradient: np.ndarray  # (n, dim) ∂χ²/∂x at the end points


def chunk_for(n):
    """The chunk for a job of n rows at most: `default_chunk()`, or n rounded up to 8 if smaller."""
    return min(default_chunk(), 8 * math.ceil(max(n, 1) / 8))


def _positive(chunk):
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise ValueError(f"chunk must be an integer ≥ 1, got {chunk!r}")
    return int(chunk)


def default_chunk():
    """Rows per call of the compiled objective: 16 on CPU (wider batches gain little there, and the
    last slow starts cost a whole chunk), 1024 on GPU/TPU."""
    return DEFAULT_CHUNK.get(jax.default_backend(), 1024)


class Objective:
    """χ² and its gradient at many physical points, through one compiled program.

    `Objective(chi2, space, chunk=None)`; calling it on x (n, dim) returns NumPy (χ² (n,), ∂χ²/∂x
    (n, dim)), evaluated in ⌈n/chunk⌉ calls of ``jit(vmap(value_and_grad(chi2)))`` on (chunk, dim)
    (the last chunk padded), so every caller — fits, profiles, Hessians — shares one compilation.
    `evaluations` counts the points evaluated (padding excluded)."""

    def __init__(self, chi2, space, chunk=None, dtype=None):
        self.chi2, self.space = chi2, space
        self.chunk = default_chunk() if chunk is None else _positive(chunk)
        self.dtype = jnp.result_type(float) if dtype is None else dtype
        self._run = jax.jit(jax.vmap(jax.value_and_grad(chi2)))
        self.evaluations = 0

    def __call__(self, x):
        x = np.asarray(x, dtype=self.dtype)
        n, c = x.shape[0], self.chunk
        if n == 0:
            return np.zeros(0), np.zeros((0, x.shape[1]))
        padded = np.concatenate([x, np.repeat(x[-1:], (-n) % c, axis=0)])
        outs = [self._run(padded[i : i + c]) for i in range(0, len(padded), c)]  # dispatched together
        self.evaluations += n
        f = np.concatenate([np.asarray(o[0]) for o in outs])[:n]
        g = np.concatenate([np.asarray(o[1]) for o in outs])[:n]
        return f.astype(float), g.astype(float)


# --- box coordinates ---------------------------------------------------------------------------------
def _unbounded_scale(space):
    """(mean, sigma) of each parameter's prior: an unbounded parameter always has a normal one, and
    is optimised in units of its sigma about its mean (the box coordinate of a Gaussian)."""
    mean = np.array([p.mean for p in space.parameters])
    sigma = np.array([p.sigma for p in space.parameters])
    return np.where(space._bounded, 0.0, mean), np.where(space._bounded, 1.0, sigma)


def to_box(space, x):
    """z(x): the position t ∈ [0, 1] in each bounded range, in the parameter's scale; (x − mean)/σ
    of its normal prior for an unbounded parameter."""
    mean, sigma = _unbounded_scale(space)
    return np.where(space._bounded, fraction(space, x), (x - mean) / sigma)


def from_box(space, z):
    """x(z) and dx/dz, elementwise (exact on the bounds)."""
    mean, sigma = _unbounded_scale(space)
    span = np.where(space._bounded, space._hi - space._lo, sigma)
    y = np.where(space._bounded, space._lo, mean) + span * z
    x = np.where(space._log, np.exp(np.where(space._log, y, 0.0)), y)
    x = np.where(space._bounded, np.clip(x, space.low, space.high), x)
    return x, span * np.where(space._log, x, 1.0)


def fraction(space, x):
    """Position of x in each bounded range as t ∈ [0, 1], in the parameter's scale; x if unbounded."""
    y = np.where(space._log, np.log(np.where(space._log, x, 1.0)), x)
    return np.where(space._bounded, (y - space._lo) / (space._hi - space._lo), x)


def projected(z, gz, bounded):
    """The projected gradient: ∂χ²/∂z, zero where z sits on a bound that the gradient pushes against."""
    pinned = bounded & (((z <= 0.0) & (gz > 0)) | ((z >= 1.0) & (gz < 0)))
    return np.where(pinned, 0.0, gz)


def stationarity(space, x, g, free=None):
    """The convergence measure per point: max over free parameters of the projected |∂χ²/∂z|."""
    z = to_box(space, x)
    _, dxdz = from_box(space, z)
    pg = np.abs(projected(z, g * dxdz, space._bounded))
    return np.max(pg if free is None else np.where(free, pg, 0.0), axis=-1)


# --- L-BFGS ------------------------------------------------------------------------------------------
def _direction(g, S, Y, k, free):
    """−H g on the `free` components (n, d) by the two-loop recursion over the k most recent
    pairs of the ring buffers S, Y (n, m, d), restricted to those components (a pair whose
    restriction has s·y ≤ 0 is skipped); rows with k = 0 get −g. Every row at once."""
    n, m, _ = S.shape
    S, Y = S * free[:, None, :], Y * free[:, None, :]
    sy_all = np.einsum("nmd,nmd->nm", S, Y)
    rho = np.where(sy_all > 0, 1.0 / np.where(sy_all > 0, sy_all, 1.0), 0.0)
    q = g * free
    alpha = np.zeros((n, m))
    rows, newest, used = np.arange(n), k - 1, np.minimum(k, m)
    for j in range(m):  # newest pair first
        i = (newest - j) % m
        a = np.where(j < used, rho[rows, i] * np.einsum("nd,nd->n", S[rows, i], q), 0.0)
        alpha[:, j] = a
        q -= a[:, None] * Y[rows, i]
    last = newest % m
    sy, yy = np.einsum("nd,nd->n", S[rows, last], Y[rows, last]), np.einsum("nd,nd->n", Y[rows, last], Y[rows, last])
    gamma = np.where((k > 0) & (yy > 0) & (sy > 0), sy / np.where(yy > 0, yy, 1.0), 1.0)
    r = gamma[:, None] * q
    for j in reversed(range(m)):  # oldest pair first
        i = (newest - j) % m
        b = rho[rows, i] * np.einsum("nd,nd->n", Y[rows, i], r)
        r += np.where(j < used, alpha[:, j] - b, 0.0)[:, None] * S[rows, i]
    return -r * free


def tolerance(objective, tol=None):
    """The convergence rule's tol: `tol`, or √ε of the objective's dtype."""
    return float(np.sqrt(np.finfo(objective.dtype).eps)) if tol is None else float(tol)


def converged(objective, x, chi2, g, free=None, tol=None):
    """The convergence rule at points x: max|∂χ²/∂z| (`stationarity`) ≤ tol·max(1, |χ²|)."""
    return stationarity(objective.space, x, g, free) <= tolerance(objective, tol) * np.maximum(1.0, np.abs(chi2))


def max_steps_for(dim):
    """The default iteration limit per start: MAX_STEPS, or MAX_STEPS_PER_DIM × dim if larger."""
    return max(MAX_STEPS, MAX_STEPS_PER_DIM * dim)


def minimize(objective, x0, free=None, *, max_steps=None, tol=None, memory=LBFGS_MEMORY, polish=POLISH_STEPS, progress=None):
    """Minimise χ² from every row of x0 (n, dim), physical units inside the bounds, at once.

    objective: an `Objective`. free: (n, dim) or (dim,) bool, the parameters each row optimises
    (the others stay at x0's values; default all). A start's L-BFGS ends when the rule
    max|∂χ²/∂z| ≤ tol·max(1, |χ²|) holds (`stationarity`; tol default √ε of the objective's
    dtype), at the round-off floor or a kink (no decrease along steepest descent, or STALL steps in
    a row lowering χ² by less than FTOL relative without shrinking fast, or less than WINDOW·FTOL in
    WINDOW steps), or after max_steps iterations (default `max_steps_for(dim)`); the starts that end without
    meeting the rule are then polished by up to `polish` Newton steps (`newton`). A start whose
    χ² or gradient is not finite is not moved and is marked `finite=False`. `progress(step, running, n, lowest χ²)`, if given, is called after every
    iteration (for a progress line). Returns `Ends`."""
    space = objective.space
    x0 = np.asarray(x0, dtype=float)
    n, dim = x0.shape
    free = np.broadcast_to(np.ones(dim, bool) if free is None else np.asarray(free, bool), (n, dim))
    tol = tolerance(objective, tol)
    max_steps = max_steps_for(dim) if max_steps is None else max_steps
    fixed_x, bounded = x0.copy(), space._bounded
    rule = lambda f, x, g, fr: converged(objective, x, f, g, fr, tol)  # noqa: E731

    z = np.where(bounded, np.clip(to_box(space, x0), 0.0, 1.0), to_box(space, x0))
    x, dxdz = _rows(space, z, np.arange(n), free, fixed_x)
    f, g = objective(x)
    finite = np.isfinite(f) & np.all(np.isfinite(g), axis=1)
    gz = np.where(finite[:, None], g * dxdz, 0.0)
    S, Y, k = np.zeros((n, memory, dim)), np.zeros((n, memory, dim)), np.zeros(n, int)
    steps, stall, last_drop = np.zeros(n, int), np.zeros(n, int), np.full(n, np.inf)
    f_window = f.copy()  # χ² WINDOW steps ago
    active = finite & ~rule(f, x, g, free)
    p = _steepest(projected(z, gz, bounded))
    search = _Search.start(n, dim)

    iteration = 0
    while active.any():
        if progress is not None:
            progress(iteration, int(active.sum()), n, float(np.min(f, where=finite, initial=np.inf)))
        iteration += 1
        rows = np.flatnonzero(active)
        zt = z[rows] + search.alpha[rows, None] * p[rows]
        first = bounded & (search.trials[rows] == 0)[:, None]  # a first trial lands on a bound it comes within SNAP of
        zt = np.where(first & (zt < SNAP) & (p[rows] < 0), 0.0, np.where(first & (zt > 1 - SNAP) & (p[rows] > 0), 1.0, zt))
        zt = np.where(bounded, np.clip(zt, 0.0, 1.0), zt)
        clipped = np.any(zt != z[rows] + search.alpha[rows, None] * p[rows], axis=1)
        xt, dxt = _rows(space, zt, rows, free, fixed_x)
        ft, gt = objective(xt)
        gzt = gt * dxt
        ok = np.isfinite(ft) & np.all(np.isfinite(gzt), axis=1)
        step = zt - z[rows]
        dec = np.einsum("nd,nd->n", gz[rows], step)  # directional derivative × step, along the projected path
        armijo = ok & (dec < 0) & (ft <= f[rows] + ARMIJO * dec)
        pg_old = np.max(np.abs(projected(z[rows], gz[rows], bounded)), axis=1)
        pg_new = np.max(np.abs(projected(zt, gzt, bounded)), axis=1)
        flat = ok & ~armijo & (ft <= f[rows] + NOISE * np.maximum(1.0, np.abs(f[rows]))) & (pg_new < pg_old)
        curvature = np.einsum("nd,nd->n", gzt, step) >= WOLFE * dec
        take = flat | (armijo & (curvature | clipped | (search.extended[rows] >= MAX_EXTEND)))
        longer = armijo & ~take
        shorter = ~armijo & ~flat
        search.remember(rows[longer], zt[longer], xt[longer], ft[longer], gt[longer], gzt[longer])
        search.extend(rows[longer])
        fallback = search.shorten(rows[shorter], ft[shorter], dec[shorter], f[rows[shorter]])

        # the search of a start fails: take its Armijo point if it had one, else restart or stop
        with_point = fallback[search.has[fallback]]
        without = fallback[~search.has[fallback]]
        active[without[k[without] == 0]] = False  # steepest descent found no decrease: the floor
        retry = without[k[without] > 0]  # forget the curvature pairs and try steepest descent
        k[retry] = 0
        p[retry] = _steepest(projected(z[retry], gz[retry], bounded))
        search.reset(retry, p[retry])

        acc_rows = np.concatenate([rows[take], with_point])
        if acc_rows.size == 0:
            continue
        zn = np.concatenate([zt[take], search.z[with_point]])
        xn = np.concatenate([xt[take], search.x[with_point]])
        fn = np.concatenate([ft[take], search.f[with_point]])
        gn = np.concatenate([gt[take], search.g[with_point]])
        gzn = np.concatenate([gzt[take], search.gz[with_point]])
        s_, y_ = zn - z[acc_rows], gzn - gz[acc_rows]
        carry = np.where(search.extended[acc_rows] > 0, np.max(np.abs(s_), axis=1), 0.0)
        drop = f[acc_rows] - fn
        # a crawl: a tiny decrease that is not shrinking fast (converging steps shrink superlinearly)
        small = (drop <= FTOL * np.maximum(1.0, np.abs(fn))) & (drop >= 0.1 * last_drop[acc_rows])
        stall[acc_rows] = np.where(small, stall[acc_rows] + 1, 0)
        last_drop[acc_rows] = drop
        window = acc_rows[(steps[acc_rows] + 1) % WINDOW == 0]  # a slow crawl: little gained in WINDOW steps
        stall[window] = np.where(f_window[window] - fn[np.isin(acc_rows, window)] <= WINDOW * FTOL * np.maximum(1.0, np.abs(f_window[window])), STALL, stall[window])
        f_window[window] = fn[np.isin(acc_rows, window)]
        z[acc_rows], x[acc_rows], f[acc_rows], g[acc_rows], gz[acc_rows] = zn, xn, fn, gn, gzn
        sy = np.einsum("nd,nd->n", s_, y_)
        good = sy > 1e-10 * np.linalg.norm(s_, axis=1) * np.linalg.norm(y_, axis=1)
        keep, slot = acc_rows[good], k[acc_rows[good]] % memory
        S[keep, slot], Y[keep, slot] = s_[good], y_[good]
        k[keep] += 1
        steps[acc_rows] += 1
        done = rule(f[acc_rows], x[acc_rows], g[acc_rows], free[acc_rows])
        active[acc_rows[done | (steps[acc_rows] >= max_steps) | (stall[acc_rows] >= STALL)]] = False
        going = active[acc_rows]
        go, carry = acc_rows[going], carry[going]
        pg = projected(z[go], gz[go], bounded)
        on_bound = bounded & (pg == 0.0) & (gz[go] != 0.0)  # held on its bound this iteration
        d = _direction(pg, S[go], Y[go], k[go], ~on_bound)
        descent = np.einsum("nd,nd->n", d, pg) < 0
        p[go] = np.where(((k[go] > 0) & descent)[:, None], d, _steepest(pg))
        k[go[~descent]] = 0
        search.reset(go, p[go], carry)

    finite &= np.isfinite(f) & np.all(np.isfinite(g), axis=1)
    todo = np.flatnonzero(finite & ~rule(f, x, g, free))
    if polish and todo.size:
        x[todo], f[todo], g[todo] = newton(objective, x[todo], f[todo], g[todo], free[todo], polish, tol)
    finite &= np.isfinite(f) & np.all(np.isfinite(g), axis=1)
    return Ends(np.where(finite[:, None], x, x0), np.where(finite, f, np.nan), steps, finite & rule(f, x, g, free), finite, g)


class _Search:
    """Per-start state of the weak-Wolfe line search (Lewis & Overton, Math. Program. 141 (2013)
    135, §4.2: bisection and doubling on a bracket [lo, hi]), and the last point that met the
    Armijo condition, taken if the search runs out of trials."""

    def __init__(self, **arrays):
        self.__dict__.update(arrays)

    @classmethod
    def start(cls, n, dim):
        return cls(alpha=np.ones(n), lo=np.zeros(n), hi=np.full(n, np.inf), extended=np.zeros(n, int),
                   trials=np.zeros(n, int), has=np.zeros(n, bool), z=np.zeros((n, dim)), x=np.zeros((n, dim)),
                   f=np.zeros(n), g=np.zeros((n, dim)), gz=np.zeros((n, dim)))

    def reset(self, rows, p, carry=None):
        """A new search along p (rows, dim): trial step 1, or shorter so that no parameter moves by
        more than a whole range (MAX_MOVE in z) — a longer step would only be projected back. Where
        the previous search had to lengthen its step, `carry` (the move it made, in z) sets the
        first trial's move instead: in a region where χ² is nearly linear or concave the
        quasi-Newton step is far too short, and doubling afresh every iteration would crawl."""
        size = np.maximum(np.max(np.abs(p), axis=1), 1e-300)
        move = np.ones(len(rows)) * size if carry is None else np.where(carry > 0, carry, size)
        self.alpha[rows] = np.minimum(move, MAX_MOVE) / size
        self.lo[rows], self.hi[rows] = 0.0, np.inf
        self.extended[rows], self.trials[rows], self.has[rows] = 0, 0, False

    def remember(self, rows, z, x, f, g, gz):
        self.has[rows] = True
        self.z[rows], self.x[rows], self.f[rows], self.g[rows], self.gz[rows] = z, x, f, g, gz

    def extend(self, rows):
        """The step met Armijo but χ² still falls steeply: longer (doubling, or bisection of the bracket)."""
        a = self.alpha[rows]
        self.lo[rows] = a
        self.alpha[rows] = np.where(np.isinf(self.hi[rows]), 2.0 * a, 0.5 * (a + self.hi[rows]))
        self.extended[rows] += 1
        self.trials[rows] += 1

    def shorten(self, rows, f_trial, dec, f0):
        """The step failed Armijo (or χ² was not finite): shorter — quadratic interpolation while no
        Armijo point is known (safeguarded to [0.1, 0.5] of the step), bisection after. Returns the
        rows whose search ran out of trials."""
        a, lo = self.alpha[rows], self.lo[rows]
        self.hi[rows] = a
        slope = dec / a
        curv = f_trial - f0 - dec
        quad = np.where(np.isfinite(f_trial) & (curv > 0) & (slope < 0), -slope * a * a / (2 * np.where(curv > 0, curv, 1.0)), 0.25 * a)
        self.alpha[rows] = np.where(lo > 0, 0.5 * (lo + a), np.clip(quad, 0.1 * a, 0.5 * a))
        self.trials[rows] += 1
        return rows[self.trials[rows] >= MAX_TRIALS]


def newton(objective, x, f, g, free, steps, tol):
    """Polish points (m, dim) by up to `steps` safeguarded Newton iterations in box coordinates z,
    all at once: Hessians by `hessian`, the steps −(H + λD)⁻¹ ∇ on the free parameters not held
    on a bound (D = diag H floored; λ ∈ DAMPING, the plain step also at ½, ¼), all trials
    evaluated in one call, the lowest finite χ² not above the current one kept. Points that meet
    the rule stop. Returns (x, χ², ∂χ²/∂x)."""
    space = objective.space
    x, f, g = x.copy(), f.copy(), g.copy()
    fixed = x.copy()
    lams = np.array(DAMPING)
    fracs = np.array([1.0, 0.5, 0.25])
    for _ in range(steps):
        todo = np.flatnonzero(~converged(objective, x, f, g, free, tol))
        if todo.size == 0:
            break
        xs, fr = x[todo], free[todo]
        H, _, _ = hessian(objective, xs)
        z = to_box(space, xs)
        _, dxdz = from_box(space, z)
        second = np.where(space._log, dxdz * np.where(space._bounded, space._hi - space._lo, 1.0), 0.0)  # ∂²x/∂z²
        gz = g[todo] * dxdz
        Hz = H * dxdz[:, :, None] * dxdz[:, None, :] + np.einsum("ni,ij->nij", g[todo] * second, np.eye(space.dim))
        pg = projected(z, gz, space._bounded)
        use = fr & ~(space._bounded & (pg == 0.0) & (gz != 0.0))
        both = use[:, :, None] & use[:, None, :]
        Hz = np.where(both, Hz, np.eye(space.dim))
        rhs = np.where(use, gz, 0.0)
        diag = np.abs(np.einsum("nii->ni", Hz))
        scale = np.maximum(diag, 1e-12 * diag.max(axis=1, keepdims=True) + 1e-300)
        trials = []
        for lam in lams:
            A = Hz + lam * np.einsum("ni,ij->nij", scale, np.eye(space.dim))
            with np.errstate(all="ignore"):
                try:
                    d = -np.linalg.solve(A, rhs[..., None])[..., 0]
                except np.linalg.LinAlgError:
                    d = np.full_like(rhs, np.nan)
            for frac in (fracs if lam == 0 else fracs[:1]):
                trials.append(frac * d)
        zt = z[:, None, :] + np.stack(trials, axis=1)  # (m, t, dim)
        zt = np.where(space._bounded, np.clip(zt, 0.0, 1.0), zt)
        m, t = zt.shape[:2]
        xt, _ = from_box(space, np.nan_to_num(zt.reshape(m * t, -1)))
        xt = np.where(np.repeat(fr, t, axis=0), xt, np.repeat(fixed[todo], t, axis=0))
        ft, gt = objective(xt)
        ft = np.where(np.isfinite(ft) & np.all(np.isfinite(gt), axis=1) & np.all(np.isfinite(zt.reshape(m * t, -1)), axis=1), ft, np.inf).reshape(m, t)
        best = np.argmin(ft, axis=1)
        fb = ft[np.arange(m), best]
        better = fb <= f[todo]
        pick = np.arange(m) * t + best
        sel = todo[better]
        x[sel], f[sel], g[sel] = xt[pick[better]], fb[better], gt[pick[better]]
    return x, f, g


def _rows(space, z_rows, rows, free, fixed_x):
    """Physical points and dx/dz of `rows` at z_rows: parameters not free keep their fixed values."""
    x, dxdz = from_box(space, z_rows)
    return np.where(free[rows], x, fixed_x[rows]), np.where(free[rows], dxdz, 0.0)


def _steepest(pg):
    """−(projected gradient), scaled so that the trial step moves no parameter by more than FIRST_STEP."""
    return -pg * FIRST_STEP / np.maximum(FIRST_STEP, np.max(np.abs(pg), axis=1, keepdims=True))


# --- Hessians ----------------------------------------------------------------------------------------
def hessian(objective, x):
    """∂²χ²/∂x_i∂x_j at physical points x (m, dim) (or one point (dim,)), NumPy, from the exact
    gradient by the 5-point stencil g′ ≈ [8(g(+h) − g(−h)) − (g(+2h) − g(−2h))]/(12h) (one-sided,
    [−25g₀ + 48g(h) − 36g(2h) + 16g(3h) − 3g(4h)]/(12h), where ±2h would leave the bounds),
    symmetrised; all (4·dim + 1)·m gradients in one objective call. Steps h_j = ε^⅕ × |x_j| for
    log-scale parameters, × max(|x_j|, 1e-3 of the range) for linear ones, × the prior's σ for
    unbounded ones:
    truncation ~ h⁴ and rounding ~ ε/h, ~1e-12 relative for a smooth χ².
    Returns (H, χ², ∂χ²/∂x) at the points."""
    space = objective.space
    x = np.asarray(x, dtype=float)
    one = x.ndim == 1
    x = np.atleast_2d(x)
    m, dim = x.shape
    span = np.where(space.bounded, space.high - space.low, 1.0)
    _, sigma = _unbounded_scale(space)
    h = FD_STEP * np.where(space._log, np.abs(x), np.where(space.bounded, np.maximum(np.abs(x), 1e-3 * span), sigma))
    central = (x - 2 * h >= space.low) & (x + 2 * h <= space.high)
    sign = np.where(central | (x + 4 * h <= space.high), 1.0, -1.0)  # one-sided: up, unless there is no room
    offsets = np.where(central[..., None], np.array([1.0, -1.0, 2.0, -2.0]), np.array([1.0, 2.0, 3.0, 4.0]) * sign[..., None])
    points = np.repeat(x[:, None, :], 4 * dim + 1, axis=1)  # (m, 1 + 4·dim, dim)
    for j in range(dim):
        points[:, 1 + 4 * j : 5 + 4 * j, j] += offsets[:, j] * h[:, j, None]
    f, g = objective(points.reshape(-1, dim))
    f, g = f.reshape(m, -1)[:, 0], g.reshape(m, 4 * dim + 1, dim)
    g0, gs = g[:, 0], g[:, 1:].reshape(m, dim, 4, dim)
    c = (8 * (gs[:, :, 0] - gs[:, :, 1]) - (gs[:, :, 2] - gs[:, :, 3])) / 12.0
    o = (-25 * g0[:, None, :] + 48 * gs[:, :, 0] - 36 * gs[:, :, 1] + 16 * gs[:, :, 2] - 3 * gs[:, :, 3]) / 12.0
    H = np.where(central[..., None], c, o * sign[..., None]) / h[..., None]  # row j: ∂g/∂x_j
    H = 0.5 * (H + np.swapaxes(H, 1, 2))
    return (H[0], f[0], g0[0]) if one else (H, f, g0)
