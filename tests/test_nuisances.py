"""jaxflav.nuisances (flavio 2.7.1's priors) and the nuisance path of jaxflav.predictions, against
flavio 2.7.1 at random points of the prior (tests/data/make_flavio_nuisances.py)."""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from jaxflav import formfactors, inputs, nuisances
from jaxflav.predictions import Predictions
from jaxflav.wcxf import Resonance

REFERENCE = json.loads((pathlib.Path(__file__).parent / "data" / "flavio_nuisances.json").read_text())
OBSERVABLES = [tuple(o) for o in REFERENCE["observables"]]
RATIO_LIKE = ("<FL>", "<P", "<AFB>", "<S")  # compared in absolute terms (they cross zero)


@pytest.fixture(scope="module")
def engine():
    return Predictions(OBSERVABLES, nuisances=REFERENCE["names"])


@pytest.fixture(scope="module")
def at_points(engine):
    """{"sm", "np"}: the observables at the central nuisances (row 0) and at the reference's points
    (one compilation for both Wilson-coefficient points)."""
    central = nuisances.prior(engine.nuisances).central
    points = jnp.concatenate([jnp.asarray(central)[None], jnp.asarray(REFERENCE["points"])])
    sm, np_ = jax.jit(jax.vmap(lambda t: (engine(None, t), engine(REFERENCE["wc"], t))))(points)
    return {"sm": np.asarray(sm), "np": np.asarray(np_)}


def test_prior_is_flavios_and_its_centre_is_jaxflavs_default():
    prior = nuisances.prior()
    assert prior.dim == 123 and len(set(prior.names)) == prior.dim
    assert np.allclose(prior.covariance, prior.covariance.T) and np.all(np.linalg.eigvalsh(prior.covariance) > 0)
    assert np.allclose(prior.cholesky @ prior.cholesky.T, prior.covariance, rtol=1e-12, atol=0)
    got, ff, sub = nuisances.point(prior.names, prior.central)
    for field in inputs.Inputs._fields:
        assert getattr(got, field) == pytest.approx(getattr(inputs.DEFAULT, field), rel=1e-15), field
    assert ff == {"B->K*": formfactors.BSZ_B_TO_KSTAR, "Bs->phi": formfactors.BSZ_BS_TO_PHI, "B->K": formfactors.BSZ_B_TO_K}
    a = nuisances.prior(["Vcb", "B->K* BSZ a0_V", "B->K* BSZ a1_V"])  # a marginal keeps its correlations
    full = nuisances.prior()
    i = [full.names.index(n) for n in a.names]
    assert np.array_equal(a.covariance, full.covariance[np.ix_(i, i)]) and a.covariance[1, 2] != 0


def test_prior_chi2_and_standard_coordinates():
    prior = nuisances.prior(["B->K BSZ a0_f+", "B->K BSZ a1_f+", "f_Bs"])
    theta = prior.central + np.array([0.01, -0.05, 0.002])
    expected = (theta - prior.central) @ np.linalg.solve(prior.covariance, theta - prior.central)
    assert float(prior.chi2(theta)) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(np.asarray(prior.from_standard(prior.to_standard(theta))), theta, rtol=1e-14)
    draws = np.asarray(prior.sample(jax.random.PRNGKey(1), 20000))
    sd = np.sqrt(np.diag(prior.covariance))
    np.testing.assert_allclose(np.std(draws, axis=0), sd, rtol=0.03)
    np.testing.assert_allclose(np.corrcoef(draws.T), prior.covariance / np.outer(sd, sd), atol=0.03)


def test_central_nuisances_change_nothing(engine, at_points):
    np.testing.assert_allclose(at_points["sm"][0], np.asarray(engine(None)), rtol=1e-12, atol=0)
    np.testing.assert_allclose(at_points["np"][0], np.asarray(engine(REFERENCE["wc"])), rtol=1e-12, atol=0)


@pytest.mark.parametrize("label", ["sm", "np"])
def test_agrees_with_flavio_at_random_points_of_the_prior(at_points, label):
    """At ten draws of the prior (shifts of the observables up to 23 %) jaxflav agrees with flavio
    as well as at the central point: the shift of each observable to ≤ 1e-5 (relative; absolute
    for angular ratios), the value to ≤ 1e-4 as the SM comparisons."""
    central, values = at_points[label][0], at_points[label][1:]
    ref, ref_central = np.asarray(REFERENCE[label]), np.asarray(REFERENCE["central"][label])
    for k, o in enumerate(OBSERVABLES):
        if o[0].startswith(RATIO_LIKE):
            shift, ref_shift, dev = values[:, k] - central[k], ref[:, k] - ref_central[k], np.abs(values[:, k] - ref[:, k])
        else:
            shift, ref_shift, dev = values[:, k] / central[k] - 1, ref[:, k] / ref_central[k] - 1, np.abs(values[:, k] / ref[:, k] - 1)
        assert np.max(np.abs(shift - ref_shift)) < 1e-5, o
        assert np.max(dev) < 1e-4, o
        assert np.max(np.abs(ref_shift)) > 1e-4 or o[0] == "<Rmue>(B+->Kll)", o  # the points do move it


