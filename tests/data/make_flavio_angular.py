"""Writes tests/data/flavio_angular.json: flavio 2.7.1 central values of the B→K*ℓℓ angular observables.

Run from the repository root with a Python that has flavio 2.7.1 (about 30 s on 2 processes):
    /tmp/flv/bin/python tests/data/make_flavio_angular.py

Observables (flavio names), each O of S3, S4, S5, AFB, S7, S8, S9, FL, P1, P2, P3, P4p, P5p, P6p,
P8p:
  B0->K*mumu, B+->K*mumu  binned "<O>(mode)" in the bins BINS_MUMU, pointwise "O(mode)" at Q2_MUMU;
  B0->K*ee                binned <S5>, <FL>, <P5p>, <AFB> in BINS_EE, pointwise S5, FL, P5p at
                          Q2_EE (q² = 0.05 probes the lepton-mass terms).

Contents of the JSON (complex numbers as [re, im]):
  "sm"           flavio.sm_prediction of all rows above. A row is {"name", "q2min", "q2max", "value"}
                 (binned) or {"name", "q2", "value"} (pointwise);
  "np"           flavio.np_prediction at 7 Wilson-coefficient points, each
                 {"label", "wc": {name: [re, im]}, "values": [rows as above]}; the coefficients are
                 NP shifts in basis 'flavio', EFT 'WET', at scale 4.8 GeV. A point keeps only the
                 rows of the lepton whose coefficients it shifts (the muon points: both mumu modes;
                 "C9e=-0.8,C10e=0.5": the ee rows); points that shift only C7/C7' count as muon
                 points;
  "q2_dependent" the Breit–Wigner check: at each q² the pointwise S3, S4, S5, AFB, FL, P5p, P4p, S7,
                 S8, S9 of B0->K*mumu with the *constant* C9_bsmumu = a M²/(q² − M² + i M Γ) (a, M, Γ
                 in "q2_dependent_shape"); rows {"name", "q2", "wc": {"C9_bsmumu": [re, im]},
                 "value"};
  "skipped"      rows flavio refused or that lie below q² = 4 m_ℓ² (none expected);
  "timing"       wall time of the run and per row.

Before writing, the script checks that every value is finite, |S_i| ≤ 1, 0 ≤ FL ≤ 1, and that the
SM <P5p>(B0->K*mumu) in [4, 6] and <FL>(B0->K*mumu) in [1.1, 6] lie near flavio's known values; it
exits without writing otherwise. Everything except "timing" is deterministic (the worker pool
returns rows in task order). flavio's warnings (QCDF above 6 GeV²) are silenced.
"""

import json
import math
import multiprocessing
import os
import pathlib
import time
import warnings

import flavio

from make_flavio_bsll import BASIS, BW, EFT, SCALE, as_pair, breit_wigner, dump, make_wc  # the same settings, Breit–Wigner shape and JSON layout (this folder is on sys.path when run as a script)

T_START = time.perf_counter()
OUT = pathlib.Path(__file__).resolve().parent / "flavio_angular.json"
PROCESSES = 2
warnings.filterwarnings("ignore")

OBS = ["S3", "S4", "S5", "AFB", "S7", "S8", "S9", "FL",
       "P1", "P2", "P3", "P4p", "P5p", "P6p", "P8p"]
MODES_MUMU = ["B0->K*mumu", "B+->K*mumu"]
BINS_MUMU = [(0.1, 0.98), (1.1, 2.5), (2.5, 4.0), (4.0, 6.0), (6.0, 8.0), (1.1, 6.0),
             (15.0, 17.0), (17.0, 19.0), (15.0, 19.0)]
Q2_MUMU = [0.5, 1.0, 2.0, 4.0, 6.0, 7.9, 15.0, 18.0]

MODE_EE = "B0->K*ee"
OBS_EE_BINNED = ["S5", "FL", "P5p", "AFB"]
BINS_EE = [(0.1, 0.98), (1.1, 6.0)]
OBS_EE_POINT = ["S5", "FL", "P5p"]
Q2_EE = [0.05, 1.0, 4.0]

