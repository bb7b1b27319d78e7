"""Wilson-coefficient names (WCxf "flavio" basis) and the coefficient vector of the b→sℓℓ forms.

New physics in b→sℓℓ enters through six complex coefficients per lepton flavour ℓ, named as in
WCxf/flavio: `C7_bs`, `C7p_bs` (lepton-universal dipoles) and `C9_bsℓℓ`, `C9p_bsℓℓ`, `C10_bsℓℓ`,
`C10p_bsℓℓ` (e.g. `C9_bsmumu`, `C10p_bsee`). They are *shifts* from the Standard Model, defined at
μ_b = 4.8 GeV with the normalisation H_eff = −(4G_F/√2) V_tb V_ts* (e²/16π²) Σ C_i O_i.

Every b→sℓℓ rate is a Hermitian form x† M(q²) x in the vector
    x = (1, C7, C7p, C9, C9p, C10, C10p),
whose leading 1 carries the Standard Model (and any parameter-independent hadronic) amplitude.
"""

import jax.numpy as jnp

COEFFICIENTS = ("C7", "C7p", "C9", "C9p", "C10", "C10p")
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
    """The vector x = (1, C7, C7p, C9, C9p, C10, C10p) for lepton `lepton` at the points `q2`.

    `values` maps WCxf names to numbers or arrays broadcastable with `q2` (missing names are 0).
    Returns a complex array of shape q2.shape + (DIM,).
    """
    q2 = jnp.asarray(q2)
    one = jnp.ones(q2.shape, dtype=complex)
    cols = [one] + [jnp.broadcast_to(jnp.asarray(values.get(wcxf_name(c, lepton), 0.0), dtype=complex), q2.shape) for c in COEFFICIENTS]
    return jnp.stack(cols, axis=-1)
