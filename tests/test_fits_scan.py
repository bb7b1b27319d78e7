"""fits.scan: deterministic designs (Threefry, Joe–Kuo Sobol, grids), chunked and sharded
evaluation, atomic chunk files, resume after SIGKILL, multi-device and multi-process equality,
bounded memory with reductions, and the errors that name the culprit."""

import io
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import textwrap
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from fits.scan import Best, Profile, Progress, ScanResult, merge, missing_chunks, scan, scan_points, threefry2x32
from fits.space import Parameter, Space

ROOT = pathlib.Path(__file__).resolve().parents[1]
SPACE = Space([Parameter("a", -2.0, 2.0), Parameter("m", 0.1, 10.0, "log"), Parameter("c", -1.0, 3.0)])


def rosenbrock(x):
    """A 3-D χ²: Rosenbrock valley in (a, ln m) plus a Gaussian in c (a sum over the point's axis)."""
    y = jnp.stack([x[0], jnp.log(x[1]), x[2]])
    return (1 - y[0]) ** 2 + 100 * (y[1] - y[0] ** 2) ** 2 + jnp.sum(jnp.sin(y) ** 2) + (y[2] - 0.5) ** 2


def _rosenbrock_numpy(x):
    y = np.stack([x[:, 0], np.log(x[:, 1]), x[:, 2]], -1)
    return (1 - y[:, 0]) ** 2 + 100 * (y[:, 1] - y[:, 0] ** 2) ** 2 + np.sum(np.sin(y) ** 2, -1) + (y[:, 2] - 0.5) ** 2


