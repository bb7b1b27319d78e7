"""The b→sℓℓ engine against flavio 2.7.1 (tests/data/flavio_bsll.json, made by
tests/data/make_flavio_bsll.py), and its robustness: finite values and gradients, clear errors."""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav
from jaxflav import predictions
from jaxflav.predictions import Predictions

REFERENCE = json.loads((pathlib.Path(__file__).parent / "data/flavio_bsll.json").read_text())
RATIO_LIKE = ("FL", "AFB", "P5p", "Rmue")


def key(row):
    if "q2min" in row:
        return (row["name"], row["q2min"], row["q2max"])
    if "q2" in row:
        return (row["name"], row["q2"])
    return (row["name"],)


def is_ratio(name):
    return any(r in name for r in RATIO_LIKE)


SM_ROWS = REFERENCE["sm"]
SM = {key(r): r["value"] for r in SM_ROWS}


@pytest.fixture(scope="module")
def sm_engine():
    keys = [key(r) for r in SM_ROWS]
    return keys, np.asarray(Predictions(keys)(None))


@pytest.fixture(scope="module")
def np_engine():
    keys = [key(r) for r in REFERENCE["np"][0]["values"]]
    return keys, Predictions(keys)


def test_every_reference_observable_is_known():
    assert {key(r)[0] for r in SM_ROWS} <= predictions.KNOWN


def test_sm_rates_match_flavio(sm_engine):
    """Issue 3: every SM (binned) branching ratio within 5 % of flavio (aim 2 %); we reach 2e-4."""
    keys, values = sm_engine
    for k, v in zip(keys, values):
        if not is_ratio(k[0]):
            assert abs(v / SM[k] - 1) < 2e-4, (k, v, SM[k])


def test_sm_angular_observables_and_ratios_match_flavio(sm_engine):
    """FL, AFB, P5′, R_K, R_K* within 0.02 absolute of flavio (issue 3); we reach 1e-4."""
    keys, values = sm_engine
    for k, v in zip(keys, values):
        if is_ratio(k[0]):
            assert abs(v - SM[k]) < 1e-4, (k, v, SM[k])


@pytest.mark.parametrize("point", REFERENCE["np"], ids=[p["label"] for p in REFERENCE["np"]])
def test_new_physics_matches_flavio(point, np_engine):
    """NP/SM ratios of the binned rates within 2 % of flavio's (issue 3); angular observables and R
    within 0.02; we reach 1e-4 on both."""
    keys, engine = np_engine
    wc = {name: complex(*value) for name, value in point["wc"].items()}
    new, sm = np.asarray(engine(wc)), np.asarray(engine(None))
    for k, v, s, row in zip(keys, new, sm, point["values"]):
        if is_ratio(k[0]):
            assert abs(v - row["value"]) < 1e-4, (k, v, row["value"])
        else:
            assert abs((v / s) / (row["value"] / SM[k]) - 1) < 1e-4, (k, v / s, row["value"] / SM[k])


def test_q2_dependent_c9_equals_flavio_at_constant_c9_pointwise():
    """dBR/dq² with C9(q²) = a M²/(q² − M² + iMΓ) equals flavio's at the constant C9 = C9(q²) there."""
    shape = REFERENCE["q2_dependent_shape"]
    a, m, g = shape["a"], shape["M"], shape["Gamma"]
    rows = REFERENCE["q2_dependent"]
    engine = Predictions([(r["name"], r["q2"]) for r in rows])
    values = np.asarray(engine({"C9_bsmumu": lambda q2: a * m**2 / (q2 - m**2 + 1j * m * g)}))
    for row, v in zip(rows, values):
        assert abs(complex(*row["C9_bsmumu"]) - a * m**2 / (row["q2"] - m**2 + 1j * m * g)) < 1e-12
        assert abs(v / row["value"] - 1) < 1e-4, (row, v)


def test_paper_sm_column_is_reproduced_within_its_errors():
    """000_8c6ceb1288264742.txt, Table 1 (SM expectation column, made with flavio): within 2 %."""
    rows = REFERENCE["table1"]
    engine = Predictions([key(r) for r in rows])
    for row, v in zip(rows, np.asarray(engine(None))):
        central, error = row["paper_sm"]
        assert abs(v / (central * row["scale"]) - 1) < 0.02, (key(row), v, central)


