"""Binned measurements with their SM expectations, read from TOML files under `jaxflav/data/`.

A file holds a `[source]` header (citation, DOI, table), `[references.N]` (experiment, citation,
optional arXiv number) and one `[[row]]` per measurement, with the printed numbers in units of
`scale`; see `data/rashed2026_table1.toml` (Table 1 of A. Rashed, JHEPGC 12 (2026) 762) for the
layout. Errors are a number (symmetric) or `{ up, down }`; `stat` is required, `syst` and `extra`
optional. Every file is validated on load: a bad file raises ValueError naming file, row and field.

`load` returns a `Table` of NumPy arrays in absolute units (the printed numbers times `scale`):
GeV² for the bins, the observable's own unit (GeV⁻² for dBR/dq², none for BR) for the values.
"""

import math
from typing import NamedTuple

import numpy as np

from fits import files
from jaxflav import sources

KNOWN_OBSERVABLES = frozenset(
    {
        "<dBR/dq2>(B0->K*mumu)",
        "<dBR/dq2>(B+->K*mumu)",
        "<dBR/dq2>(B+->Kmumu)",
        "<dBR/dq2>(B0->Kmumu)",
        "<dBR/dq2>(Bs->phimumu)",
        "<BR>(B+->Kee)",
        "<BR>(B0->K*ee)",
        "<BR>(B->Xsmumu)",
        "<BR>(B->Xsee)",
        "<dBR/dq2>(B+->Kee)",
        "<dBR/dq2>(B0->K*ee)",
    }
)
"""flavio names of the observables in the packaged tables (Table 1 of Rashed 2026)."""

LEPTONS = {"mu": "mumu)", "e": "ee)", "tau": "tautau)"}
"""Lepton flavour of a row → how a flavio name of that flavour ends."""

_TOP_KEYS = {"source", "references", "row"}
_SOURCE_REQUIRED = {"citation": str, "doi": str, "table": str}
_REFERENCE_REQUIRED = {"experiment": str, "citation": str}
_REFERENCE_OPTIONAL = {"arxiv": str}
_ROW_REQUIRED = ("observable", "lepton", "ref", "q2min", "q2max", "scale", "central", "stat", "sm", "sm_err")
_ROW_OPTIONAL = ("syst", "extra")
_ERRORS = ("stat", "syst", "extra")
_DTYPES = (str, float, float, float, float, float, float, float, float, str, int, str)  # Table's fields


class _Columns(NamedTuple):
    names: np.ndarray  # flavio observable names (str)
    q2min: np.ndarray  # GeV²
    q2max: np.ndarray  # GeV²
    central: np.ndarray  # measured value, absolute units
    err_up: np.ndarray  # experimental error above the central value, components in quadrature
    err_down: np.ndarray  # the same below
    sm: np.ndarray  # the source's SM expectation
    sm_err: np.ndarray  # and its error
    scale: np.ndarray  # the printed numbers are these arrays divided by `scale`
    lepton: np.ndarray  # "mu", "e", "tau" (str)
    reference: np.ndarray  # the source's reference number (int)
    experiment: np.ndarray  # str


class Table(_Columns):
    """Measurements as parallel NumPy arrays, one entry per row; `len(table)` is the row count.

    A subclass of a NamedTuple so that `len` counts rows, not fields; `_make` is redefined because
    the NamedTuple one checks the field count with `len`. Static data: close over it when jitting.
    """

    __slots__ = ()

    def __len__(self):
        return len(self.names)

    @classmethod
    def _make(cls, iterable):
        return cls(*iterable)


def _fail(where, message):
    raise ValueError(f"{where}: {message}")


