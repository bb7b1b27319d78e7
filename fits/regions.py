"""Δχ² regions: n-σ thresholds, 1-D and 2-D profile likelihoods (from a χ² function or from scan
results), 1-D intervals and 2-D contours at 1, 2, 3σ.

Conventions. A χ² function takes one physical point x (dim,) and returns a scalar (pure JAX). A
`Profile` holds χ²_prof on a grid of one or two parameters, each node's value being the minimum of χ²
over all other parameters; Δχ² = χ²_prof − χ²_min, with χ²_min the global minimum. The n-σ region of
k profiled parameters is Δχ² < F⁻¹_{χ²_k}(erf(n/√2)) (Wilks' theorem; the PDG review "Statistics",
table of Δχ² for m jointly estimated parameters): 1, 4, 9 for k = 1; 2.2957, 6.1801, 11.8290 for k = 2.

Grids and interpolation live in each parameter's scale: ln x for log-scale parameters, x otherwise.
"""

import math
from typing import NamedTuple

import numpy as np

SIGMAS = (1, 2, 3)
DEFAULT_NODES = {1: 101, 2: 61}  # grid nodes per axis of a 1-D / 2-D profile when none are given
SWEEP_FAR = 16  # far-away nodes whose solutions every node tries as restarts in a sweep


# --- thresholds ---------------------------------------------------------------------------------
def _gamma_p_series(a, x):
    """Regularised lower incomplete gamma P(a, x) by its power series (x < a + 1).

    P(a, x) = x^a e^{−x} / Γ(a + 1) · Σ_n x^n / ((a + 1)…(a + n))  (Numerical Recipes 3rd ed., eq. 6.2.5).
    """
    term = total = 1.0 / a
    n = a
    for _ in range(10_000):
        n += 1.0
        term *= x / n
        total += term
        if abs(term) < abs(total) * 1e-17:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_q_fraction(a, x):
    """Regularised upper incomplete gamma Q(a, x) by its continued fraction (x ≥ a + 1), modified Lentz.

    Numerical Recipes 3rd ed., eq. 6.2.7; accurate in relative terms however small Q is.
    """
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    return h * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_pq(a, x):
    """(P(a, x), Q(a, x)), each computed directly where it is the smaller, so neither loses digits."""
    if x <= 0.0:
        return 0.0, 1.0
    if x < a + 1.0:
        p = _gamma_p_series(a, x)
        return p, 1.0 - p
    q = _gamma_q_fraction(a, x)
    return 1.0 - q, q


def _check_sigma(sigma):
    s = np.asarray(sigma, dtype=float)
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise ValueError(f"sigma must be finite and ≥ 0, got {sigma!r}")
    return s


def _check_dof(dof):
    if isinstance(dof, bool) or not isinstance(dof, (int, np.integer)) or dof < 1:
        raise ValueError(f"dof (the number of profiled parameters) must be an integer ≥ 1, got {dof!r}")
    return int(dof)


def _delta_chi2_one(sigma, dof):
    if sigma == 0.0:
        return 0.0
    if dof == 1:  # P(1/2, t/2) = erf(√(t/2)) = erf(σ/√2): t = σ²
        return sigma * sigma
    if dof == 2:  # Q(1, t/2) = e^{−t/2} = erfc(σ/√2)
        return -2.0 * math.log(math.erfc(sigma / math.sqrt(2.0)))
    a = 0.5 * dof
    p = math.erf(sigma / math.sqrt(2.0))
    q = math.erfc(sigma / math.sqrt(2.0))
    # Solve P(a, x) = p (or Q(a, x) = q, whichever is the smaller, for relative accuracy) for x = Δχ²/2
    # by Newton steps on the log of that tail, safeguarded by bisection on a bracket [lo, hi].
    use_q = q < p
    target = math.log(q if use_q else p)

    def residual(x):
        pp, qq = _gamma_pq(a, x)
        tail = qq if use_q else pp
        return (math.log(tail) if tail > 0 else -math.inf) - target, tail

    lo, hi = 0.0, max(1.0, a)
    while (residual(hi)[0] > 0) if use_q else (residual(hi)[0] < 0):
        lo, hi = hi, 2.0 * hi
    x = 0.5 * (lo + hi)
    for _ in range(200):
        r, tail = residual(x)
        if r == 0.0:
            break
        # the root lies where the residual changes sign: Q falls with x, P rises
        if (r > 0) == use_q:
            lo = x
        else:
            hi = x
        # d ln(tail)/dx = ∓ x^{a−1} e^{−x} / (Γ(a) · tail)
        density = math.exp((a - 1.0) * math.log(x) - x - math.lgamma(a)) if x > 0 else 0.0
        slope = (-density if use_q else density) / tail if tail > 0 else 0.0
        step = x - r / slope if slope != 0.0 else math.nan
        x_new = step if lo < step < hi else 0.5 * (lo + hi)
        if abs(x_new - x) <= 1e-16 * x:
            x = x_new
            break
        x = x_new
    return 2.0 * x


