"""Plots of fit results: 2-D Δχ² regions, 1-D Δχ² profiles and corner plots of samples.

matplotlib is the optional `plot` extra (`pip install "jaxflav[plot]"`) and is imported only when a
plot is drawn. Without an `ax`, a function draws on a new `matplotlib.figure.Figure` that pyplot does
not manage: nothing needs a display or a GUI backend (saving goes through Agg), and no global pyplot
state is touched. Every function returns the Figure; `path=` also saves it (PNG, PDF, … by suffix).

Colours follow `000_8c6ceb1288264742.txt`, Figs. 8–10: 1σ pink, 2σ brown, 3σ dark brown, the best fit
a blue circle.
"""

import math

import numpy as np

from fits import files, regions

REGION_COLOURS = ("#f4a3c0", "#a0603a", "#5c3317")  # 1σ pink, 2σ brown, 3σ dark brown (000, Figs. 8–10)
BEST_FIT_COLOUR = "#1f45c8"  # blue circle (000, Figs. 8–10)
SAMPLE_COLOUR = "#1f45c8"


def _matplotlib():
    """The matplotlib module, or an ImportError saying how to install it."""
    try:
        import matplotlib
        from matplotlib.figure import Figure  # noqa: F401  (fails early if the install is broken)
    except ImportError as err:
        raise ImportError('fits.plots needs matplotlib, the "plot" extra: pip install "jaxflav[plot]"') from err
    return matplotlib


def _axes(ax, figsize):
    """(figure, axes): the given axes' figure, or a new pyplot-free Figure with one axes."""
    _matplotlib()
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def save(fig, path, **savefig_kwargs):
    """Save `fig` to `path` atomically (`fits.files.atomic`; format from the suffix: .png, .pdf,
    .svg, …); returns the path."""
    path = str(path)
    if "." not in path.rsplit("/", 1)[-1]:
        raise ValueError(f"path {path!r} needs a suffix naming the format (.png, .pdf, …)")
    savefig_kwargs.setdefault("dpi", 150)
    savefig_kwargs.setdefault("format", path.rsplit(".", 1)[-1].lower())
    with files.atomic(path) as fh:
        fig.savefig(fh, **savefig_kwargs)
    return path


def _sigmas(levels):
    s = np.atleast_1d(np.asarray(levels, dtype=float))
    if s.ndim != 1 or s.size == 0 or not np.all(np.isfinite(s)) or np.any(s <= 0) or np.any(np.diff(s) <= 0):
        raise ValueError(f"levels must be increasing n-σ values > 0, e.g. (1, 2, 3), got {levels!r}")
    return s


def _colours(colours, n):
    colours = tuple(colours)
    if len(colours) < n:
        raise ValueError(f"need a colour for each of the {n} levels, got {len(colours)}")
    return colours[:n]


def _as_profile(profile, k):
    if not isinstance(profile, regions.Profile):
        raise ValueError(f"expected a fits.regions.Profile, got {type(profile).__name__}")
    if profile.ndim != k:
        raise ValueError(f"this plot needs a {k}-D profile, got one of {profile.names}")
    return profile


def grid_profile(x, y, delta_chi2, *, names=("x", "y"), scales=("linear", "linear"), best=None):
    """A 2-D `Profile` from a plain grid: nodes x (nx,), y (ny,), Δχ² values (nx, ny) (`ij` indexing),
    for plotting Δχ² maps computed elsewhere. `best` (2,) is the best-fit point, if any."""
    x, y, d = (np.asarray(a, dtype=float) for a in (x, y, delta_chi2))
    if x.ndim != 1 or y.ndim != 1 or d.shape != (x.size, y.size):
        raise ValueError(f"delta_chi2 must have shape (len(x), len(y)) = ({x.size}, {y.size}), got {d.shape}")
    for s in scales:
        if s not in ("linear", "log"):
            raise ValueError(f"scales must be 'linear' or 'log', got {s!r}")
    best = np.full(2, np.nan) if best is None else np.asarray(best, dtype=float)
    return regions.Profile(tuple(names), tuple(scales), (x, y), d, 0.0, best, np.full(d.shape + (2,), np.nan))


