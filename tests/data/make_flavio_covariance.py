"""Writes tests/data/flavio_covariance.json: flavio 2.7.1's `sm_covariance` of 24 observables
(Table-1 bins of B→K*μμ, B→Kμμ, B_s→φμμ; P5′ bins; R_K, R_K*; BR(B_s→μμ)) over jaxflav's
nuisance parameters, for jaxflav.theory_covariance.

Run from the repository root with a Python that has flavio 2.7.1 (several minutes on 2 threads):
    /tmp/flv/bin/python tests/data/make_flavio_covariance.py

flavio varies exactly the parameters of jaxflav/data/nuisances.json (`par_vary`), each drawn
from flavio's own prior (the same numbers), N draws with numpy seed SEED; its other parameters
stay central (jaxflav's inputs). JSON: "observables", "N", "names" (varied), "central"
(flavio.sm_prediction), "covariance", "timing".
"""

import json
import pathlib
import time
import warnings

import flavio
import numpy as np

from make_flavio_bsll import dump  # this folder is on sys.path when run as a script

T_START = time.perf_counter()
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = pathlib.Path(__file__).resolve().parent / "flavio_covariance.json"
N, SEED, THREADS = 2000, 2026, 2
TABLE1 = [
    ("B0->K*mumu", [(0.1, 0.98), (1.1, 2.5), (2.5, 4.0), (4.0, 6.0)]),
    ("B+->K*mumu", [(0.1, 2.0), (2.0, 4.0), (4.0, 6.0)]),
    ("B+->Kmumu", [(0.1, 0.98), (1.1, 2.0), (4.0, 5.0)]),
    ("B0->Kmumu", [(0.1, 2.0), (2.0, 4.0)]),
    ("Bs->phimumu", [(0.1, 0.98), (1.1, 2.5), (4.0, 6.0)]),
]
OBSERVABLES = (
    [(f"<dBR/dq2>({mode})", lo, hi) for mode, bins in TABLE1 for lo, hi in bins]
    + [("<P5p>(B0->K*mumu)", lo, hi) for lo, hi in ((0.1, 0.98), (1.1, 2.5), (2.5, 4.0), (4.0, 6.0), (15.0, 19.0))]
    + [("<Rmue>(B+->Kll)", 1.1, 6.0), ("<Rmue>(B0->K*ll)", 0.045, 1.1), ("<Rmue>(B0->K*ll)", 1.1, 6.0), ("BR(Bs->mumu)",)]
)
warnings.filterwarnings("ignore")


def main():
    names = [n for b in json.loads((ROOT / "jaxflav/data/nuisances.json").read_text())["blocks"] for n in b["names"]]
    np.random.seed(SEED)
    as_flavio = [o if len(o) > 1 else o[0] for o in OBSERVABLES]  # flavio takes a name alone, not a 1-tuple
    cov = flavio.sm_covariance(as_flavio, N=N, par_vary=names, threads=THREADS)
    central = [flavio.sm_prediction(o[0], *o[1:]) for o in OBSERVABLES]
    data = {
        "flavio": flavio.__version__,
        "observables": [list(o) for o in OBSERVABLES],
        "N": N,
        "names": names,
        "central": central,
        "covariance": np.asarray(cov).tolist(),
        "timing": {"wall_s": time.perf_counter() - T_START},
    }
    OUT.write_text(dump(data) + "\n")
    print(f"wrote {OUT}: {len(OBSERVABLES)} observables, N = {N} ({time.perf_counter() - T_START:.0f} s)")


if __name__ == "__main__":
    main()