def delta_chi2(sigma, dof=1):
    """Δχ² threshold of the n-σ region of `dof` parameters: F⁻¹_{χ²_dof}(erf(σ/√2)).

    F_{χ²_k}(t) = P(k/2, t/2), the regularised lower incomplete gamma function; it is inverted here in
    float64 (series / continued fraction, Numerical Recipes 3rd ed. §6.2, and safeguarded Newton).
    dof=1 gives σ² and dof=2 gives −2 ln(1 − erf(σ/√2)) (2.2957, 6.1801, 11.8290 for 1, 2, 3σ), taken
    in these closed forms.
    `sigma`: a number ≥ 0 or an array of them; returns a float or an array of the same shape.
    """
    s = _check_sigma(sigma)
    k = _check_dof(dof)
    out = np.vectorize(lambda v: _delta_chi2_one(float(v), k), otypes=[float])(s)
    return float(out) if out.ndim == 0 else out


def levels(sigmas=SIGMAS, dof=1):
    """Δχ² thresholds of `sigmas` for `dof` parameters, as a NumPy array (increasing if `sigmas` is)."""
    return np.atleast_1d(delta_chi2(np.asarray(sigmas, dtype=float), dof))


# --- the profile --------------------------------------------------------------------------------
class Profile(NamedTuple):
    """χ² profiled onto one or two parameters.

    names:    the profiled parameters, in grid-axis order.
    scales:   their scales ("linear" / "log"); grids are uniform and interpolated in these scales.
    grid:     one 1-D array of node coordinates (physical units) per axis.
    chi2:     the profile χ² at the nodes, shape (len(grid[0]),) or (len(grid[0]), len(grid[1]))
              (`ij` indexing); +inf where nothing is known (an empty scan bin).
    chi2_min: the global minimum Δχ² is measured from.
    best:     the global best point's coordinates in the profiled parameters, shape (k,).
    points:   the full physical point (dim,) that minimises χ² at each node, shape chi2.shape + (dim,)
              (NaN where a scan bin is empty).
    """

    names: tuple
    scales: tuple
    grid: tuple
    chi2: np.ndarray
    chi2_min: float
    best: np.ndarray
    points: np.ndarray

    @property
    def ndim(self):
        return len(self.names)

    @property
    def delta_chi2(self):
        """Δχ² = χ²_prof − χ²_min on the grid."""
        return self.chi2 - self.chi2_min


def _profiled_indices(space, names):
    if isinstance(names, str):
        names = (names,)
    names = tuple(names)
    if len(names) not in (1, 2):
        raise ValueError(f"profile one or two parameters, got {len(names)}: {names}")
    unknown = [n for n in names if n not in space.names]
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown} to profile; the space has {list(space.names)}")
    if len(set(names)) != len(names):
        raise ValueError(f"the two profiled parameters must differ, got {names}")
    return names, [space.names.index(n) for n in names]


def _scale_of(space, i):
    return space.parameters[i].scale


def _to_scale(x, scale):
    return np.log(x) if scale == "log" else np.asarray(x, dtype=float)


def _from_scale(y, scale):
    return np.exp(y) if scale == "log" else y


