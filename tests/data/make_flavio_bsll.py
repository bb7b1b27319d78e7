"""Writes tests/data/flavio_bsll.json: flavio 2.7.1 central values of b→sℓℓ observables.

Run from the repository root with the flavio venv (about a minute on 2 cores):
    /work/flavio-venv/bin/python tests/data/make_flavio_bsll.py

Contents of the JSON (complex numbers as [re, im]):
  "table1"       the 27 rows of Table 1 of seeds/000 (transcription shifts undone, see
                 seeds/README.md) with the paper's SM column [central, error] and its scale;
  "sm"           flavio.sm_prediction: the 27 Table-1 rows, further bins, R ratios, BR(Bs->mumu),
                 pointwise spectra. A row is {"name", "q2min", "q2max", "value"},
                 {"name", "q2", "value"} or {"name", "value"};
  "np"           flavio.np_prediction at 10 Wilson-coefficient points, each
                 {"label", "wc": {name: [re, im]}, "values": [rows as above]}; the coefficients are
                 NP shifts in basis 'flavio', EFT 'WET', at scale 4.8 GeV;
  "q2_dependent" the Breit–Wigner check: at each q² the pointwise dBR/dq2 with the *constant*
                 C9_bsmumu = ΔC9(q²) = a M²/(q² − M² + i M Γ) (a, M, Γ in
                 "q2_dependent_shape");
  "skipped"      points flavio refused or that lie below q² = 4 m_ℓ² (none expected);
  "timing"       wall time of np_prediction for the 27 Table-1 observables at one NP point.

flavio 2.7.1 has no binned <BR> for the exclusive modes, so rows named "<BR>(B+->Kee)",
"<BR>(B0->K*ee)", "<BR>(B+->Kmumu)", "<BR>(B0->K*mumu)" are <dBR/dq2> × (q2max − q2min) (exact:
flavio's <dBR/dq2> is the bin integral divided by the bin width); such rows carry "from".
Everything except "timing" is deterministic. flavio's warnings (QCDF above 6 GeV²) are silenced.
"""

import json
import os
import pathlib
import time
import warnings

import flavio

T_START = time.perf_counter()
OUT = pathlib.Path(__file__).resolve().parent / "flavio_bsll.json"
SCALE, EFT, BASIS = 4.8, "WET", "flavio"
warnings.filterwarnings("ignore")

