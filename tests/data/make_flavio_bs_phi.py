"""Writes tests/data/flavio_bs_phi.json: flavio 2.7.1's time-integrated angular observables of
B_s → φμμ (F_L, S_3, S_4, S_7; arXiv:1502.05509, flavio's observables_bs.py).

Run from the repository root with a venv holding flavio (`pip install flavio "particle<0.25"`):
    /tmp/flv/bin/python tests/data/make_flavio_bs_phi.py        (about 20 s)

Contents: {"flavio_version", "points": [{"label", "wc": {name: [re, im]}, "values": [rows]}]},
rows {"name", "q2min", "q2max", "value"} or {"name", "q2", "value"}; Wilson coefficients are NP
shifts in basis 'flavio', EFT 'WET', at 4.8 GeV. Deterministic; flavio's warnings silenced.
"""

import json
import pathlib
import warnings

import flavio

warnings.filterwarnings("ignore")
OUT = pathlib.Path(__file__).resolve().parent / "flavio_bs_phi.json"
BINS = [(0.1, 0.98), (1.1, 2.5), (2.5, 4.0), (4.0, 6.0), (6.0, 8.0), (1.1, 6.0), (15.0, 18.9)]
POINTWISE = [1.0, 4.0, 6.0, 15.0, 18.0]
OBSERVABLES = ["FL", "S3", "S4", "S7"]
POINTS = [
    ("SM", {}),
    ("C9mu=-1", {"C9_bsmumu": -1}),
    ("C9mu=1+1j", {"C9_bsmumu": 1 + 1j}),
    ("C10pmu=0.3,C9pmu=-0.4j", {"C10p_bsmumu": 0.3, "C9p_bsmumu": -0.4j}),
]


def rows(wc):
    out = []
    for o in OBSERVABLES:
        for lo, hi in BINS:
            name = f"<{o}>(Bs->phimumu)"
            out.append({"name": name, "q2min": lo, "q2max": hi, "value": flavio.np_prediction(name, wc, lo, hi)})
        for q2 in POINTWISE:
            name = f"{o}(Bs->phimumu)"
            out.append({"name": name, "q2": q2, "value": flavio.np_prediction(name, wc, q2)})
    return out


points = []
for label, shifts in POINTS:
    wc = flavio.WilsonCoefficients()
    wc.set_initial(shifts, scale=4.8, eft="WET", basis="flavio")
    points.append({"label": label, "wc": {k: [complex(v).real, complex(v).imag] for k, v in shifts.items()}, "values": rows(wc)})
OUT.write_text(json.dumps({"flavio_version": flavio.__version__, "points": points}, indent=1) + "\n")
print(f"wrote {OUT}")