def delta_chi2_regions(ax, profile, levels=regions.SIGMAS, *, best=None, labels=None, colours=REGION_COLOURS,
                       legend=True, lines=True, path=None, figsize=(5.0, 4.2)):
    """Filled n-σ regions of a 2-D profile (Δχ² below the 2-parameter thresholds), as in
    `000_8c6ceb1288264742.txt`, Figs. 8–10.

    ax:      matplotlib Axes to draw on, or None for a new Figure.
    profile: a 2-D `fits.regions.Profile` (from `profile`, `profile_scan` or `grid_profile`).
    levels:  the n-σ regions to draw, increasing (default 1, 2, 3σ).
    best:    best-fit point (x, y) to mark with a blue circle; None takes the profile's, False none.
    labels:  axis labels (default the parameter names). Log-scale parameters get log axes.
    colours: one fill colour per level (default pink, brown, dark brown).
    lines:   also draw each region's edge; legend: add a legend; path: save the figure there.
    Returns the Figure.
    """
    profile = _as_profile(profile, 2)
    sigmas = _sigmas(levels)
    colours = _colours(colours, sigmas.size)
    thresholds = regions.levels(sigmas, 2)
    fig, ax = _axes(ax, figsize)
    from matplotlib.patches import Patch
    from matplotlib.lines import Line2D

    x, y = profile.grid
    d = np.asarray(profile.delta_chi2, dtype=float)
    z = np.ma.masked_invalid(np.where(np.isfinite(d), d, np.nan)).T  # contourf wants (ny, nx)
    low = min(float(np.nanmin(np.where(np.isfinite(d), d, np.nan))) if np.any(np.isfinite(d)) else 0.0, 0.0) - 1.0
    bounds = [low, *thresholds]
    if np.ma.count(z):
        ax.contourf(x, y, z, levels=bounds, colors=colours)
        if lines:
            ax.contour(x, y, z, levels=list(thresholds), colors=colours, linewidths=0.8)
    if profile.scales[0] == "log":
        ax.set_xscale("log")
    if profile.scales[1] == "log":
        ax.set_yscale("log")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(y[0], y[-1])
    labels = profile.names if labels is None else labels
    if len(labels) != 2:
        raise ValueError(f"labels must be a pair (x label, y label), got {labels!r}")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    handles = [Patch(facecolor=c, label=f"{_fmt_sigma(s)}σ") for s, c in zip(sigmas, colours)]
    point = _best(profile, best, 2)
    if point is not None:  # a best fit on a bound lies outside the bin centres: keep it in view
        ax.set_xlim(min(x[0], point[0]), max(x[-1], point[0]))
        ax.set_ylim(min(y[0], point[1]), max(y[-1], point[1]))
        ax.plot(point[0], point[1], "o", color=BEST_FIT_COLOUR, markersize=7, zorder=5, clip_on=False)
        handles.append(Line2D([], [], marker="o", color=BEST_FIT_COLOUR, linestyle="", label="best fit"))
    if legend:
        ax.legend(handles=handles, loc="best", frameon=False)
    if path is not None:
        save(fig, path)
    return fig


def profile_1d(ax, profile, levels=regions.SIGMAS, *, best=None, label=None, colours=REGION_COLOURS,
               shade=True, path=None, figsize=(5.0, 3.6)):
    """Δχ² of a 1-D profile against its parameter, with the n-σ thresholds (Δχ² = n²) as horizontal
    lines and, with `shade`, the n-σ intervals shaded beneath.

    ax: Axes or None; profile: a 1-D `Profile`; levels: n-σ values; best: the best-fit value to mark
    (None takes the profile's, False none); label: the x label (default the name); a log-scale
    parameter gets a log x axis; path: save there. Returns the Figure."""
    profile = _as_profile(profile, 1)
    sigmas = _sigmas(levels)
    colours = _colours(colours, sigmas.size)
    thresholds = regions.levels(sigmas, 1)
    fig, ax = _axes(ax, figsize)
    x = profile.grid[0]
    d = np.asarray(profile.delta_chi2, dtype=float)
    ax.plot(x, np.where(np.isfinite(d), d, np.nan), color="k", linewidth=1.3)
    for s, t, c in reversed(list(zip(sigmas, thresholds, colours))):  # widest first, nested
        ax.axhline(t, color=c, linestyle="--", linewidth=0.9, label=f"{_fmt_sigma(s)}σ")
        if shade:
            for lo, hi in regions.intervals(profile, level=t):
                ax.axvspan(lo, hi, color=_lighten(c), linewidth=0, zorder=0)
    point = _best(profile, best, 1)
    if point is not None:
        ax.plot(point[0], 0.0, "o", color=BEST_FIT_COLOUR, markersize=6, zorder=5, clip_on=False)
    if profile.scales[0] == "log":
        ax.set_xscale("log")
    ax.set_xlim(x[0], x[-1])
    finite = d[np.isfinite(d)]
    top = max(1.3 * thresholds[-1], 1.0)
    ax.set_ylim(min(0.0, finite.min()) if finite.size else 0.0, top)
    ax.set_xlabel(profile.names[0] if label is None else label)
    ax.set_ylabel(r"$\Delta\chi^2$")
    ax.legend(loc="best", frameon=False)
    if path is not None:
        save(fig, path)
    return fig


