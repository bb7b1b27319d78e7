"""jaxflav.formfactors against flavio 2.7.1 (tests/data/flavio_formfactors.json, made by
tests/data/make_flavio_formfactors.py), plus jit/vmap/grad robustness over the physical q² range."""

import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401  (float64)
from jaxflav import formfactors as ffm

REF = json.loads((pathlib.Path(__file__).parent / "data" / "flavio_formfactors.json").read_text())
B_TO_V_KEYS = ("V", "A0", "A1", "A12", "A2", "T1", "T2", "T23", "T3")
B_TO_P_KEYS = ("f+", "f0", "fT")


def _evaluate(process, q2):
    return ffm.b_to_p(q2, process) if process == "B->K" else ffm.b_to_v(q2, process)


def test_reference_is_flavio_2_7_1_default_bsz3():
    assert REF["flavio_version"] == "2.7.1"
    assert REF["implementations"] == {"B->K*": "B->K* BSZ3", "Bs->phi": "Bs->phi BSZ3", "B->K": "B->K BSZ3"}


@pytest.mark.parametrize("process", ["B->K*", "Bs->phi", "B->K"])
def test_matches_flavio_to_1e_10(process):
    points = REF["processes"][process]["points"]
    q2 = np.array([p["q2"] for p in points])
    ours = _evaluate(process, q2)  # one array call: elementwise in q²
    keys = B_TO_P_KEYS if process == "B->K" else B_TO_V_KEYS
    assert set(ours) == set(keys)
    for key in keys:
        ref = np.array([p["ff"][key] for p in points])
        np.testing.assert_allclose(np.asarray(ours[key]), ref, rtol=1e-10, atol=0, err_msg=f"{process} {key}")


def test_meson_masses_in_z_are_flavios():
    assert ffm.BSZ_B_TO_KSTAR[:2] == tuple(REF["processes"]["B->K*"]["masses"].values())
    assert ffm.BSZ_BS_TO_PHI[:2] == tuple(REF["processes"]["Bs->phi"]["masses"].values())
    assert ffm.BSZ_B_TO_K[:2] == tuple(REF["processes"]["B->K"]["masses"].values())


def test_q2_zero_kinematic_relations():
    p = ffm.BSZ_B_TO_KSTAR
    v = ffm.b_to_v(0.0, "B->K*")
    m_B, m_V = p.m_B, p.m_V
    assert np.isclose(v["A0"], 8 * m_B * m_V / (m_B**2 - m_V**2) * v["A12"], rtol=1e-14)
    assert np.isclose(v["T1"], v["T2"], rtol=1e-14)
    k = ffm.b_to_p(0.0, "B->K")
    assert np.isclose(k["f+"], k["f0"], rtol=1e-14)


@pytest.mark.parametrize("process", ["B->K*", "Bs->phi", "B->K"])
def test_jit_vmap_grad_finite_over_physical_range(process):
    q2 = jnp.linspace(0.0, ffm.q2_max(process), 201)
    keys = B_TO_P_KEYS if process == "B->K" else B_TO_V_KEYS

    def stacked(x):
        ff = _evaluate(process, x)
        return jnp.stack([ff[k] for k in keys])

    values = jax.jit(jax.vmap(stacked))(q2)
    grads = jax.jit(jax.vmap(jax.jacfwd(stacked)))(q2)
    grads_rev = jax.vmap(jax.grad(lambda x: stacked(x).sum()))(q2)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads)) and np.all(np.isfinite(grads_rev))
    np.testing.assert_allclose(values, np.asarray(stacked(q2)).T, rtol=1e-11)  # A2, T3 cancel near q²_max


def test_grad_matches_finite_difference():
    f = lambda x: ffm.b_to_v(x, "B->K*")["T23"] + ffm.b_to_p(x, "B->K")["f0"]  # noqa: E731
    for q2 in (0.3, 7.7, 18.0):
        h = 1e-5
        fd = (f(q2 + h) - f(q2 - h)) / (2 * h)
        assert np.isclose(jax.grad(f)(q2), fd, rtol=1e-7)


def test_gradient_with_respect_to_parameters():
    g = jax.grad(lambda p: ffm.b_to_v(4.0, "B->K*", p)["A12"])(ffm.BSZ_B_TO_KSTAR)
    assert np.isfinite(g.A0[0]) and g.A0[0] != 0  # via a₀^{A12} from a₀^{A0}
    assert np.all(np.isfinite(jax.tree_util.tree_leaves(g)))


def test_a2_t3_finite_at_and_beyond_endpoint():
    for process in ("B->K*", "Bs->phi"):
        q2 = jnp.array([ffm.q2_max(process), ffm.q2_max(process) + 0.5])
        ff = ffm.b_to_v(q2, process)
        assert np.all(np.isfinite(ff["A2"])) and np.all(np.isfinite(ff["T3"]))


def test_unknown_process_raises_value_error_naming_known():
    with pytest.raises(ValueError, match=r"B->K\*.*Bs->phi"):
        ffm.b_to_v(1.0, "B->rho")
    with pytest.raises(ValueError, match="B->K"):
        ffm.b_to_p(1.0, "B->pi")
    with pytest.raises(ValueError, match="process"):
        ffm.b_to_v(1.0, "B->K")


def test_bad_params_and_q2_raise_value_error():
    with pytest.raises(ValueError, match="params"):
        ffm.b_to_v(1.0, "B->K*", ffm.BSZ_B_TO_K)
    with pytest.raises(ValueError, match="q2"):
        ffm.b_to_p(np.nan, "B->K")