# (name, q2min, q2max, scale, paper SM central, paper SM error): Table 1 of seeds/000.
TABLE1 = [
    ("<dBR/dq2>(B0->K*mumu)", 0.1, 0.98, 1e-8, 10.60, 1.54),
    ("<dBR/dq2>(B0->K*mumu)", 1.1, 2.5, 1e-8, 4.66, 0.74),
    ("<dBR/dq2>(B0->K*mumu)", 2.5, 4.0, 1e-8, 4.49, 0.70),
    ("<dBR/dq2>(B0->K*mumu)", 4.0, 6.0, 1e-8, 5.02, 0.75),
    ("<dBR/dq2>(B+->K*mumu)", 0.1, 2.0, 1e-8, 7.97, 1.15),
    ("<dBR/dq2>(B+->K*mumu)", 2.0, 4.0, 1e-8, 4.87, 0.76),
    ("<dBR/dq2>(B+->K*mumu)", 4.0, 6.0, 1e-8, 5.43, 0.74),
    ("<dBR/dq2>(B+->Kmumu)", 0.1, 0.98, 1e-8, 3.53, 0.64),
    ("<dBR/dq2>(B+->Kmumu)", 1.1, 2.0, 1e-8, 3.53, 0.58),
    ("<dBR/dq2>(B+->Kmumu)", 2.0, 3.0, 1e-8, 3.51, 0.52),
    ("<dBR/dq2>(B+->Kmumu)", 3.0, 4.0, 1e-8, 3.50, 0.63),
    ("<dBR/dq2>(B+->Kmumu)", 4.0, 5.0, 1e-8, 3.47, 0.60),
    ("<dBR/dq2>(B+->Kmumu)", 5.0, 6.0, 1e-8, 3.45, 0.53),
    ("<dBR/dq2>(B0->Kmumu)", 0.1, 2.0, 1e-8, 3.28, 0.52),
    ("<dBR/dq2>(B0->Kmumu)", 2.0, 4.0, 1e-8, 3.25, 0.56),
    ("<dBR/dq2>(B0->Kmumu)", 4.0, 6.0, 1e-8, 3.21, 0.54),
    ("<dBR/dq2>(Bs->phimumu)", 0.1, 0.98, 1e-8, 11.31, 1.34),
    ("<dBR/dq2>(Bs->phimumu)", 1.1, 2.5, 1e-8, 5.44, 0.61),
    ("<dBR/dq2>(Bs->phimumu)", 2.5, 4.0, 1e-8, 5.14, 0.73),
    ("<dBR/dq2>(Bs->phimumu)", 4.0, 6.0, 1e-8, 5.50, 0.69),
    ("<BR>(B+->Kee)", 0.1, 4.0, 1e-8, 13.73, 1.88),
    ("<BR>(B+->Kee)", 4.0, 8.12, 1e-8, 14.11, 1.88),
    ("<BR>(B0->K*ee)", 0.0009, 1.0, 1e-7, 2.56, 0.44),
    ("<BR>(B->Xsmumu)", 1.0, 6.0, 1e-6, 1.67, 0.15),
    ("<BR>(B->Xsee)", 1.0, 6.0, 1e-6, 1.74, 0.16),
    ("<dBR/dq2>(B+->Kee)", 1.1, 6.0, 1e-9, 34.9, 6.2),
    ("<dBR/dq2>(B0->K*ee)", 1.1, 6.0, 1e-9, 47.7, 7.5),
]
TABLE1_BINS = [(n, lo, hi) for n, lo, hi, *_ in TABLE1]

ANGULAR_BINS = [(0.1, 0.98), (1.1, 2.5), (2.5, 4.0), (4.0, 6.0), (1.1, 6.0), (15.0, 19.0)]
ANGULAR = [(f"<{o}>(B0->K*mumu)", lo, hi) for o in ("FL", "AFB", "P5p") for lo, hi in ANGULAR_BINS]
RATIOS = [("<Rmue>(B+->Kll)", 1.1, 6.0), ("<Rmue>(B+->Kll)", 0.1, 1.1),
          ("<Rmue>(B0->K*ll)", 0.045, 1.1), ("<Rmue>(B0->K*ll)", 1.1, 6.0)]
HIGH_Q2 = [(f"<dBR/dq2>({m})", 15.0, 19.0) for m in ("B0->K*ee", "B+->K*ee", "B0->Kee",
           "B+->K*mumu", "B0->K*mumu", "B+->Kmumu", "Bs->phimumu")]
BR_1_6 = [("<BR>(B+->Kmumu)", 1.0, 6.0), ("<BR>(B0->K*mumu)", 1.0, 6.0)]
SPECTRUM_MODES = ["B0->K*mumu", "B+->K*mumu", "B+->Kmumu", "B0->Kmumu", "Bs->phimumu",
                  "B0->K*ee", "B+->Kee"]
SPECTRUM_Q2 = [0.001, 0.05, 0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 15.0, 18.0]
ANGULAR_Q2 = [1.0, 2.0, 4.0, 6.0]

