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
PROCESSES = ["B->K*", "B->rho", "Bs->phi", "B->K", "B->pi"]


def _keys(process):
    return B_TO_P_KEYS if process in ffm.B_TO_P_PROCESSES else B_TO_V_KEYS


def _evaluate(process, q2):
    return ffm.b_to_p(q2, process) if process in ffm.B_TO_P_PROCESSES else ffm.b_to_v(q2, process)


def test_reference_is_flavio_2_7_1_defaults():
    assert REF["flavio_version"] == "2.7.1"
    assert REF["implementations"] == {
        "B->K*": "B->K* BSZ3",
        "Bs->phi": "Bs->phi BSZ3",
        "B->K": "B->K BSZ3",
        "B->rho": "B->rho BSZ3",
        "B->pi": "B->pi BCL4-LMVD",
    }
    assert sorted(REF["processes"]) == sorted(PROCESSES)


def test_reference_covers_the_physical_range():
    for process in PROCESSES:
        q2 = [p["q2"] for p in REF["processes"][process]["points"]]
        assert q2[0] == 0.0 and q2[-1] <= ffm.q2_max(process) and q2[-1] > 0.8 * ffm.q2_max(process)


@pytest.mark.parametrize("process", PROCESSES)
def test_matches_flavio_to_1e_10(process):
    points = REF["processes"][process]["points"]
    q2 = np.array([p["q2"] for p in points])
    ours = _evaluate(process, q2)  # one array call: elementwise in q²
    keys = _keys(process)
    assert set(ours) == set(keys)
    for key in keys:
        ref = np.array([p["ff"][key] for p in points])
        np.testing.assert_allclose(np.asarray(ours[key]), ref, rtol=1e-10, atol=0, err_msg=f"{process} {key}")


def test_meson_masses_in_z_are_flavios():
    assert ffm.BSZ_B_TO_KSTAR[:2] == tuple(REF["processes"]["B->K*"]["masses"].values())
    assert ffm.BSZ_BS_TO_PHI[:2] == tuple(REF["processes"]["Bs->phi"]["masses"].values())
    assert ffm.BSZ_B_TO_K[:2] == tuple(REF["processes"]["B->K"]["masses"].values())
    assert ffm.BCL_B_TO_PI[:2] == tuple(REF["processes"]["B->pi"]["masses"].values())
    # flavio's m_rho0 is 775.26 MeV × 1e-3, one ulp above the decimal 0.77526 of jaxflav.inputs
    np.testing.assert_allclose(ffm.BSZ_B_TO_RHO[:2], tuple(REF["processes"]["B->rho"]["masses"].values()), rtol=3e-16)


def test_processes_are_registered():
    assert ffm.B_TO_V_PROCESSES["B->rho"] is ffm.BSZ_B_TO_RHO
    assert ffm.B_TO_P_PROCESSES["B->pi"] is ffm.BCL_B_TO_PI
    assert ffm.B_TO_P_PROCESSES["B->K"] is ffm.BSZ_B_TO_K
    assert ffm.q2_max("B->rho") == pytest.approx((5.27966 - 0.77526) ** 2, rel=1e-15)
    assert ffm.q2_max("B->pi") == pytest.approx((5.279 - 0.135) ** 2, rel=1e-15)


def test_q2_zero_kinematic_relations():
    p = ffm.BSZ_B_TO_KSTAR
    v = ffm.b_to_v(0.0, "B->K*")
    m_B, m_V = p.m_B, p.m_V
    assert np.isclose(v["A0"], 8 * m_B * m_V / (m_B**2 - m_V**2) * v["A12"], rtol=1e-14)
    assert np.isclose(v["T1"], v["T2"], rtol=1e-14)
    k = ffm.b_to_p(0.0, "B->K")
    assert np.isclose(k["f+"], k["f0"], rtol=1e-14)
    p = ffm.BSZ_B_TO_RHO
    r = ffm.b_to_v(0.0, "B->rho")
    assert np.isclose(r["A0"], 8 * p.m_B * p.m_V / (p.m_B**2 - p.m_V**2) * r["A12"], rtol=1e-14)
    assert np.isclose(r["T1"], r["T2"], rtol=1e-14)