def _axis_grid(space, i, spec, n_default):
    """Nodes of one profiled axis: an int n (n nodes uniform in the parameter's scale over its range)
    or an explicit increasing array inside the bounds."""
    p = space.parameters[i]
    if spec is None:
        spec = n_default
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if spec < 2:
            raise ValueError(f"parameter {p.name!r}: a grid needs at least 2 nodes, got {spec}")
        if not (math.isfinite(p.low) and math.isfinite(p.high)):
            raise ValueError(f"parameter {p.name!r} is unbounded: give its grid nodes explicitly")
        lo, hi = _to_scale(p.low, p.scale), _to_scale(p.high, p.scale)
        return _from_scale(np.linspace(lo, hi, int(spec)), p.scale)
    g = np.asarray(spec, dtype=float)
    if g.ndim != 1 or g.size < 2:
        raise ValueError(f"parameter {p.name!r}: grid must be a 1-D array of ≥ 2 nodes, got shape {g.shape}")
    if not np.all(np.isfinite(g)) or np.any(g < p.low) or np.any(g > p.high):
        raise ValueError(f"parameter {p.name!r}: grid nodes must be finite and inside [{p.low:g}, {p.high:g}]")
    if not np.all(np.diff(g) > 0):
        raise ValueError(f"parameter {p.name!r}: grid nodes must be strictly increasing")
    return g


def _split_grid_spec(grid, k):
    if grid is None or isinstance(grid, (int, np.integer)):
        return (grid,) * k
    if k == 1:
        if isinstance(grid, (tuple, list)) and len(grid) == 1 and np.ndim(grid[0]) == 1:
            return (grid[0],)
        return (grid,)
    if not isinstance(grid, (tuple, list)) or len(grid) != 2:
        raise ValueError("a 2-D profile needs grid=None, an int, or a pair (nodes_0, nodes_1)")
    return tuple(grid)