def _number(value, where):
    """A finite int or float (not a bool) as float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(where, f"expected a number, got {value!r}")
    if not math.isfinite(value):
        _fail(where, f"must be finite, got {value!r}")
    return float(value)


def _keys(table, required, optional, where):
    """Check that `table` is a TOML table with every required key and no unknown key."""
    if not isinstance(table, dict):
        _fail(where, f"expected a table, got {table!r}")
    for key in required:
        if key not in table:
            _fail(f"{where}, field '{key}'", "missing")
    for key in table:
        if key not in required and key not in optional:
            _fail(f"{where}, field '{key}'", f"unknown key (allowed: {', '.join([*required, *optional])})")


def _typed(table, types, where):
    """Check the type of each key of `types` present in `table`."""
    for key, kind in types.items():
        if key in table and not isinstance(table[key], kind):
            _fail(f"{where}, field '{key}'", f"expected {kind.__name__}, got {table[key]!r}")


def _error(value, where):
    """(up, down) of an error printed as ±e or ^{+up}_{-down}; both ≥ 0."""
    if isinstance(value, dict):
        _keys(value, ("up", "down"), (), where)
        up, down = _number(value["up"], f"{where}.up"), _number(value["down"], f"{where}.down")
    else:
        up = down = _number(value, where)
    if up < 0 or down < 0:
        _fail(where, f"errors must be ≥ 0, got {value!r}")
    return up, down


def _row(row, where, known, references):
    """Validate one [[row]]; return its values in absolute units, in `Table` field order."""
    _keys(row, _ROW_REQUIRED, _ROW_OPTIONAL, where)

    def field(key):
        return f"{where}, field '{key}'"

    name, lepton, ref = row["observable"], row["lepton"], row["ref"]
    if not isinstance(name, str) or name not in known:
        _fail(field("observable"), f"unknown observable {name!r}")
    if not isinstance(lepton, str) or lepton not in LEPTONS:
        _fail(field("lepton"), f"expected one of {sorted(LEPTONS)}, got {lepton!r}")
    if not name.endswith(LEPTONS[lepton]) and any(name.endswith(e) for e in LEPTONS.values()):
        _fail(field("lepton"), f"{lepton!r} does not match the observable {name!r}")
    if isinstance(ref, bool) or not isinstance(ref, int) or str(ref) not in references:
        _fail(field("ref"), f"{ref!r} is not in [references] ({', '.join(sorted(references))})")
    x = {key: _number(row[key], field(key)) for key in ("q2min", "q2max", "scale", "central", "sm", "sm_err")}
    if x["q2min"] < 0:
        _fail(field("q2min"), f"must be ≥ 0 GeV², got {x['q2min']}")
    if x["q2min"] >= x["q2max"]:
        _fail(field("q2max"), f"need q2min < q2max, got q2min={x['q2min']}, q2max={x['q2max']}")
    if x["scale"] <= 0:
        _fail(field("scale"), f"must be > 0, got {x['scale']}")
    if x["sm_err"] < 0:
        _fail(field("sm_err"), f"must be ≥ 0, got {x['sm_err']}")
    errors = [_error(row[key], field(key)) for key in _ERRORS if key in row]
    up, down = (math.sqrt(sum(e[side] ** 2 for e in errors)) for side in (0, 1))
    if up == 0 or down == 0:
        _fail(field("stat"), "the experimental error is zero on one side")
    s = x["scale"]
    return (name, x["q2min"], x["q2max"], s * x["central"], s * up, s * down, s * x["sm"], s * x["sm_err"],
            s, lepton, ref, references[str(ref)]["experiment"])


def _references(doc, where):
    refs = doc.get("references", {})
    if not isinstance(refs, dict):
        _fail(f"{where}, [references]", "expected a table")
    for key, ref in refs.items():
        at = f"{where}, [references.{key}]"
        _keys(ref, _REFERENCE_REQUIRED, _REFERENCE_OPTIONAL, at)
        _typed(ref, _REFERENCE_REQUIRED | _REFERENCE_OPTIONAL, at)
    return refs


def _source(doc, where):
    """The [source] header: citation, doi, table, and any printed χ² values as `chi2_*` numbers."""
    src = doc.get("source")
    if src is None:
        _fail(where, "missing [source] header")
    at = f"{where}, [source]"
    chi2_keys = [key for key in src if key.startswith("chi2_")] if isinstance(src, dict) else []
    _keys(src, _SOURCE_REQUIRED, chi2_keys, at)
    _typed(src, _SOURCE_REQUIRED, at)
    for key in chi2_keys:
        _number(src[key], f"{at}, field '{key}'")
    return src


def _read(path_or_name):
    path = sources.path(path_or_name)
    where = str(path)
    if not path.is_file():
        raise ValueError(f"measurement table {where} not found; packaged tables: {', '.join(available())}")
    doc = files.read_toml(path, "measurement table")
    for key in doc:
        if key not in _TOP_KEYS:
            _fail(f"{where}, [{key}]", f"unknown section (allowed: {', '.join(sorted(_TOP_KEYS))})")
    return doc, where


def available():
    """Names of the packaged measurement tables (for `load`)."""
    return sources.available("table")


def load(path_or_name, *, known=None):
    """Load and validate a measurement table.

    `path_or_name`: a packaged table's name (see `available()`) or a path to a TOML file.
    `known`: the observable names accepted (default `KNOWN_OBSERVABLES`); pass the engine's full
    list to accept more. Any bad entry raises ValueError naming file, row and field.
    """
    doc, where = _read(path_or_name)
    _source(doc, where)
    refs = _references(doc, where)
    rows = doc.get("row")
    if not isinstance(rows, list) or not rows:
        _fail(where, "no [[row]] entries")
    known = KNOWN_OBSERVABLES if known is None else frozenset(known)
    values = [_row(row, f"{where}, row {i + 1}", known, refs) for i, row in enumerate(rows)]
    seen = {}
    for i, v in enumerate(values):
        key = v[:3]
        if key in seen:
            _fail(f"{where}, row {i + 1}", f"same observable and bin as row {seen[key] + 1}")
        seen[key] = i
    columns = list(zip(*values))
    return Table(*(np.array(c, dtype=kind) for c, kind in zip(columns, _DTYPES)))


def source(path_or_name):
    """The validated `[source]` header (citation, doi, table, any printed chi2_* values) and
    `references` of a measurement table, as a dict."""
    doc, where = _read(path_or_name)
    return {**_source(doc, where), "references": _references(doc, where)}


def select(table, *, lepton=None, names=None, mask=None):
    """The rows of `table` with lepton flavour `lepton` ("mu", "e", "tau"), observable name in
    `names` and `mask` true — each criterion only when given. B → X_s μμ is a muon mode."""
    keep = np.ones(len(table), dtype=bool)
    if lepton is not None:
        if lepton not in LEPTONS:
            raise ValueError(f"select: lepton must be one of {sorted(LEPTONS)}, got {lepton!r}")
        keep &= table.lepton == lepton
    if names is not None:
        names = [names] if isinstance(names, str) else list(names)
        keep &= np.isin(table.names, names)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.shape != keep.shape or mask.dtype != bool:
            raise ValueError(f"select: mask must be a boolean array of shape {keep.shape}, "
                             f"got {mask.dtype} {mask.shape}")
        keep &= mask
    return Table(*(column[keep] for column in table))


def observables(table):
    """The rows as (name, q2min, q2max) tuples, the form `jaxflav.predictions.Predictions` takes."""
    return [(str(n), float(a), float(b)) for n, a, b in zip(table.names, table.q2min, table.q2max)]
