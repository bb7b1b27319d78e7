"""Single-observable constraints (measurements with asymmetric errors, upper limits in boson-mass
windows) read from TOML files under `jaxflav/data/`, and their χ² terms.

A file holds a `[source]` header (`citation`, optional `seed`, `doi`) and one `[[term]]` per
constraint:

    [[term]]
    name = "KOTO"                          # unique; per-term χ² are reported under it
    observable = "BR(KL->pi0Zp)"           # a key of the model's prediction dict
    kind = "measurement"                   # or "upper_limit"
    experiment = "KOTO"
    citation = "…"
    central = 2.1e-9                       # measurement: central value, 1σ errors, optional 2σ errors
    sigma = { up = 2.0e-9, down = 1.1e-9 } # a number is symmetric
    sigma2 = { up = 4.1e-9, down = 1.7e-9 }
    background = 3.4e-11                   # optional, added to the prediction (e.g. the SM rate)
    limit = 0.9e-9                         # upper_limit: the limit at confidence level `cl`
    cl = 0.9
    mass_windows = [[0.1312, 0.1388]]      # optional: the boson masses (GeV) the term applies to
    curve = "lhcb2020_dark_photon_mumu"    # limit_curve: a file of jaxflav/data/limits/ (its [curve]:
    power = 2                              #   mass, limit, cl, vetoed); the observable is ≤ limit(M)^power
    width = "Gamma_V"                      # limit_curve, optional: the observable that is the boson's
                                           #   total width (GeV), for its line shape (below)

χ² terms (one per term, `chi2_terms`), with d = prediction + background − central:
- measurement: χ² = z², z = |d|/σ₁ within 1σ on the side of d; with `sigma2`, z runs linearly
  from 1 to 2 between the 1σ and 2σ points and beyond, so that χ² = 1 and 4 fall exactly on the
  printed 68 % and 95 % intervals of a non-Gaussian result;
- upper_limit: a half-normal in the prediction p ≥ 0 whose `cl` quantile is the limit,
  χ² = (p/σ)² with σ = limit/(√2 erf⁻¹(cl)), so χ² = 2.71 at a 90 % CL limit; outside
  `mass_windows` the boson adds nothing, p = background alone (χ² continuous where it vanishes);
- limit_curve: the same half-normal with a mass-dependent limit, limit(M)^power, interpolated
  linearly in log–log between the curve's points and flat from its first and last points to the
  ends of its `source_mass_range` (the search's reach, when the points are bin averages); 0
  outside that range and inside its vetoed windows (where the experiment sets no limit). With a
  `width` Γ, the prediction is weighed by the share of the boson's Breit–Wigner line shape in q²
  (mass M) outside the vetoes, with ∫_a^b dq² MΓ/π / ((q² − M²)² + M²Γ²) =
  [atan((b² − M²)/MΓ) − atan((a² − M²)/MΓ)]/π per window [a, b]: a wide boson under a veto still
  shows its tails, and the χ² is continuous in M at the vetoes' edges (the step of a narrow boson
  is the limit Γ → 0). The span's ends stay sharp: they are the search's kinematic reach.
Every file is validated on load: a bad file raises ValueError naming file, term and field.
"""

import importlib.resources
import math
from pathlib import Path
from statistics import NormalDist
from typing import NamedTuple

import jax.numpy as jnp

from fits import files
from jaxflav import sources
from kernels import breit_wigner

KINDS = ("measurement", "upper_limit", "limit_curve")
_REQUIRED = {"name": str, "observable": str, "kind": str, "experiment": str, "citation": str}
_BY_KIND = {
    "measurement": ({"central", "sigma"}, {"sigma2", "background"}),
    "upper_limit": ({"limit", "cl"}, {"mass_windows", "background"}),
    "limit_curve": ({"curve"}, {"power", "width"}),
}


class Term(NamedTuple):
    name: str
    observable: str
    kind: str
    experiment: str
    citation: str
    central: float = 0.0
    sigma: tuple = (1.0, 1.0)  # (up, down)
    sigma2: tuple | None = None  # (up, down) at 2σ
    background: float = 0.0
    limit: float = 0.0
    cl: float = 0.9
    mass_windows: tuple | None = None  # ((lo, hi), …) GeV
    curve: "Curve | None" = None
    power: float = 1.0
    width: str | None = None  # limit_curve: the observable giving the boson's total width (GeV)


class Curve(NamedTuple):
    """A published limit against the boson mass (GeV), from `jaxflav/data/limits/<name>.toml`."""

    name: str
    mass: tuple
    limit: tuple
    cl: float
    vetoed: tuple = ()
    span: tuple = ()  # (low, high) GeV where the experiment sets a limit; default the points' extent


