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