def test_b_to_pi_f_plus_equals_f0_at_q2_zero():
    pi = ffm.b_to_p(0.0, "B->pi")
    assert float(pi["f+"]) == pytest.approx(float(pi["f0"]), rel=1e-15)
    assert float(pi["f+"]) == pytest.approx(ffm.BCL_B_TO_PI.fplus0, rel=1e-15)
    assert float(pi["fT"]) == pytest.approx(ffm.BCL_B_TO_PI.fT0, rel=1e-15)
    # also with other (e.g. sampled) parameters: the relation holds by construction
    other = ffm.BCL_B_TO_PI._replace(fplus0=0.3, b_zero=(1.0, -2.0, 3.0, -4.0), b_plus=(0.5, 0.5, 0.5))
    pi = ffm.b_to_p(0.0, "B->pi", other)
    assert float(pi["f+"]) == pytest.approx(0.3, rel=1e-15) and float(pi["f0"]) == pytest.approx(0.3, rel=1e-15)


def test_b_to_pi_threshold_condition():
    """f₊ and f_T without their pole have zero slope in z at z = −1 (the eliminated b_K)."""
    p = ffm.BCL_B_TO_PI
    z0 = float(ffm._z_and_z0(0.0, p.m_B, p.m_P)[1])
    for value0, b in ((p.fplus0, p.b_plus), (p.fT0, p.b_T)):
        slope = jax.grad(lambda z: ffm._bcl_with_threshold(value0, b, z, z0))(-1.0)
        assert abs(float(slope)) < 1e-14


@pytest.mark.parametrize("process", PROCESSES)
def test_jit_vmap_grad_finite_over_physical_range(process):
    q2 = jnp.linspace(0.0, ffm.q2_max(process), 201)
    keys = _keys(process)

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

    def g(x):
        pi = ffm.b_to_p(x, "B->pi")
        return ffm.b_to_v(x, "B->rho")["A1"] + pi["f+"] + pi["f0"] + pi["fT"]

    for func in (f, g):
        for q2 in (0.3, 7.7, 18.0):
            h = 1e-5
            fd = (func(q2 + h) - func(q2 - h)) / (2 * h)
            assert np.isclose(jax.grad(func)(q2), fd, rtol=1e-7)


def test_gradient_with_respect_to_parameters():
    g = jax.grad(lambda p: ffm.b_to_v(4.0, "B->K*", p)["A12"])(ffm.BSZ_B_TO_KSTAR)
    assert np.isfinite(g.A0[0]) and g.A0[0] != 0  # via a₀^{A12} from a₀^{A0}
    assert np.all(np.isfinite(jax.tree_util.tree_leaves(g)))
    g = jax.grad(lambda p: ffm.b_to_p(4.0, "B->pi", p)["f0"])(ffm.BCL_B_TO_PI)
    assert g.fplus0 != 0 and all(x != 0 for x in g.b_zero)  # f₀ is normalised by f₊(0)
    assert g.fT0 == 0 and all(x == 0 for x in g.b_plus)
    assert np.all(np.isfinite(jax.tree_util.tree_leaves(g)))


def test_a2_t3_finite_at_and_beyond_endpoint():
    for process in ("B->K*", "B->rho", "Bs->phi"):
        q2 = jnp.array([ffm.q2_max(process), ffm.q2_max(process) + 0.5])
        ff = ffm.b_to_v(q2, process)
        assert np.all(np.isfinite(ff["A2"])) and np.all(np.isfinite(ff["T3"]))


def test_unknown_process_raises_value_error_naming_known():
    with pytest.raises(ValueError, match=r"B->K\*.*B->rho.*Bs->phi"):
        ffm.b_to_v(1.0, "B->omega")
    with pytest.raises(ValueError, match=r"B->K.*B->pi"):
        ffm.b_to_p(1.0, "B->D")
    with pytest.raises(ValueError, match="process"):
        ffm.b_to_v(1.0, "B->K")
    with pytest.raises(ValueError, match="process"):
        ffm.b_to_v(1.0, "B->pi")
    with pytest.raises(ValueError, match="process"):
        ffm.b_to_p(1.0, "B->rho")
    with pytest.raises(ValueError, match="process"):
        ffm.q2_max("B->omega")


def test_bad_params_and_q2_raise_value_error():
    with pytest.raises(ValueError, match="params"):
        ffm.b_to_v(1.0, "B->K*", ffm.BSZ_B_TO_K)
    with pytest.raises(ValueError, match="params must be a BCLParams"):
        ffm.b_to_p(1.0, "B->pi", ffm.BSZ_B_TO_K)
    with pytest.raises(ValueError, match="params must be a BToPParams"):
        ffm.b_to_p(1.0, "B->K", ffm.BCL_B_TO_PI)
    with pytest.raises(ValueError, match="q2"):
        ffm.b_to_p(np.nan, "B->pi")
    with pytest.raises(ValueError, match="q2"):
        ffm.b_to_p(np.nan, "B->K")