def load_curve(name) -> Curve:
    """The `[curve]` of a packaged limit file (masses ascending, limits > 0)."""
    where = f"limit curve {name!r}"
    path = importlib.resources.files("jaxflav") / "data" / "limits" / f"{name}.toml"
    if Path(str(name)).name != str(name) or not path.is_file():
        _fail(where, "not found in jaxflav/data/limits/")
    curve = files.read_toml(path, "limit curve").get("curve")
    if not isinstance(curve, dict):
        _fail(where, "needs a [curve] table")
    mass = [_number(m, f"{where}, mass", True) for m in curve.get("mass", [])]
    limit = [_number(v, f"{where}, limit", True) for v in curve.get("limit", [])]
    if len(mass) < 2 or len(mass) != len(limit) or any(b <= a for a, b in zip(mass, mass[1:])):
        _fail(where, "needs ascending `mass` and a `limit` of the same length (≥ 2 points)")
    cl = _number(curve.get("cl"), f"{where}, cl")
    vetoed = _windows(curve["vetoed"], f"{where}, vetoed") if "vetoed" in curve else ()
    span = _windows([curve["source_mass_range"]], f"{where}, source_mass_range")[0] if "source_mass_range" in curve else (mass[0], mass[-1])
    if span[0] > mass[0] or span[1] < mass[-1]:
        _fail(f"{where}, source_mass_range", f"must contain the curve's masses [{mass[0]}, {mass[-1]}]")
    return Curve(str(name), tuple(mass), tuple(limit), cl, vetoed, span)


def _fail(where, message):
    raise ValueError(f"{where}: {message}")


def _number(value, where, positive=False):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        _fail(where, f"expected a finite number, got {value!r}")
    if positive and value <= 0:
        _fail(where, f"must be > 0, got {value!r}")
    return float(value)


def _pair(value, where):
    if isinstance(value, dict):
        if set(value) != {"up", "down"}:
            _fail(where, f"expected {{ up, down }}, got keys {sorted(value)}")
        return _number(value["up"], f"{where}.up", True), _number(value["down"], f"{where}.down", True)
    v = _number(value, where, True)
    return v, v


def _windows(value, where):
    if not isinstance(value, list) or not value:
        _fail(where, f"expected a list of [low, high] mass windows in GeV, got {value!r}")
    out = []
    for k, w in enumerate(value):
        if not (isinstance(w, list) and len(w) == 2):
            _fail(f"{where}[{k}]", f"expected [low, high], got {w!r}")
        lo, hi = (_number(x, f"{where}[{k}]") for x in w)
        if not 0 <= lo < hi:
            _fail(f"{where}[{k}]", f"need 0 ≤ low < high, got [{lo}, {hi}]")
        out.append((lo, hi))
    return tuple(out)


def _term(raw, where, known):
    if not isinstance(raw, dict):
        _fail(where, f"expected a table, got {raw!r}")
    for key, kind in _REQUIRED.items():
        if not isinstance(raw.get(key), kind):
            _fail(f"{where}, field '{key}'", "missing" if key not in raw else f"expected a string, got {raw[key]!r}")
    where = f"{where} ({raw['name']})"
    if raw["kind"] not in KINDS:
        _fail(f"{where}, field 'kind'", f"must be one of {', '.join(KINDS)}, got {raw['kind']!r}")
    for key in ("observable", "width"):
        if key in raw and not isinstance(raw[key], str):
            _fail(f"{where}, field '{key}'", f"expected an observable name, got {raw[key]!r}")
        if known is not None and key in raw and raw[key] not in known:
            _fail(f"{where}, field '{key}'", f"unknown observable {raw[key]!r}; known: {', '.join(sorted(known))}")
    required, optional = _BY_KIND[raw["kind"]]
    missing = sorted(required - set(raw))
    unknown = sorted(set(raw) - set(_REQUIRED) - required - optional)
    if missing:
        _fail(where, f"missing field(s) {', '.join(missing)} for kind {raw['kind']!r}")
    if unknown:
        _fail(where, f"unknown field(s) {', '.join(unknown)} for kind {raw['kind']!r}")
    fields = {k: raw[k] for k in _REQUIRED}
    if "central" in raw:
        fields["central"] = _number(raw["central"], f"{where}, field 'central'")
    if "sigma" in raw:
        fields["sigma"] = _pair(raw["sigma"], f"{where}, field 'sigma'")
    if "sigma2" in raw:
        fields["sigma2"] = _pair(raw["sigma2"], f"{where}, field 'sigma2'")
        if any(s2 <= s1 for s1, s2 in zip(fields["sigma"], fields["sigma2"])):
            _fail(f"{where}, field 'sigma2'", "2σ errors must exceed the 1σ ones on both sides")
    if "background" in raw:
        fields["background"] = _number(raw["background"], f"{where}, field 'background'")
    if "limit" in raw:
        fields["limit"] = _number(raw["limit"], f"{where}, field 'limit'", True)
    if "cl" in raw:
        fields["cl"] = _number(raw["cl"], f"{where}, field 'cl'")
        if not 0 < fields["cl"] < 1:
            _fail(f"{where}, field 'cl'", f"must lie in (0, 1), got {fields['cl']}")
    if "mass_windows" in raw:
        fields["mass_windows"] = _windows(raw["mass_windows"], f"{where}, field 'mass_windows'")
    if "curve" in raw:
        if not isinstance(raw["curve"], str):
            _fail(f"{where}, field 'curve'", f"expected a file name, got {raw['curve']!r}")
        fields["curve"] = load_curve(raw["curve"])
    if "power" in raw:
        fields["power"] = _number(raw["power"], f"{where}, field 'power'", True)
    if "width" in raw:
        fields["width"] = raw["width"]
    return Term(**fields)


