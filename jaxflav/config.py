"""Fit, scan and sampling configs (TOML), presets, and the χ² they define.

A config names a model (`jaxflav.models`), its parameters with ranges and scales, a measurement
table (`jaxflav.measurements`; for models with `observables`, a constraint file of
`jaxflav.constraints`) and the settings of each job:

    model = "wilson"
    measurements = "rashed2026_table1"       # packaged name, or a path relative to this file
    [parameters.C9_bsmumu]
    range = [-3.0, 2.0]                      # scale = "log" needs 0 < low; prior = "uniform" | "normal"
    [fixed]    eps_Z = 0.002                 # model parameters held at a value (not fitted)
    [fit]      starts = 64, method = "lbfgs" (the only one), seed = 0
    [sample]   chains = 4, warmup = 500, samples = 1000, seed = 0
    [scan]     design = "grid" | "sobol" | "random", points = [201, 201] (grid) or N, chunk = 4096, seed = 0

Presets are configs shipped in `jaxflav/presets/` (`jaxflav fit c9-c10`). Every mistake — unknown
keys or parameters, inverted ranges, non-positive log bounds, unknown observables, missing files —
raises one ValueError that names it, before anything compiles.
"""

import importlib.resources
import pathlib
import tomllib
from typing import NamedTuple

from fits.space import Parameter, Space
from jaxflav import constraints, measurements, models

SECTIONS = {
    "fit": {"starts": int, "method": str, "seed": int},
    "sample": {"chains": int, "warmup": int, "samples": int, "seed": int},
    "scan": {"design": str, "points": (int, list), "chunk": int, "seed": int},
}
DEFAULTS = {
    "fit": {"starts": 64, "method": "lbfgs", "seed": 0},
    "sample": {"chains": 4, "warmup": 500, "samples": 1000, "seed": 0},
    "scan": {"design": "sobol", "points": 100_000, "chunk": 4096, "seed": 0},
}
TOP = {"description", "model", "measurements", "parameters", "fixed", "out", *SECTIONS}
PARAMETER_KEYS = {"range", "scale", "prior", "mean", "sigma"}


class Config(NamedTuple):
    source: str  # preset name or file path
    description: str
    model: str
    measurements: str
    parameters: tuple  # of fits.space.Parameter
    fixed: dict  # model parameters held at a value
    fit: dict
    sample: dict
    scan: dict
    out: str | None
    raw: dict  # the TOML as read, for result files


def presets():
    """Names of the packaged presets."""
    folder = importlib.resources.files("jaxflav") / "presets"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def _read(preset_or_path):
    path = pathlib.Path(preset_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(f"config file {preset_or_path} not found")
        text, base = path.read_text(), path.parent
    elif preset_or_path in presets():
        text, base = (importlib.resources.files("jaxflav") / "presets" / f"{preset_or_path}.toml").read_text(), None
    else:
        raise ValueError(f"{preset_or_path!r} is neither a config file nor a preset; presets: {', '.join(presets())}")
    try:
        return tomllib.loads(text), base
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{preset_or_path}: malformed TOML: {err}") from None


def _parameter(name, spec, where):
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: parameters.{name} must be a table with `range`")
    unknown = sorted(set(spec) - PARAMETER_KEYS)
    if unknown:
        raise ValueError(f"{where}: parameters.{name}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(PARAMETER_KEYS))}")
    rng = spec.get("range")
    if not (isinstance(rng, list) and len(rng) == 2 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)):
        raise ValueError(f"{where}: parameters.{name}.range must be [low, high], got {rng!r}")
    extra = {k: spec[k] for k in ("scale", "prior", "mean", "sigma") if k in spec}
    try:
        return Space([Parameter(name, float(rng[0]), float(rng[1]), **extra)]).parameters[0]
    except (ValueError, TypeError) as err:
        raise ValueError(f"{where}: {err}") from None


def _section(doc, name, where):
    spec = doc.get(name, {})
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: [{name}] must be a table")
    types = SECTIONS[name]
    unknown = sorted(set(spec) - set(types))
    if unknown:
        raise ValueError(f"{where}: [{name}] unknown key(s) {', '.join(unknown)}; known: {', '.join(types)}")
    for key, value in spec.items():
        if not isinstance(value, types[key]) or isinstance(value, bool):
            raise ValueError(f"{where}: {name}.{key} = {value!r} has the wrong type")
        if isinstance(value, int) and value < (0 if key == "seed" else 1):
            raise ValueError(f"{where}: {name}.{key} must be positive, got {value}")
    return {**DEFAULTS[name], **spec}


