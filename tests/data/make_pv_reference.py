"""Writes tests/data/pv_reference.json: mpmath values of the Passarino–Veltman functions.

Run from the repository root (takes ~10 minutes on 2 cores):
    python tests/data/make_pv_reference.py
The points are drawn inside the documented domain of kernels.pv: loop masses log-uniform in
[1e-3, 1e3] GeV, each squared momentum timelike below 0.9 of the threshold it could open or
spacelike, at scales from 1e-6 of that threshold up, and (for C) Δ > 0 on the whole simplex.
The references are in tests/pv_reference.py (no code shared with kernels.pv).
"""

import json
import multiprocessing
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import pv_reference as ref  # noqa: E402

N_B, N_C = 60, 60
MU2, DELTA = 3.7, 0.4  # a non-default renormalisation point, to test the μ² and Δ parts too


def _momentum(rng, mi, mj):
    threshold = (mi + mj) ** 2
    magnitude = threshold * 10 ** rng.uniform(-6, np.log10(0.9))
    return magnitude if rng.uniform() < 0.7 else -magnitude


def _min_delta(p1, p2, p3, m1, m2, m3):
    g = np.linspace(0, 1, 161)
    x1, x2 = np.meshgrid(g, g)
    x3 = 1 - x1 - x2
    ok = x3 >= 0
    d = x1 * m1 + x2 * m2 + x3 * m3 - x1 * x2 * p1 - x2 * x3 * p2 - x1 * x3 * p3
    return d[ok].min() / max(m1, m2, m3)


def b_points(rng):
    out = []
    while len(out) < N_B:
        m = 10 ** rng.uniform(-3, 3, 2)
        out.append((_momentum(rng, *m), m[0] ** 2, m[1] ** 2))
    return out


def c_points(rng):
    out = []
    while len(out) < N_C:
        m = 10 ** rng.uniform(-3, 3, 3)
        p = (_momentum(rng, m[0], m[1]), _momentum(rng, m[1], m[2]), _momentum(rng, m[0], m[2]))
        point = (*p, *(m**2))
        gram = p[0] * p[2] - (0.5 * (p[0] + p[2] - p[1])) ** 2
        if abs(gram) < 1e-6 * max(abs(x) for x in p) ** 2 or _min_delta(*point) <= 0:
            continue
        out.append(point)
    return out


def _b_row(point):
    row = {"args": point}
    for name in ("B0", "B1", "B00"):
        for tag, kw in (("", {}), ("_mu", {"mu2": MU2, "delta": DELTA})):
            v = getattr(ref, name)(*point, **kw)
            row[name + tag] = [float(v.real), float(v.imag)]
    row["A0"] = [float(ref.A0(point[1])), 0.0]
    return row


def _c_row(point):
    row = {"args": point}
    for tag, kw in (("", {}), ("_mu", {"mu2": MU2, "delta": DELTA})):
        values = ref.C_tensor(*point, **kw)
        for name in ("C0", "C1", "C2", "C00", "C11", "C12", "C22"):
            if tag and name != "C00":
                continue
            v = values[name]
            row[name + tag] = [float(v.real), float(v.imag)]
        row["residual" + tag] = float(abs(values["residual"]))
    return row


def physics_points():
    """b → s and s → d penguin kinematics: (m_b², m_s², q², M_W², m_q², m_q²) and permutations."""
    mw2, mq2 = 80.379**2, [0.0022**2, 1.275**2, 173.0**2]
    pts = []
    for mq in mq2:
        for q2 in (1e-4, 1.0, 8.0):
            pts.append((4.18**2, 0.095**2, q2, mw2, mq, mq) if q2 < 4 * mq else (4.18**2, 0.095**2, q2, mq, mw2, mw2))
            pts.append((4.18**2, 0.095**2, q2, mq, mw2, mw2))
    return pts


def main():
    rng = np.random.default_rng(20261122)
    bs, cs = b_points(rng), c_points(rng) + physics_points()
    with multiprocessing.Pool() as pool:
        b_rows = pool.map(_b_row, bs)
        c_rows = pool.map(_c_row, cs)
    path = pathlib.Path(__file__).with_name("pv_reference.json")
    meta = {"mu2": MU2, "delta": DELTA, "mpmath_dps": 40, "script": "tests/data/make_pv_reference.py"}
    path.write_text(json.dumps({"meta": meta, "B": b_rows, "C": c_rows}, indent=1))
    print(f"wrote {path}: {len(b_rows)} B points, {len(c_rows)} C points")


if __name__ == "__main__":
    main()