NP_POINTS = [
    ("C9mu=-1", {"C9_bsmumu": -1}),
    ("C10mu=0.7", {"C10_bsmumu": 0.7}),
    ("C9pmu=0.5", {"C9p_bsmumu": 0.5}),
    ("C9e=-0.8", {"C9_bsee": -0.8}),
    ("C7=0.05", {"C7_bs": 0.05}),
    ("C10pmu=0.3", {"C10p_bsmumu": 0.3}),
    ("combined", {"C9_bsmumu": -1, "C10_bsmumu": 0.7, "C9p_bsmumu": 0.5, "C9_bsee": -0.8}),
    ("C9mu=1+1j", {"C9_bsmumu": 1 + 1j}),
    ("C7p=0.1", {"C7p_bs": 0.1}),
    ("C9pe=0.4,C10e=-0.5", {"C9p_bsee": 0.4, "C10_bsee": -0.5}),
]
NP_BINS = TABLE1_BINS + RATIOS + ANGULAR + [("BR(Bs->mumu)",)]

BW = {"a": 0.5, "M": 1.5, "Gamma": 0.2}
BW_Q2 = [0.5, 1.0, 1.8, 2.25, 2.6, 3.5, 5.0]
BW_OBS = ["dBR/dq2(B0->K*mumu)", "dBR/dq2(B+->Kmumu)", "dBR/dq2(Bs->phimumu)"]

# Binned <BR> that flavio 2.7.1 lacks: computed from <dBR/dq2> times the bin width.
DERIVED_BR = {"<BR>(B+->Kee)", "<BR>(B0->K*ee)", "<BR>(B+->Kmumu)", "<BR>(B0->K*mumu)"}

skipped = []


def make_wc(shifts):
    wc = flavio.WilsonCoefficients()
    wc.set_initial(dict(shifts), scale=SCALE, eft=EFT, basis=BASIS)
    return wc


def predict(spec, wc=None, label="SM"):
    """One row: spec is (name,), (name, q2) or (name, q2min, q2max); wc=None means the SM."""
    name, args = spec[0], spec[1:]
    row = {"name": name}
    row.update(zip(("q2",) if len(args) == 1 else ("q2min", "q2max"), args))
    flavio_name, factor = name, 1.0
    if name in DERIVED_BR:
        flavio_name, factor = name.replace("<BR>", "<dBR/dq2>"), args[1] - args[0]
        row["from"] = f"{flavio_name} * (q2max - q2min)"
    try:
        if wc is None:
            value = flavio.sm_prediction(flavio_name, *args)
        else:
            value = flavio.np_prediction(flavio_name, wc, *args)
    except Exception as err:  # noqa: BLE001 - record what flavio refuses and go on
        skipped.append({**row, "point": label, "reason": repr(err)})
        return None
    row["value"] = float(value) * factor
    return row


def sm_specs():
    params = flavio.default_parameters.get_central_all()
    specs = list(TABLE1_BINS) + HIGH_Q2 + ANGULAR + RATIOS + [("BR(Bs->mumu)",)] + BR_1_6
    for mode in SPECTRUM_MODES:
        m_l = params["m_e"] if mode.endswith("ee") else params["m_mu"]
        for q2 in SPECTRUM_Q2:
            if q2 == 0.001 and not mode.endswith("ee"):
                continue  # 0.001 is asked for the electron modes only
            if q2 < 4 * m_l**2:
                skipped.append({"name": f"dBR/dq2({mode})", "q2": q2, "reason": "q2 < 4 m_l^2"})
                continue
            specs.append((f"dBR/dq2({mode})", q2))
    specs += [(f"{o}(B0->K*mumu)", q2) for o in ("FL", "AFB", "P5p") for q2 in ANGULAR_Q2]
    return specs


def as_pair(z):
    z = complex(z)
    return [z.real, z.imag]


def breit_wigner(q2):
    m2 = BW["M"] ** 2
    return BW["a"] * m2 / (q2 - m2 + 1j * BW["M"] * BW["Gamma"])