def _run(script, *args, env=None, timeout=300):
    """Run a Python script (source text) in a fresh interpreter from the repository root."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def _check(proc):
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


# --- designs ----------------------------------------------------------------------------------
def test_threefry_matches_random123_known_answers():
    # Random123 kat_vectors, threefry2x32_20 (also jax's test_threefry_2x32)
    cases = [((0, 0), (0, 0), (0x6B200159, 0x99BA4EFE)),
             ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF), (0x1CB996FC, 0xBB002BE7)),
             ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0))]  # fmt: skip
    for key, (c0, c1), expected in cases:
        for xp in (np, jnp):
            out = threefry2x32(key, xp.asarray([c0], dtype=np.uint32), xp.asarray([c1], dtype=np.uint32))
            assert (int(out[0][0]), int(out[1][0])) == expected


@pytest.mark.parametrize("dim", [1, 2, 5, 21])
def test_unscrambled_sobol_equals_scipy_joe_kuo(dim):
    qmc = pytest.importorskip("scipy.stats.qmc")
    space = Space([Parameter(f"p{i}", 0.0, 1.0) for i in range(dim)])
    mine = scan_points(space, np.arange(4096), design="sobol", points=4096, scramble=False)
    assert np.array_equal(mine, qmc.Sobol(dim, scramble=False, bits=32).random(4096))


def test_scrambled_sobol_is_a_net_and_beats_random_discrepancy():
    qmc = pytest.importorskip("scipy.stats.qmc")
    m, dim = 12, 5
    space = Space([Parameter(f"p{i}", 0.0, 1.0) for i in range(dim)])
    t = scan_points(space, np.arange(2**m), design="sobol", points=2**m, seed=7)
    # every coordinate is stratified: one point per interval [j, j + 1)/2^m
    for k in range(dim):
        assert np.array_equal(np.sort(np.floor(t[:, k] * 2**m)), np.arange(2**m))
    # the first two coordinates form a (0, m, 2)-net: one point in every 2^-a × 2^-(m-a) box
    for a in (3, 6, 9):
        boxes = np.floor(t[:, 0] * 2**a) * 2 ** (m - a) + np.floor(t[:, 1] * 2 ** (m - a))
        assert np.array_equal(np.sort(boxes), np.arange(2**m))
    random = scan_points(space, np.arange(2**m), design="random", points=2**m, seed=7)
    for method, factor in (("CD", 0.05), ("L2-star", 0.5)):  # seen: 0.005 and 0.23
        assert qmc.discrepancy(t, method=method) < factor * qmc.discrepancy(random, method=method)
    # a different seed scrambles differently
    assert not np.array_equal(t, scan_points(space, np.arange(2**m), design="sobol", points=2**m, seed=8))


def test_random_points_are_uniform_in_each_scale():
    stats = pytest.importorskip("scipy.stats")
    x = scan_points(SPACE, np.arange(20000), design="random", points=10**6, seed=3)
    t = np.stack([(x[:, 0] + 2) / 4, (np.log(x[:, 1]) - np.log(0.1)) / np.log(100), (x[:, 2] + 1) / 4], -1)
    for k in range(3):
        assert stats.kstest(t[:, k], "uniform").pvalue > 1e-3
    assert abs(np.corrcoef(t.T)[0, 1]) < 0.03


def test_points_are_a_function_of_design_seed_and_index_only():
    for design, n in (("random", 30011), ("sobol", 2**15), ("grid", (47, 1, 300))):
        full = scan(rosenbrock, SPACE, design=design, points=n, seed=5, chunk=7001, block=512, progress=False)
        idx = np.array([0, 1, 7000, 7001, full.x.shape[0] - 1])
        assert np.array_equal(scan_points(SPACE, idx, design=design, points=n, seed=5), full.x[idx])
        assert np.all(SPACE.contains(full.x))
        np.testing.assert_allclose(full.values, _rosenbrock_numpy(full.x), rtol=1e-12, atol=1e-12)
    other = scan(rosenbrock, SPACE, design="grid", points=(47, 1, 300), seed=5, chunk=4096, block=256, progress=False)
    assert np.array_equal(full.x, other.x)  # the chunking does not move points
    np.testing.assert_allclose(full.values, other.values, rtol=1e-14)
    a = scan_points(SPACE, np.arange(100), design="random", points=100, seed=1)
    assert not np.array_equal(a, scan_points(SPACE, np.arange(100), design="random", points=100, seed=2))


def test_grid_is_c_ordered_with_log_axes_and_a_centred_single_node():
    space = Space([Parameter("a", -1.0, 1.0), Parameter("m", 0.01, 1.0, "log"), Parameter("z", 0.0, 4.0)])
    r = scan(lambda x: x[0] + x[2], space, design="grid", points=(3, 5, 1), progress=False)
    ga, gm, gz = np.meshgrid([-1.0, 0.0, 1.0], np.geomspace(0.01, 1.0, 5), [2.0], indexing="ij")
    np.testing.assert_allclose(r.x, np.stack([ga.ravel(), gm.ravel(), gz.ravel()], -1), rtol=1e-14)
    assert r.x[0, 1] == 0.01 and r.x[4, 1] == 1.0  # bounds hit exactly (clipped against rounding)
    cube = scan(lambda x: x[0], SPACE, design="grid", points=8000, progress=False)
    assert cube.metadata["counts"] == [20, 20, 20]


def test_float32_points_and_values_when_asked():
    r = scan(rosenbrock, SPACE, design="sobol", points=4096, dtype=jnp.float32, progress=False)
    assert r.x.dtype == np.float32 and r.values.dtype == np.float32
    np.testing.assert_allclose(r.x, scan_points(SPACE, np.arange(4096), design="sobol", points=4096), rtol=1e-6, atol=1e-6)


# --- reductions and results -------------------------------------------------------------------
def test_best_and_profile_equal_the_full_scan():
    f = lambda x: {"chi2": jnp.round(rosenbrock(x), 1), "grad": jax.grad(rosenbrock)(x)}  # noqa: E731 (rounded: ties)
    full = scan(f, SPACE, design="random", points=30011, chunk=4000, progress=False)
    chi2 = full.values["chi2"]
    best = scan(f, SPACE, design="random", points=30011, chunk=4000, keep=Best(25, by="chi2"), progress=False)
    order = np.lexsort((np.arange(chi2.size), chi2))[:25]
    assert np.array_equal(best.index, order) and np.array_equal(best.x, full.x[order])
    assert np.array_equal(best.values["grad"], full.values["grad"][order])

    prof = scan(f, SPACE, design="random", points=30011, chunk=3000, keep=Profile(("a", "m"), 12, by="chi2"), progress=False)
    edges_a, edges_m = prof.reduced["edges.a"], prof.reduced["edges.m"]
    np.testing.assert_allclose(edges_m, np.geomspace(0.1, 10, 13), rtol=1e-12)
    ia = np.clip(np.searchsorted(edges_a, full.x[:, 0], side="right") - 1, 0, 11)
    im = np.clip(np.searchsorted(edges_m, full.x[:, 1], side="right") - 1, 0, 11)
    for i in range(12):
        for j in range(12):
            inside = np.flatnonzero((ia == i) & (im == j))
            k = inside[np.lexsort((inside, chi2[inside]))[0]]
            assert prof.reduced["min"][i, j] == chi2[k] and prof.reduced["index_at_min"][i, j] == k
            assert np.array_equal(prof.reduced["x_at_min"][i, j], full.x[k])


def test_result_round_trips_through_npz(tmp_path):
    f = lambda x: {"chi2": rosenbrock(x), "pulls": x[:2] ** 2}  # noqa: E731
    r = scan(f, SPACE, design="sobol", points=1024, progress=False)
    assert set(r.values) == {"chi2", "pulls"} and r.values["pulls"].shape == (1024, 2)
    r.to_npz(tmp_path / "r.npz")
    back = ScanResult.from_npz(tmp_path / "r.npz")
    assert back.names == SPACE.names and np.array_equal(back.x, r.x)
    assert all(np.array_equal(back.values[k], r.values[k]) for k in r.values)
    assert back.metadata == json.loads(json.dumps(r.metadata))
    b = scan(f, SPACE, design="sobol", points=1024, keep=Profile("c", 4, by="chi2"), progress=False)
    b.to_npz(tmp_path / "b.npz")
    assert np.array_equal(ScanResult.from_npz(tmp_path / "b.npz").reduced["min"], b.reduced["min"])


# --- disk, resume, workers --------------------------------------------------------------------
def test_chunks_are_written_atomically_and_resume_recomputes_only_missing(tmp_path):
    out = tmp_path / "scan"
    kw = dict(design="sobol", points=10000, seed=2, chunk=1024, out=out, progress=False)
    first = scan(rosenbrock, SPACE, **kw)
    files = sorted(p.name for p in out.iterdir())
    assert files == ["chunk_%06d.npz" % i for i in range(10)] + ["scan.json"]
    manifest = json.loads((out / "scan.json").read_text())
    assert manifest["n"] == 10000 and manifest["chunk"] == 1024 and manifest["n_chunks"] == 10
    assert manifest["names"] == ["a", "m", "c"] and len(manifest["fingerprint"]) == 64
    merged = merge(out)
    assert np.array_equal(merged.x, first.x) and np.array_equal(merged.values, first.values)
    # lose two chunks, leave a stale temporary file: only those two are recomputed
    (out / "chunk_000003.npz").unlink()
    (out / "chunk_000009.npz").rename(out / "chunk_000009.npz.tmp")
    assert missing_chunks(out) == [3, 9]
    with pytest.raises(ValueError, match="2 of 10 chunks missing"):
        merge(out)
    again = scan(rosenbrock, SPACE, **{**kw, "chunk": None})  # chunk=None: the manifest's
    assert again.metadata["run"]["chunks_computed"] == 2 and again.metadata["run"]["chunks_loaded"] == 8
    assert np.array_equal(again.x, first.x) and np.array_equal(again.values, first.values)
    assert not list(out.glob("*.tmp"))


def test_resume_refuses_a_different_scan_and_resume_false_starts_over(tmp_path):
    out = tmp_path / "scan"
    kw = dict(design="random", points=5000, chunk=1000, out=out, progress=False)
    scan(rosenbrock, SPACE, **kw)
    with pytest.raises(ValueError, match="seed: on disk 0, now 1"):
        scan(rosenbrock, SPACE, **{**kw, "seed": 1})
    with pytest.raises(ValueError, match="function: the scanned function"):
        scan(lambda x: rosenbrock(x) + 1.0, SPACE, **kw)
    with pytest.raises(ValueError, match="chunk: on disk 1000, now 500"):
        scan(rosenbrock, SPACE, **{**kw, "chunk": 500})
    redo = scan(rosenbrock, SPACE, **{**kw, "seed": 1, "chunk": 2500, "resume": False})
    assert redo.metadata["run"]["chunks_computed"] == 2 and sorted(p.name for p in out.glob("chunk_*")) == ["chunk_000000.npz", "chunk_000001.npz"]  # noqa: E501
    assert np.array_equal(merge(out).values, redo.values)


def test_workers_split_chunks_and_merge_equals_one_run(tmp_path):
    kw = dict(design="grid", points=(31, 17, 5), chunk=300, progress=False)
    single = scan(rosenbrock, SPACE, **kw)
    out = tmp_path / "shared"
    assert scan(rosenbrock, SPACE, **kw, out=out, worker=(1, 3)) is None  # others' chunks still missing
    assert missing_chunks(out) == [i for i in range(9) if i % 3 != 1]
    assert scan(rosenbrock, SPACE, **kw, out=out, worker=(0, 3)) is None
    last = scan(rosenbrock, SPACE, **kw, out=out, worker=(2, 3), keep=Best(3))
    assert last.metadata["run"]["chunks_computed"] == 3
    order = np.argsort(single.values, kind="stable")[:3]
    assert np.array_equal(last.index, order)
    merged = merge(out)
    assert np.array_equal(merged.x, single.x) and np.array_equal(merged.values, single.values)


_RESUME_JOB = """
import os, sys, time
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np
import fits.scan
from fits.space import Parameter, Space