def _lighten(colour, amount=0.55):
    """`colour` mixed with white: opaque, so nested bands do not blend into each other."""
    from matplotlib.colors import to_rgb

    return tuple(1.0 - amount * (1.0 - v) for v in to_rgb(colour))


def _fmt_sigma(s):
    return f"{int(s)}" if float(s).is_integer() else f"{s:g}"


def _best(profile, best, k):
    if best is False:
        return None
    point = profile.best if best is None else best
    point = np.asarray(point, dtype=float).reshape(-1)
    if point.shape != (k,):
        raise ValueError(f"best must have {k} coordinates ({', '.join(profile.names)}), got shape {point.shape}")
    return point if np.all(np.isfinite(point)) else None


def corner(samples, truths=None, *, names=None, labels=None, bins=40, log=(), levels=(1, 2), smooth=1.0,
           colour=SAMPLE_COLOUR, path=None, figsize=None):
    """Corner plot of samples (e.g. HMC draws): histograms on the diagonal, 2-D histograms with the
    n-σ highest-density contours below it.

    samples: {name: array}; each array is flattened (chains × draws), all of one size; draws with a
             non-finite value in any shown parameter are dropped.
    truths:  {name: value} or a sequence in `names` order, marked by lines (None: none).
    names:   the parameters to show, in order (default all, in the dict's order).
    labels:  axis labels ({name: label} or a sequence; default the names).
    bins:    histogram bins per parameter; log: names shown on log axes, with log bins.
    levels:  n-σ contours of the 2-D panels, each enclosing the mass 1 − exp(−n²/2) of a 2-D Gaussian
             (39 %, 86 %, 99 % for 1, 2, 3σ), at the highest-density histogram cells.
    smooth:  Gaussian smoothing (in bins) of the 2-D histograms the contours are drawn from; 0 for none.
    Returns the Figure.
    """
    if not isinstance(samples, dict) or not samples:
        raise ValueError("samples must be a non-empty dict {name: array of draws}")
    names = list(samples) if names is None else list(names)
    unknown = [n for n in names if n not in samples]
    if unknown or not names:
        raise ValueError(f"names {unknown or names} not among the samples {list(samples)}")
    columns = [np.asarray(samples[n], dtype=float).reshape(-1) for n in names]
    sizes = {n: c.size for n, c in zip(names, columns)}
    if len(set(sizes.values())) != 1:
        raise ValueError(f"every parameter needs the same number of draws, got {sizes}")
    data = np.column_stack(columns)
    data = data[np.all(np.isfinite(data), axis=1)]
    if data.shape[0] < 2:
        raise ValueError("corner needs at least 2 draws with finite values")
    log = set(log)
    unknown = sorted(log - set(names))
    if unknown:
        raise ValueError(f"log names {unknown} not among the shown parameters {names}")
    for i, n in enumerate(names):
        if n in log and np.any(data[:, i] <= 0):
            raise ValueError(f"parameter {n!r} is shown on a log axis but has draws ≤ 0")
    if not (isinstance(smooth, (int, float, np.integer, np.floating)) and math.isfinite(smooth) and smooth >= 0):
        raise ValueError(f"smooth must be a number of bins ≥ 0, got {smooth!r}")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer ≥ 2, got {bins!r}")
    masses = 1.0 - np.exp(-0.5 * _sigmas(levels) ** 2)
    truth = _truth_values(truths, names)
    label = _labels(labels, names)

    _matplotlib()
    from matplotlib.colors import LinearSegmentedColormap, to_rgb
    from matplotlib.figure import Figure

    k = len(names)
    fig = Figure(figsize=figsize or (2.2 * k + 0.6, 2.2 * k + 0.6), layout="constrained")
    axes = fig.subplots(k, k, squeeze=False)
    edges = [_edges(data[:, i], bins, names[i] in log) for i in range(k)]
    cmap = LinearSegmentedColormap.from_list("corner", [(1, 1, 1), to_rgb(colour)])
    for i in range(k):
        for j in range(k):
            ax = axes[i, j]
            if j > i:
                ax.set_axis_off()
                continue
            if names[j] in log:
                ax.set_xscale("log")
            if i == j:
                ax.hist(data[:, i], bins=edges[i], histtype="step", color=colour, density=False)
                ax.set_yticks([])
                if truth[i] is not None:
                    ax.axvline(truth[i], color="k", linewidth=1.0)
            else:
                if names[i] in log:
                    ax.set_yscale("log")
                h, _, _ = np.histogram2d(data[:, j], data[:, i], bins=(edges[j], edges[i]))
                ax.pcolormesh(edges[j], edges[i], h.T, cmap=cmap, shading="flat", rasterized=True)
                hs = _smooth(h, smooth)
                thresholds = _hpd_thresholds(hs, masses)
                if thresholds is not None:
                    cx, cy = _centres(edges[j], names[j] in log), _centres(edges[i], names[i] in log)
                    ax.contour(cx, cy, hs.T, levels=thresholds, colors=[colour], linewidths=0.9)
                if truth[j] is not None:
                    ax.axvline(truth[j], color="k", linewidth=1.0)
                if truth[i] is not None:
                    ax.axhline(truth[i], color="k", linewidth=1.0)
                if truth[i] is not None and truth[j] is not None:
                    ax.plot(truth[j], truth[i], "s", color="k", markersize=4)
                ax.set_ylim(edges[i][0], edges[i][-1])
            ax.set_xlim(edges[j][0], edges[j][-1])
            if i == k - 1:
                ax.set_xlabel(label[j])
            else:
                ax.tick_params(labelbottom=False)
            if j == 0 and i > 0:
                ax.set_ylabel(label[i])
            elif i != j:
                ax.tick_params(labelleft=False)
    if path is not None:
        save(fig, path)
    return fig


