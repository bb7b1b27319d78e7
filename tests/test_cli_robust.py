"""The command line under mistakes: every bad input fails at once (before the χ² is built or
compiled) with one line naming the culprit; outputs are written atomically into a locked folder;
long jobs say what they do (issue 14)."""

import importlib.resources
import io
import json
import os
import re
import time

import numpy as np
import pytest

import jaxflav
from fits import files, progress
from jaxflav import cli, config

from configs import wilson

SMALL = wilson()


def preset(name):
    return (importlib.resources.files("jaxflav") / "presets" / f"{name}.toml").read_text()


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a job gets as far as building its χ² (the checks must come first)."""

    def boom(*_):
        raise AssertionError("the job built its χ² before rejecting the input")

    monkeypatch.setattr(config, "problem", boom)


def fails_fast(argv, match, capsys=None):
    """cli.main(argv) exits with one line naming the culprit, within 5 s."""
    start = time.perf_counter()
    with pytest.raises(SystemExit) as err:
        cli.main(argv)
    elapsed = time.perf_counter() - start
    message = str(err.value.code)
    assert err.value.code not in (0, None), message
    assert "\n" not in message and message.startswith(f"jaxflav {argv[0]}: "), message
    assert re.search(match, message), message
    assert elapsed < 5.0, (elapsed, message)
    return message


# --- 1. [fixed] values against the model's domain ---------------------------------------------
@pytest.mark.parametrize(
    "text, match",
    [
        ('model = "dark-z-case-a"\nmeasurements = "rashed2026_table1"\n[parameters.eps_Z]\nrange = [1e-4, 1e-1]\nscale = "log"\n[fixed]\nM_ZD = 5.0\n',
         r"fixed\.M_ZD = 5 is outside \[0\.001022, 2\.5\]"),
        ('model = "dark-z-case-a"\nmeasurements = "rashed2026_table1"\n[parameters.eps_Z]\nrange = [1e-4, 1e-1]\nscale = "log"\n[fixed]\nM_ZD = 0.1\nsign_eps = 0.5\n',
         r"fixed\.sign_eps = 0\.5 must be one of -1, 1"),
        ('model = "dark-z-case-b"\nmeasurements = "rashed2026_table1"\n[parameters.M_ZD]\nrange = [0.01, 2.0]\n[fixed]\ng_mu_D = 1e-3\nGamma_inv = -1e-3\n',
         r"fixed\.Gamma_inv = -0\.001 is outside \[0, inf\]"),
        (preset("massless-dark-photon").replace("N_Q = 3", "N_Q = 0"), r"fixed\.N_Q = 0 is outside \[1, 100\]"),
        ('model = "bl23-scenario-1"\nmeasurements = "kang2021_kaon"\n[parameters.g_BL]\nrange = [1e-7, 1e-2]\nscale = "log"\n[fixed]\nm_Zp = -0.05\n',
         r"fixed\.m_Zp = -0\.05 is outside \[0\.01, 0\.21"),
    ],
)  # fmt: skip
def test_fixed_values_outside_the_model_domain_are_refused(tmp_path, no_work, text, match):
    path = tmp_path / "c.toml"
    path.write_text(text)
    fails_fast(["fit", str(path), "--out", str(tmp_path / "out")], match)
    assert not (tmp_path / "out").exists()


# --- 3. the output folder, and bad values, before any work --------------------------------------
def test_unusable_output_folders_are_refused_before_any_work(tmp_path, no_work):
    (tmp_path / "file").write_text("x")
    fails_fast(["fit", "c9-c10", "--out", str(tmp_path / "file")], "exists and is not a folder")
    fails_fast(["fit", "c9-c10", "--out", str(tmp_path / "file" / "sub" / "out")], "cannot be made: .*file is a file")
    fails_fast(["scan", "c9-c10", "--out", "/proc/1/jaxflav-out"], "cannot be made: /proc/1 is not writable")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "read-only"
        locked.mkdir(mode=0o555)
        fails_fast(["sample", "c9-c10", "--out", str(locked / "out")], "is not writable")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"] + (["read-only"] if os.geteuid() else [])


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "1+nanj"])
def test_predict_refuses_non_finite_wilson_coefficients(value):
    fails_fast(["predict", "--wc", f"C9_bsmumu={value}"], "C9_bsmumu = .* is not a finite number")


def test_predict_config_with_an_out_of_range_value_is_refused(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text("[wilson]\nC9_bsmumu = 1e400\n")
    fails_fast(["predict", str(path)], "wilson.C9_bsmumu")
    path.write_text("wilson = 3\n")
    fails_fast(["predict", str(path)], r"\[wilson\] must be a table")


def test_unknown_observable_in_a_constraint_file_is_named_before_the_model_is_built(tmp_path, no_work):
    table = (importlib.resources.files("jaxflav") / "data/kang2021_kaon.toml").read_text()
    (tmp_path / "k.toml").write_text(table.replace('observable = "BR(KL->pi0Zp)"', 'observable = "BR(KL->pi0Zq)"', 1))
    (tmp_path / "c.toml").write_text(preset("bl23-scenario-1").replace('"kang2021_kaon"', '"k.toml"'))
    fails_fast(["fit", str(tmp_path / "c.toml"), "--out", str(tmp_path / "out")], r"k\.toml, term 1.*unknown observable 'BR\(KL->pi0Zq\)'")
    assert not (tmp_path / "out").exists()


def test_declared_outputs_are_what_the_massless_dark_photon_returns():
    import jax

    from jaxflav import models

    for name in ("massless-dark-photon", "massless-dark-photon-printed"):  # bl23's: tests/test_bl23.py (its loop table takes ~10 s)
        model = models.get(name)
        point = {n: 0.1 for n in ("alpha_D", "m_Q", "Lambda_TeV")} | {"N_Q": 3.0}
        assert tuple(jax.eval_shape(model.observables(), point)) == model.outputs


def test_a_scan_beyond_the_point_limit_or_the_free_disk_is_refused(tmp_path, no_work, monkeypatch):
    path = tmp_path / "c.toml"
    path.write_text(SMALL.replace("points = [9, 9]", "points = [70000, 70000]"))
    fails_fast(["scan", str(path), "--out", str(tmp_path / "out")], "scan: points: at most 4294967295 points")
    path.write_text(SMALL.replace("[parameters.C10_bsmumu]\nrange = [-2.0, 3.0]", '[parameters.C10_bsmumu]\nprior = "normal"\nrange = [-inf, inf]'))
    fails_fast(["scan", str(path), "--out", str(tmp_path / "out")], "C10_bsmumu': a scan needs finite bounds")
    path.write_text(SMALL.replace("points = [9, 9]", "points = [4000, 4000]"))
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(10**9, 10**9 - 10**6, 10**6))
    fails_fast(["scan", str(path), "--out", str(tmp_path / "out")], r"16,000,000 points needs about 0\.386 GB .* only 0\.001 GB are free")
    assert not (tmp_path / "out").exists()


def test_garbage_configs_name_the_file(tmp_path, no_work):
    path = tmp_path / "garbage.toml"
    path.write_bytes(bytes(range(256)) * 4)
    fails_fast(["fit", str(path)], r"config file .*garbage\.toml is not UTF-8 text")
    path.write_bytes(b"x = 1\n" * 200_000)
    fails_fast(["fit", str(path)], r"garbage\.toml is larger than 1 MiB")
    path.write_text("")
    fails_fast(["fit", str(path)], r"garbage\.toml: `model` \(a string\) is required")
    (tmp_path / "dir.toml").mkdir()
    fails_fast(["fit", str(tmp_path / "dir.toml")], r"dir\.toml is not a file")


# --- 4. restarting a scan; one job per folder -------------------------------------------------
def test_a_changed_scan_names_restart_and_restart_starts_over(tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text(SMALL)
    out = tmp_path / "out"
    assert cli.main(["scan", str(path), "--out", str(out)]) == 0
    first = (out / "scan.npz").read_bytes()
    assert cli.main(["scan", str(path), "--out", str(out)]) == 0
    assert "resuming" in capsys.readouterr().err and (out / "scan.npz").read_bytes() == first  # the same bytes
    path.write_text(SMALL.replace("chunk = 16", "chunk = 32"))
    fails_fast(["scan", str(path), "--out", str(out)], r"holds a different scan \(chunk: on disk 16, now 32.*`jaxflav scan --restart` starts it over")
    assert cli.main(["scan", str(path), "--out", str(out), "--restart"]) == 0
    assert len(list((out / "chunks").glob("chunk_*.npz"))) == 3
    with np.load(out / "scan.npz") as new, np.load(io.BytesIO(first)) as old:  # the same points and values, other chunks
        assert np.array_equal(new["x"], old["x"]) and np.array_equal(new["values"], old["values"])
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == files.LOCK_NAME]


def test_a_folder_in_use_is_refused_at_once(tmp_path, no_work):
    out = tmp_path / "out"
    out.mkdir()
    with files.Lock(out):
        fails_fast(["scan", "c9-c10", "--out", str(out)], rf"{out} is in use by another jaxflav job \(pid {os.getpid()}\)")
    with files.Lock(out):  # released: free again
        pass


# --- 5. plot across presets; library doors ----------------------------------------------------
def test_plot_ignores_a_fit_of_another_config_and_detects_a_torn_pair(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "c.toml"
    path.write_text(SMALL)
    out = tmp_path / "out"
    assert cli.main(["scan", str(path), "--out", str(out)]) == 0
    files.write_json(out / "result.json", {"config": {"model": "dark-z-case-a", "source": "dark-z-case-a"}, "best_fit": {"M_ZD": 0.01, "eps_Z": 1e-3}, "chi2_min": 70.0})
    assert cli.main(["plot", str(out)]) == 0
    assert "fit of another config" in capsys.readouterr().err and (out / "regions.png").is_file()
    meta = json.loads((out / "scan.json").read_text())
    files.write_json(out / "scan.json", {**meta, "scan_sha256": "0" * 64})  # as if a kill struck between the two writes
    fails_fast(["plot", str(out)], r"scan\.npz is not the one scan\.json describes")


@pytest.mark.parametrize(
    "wc, match",
    [({"C9_bsmumu": "minus one"}, "C9_bsmumu must be a number"), (3.0, "must be a dict"), ([("C9_bsmumu", 1.0)], "must be a dict"), ({"C9_bsmumu": float("nan")}, "not finite")],
)
def test_np_prediction_names_a_bad_coefficient(wc, match):
    with pytest.raises(ValueError, match=match):
        jaxflav.np_prediction("<dBR/dq2>(B0->K*mumu)", wc, 1.1, 2.5)


def test_sm_prediction_refuses_a_bin_mostly_past_the_kinematic_end():
    with pytest.raises(ValueError, match=r"past the kinematic end 19\.22.* end the bin at 19\.22"):
        jaxflav.sm_prediction("<dBR/dq2>(B0->K*mumu)", 19.0, 25.0)
    # LHCb's B_s → φμμ bin [15, 19] ends 0.1 GeV² past its kinematic end (18.9 GeV²): a real bin, kept (as flavio)
    assert jaxflav.sm_prediction("<dBR/dq2>(Bs->phimumu)", 15.0, 19.0) > 0


# --- 6. progress, --version ---------------------------------------------------------------------
def test_long_jobs_report_progress_in_logs(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
    path = tmp_path / "c.toml"
    path.write_text(SMALL)
    assert cli.main(["fit", str(path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "fit: L-BFGS step" in err and "starts running, lowest χ²" in err and "\r" not in err
    assert cli.main(["scan", str(path), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "scan 100.0%" in err and "points/s" in err and "\r" not in err


def test_heartbeat_prints_lines_while_a_silent_call_runs(capsys, monkeypatch):
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.05)
    with cli._heartbeat("sample: NUTS"):
        time.sleep(0.3)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "sample: NUTS" and len(lines) >= 3 and all(line.startswith("sample: NUTS (0:00:0") for line in lines[1:])


def test_ticker_throttles_log_lines():
    log = io.StringIO()
    tick = progress.Ticker(stream=log, every_s=3600)
    for i in range(100):
        tick(f"line {i}")
    tick("last", final=True)
    assert log.getvalue() == "last\n"


def test_version(capsys):
    with pytest.raises(SystemExit) as err:
        cli.main(["--version"])
    assert err.value.code == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"jaxflav {jaxflav.__version__} (python ") and "jax " in line and "\n" not in line


def test_check_writes_nothing(tmp_path):
    with pytest.raises(SystemExit) as err:
        cli.main(["fit", "c9-c10", "--check", "--out", str(tmp_path / "out")])
    assert err.value.code == 0 and not (tmp_path / "out").exists()


# --- 2. atomic, reproducible files --------------------------------------------------------------
def test_npz_bytes_are_reproducible_and_load(tmp_path):
    arrays = {"x": np.arange(6.0).reshape(3, 2), "samples/C9": np.linspace(0, 1, 5), "names": np.array(["a", "b"])}
    first = files.npz_bytes(arrays, compress=True)
    time.sleep(1.1)  # np.savez would stamp another time
    assert files.npz_bytes(arrays, compress=True) == first
    files.write_npz(tmp_path / "a.npz", arrays)
    with np.load(tmp_path / "a.npz") as z:
        assert all(np.array_equal(z[k], v) for k, v in arrays.items())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    files.write_json(tmp_path / "r.json", {"a": 1})
    with pytest.raises(RuntimeError):
        with files.atomic(tmp_path / "r.json") as fh:
            fh.write(b'{"a": 2')
            raise RuntimeError("killed")
    assert json.loads((tmp_path / "r.json").read_text()) == {"a": 1} and len(list(tmp_path.iterdir())) == 1


def test_debug_shows_the_traceback_and_an_interrupt_is_one_line(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="neither a config file nor a preset"):
        cli.main(["--debug", "fit", "no-such-preset"])

    def interrupted(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(config, "problem", interrupted)
    fails_fast(["scan", "c9-c10", "--out", str(tmp_path / "a" / "b")], r"^jaxflav scan: interrupted \(run it again to resume\)$")
    assert list(tmp_path.iterdir()) == []  # the folders it made, empty, are gone
