"""QCD-factorisation spectator-scattering corrections to the B→Vℓℓ vector helicity amplitudes.

The corrections (weak annihilation, O_8 and hard spectator scattering; Beneke, Feldmann, Seidel,
hep-ph/0106067, hep-ph/0412400) do not depend on new physics: flavio 2.7.1 tabulates them at the SM
Wilson coefficients for q² = 10⁻⁶ … 8.9 GeV² and interpolates linearly; jaxflav ships the same
table (`jaxflav/data/qcdf_spectator.npz`, written by `jaxflav/data/make_qcdf_spectator.py`) and
interpolates it the same way. Above q² = 8.9 GeV² they are zero, as in flavio.
"""

import functools
import importlib.resources

import jax.numpy as jnp
import numpy as np

Q2_END = 8.9


@functools.cache
def _table():
    with importlib.resources.as_file(importlib.resources.files("jaxflav") / "data/qcdf_spectator.npz") as path:
        data = np.load(path)
        return {k: data[k] for k in data.files}


def vector_amplitudes(q2, process: str, cp_conjugate: bool = False):
    """(H_0^V, H_+^V, H_−^V) corrections at q² (GeV²) for process "B0->K*0", "B+->K*+" or "Bs->phi"."""
    table = _table()
    name = f"{process} CP conjugate" if cp_conjugate else process
    if name not in table:
        raise ValueError(f"no QCDF table for {process!r}; known: B0->K*0, B+->K*+, Bs->phi")
    grid, values = table["q2"], table[name]  # values: q²H_+, q²H_-, √q² H_0
    q = jnp.clip(q2, grid[0], grid[-1])
    scaled = [jnp.interp(q, grid, values[:, i].real) + 1j * jnp.interp(q, grid, values[:, i].imag) for i in range(3)]
    inside = q2 < Q2_END
    h_plus, h_minus, h_zero = scaled[0] / q, scaled[1] / q, scaled[2] / jnp.sqrt(q)
    return jnp.where(inside, jnp.stack([h_zero, h_plus, h_minus]), 0.0)
