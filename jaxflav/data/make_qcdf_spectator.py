"""Write `qcdf_spectator.npz`: the QCD-factorisation spectator-scattering amplitudes of B→Vℓℓ.

These are flavio 2.7.1's tabulated corrections (its `data/qcdf_interpolate/qcdf_interpolate.npz`,
"all" contributions: weak annihilation, O_8 and spectator scattering, computed by flavio at the SM
Wilson coefficients and central inputs following Beneke, Feldmann, Seidel, hep-ph/0106067 and
hep-ph/0412400). They do not depend on new physics, so jaxflav adds them to the SM part of the
helicity amplitudes H_+^V, H_-^V, H_0^V. Stored as q²·H_±, √q²·H_0 on q² = 10⁻⁶ + 0.1 k GeV²
(k = 0…89), for the decay and its CP conjugate, in the amplitude normalisation of
`jaxflav.observables.b_to_vll` (prefactor 4G_F/√2 ξ_t α_e/4π included).

Run with a Python that has flavio 2.7.1:  python jaxflav/data/make_qcdf_spectator.py
"""

import importlib.resources
import pathlib

import flavio
import numpy as np

source = importlib.resources.files("flavio.physics") / "data/qcdf_interpolate/qcdf_interpolate.npz"
with importlib.resources.as_file(source) as path:
    table = np.load(path)
out = {"q2": np.arange(0 + 1e-6, 9 + 1e-6, 0.1), "flavio_version": np.array(flavio.__version__)}
for process in ("B0->K*0", "B+->K*+", "Bs->phi"):
    out[process] = table[f"{process} all"]
    out[f"{process} CP conjugate"] = table[f"{process} CP conjugate all"]
np.savez_compressed(pathlib.Path(__file__).with_name("qcdf_spectator.npz"), **out)
print("wrote qcdf_spectator.npz from flavio", flavio.__version__)