if os.environ.get("SCAN_TEST_SLOW_WRITES"):  # the victim: slow chunk writes, so it is killed mid-way
    save = fits.scan._save_chunk
    fits.scan._save_chunk = lambda *args: (save(*args), time.sleep(0.05))

SPACE = Space([Parameter("a", -2.0, 2.0), Parameter("b", -1.0, 3.0), Parameter("c", 0.01, 100.0, "log")])

def chi2(x):  # a 3-D Rosenbrock χ² (in a, b, ln c)
    y = jnp.stack([x[0], x[1], jnp.log(x[2])])
    return jnp.sum(100 * (y[1:] - y[:-1] ** 2) ** 2 + (1 - y[:-1]) ** 2)

out = None if sys.argv[1] == "-" else sys.argv[1]
r = fits.scan.scan(chi2, SPACE, design="random", points=10**6, seed=11, chunk=2**14, out=out, progress=False)
np.savez(sys.argv[2], x=r.x, values=r.values, computed=r.metadata["run"]["chunks_computed"])
"""


def test_sigkill_mid_scan_then_resume_is_bitwise_identical(tmp_path):
    out = tmp_path / "scan"
    n_chunks = -(-(10**6) // 2**14)
    victim = subprocess.Popen([sys.executable, "-c", _RESUME_JOB, str(out), str(tmp_path / "never.npz")], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "SCAN_TEST_SLOW_WRITES": "1"}, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 240
    while len(list(out.glob("chunk_*.npz"))) < 3:
        assert victim.poll() is None, victim.stderr.read().decode()[-3000:]
        assert time.monotonic() < deadline, "no chunks written in time"
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    victim.stderr.close()
    done = len(list(out.glob("chunk_*.npz")))
    assert 3 <= done < n_chunks, f"killed too late: {done} of {n_chunks} chunks"

    _check(_run(_RESUME_JOB, out, tmp_path / "resumed.npz"))
    _check(_run(_RESUME_JOB, "-", tmp_path / "clean.npz"))
    resumed, clean = np.load(tmp_path / "resumed.npz"), np.load(tmp_path / "clean.npz")
    assert int(resumed["computed"]) == n_chunks - done
    assert clean["x"].shape == (10**6, 3)
    assert np.array_equal(resumed["x"], clean["x"]) and np.array_equal(resumed["values"], clean["values"])
    merged = merge(out)
    assert np.array_equal(merged.x, clean["x"]) and np.array_equal(merged.values, clean["values"])


_DEVICES_JOB = """
import os, sys
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=" + sys.argv[1]
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np
from fits.space import Parameter, Space
from fits.scan import scan
assert jax.local_device_count() == int(sys.argv[1])
space = Space([Parameter("a", -2.0, 2.0), Parameter("m", 0.1, 10.0, "log"), Parameter("c", -1.0, 3.0)])
f = lambda x: {"chi2": jnp.sum(jnp.sin(x) ** 2) + (1 - x[0]) ** 2 + 100 * (jnp.log(x[1]) - x[0] ** 2) ** 2,
               "grad": jax.grad(lambda y: jnp.sum(jnp.tanh(y) ** 2 * y))(x)}
