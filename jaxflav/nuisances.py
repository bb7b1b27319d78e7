"""Theory nuisance parameters: flavio 2.7.1's Gaussian priors, and where each one acts.

`data/nuisances.json` (written by `data/make_nuisances.py` from flavio 2.7.1's default parameters)
holds, in flavio's names and units, the hadronic and CKM inputs of the b→sℓℓ observables: the BSZ
form-factor coefficients of B→K*, B_s→φ (arXiv:1503.05534, LCSR + lattice) and B→K
(arXiv:2305.06301) with their correlations, flavio's subleading-hadronic parameters of B→K*ℓℓ,
B_s→φℓℓ and B→Kℓℓ, |V_us|, |V_ub|, |V_cb|, γ, the decay constants and the lifetimes (and
ΔΓ_s/Γ_s). Every block is a normal or multivariate normal, so the prior is one Gaussian:

    prior = nuisances.prior()                    # all of them; prior(names) a marginal
    prior.chi2(values)                           # (θ − μ)ᵀ Σ⁻¹ (θ − μ), jittable
    prior.sample(key, n)                         # (n, dim) draws
    prior.from_standard(z)                       # μ + L z: NUTS and fits work in z ~ N(0, 1)

`point(names, values)` maps a point to what the observables are computed with: the
`jaxflav.inputs.Inputs`, the form-factor parameters (`jaxflav.formfactors`) and flavio's
subleading-hadronic shifts of the B→K*, B_s→φ and B→K amplitudes.
"""

import functools
import json
import importlib.resources
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxflav import formfactors, inputs as sm_inputs

_INPUTS = {"Vus": "Vus", "Vub": "Vub", "Vcb": "Vcb", "gamma": "gamma", "f_B0": "f_B0", "f_Bs": "f_Bs"}
_LIFETIMES = {"tau_B0": "tau_B0", "tau_B+": "tau_Bp", "tau_Bs": "tau_Bs"}  # flavio: GeV⁻¹; Inputs: s
_FF_PROCESSES = {"B->K*": "B->K*", "Bs->phi": "Bs->phi", "B->K": "B->K"}
_FF_FIELDS = {"f+": "fplus", "f0": "f0", "fT": "fT"}  # B→P names; B→V fields are flavio's names
_SHIFTED = {"A12", "T2", "f0"}  # fields whose a₀ follows from a relation: stored as (a₁, a₂)


class Prior(NamedTuple):
    """A multivariate normal over named parameters (flavio's names and units)."""

    names: tuple
    central: np.ndarray
    covariance: np.ndarray
    cholesky: np.ndarray  # lower, L Lᵀ = covariance

    @property
    def dim(self):
        return len(self.names)

    def from_standard(self, z):
        """θ = μ + L z for z (..., dim) standard normal."""
        return jnp.asarray(self.central) + jnp.asarray(z) @ jnp.asarray(self.cholesky).T

    def to_standard(self, values):
        """z = L⁻¹ (θ − μ)."""
        r = jnp.asarray(values) - jnp.asarray(self.central)
        return jax.scipy.linalg.solve_triangular(jnp.asarray(self.cholesky), r.T, lower=True).T

    def chi2(self, values):
        """−2 ln(prior density) + const = (θ − μ)ᵀ Σ⁻¹ (θ − μ), shape (...)."""
        return jnp.sum(self.to_standard(values) ** 2, axis=-1)

    def sample(self, key, n):
        """(n, dim) draws."""
        return self.from_standard(jax.random.normal(key, (n, self.dim)))


@functools.cache
def _blocks():
    text = (importlib.resources.files("jaxflav") / "data" / "nuisances.json").read_text(encoding="utf-8")
    return tuple(json.loads(text)["blocks"])


def known():
    """Every nuisance name, in the data file's order."""
    return tuple(n for b in _blocks() for n in b["names"])


def prior(names=None) -> Prior:
    """The prior of `names` (default: all): the marginal of the full Gaussian (correlations kept
    within the selection). ValueError naming unknown or repeated names."""
    all_names = known()
    names = all_names if names is None else tuple(names)
    unknown = [n for n in names if n not in all_names]
    if unknown:
        raise ValueError(f"unknown nuisance parameter(s) {', '.join(map(repr, unknown))}; known: flavio 2.7.1 names such as 'B->K* BSZ a0_V', 'Vcb', 'f_Bs' (jaxflav.nuisances.known())")
    if len(set(names)) != len(names):
        raise ValueError(f"nuisance parameters repeat: {sorted({n for n in names if names.count(n) > 1})}")
    central, cov = _full()
    index = np.array([all_names.index(n) for n in names], dtype=int)
    c = cov[np.ix_(index, index)]
    return Prior(names, central[index], c, np.linalg.cholesky(c))


@functools.cache
def _full():
    """(central values, block-diagonal covariance) of every nuisance, in `known()` order."""
    central = np.concatenate([b["central"] for b in _blocks()])
    return central, np.asarray(jax.scipy.linalg.block_diag(*(np.asarray(b["covariance"]) for b in _blocks())))


