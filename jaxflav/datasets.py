"""Data sets of published measurements with their correlations, and the χ² of each measurement.

A data set is a TOML file under `jaxflav/data/` (`bsmumu-2019.toml`) or a path:

    [source]        name, description (and where the numbers were read, e.g. flavio commits)
    [[measurement]] name (unique), experiment, citation, arxiv, kind, and
      kind = "gaussian":     [[measurement.value]] tables (observable, q2min/q2max or q2,
                             central, errors = [σ or [up, down], …] one entry per error source)
                             and, for several values, an optional `correlation` matrix;
      kind = "likelihood1d": observable (+ q2min/q2max), `x` and the density `pdf` at x
                             (tabulated, as flavio's NumericalDistribution).

χ² of a measurement (flavio's conventions, `flavio/measurements.py`):
- one value: a two-piece normal — the upper error above the central value, the lower below —
  each side the errors in quadrature (flavio's AsymmetricNormalDistribution); χ² = r²/σ(r)²;
- several values: a multivariate normal with σ_i² = Σ σ² + Σ up·down over the error sources
  (flavio's symmetrisation of correlated asymmetric errors) and covariance σ_i ρ_ij σ_j;
- likelihood1d: Δχ² = −2 ln(pdf/max pdf), a monotone cubic between the points (C¹, so that
  gradients and Hessians are smooth; flavio interpolates the pdf linearly); beyond the table it
  grows as its edge slope (if outward rising) plus (d/w)², w the half-width of the Δχ² = 1
  interval, so that fits that start far away are pulled back smoothly.
Every file is checked on load; a mistake is a ValueError naming file, measurement and field.
"""

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from fits import files
from jaxflav import sources

KINDS = ("gaussian", "likelihood1d")
_MEASUREMENT_KEYS = {"name", "experiment", "citation", "arxiv", "kind", "correlation", "value", "observable", "q2min", "q2max", "q2", "x", "pdf", "note"}
_VALUE_KEYS = {"observable", "q2min", "q2max", "q2", "central", "errors"}


class Gaussian(NamedTuple):
    name: str
    observables: tuple  # ((name, args…), …) as jaxflav.predictions.Predictions takes them
    central: np.ndarray
    up: np.ndarray  # one value: the total error above the central value
    down: np.ndarray  # and below
    precision: np.ndarray  # several values: the inverse covariance (flavio's symmetrised errors)


class Tabulated(NamedTuple):
    name: str
    observables: tuple  # one observable
    x: np.ndarray
    delta_chi2: np.ndarray  # −2 ln(pdf/max) at x
    slopes: tuple  # (left, right) outward slopes of Δχ² at the table's ends (≥ 0)
    width: float  # half-width of the Δχ² = 1 interval
    tangents: np.ndarray  # dΔχ²/dx at x (monotone cubic: `_pchip_tangents`)


class DataSet(NamedTuple):
    name: str
    description: str
    terms: tuple  # Gaussian | Tabulated
    observables: tuple  # every distinct observable, in order of first use
    index: tuple  # per term: positions of its observables in `observables`


def _fail(where, message):
    raise ValueError(f"{where}: {message}")


def available():
    """Names of the packaged data sets."""
    return sources.available("dataset")


def is_dataset(name_or_path) -> bool:
    """True if `name_or_path` names a data-set file (one with [[measurement]] entries)."""
    try:
        return sources.kind(name_or_path) == "dataset"
    except ValueError:
        return False


def _number(value, where, positive=False):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or (positive and value <= 0):
        _fail(where, f"must be a {'positive' if positive else 'finite'} number, got {value!r}")
    return float(value)


