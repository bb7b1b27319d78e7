"""Fit, scan and sampling configs (TOML), presets, and the χ² they define.

A config names a model (`jaxflav.models`), its parameters with ranges and scales, the measurement
files it is fitted to (`jaxflav.sources`: tables, data sets and constraint files, any mix the model
can predict) and the settings of each job:

    model = "wilson"
    measurements = "rashed2026_table1"       # packaged name or a path relative to this file,
                                             # or a list: ["bsmumu-2019", "kang2021_kaon", …]
    theory = "none" | "covariance" | "nuisances"
                                             # data sets: experimental errors only; with the SM
                                             # theory covariance (jaxflav.theory); or with the
                                             # theory nuisances as parameters "z:<flavio name>"
                                             # (standard coordinates, their prior a χ² term),
                                             # profiled by fit, sampled by sample
    treatment = "full" | "paper"             # a model option (dark-z-case-*: the Z_D propagator)
    [parameters.C9_bsmumu]
    range = [-3.0, 2.0]                      # scale = "log" needs 0 < low; prior = "uniform" | "normal"
    [fixed]    eps_Z = 0.002                 # model parameters held at a value (not fitted)
    [fit]      starts = 64, method = "lbfgs" (the only one), seed = 0
    [sample]   chains = 4, warmup = 500, samples = 1000, seed = 0, compare = "none" | "metropolis"
                                             # (a random-walk Metropolis run at NUTS's evaluation
                                             # budget beside it, for ESS per second)
               target_accept = 0.8            # NUTS's step-size target: raise it where divergent
                                             # transitions remain
               soften = 50.0                  # Δχ² above the start beyond which the sampled χ² grows
                                             # as its log (fits.hmc.sample; inf: never), so that
                                             # far-exceeded limits' walls do not set the step size
               procedure = "one-step" | "two-step", likelihood_limits = ["(g-2)_mu"]
                                             # two-step: sample with the data and the limits named
                                             # in likelihood_limits only, then drop the draws the
                                             # other limits exclude (a fit-then-filter analysis)
               coordinates = "model" | "plain"  # model: the model's sampling coordinates where it has
                                             # them (`Model.warps`, e.g. the split dark sector's
                                             # (g − 2) coordinate for r_AV); plain: each parameter's scale
               chain_method = "vectorized" | "sequential" | "parallel"
                                             # numpyro's: vectorized chains step in lockstep (best on a
                                             # GPU); sequential ones each pay only their own trees
    [scan]     design = "grid" | "sobol" | "random", points = [201, 201] (grid) or N, chunk = 4096, seed = 0

Presets are configs shipped in `jaxflav/presets/` (`jaxflav fit c9-c10`). Every mistake — unknown
keys or parameters, inverted ranges, non-positive log bounds, unknown observables, missing files —
raises one ValueError that names it, before anything compiles.
"""

import importlib.resources
import itertools
import math
import pathlib
from typing import NamedTuple

from fits import files
from fits.scan import make_design
from fits.space import Parameter, Space
from jaxflav import constraints, likelihood, models, sources

SECTIONS = {
    "fit": {"starts": int, "method": str, "seed": int},
    "sample": {"chains": int, "warmup": int, "samples": int, "seed": int, "compare": str, "procedure": str, "likelihood_limits": list, "target_accept": float, "soften": (int, float), "coordinates": str, "chain_method": str},
    "scan": {"design": str, "points": (int, list), "chunk": int, "seed": int},
}
DEFAULTS = {
    "fit": {"starts": 64, "method": "lbfgs", "seed": 0},
    "sample": {"chains": 4, "warmup": 500, "samples": 1000, "seed": 0, "compare": "none", "procedure": "one-step", "likelihood_limits": [], "target_accept": 0.8, "soften": 50.0, "coordinates": "model", "chain_method": "vectorized"},
    "scan": {"design": "sobol", "points": 100_000, "chunk": 4096, "seed": 0},
}
LIMITS = {  # (low, high) of integer settings: beyond them a job would exhaust memory or overflow a seed
    "seed": (0, 2**32 - 1),
    "starts": (1, 2**20),
    "chains": (1, 4096),
    "warmup": (0, 10**7),
    "samples": (4, 10**7),
    "chunk": (1, 2**24),
}
PROCEDURES = ("one-step", "two-step")  # [sample] procedure: every term in the likelihood, or fit then filter
COORDINATES = ("model", "plain")  # [sample] coordinates: the model's warps of its parameters, or none
CHAIN_METHODS = ("vectorized", "sequential", "parallel")  # fits.hmc.CHAIN_METHODS, without importing numpyro here
TOP = {"description", "model", "measurements", "theory", "treatment", "parameters", "fixed", "out", *SECTIONS}
MODEL_OPTIONS = ("treatment",)  # top-level keys that are options of the model (`jaxflav.models.Model.options`)
THEORY = {"none": None, "covariance": "covariance", "nuisances": "nuisances"}  # `theory` in a config → jaxflav.likelihood.THEORY
PARAMETER_KEYS = {"range", "scale", "prior", "mean", "sigma"}