res = {}
for design in ("grid", "random", "sobol"):
    r = scan(f, space, design=design, points=(40, 30, 21) if design == "grid" else 25001, chunk=6000, progress=False)
    assert r.metadata["run"]["devices"] == int(sys.argv[1]) and r.metadata["run"]["batch"] % int(sys.argv[1]) == 0
    res.update({design + "_x": r.x, design + "_chi2": r.values["chi2"], design + "_grad": r.values["grad"]})
np.savez(sys.argv[2], **res)
"""


def test_scan_shards_over_four_devices_with_one_device_numbers(tmp_path):
    for n in (1, 4):
        _check(_run(_DEVICES_JOB, n, tmp_path / f"dev{n}.npz"))
    one, four = np.load(tmp_path / "dev1.npz"), np.load(tmp_path / "dev4.npz")
    for key in one.files:
        assert np.array_equal(one[key], four[key]), key


_DISTRIBUTED_JOB = """
import sys
import jax
jax.config.update("jax_cpu_collectives_implementation", "gloo")  # the default only from jax 0.5.1
jax.distributed.initialize(coordinator_address="127.0.0.1:" + sys.argv[2], num_processes=2, process_id=int(sys.argv[1]))
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np
from fits.space import Parameter, Space
from fits.scan import scan
assert jax.process_count() == 2
space = Space([Parameter("a", -2.0, 2.0), Parameter("m", 0.1, 10.0, "log")])
out = None if sys.argv[3] == "-" else sys.argv[3]
r = scan(lambda x: (1 - x[0]) ** 2 + 100 * (jnp.log(x[1]) - x[0] ** 2) ** 2, space, design="grid", points=(101, 99),
         chunk=1000, out=out, progress=False)