def profile(chi2, space, names, grid=None, *, start=None, chi2_min=None, max_steps=None, tol=None, sweeps=1, batch=None):
    """Profile χ² onto one or two parameters by minimising over all others at each grid node.

    chi2:     pure JAX function of a physical point (dim,) → scalar, or a `fits.minimize.Objective`
              of one (shared with `fits.bestfit.best_fit`: one compiled χ² + gradient for both).
    space:    the `Space` of the points.
    names:    the profiled parameter name, or a pair of names.
    grid:     None / an int n (n nodes per axis, uniform in each parameter's scale over its range;
              defaults 101 in 1-D, 61×61 in 2-D) or explicit node arrays (one array in 1-D, a pair in 2-D).
    start:    physical point the global fit starts from (default: the centre of every range, in
              its scale).
    chi2_min: the global minimum, if known; otherwise the lower of a global fit from `start` and
              the profile's own minimum (polished by a global fit from that node).
    max_steps, tol: L-BFGS iterations and the convergence rule of `fits.minimize.minimize`.
    sweeps:   at most this many restart passes: each node evaluates χ² at its own, its grid
              neighbours' and 16 evenly spread nodes' solutions, restarts from the best and keeps the
              lower minimum; stops early once no node improves. This carries the deeper valley to
              nodes whose warm start settled in another one.
    batch:    rows per compiled call when `chi2` is a function (default `fits.minimize.default_chunk()`).

    Every node is minimised by the one minimiser of `fits.minimize` (projected L-BFGS, Newton
    polish), all nodes at once, the profiled parameters held at the node's values; all nodes start
    from the global best fit. Returns a `Profile`.
    """
    from fits import minimize as mz

    objective = chi2 if isinstance(chi2, mz.Objective) else None
    if objective is None and not callable(chi2):
        raise ValueError(f"chi2 must be a callable of one physical point, got {type(chi2).__name__}")
    names, fixed = _profiled_indices(space, names)
    k = len(names)
    specs = _split_grid_spec(grid, k)
    axes = tuple(_axis_grid(space, i, s, DEFAULT_NODES[k]) for i, s in zip(fixed, specs))
    if isinstance(sweeps, bool) or not isinstance(sweeps, (int, np.integer)) or sweeps < 0:
        raise ValueError(f"sweeps must be an integer ≥ 0, got {sweeps!r}")
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1):
        raise ValueError(f"batch must be an integer ≥ 1, got {batch!r}")
    if max_steps is not None and (isinstance(max_steps, bool) or not (isinstance(max_steps, (int, np.integer)) and max_steps >= 1)):
        raise ValueError(f"max_steps must be an integer ≥ 1, got {max_steps!r}")
    if chi2_min is not None and not math.isfinite(float(chi2_min)):
        raise ValueError(f"chi2_min must be finite, got {chi2_min!r}")
    fixed_idx = np.array(fixed)

    if start is None:
        x_start = mz.from_box(space, np.where(space.bounded, 0.5, 0.0))[0]
    else:
        x_start = space.check_point(start, "start")
        if x_start.shape != (space.dim,):
            raise ValueError(f"start must be one point of shape ({space.dim},), got {x_start.shape}")
    if objective is None:
        objective = mz.Objective(chi2, space, batch)
    options = dict(max_steps=max_steps, tol=tol)

    def global_fit(x0):
        ends = mz.minimize(objective, x0[None], **options)
        return ends.x[0], float(ends.chi2[0])

    x_best, f_best = global_fit(x_start)
    mesh = np.stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")], axis=-1)  # (n_nodes, k)
    shape = tuple(len(a) for a in axes)
    free = np.ones(space.dim, bool)
    free[fixed_idx] = False
    x0 = np.repeat(np.nan_to_num(x_best)[None, :], len(mesh), axis=0)
    x0[:, fixed_idx] = mesh
    if free.any():
        ends = mz.minimize(objective, x0, free, **options)
        points, values = ends.x, ends.chi2
        for _ in range(sweeps):
            cand = _candidates(points.reshape(shape + (space.dim,)))  # (n_nodes, c, dim)
            cand[:, :, fixed_idx] = mesh[:, None, :]
            f_cand, _ = objective(cand.reshape(-1, space.dim))
            f_cand = np.where(np.isfinite(f_cand), f_cand, np.inf).reshape(cand.shape[:2])
            pick = cand[np.arange(len(mesh)), np.argmin(f_cand, axis=1)]
            new = mz.minimize(objective, pick, free, **options)
            old = np.where(np.isfinite(values), values, np.inf)
            better = np.isfinite(new.chi2) & (new.chi2 <= old)
            improved = better & (new.chi2 < old - 1e-12 * np.abs(np.where(np.isfinite(old), old, 0.0)))
            points = np.where(better[:, None], new.x, points)
            values = np.where(better, new.chi2, values)
            if not improved.any():
                break
    else:
        points = x0
        values, _ = objective(points)

    values = np.where(np.isfinite(values), values, np.inf).reshape(shape)
    points = points.reshape(shape + (space.dim,))
    if chi2_min is None:
        j = np.unravel_index(np.argmin(values), shape)
        if values[j] < f_best or not math.isfinite(f_best):
            # the profile found a deeper valley than the global fit: polish the fit from there
            x_j, f_j = global_fit(points[j])
            f_best, x_best = float(values[j]), points[j]
            if f_j < f_best:
                f_best, x_best = f_j, x_j
        chi2_min = f_best
    return Profile(names, tuple(_scale_of(space, i) for i in fixed), axes, values, float(chi2_min),
                   np.asarray(x_best)[fixed_idx], points)


def _candidates(w, n_far=SWEEP_FAR):
    """Restart candidates for each node of a 1-D/2-D grid of solutions w (grid..., m): its own, its
    2 or 4 grid neighbours' (clipped at the edges), and those of up to `n_far` nodes spread evenly
    over the grid (so one sweep can carry a deeper valley across the whole grid).
    Shape (n_nodes, c, m)."""
    k, m = w.ndim - 1, w.shape[-1]
    cands = [w]
    for axis in range(k):
        for shift in (1, -1):
            rolled = np.roll(w, shift, axis=axis)
            edge = [slice(None)] * w.ndim
            edge[axis] = 0 if shift == 1 else -1
            rolled[tuple(edge)] = w[tuple(edge)]
            cands.append(rolled)
    flat = w.reshape(-1, m)
    far = flat[np.unique(np.linspace(0, flat.shape[0] - 1, min(n_far, flat.shape[0])).round().astype(int))]
    near = np.stack([c.reshape(-1, m) for c in cands], axis=1)
    return np.concatenate([near, np.broadcast_to(far, (flat.shape[0],) + far.shape)], axis=1)


