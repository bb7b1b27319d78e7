"""jaxflav.likelihood.Likelihood: one χ² for any model against any mix of measurement files
(tables and data sets through Wilson coefficients, constraint files through the model's own
observables), and jaxflav.sources telling the files apart. The toy model below has both kinds of
prediction, as the dark-Z and split-dark-sector models will: it is registered and fitted through
the command line without touching it."""

import json

import numpy as np
import pytest

from jaxflav import cli, constraints, likelihood, models, sources
from jaxflav.likelihood import DataLikelihood, Likelihood



CONSTRAINT = """
[source]
citation = "test: a direct measurement of the toy model's own C9"
[[term]]
name = "C9 direct"
observable = "C9 itself"
kind = "measurement"
experiment = "test"
citation = "test"
central = -0.5
sigma = 0.25
"""

TOY = models.Model(
    "toy",
    "C9_μ with its own measurement",
    ("c9",),
    ("c9",),
    {"c9": (-5.0, 5.0)},
    wilson=lambda p: {"C9_bsmumu": p["c9"]},
    coefficients=("C9_bsmumu",),
    observables=lambda: (lambda p: {"C9 itself": p["c9"]}),
    outputs=("C9 itself",),
)


@pytest.fixture(scope="module")
def files(tmp_path_factory, small_dataset):
    path = tmp_path_factory.mktemp("mix") / "direct.toml"
    path.write_text(CONSTRAINT)
    return str(small_dataset), str(path)


def test_every_packaged_measurement_file_has_one_kind():
    assert sources.kind("rashed2026_table1") == "table"
    assert sources.kind("bsmumu-2019") == sources.kind("bsmumu-latest") == "dataset"
    assert sources.kind("kang2021_kaon") == sources.kind("gabrielli2024_invisible") == "constraints"
    assert set(sources.available("dataset")) == {"bsmumu-2019", "bsmumu-latest"}
    with pytest.raises(ValueError, match="r_ratio_vmd: a measurement file holds exactly one of"):
        sources.kind("r_ratio_vmd")  # hadronic input, not measurements
    with pytest.raises(ValueError, match="'nonexistent' not found"):
        sources.kind("nonexistent")


def test_a_model_with_both_predictions_sums_data_and_constraint_terms(files):
    dataset, constraint = files
    like = Likelihood(TOY, [dataset, constraint])
    data = DataLikelihood([dataset], coefficients=["C9_bsmumu"])
    for c9 in (-1.2, 0.0, 0.7):
        terms = like.terms({"c9": c9})
        assert set(terms) == {"angular 4-6", "RK", "RK* tabulated", "C9 direct"}
        assert float(terms["C9 direct"]) == pytest.approx(((c9 + 0.5) / 0.25) ** 2, rel=1e-12)
        assert float(like.chi2({"c9": c9})) == pytest.approx(float(data.chi2({"C9_bsmumu": c9})) + ((c9 + 0.5) / 0.25) ** 2, rel=1e-12)
    assert like.n_values == 5 and like.chi2_sm == pytest.approx(float(data.chi2(None)) + 4.0, rel=1e-12)
    assert "experimental errors only" in like.theory and "constraints" in like.theory


def test_tables_and_data_sets_share_one_prediction_of_each_observable(files):
    dataset, _ = files
    like = DataLikelihood(["rashed2026_table1", dataset])
    assert len(like) == 27 + 4 and like.n_values == 31 and like.term_names == ["rashed2026_table1", "angular 4-6", "RK", "RK* tabulated"]
    table = like.tables[0][1]
    wc = {"C9_bsmumu": -0.8}
    p = np.asarray(like.predict(wc))
    assert float(like.terms(wc)["rashed2026_table1"]) == pytest.approx(float(likelihood.chi2(p[:27], table)), rel=1e-12)


@pytest.mark.parametrize(
    "model, which, match",
    [
        ("wilson", "constraint", "constrains a model's own observables; model 'wilson' has none"),
        ("bl23-scenario-1", "dataset", "holds b→sℓℓ measurements; model 'bl23-scenario-1' sets no Wilson coefficients"),
        ("wilson", "twice", "measurement files repeat"),
    ],
)
def test_files_a_model_cannot_predict_are_named(files, model, which, match):
    dataset, constraint = files
    names = {"constraint": [constraint], "dataset": [dataset], "twice": [dataset, dataset]}[which]
    with pytest.raises(ValueError, match=match):
        likelihood.check(models.get(model), names)


def test_a_new_model_plugs_into_the_command_line(files, tmp_path, monkeypatch, capsys):
    dataset, constraint = files
    monkeypatch.setitem(models.MODELS, "toy", TOY)
    path = tmp_path / "toy.toml"
    path.write_text(f'model = "toy"\nmeasurements = ["{dataset}", "{constraint}"]\n[parameters.c9]\nrange = [-3.0, 2.0]\n[fit]\nstarts = 4\n')
    assert cli.main(["fit", str(path), "--out", str(tmp_path / "out")]) == 0
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert set(result["chi2_terms"]) == {"angular 4-6", "RK", "RK* tabulated", "C9 direct"} and result["n_obs"] == 5
    assert sum(result["chi2_terms"].values()) == pytest.approx(result["chi2_min"], rel=1e-9)
    assert "theory uncertainties" in capsys.readouterr().out
    assert constraints.load(constraint)[0].name == "C9 direct"