def test_gradient_in_the_nuisances_is_finite_and_right():
    names = ["B->K* BSZ a1_A12", "B->K* BSZ a0_T1", "Vcb", "gamma"]
    engine = Predictions([("<P5p>(B0->K*mumu)", 4.0, 6.0)], nuisances=names)
    prior = nuisances.prior(names)
    f = jax.jit(lambda t: engine({"C9_bsmumu": -1.0}, t)[0])
    grad = np.asarray(jax.grad(f)(jnp.asarray(prior.central)))
    assert np.all(np.isfinite(grad))
    assert float(f(prior.central)) == pytest.approx(float(engine({"C9_bsmumu": -1.0}, {})[0]), rel=1e-12)  # {}: all central
    for name in names:
        i = prior.names.index(name)
        h = 1e-4 * np.sqrt(prior.covariance[i, i])
        e = np.eye(prior.dim)[i] * h
        fd = (float(f(prior.central + e)) - float(f(prior.central - e))) / (2 * h)
        assert grad[i] == pytest.approx(fd, rel=1e-5, abs=1e-9), name


def test_coefficients_that_run_with_q2_take_the_nuisance_path_unchanged(engine):
    """The nuisance path evaluates all B→Vℓℓ (B→Kℓℓ) modes in one vmap over their nodes, a
    coefficient's column per node: q²-dependent coefficients, different for each lepton, give the
    forms' values at the central nuisances, and finite gradients in both."""

    def wc(q2):
        bw = 0.02 / (q2 - 3.0 + 0.1j)
        return {"C9_bsmumu": -0.8 + bw, "C10_bsmumu": 0.3 * bw, "C9p_bsee": 0.2 - bw, "C7_bs": 0.01}

    central = jnp.asarray(nuisances.prior(engine.nuisances).central)
    np.testing.assert_allclose(np.asarray(jax.jit(lambda t: engine(wc, t))(central)), np.asarray(engine(wc)), rtol=1e-12, atol=0)
    grad = jax.jit(jax.grad(lambda t, a: jnp.sum(engine(lambda q2: {**wc(q2), "C10_bsmumu": a}, t)), argnums=(0, 1)))(central, 0.3)
    assert all(np.all(np.isfinite(np.asarray(g))) for g in grad) and float(grad[1]) != 0


def test_bad_nuisances_are_named(engine):
    with pytest.raises(ValueError, match="unknown nuisance parameter.*'Vxy'"):
        Predictions(OBSERVABLES[:1], nuisances=["Vxy"])
    with pytest.raises(ValueError, match=r"expected \d+ values"):
        engine(None, np.zeros(3))
    with pytest.raises(ValueError, match="not \\['f_B\\+\\+'\\]"):
        engine(None, {"f_B++": 0.2})
    with pytest.raises(ValueError, match="Resonance"):
        engine(Resonance.from_names(2.0, 0.1, {"C9_bsmumu": (1.0, 0.0)}), {})


def test_the_nuisances_acting_on_processes_are_those_that_move_their_observables():
    """`acting_on` (by name) against the Jacobian of the predictions in every ACTING nuisance."""
    observables = [("<P5p>(B0->K*mumu)", 4.0, 6.0), ("<dBR/dq2>(B0->K*mumu)", 15.0, 19.0), ("<dBR/dq2>(B+->Kmumu)", 1.1, 6.0),
                   ("<dBR/dq2>(B+->Kmumu)", 15.0, 22.0), ("BR(Bs->mumu)",)]  # both q² regions of the subleading shifts
    engine = Predictions(observables, nuisances=nuisances.ACTING)
    jac = np.asarray(jax.jit(jax.jacfwd(lambda t: engine({"C9_bsmumu": -1.0}, t)))(jnp.asarray(nuisances.prior(nuisances.ACTING).central)))
    moving = {n for n, column in zip(engine.nuisances, jac.T) if np.any(column != 0)}
    assert moving == set(nuisances.acting_on(engine.processes))
    assert set(engine.processes) == {"B0->K*", "B+->K", "Bs"}
    assert "f_Bs" in moving and "B->K* BSZ a0_V" in moving and "Bs->phi BSZ a0_V" not in moving