# --- robustness: finite values and gradients, the one-point door, clear errors -----------------

EDGE_OBSERVABLES = [
    ("dBR/dq2(B0->K*mumu)", 4 * 0.1056583755**2 * (1 + 1e-12)),  # at the pair threshold
    ("dBR/dq2(B0->K*ee)", 4 * 0.00051099895**2 * (1 + 1e-12)),
    ("dBR/dq2(B+->Kmumu)", 4 * 0.1056583755**2 * (1 + 1e-12)),
    ("dBR/dq2(Bs->phimumu)", (5.36692 - 1.019461) ** 2),  # at the kinematic endpoint
    ("dBR/dq2(B0->Kee)", (5.27966 - 0.497611) ** 2),
    ("<dBR/dq2>(B0->K*mumu)", 0.0, 19.25),  # the whole range, from below the threshold
    ("<BR>(B+->Kee)", 0.0, 22.9),
    ("<BR>(B->Xsmumu)", 0.0, 22.0),
    ("<FL>(B0->K*mumu)", 0.045, 19.0),
    ("<P5p>(B0->K*mumu)", 0.045, 1.0),
    ("<Rmue>(B0->K*ll)", 0.0, 19.0),
    ("BR(Bs->mumu)",),
]


@pytest.fixture(scope="module")
def edge_engine():
    return Predictions(EDGE_OBSERVABLES)


@pytest.mark.parametrize("scale", [0.0, 1.0, 10.0])
def test_values_and_gradients_are_finite_at_thresholds_endpoints_and_large_coefficients(edge_engine, scale):
    def total(c):  # |C| up to 10, complex, q²-dependent and constant coefficients mixed
        wc = {
            "C9_bsmumu": lambda q2: c[0] * (1 + 1j) / (1 + q2),
            "C10_bsmumu": c[1],
            "C9p_bsee": c[2] * 1j,
            "C7_bs": c[3] / 10,
            "C10p_bsmumu": c[4],
        }
        return edge_engine(wc)

    c = scale * jnp.array([1.0, -1.0, 0.7, 0.5, 0.3]) * (1 if scale < 10 else 10 / np.sqrt(2))
    values = total(c)
    jac = jax.jacfwd(total)(c)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(jac))
    assert np.all(np.asarray(values)[[0, 1, 2, 3, 4, 5, 6, 7, 11]] >= 0)  # rates vanish at the endpoints


def test_gradients_match_finite_differences():
    engine = Predictions([("<dBR/dq2>(B0->K*mumu)", 1.1, 6.0), ("<P5p>(B0->K*mumu)", 4.0, 6.0), ("<BR>(B->Xsee)", 1.0, 6.0)])

    def f(c):
        return engine({"C9_bsmumu": lambda q2: c[0] * 2.25 / (q2 - 2.25 + 0.3j), "C10_bsmumu": c[1], "C9_bsee": c[1] - c[0]})

    c, h = jnp.array([0.4, -0.3]), 1e-5
    jac = np.asarray(jax.jacfwd(f)(c))
    for i in range(2):
        e = np.eye(2)[i] * h
        fd = (np.asarray(f(c + e)) - np.asarray(f(c - e))) / (2 * h)
        np.testing.assert_allclose(jac[:, i], fd, rtol=1e-6)


def test_batched_path_agrees_with_the_one_point_door():
    engine = Predictions([("<dBR/dq2>(B+->Kmumu)", 1.1, 6.0), ("<AFB>(B0->K*mumu)", 4.0, 6.0)])
    points = jnp.array([[-1.0, 0.2], [0.5, -0.4], [0.0, 0.0]])
    batched = jax.jit(jax.vmap(lambda p: engine({"C9_bsmumu": p[0], "C10_bsmumu": p[1]})))(points)
    for p, row in zip(points, np.asarray(batched)):
        wc = {"C9_bsmumu": float(p[0]), "C10_bsmumu": float(p[1])}
        assert jaxflav.np_prediction("<dBR/dq2>(B+->Kmumu)", wc, 1.1, 6.0) == pytest.approx(row[0], rel=1e-12)
        assert jaxflav.np_prediction("<AFB>(B0->K*mumu)", wc, 4.0, 6.0) == pytest.approx(row[1], rel=1e-10, abs=1e-14)
    assert jaxflav.sm_prediction("<dBR/dq2>(B+->Kmumu)", 1.1, 6.0) == pytest.approx(float(batched[2, 0]), rel=1e-12)