def load(path_or_name, *, known=None) -> tuple:
    """The terms of a constraint file (a path, or a packaged name such as "kang2021_kaon").

    `known`: the observables the caller can predict; a term on any other raises ValueError.
    """
    path = sources.path(path_or_name)
    if not path.is_file():
        raise ValueError(f"constraint file {path_or_name!r} not found")
    where = str(path_or_name)
    doc = files.read_toml(path, "constraint file")
    unknown = sorted(set(doc) - {"source", "term"})
    if unknown:
        _fail(where, f"unknown top-level key(s) {', '.join(unknown)}; known: source, term")
    source = doc.get("source")
    if not isinstance(source, dict) or not isinstance(source.get("citation"), str):
        _fail(where, "[source] with a `citation` string is required")
    raw = doc.get("term")
    if not isinstance(raw, list) or not raw:
        _fail(where, "needs at least one [[term]]")
    terms = tuple(_term(t, f"{where}, term {k + 1}", known) for k, t in enumerate(raw))
    names = [t.name for t in terms]
    if len(set(names)) != len(names):
        _fail(where, f"term names must be unique, got {names}")
    return terms


def _measurement(term, prediction):
    d = prediction + term.background - term.central
    above = d > 0
    s1 = jnp.where(above, term.sigma[0], term.sigma[1])
    z = jnp.abs(d) / s1
    if term.sigma2 is not None:
        s2 = jnp.where(above, term.sigma2[0], term.sigma2[1])
        z = jnp.where(z > 1, 1 + (jnp.abs(d) - s1) / (s2 - s1), z)
    return z * z


def _upper_limit(term, prediction, mass):
    sigma = term.limit / (math.sqrt(2) * _erfinv(term.cl))
    chi2 = ((prediction + term.background) / sigma) ** 2
    if term.mass_windows is None:
        return chi2
    if mass is None:
        raise ValueError(f"constraint {term.name!r} applies in mass windows: give the boson mass")
    inside = sum((mass >= lo) & (mass <= hi) for lo, hi in term.mass_windows) > 0
    return jnp.where(inside, chi2, (term.background / sigma) ** 2)  # outside: the boson adds nothing to the background


def _limit_curve(term, prediction, mass, width=None):
    if mass is None:
        raise ValueError(f"constraint {term.name!r} follows a limit curve in the boson mass: give the mass")
    c = term.curve
    log_m = jnp.log(jnp.clip(mass, c.mass[0], c.mass[-1]))  # flat beyond the first and last points, within the span
    limit = jnp.exp(term.power * jnp.interp(log_m, jnp.log(jnp.array(c.mass)), jnp.log(jnp.array(c.limit))))
    chi2 = (prediction * math.sqrt(2) * _erfinv(c.cl) / limit) ** 2
    applies = (mass >= c.span[0]) & (mass <= c.span[1])
    if term.width is not None:
        seen = 1 - sum(line_share(mass, width, lo, hi) for lo, hi in c.vetoed)
        return jnp.where(applies, chi2 * seen**2, 0.0)
    for lo, hi in c.vetoed:
        applies = applies & ((mass < lo) | (mass > hi))
    return jnp.where(applies, chi2, 0.0)


def line_share(mass, width, low, high):
    """The share of a Breit–Wigner line of `mass` and `width` (GeV) with invariant mass in [low, high]
    (GeV): ∫ dq² MΓ/π / ((q² − M²)² + M²Γ²) over [low², high²] = −∫ Im BW dq²/π
    (`kernels.breit_wigner.moments`, exact); Γ = 0 gives the step."""
    return -breit_wigner.moments(low**2, high**2, mass, width).im / math.pi


def _erfinv(p):
    return NormalDist().inv_cdf((1 + p) / 2) / math.sqrt(2)


def exclusion_chi2(term):
    """The χ² of a limit term (`upper_limit`, `limit_curve`) at its limit: above it a point is
    excluded at the term's confidence level (the prediction, background added, exceeds the limit)."""
    if term.kind == "measurement":
        raise ValueError(f"constraint {term.name!r} is a measurement, not a limit")
    cl = term.cl if term.kind == "upper_limit" else term.curve.cl
    return 2 * _erfinv(cl) ** 2


def chi2_terms(terms, predictions: dict, mass=None) -> dict:
    """{term name: χ²} for `predictions` (observable → value) and the boson mass (GeV)."""
    out = {}
    for term in terms:
        p = predictions[term.observable]
        if term.kind == "measurement":
            out[term.name] = _measurement(term, p)
        else:
            out[term.name] = _upper_limit(term, p, mass) if term.kind == "upper_limit" else _limit_curve(term, p, mass, predictions.get(term.width))
    return out


def chi2(terms, predictions: dict, mass=None):
    """Σ of `chi2_terms`."""
    return sum(chi2_terms(terms, predictions, mass).values())
