"""`jaxflav fit / scan / sample / plot` on a config, and the config errors that name the culprit."""

import importlib.resources
import json

import numpy as np
import pytest

from jaxflav import cli, config

from configs import wilson

SMALL = wilson(starts=8, points=(21, 21), chunk=256)


def test_fit_scan_and_plot_write_their_results(tmp_path, capsys):
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    out = tmp_path / "out"
    assert cli.main(["fit", str(path), "--out", str(out)]) == 0
    result = json.loads((out / "result.json").read_text())
    for key in ("best_fit", "chi2_min", "chi2_sm", "n_obs", "config", "versions", "uncertainties"):
        assert key in result
    assert set(result["best_fit"]) == {"C9_bsmumu", "C10_bsmumu"} and result["n_obs"] == 27
    assert result["chi2_min"] < result["chi2_sm"] and abs(result["chi2_sm"] - 92.31) < 0.05
    assert result["versions"]["jax"] and result["config"]["model"] == "wilson"

    assert cli.main(["scan", str(path), "--out", str(out)]) == 0
    scan = np.load(out / "scan.npz")
    assert scan["x"].shape == (441, 2) and np.all(np.isfinite(scan["values"]))
    assert np.min(scan["values"]) >= result["chi2_min"] - 1e-6  # the polished fit is below every grid point

    pytest.importorskip("matplotlib")
    assert cli.main(["plot", str(out)]) == 0
    assert (out / "regions.png").stat().st_size > 1000


@pytest.mark.slow
def test_sample_writes_posterior(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    assert cli.main(["sample", str(path), "--out", str(tmp_path)]) == 0
    posterior = json.loads((tmp_path / "posterior.json").read_text())
    assert "posterior" in posterior and (tmp_path / "samples.npz").is_file()


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda s: s.replace("[parameters.C9_bsmumu]", "[parameters.C9_bsmumumu]"), "C9_bsmumumu"),
        (lambda s: s.replace("range = [-3.0, 2.0]", "range = [2.0, -3.0]"), "C9_bsmumu.*inverted"),
        (lambda s: s.replace("range = [-3.0, 2.0]", 'range = [0.0, 2.0]\nscale = "log"'), "C9_bsmumu.*log scale"),
        (lambda s: s.replace("range = [-3.0, 2.0]", "range = [-3.0]"), "range must be"),
        (lambda s: s.replace('model = "wilson"', 'model = "wilsn"'), "unknown model 'wilsn'"),
        (lambda s: s.replace('"rashed2026_table1"', '"no_such_table.toml"'), "no_such_table"),
        (lambda s: s + "\n[fits]\nstarts = 3\n", "unknown key.*fits"),
        (lambda s: s.replace("starts = 8", "starts = 0"), r"fit.starts must be in \[1, "),
        (lambda s: s.replace('design = "grid"', 'design = "lattice"'), "scan.design"),
        (lambda s: s.replace("points = [21, 21]", "points = [21]"), "one count"),
        (lambda s: s.replace("[fit]", "[fit\n"), "malformed TOML"),
    ],
)
def test_config_errors_name_the_culprit(tmp_path, edit, match):
    path = tmp_path / "bad.toml"
    path.write_text(edit(SMALL))
    with pytest.raises(ValueError, match=match):
        config.load(path)
    with pytest.raises(SystemExit, match=match):
        cli.main(["fit", str(path), "--out", str(tmp_path / "out")])


def test_unknown_observable_in_a_measurement_file_is_named(tmp_path):
    table = (importlib.resources.files("jaxflav") / "data/rashed2026_table1.toml").read_text()
    (tmp_path / "t.toml").write_text(table.replace("<BR>(B->Xsee)", "<BR>(B->Xsff)", 1))
    (tmp_path / "c.toml").write_text(SMALL.replace('"rashed2026_table1"', '"t.toml"'))
    with pytest.raises(ValueError, match="B->Xsff"):
        config.load(tmp_path / "c.toml")


def test_presets_load():
    assert "c9-c10" in config.presets()
    cfg = config.load("c9-c10")
    assert [p.name for p in cfg.parameters] == ["C9_bsmumu", "C10_bsmumu"]
    with pytest.raises(ValueError, match="neither a config file nor a preset"):
        config.load("c9-c11")


@pytest.mark.slow
def test_sample_compares_with_random_walk_metropolis_at_the_same_budget(tmp_path, capsys):
    path = tmp_path / "small.toml"
    path.write_text(SMALL.replace("[sample]", "[sample]\ncompare = \"metropolis\"") if "[sample]" in SMALL else SMALL + '\n[sample]\nchains = 2\nwarmup = 50\nsamples = 100\ncompare = "metropolis"\n')
    assert cli.main(["sample", str(path), "--out", str(tmp_path)]) == 0
    comparison = json.loads((tmp_path / "posterior.json").read_text())["comparison"]
    nuts, rw = comparison["nuts"], comparison["metropolis"]
    assert rw["n_evals"] >= nuts["n_evals"] > 0 and nuts["ess_min"] > 0 and rw["ess_min"] > 0
    assert "random-walk Metropolis" in capsys.readouterr().out


def test_theory_nuisances_and_sample_compare_config_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL + '\n[sample]\ncompare = "hamiltonian"\n' if "[sample]" not in SMALL else SMALL.replace("[sample]", '[sample]\ncompare = "hamiltonian"'))
    with pytest.raises(ValueError, match="sample.compare must be none or metropolis"):
        config.load(bad)
    nuisances = tmp_path / "nuisances.toml"
    nuisances.write_text(SMALL.replace('model = "wilson"', 'model = "wilson"\ntheory = "nuisances"'))
    with pytest.raises(ValueError, match="too many to grid"):
        config.scan_design(config.load(nuisances))


@pytest.mark.slow
def test_fit_tries_both_relative_signs_and_keeps_the_better(tmp_path, capsys):
    """A dark-Z config that leaves sign_eps open: `jaxflav fit` fits each branch (40 s), keeps the
    lower χ², and records both in result.json."""
    path = tmp_path / "b.toml"
    path.write_text('model = "dark-z-case-a"\nmeasurements = "rashed2026_table1"\n[parameters.eps_Z]\nrange = [1e-6, 1e-2]\nscale = "log"\n'
                    '[fixed]\nM_ZD = 0.3\neps = 1e-3\n[fit]\nstarts = 2\n')  # fmt: skip
    assert cli.main(["fit", str(path), "--out", str(tmp_path / "out")]) == 0
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    branches = result["branches"]
    assert [b["fixed"] for b in branches] == [{"sign_eps": -1.0}, {"sign_eps": 1.0}]
    assert result["chi2_min"] == min(b["chi2_min"] for b in branches) and result["fixed"]["sign_eps"] in (-1.0, 1.0)
    assert "branches: sign_eps = -1" in capsys.readouterr().out