def test_constant_and_q2_dependent_paths_agree():
    engine = Predictions([("<dBR/dq2>(B0->K*mumu)", 0.1, 0.98), ("<Rmue>(B+->Kll)", 1.1, 6.0)])
    constant = engine({"C9_bsmumu": -0.7 + 0.2j, "C10p_bsee": 0.3})
    as_function = engine(lambda q2: {"C9_bsmumu": jnp.full(q2.shape, -0.7 + 0.2j), "C10p_bsee": 0.3 + 0 * q2})
    np.testing.assert_allclose(constant, as_function, rtol=1e-12)


@pytest.mark.parametrize(
    "observables, match",
    [
        ([("<dBR/dq2>(B0->K*tautau)", 15.0, 19.0)], "unknown observable"),
        ([("<dBR/dq2>(B0->K*mumu)", 6.0, 4.0)], "q2min < q2max"),
        ([("<dBR/dq2>(B0->K*mumu)", 1.0)], "takes 2 argument"),
        ([("dBR/dq2(B0->K*mumu)", 25.0)], "outside the kinematic range"),
        ([("dBR/dq2(B+->Kmumu)", 0.01)], "outside the kinematic range"),
        ([("<BR>(B+->Kee)", 30.0, 40.0)], "does not overlap"),
        ([("<P5p>(Bs->phimumu)", 1.0, 6.0)], "unknown observable"),  # B_s → φ: F_L, S_3, S_4, S_7 only (untagged)
        ([("<dBR/dq2>(B0->K*mumu)", float("nan"), 2.0)], "finite"),
    ],
)
def test_bad_observables_raise_before_compiling(observables, match):
    with pytest.raises(ValueError, match=match):
        Predictions(observables)


def test_bad_wilson_coefficients_raise():
    engine = Predictions([("BR(Bs->mumu)",)])
    with pytest.raises(ValueError, match="C9_bsmumumu"):
        engine({"C9_bsmumumu": 1.0})
    with pytest.raises(ValueError, match="not finite"):
        engine({"C10_bsmumu": float("nan")})


def test_forms_restricted_to_a_models_coefficients_give_the_same_values():
    """Predictions(coefficients=…) keeps only the form directions a model can move (6×6 real
    forms for C9, C10 of μ instead of 22×22): same values on every path, and a clear error for a
    coefficient outside them."""
    from jaxflav.wcxf import Resonance

    obs = [("<P5p>(B0->K*mumu)", 4.0, 6.0), ("<Rmue>(B+->Kll)", 1.1, 6.0), ("BR(Bs->mumu)",)]
    full, small = Predictions(obs), Predictions(obs, coefficients=["C9_bsmumu", "C10_bsmumu"])
    points = [
        {"C9_bsmumu": -1.0 + 0.2j, "C10_bsmumu": 0.3},
        {"C9_bsmumu": lambda q2: 0.5 / (q2 - 2.0 + 0.3j), "C10_bsmumu": 0.1},
        Resonance.from_names(2.0, 0.1, {"C9_bsmumu": (0.5, 0.0), "C10_bsmumu": (0.1, 0.02)}),
    ]
    for wc in points:
        np.testing.assert_allclose(np.asarray(small(wc)), np.asarray(full(wc)), rtol=1e-12)
    assert small._groups[0].Q.shape[-1] == 6
    with pytest.raises(ValueError, match="not for C9p_bsmumu"):
        small({"C9p_bsmumu": 0.2})
    with pytest.raises(ValueError, match="C9_bsxx"):
        Predictions(obs, coefficients=["C9_bsxx"])