NP_POINTS = [
    ("C9mu=-1", {"C9_bsmumu": -1}),
    ("C9mu=1+1j", {"C9_bsmumu": 1 + 1j}),
    ("C10mu=0.7", {"C10_bsmumu": 0.7}),
    ("C9pmu=0.5,C10pmu=-0.3", {"C9p_bsmumu": 0.5, "C10p_bsmumu": -0.3}),
    ("C7=0.05,C7p=0.1j", {"C7_bs": 0.05, "C7p_bs": 0.1j}),
    ("combined", {"C9_bsmumu": -1.1, "C10_bsmumu": 0.4, "C9p_bsmumu": 0.3, "C10p_bsmumu": 0.2,
                  "C7_bs": -0.02}),
    ("C9e=-0.8,C10e=0.5", {"C9_bsee": -0.8, "C10_bsee": 0.5}),
]

BW_Q2 = [0.5, 1.0, 1.8, 2.25, 2.6, 3.5, 5.0]
BW_OBS = ["S3", "S4", "S5", "AFB", "FL", "P5p", "P4p", "S7", "S8", "S9"]
BW_MODE = "B0->K*mumu"


def specs_mumu():
    specs = [(f"<{o}>({m})", lo, hi) for m in MODES_MUMU for o in OBS for lo, hi in BINS_MUMU]
    specs += [(f"{o}({m})", q2) for m in MODES_MUMU for o in OBS for q2 in Q2_MUMU]
    return specs


def specs_ee():
    specs = [(f"<{o}>({MODE_EE})", lo, hi) for o in OBS_EE_BINNED for lo, hi in BINS_EE]
    specs += [(f"{o}({MODE_EE})", q2) for o in OBS_EE_POINT for q2 in Q2_EE]
    return specs


def lepton_of(name):
    return "e" if name.endswith("ee)") else "mu"


def point_lepton(shifts):
    """'e' if the point shifts only electron coefficients, else 'mu'."""
    return "e" if all(k.endswith("_bsee") for k in shifts) else "mu"


_WC_CACHE = {}


def predict(task):
    """One task (label, shifts or None for the SM, spec) -> (row or None, skip record or None)."""
    label, shifts, spec = task
    name, args = spec[0], spec[1:]
    row = {"name": name}
    row.update(zip(("q2",) if len(args) == 1 else ("q2min", "q2max"), args))
    try:
        if shifts is None:
            value = flavio.sm_prediction(name, *args)
        else:
            if label not in _WC_CACHE:
                _WC_CACHE[label] = make_wc(shifts)
            value = flavio.np_prediction(name, _WC_CACHE[label], *args)
        row["value"] = float(value)
    except Exception as err:  # noqa: BLE001 - record what flavio refuses and go on
        return None, {**row, "point": label, "reason": repr(err)}
    return row, None


def below_threshold(spec):
    """Skip record if the spec reaches below q² = 4 m_ℓ², else None."""
    params = flavio.default_parameters.get_central_all()
    m_l = params["m_e"] if lepton_of(spec[0]) == "e" else params["m_mu"]
    if min(spec[1:]) < 4 * m_l**2:
        row = dict(zip(("name", "q2") if len(spec) == 2 else ("name", "q2min", "q2max"), spec))
        return {**row, "reason": "q2 < 4 m_l^2"}
    return None


def check(sm, np_rows, q2_dependent):
    """List of problems: non-finite values, |S_i| > 1, FL outside [0, 1], odd SM anchors."""
    problems = []
    groups = [("SM", sm)] + [(p["label"], p["values"]) for p in np_rows]
    groups.append(("Breit-Wigner", q2_dependent))
    for label, rows in groups:
        for r in rows:
            v, n = r["value"], r["name"]
            obs = n.split("(")[0].strip("<>")
            where = f"{label}: {n} {r.get('q2', (r.get('q2min'), r.get('q2max')))} = {v}"
            if not math.isfinite(v):
                problems.append("not finite " + where)
            elif obs.startswith("S") and abs(v) > 1:
                problems.append("|S| > 1 " + where)
            elif obs == "FL" and not 0 <= v <= 1:
                problems.append("FL outside [0, 1] " + where)
    lookup = {(r["name"], r.get("q2min"), r.get("q2max")): r["value"] for r in sm}
    p5p = lookup.get(("<P5p>(B0->K*mumu)", 4.0, 6.0), math.nan)
    if not -0.85 < p5p < -0.65:
        problems.append(f"SM <P5p>(B0->K*mumu)[4, 6] = {p5p}, expected about -0.76")
    fl = lookup.get(("<FL>(B0->K*mumu)", 1.1, 6.0), math.nan)
    if not 0.7 <= fl <= 0.8:
        problems.append(f"SM <FL>(B0->K*mumu)[1.1, 6] = {fl}, expected 0.7-0.8")
    return problems


