"""The Table-1 χ² of 000_8c6ceb1288264742.txt (27 binned b→sℓℓ measurements) with q²-dependent
C9(q²), C10(q²) — a Breit–Wigner Z′-like resonance — on batches of parameter points, beside
flavio 2.7.1's np_prediction of the same 27 observables.

flavio is timed live when it can be imported, or through the interpreter named by the environment
variable JAXFLAV_FLAVIO_PYTHON (e.g. a venv with `pip install flavio "particle<0.25"`); otherwise
the timing stored with the flavio reference data (tests/data/flavio_bsll.json) is reported and
labelled as stored.
"""

import json
import os
import pathlib
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.runner import Result, chunked, time_jax

_FLAVIO_SCRIPT = r"""
import sys, time, json, warnings
warnings.filterwarnings("ignore")
import flavio
rows, points = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def point(p):
    # flavio takes constant coefficients: evaluate the resonance at each bin centre (its best effort;
    # q² = m_Bs² for an unbinned BR(Bs->mumu))
    a, b, m, g = p
    out = []
    for name, *args in rows:
        q2 = sum(args) / len(args) if args else 5.36692**2
        bw = m * m / (q2 - m * m + 1j * m * g)
        w = flavio.WilsonCoefficients()
        w.set_initial({"C9_bsmumu": a * bw, "C10_bsmumu": b * bw}, scale=4.8, eft="WET", basis="flavio")
        if name.startswith("<BR>") and "Xs" not in name:  # flavio has no binned <BR> for exclusive modes
            out.append(flavio.np_prediction(name.replace("<BR>", "<dBR/dq2>"), w, *args) * (args[1] - args[0]))
        else:
            out.append(flavio.np_prediction(name, w, *args))
    return out
point(points[0])  # warm-up
start = time.perf_counter()
for p in points:
    point(p)
print(json.dumps({"seconds_per_point": (time.perf_counter() - start) / len(points), "version": flavio.__version__}))
"""
FLAVIO_POINTS = ([0.2, 0.1, 1.2, 0.05], [0.4, -0.3, 2.0, 0.2], [-0.1, 0.5, 0.8, 0.01])  # (a, b, M, Γ)


def flavio_live_seconds(rows, points=FLAVIO_POINTS):
    """flavio 2.7's np_prediction seconds per point for the observables `rows` ((name, *args) as
    Predictions takes them) at Breit–Wigner points (a, b, M, Γ), C9, C10 at each bin's centre; run
    in this interpreter if flavio imports, else in JAXFLAV_FLAVIO_PYTHON; None if neither can."""
    rows = [[str(r[0]), *map(float, r[1:])] for r in rows]
    python = os.environ.get("JAXFLAV_FLAVIO_PYTHON")
    try:
        if python is None:
            import flavio  # noqa: F401

            python = sys.executable
        out = subprocess.run([python, "-c", _FLAVIO_SCRIPT, json.dumps(rows), json.dumps(points)], capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])["seconds_per_point"]
    except (ImportError, OSError, subprocess.CalledProcessError, ValueError, KeyError):
        return None


def stored_table1_seconds():
    """flavio's seconds per point for the 27 Table-1 observables, stored with tests/data/flavio_bsll.json."""
    stored = pathlib.Path(__file__).resolve().parents[1] / "tests/data/flavio_bsll.json"
    return json.loads(stored.read_text())["timing"]["np_table1_mean_s"]


def table_predictions():
    from jaxflav import measurements, predictions

    table = measurements.load("rashed2026_table1")
    rows = list(zip(table.names, table.q2min, table.q2max))
    return table, rows, predictions.Predictions([(n, float(lo), float(hi)) for n, lo, hi in rows])


def resonance(a, b, m, g):
    """C9_bsmumu(q²), C10_bsmumu(q²) = (a, b)·M²/(q² − M² + iMΓ)."""

    def wc(q2):
        bw = m * m / (q2 - m * m + 1j * m * g)
        return {"C9_bsmumu": a * bw, "C10_bsmumu": b * bw}

    return wc


def _flavio_seconds_per_point(rows):
    seconds = flavio_live_seconds(rows)
    if seconds is not None:
        return seconds, "flavio 2.7 np_prediction (live)"
    return stored_table1_seconds(), "flavio 2.7 np_prediction (stored)"


def bench_table1_chi2(rng, scale):
    from jaxflav import likelihood

    table, rows, predict = table_predictions()

    def chi2(a, b, m, g):
        return likelihood.chi2(predict(resonance(a, b, m, g)), table)

    n, chunk = int(1e5 * scale), 2000
    args = [
        jnp.asarray(rng.uniform(-0.5, 0.5, n)),
        jnp.asarray(rng.uniform(-0.5, 0.5, n)),
        jnp.asarray(10 ** rng.uniform(-1, np.log10(3.0), n)),
        jnp.asarray(10 ** rng.uniform(-3, -0.5, n)),
    ]
    compile_s, run_s = time_jax(chunked(jax.vmap(chi2), chunk), args)
    seconds, label = _flavio_seconds_per_point(rows)
    return Result("Table-1 chi2, BW C9(q2), C10(q2)", n, compile_s, run_s, label, 1, seconds)


def bench_table1_constant(rng, scale):
    from jaxflav import likelihood

    table, rows, predict = table_predictions()

    def chi2(c9, c10):
        return likelihood.chi2(predict({"C9_bsmumu": c9, "C10_bsmumu": c10}), table)

    n, chunk = int(1e6 * scale), 20000
    args = [jnp.asarray(rng.uniform(-2, 1, n)), jnp.asarray(rng.uniform(-1, 2, n))]
    compile_s, run_s = time_jax(chunked(jax.vmap(chi2), chunk), args)
    seconds, label = _flavio_seconds_per_point(rows)
    return Result("Table-1 chi2, constant C9, C10", n, compile_s, run_s, label, 1, seconds)


BENCHMARKS = {"table1-chi2-bw": bench_table1_chi2, "table1-chi2-constant": bench_table1_constant}
