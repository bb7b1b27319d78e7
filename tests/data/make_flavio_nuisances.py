"""Writes tests/data/flavio_nuisances.json: flavio 2.7.1 predictions at random points of jaxflav's
nuisance prior (jaxflav/data/nuisances.json), for the nuisance path of jaxflav.predictions.

Run from the repository root with a Python that has flavio 2.7.1 (a few minutes on 2 processes):
    /tmp/flv/bin/python tests/data/make_flavio_nuisances.py

Points: POINTS draws (numpy seed SEED) of the Gaussian prior of every nuisance, block by block as
nuisances.json stores them (θ = μ + L z, L the Cholesky factor). Each point
sets flavio's parameters (all others central) and evaluates OBSERVABLES with
`Observable.prediction_par` in the SM and at one new-physics point (WC, basis 'flavio', 4.8 GeV).

JSON: "names" (the nuisances varied), "points" (their values, flavio's units), "wc",
"observables" ([name, *args]), "sm" and "np" (values[point][observable]), "central" (the
same at the central parameters: the reference's own baseline), "timing".
"""

import json
import multiprocessing
import pathlib
import time
import warnings

import flavio
import numpy as np

from make_flavio_bsll import dump, make_wc  # this folder is on sys.path when run as a script

T_START = time.perf_counter()
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = pathlib.Path(__file__).resolve().parent / "flavio_nuisances.json"
SEED, POINTS, PROCESSES = 2026, 10, 2
WC = {"C9_bsmumu": -1.0, "C10_bsmumu": 0.3}
OBSERVABLES = [
    ("<dBR/dq2>(B0->K*mumu)", 1.1, 2.5), ("<dBR/dq2>(B0->K*mumu)", 15.0, 19.0), ("<dBR/dq2>(B+->K*mumu)", 4.0, 6.0),
    ("<FL>(B0->K*mumu)", 1.1, 6.0), ("<P5p>(B0->K*mumu)", 4.0, 6.0), ("<P5p>(B0->K*mumu)", 15.0, 19.0),
    ("<AFB>(B0->K*mumu)", 15.0, 19.0), ("<P2>(B+->K*mumu)", 2.5, 4.0),
    ("<dBR/dq2>(Bs->phimumu)", 1.0, 6.0), ("<FL>(Bs->phimumu)", 1.1, 6.0),
    ("<dBR/dq2>(B+->Kmumu)", 1.1, 6.0), ("<dBR/dq2>(B0->Kmumu)", 15.0, 22.0),
    ("<Rmue>(B+->Kll)", 1.1, 6.0), ("<Rmue>(B0->K*ll)", 1.1, 6.0),
    ("BR(Bs->mumu)",), ("BR(B0->mumu)",),
]  # fmt: skip
warnings.filterwarnings("ignore")


def draws():
    blocks = json.loads((ROOT / "jaxflav/data/nuisances.json").read_text())["blocks"]
    rng = np.random.default_rng(SEED)
    names, values = [], []
    for b in blocks:
        L = np.linalg.cholesky(np.asarray(b["covariance"]))
        names += b["names"]
        values.append(np.asarray(b["central"]) + rng.standard_normal((POINTS, len(b["names"]))) @ L.T)
    return names, np.concatenate(values, axis=1)


def evaluate(task):
    names, point = task
    par = flavio.default_parameters.get_central_all()
    if point is not None:
        par.update(dict(zip(names, point)))
    out = {}
    for label, wc in (("sm", flavio.WilsonCoefficients()), ("np", make_wc(WC))):
        out[label] = [float(flavio.classes.Observable[o[0]].prediction_par(par, wc, *o[1:])) for o in OBSERVABLES]
    return out


def main():
    names, points = draws()
    tasks = [(names, None)] + [(names, list(p)) for p in points]
    with multiprocessing.Pool(PROCESSES) as pool:
        results = pool.map(evaluate, tasks)
    central, rest = results[0], results[1:]
    values = np.array([r["sm"] + r["np"] for r in results])
    if not np.all(np.isfinite(values)):
        raise SystemExit("non-finite flavio values; nothing written")
    data = {
        "flavio": flavio.__version__,
        "names": names,
        "points": points.tolist(),
        "wc": WC,
        "observables": [list(o) for o in OBSERVABLES],
        "central": central,
        "sm": [r["sm"] for r in rest],
        "np": [r["np"] for r in rest],
        "timing": {"wall_s": time.perf_counter() - T_START},
    }
    OUT.write_text(dump(data) + "\n")
    print(f"wrote {OUT}: {len(OBSERVABLES)} observables at {POINTS} nuisance points ({time.perf_counter() - T_START:.0f} s)")


if __name__ == "__main__":
    main()
