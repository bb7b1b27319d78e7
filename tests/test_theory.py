"""jaxflav.theory_covariance against flavio 2.7.1's sm_covariance (tests/data/make_flavio_covariance.py),
and the data-set likelihood with the theory covariance folded in (theory = "covariance")."""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav
from jaxflav import datasets
from jaxflav.likelihood import DataLikelihood


REFERENCE = pathlib.Path(__file__).parent / "data" / "flavio_covariance.json"


@pytest.mark.skipif(not REFERENCE.is_file(), reason="run tests/data/make_flavio_covariance.py")
def test_covariance_agrees_with_flavios_sm_covariance_within_both_monte_carlo_errors():
    """Each entry of a sample covariance from N draws has the standard error
    √((σ_i² σ_j² + σ_ij²)/N); jaxflav (N_j draws) and flavio (N_f) must agree within 4 of the
    combined errors, entry by entry, over flavio's observables and nuisance parameters."""
    ref = json.loads(REFERENCE.read_text())
    observables = [tuple(o) for o in ref["observables"]]
    n = 4000
    central, cov = jaxflav.theory_covariance(observables, n=n, nuisances=[m for m in ref["names"] if m != "f_B+"], seed=3)
    flavio_cov = np.asarray(ref["covariance"])
    np.testing.assert_allclose(central, ref["central"], rtol=1e-4)
    var = np.diag(flavio_cov)
    error = np.sqrt((np.outer(var, var) + flavio_cov**2) * (1 / n + 1 / ref["N"]))
    pull = (cov - flavio_cov) / error
    assert np.max(np.abs(pull)) < 4.5, np.unravel_index(np.argmax(np.abs(pull)), pull.shape)
    sd, flavio_sd = np.sqrt(np.diag(cov)), np.sqrt(var)
    assert np.all(np.abs(sd / flavio_sd - 1) < 0.1)  # each σ to 10 % (MC errors ≈ 2–3 % each)


@pytest.fixture(scope="module")
def small(small_dataset):
    return small_dataset


def test_covariance_mode_is_one_multivariate_normal_of_data_and_theory(small):
    like = DataLikelihood([small], theory="covariance", draws=400, seed=5)
    plain = DataLikelihood([small])
    ds = like.sets[0]
    _, cov = jaxflav.theory_covariance(like.observables, None, 400, seed=5)  # the same draws
    wc = {"C9_bsmumu": -0.7}
    p = np.asarray(like.predict(wc))
    angular, rk, tab = ds.terms
    rows = np.concatenate([ds.index[0], ds.index[1]])  # the Gaussian values: P5', FL, R_K
    r = p[rows] - np.concatenate([angular.central, rk.central])
    c_exp = np.zeros((3, 3))
    c_exp[:2, :2] = np.linalg.inv(angular.precision)
    c_exp[2, 2] = 1 / rk.precision[0, 0]
    expected_gauss = r @ np.linalg.solve(c_exp + cov[np.ix_(rows, rows)], r)
    terms = {k: float(v) for k, v in like.terms(wc).items()}
    assert terms["angular 4-6"] + terms["RK"] == pytest.approx(expected_gauss, rel=1e-10)
    # the tabulated R_K*: its distance from the minimum shrunk by w/√(w² + σ_th²)
    var = cov[ds.index[2][0], ds.index[2][0]]
    best = tab.x[np.argmin(tab.delta_chi2)]
    shrunk = best + (p[ds.index[2][0]] - best) * tab.width / np.sqrt(tab.width**2 + var)
    assert terms["RK* tabulated"] == pytest.approx(float(datasets.term_chi2(tab, jnp.array([shrunk]))), rel=1e-12)
    assert float(like.chi2(wc)) < float(plain.chi2(wc))  # theory errors only widen
    assert like.theory_covariance.shape == (4, 4) and np.all(np.linalg.eigvalsh(like.theory_covariance) >= 0)


def test_unknown_theory_mode_is_named():
    with pytest.raises(ValueError, match="theory must be one of"):
        DataLikelihood(["bsmumu-2019"], theory="nuisance")