def load(preset_or_path) -> Config:
    """Read and check a config (a preset name or a TOML path)."""
    doc, base = _read(preset_or_path)
    where = str(preset_or_path)
    unknown = sorted(set(doc) - TOP)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(TOP))}")
    for key in ("model", "measurements"):
        if not isinstance(doc.get(key), str):
            raise ValueError(f"{where}: `{key}` (a string) is required")
    model = models.get(doc["model"])
    params = doc.get("parameters")
    if not isinstance(params, dict) or not params:
        raise ValueError(f"{where}: [parameters] needs at least one parameter")
    parameters = tuple(_parameter(n, s, where) for n, s in params.items())
    fixed = _fixed(doc.get("fixed", {}), [p.name for p in parameters], where)
    try:
        model.check([p.name for p in parameters] + list(fixed))
    except ValueError as err:
        raise ValueError(f"{where}: model {model.name!r}: {err}") from None
    for p in parameters:
        lo, hi = model.bounds.get(p.name, (-float("inf"), float("inf")))
        if p.low < lo or p.high > hi:
            raise ValueError(f"{where}: parameters.{p.name}.range [{p.low}, {p.high}] leaves model {model.name!r}'s domain [{lo:g}, {hi:g}]")
    table = doc["measurements"]
    if base is not None and (base / table).is_file():
        table = str(base / table)
    if model.observables is not None:
        constraints.load(table)  # fails early, naming the file, term and field
    else:
        measurements.load(table)  # fails early, naming the file, row and field
    scan = _section(doc, "scan", where)
    if scan["design"] not in ("grid", "sobol", "random"):
        raise ValueError(f"{where}: scan.design must be grid, sobol or random, got {scan['design']!r}")
    if isinstance(scan["points"], list) and (len(scan["points"]) != len(parameters) or not all(isinstance(n, int) and n >= 2 for n in scan["points"])):
        raise ValueError(f"{where}: scan.points as a list needs one count ≥ 2 per parameter ({len(parameters)})")
    fit = _section(doc, "fit", where)
    if fit["method"] != "lbfgs":  # fits.minimize's projected L-BFGS is the one minimiser
        raise ValueError(f"{where}: fit.method must be lbfgs, got {fit['method']!r}")
    return Config(where, doc.get("description", ""), model.name, table, parameters, fixed, fit, _section(doc, "sample", where), scan, doc.get("out"), doc)


def _fixed(spec, fitted, where):
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: [fixed] must be a table of parameter = value")
    for name, value in spec.items():
        if name in fitted:
            raise ValueError(f"{where}: {name} is both fitted ([parameters]) and fixed ([fixed])")
        if not isinstance(value, int | float) or isinstance(value, bool) or value != value or abs(value) == float("inf"):
            raise ValueError(f"{where}: fixed.{name} must be a finite number, got {value!r}")
    return {k: float(v) for k, v in spec.items()}


class Problem(NamedTuple):
    space: Space
    chi2: object  # physical point (dim,) → χ²
    table: object  # jaxflav.measurements.Table, or the tuple of jaxflav.constraints.Term
    predict: object  # the Predictions of the table's rows, or physical point → {observable: value}
    wilson: object  # physical point → wc (None for constraint models)
    chi2_sm: float | None
    terms: object = None  # physical point → {term name: χ²} (constraint models)


def problem(config: Config) -> Problem:
    """The χ² of a config: model → Wilson coefficients → Table predictions → χ² (jaxflav.likelihood),
    or, for models with `observables`, model → observables → constraint terms (jaxflav.constraints)."""
    space = Space(config.parameters)
    model = models.get(config.model)
    if model.observables is not None:
        return _constraint_problem(config, space, model)
    from jaxflav import likelihood
    from jaxflav.predictions import Predictions

    table = measurements.load(config.measurements)
    predict = Predictions(measurements.observables(table))

    def wilson(x):
        return model.wilson({**config.fixed, **space.as_dict(x)})

    def chi2(x):
        return likelihood.chi2(predict(wilson(x)), table)

    chi2_sm = float(likelihood.chi2(predict(None), table))  # every model here contains the SM (couplings → 0)
    return Problem(space, chi2, table, predict, wilson, chi2_sm)


def _constraint_problem(config, space, model):
    import jax

    observables = model.observables()
    point = lambda x: {**config.fixed, **space.as_dict(x)}  # noqa: E731
    dummy = {p.name: 0.1 for p in config.parameters} | dict(config.fixed)
    probe = jax.eval_shape(observables, dummy)  # the observable names, without evaluating anything
    terms = constraints.load(config.measurements, known=set(probe))

    def predict(x):
        return observables(point(x))

    def per_term(x):
        p = point(x)
        return constraints.chi2_terms(terms, observables(p), p[model.mass] if model.mass else None)

    def chi2(x):
        return sum(per_term(x).values())

    zero = {name: 0.0 for name in probe}  # couplings → 0: the SM (backgrounds only)
    chi2_sm = float(constraints.chi2(terms, zero, 0.0))
    return Problem(space, chi2, terms, predict, None, chi2_sm, per_term)


def as_json(config: Config) -> dict:
    """The config as JSON-ready data (for result files)."""
    return {"source": config.source, **config.raw, "parameters": {p.name: p._asdict() for p in config.parameters}}