np.savez(sys.argv[4], x=r.x, values=r.values, computed=r.metadata["run"]["chunks_computed"])
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_jax_distributed_processes_split_a_grid_and_merge(tmp_path):
    single = scan(lambda x: (1 - x[0]) ** 2 + 100 * (jnp.log(x[1]) - x[0] ** 2) ** 2,
                  Space([Parameter("a", -2.0, 2.0), Parameter("m", 0.1, 10.0, "log")]), design="grid", points=(101, 99),
                  chunk=1000, progress=False)  # fmt: skip
    port, out = _free_port(), tmp_path / "shared"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", _DISTRIBUTED_JOB, str(p), str(port), str(out), str(tmp_path / f"p{p}.npz")],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for p in (0, 1)]  # fmt: skip
    logs = [p.communicate(timeout=240)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), "\n".join(log[-3000:] for log in logs)
    results = [np.load(tmp_path / f"p{p}.npz") for p in (0, 1)]
    assert [int(r["computed"]) for r in results] == [5, 5]  # 10 chunks, i ≡ p (mod 2)
    for r in results:  # every process returns the merged scan
        assert np.array_equal(r["x"], single.x) and np.array_equal(r["values"], single.values)
    merged = merge(out)
    assert np.array_equal(merged.x, single.x) and np.array_equal(merged.values, single.values)


_MEMORY_JOB = """
import resource, sys
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
from fits.space import Parameter, Space
from fits.scan import Best, scan
space = Space([Parameter("a", -2.0, 2.0), Parameter("b", -1.0, 3.0), Parameter("c", 0.01, 100.0, "log")])
chi2 = lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2 + jnp.log(x[2]) ** 2
r = scan(chi2, space, design="sobol", points=int(sys.argv[1]), keep=Best(100), progress=False)
assert r.x.shape == (100, 3)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, r.metadata["run"]["points_per_s"])
"""