def _edges(column, bins, log):
    lo, hi = float(column.min()), float(column.max())
    if log:
        lo, hi = math.log(lo), math.log(hi)
    if hi <= lo:  # a constant column: one unit-wide window around it
        pad = 0.5 * (abs(lo) if lo else 1.0)
        lo, hi = lo - pad, hi + pad
    e = np.linspace(lo, hi, bins + 1)
    return np.exp(e) if log else e


def _centres(e, log):
    return np.sqrt(e[1:] * e[:-1]) if log else 0.5 * (e[1:] + e[:-1])


def _smooth(h, width):
    """h convolved along both axes with a Gaussian of `width` bins (truncated at 3 widths)."""
    if width <= 0:
        return h
    r = max(1, int(math.ceil(3 * width)))
    kernel = np.exp(-0.5 * (np.arange(-r, r + 1) / width) ** 2)
    kernel /= kernel.sum()
    h = np.apply_along_axis(np.convolve, 0, h, kernel, mode="same")
    return np.apply_along_axis(np.convolve, 1, h, kernel, mode="same")


def _hpd_thresholds(h, masses):
    """Histogram heights above which the highest cells hold each of `masses`, increasing; None if the
    histogram cannot give distinct ones."""
    flat = np.sort(h.ravel())[::-1]
    total = flat.sum()
    if total <= 0:
        return None
    cum = np.cumsum(flat) / total
    t = [flat[min(np.searchsorted(cum, m), flat.size - 1)] for m in masses]
    t = np.unique(np.asarray(t, dtype=float))  # sorted increasing, duplicates dropped
    t = t[t > 0]
    return t if t.size else None


def _truth_values(truths, names):
    if truths is None:
        return [None] * len(names)
    if isinstance(truths, dict):
        unknown = sorted(set(truths) - set(names))
        if unknown:
            raise ValueError(f"truths for unknown parameter(s) {unknown}; shown are {names}")
        return [None if truths.get(n) is None else float(truths[n]) for n in names]
    values = list(np.asarray(truths, dtype=float).reshape(-1))
    if len(values) != len(names):
        raise ValueError(f"truths must give {len(names)} values ({', '.join(names)}), got {len(values)}")
    return values


def _labels(labels, names):
    if labels is None:
        return list(names)
    if isinstance(labels, dict):
        return [labels.get(n, n) for n in names]
    labels = list(labels)
    if len(labels) != len(names):
        raise ValueError(f"labels must give {len(names)} entries ({', '.join(names)}), got {len(labels)}")
    return labels