def profile_scan(points, chi2, space, names, bins=None, *, ranges=None, chi2_min=None):
    """Profile scan results onto one or two parameters: the minimum χ² in each bin.

    points:   scanned physical points, shape (N, dim); chi2: their χ² values, shape (N,) (non-finite
              values, failed points, are ignored).
    names:    the profiled parameter name, or a pair.
    bins:     None / an int (bins per axis; 50 in 1-D, 40 in 2-D) / a pair of ints / explicit edges
              (one array in 1-D, a pair in 2-D). Bins are uniform in each parameter's scale: log bins
              for log-scale parameters.
    ranges:   (low, high) per axis (one pair in 1-D, a pair of pairs in 2-D); default: the space's
              bounds, or the scanned extent for unbounded parameters.
    chi2_min: the global minimum; default the smallest finite χ² of the scan.

    The profile's grid is the bin centres (geometric centres for log bins); empty bins hold +inf and
    NaN points. Returns a `Profile`.
    """
    names, fixed = _profiled_indices(space, names)
    k = len(names)
    x = np.asarray(points, dtype=float)
    f = np.asarray(chi2, dtype=float)
    if x.ndim != 2 or x.shape[1] != space.dim:
        raise ValueError(f"points must have shape (N, {space.dim}) ({', '.join(space.names)}), got {x.shape}")
    if f.shape != (x.shape[0],):
        raise ValueError(f"chi2 must have shape ({x.shape[0]},) to match points, got {f.shape}")
    ok = np.isfinite(f) & np.all(np.isfinite(x), axis=1)
    if not np.any(ok):
        raise ValueError("the scan has no point with a finite χ²")
    x, f = x[ok], f[ok]
    if chi2_min is not None and not math.isfinite(float(chi2_min)):
        raise ValueError(f"chi2_min must be finite, got {chi2_min!r}")

    default_bins = 50 if k == 1 else 40
    bin_specs = _split_grid_spec(bins, k)
    if ranges is None:
        range_specs = (None,) * k
    elif k == 1:
        range_specs = (ranges,) if np.ndim(ranges) == 1 else tuple(ranges)
    else:
        range_specs = tuple(ranges)
    if len(range_specs) != k:
        raise ValueError(f"ranges must give one (low, high) pair per profiled parameter, got {ranges!r}")

    edges, idx, inside = [], [], np.ones(x.shape[0], dtype=bool)
    for axis, i in enumerate(fixed):
        p = space.parameters[i]
        e = _bin_edges(p, bin_specs[axis], range_specs[axis], x[:, i], default_bins)
        y = np.log(np.where(x[:, i] > 0, x[:, i], np.nan)) if p.scale == "log" else x[:, i]
        ey = _to_scale(e, p.scale)
        j = np.searchsorted(ey, y, side="right") - 1
        j = np.where(y == ey[-1], len(e) - 2, j)  # the last bin is closed on the right
        inside &= (j >= 0) & (j < len(e) - 1) & np.isfinite(y)
        edges.append(e)
        idx.append(j)
    shape = tuple(len(e) - 1 for e in edges)
    flat = np.ravel_multi_index([j[inside] for j in idx], shape)
    f_in, rows = f[inside], np.flatnonzero(inside)

    values = np.full(int(np.prod(shape)), np.inf)
    best_points = np.full((values.size, space.dim), np.nan)
    if flat.size:
        order = np.lexsort((f_in, flat))  # by bin, then by χ²: each bin's first entry is its minimum
        first = np.unique(flat[order], return_index=True)[1]
        winners = order[first]
        values[flat[winners]] = f_in[winners]
        best_points[flat[winners]] = x[rows[winners]]
    centres = tuple(_from_scale(0.5 * (_to_scale(e[:-1], space.parameters[i].scale)
                                       + _to_scale(e[1:], space.parameters[i].scale)), space.parameters[i].scale)
                    for e, i in zip(edges, fixed))
    j_best = int(np.argmin(f))
    return Profile(names, tuple(_scale_of(space, i) for i in fixed), centres, values.reshape(shape),
                   float(f[j_best]) if chi2_min is None else float(chi2_min), x[j_best, fixed],
                   best_points.reshape(shape + (space.dim,)))


