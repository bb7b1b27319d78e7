"""Measurement files by name: the packaged TOML files under `jaxflav/data/` and files given by path,
and their kind, told by the entries they hold:

- `"table"`: `[[row]]`, binned measurements with printed SM errors (`jaxflav.measurements`);
- `"dataset"`: `[[measurement]]`, published measurements with correlations (`jaxflav.datasets`);
- `"constraints"`: `[[term]]`, single-observable measurements and limits on a model's own
  observables (`jaxflav.constraints`).

The first two constrain a model through its b→sℓℓ Wilson coefficients, the third through the
observables it predicts itself; `jaxflav.likelihood.Likelihood` sums any mix of them.
"""

import importlib.resources
from pathlib import Path

from fits import files

KINDS = {"row": "table", "measurement": "dataset", "term": "constraints"}


def path(name_or_path):
    """The packaged file of a plain name ("bsmumu-2019"), else the path itself."""
    name = str(name_or_path)
    packaged = importlib.resources.files("jaxflav") / "data" / f"{name}.toml"
    if Path(name).name == name and not Path(name).suffix and packaged.is_file():
        return packaged
    return Path(name_or_path)


def _kind_of(doc):
    found = [kind for key, kind in KINDS.items() if key in doc]
    return found[0] if len(found) == 1 else None


def kind(name_or_path) -> str:
    """"table", "dataset" or "constraints"; ValueError (naming it) for a missing file, one that is
    not TOML, or one that holds none or several of [[row]], [[measurement]], [[term]]."""
    p = path(name_or_path)
    if not p.is_file():
        raise ValueError(f"measurement file {name_or_path!r} not found; packaged: {', '.join(available())}")
    found = _kind_of(files.read_toml(p, "measurement file"))
    if found is None:
        raise ValueError(f"{name_or_path}: a measurement file holds exactly one of [[row]] (a table), "
                         "[[measurement]] (a data set) or [[term]] (constraints)")  # fmt: skip
    return found


def available(of_kind=None):
    """Names of the packaged files (of one kind, if given)."""
    data = importlib.resources.files("jaxflav") / "data"
    names = sorted(p.name[: -len(".toml")] for p in data.iterdir() if p.name.endswith(".toml"))
    if of_kind is None:
        return names
    return [n for n in names if _kind_of(files.read_toml(data / f"{n}.toml", "measurement file")) == of_kind]
