"""QCD-factorisation spectator-scattering corrections to the B→Vℓℓ vector helicity amplitudes.

The corrections (weak annihilation, O_8 and hard spectator scattering; Beneke, Feldmann, Seidel,
hep-ph/0106067, hep-ph/0412400) do not depend on new physics: flavio 2.7.1 tabulates them at the SM
Wilson coefficients for q² = 10⁻⁶ … 8.9 GeV² and interpolates linearly; jaxflav ships the same
table (`jaxflav/data/qcdf_spectator.npz`, written by `jaxflav/data/make_qcdf_spectator.py`) and
interpolates it the same way. Above q² = 8.9 GeV² they are zero, as in flavio.
"""

import functools
import importlib.resources
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

Q2_END = 8.9


@functools.cache
def _table():
    with importlib.resources.as_file(importlib.resources.files("jaxflav") / "data/qcdf_spectator.npz") as path:
        data = np.load(path)
        return {k: data[k] for k in data.files}


class Table(NamedTuple):
    """One process's table: q² grid, and q²H_+, q²H_−, √q² H_0 for the decay and its CP conjugate."""

    q2: np.ndarray
    values: np.ndarray  # (n, 3) complex
    values_bar: np.ndarray


PROCESSES = ("B0->K*0", "B+->K*+", "Bs->phi")


def table(process: str) -> Table:
    """The `Table` of "B0->K*0", "B+->K*+" or "Bs->phi"."""
    if process not in PROCESSES:
        raise ValueError(f"no QCDF table for {process!r}; known: {', '.join(PROCESSES)}")
    data = _table()
    return Table(data["q2"], data[process], data[f"{process} CP conjugate"])


def vector_amplitudes(q2, tab: Table, cp_conjugate: bool = False):
    """(H_0^V, H_+^V, H_−^V) corrections at q² (GeV²), linearly interpolated in q² as flavio does."""
    grid, values = tab.q2, tab.values_bar if cp_conjugate else tab.values
    q = jnp.clip(q2, grid[0], grid[-1])
    scaled = [jnp.interp(q, grid, jnp.real(values[:, i])) + 1j * jnp.interp(q, grid, jnp.imag(values[:, i])) for i in range(3)]
    h_plus, h_minus, h_zero = scaled[0] / q, scaled[1] / q, scaled[2] / jnp.sqrt(q)
    return jnp.where(q2 < Q2_END, jnp.stack([h_zero, h_plus, h_minus]), 0.0)