def _bin_edges(p, spec, rng, column, n_default):
    """Bin edges of one parameter (physical units), uniform in its scale."""
    if spec is None:
        spec = n_default
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if spec < 1:
            raise ValueError(f"parameter {p.name!r}: need at least one bin, got {spec}")
        if rng is None:
            lo, hi = p.low, p.high
            if not (math.isfinite(lo) and math.isfinite(hi)):
                lo, hi = float(np.min(column)), float(np.max(column))
        else:
            if len(rng) != 2:
                raise ValueError(f"parameter {p.name!r}: range must be (low, high), got {rng!r}")
            lo, hi = float(rng[0]), float(rng[1])
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"parameter {p.name!r}: bin range [{lo}, {hi}] is empty, inverted or not finite")
        if p.scale == "log" and lo <= 0:
            raise ValueError(f"parameter {p.name!r} is log-scale: its bin range must be > 0, got [{lo}, {hi}]")
        return _from_scale(np.linspace(_to_scale(lo, p.scale), _to_scale(hi, p.scale), int(spec) + 1), p.scale)
    e = np.asarray(spec, dtype=float)
    if e.ndim != 1 or e.size < 2 or not np.all(np.isfinite(e)) or not np.all(np.diff(e) > 0):
        raise ValueError(f"parameter {p.name!r}: bin edges must be a strictly increasing finite 1-D array of ≥ 2")
    if p.scale == "log" and e[0] <= 0:
        raise ValueError(f"parameter {p.name!r} is log-scale: its bin edges must be > 0")
    return e


# --- intervals and contours ---------------------------------------------------------------------
def _level(profile, sigma, level, dof):
    if (sigma is None) == (level is None):
        raise ValueError("give exactly one of sigma (n-σ) or level (a Δχ² value)")
    if level is not None:
        level = float(level)
        if not (math.isfinite(level) and level > 0):
            raise ValueError(f"level must be a finite Δχ² > 0, got {level!r}")
        return level
    return delta_chi2(sigma, dof)


def _check_profile(profile, k):
    if not isinstance(profile, Profile):
        raise ValueError(f"expected a Profile, got {type(profile).__name__}")
    if profile.ndim != k:
        raise ValueError(f"this needs a {k}-D profile, got one of {profile.names}")