def _observable(spec, where, known):
    name = spec.get("observable")
    if not isinstance(name, str):
        _fail(f"{where}, field 'observable'", "a flavio observable name (string) is required")
    if known is not None and name not in known:
        _fail(f"{where}, field 'observable'", f"unknown observable {name!r}")
    if "q2min" in spec or "q2max" in spec:
        lo, hi = (_number(spec.get(k), f"{where}, field '{k}'") for k in ("q2min", "q2max"))
        if not lo < hi:
            _fail(where, f"bin [{lo}, {hi}] is empty or inverted")
        return (name, lo, hi)
    if "q2" in spec:
        return (name, _number(spec["q2"], f"{where}, field 'q2'"))
    return (name,)


def _errors(raw, where):
    """(up, down, symmetrised) totals of a value's error sources."""
    if not isinstance(raw, list) or not raw:
        _fail(f"{where}, field 'errors'", f"a list of errors (σ or [up, down]) is required, got {raw!r}")
    sym2 = up2 = down2 = prod = 0.0
    for k, e in enumerate(raw):
        w = f"{where}, field 'errors'[{k}]"
        if isinstance(e, list):
            if len(e) != 2:
                _fail(w, f"an asymmetric error is [up, down], got {e!r}")
            up, down = (_number(v, w, positive=True) for v in e)
            up2, down2, prod = up2 + up**2, down2 + down**2, prod + up * down
        else:
            sym2 += _number(e, w, positive=True) ** 2
    return math.sqrt(sym2 + up2), math.sqrt(sym2 + down2), math.sqrt(sym2 + prod)


def _gaussian(raw, where, known):
    values = raw.get("value")
    if not isinstance(values, list) or not values or not all(isinstance(v, dict) for v in values):
        _fail(where, "a gaussian measurement needs [[measurement.value]] tables")
    observables, central, up, down, sym = [], [], [], [], []
    for k, v in enumerate(values):
        w = f"{where}, value {k + 1}"
        unknown = sorted(set(v) - _VALUE_KEYS)
        if unknown:
            _fail(w, f"unknown field(s) {', '.join(unknown)}")
        observables.append(_observable(v, w, known))
        central.append(_number(v.get("central"), f"{w}, field 'central'"))
        u, d, s = _errors(v.get("errors"), w)
        up.append(u), down.append(d), sym.append(s)
    if len(set(observables)) != len(observables):
        _fail(where, "an observable appears twice")
    n = len(observables)
    rho = np.eye(n)
    if "correlation" in raw:
        rho = np.asarray(raw["correlation"], dtype=float) if _matrix(raw["correlation"], n) else None
        if rho is None:
            _fail(f"{where}, field 'correlation'", f"must be a {n}×{n} matrix of numbers")
        if not np.allclose(rho, rho.T, atol=1e-12) or not np.allclose(np.diag(rho), 1.0):
            _fail(f"{where}, field 'correlation'", "must be symmetric with ones on the diagonal")
        if np.min(np.linalg.eigvalsh(rho)) <= 0:
            _fail(f"{where}, field 'correlation'", f"is not positive definite (smallest eigenvalue {np.min(np.linalg.eigvalsh(rho)):.3g})")
    elif n > 1:
        _fail(where, "several values need a `correlation` matrix (use the identity for none)")
    cov = np.outer(sym, sym) * rho
    return Gaussian(raw["name"], tuple(observables), np.array(central), np.array(up), np.array(down), np.linalg.inv(cov))


def _matrix(value, n):
    return (isinstance(value, list) and len(value) == n and all(isinstance(r, list) and len(r) == n for r in value)
            and all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for r in value for x in r))  # fmt: skip