def test_peak_memory_of_a_1e7_scan_is_that_of_a_1e6_scan():
    rss = {}
    for n in (10**6, 10**7):
        proc = _check(_run(_MEMORY_JOB, n))
        rss[n], rate = (float(v) for v in proc.stdout.split())
    assert rss[10**7] <= 1.2 * rss[10**6], rss


# --- progress and errors ----------------------------------------------------------------------
def test_progress_bar_shows_rate_and_eta_and_writes_lines_in_a_log():
    stream = io.StringIO()
    bar = Progress(1000, stream=stream, force=True, every_s=0.0)
    bar.update(250, 250)
    bar.update(250)  # read back from disk: counted as done, not in the rate
    bar.close()
    text = stream.getvalue()
    assert "50.0%" in text and "points/s" in text and "ETA" in text and text.endswith("\n") and text.startswith("\r")
    log = io.StringIO()  # StringIO is not a TTY: whole lines, at most one per LOG_EVERY_S, and the last
    bar = Progress(10, stream=log)
    for _ in range(10):
        bar.update(1, 1)
    bar.close()
    assert log.getvalue().count("\n") == 1 and "\r" not in log.getvalue() and "100.0%" in log.getvalue()
    silent = io.StringIO()
    Progress(10, stream=silent, enabled=False).update(10, 10, final=True)
    assert silent.getvalue() == ""


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(f=3.0), "f must be a function"),
        (dict(space=[Parameter("a", 0, 1)]), "space must be a fits.space.Space"),
        (dict(design="halton"), "design must be one of"),
        (dict(points=0), "points must be in"),
        (dict(points=2.5), "points must be an integer"),
        (dict(points=True), "points must be an integer"),
        (dict(design="grid", points=1001), "not an integer to the power 3"),
        (dict(design="grid", points=(10, 10)), "one count per parameter"),
        (dict(design="grid", points=(10, 0, 10)), "'m'"),
        (dict(design="random", points=(10, 10, 10)), "only make sense for design='grid'"),
        (dict(points=2**32), "at most 4294967295 points"),
        (dict(seed=-1), "seed must be in"),
        (dict(seed=1.5), "seed must be an integer"),
        (dict(chunk=0), "chunk must be in"),
        (dict(block=0), "block must be in"),
        (dict(dtype=jnp.int32), "dtype must be a floating dtype"),
        (dict(keep="best"), "keep must be"),
        (dict(keep=Best(0)), "Best.k must be in"),
        (dict(keep=Profile("x", 10)), r"unknown parameter\(s\) \['x'\]"),
        (dict(keep=Profile(("a", "m", "c"))), "one or two parameter names"),
        (dict(f=lambda x: {"chi2": x[0], "g": x}, keep=Best(3)), "name the one to minimise with by="),
        (dict(f=lambda x: {"chi2": x[0], "g": x}, keep=Best(3, by="g")), "must be a scalar per point"),
        (dict(f=lambda x: float(x[0])), "f could not be traced"),
        (dict(resume="yes"), "resume must be True or False"),
        (dict(worker=(2, 2)), "worker index must be in"),
        (dict(worker=(1, 2)), "needs out= a directory"),
        (dict(space=Space([Parameter("n", prior="normal")])), "parameter 'n': a scan needs finite bounds"),
        (dict(space=Space([Parameter(f"p{i}", 0, 1) for i in range(22)]), design="sobol"), "up to 21 parameters"),
    ],
)
def test_bad_input_is_a_value_error_naming_the_culprit(kwargs, match):
    args = dict(f=rosenbrock, space=SPACE, design="random", points=100, progress=False) | kwargs
    with pytest.raises(ValueError, match=match):
        scan(args.pop("f"), args.pop("space"), **args)


def test_out_that_is_a_file_or_a_foreign_directory_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        scan(rosenbrock, SPACE, design="random", points=10, out=tmp_path / "file", progress=False)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "scan.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a scan manifest"):
        scan(rosenbrock, SPACE, design="random", points=10, out=tmp_path / "d", progress=False)
    with pytest.raises(ValueError, match="not a scan directory"):
        merge(tmp_path)