def intervals(profile, *, sigma=None, level=None):
    """Intervals of a 1-D profile where Δχ² < threshold, as an array (n_intervals, 2) of (low, high).

    The threshold is `level` (a Δχ² value) or the n-σ value for one parameter (`sigma` = 1 → Δχ² = 1).
    End points are the crossings of Δχ² with the threshold by linear interpolation between nodes (in
    the parameter's scale); an interval still open at a grid end stops at that end node."""
    _check_profile(profile, 1)
    t = _level(profile, sigma, level, 1)
    scale = profile.scales[0]
    y = _to_scale(profile.grid[0], scale)
    z = np.where(np.isfinite(profile.delta_chi2), profile.delta_chi2, np.inf)
    inside = z < t
    out = []
    i, n = 0, len(y)
    while i < n:
        if not inside[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and inside[j + 1]:
            j += 1
        lo = y[i] if i == 0 else _crossing(y[i - 1], y[i], z[i - 1], z[i], t)
        hi = y[j] if j == n - 1 else _crossing(y[j], y[j + 1], z[j], z[j + 1], t)
        out.append((lo, hi))
        i = j + 1
    return _from_scale(np.array(out, dtype=float).reshape(-1, 2), scale)


def _crossing(ya, yb, za, zb, t):
    """Where the straight line through (ya, za), (yb, zb) reaches t; next to a non-finite value (an
    empty scan bin) the crossing sits on the finite node."""
    if not np.isfinite(za):
        return yb
    if not np.isfinite(zb):
        return ya
    return ya + (t - za) / (zb - za) * (yb - ya)


def contours(profile, *, sigma=None, level=None):
    """Contour polylines of a 2-D profile where Δχ² = threshold (the boundary of the region Δχ² < it).

    The threshold is `level` (a Δχ² value) or the n-σ value for two parameters (`sigma` = 1 →
    Δχ² = 2.2957). Returns a list of arrays (m, 2) of physical (x, y) points, from marching squares in
    each parameter's scale; a closed curve repeats its first point at the end."""
    _check_profile(profile, 2)
    t = _level(profile, sigma, level, 2)
    ys = [_to_scale(g, s) for g, s in zip(profile.grid, profile.scales)]
    lines = marching_squares(ys[0], ys[1], profile.delta_chi2, t)
    return [np.stack([_from_scale(c[:, 0], profile.scales[0]), _from_scale(c[:, 1], profile.scales[1])], axis=-1)
            for c in lines]


def marching_squares(x, y, z, level):
    """Iso-lines z = level of values z (nx, ny) on the grid x (nx,) × y (ny,) (`ij` indexing).

    Crossings on cell edges by linear interpolation; saddle cells are split by the cell-centre mean
    (the corners whose side differs from the centre's are cut off). Non-finite z counts as above the
    level and places a crossing on its finite neighbour. Returns a list of polylines (m, 2); closed
    ones repeat their first point."""
    x, y, z = np.asarray(x, float), np.asarray(y, float), np.asarray(z, float)
    if x.ndim != 1 or y.ndim != 1 or z.shape != (x.size, y.size):
        raise ValueError(f"z must have shape (len(x), len(y)) = ({x.size}, {y.size}), got {z.shape}")
    if x.size < 2 or y.size < 2:
        raise ValueError("marching squares needs at least 2 nodes per axis")
    below = np.isfinite(z) & (z < level)

    def edge_point(key):
        kind, i, j = key
        if kind == "h":  # from (i, j) to (i+1, j)
            a, b = (i, j), (i + 1, j)
        else:  # "v": from (i, j) to (i, j+1)
            a, b = (i, j), (i, j + 1)
        za, zb = z[a], z[b]
        pa, pb = np.array([x[a[0]], y[a[1]]]), np.array([x[b[0]], y[b[1]]])
        if not np.isfinite(za):
            return pb
        if not np.isfinite(zb):
            return pa
        s = (level - za) / (zb - za)
        return pa + s * (pb - pa)

    # Corner order around a cell: c0 (i, j), c1 (i+1, j), c2 (i+1, j+1), c3 (i, j+1); edge e_n joins
    # c_n and c_{n+1}; corner n is cut off by the segment between edges e_{n−1} and e_n.
    b0, b1, b2, b3 = below[:-1, :-1], below[1:, :-1], below[1:, 1:], below[:-1, 1:]
    case = b0 * 1 + b1 * 2 + b2 * 4 + b3 * 8
    neighbours = {}

    def link(p, q):
        neighbours.setdefault(p, []).append(q)
        neighbours.setdefault(q, []).append(p)

    for i, j in zip(*np.nonzero((case != 0) & (case != 15))):
        edges = (("h", i, j), ("v", i + 1, j), ("h", i, j + 1), ("v", i, j))
        corners = (b0[i, j], b1[i, j], b2[i, j], b3[i, j])
        c = case[i, j]
        if c in (5, 10):  # saddle
            zc = z[i:i + 2, j:j + 2]
            centre = bool(np.all(np.isfinite(zc)) and zc.mean() < level)
            for n in range(4):
                if corners[n] != centre:
                    link(edges[n - 1], edges[n])
        else:
            crossed = [edges[n] for n in range(4) if corners[n] != corners[(n + 1) % 4]]
            link(crossed[0], crossed[1])

    lines, seen = [], set()
    starts = [e for e, nb in neighbours.items() if len(nb) == 1] + list(neighbours)  # open lines first
    for s in starts:
        if s in seen:
            continue
        path, prev, cur = [s], None, s
        seen.add(s)
        while True:
            nxt = [q for q in neighbours[cur] if q != prev and q not in seen]
            if not nxt:
                if len(path) > 2 and s in neighbours[cur] and prev is not None:
                    path.append(s)  # closed
                break
            prev, cur = cur, nxt[0]
            seen.add(cur)
            path.append(cur)
        lines.append(np.array([edge_point(e) for e in path]))
    return lines