def time_table1():
    """Average wall time of np_prediction for the 27 Table-1 observables at one NP point."""
    def one_point(shifts):
        wc = make_wc(shifts)
        t0 = time.perf_counter()
        for spec in TABLE1_BINS:
            predict(spec, wc)
        return time.perf_counter() - t0

    warmup = one_point({"C9_bsmumu": -0.3})
    points = [{"C9_bsmumu": -1.1}, {"C10_bsmumu": 0.6, "C9_bsee": -0.2}, {"C9p_bsmumu": 0.3j}]
    times = [one_point(p) for p in points]
    return {
        "what": "flavio.np_prediction of the 27 Table-1 observables at one NP point "
                "(fresh WilsonCoefficients each), mean over 3 points after a warm-up point",
        "np_table1_mean_s": sum(times) / len(times),
        "np_table1_each_s": times,
        "warmup_s": warmup,
        "points": [{k: as_pair(v) for k, v in p.items()} for p in points],
        "load_average": list(os.getloadavg()),
        "cpu_count": os.cpu_count(),
    }


def dump(obj, indent=0):
    """JSON with anything that fits in ~140 characters kept on one line."""
    flat = json.dumps(obj)
    if len(flat) + indent <= 140 or not isinstance(obj, (dict, list)):
        return flat
    pad, inner = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        items = [f"{inner}{json.dumps(k)}: {dump(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return "[\n" + ",\n".join(inner + dump(v, indent + 1) for v in obj) + "\n" + pad + "]"


def main():
    sm = [r for r in (predict(s) for s in sm_specs()) if r is not None]

    np_rows = []
    for label, shifts in NP_POINTS:
        wc = make_wc(shifts)
        values = [r for r in (predict(s, wc, label) for s in NP_BINS) if r is not None]
        np_rows.append({"label": label, "wc": {k: as_pair(v) for k, v in shifts.items()},
                        "values": values})

    q2_dependent = []
    for name in BW_OBS:
        for q2 in BW_Q2:
            dc9 = breit_wigner(q2)
            row = predict((name, q2), make_wc({"C9_bsmumu": dc9}), f"Breit-Wigner q2={q2}")
            if row is not None:
                q2_dependent.append({"name": name, "q2": q2, "C9_bsmumu": as_pair(dc9),
                                     "value": row["value"]})

    timing = time_table1()
    timing["script_wall_s"] = time.perf_counter() - T_START
    table1 = [{"name": n, "q2min": lo, "q2max": hi, "scale": s, "paper_sm": [c, e]}
              for n, lo, hi, s, c, e in TABLE1]
    data = {
        "flavio_version": flavio.__version__,
        "settings": {"wc_basis": BASIS, "eft": EFT, "scale": SCALE,
                     "note": "central values; NP wc are shifts from the SM"},
        "table1": table1,
        "sm": sm,
        "np": np_rows,
        "q2_dependent_shape": {**BW, "formula": "a*M^2/(q2 - M^2 + 1j*M*Gamma)"},
        "q2_dependent": q2_dependent,
        "skipped": skipped,
        "timing": timing,
    }
    OUT.write_text(dump(data) + "\n")

    sm_lookup = {(r["name"], r.get("q2min"), r.get("q2max")): r["value"] for r in sm}
    print(f"flavio {flavio.__version__}: {len(sm)} SM rows, {len(np_rows)} NP points x "
          f"{len(np_rows[0]['values'])} rows, {len(q2_dependent)} q2-dependent rows, "
          f"{len(skipped)} skipped -> {OUT} ({OUT.stat().st_size / 1e3:.0f} kB)")
    print(f"{'Table 1 row':<40} {'flavio':>8} {'paper':>14}")
    for n, lo, hi, s, c, e in TABLE1:
        print(f"{n + f' [{lo}, {hi}]':<40} {sm_lookup[(n, lo, hi)] / s:8.3f} {c:8.2f} ± {e:.2f}"
              f"  (x{s:g})")
    for r in skipped:
        print("skipped:", r)
    print(f"np_prediction, 27 Table-1 observables: {timing['np_table1_mean_s']:.3f} s per point "
          f"(each {', '.join(f'{t:.3f}' for t in timing['np_table1_each_s'])}); "
          f"script {timing['script_wall_s']:.1f} s")


if __name__ == "__main__":
    main()