def test_a_table_with_the_theory_covariance(tmp_path):
    """Table 1 cut to three rows (B⁰→K*⁰μμ, B⁺→K⁺μμ, B→X_sμμ): the χ² with the theory covariance is
    rᵀ(diag σ_exp(μ)² + C_th)⁻¹r, with the printed SM error for the row no nuisance moves (X_s)."""
    from jaxflav import likelihood, measurements, sources

    head, *rows = sources.path("rashed2026_table1").read_text(encoding="utf-8").split("\n[[row]]")
    keep = [r for r in rows if '"<dBR/dq2>(B0->K*mumu)"' in r][:1] + [r for r in rows if '"<dBR/dq2>(B+->Kmumu)"' in r][:1]
    keep += [r for r in rows if '"<BR>(B->Xsmumu)"' in r]
    path = tmp_path / "three.toml"
    path.write_text(head + "".join("\n[[row]]" + r for r in keep), encoding="utf-8")
    like = DataLikelihood([path], theory="covariance", draws=300, seed=2)
    table = measurements.load(path)
    _, cov = jaxflav.theory_covariance(measurements.observables(table), None, 300, seed=2)
    cov[2, :] = cov[:, 2] = 0.0
    cov[2, 2] = table.sm_err[2] ** 2
    for wc in (None, {"C9_bsmumu": -1.5}):
        p = np.asarray(like.predict(wc))
        sigma = np.where(p > table.central, table.err_up, table.err_down)
        r = p - table.central
        expected = r @ np.linalg.solve(cov + np.diag(sigma**2), r)
        assert float(like.chi2(wc)) == pytest.approx(expected, rel=1e-10)
        assert float(like.chi2(wc)) != pytest.approx(float(likelihood.chi2(p, table)), rel=1e-3)


def test_a_table_with_the_nuisances(tmp_path):
    """The three-row table with theory = "nuisances": rows the nuisances move are compared with
    their experimental errors alone, B→X_sμμ (not moved) keeps its printed SM error."""
    from jaxflav import likelihood, measurements, sources

    head, *rows = sources.path("rashed2026_table1").read_text(encoding="utf-8").split("\n[[row]]")
    keep = [r for r in rows if '"<dBR/dq2>(B0->K*mumu)"' in r][:1] + [r for r in rows if '"<BR>(B->Xsmumu)"' in r]
    path = tmp_path / "two.toml"
    path.write_text(head + "".join("\n[[row]]" + r for r in keep), encoding="utf-8")
    like = DataLikelihood([path], theory="nuisances")
    table = measurements.load(path)
    wc = {"C9_bsmumu": -1.0}
    z = 0.5 * np.ones(like.prior.dim)
    p = np.asarray(like.predict(wc, like.prior.from_standard(z)))
    expected = float(likelihood.chi2(p, table, np.array([0.0, table.sm_err[1]])))
    assert float(like.chi2(wc, z)) == pytest.approx(expected + float(np.sum(z**2)), rel=1e-12)
    assert like.predict.moved.tolist() == [True, False]


@pytest.mark.slow
def test_c9_global_fit_with_the_theory_covariance(tmp_path):
    """`jaxflav fit c9-global-2019-theory`: the theory covariance moves the best fit little and
    widens it (experimental errors alone: −1.00 ± 0.15, Δχ²_SM = 34.3)."""
    from jaxflav import cli

    assert cli.main(["fit", "c9-global-2019-theory", "--out", str(tmp_path / "t")]) == 0
    result = json.loads((tmp_path / "t" / "result.json").read_text())
    assert -1.0 < result["best_fit"]["C9_bsmumu"] < -0.9 and 0.18 < result["uncertainties"]["C9_bsmumu"] < 0.26
    assert 15 < result["chi2_sm"] - result["chi2_min"] < 21 and "theory covariance" in result["theory"]


def test_nuisances_mode_is_the_experimental_chi2_of_moved_predictions_plus_the_prior(small):
    """theory = "nuisances": at z = 0 the χ² of `theory=None`; at z the same χ² of the
    predictions at θ = μ + L z, plus |z|²; finite gradient in every coordinate."""
    from jaxflav import nuisances

    like, plain = DataLikelihood([small], theory="nuisances"), DataLikelihood([small])
    assert like.nuisances == nuisances.acting_on(like.predict.processes) and like.prior.dim == len(like.nuisances)
    wc = {"C9_bsmumu": -0.7}
    at_centre = like.terms(wc)
    assert float(at_centre["nuisance prior"]) == 0.0
    for name, value in plain.terms(wc).items():
        assert float(at_centre[name]) == pytest.approx(float(value), rel=1e-12), name
    z = 0.7 * np.random.default_rng(3).standard_normal(like.prior.dim)
    terms = like.terms(wc, z)
    assert float(terms["nuisance prior"]) == pytest.approx(float(np.sum(z**2)), rel=1e-12)
    moved = like.predict(wc, like.prior.from_standard(z))
    assert float(like.chi2(wc, z)) == pytest.approx(float(plain.chi2_of(moved)) + float(np.sum(z**2)), rel=1e-12)
    assert float(like.chi2(wc, z)) != pytest.approx(float(like.chi2(wc)), rel=1e-3)
    grad = np.asarray(jax.grad(lambda zz: like.chi2(wc, zz))(jnp.asarray(z)))
    assert np.all(np.isfinite(grad)) and np.count_nonzero(grad) > like.prior.dim // 2
    with pytest.raises(ValueError, match="theory = None, not 'nuisances'"):
        plain.terms(wc, z)