def _form_factor_slot(name):
    """(process, field, index) of a BSZ coefficient name ("B->K* BSZ a1_T2" → ("B->K*", "T2", 0)),
    None for other names."""
    process, _, rest = name.partition(" BSZ ")
    if process not in _FF_PROCESSES or not rest.startswith("a"):
        return None
    order, ff = rest[1:].split("_", 1)
    field = _FF_FIELDS.get(ff, ff)
    return _FF_PROCESSES[process], field, int(order) - (1 if ff in _SHIFTED else 0)


SUBLEADING_PROCESS = {"B0->K*": "B0->K*0", "B+->K*": "B+->K*+", "Bs->phi": "Bs->phi", "B0->K": "B0->K0", "B+->K": "B+->K+"}
"""A B→Vℓℓ or B→Kℓℓ process (`b_to_vll.PROCESSES`, `b_to_pll.PROCESSES`) → flavio's name of it in
the subleading-hadronic parameters (the keys of `Point.subleading`)."""


def _subleading_module(process):
    from jaxflav.observables import b_to_pll, b_to_vll

    return b_to_vll if process in b_to_vll.PROCESSES else b_to_pll


def _subleading_slot(name):
    """(flavio process, index in that family's SUBLEADING order, 1 or 1j) of a subleading-hadronic
    parameter ("B0->K*0 deltaC9 c_+ Im" → ("B0->K*0", 7, 1j)), None for other names."""
    for process, flavio_name in SUBLEADING_PROCESS.items():
        if name.startswith(flavio_name + " "):
            rest, _, part = name[len(flavio_name) + 1 :].rpartition(" ")
            order = _subleading_module(process).SUBLEADING
            if rest in order and part in ("Re", "Im"):
                return flavio_name, order.index(rest), 1 if part == "Re" else 1j
    return None


ACTING = tuple(n for n in known() if n in _INPUTS or n in _LIFETIMES or n == "DeltaGamma/Gamma_Bs" or _form_factor_slot(n) or _subleading_slot(n))
"""The names that change a prediction: all of `known()` but f_B+, which in flavio enters only the
B⁺→K*⁺ QCDF tables (computed once at the central inputs, in flavio as here)."""


def acting_on(processes) -> tuple:
    """The `ACTING` names that move the observables of `processes` (jaxflav's names: "B0->K*",
    "B+->K", "Bs->phi" …, and "Bs", "B0" for B_{s,d}→ℓℓ): the CKM inputs, and each process's
    lifetime (and ΔΓ_s for B_s), form factors, subleading parameters and decay constant."""
    from jaxflav.observables import b_to_pll, b_to_vll

    fields, ff, sub = {"Vus", "Vub", "Vcb", "gamma"}, set(), set()
    for process in processes:
        if process in ("Bs", "B0"):
            fields |= {"tau_Bs", "y_s", "f_Bs"} if process == "Bs" else {"tau_B0", "f_B0"}
            continue
        family = b_to_vll.PROCESSES.get(process) or b_to_pll.PROCESSES[process]
        fields.add(family.tau)
        if process == "Bs->phi":
            fields.add("y_s")
        ff.add(getattr(family, "formfactors", "B->K"))
        sub.add(SUBLEADING_PROCESS[process])
    field = lambda n: _INPUTS.get(n) or _LIFETIMES.get(n) or ("y_s" if n == "DeltaGamma/Gamma_Bs" else None)  # noqa: E731
    return tuple(n for n in ACTING if field(n) in fields or ((slot := _form_factor_slot(n)) and slot[0] in ff) or ((slot := _subleading_slot(n)) and slot[0] in sub))


class Point(NamedTuple):
    """What a nuisance point sets: the inputs, the form-factor parameters by process ("B->K*",
    "Bs->phi", "B->K"), and the subleading-hadronic shifts by flavio process ("B0->K*0", …:
    complex arrays in the order of `b_to_vll.SUBLEADING` / `b_to_pll.SUBLEADING`)."""

    inputs: sm_inputs.Inputs
    formfactors: dict
    subleading: dict


def point(names, values, inputs=sm_inputs.DEFAULT) -> Point:
    """The `Point` with the named nuisances set to `values` (a 1-D array in the order of `names`,
    traced or not; flavio's units). What is not named keeps its default (subleading shifts: 0)."""
    replace, ff = {}, {p: formfactors.B_TO_V_PROCESSES.get(p) or formfactors.B_TO_P_PROCESSES[p] for p in _FF_PROCESSES.values()}
    sub = {f: jnp.zeros(len(_subleading_module(p).SUBLEADING), dtype=complex) for p, f in SUBLEADING_PROCESS.items()}
    for k, name in enumerate(names):
        v = values[k]
        if name in _INPUTS:
            replace[_INPUTS[name]] = v
        elif name in _LIFETIMES:
            replace[_LIFETIMES[name]] = v * sm_inputs.HBAR
        elif name == "DeltaGamma/Gamma_Bs":
            replace["y_s"] = v / 2
        elif (slot := _form_factor_slot(name)) is not None:
            process, field, index = slot
            coefficients = list(getattr(ff[process], field))
            coefficients[index] = v
            ff[process] = ff[process]._replace(**{field: tuple(coefficients)})
        elif (slot := _subleading_slot(name)) is not None:
            process, index, unit = slot
            sub[process] = sub[process].at[index].add(unit * v)
    return Point(inputs._replace(**replace), ff, sub)