BAND_COLOURS = ("#c020c0", "#d62728", "#2ca02c", "#1f77b4")  # favoured: magenta, red, … (002, Fig. 2)
EXCLUSION_COLOURS = ("#1f77b4", "#7f7f7f", "#2ca02c", "#ff7f0e", "#17becf", "#e377c2", "#8c564b")


def bands(ax, x, y, favoured=None, excluded=None, *, threshold=2.71, scales=("linear", "linear"), labels=("x", "y"),
          path=None, figsize=(5.6, 4.4)):
    """A map of several constraints on one 2-D grid, in the style of `002_afd25a313d970311.txt`, Fig. 2:
    each favoured constraint as its 1σ (darker) and 2σ (lighter) band, each excluding one as a
    hatched-edge shaded region.

    x (nx,), y (ny,): the grid; favoured: {label: χ² of that constraint (nx, ny)}, drawn where
    χ² − min χ² < 1 and < 4; excluded: {label: χ² (nx, ny)}, shaded where χ² > `threshold`
    (2.71: a 90 % CL one-sided limit). scales: "linear" or "log" per axis. Returns the Figure.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    fields = {**(favoured or {}), **(excluded or {})}
    if not fields:
        raise ValueError("bands needs at least one favoured or excluded field")
    for name, v in fields.items():
        if np.shape(v) != (x.size, y.size):
            raise ValueError(f"field {name!r} must have shape (len(x), len(y)) = ({x.size}, {y.size}), got {np.shape(v)}")
    fig, ax = _axes(ax, figsize)
    from matplotlib.patches import Patch

    handles = []
    for (name, chi2), colour in zip((excluded or {}).items(), EXCLUSION_COLOURS * 4):
        z = np.asarray(chi2, dtype=float).T
        if np.any(z > threshold):
            ax.contourf(x, y, z, levels=[threshold, np.inf], colors=[colour], alpha=0.3)
            ax.contour(x, y, z, levels=[threshold], colors=[colour], linewidths=0.8)
        handles.append(Patch(facecolor=colour, alpha=0.3, edgecolor=colour, label=f"{name} (excluded)"))
    for (name, chi2), colour in zip((favoured or {}).items(), BAND_COLOURS * 4):
        z = np.asarray(chi2, dtype=float).T
        z = z - np.nanmin(z)
        ax.contourf(x, y, z, levels=[-1.0, 1.0, 4.0], colors=[colour, _lighten(colour)], alpha=0.85)
        handles.append(Patch(facecolor=colour, label=f"{name} 1σ, 2σ"))
    for which, s in zip("xy", scales):
        if s not in ("linear", "log"):
            raise ValueError(f"scales must be 'linear' or 'log', got {s!r}")
        getattr(ax, f"set_{which}scale")(s)
        if s == "log":
            from matplotlib.ticker import NullFormatter

            getattr(ax, f"{which}axis").set_minor_formatter(NullFormatter())
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(y[0], y[-1])
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.legend(handles=handles, loc="best", frameon=False, fontsize="small")
    if path is not None:
        save(fig, path)
    return fig


def selected_points(panels, groups, *, path=None, figsize=None):
    """Scatter panels of the points a selection keeps, as in `002_afd25a313d970311.txt`, Fig. 3.

    panels: [(x label, y label, x (N,), y (N,)), …], one panel each; groups: [(label, mask (N,),
    colour, marker), …], drawn in order (draw the widest selection first). Returns the Figure.
    """
    if not panels or not groups:
        raise ValueError("selected_points needs at least one panel and one group")
    _matplotlib()
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize or (3.4 * len(panels), 3.4), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (xl, yl, xs, ys) in zip(axes, panels):
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        for label, mask, colour, marker in groups:
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != xs.shape:
                raise ValueError(f"group {label!r}: mask shape {mask.shape} differs from the points' {xs.shape}")
            ax.plot(xs[mask], ys[mask], marker, color=colour, markersize=3, linestyle="", label=f"{label} ({mask.sum()})")
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
    axes[0].legend(loc="best", frameon=False, fontsize="small")
    if path is not None:
        save(fig, path)
    return fig


def binned(panels, *, path=None, ncols=4, figsize=None):
    """Binned measurements against binned predictions, one panel per quantity (the style of
    flavio's `bin_plot`): data as points with their bin as x error and their errors as y error,
    each prediction as horizontal segments over its bins.

    panels: [(title, data, lines), …] with data = (lo, hi, central, err_down, err_up) (arrays) or
    None, and lines = {label: (lo, hi, values)} or (lo, hi, values, sigma) for a ±σ band per bin;
    the x axis is q² (GeV²). Returns the Figure.
    """
    if not panels:
        raise ValueError("binned needs at least one panel")
    _matplotlib()
    from matplotlib.figure import Figure

    ncols = min(ncols, len(panels))
    nrows = -(-len(panels) // ncols)
    fig = Figure(figsize=figsize or (3.2 * ncols, 2.6 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    colours = (BEST_FIT_COLOUR, "#555555", "#d62728", "#2ca02c")
    for ax, (title, data, lines) in zip(axes, panels):
        for (label, line), colour in zip(lines.items(), colours):
            lo, hi, values, *sigma = (np.asarray(a, dtype=float) for a in line)
            ax.hlines(values, lo, hi, colors=colour, linewidth=2, label=label)
            for a, b, v, s in zip(lo, hi, values, *sigma) if sigma else ():
                ax.fill_between([a, b], v - s, v + s, color=colour, alpha=0.25, linewidth=0)
        if data is not None:
            lo, hi, central, down, up = (np.asarray(a, dtype=float) for a in data)
            ax.errorbar((lo + hi) / 2, central, xerr=(hi - lo) / 2, yerr=(down, up), fmt="o", color="black", markersize=3, linewidth=1, label="data")
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel("q² [GeV²]")
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    axes[0].legend(loc="best", frameon=False, fontsize="small")
    if path is not None:
        save(fig, path)
    return fig


def curves(ax, lines, *, labels=("x", "y"), scales=("linear", "linear"), path=None, figsize=(5.6, 4.2)):
    """Lines y(x) on one axes, as the bound curves of `003_063abde38b23e6be.txt`, Figs. 2–3.

    lines: {label: (x, y, style)}, style a matplotlib line style ("-", "--", ":"); labels and
    scales: of the x and y axes ("linear" or "log"). Non-positive values on a log axis are not
    drawn. Returns the Figure."""
    if not lines:
        raise ValueError("curves needs at least one line")
    fig, ax = _axes(ax, figsize)
    for label, (x, y, style) in lines.items():
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if x.shape != y.shape:
            raise ValueError(f"line {label!r}: x has shape {x.shape}, y {y.shape}")
        y = np.where(np.isfinite(y) & ((y > 0) | (scales[1] != "log")), y, np.nan)
        ax.plot(x, y, linestyle=style, label=label)
    ax.set_xscale(scales[0])
    ax.set_yscale(scales[1])
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.legend(loc="best", frameon=False, fontsize="x-small")
    if path is not None:
        save(fig, path)
    return fig


EXCLUSION_STYLES = ("--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)))


def exclusion_lines(ax, curves, *, legend=True, path=None, figsize=(5.6, 4.4)):
    """Overlay the edges of excluded regions on 2-D axes, as the dashed and dotted curves of
    `000_8c6ceb1288264742.txt`, Figs. 8–10.

    curves: {label: (profile, threshold)}, each a 2-D `fits.regions.Profile` of one constraint's χ²
    (absolute, not Δχ²) and the χ² above which it excludes (2.71 for a 90 % CL limit); its edge is
    drawn where the profile crosses the threshold, and nothing where it never does. Profiled over
    the other parameters, the excluded side is excluded whatever their values. Returns the Figure.
    """
    fig, ax = _axes(ax, figsize)
    from matplotlib.lines import Line2D

    handles = []
    for k, (label, (profile, threshold)) in enumerate(curves.items()):
        profile = _as_profile(profile, 2)
        z = np.asarray(profile.chi2, dtype=float)
        z = np.ma.masked_invalid(np.where(np.isfinite(z), z, np.nan)).T
        colour, style = EXCLUSION_COLOURS[k % len(EXCLUSION_COLOURS)], EXCLUSION_STYLES[k % len(EXCLUSION_STYLES)]
        if np.ma.count(z) and np.nanmin(z) < threshold < np.nanmax(z):
            ax.contour(*profile.grid, z, levels=[threshold], colors=[colour], linestyles=[style], linewidths=1.3)
            handles.append(Line2D([], [], color=colour, linestyle=style, label=label))
    if legend and handles:  # beside the axes: the edges cross the whole plane
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize="x-small")
    if path is not None:
        save(fig, path, bbox_inches="tight")
    return fig
