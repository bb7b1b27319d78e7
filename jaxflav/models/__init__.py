"""Models: pure maps from a model's parameters to b→sℓℓ Wilson coefficients (functions of q²).

A `Model` names its parameters and turns a dict of them (traced JAX scalars) into the `wc`
argument of `jaxflav.predictions.Predictions`: a dict from WCxf names to numbers or functions of
q² (GeV²). Models are looked up by name in configs (`model = "wilson"`).

- `wilson`: the Wilson coefficients themselves, as real constant shifts at 4.8 GeV; parameters are
  WCxf names (`C9_bsmumu`, `C10_bsmumu`, …). The classic model-independent fit.
"""

from typing import Callable, NamedTuple

from jaxflav import wcxf


class Model(NamedTuple):
    name: str
    description: str
    check: Callable[[list], None]  # raises ValueError for parameter names the model does not have
    wilson: Callable[[dict], dict]  # parameters → wc


def _check_wilson(names):
    wcxf.check_names(names)


WILSON = Model("wilson", "real constant shifts of WCxf Wilson coefficients at 4.8 GeV", _check_wilson, lambda p: dict(p))

MODELS = {m.name: m for m in (WILSON,)}


def get(name: str) -> Model:
    """The model called `name`; ValueError listing the known ones otherwise."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    return MODELS[name]