def _tabulated(raw, where, known):
    observable = _observable(raw, where, known)
    x, pdf = raw.get("x"), raw.get("pdf")
    for field, v in (("x", x), ("pdf", pdf)):
        if not (isinstance(v, list) and len(v) >= 3 and all(isinstance(t, int | float) and not isinstance(t, bool) and math.isfinite(t) for t in v)):
            _fail(f"{where}, field '{field}'", "a list of at least three finite numbers is required")
    x, pdf = np.asarray(x, float), np.asarray(pdf, float)
    if len(x) != len(pdf) or np.any(np.diff(x) <= 0) or np.any(pdf < 0) or pdf.max() <= 0:
        _fail(where, "x must increase, with one pdf ≥ 0 per x and a positive maximum")
    peak = int(np.argmax(pdf))
    if peak in (0, len(x) - 1):
        _fail(f"{where}, field 'pdf'", "its maximum must lie inside the table")
    delta = -2 * np.log(np.maximum(pdf, pdf.max() * 1e-300) / pdf.max())
    inside = x[delta <= 1.0]
    width = max((inside.max() - inside.min()) / 2, np.diff(x).min())
    slopes = (max(0.0, (delta[0] - delta[1]) / (x[1] - x[0])), max(0.0, (delta[-1] - delta[-2]) / (x[-1] - x[-2])))
    return Tabulated(raw["name"], (observable,), x, delta, slopes, float(width), _pchip_tangents(x, delta))


def _pchip_tangents(x, y):
    """Tangents of the monotone piecewise-cubic Hermite interpolant through (x, y) (Fritsch and
    Carlson, SIAM J. Numer. Anal. 17 (1980) 238, with Fritsch–Butland's weighted harmonic mean;
    one-sided secants at the ends): C¹, no overshoot between the points."""
    h, d = np.diff(x), np.diff(y) / np.diff(x)
    m = np.empty_like(y)
    m[0], m[-1] = d[0], d[-1]
    w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
    same = d[:-1] * d[1:] > 0
    m[1:-1] = np.where(same, (w1 + w2) / np.where(same, w1 / np.where(same, d[:-1], 1) + w2 / np.where(same, d[1:], 1), 1), 0.0)
    return m


def _pchip(p, x, y, m):
    """The interpolant of `_pchip_tangents` at p (inside [x₀, x_n])."""
    x, y, m = jnp.asarray(x), jnp.asarray(y), jnp.asarray(m)
    k = jnp.clip(jnp.searchsorted(x, p) - 1, 0, len(x) - 2)
    h = x[k + 1] - x[k]
    t = (p - x[k]) / h
    return (2 * t**3 - 3 * t**2 + 1) * y[k] + (t**3 - 2 * t**2 + t) * h * m[k] + (3 * t**2 - 2 * t**3) * y[k + 1] + (t**3 - t**2) * h * m[k + 1]


def load(name_or_path, *, known=None) -> DataSet:
    """Load and check a data set (a packaged name such as "bsmumu-2019", or a path). `known`: the
    observable names accepted (default: those jaxflav.predictions evaluates)."""
    if known is None:
        from jaxflav.predictions import KNOWN as known
    path = sources.path(name_or_path)
    where = str(name_or_path)
    if not path.is_file():
        _fail(where, f"data set not found; packaged: {', '.join(available())}")
    doc = files.read_toml(path, "data set")
    source, raw = doc.get("source", {}), doc.get("measurement")
    if not isinstance(source, dict) or not isinstance(source.get("name"), str):
        _fail(where, "[source] with a `name` is required")
    if not isinstance(raw, list) or not raw or not all(isinstance(m, dict) for m in raw):
        _fail(where, "needs at least one [[measurement]]")
    terms = []
    for k, m in enumerate(raw):
        w = f"{where}, measurement {k + 1}" + (f" ({m['name']})" if isinstance(m.get("name"), str) else "")
        unknown = sorted(set(m) - _MEASUREMENT_KEYS)
        if unknown:
            _fail(w, f"unknown field(s) {', '.join(unknown)}")
        for field in ("name", "experiment", "citation", "kind"):
            if not isinstance(m.get(field), str):
                _fail(w, f"field '{field}' (a string) is required")
        if m["kind"] not in KINDS:
            _fail(f"{w}, field 'kind'", f"must be one of {', '.join(KINDS)}, got {m['kind']!r}")
        terms.append(_gaussian(m, w, known) if m["kind"] == "gaussian" else _tabulated(m, w, known))
    names = [t.name for t in terms]
    if len(set(names)) != len(names):
        _fail(where, "measurement names must be unique")
    observables = list(dict.fromkeys(o for t in terms for o in t.observables))
    index = tuple(np.array([observables.index(o) for o in t.observables]) for t in terms)
    return DataSet(source["name"], source.get("description", ""), tuple(terms), tuple(observables), index)


