"""The likelihood: measurement files → χ² terms → χ², of Wilson coefficients or of a model's parameters.

- `chi2`, `pulls`: the χ² of a Table-1-style table (below);
- `DataLikelihood(names)`: χ² of b→sℓℓ Wilson coefficients against tables and data sets of
  correlated measurements (`jaxflav.datasets`), every distinct observable predicted once;
- `Likelihood(model, names)`: χ² of a model's parameters against any mix of tables, data sets
  (through the model's Wilson coefficients) and constraint files (through the observables it
  predicts itself, `jaxflav.constraints`), one term per measurement — what every job of the
  `jaxflav` command fits, samples or scans (`jaxflav.config.problem`).

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

from jaxflav import constraints, datasets, measurements, sources
from jaxflav import nuisances as jaxflav_nuisances


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


def _table_chi2(predictions, table, theory_covariance):
    """χ² = rᵀ (diag σ_exp(μ)² + C_th)⁻¹ r of a table with a theory covariance (per point: the
    experimental error is on the side of the prediction, as in `chi2`)."""
    r = predictions - table.central
    sigma = jnp.where(predictions > table.central, table.err_up, table.err_down)
    cov = jnp.asarray(theory_covariance) + sigma[..., :, None] ** 2 * jnp.eye(len(table))
    return jnp.sum(r * jnp.linalg.solve(cov, r[..., None])[..., 0], axis=-1)


class DataLikelihood:
    """The χ² of Wilson coefficients against tables (`jaxflav.measurements`, with their printed SM
    errors as theory errors) and data sets (`jaxflav.datasets`: correlated measurements,
    experimental errors only); `theory="covariance"` folds the SM theory covariance (`draws`
    Monte-Carlo draws of the nuisance priors, key `seed`) into both; `theory="nuisances"` makes
    the theory nuisances that move the observables (`nuisances`, `jaxflav.nuisances.acting_on`)
    arguments, in standard coordinates z (θ = μ + L z, `prior`), with their prior as one more
    term, "nuisance prior" = |z|² (tables keep their printed SM error only on rows no nuisance
    moves, B→X_sℓℓ).

        like = DataLikelihood(["bsmumu-2019"])
        like.chi2({"C9_bsmumu": -1.0})          # any wc that Predictions takes, jittable
        like.terms(wc)                          # {measurement name (a table: its name): χ²}
        DataLikelihood(names, theory="nuisances").chi2(wc, z)

    Every distinct observable is predicted once (one `jaxflav.predictions.Predictions`; pass
    `coefficients` — the WCxf names a model can set — to keep its forms that small)."""

    def __init__(self, names, inputs=None, coefficients=None, theory=None, draws=2000, seed=0):
        from jaxflav.inputs import DEFAULT
        from jaxflav.predictions import Predictions

        if theory not in THEORY:
            raise ValueError(f"theory must be one of {', '.join(map(str, THEORY))}, got {theory!r}")

        loaded = [(str(n), sources.kind(n)) for n in names]
        for name, kind in loaded:
            if kind == "constraints":
                raise ValueError(f"{name} is a constraint file (on a model's own observables), not b→sℓℓ measurements")
        self.tables = tuple((name, measurements.load(name)) for name, kind in loaded if kind == "table")
        self.sets = tuple(datasets.load(name) for name, kind in loaded if kind == "dataset")
        rows = [measurements.observables(t) for _, t in self.tables] + [s.observables for s in self.sets]
        self.observables = tuple(dict.fromkeys(o for r in rows for o in r))
        inputs = DEFAULT if inputs is None else inputs
        self.predict = Predictions(self.observables, inputs, coefficients=coefficients, nuisances="acting" if theory == "nuisances" else None)
        self.nuisances = self.predict.nuisances
        self.prior = jaxflav_nuisances.prior(self.nuisances) if self.nuisances else None
        self._maps = tuple(np.array([self.observables.index(o) for o in r]) for r in rows)
        self.term_names = names = [n for n, _ in self.tables] + [t.name for s in self.sets for t in s.terms]
        if len(set(names)) != len(names):
            raise ValueError(f"{', '.join(n for n, _ in loaded)} share measurements: {sorted({n for n in names if names.count(n) > 1})}")
        self.n_values = sum(len(t) for _, t in self.tables) + sum(len(s.observables) for s in self.sets)
        self.theory, self._joint, self._theory_variance = theory, None, {}
        moved = self.predict.moved  # observables the nuisances move: their tables' printed SM errors give way
        self._table_moved = [moved[m] for m in self._maps[: len(self.tables)]]
        if theory == "covariance":
            self._with_theory_covariance(draws, seed)
        # σ_th of each table's rows: the printed SM error, or (nuisances) only where none moves the row
        self._table_theory_error = [np.where(m, 0.0, t.sm_err) if theory == "nuisances" else t.sm_err for (_, t), m in zip(self.tables, self._table_moved)]

    def _with_theory_covariance(self, draws, seed):
        """Fold the SM theory covariance of the data sets' observables (a Monte Carlo over the
        nuisance priors, `jaxflav.theory`) into their χ², as smelli does: the Gaussian
        measurements become one multivariate normal, tabulated ones are widened."""
        from jaxflav.theory import theory_covariance

        used = sorted({int(i) for m in self._maps for i in m})
        _, cov_used = theory_covariance([self.observables[i] for i in used], None, draws, seed=seed)
        cov = np.zeros((len(self.observables),) * 2)
        cov[np.ix_(used, used)] = cov_used
        self.theory_covariance = cov
        gaussian, gaussian_rows = [], []
        for s, m in zip(self.sets, self._maps[len(self.tables):]):
            for t, i in zip(s.terms, s.index):
                if isinstance(t, datasets.Gaussian):
                    gaussian.append(t)
                    gaussian_rows.append(m[i])
                else:
                    self._theory_variance[t.name] = float(cov[m[i][0], m[i][0]])
        self._joint = datasets.joint(gaussian, gaussian_rows, cov) if gaussian else None
        # tables: the theory covariance of their rows, the printed SM error where it is 0 (B→X_sℓℓ)
        self._table_theory = []
        for (_, table), m, moved in zip(self.tables, self._maps, self._table_moved):
            c = np.where(np.outer(moved, moved), cov[np.ix_(m, m)], 0.0)
            self._table_theory.append(c + np.diag(np.where(moved, 0.0, table.sm_err**2)))

    def __len__(self):
        return len(self.observables)

    def terms_of(self, predictions) -> dict:
        """{term: χ²} for predictions of `self.observables` (last axis)."""
        maps = iter(self._maps)
        if self.theory != "covariance":
            out = {name: chi2(predictions[..., next(maps)], table, e) for (name, table), e in zip(self.tables, self._table_theory_error)}
            for s in self.sets:
                out |= datasets.chi2_terms(s, predictions[..., next(maps)])
            return out
        out = {name: _table_chi2(predictions[..., next(maps)], table, c) for (name, table), c in zip(self.tables, self._table_theory)}
        joint = datasets.joint_chi2_terms(self._joint, predictions) if self._joint else {}
        for s in self.sets:
            m = next(maps)
            for t, i in zip(s.terms, s.index):
                out[t.name] = joint[t.name] if t.name in joint else datasets.term_chi2(t, predictions[..., m[i]], self._theory_variance[t.name])
        return out

    def chi2_of(self, predictions):
        """The total χ² for predictions of `self.observables`."""
        return sum(self.terms_of(predictions).values())

    def terms(self, wc=None, z=None) -> dict:
        """{term: χ²} at Wilson coefficients `wc` and (theory="nuisances") standard nuisance
        coordinates `z` (None: 0, the central values)."""
        if self.theory != "nuisances":
            if z is not None:
                raise ValueError(f"nuisance coordinates given, but this likelihood has theory = {self.theory!r}, not 'nuisances'")
            return self.terms_of(self.predict(wc))
        z = jnp.zeros(self.prior.dim) if z is None else jnp.asarray(z)
        return self.terms_of(self.predict(wc, self.prior.from_standard(z))) | {NUISANCE_PRIOR: jnp.sum(z**2, axis=-1)}

    def chi2(self, wc=None, z=None):
        return sum(self.terms(wc, z).values())


THEORY = (None, "covariance", "nuisances")
"""How theory uncertainties enter: None (data sets: none; tables: their printed SM errors),
"covariance" (the SM theory covariance over the nuisance priors, fixed, as smelli), "nuisances"
(the nuisances as parameters, their prior a χ² term)."""
NUISANCE_PRIOR = "nuisance prior"


class Likelihood:
    """χ² of a model's parameters (`jaxflav.models.Model`) against measurement files of any kind
    (`jaxflav.sources`): tables and data sets through `model.wilson`, constraint files through
    `model.observables`. `fixed`: parameters held at a value (merged under every point).

        like = Likelihood(models.get("wilson"), ["bsmumu-2019"], parameters=["C9_bsmumu"])
        like.chi2({"C9_bsmumu": -1.0}); like.terms(point); like.chi2_sm; like.n_values

    A file the model cannot predict (a data set for a model without Wilson coefficients, a
    constraint on an observable it does not return) is a ValueError naming both, raised by
    `check` before anything is built."""

    def __init__(self, model, names, fixed=None, parameters=(), theory=None):
        self.model, self.fixed = model, dict(fixed or {})
        kinds = check(model, names)
        wilson = [n for n, k in kinds if k != "constraints"]
        coefficients = model.coefficients if model.coefficients is not None else [*parameters, *self.fixed]
        self.data = DataLikelihood(wilson, coefficients=coefficients, theory=theory) if wilson else None
        self.nuisance_parameters = tuple(NUISANCE_PREFIX + n for n in self.data.nuisances) if self.data else ()
        self.constraints = tuple(t for n, k in kinds if k == "constraints" for t in constraints.load(n, known=set(model.outputs)))
        self._observables = model.observables() if self.constraints else None
        self.n_values = (self.data.n_values if self.data else 0) + len(self.constraints)
        names = (self.data.term_names if self.data else []) + [t.name for t in self.constraints]
        if len(set(names)) != len(names):
            raise ValueError(f"{', '.join(map(str, names))}: measurement names repeat across files")
        zero = dict.fromkeys(model.outputs, 0.0)  # couplings → 0: the SM (a constraint's background only)
        sm = (self.data.terms(None) if self.data else {}) | (constraints.chi2_terms(self.constraints, zero, 0.0) if self.constraints else {})
        self.chi2_sm = float(sum(sm.values()))

    @property
    def theory(self) -> str:
        """What stands for theory uncertainties, in words (for outputs)."""
        parts = []
        mode = self.data.theory if self.data else None
        if mode == "nuisances":
            parts.append(f"{len(self.nuisance_parameters)} nuisance parameters (flavio 2.7.1 priors, jaxflav.nuisances) fitted with the data, "
                         "their prior a χ² term" + ("; tables: printed SM errors on rows no nuisance moves" if self.data.tables else ""))  # fmt: skip
        elif self.data and self.data.tables:
            parts.append("tables: " + ("the SM theory covariance (printed SM errors where it is 0)" if mode else "their printed SM errors"))
        if self.data and self.data.sets and mode != "nuisances":
            parts.append("data sets: " + ("the SM theory covariance over the nuisance priors (jaxflav.theory)" if mode else "none (experimental errors only)"))
        if self.constraints:
            parts.append("constraints: as their files state")
        return "theory uncertainties: " + "; ".join(parts)

    def point(self, params: dict) -> dict:
        """The model's parameters at `params` (the fixed ones merged in, nuisance coordinates left out)."""
        return {**self.fixed, **{k: v for k, v in params.items() if not k.startswith(NUISANCE_PREFIX)}}

    def wilson(self, params: dict):
        """The model's Wilson coefficients at `params` (the `wc` of `jaxflav.predictions.Predictions`)."""
        return self.model.wilson(self.point(params))

    def observables(self, params: dict) -> dict:
        """The model's own observables at `params` (models with constraint files)."""
        return self._observables(self.point(params))

    def terms(self, params: dict) -> dict:
        """{measurement or term name: χ²} at `params` (a dict of traced or concrete scalars)."""
        z = jnp.stack([params[n] for n in self.nuisance_parameters], axis=-1) if self.nuisance_parameters else None
        out = self.data.terms(self.wilson(params), z) if self.data else {}
        if self.constraints:
            p = self.point(params)
            out |= constraints.chi2_terms(self.constraints, self._observables(p), p[self.model.mass] if self.model.mass else None)
        return out

    def chi2(self, params: dict):
        return sum(self.terms(params).values())


NUISANCE_PREFIX = "z:"
"""A nuisance parameter of theory="nuisances" is named "z:" + its flavio name: its standard
coordinate, θ = μ + L z with L the Cholesky factor of the prior covariance (z ~ N(0, 1))."""


def check(model, names):
    """[(name, kind)] of measurement files a model can be fitted to; ValueError naming the file,
    measurement and field for a malformed one, or the file and model where the model cannot
    predict it. Reads and checks every file, builds nothing."""
    out = []
    for name in names:
        kind = sources.kind(name)
        if kind == "constraints":
            if model.observables is None:
                raise ValueError(f"{name} constrains a model's own observables; model {model.name!r} has none (it sets Wilson coefficients)")
            constraints.load(name, known=set(model.outputs))
        elif model.wilson is None:
            raise ValueError(f"{name} holds b→sℓℓ measurements; model {model.name!r} sets no Wilson coefficients (it predicts its own observables)")
        else:
            measurements.load(name) if kind == "table" else datasets.load(name)
        out.append((str(name), kind))
    if len(set(out)) != len(out):
        raise ValueError(f"measurement files repeat: {[n for n, _ in out]}")
    return out
