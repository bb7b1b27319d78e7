"""Writes tests/data/flavio_scalar.json: flavio 2.7.1 with the scalar and pseudoscalar operators
CS, CSp, CP, CPp (WCxf names CS_bsmumu, …) in BR(B_s → ℓℓ), B → Kℓℓ, B → K*ℓℓ (rates and angular
observables) and B_s → φℓℓ.

Run from the repository root with a venv holding flavio (`pip install flavio "particle<0.25"`):
    /tmp/flv/bin/python tests/data/make_flavio_scalar.py        (about a minute)

Contents: {"flavio_version", "points": [{"label", "wc": {name: [re, im]}, "values": [rows]}]},
rows {"name", "value"}, {"name", "q2", "value"} or {"name", "q2min", "q2max", "value"}; the
coefficients are NP shifts in basis 'flavio', EFT 'WET', at 4.8 GeV. The first point is the SM.
Deterministic; flavio's warnings silenced.
"""

import json
import pathlib
import warnings

import flavio

warnings.filterwarnings("ignore")
OUT = pathlib.Path(__file__).resolve().parent / "flavio_scalar.json"


def rows_for(ll):
    rows = [(f"BR(Bs->{ll})",), (f"BR(B0->{ll})",)]  # B⁰: the SM (b → s shifts leave it alone)
    rows += [(f"<dBR/dq2>(B+->K{ll})", lo, hi) for lo, hi in ((0.1, 0.98), (1.1, 6.0), (15.0, 22.0))]
    rows += [(f"dBR/dq2(B+->K{ll})", q2) for q2 in (0.2, 1.0, 4.0, 18.0)]
    rows += [(f"<dBR/dq2>(B0->K*{ll})", lo, hi) for lo, hi in ((0.1, 0.98), (1.1, 6.0), (15.0, 19.0))]
    rows += [(f"<{o}>(B0->K*{ll})", lo, hi) for o in ("FL", "AFB", "S4", "S5", "S7", "P4p", "P5p") for lo, hi in ((0.1, 0.98), (1.1, 2.5), (4.0, 6.0), (15.0, 19.0))]
    rows += [(f"{o}(B0->K*{ll})", q2) for o in ("FL", "AFB", "S5") for q2 in (0.1, 1.0, 4.0)]
    rows += [(f"<{o}>(Bs->phi{ll})", 1.1, 6.0) for o in ("FL", "S3")] + [(f"<dBR/dq2>(Bs->phi{ll})", 1.1, 6.0)]
    return rows


POINTS = [
    ("SM", {}, "mumu"),
    ("CS=0.05,CP=0.03j", {"CS_bsmumu": 0.05, "CP_bsmumu": 0.03j}, "mumu"),
    ("CSp=0.04,CPp=-0.02", {"CSp_bsmumu": 0.04, "CPp_bsmumu": -0.02}, "mumu"),
    ("CP=0.05,C10=0.5", {"CP_bsmumu": 0.05, "C10_bsmumu": 0.5}, "mumu"),
    ("all scalars, complex", {"CS_bsmumu": -0.03 + 0.02j, "CSp_bsmumu": 0.01j, "CP_bsmumu": 0.02, "CPp_bsmumu": -0.04 + 0.01j}, "mumu"),
    ("ee: CS=0.1,CP=0.1", {"CS_bsee": 0.1, "CP_bsee": 0.1}, "ee"),
]


def value(spec, wc):
    name, *args = spec
    return {"name": name, **dict(zip(("q2",) if len(args) == 1 else ("q2min", "q2max"), args)), "value": flavio.np_prediction(name, wc, *args)}


points = []
for label, shifts, ll in POINTS:
    wc = flavio.WilsonCoefficients()
    wc.set_initial(shifts, scale=4.8, eft="WET", basis="flavio")
    points.append({"label": label, "wc": {k: [complex(v).real, complex(v).imag] for k, v in shifts.items()}, "values": [value(r, wc) for r in rows_for(ll)]})
OUT.write_text(json.dumps({"flavio_version": flavio.__version__, "points": points}, indent=1) + "\n")
print(f"wrote {OUT}")