def term_chi2(term, predictions, theory_variance=0.0):
    """χ² of one measurement for its predictions (last axis: the term's observables).

    `theory_variance` (tabulated terms): σ_th² of the prediction, folded in by shrinking the
    distance from the likelihood's minimum by w/√(w² + σ_th²), w its Δχ² = 1 half-width (exact
    for a Gaussian likelihood)."""
    if isinstance(term, Tabulated):
        p = predictions[..., 0]
        if theory_variance:
            best = term.x[np.argmin(term.delta_chi2)]
            p = best + (p - best) * term.width / np.sqrt(term.width**2 + theory_variance)
        x, d = term.x, term.delta_chi2
        below, above = x[0] - p, p - x[-1]
        outside = lambda dist, edge, slope: edge + slope * dist + (dist / term.width) ** 2  # noqa: E731
        inner = _pchip(jnp.clip(p, x[0], x[-1]), x, d, term.tangents)
        return jnp.where(below > 0, outside(jnp.maximum(below, 0), d[0], term.slopes[0]),
                         jnp.where(above > 0, outside(jnp.maximum(above, 0), d[-1], term.slopes[1]), inner))  # fmt: skip
    r = predictions - term.central
    if len(term.central) == 1:
        sigma = jnp.where(r > 0, term.up, term.down)
        return jnp.sum((r / sigma) ** 2, axis=-1)
    return jnp.einsum("...i,ij,...j->...", r, term.precision, r)


def chi2_terms(dataset: DataSet, predictions) -> dict:
    """{measurement name: χ²} for predictions of `dataset.observables` (last axis)."""
    return {t.name: term_chi2(t, predictions[..., i]) for t, i in zip(dataset.terms, dataset.index)}


def chi2(dataset: DataSet, predictions):
    """The data set's total χ² (experimental errors only) for predictions of its observables."""
    return sum(chi2_terms(dataset, predictions).values())


class Joint(NamedTuple):
    """The Gaussian measurements of data sets as one multivariate normal, with a theory covariance
    over their observables added (the experimental covariances are blocks, flavio's symmetrised
    errors; theory correlates values across measurements)."""

    names: tuple  # measurement names
    rows: np.ndarray  # per value: its observable's index in the predictions
    central: np.ndarray
    precision: np.ndarray  # (C_exp + C_th)⁻¹
    term: np.ndarray  # per value: index of its measurement in `names`


def joint(terms, rows, theory_covariance) -> Joint:
    """`Joint` of the Gaussian `terms` whose values are predictions[rows[k]] (one index array per
    term), with `theory_covariance` over the predictions' observables."""
    exp = np.asarray(jax.scipy.linalg.block_diag(*(np.linalg.inv(t.precision) for t in terms)))
    index = np.concatenate(rows)
    cov = exp + np.asarray(theory_covariance)[np.ix_(index, index)]
    owner = np.concatenate([np.full(len(r), j) for j, r in enumerate(rows)])
    return Joint(tuple(t.name for t in terms), index, np.concatenate([t.central for t in terms]), np.linalg.inv(cov), owner)


def joint_chi2_terms(j: Joint, predictions) -> dict:
    """{measurement: χ² share} with Σ shares = rᵀ (C_exp + C_th)⁻¹ r: each measurement gets the
    rows of r it owns, r_aᵀ (P r)_a."""
    r = predictions[..., j.rows] - j.central
    share = r * (r @ j.precision)
    return {name: jnp.sum(share[..., j.term == k], axis=-1) for k, name in enumerate(j.names)}