def main():
    skipped = []
    by_lepton = {"mu": specs_mumu(), "e": specs_ee()}
    for lep in by_lepton:
        kept = []
        for spec in by_lepton[lep]:
            skip = below_threshold(spec)
            if skip is None:
                kept.append(spec)
            else:
                skipped.append(skip)
        by_lepton[lep] = kept

    # One flat task list, in output order: SM, the NP points, the Breit–Wigner rows.
    tasks, groups = [], []  # groups: (kind, label, shifts, number of tasks)
    sm_specs = by_lepton["mu"] + by_lepton["e"]
    tasks += [("SM", None, s) for s in sm_specs]
    groups.append(("sm", "SM", None, len(sm_specs)))
    for label, shifts in NP_POINTS:
        specs = by_lepton[point_lepton(shifts)]
        tasks += [(label, shifts, s) for s in specs]
        groups.append(("np", label, shifts, len(specs)))
    for q2 in BW_Q2:
        shifts = {"C9_bsmumu": breit_wigner(q2)}
        label = f"Breit-Wigner q2={q2}"
        specs = [(f"{o}({BW_MODE})", q2) for o in BW_OBS]
        tasks += [(label, shifts, s) for s in specs]
        groups.append(("bw", label, shifts, len(specs)))

    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        results = pool.map(predict, tasks, chunksize=8)
    t_pool = time.perf_counter() - t0

    sm, np_rows, q2_dependent = [], [], []
    i = 0
    for kind, label, shifts, n in groups:
        rows = []
        for row, skip in results[i:i + n]:
            if skip is not None:
                skipped.append(skip)
            else:
                rows.append(row)
        i += n
        if kind == "sm":
            sm = rows
        elif kind == "np":
            np_rows.append({"label": label, "wc": {k: as_pair(v) for k, v in shifts.items()},
                            "values": rows})
        else:
            wc = {k: as_pair(v) for k, v in shifts.items()}
            q2_dependent += [{"name": r["name"], "q2": r["q2"], "wc": wc, "value": r["value"]}
                             for r in rows]

    problems = check(sm, np_rows, q2_dependent)
    if problems:
        for p in problems:
            print("CHECK FAILED:", p)
        raise SystemExit(f"{len(problems)} check(s) failed; {OUT} not written")

    timing = {
        "what": f"wall time of the {len(tasks)} flavio predictions on a pool of {PROCESSES} "
                "processes, and of the whole script",
        "pool_s": t_pool,
        "per_row_s": t_pool * PROCESSES / len(tasks),
        "script_wall_s": time.perf_counter() - T_START,
        "load_average": list(os.getloadavg()),
        "cpu_count": os.cpu_count(),
    }
    data = {
        "flavio_version": flavio.__version__,
        "settings": {"wc_basis": BASIS, "eft": EFT, "scale": SCALE,
                     "note": "central values; NP wc are shifts from the SM"},
        "sm": sm,
        "np": np_rows,
        "q2_dependent_shape": {**BW, "coefficient": "C9_bsmumu",
                               "formula": "a*M^2/(q2 - M^2 + 1j*M*Gamma)"},
        "q2_dependent": q2_dependent,
        "skipped": skipped,
        "timing": timing,
    }
    OUT.write_text(dump(data) + "\n")

    print(f"flavio {flavio.__version__}: {len(sm)} SM rows, NP rows "
          f"{', '.join('%s: %d' % (p['label'], len(p['values'])) for p in np_rows)}, "
          f"{len(q2_dependent)} q2-dependent rows, {len(skipped)} skipped "
          f"-> {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")
    lookup = {(r["name"], r.get("q2min"), r.get("q2max")): r["value"] for r in sm}
    cols = ["P5p", "FL", "AFB", "S5"]
    print(f"{'SM B0->K*mumu bin':<18}" + "".join(f"{c:>10}" for c in cols))
    for lo, hi in BINS_MUMU:
        vals = [lookup[(f"<{c}>(B0->K*mumu)", lo, hi)] for c in cols]
        print(f"{f'[{lo}, {hi}]':<18}" + "".join(f"{v:10.4f}" for v in vals))
    for r in skipped:
        print("skipped:", r)
    print(f"pool {t_pool:.1f} s ({timing['per_row_s']:.3f} s per row per process); "
          f"script {timing['script_wall_s']:.1f} s")


if __name__ == "__main__":
    main()