class Config(NamedTuple):
    source: str  # preset name or file path
    description: str
    model: str
    measurements: str | tuple  # a measurement file, or a tuple of them
    parameters: tuple  # of fits.space.Parameter
    fixed: dict  # model parameters held at a value
    fit: dict
    sample: dict
    scan: dict
    out: str | None
    raw: dict  # the TOML as read, for result files
    theory: str | None = None  # how data sets carry theory uncertainties (jaxflav.likelihood.THEORY)
    options: dict = {}  # the model's options (`jaxflav.models.get`)


def model_options(doc: dict) -> dict:
    """The model options a config (or a result file's copy of it) sets at its top level."""
    return {k: doc[k] for k in MODEL_OPTIONS if k in doc}


def presets():
    """Names of the packaged presets."""
    folder = importlib.resources.files("jaxflav") / "presets"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def _read(preset_or_path):
    if not isinstance(preset_or_path, (str, pathlib.PurePath)) or not str(preset_or_path):
        raise ValueError(f"a config is a preset name or a TOML path, got {preset_or_path!r}")
    path = pathlib.Path(preset_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ValueError(f"config file {preset_or_path} not found" if not path.exists() else f"config {preset_or_path} is not a file")
        return files.read_toml(path, "config file"), path.parent
    if preset_or_path in presets():
        return files.read_toml(importlib.resources.files("jaxflav") / "presets" / f"{preset_or_path}.toml", "preset"), None
    raise ValueError(f"{preset_or_path!r} is neither a config file nor a preset; presets: {', '.join(presets())}")


def _number(value, where):
    """A TOML number as a float; ValueError for booleans, strings and integers beyond float range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where} must be a number, got {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{where} = {value} is out of floating-point range") from None


def _parameter(name, spec, where):
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: parameters.{name} must be a table with `range`")
    unknown = sorted(set(spec) - PARAMETER_KEYS)
    if unknown:
        raise ValueError(f"{where}: parameters.{name}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(PARAMETER_KEYS))}")
    rng = spec.get("range")
    if not (isinstance(rng, list) and len(rng) == 2):
        raise ValueError(f"{where}: parameters.{name}.range must be [low, high], got {rng!r}")
    low, high = (_number(v, f"{where}: parameters.{name}.range") for v in rng)
    extra = {k: spec[k] for k in ("scale", "prior") if k in spec}
    extra |= {k: _number(spec[k], f"{where}: parameters.{name}.{k}") for k in ("mean", "sigma") if k in spec}
    for k in ("scale", "prior"):
        if k in extra and not isinstance(extra[k], str):
            raise ValueError(f"{where}: parameters.{name}.{k} must be a string, got {extra[k]!r}")
    try:
        return Space([Parameter(name, low, high, **extra)]).parameters[0]
    except ValueError as err:
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
        low, high = LIMITS.get(key, (1, None))
        if isinstance(value, int) and not (low <= value and (high is None or value <= high)):
            raise ValueError(f"{where}: {name}.{key} must be in [{low}, {high or '∞'}], got {value}")
    return {**DEFAULTS[name], **spec}


def load(preset_or_path) -> Config:
    """Read and check a config (a preset name or a TOML path)."""
    doc, base = _read(preset_or_path)
    where = str(preset_or_path)
    unknown = sorted(set(doc) - TOP)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(TOP))}")
    if not isinstance(doc.get("model"), str):
        raise ValueError(f"{where}: `model` (a string) is required")
    named = doc.get("measurements")
    if not (isinstance(named, str) or (isinstance(named, list) and named and all(isinstance(n, str) for n in named))):
        raise ValueError(f"{where}: `measurements` (a measurement file, or a list of them) is required, got {named!r}")
    for key in ("description", "out"):
        if key in doc and not (isinstance(doc[key], str) and (key == "description" or doc[key].strip())):
            raise ValueError(f"{where}: `{key}` must be a{' non-empty' if key == 'out' else ''} string, got {doc[key]!r}")
    options = model_options(doc)
    try:
        model = models.get(doc["model"], options)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None
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
            raise ValueError(f"{where}: parameters.{p.name}.range [{p.low:g}, {p.high:g}] leaves [{lo:g}, {hi:g}], the domain of model {model.name!r}")
    for name, value in fixed.items():
        lo, hi = model.bounds.get(name, (-float("inf"), float("inf")))
        allowed = model.values.get(name)
        if allowed is not None and value not in allowed:
            raise ValueError(f"{where}: fixed.{name} = {value:g} must be one of {', '.join(f'{v:g}' for v in allowed)} (model {model.name!r})")
        if not lo <= value <= hi:
            raise ValueError(f"{where}: fixed.{name} = {value:g} is outside [{lo:g}, {hi:g}], the domain of model {model.name!r}")
    resolve = lambda t: str(base / t) if base is not None and (base / t).is_file() else t  # noqa: E731
    table = tuple(map(resolve, named)) if isinstance(named, list) else resolve(named)
    try:  # every file read and checked (names, correlations, observables) against what the model predicts
        likelihood.check(model, table if isinstance(table, tuple) else (table,))
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from None
    scan = _section(doc, "scan", where)
    if scan["design"] not in ("grid", "sobol", "random"):
        raise ValueError(f"{where}: scan.design must be grid, sobol or random, got {scan['design']!r}")
    points = scan["points"]
    if isinstance(points, list) and (len(points) != len(parameters) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 2 for n in points)):
        raise ValueError(f"{where}: scan.points as a list needs one count ≥ 2 per parameter ({len(parameters)})")

    sample = _section(doc, "sample", where)
    if sample["compare"] not in ("none", "metropolis"):
        raise ValueError(f"{where}: sample.compare must be none or metropolis, got {sample['compare']!r}")
    if not 0 < sample["target_accept"] < 1:
        raise ValueError(f"{where}: sample.target_accept must be in (0, 1), got {sample['target_accept']!r}")
    if not sample["soften"] > 0:
        raise ValueError(f"{where}: sample.soften must be a Δχ² > 0 (inf: no softening), got {sample['soften']!r}")
    if sample["chain_method"] not in CHAIN_METHODS:
        raise ValueError(f"{where}: sample.chain_method must be one of {', '.join(CHAIN_METHODS)}, got {sample['chain_method']!r}")
    if sample["coordinates"] not in COORDINATES:
        raise ValueError(f"{where}: sample.coordinates must be model or plain, got {sample['coordinates']!r}")
    if sample["procedure"] not in PROCEDURES:
        raise ValueError(f"{where}: sample.procedure must be one-step or two-step, got {sample['procedure']!r}")
    limits = {t.name for t in _limits(table)}
    for name in sample["likelihood_limits"]:
        if not isinstance(name, str) or name not in limits:
            raise ValueError(f"{where}: sample.likelihood_limits names {name!r}, not a limit of its constraint files; limits: {', '.join(sorted(limits)) or 'none'}")
    fit = _section(doc, "fit", where)
    if fit["method"] != "lbfgs":  # fits.minimize's projected L-BFGS is the one minimiser
        raise ValueError(f"{where}: fit.method must be lbfgs, got {fit['method']!r}")
    theory = doc.get("theory", "none")
    if theory not in THEORY:
        raise ValueError(f"{where}: theory must be one of {', '.join(THEORY)}, got {theory!r}")
    if theory != "none" and all(sources.kind(n) == "constraints" for n in (table if isinstance(table, tuple) else (table,))):
        raise ValueError(f"{where}: theory = {theory!r} is for b→sℓℓ measurements (tables, data sets); these files are all constraints")
    return Config(where, doc.get("description", ""), model.name, table, parameters, fixed, fit, sample, scan, doc.get("out"), doc, THEORY[theory], options)


def scan_design(config: Config):
    """The `fits.scan.Design` of the config's [scan] (ValueError naming the config: unbounded
    parameters, a grid too large, …), without compiling anything."""
    c = config.scan
    if config.theory == "nuisances":
        raise ValueError(f"{config.source}: scan: theory = 'nuisances' makes the theory nuisances parameters, too many to grid; "
                         "scan with theory = 'covariance', or profile them with jaxflav fit")  # fmt: skip
    try:
        return make_design(Space(config.parameters), c["design"], c["points"], c["seed"], True)
    except ValueError as err:
        raise ValueError(f"{config.source}: scan: {err}") from None


def _fixed(spec, fitted, where):
    if not isinstance(spec, dict):
        raise ValueError(f"{where}: [fixed] must be a table of parameter = value")
    for name, value in spec.items():
        if name in fitted:
            raise ValueError(f"{where}: {name} is both fitted ([parameters]) and fixed ([fixed])")
        if not math.isfinite(_number(value, f"{where}: fixed.{name}")):
            raise ValueError(f"{where}: fixed.{name} must be a finite number, got {value!r}")
    return {k: float(v) for k, v in spec.items()}


class Problem(NamedTuple):
    space: Space
    likelihood: object  # jaxflav.likelihood.Likelihood
    chi2: object  # physical point (dim,) → χ² (of every term but the filters)
    terms: object  # physical point (dim,) → {term name: χ²} (every term, the filters too)
    filters: tuple = ()  # limit terms (jaxflav.constraints.Term) applied to draws afterwards, not in chi2

    @property
    def chi2_sm(self):
        return self.likelihood.chi2_sm

    @property
    def n_values(self):
        return self.likelihood.n_values

    def observables(self, x):
        """The model's own observables at a physical point (models with constraint files)."""
        return self.likelihood.observables(self.space.as_dict(x))


