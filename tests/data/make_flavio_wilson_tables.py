"""Write the two flavio 2.7.1 tables that jaxflav/wilson.py reads, and print the SM coefficients.

Run with a Python that has flavio 2.7.1 installed, from the repository root:

    /work/flavio-venv/bin/python tests/data/make_flavio_wilson_tables.py

Writes
  jaxflav/data/wc_sm_dB1_nf5.json   flavio's NNLL SM ΔB=1 coefficients (n_f = 5) on its scale grid
                                     (flavio/physics/data/wcsm/wc_sm_dB1_2_55.npy, 15 × 8 numbers);
  jaxflav/data/f_12_79_arXiv0810.4077.npz
                                     F_1^(7), F_1^(9)·ŝ, F_2^(7), F_2^(9)·ŝ of Greub, Pilipovic, Schüpbach,
                                     arXiv:0810.4077, on flavio's (μ̂, z, ŝ) grid
                                     (flavio/physics/data/arXiv-0810-4077v3/f_12_79.dat).
and prints the coefficients at μ_b = 4.8 GeV as flavio's wctot_dict builds them.
"""

import json
from importlib import resources
from io import StringIO
from pathlib import Path

import numpy as np

import flavio
from flavio.physics.bdecays import wilsoncoefficients as wco

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "jaxflav" / "data"

ROWS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7eff", "C8eff", "C9", "C10",
        "C3Q", "C4Q", "C5Q", "C6Q", "Cb"]


def write_wcsm():
    table = np.asarray(wco.data, dtype=float)
    assert table.shape == (len(ROWS), len(wco.scales))
    out = {
        "description": "SM Wilson coefficients of the ΔB=1 effective Hamiltonian for n_f = 5 at NNLL, "
        "as tabulated by flavio 2.7.1 (C_low(scale, 120 GeV, default parameters, nf=5)); "
        "basis of hep-ph/0512066 (Chetyrkin-Misiak-Münz operators) except that C9, C10 carry an "
        "extra alpha_e/(4 pi) in the operator normalisation; C7, C8 are the effective C7eff, C8eff.",
        "source": "flavio 2.7.1, flavio/physics/data/wcsm/wc_sm_dB1_2_55.npy "
        "(loaded in flavio/physics/bdecays/wilsoncoefficients.py as wcsm_nf5)",
        "made_by": "tests/data/make_flavio_wilson_tables.py",
        "flavio_version": flavio.__version__,
        "scales_GeV": list(wco.scales),
        "rows": ROWS,
        "values": table.tolist(),
    }
    (DATA / "wc_sm_dB1_nf5.json").write_text(json.dumps(out, indent=1) + "\n")


def write_f_grid():
    with resources.as_file(resources.files("flavio.physics") /
                           "data/arXiv-0810-4077v3/f_12_79.dat") as path:
        arr = np.loadtxt(path)
    muh = np.unique(arr[:, 0]); z = np.unique(arr[:, 1]); sh = np.unique(arr[:, 2])
    shape = (len(muh), len(z), len(sh))
    assert arr.shape[0] == np.prod(shape)
    # rows are ordered muh-major, then z, then sh (as flavio reshapes them)
    assert np.array_equal(arr[:, 0].reshape(shape)[:, 0, 0], muh)
    assert np.array_equal(arr[:, 2].reshape(shape)[0, 0, :], sh)

    def cplx(i):
        return (arr[:, i] + 1j * arr[:, i + 1]).reshape(shape)

    np.savez_compressed(
        DATA / "f_12_79_arXiv0810.4077.npz",
        muh=muh, z=z, sh=sh,
        F17=cplx(3), shF19=cplx(5), F27=cplx(7), shF29=cplx(9),
        provenance=np.array(
            "Greub, Pilipovic, Schuepbach, arXiv:0810.4077 (JHEP 0812:040): F_1^(7), sh*F_1^(9), "
            "F_2^(7), sh*F_2^(9) on a grid muh = mu/m_b (11), z = m_c^2/m_b^2 (11), "
            "sh = q^2/m_b^2 (51), computed by flavio's authors with the C++ code in the arXiv "
            "source; copied unchanged from flavio 2.7.1 "
            "flavio/physics/data/arXiv-0810-4077v3/f_12_79.dat by "
            "tests/data/make_flavio_wilson_tables.py"),
    )


def print_sm():
    par = flavio.default_parameters.get_central_all()
    wc = wco.wctot_dict(flavio.WilsonCoefficients(), "bsmumu", 4.8, par)
    for k in ["C1_bs", "C2_bs", "C3_bs", "C4_bs", "C5_bs", "C6_bs", "C7_bs", "C8_bs",
              "C7eff_bs", "C8eff_bs", "C9_bsmumu", "C10_bsmumu", "C7p_bs", "C7effp_bs"]:
        print(f"{k:12s} {wc[k]!r}")


if __name__ == "__main__":
    write_wcsm()
    write_f_grid()
    print_sm()
