"""Wilson-coefficient names (WCxf "flavio" basis) and the coefficient vector of the b→sℓℓ forms.

New physics in b→sℓℓ enters through ten complex coefficients per lepton flavour ℓ, named as in
WCxf/flavio: `C7_bs`, `C7p_bs` (lepton-universal dipoles), `C9_bsℓℓ`, `C9p_bsℓℓ`, `C10_bsℓℓ`,
`C10p_bsℓℓ` and the scalar and pseudoscalar `CS_bsℓℓ`, `CSp_bsℓℓ`, `CP_bsℓℓ`, `CPp_bsℓℓ`
(O_S = m_b (s̄P_R b)(ℓ̄ℓ), O_P = m_b (s̄P_R b)(ℓ̄γ₅ℓ), primes with P_L) (e.g. `C9_bsmumu`,
`CP_bsee`). They are *shifts* from the Standard Model, defined at μ_b = 4.8 GeV with the
normalisation H_eff = −(4G_F/√2) V_tb V_ts* (e²/16π²) Σ C_i O_i.

Every b→sℓℓ rate is a Hermitian form x† M(q²) x in the vector
    x = (1, C7, C7p, C9, C9p, C10, C10p, CS, CSp, CP, CPp),
whose leading 1 carries the Standard Model (and any parameter-independent hadronic) amplitude.
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp

COEFFICIENTS = ("C7", "C7p", "C9", "C9p", "C10", "C10p", "CS", "CSp", "CP", "CPp")
"""Order of the new-physics shifts in the form vector, after the leading 1."""

DIM = 1 + len(COEFFICIENTS)
LEPTONS = {"e": "ee", "mu": "mumu"}


def wcxf_name(coefficient: str, lepton: str) -> str:
    """WCxf name of a coefficient for a lepton flavour: ("C9", "mu") → "C9_bsmumu", ("C7p", …) → "C7p_bs"."""
    if coefficient not in COEFFICIENTS:
        raise ValueError(f"unknown coefficient {coefficient!r}; known: {', '.join(COEFFICIENTS)}")
    if lepton not in LEPTONS:
        raise ValueError(f"unknown lepton {lepton!r}; known: {', '.join(LEPTONS)}")
    return f"{coefficient}_bs" if coefficient.startswith("C7") else f"{coefficient}_bs{LEPTONS[lepton]}"


NAMES = tuple(sorted({wcxf_name(c, l) for c in COEFFICIENTS for l in LEPTONS}))
"""Every WCxf name jaxflav's b→sℓℓ observables accept."""


def check_names(names) -> None:
    """Raise ValueError naming any Wilson coefficient jaxflav does not know."""
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        raise ValueError(f"unknown Wilson coefficient(s) {', '.join(unknown)}; known: {', '.join(NAMES)}")


def form_vector(values: dict, lepton: str, q2):
    """The vector x = (1, C7, …, CPp) (`COEFFICIENTS`) for lepton `lepton` at the points `q2`.

    `values` maps WCxf names to numbers or arrays broadcastable with `q2` (missing names are 0).
    Returns a complex array of shape q2.shape + (DIM,).
    """
    q2 = jnp.asarray(q2)
    return jnp.stack([jnp.broadcast_to(jnp.asarray(v, dtype=complex), q2.shape) for v in form_columns(values, lepton)], axis=-1)


def form_columns(values: dict, lepton: str) -> tuple:
    """The entries of x (`form_vector`) as a tuple: 1, then each coefficient's value as given
    (a number or an array), a plain 0.0 for those not in `values`, so that the nuisance path skips
    the amplitudes of coefficients that are absent."""
    return (1.0, *(values.get(wcxf_name(c, lepton), 0.0) for c in COEFFICIENTS))


class Resonance(NamedTuple):
    """New physics through one s-channel vector boson of mass M and width Γ (GeV):

        C_ℓ(q²) = (a[ℓ, C] + b[ℓ, C] q²) / (q² − M² + i M Γ)

    for lepton ℓ (rows in `LEPTONS` order: e, μ) and coefficient C (columns in `COEFFICIENTS`
    order; the dipole columns may differ between the leptons, because a boson's dipole vertex
    meets each lepton's own coupling). `jaxflav.predictions.Predictions` integrates it over bins
    exactly for any width (`jaxflav.observables.resonant`). a: (2, 10) complex (GeV²·C units),
    b: (2, 10) complex (C units).
    """

    mass: jax.Array
    width: jax.Array
    a: jax.Array
    b: jax.Array

    @classmethod
    def from_names(cls, mass, width, residues: dict):
        """From {WCxf name: (a, b)}; `C7_bs`/`C7p_bs` set both leptons."""
        check_names(residues)
        a, b = jnp.zeros((len(LEPTONS), DIM - 1), complex), jnp.zeros((len(LEPTONS), DIM - 1), complex)
        for row, lepton in enumerate(LEPTONS):
            for col, c in enumerate(COEFFICIENTS):
                if (name := wcxf_name(c, lepton)) in residues:
                    a = a.at[row, col].set(residues[name][0])
                    b = b.at[row, col].set(residues[name][1])
        return cls(jnp.asarray(mass, float), jnp.asarray(width, float), a, b)

    def residue_vectors(self, lepton: str):
        """(A, B), complex vectors of length DIM (leading 0) with x_NP(q²) = (A + B q²) BW(q²)."""
        row = list(LEPTONS).index(lepton)
        pad = lambda v: jnp.concatenate([jnp.zeros(1, complex), jnp.asarray(v, complex)])  # noqa: E731
        return pad(self.a[row]), pad(self.b[row])