def branches(config: Config) -> list:
    """The settings of a model's discrete sign parameters (`Model.signs`) that a config leaves
    open, as [fixed values to add], one per combination: a sign is open where the config neither
    fixes it nor leaves its coupling off (fitted, or fixed ≠ 0). [{}] when none is."""
    model = models.get(config.model, config.options)
    fitted = {p.name for p in config.parameters}
    open_signs = [s for s, coupling in model.signs.items() if s not in config.fixed and (coupling in fitted or config.fixed.get(coupling, 0.0) != 0.0)]
    return [dict(zip(open_signs, combo)) for combo in itertools.product(*(model.values[s] for s in open_signs))]


def _limits(measurements):
    """The limit terms (`upper_limit`, `limit_curve`) of the constraint files among `measurements`."""
    names = measurements if isinstance(measurements, tuple) else (measurements,)
    return tuple(t for n in names if sources.kind(n) == "constraints" for t in constraints.load(n) if t.kind != "measurement")


def problem(config: Config, two_step=False) -> Problem:
    """The χ² of a config: its model against its measurement files (`jaxflav.likelihood.Likelihood`),
    on a space with the model's sampling coordinates (`Model.warps`) unless [sample] coordinates
    = "plain" (fits and scans work in each parameter's range; only samplers see the warps).
    `two_step`: the limits not named in [sample] likelihood_limits leave the χ² and become the
    Problem's `filters` (the paper-style procedure: sample the data, then cut)."""
    names = config.measurements if isinstance(config.measurements, tuple) else (config.measurements,)
    model = models.get(config.model, config.options)
    like = likelihood.Likelihood(model, names, config.fixed, [p.name for p in config.parameters], config.theory)
    nuisances = [Parameter(n, prior="chi2", mean=0.0, sigma=1.0) for n in like.nuisance_parameters]  # their prior is in the χ²
    ranges = {p.name: (p.low, p.high) for p in config.parameters}
    warps = model.warps(ranges, config.fixed) if model.warps is not None and config.sample["coordinates"] == "model" else ()
    space = Space(config.parameters + tuple(nuisances), warps=warps)
    terms = lambda x: like.terms(space.as_dict(x))  # noqa: E731
    kept = set(config.sample["likelihood_limits"])
    filters = tuple(t for t in like.constraints if t.kind != "measurement" and t.name not in kept) if two_step else ()
    cut = {t.name for t in filters}
    return Problem(space, like, lambda x: sum(v for k, v in terms(x).items() if k not in cut), terms, filters)


def as_json(config: Config) -> dict:
    """The config as JSON-ready data (for result files)."""
    files = list(config.measurements) if isinstance(config.measurements, tuple) else config.measurements  # resolved paths
    return {"source": config.source, **config.raw, "measurements": files, "parameters": {p.name: p._asdict() for p in config.parameters}}

