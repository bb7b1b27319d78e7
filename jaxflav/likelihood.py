"""The χ² of predictions against measurements: a Table-1-style table (`chi2`, `pulls`) and one
or more data sets of correlated measurements (`DataLikelihood`, over `jaxflav.datasets`).

Tables: Gaussian χ² with asymmetric experimental errors,

    χ² = Σ_i (x_i − μ_i)² / (σ_exp,i(μ_i)² + σ_th,i²),

x the measured central values, μ the predictions, σ_exp the experimental error on the side of
the prediction (the upper error when μ > x, else the lower one; each side's components added in
quadrature when the table is loaded) and σ_th the theory error, by default the table's SM error.
This is the χ² with which A. Rashed, JHEPGC 12 (2026) 762, §5 and Table 1, fits the b→sℓℓ data:
with the paper's SM expectations as predictions it gives the printed SM χ² (seeds/README.md). For a
fixed σ_th each term is, up to a constant, −2 log of a two-piece normal density centred on x, the
shape of flavio's `AsymmetricNormalDistribution`.

Predictions are in the table's absolute units and may carry leading batch dimensions; the table is
static data (close over it under `jax.jit`). Everything is differentiable in the predictions and
in a given theory error.
"""

import jax.numpy as jnp
import numpy as np


def _variance(predictions, table, theory_error):
    """σ_exp(μ)² + σ_th², broadcast to the predictions' shape."""
    shape = jnp.shape(predictions)
    if len(shape) == 0 or shape[-1] != len(table):
        raise ValueError(f"predictions: expected a last axis of {len(table)} (one per row), got shape {shape}")
    if theory_error is None:
        theory_error = table.sm_err
    elif jnp.ndim(theory_error) > 0 and jnp.shape(theory_error)[-1] not in (1, len(table)):
        raise ValueError(f"theory_error: expected a scalar or a last axis of {len(table)}, "
                         f"got shape {jnp.shape(theory_error)}")
    above = predictions > table.central
    sigma_exp = jnp.where(above, table.err_up, table.err_down)
    return sigma_exp**2 + jnp.asarray(theory_error) ** 2


def chi2(predictions, table, theory_error=None):
    """χ² = Σ (x − μ)² / (σ_exp(μ)² + σ_th²) over the rows (last axis) of `predictions`.

    `predictions`: shape (..., len(table)), absolute units. `theory_error`: σ_th per row (scalar
    or (..., len(table))); default `table.sm_err`. Returns shape (...).
    """
    variance = _variance(predictions, table, theory_error)
    return jnp.sum((predictions - table.central) ** 2 / variance, axis=-1)


def pulls(predictions, table, theory_error=None):
    """Signed pulls (μ − x) / sqrt(σ_exp(μ)² + σ_th²), shape (..., len(table)); Σ pulls² = χ².

    The variance is > 0 for any loaded table (experimental errors are non-zero on both sides).
    """
    variance = _variance(predictions, table, theory_error)
    return (predictions - table.central) / jnp.sqrt(variance)


class DataLikelihood:
    """The χ² of Wilson coefficients against one or more data sets (`jaxflav.datasets`: correlated
    measurements, experimental errors only — theory uncertainties are not included yet).

        like = DataLikelihood(["bsmumu-2019"])
        like.chi2({"C9_bsmumu": -1.0})          # any wc that Predictions takes, jittable
        like.terms(wc)                          # {measurement name: χ²}

    Every distinct observable is predicted once (one `jaxflav.predictions.Predictions`; pass
    `coefficients` — the WCxf names a model can set — to keep its forms that small)."""

    def __init__(self, names, inputs=None, coefficients=None):
        from jaxflav import datasets
        from jaxflav.inputs import DEFAULT
        from jaxflav.predictions import Predictions

        self.sets = tuple(datasets.load(n) for n in names)
        self.observables = tuple(dict.fromkeys(o for s in self.sets for o in s.observables))
        self.predict = Predictions(self.observables, DEFAULT if inputs is None else inputs, coefficients=coefficients)
        self._maps = tuple(np.array([self.observables.index(o) for o in s.observables]) for s in self.sets)
        names = [t.name for s in self.sets for t in s.terms]
        if len(set(names)) != len(names):
            raise ValueError(f"data sets {', '.join(s.name for s in self.sets)} share measurements: {sorted({n for n in names if names.count(n) > 1})}")

    def __len__(self):
        return len(self.observables)

    def terms(self, wc=None) -> dict:
        from jaxflav import datasets

        p = self.predict(wc)
        return {k: v for s, m in zip(self.sets, self._maps) for k, v in datasets.chi2_terms(s, p[..., m]).items()}

    def chi2(self, wc=None):
        return sum(self.terms(wc).values())
