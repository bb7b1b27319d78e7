"""Tests of jaxflav.observables.b_to_xsll against flavio 2.7.1.

Reference numbers: tests/data/flavio_bxll.json, written by tests/data/make_flavio_bxll.py with
flavio 2.7.1 ("BR_tight" = flavio's dBR/dq2 integrated with scipy.quad at epsrel 1e-9; flavio's
own "<BR>" uses epsrel 5e-3 and differs from it by ~2e-6 relative).
"""

import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401  (float64)
from jaxflav.wcxf import DIM
from jaxflav import inputs as sm_inputs
from jaxflav import wcxf, wilson
from jaxflav.observables import b_to_xsll as bx
from kernels.quadrature import bin_nodes

REF = json.loads((Path(__file__).parent / "data" / "flavio_bxll.json").read_text())
PRED = REF["predictions"]
POINTS = np.array([p["q2"] for p in PRED["SM"]["mu"]["points"]])  # 1…6, 15, 18, 21 GeV²
BINS = [(b["q2min"], b["q2max"]) for b in PRED["SM"]["mu"]["bins"]]  # [1,6], [1,3.5], [3.5,6], [14.4,22]
N_NODES = 16  # every forms() call below uses 16 q² values: one compilation serves the whole file


def _pad(q2):
    """q² values padded to N_NODES entries (with 2.5 GeV²), and the number of real ones."""
    q2 = np.asarray(q2, dtype=float)
    return jnp.asarray(np.concatenate([q2, np.full(N_NODES - q2.size, 2.5)])), q2.size


def _cplx(pair):
    return complex(pair[0], pair[1])


def _wc(label):
    return {k: _cplx(v) for k, v in PRED[label]["wc"].items()}


@pytest.fixture(scope="module")
def node_forms():
    """Gauss–Legendre nodes, weights and M(q²) at them, per (lepton, bin): built once."""
    out = {}
    for lep in ("mu", "e"):
        for lo, hi in BINS:
            q2, w = bin_nodes(lo, hi, N_NODES)
            out[lep, lo, hi] = (q2, w, bx.forms(q2, lep))
    return out


@pytest.fixture(scope="module")
def point_forms():
    q2, n = _pad(POINTS)
    return {lep: bx.forms(q2, lep)[:n] for lep in ("mu", "e")}


def _rate(m, x):
    return jnp.real(jnp.einsum("...i,...ij,...j->...", jnp.conj(x), m, x))


def _binned(node_forms, lep, lo, hi, values):
    q2, w, m = node_forms[lep, lo, hi]
    return float(jnp.sum(w * _rate(m, wcxf.form_vector(values, lep, q2))))


# --------------------------------------------------------------------------------------------
# inputs


def test_inputs_are_flavio_values():
    # make_flavio_bxll.py "inputs": flavio 2.7.1 running.get_alpha/get_mb_pole/... at μ = 5 GeV
    ref = REF["inputs"]
    p = bx.DEFAULT_BXLL
    assert bx.MU == ref["mu"]
    for name, key in [("alpha_s", "alpha_s"), ("alpha_e", "alpha_e"), ("alpha_s_mz", "alpha_s_mz"),
                      ("alpha_s_np", "alpha_s_np"), ("m_b_pole", "m_b_pole"), ("m_c_pole", "m_c_pole"),
                      ("m_c_dipole", "m_c_dipole"), ("m_t", "m_t"), ("lambda_1", "lambda_1"),
                      ("lambda_2", "lambda_2"), ("br_xcenu", "br_xcenu_exp"), ("c_bxlnu", "c_bxlnu")]:
        assert getattr(p, name) == pytest.approx(ref[key], rel=1e-14), name
    assert p.m_s_over_m_b == pytest.approx(ref["m_s_msbar"] / ref["m_b_msbar"], rel=1e-14)
    np.testing.assert_allclose(p.wc_sm, ref["wc_sm_table"], rtol=1e-14)
    assert p.alpha_s_np == sm_inputs.DEFAULT.alpha_s
    assert sm_inputs.DEFAULT.m_mu == pytest.approx(ref["m_mu"], rel=1e-14)
    assert sm_inputs.DEFAULT.m_e == pytest.approx(ref["m_e"], rel=1e-14)


def test_ckm_factors_match_flavio():
    xi_t, xi_u, v_cb = bx._ckm_factors(sm_inputs.DEFAULT)
    assert abs(xi_t - _cplx(REF["inputs"]["xi_t"])) < 1e-12 * abs(xi_t)
    assert abs(xi_u - _cplx(REF["inputs"]["xi_u"])) < 1e-12 * abs(xi_u)
    assert v_cb == pytest.approx(REF["inputs"]["Vcb"], rel=1e-14)


def test_o12_tables_are_flavios_interpolation():
    # make_flavio_bxll.py "f_tables": flavio's trilinear interpolation of the 0810.4077 table at the
    # default μ/m_b, z₇ = (m_c^dipole/m_b)², z₉ = (m_c^pole/m_b)², on the table's ŝ nodes, as
    # b_to_xsll evaluates it (through jaxflav.wilson.f_grid)
    t = REF["f_tables"]
    p = bx.DEFAULT_BXLL
    muh = bx.MU / p.m_b_pole
    z7, z9 = (p.m_c_dipole / p.m_b_pole) ** 2, (p.m_c_pole / p.m_b_pole) ** 2
    assert muh == pytest.approx(t["muh"], rel=1e-14)
    assert z7 == pytest.approx(t["z7"], rel=1e-14)
    assert z9 == pytest.approx(t["z9"], rel=1e-14)
    sh = jnp.asarray(t["sh"])
    for key, z in [("F17", z7), ("F27", z7), ("shF19", z9), ("shF29", z9)]:
        ours = np.asarray(wilson.f_grid(key.removeprefix("sh"), muh, z, sh))
        if key.startswith("sh"):
            ours = np.asarray(sh) * ours
        ref = np.array(t[key])
        np.testing.assert_allclose(ours.real, ref[:, 0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.imag, ref[:, 1], rtol=1e-10, atol=1e-12)


def test_np_running_4p8_to_5_close_to_flavio():
    # flavio/wilson: C7_bs(4.8) = 1 → C7_bs(5) = 1.0082639 (QCD + QED); ours is LO QCD only
    r7 = bx._basis_map(bx.DEFAULT_BXLL)[1, 1].real
    assert r7 == pytest.approx(REF["running"]["C7_bs"]["C7_bs"][0], abs=1e-4)
    assert bx._basis_map(bx.DEFAULT_BXLL)[3, 3] == 1.0  # flavio: 1.0000741 (QED), left out


# --------------------------------------------------------------------------------------------
# pieces against flavio's intermediate quantities (make_flavio_bxll.py "pieces")


def test_delta_c7_c9_and_y_match_flavio():
    p = bx.DEFAULT_BXLL
    xi_t, xi_u, _ = bx._ckm_factors(sm_inputs.DEFAULT)
    rows = REF["pieces"]["mu"]
    q2 = jnp.array([r["q2"] for r in rows])
    d7, d9 = jax.jit(bx._delta_c7_c9)(q2, p, xi_u / xi_t)
    y = jax.jit(bx._y_loop)(q2, p.wc_sm[:6], p.m_b_pole, p.m_c_pole, bx.MU, xi_u / xi_t)
    for k, r in enumerate(rows):
        assert abs(d7[k] - _cplx(r["delta_C7"])) < 1e-10 * abs(_cplx(r["delta_C7"])), r["q2"]
        assert abs(d9[k] - _cplx(r["delta_C9"])) < 1e-10 * abs(_cplx(r["delta_C9"])), r["q2"]
        assert abs(y[k] - _cplx(r["Y"])) < 1e-10 * abs(_cplx(r["Y"])), r["q2"]


def test_phi_u_matches_flavio():
    assert bx._phi_u(bx.DEFAULT_BXLL) == pytest.approx(REF["pieces"]["Phi_u"], rel=1e-14)


# --------------------------------------------------------------------------------------------
# the observables


@pytest.mark.parametrize("lep", ["mu", "e"])
def test_sm_binned_br_matches_flavio(node_forms, lep):
    # flavio 2.7.1 SM <BR>(B->Xsmumu)[1,6] = 1.66908e-6, <BR>(B->Xsee)[1,6] = 1.73389e-6
    for b in PRED["SM"][lep]["bins"]:
        ours = _binned(node_forms, lep, b["q2min"], b["q2max"], {})
        assert ours == pytest.approx(b["BR_tight"], rel=2e-5), (b["q2min"], b["q2max"])
        assert ours == pytest.approx(b["BR"], rel=2e-5)


@pytest.mark.parametrize("label", [k for k in PRED if k != "SM"])
@pytest.mark.parametrize("lep", ["mu", "e"])
def test_np_over_sm_ratios_match_flavio(node_forms, label, lep):
    # NP given at 4.8 GeV; flavio runs with wilson (QCD+QED), we with LO QCD for C7 only: the
    # O(α_e) running left out moves these ratios by ≤ 5e-5
    for b, b_sm in zip(PRED[label][lep]["bins"], PRED["SM"][lep]["bins"]):
        lo, hi = b["q2min"], b["q2max"]
        ratio = _binned(node_forms, lep, lo, hi, _wc(label)) / _binned(node_forms, lep, lo, hi, {})
        assert ratio == pytest.approx(b["BR_tight"] / b_sm["BR_tight"], rel=1e-4), (lo, hi)


@pytest.mark.parametrize("label", list(PRED))
@pytest.mark.parametrize("lep", ["mu", "e"])
def test_dbr_dq2_points_match_flavio(point_forms, label, lep):
    # flavio dBR/dq2(B->Xsll) at q² = 1…6, 15, 18, 21 GeV²
    ref = np.array([p["dBR"] for p in PRED[label][lep]["points"]])
    ours = _rate(point_forms[lep], wcxf.form_vector(_wc(label), lep, jnp.asarray(POINTS)))
    np.testing.assert_allclose(ours, ref, rtol=1e-4)


def test_binned_br_entry_point():
    # the public door: same number as the node sum, and NP as a function of q² works
    sm = PRED["SM"]["mu"]["bins"][0]
    br = bx.binned_br(1.0, 6.0, lambda q2: wcxf.form_vector({}, "mu", q2), "mu")
    assert float(br) == pytest.approx(sm["BR_tight"], rel=2e-5)
    c9 = PRED["C9_bsmumu=-1"]["mu"]["bins"][0]
    br9 = bx.binned_br(1.0, 6.0, lambda q2: wcxf.form_vector({"C9_bsmumu": -1.0 + 0.0 * q2}, "mu", q2), "mu")
    assert float(br9) == pytest.approx(c9["BR_tight"], rel=1e-4)


def test_forms_shape_and_hermitian():
    q2 = _pad(POINTS)[0].reshape(4, 2, 2)
    m = bx.forms(q2, "mu")
    assert m.shape == (4, 2, 2, DIM, DIM)
    np.testing.assert_allclose(m, jnp.conj(jnp.swapaxes(m, -1, -2)), atol=1e-20)


def _outside_points():
    m_mu, m_b = sm_inputs.DEFAULT.m_mu, bx.DEFAULT_BXLL.m_b_pole
    return _pad([0.5 * 4 * m_mu**2, 4 * m_mu**2, m_b**2, 1.01 * m_b**2, 30.0, 2.0, 3.0, 4.0, 5.0, 11.0,
                 4 * bx.DEFAULT_BXLL.m_c_pole**2 + 1e-9, 14.0, 0.999 * m_b**2])[0]


def test_zero_outside_phase_space():
    m = np.asarray(bx.forms(_outside_points(), "mu"))
    assert np.all(m[:5] == 0)
    assert np.all(np.isfinite(m))
    assert np.all(np.abs(m[5:]).max(axis=(-1, -2)) > 0)


@pytest.mark.slow  # compiles the q² derivative of the whole form (≈ 15 s)
def test_gradient_in_q2_finite_everywhere():
    q2 = _outside_points()
    x0 = wcxf.form_vector({"C9_bsmumu": -0.5}, "mu", jnp.zeros(()))
    g = jax.grad(lambda q: jnp.sum(bx.dbr_dq2(q, x0, "mu")))(q2)
    assert np.all(np.isfinite(np.asarray(g)))
    assert np.all(np.asarray(g[:5]) == 0)


def test_grad_in_coefficients_matches_finite_differences(node_forms):
    q2, w, m = node_forms["mu", 1.0, 6.0]

    @jax.jit
    def br(r):  # r = real and imaginary parts of the six vector and dipole NP shifts (no scalars in B → X_sℓℓ)
        x = jnp.concatenate([jnp.ones(1), r[:6] + 1j * r[6:], jnp.zeros(DIM - 7)])
        return jnp.sum(w * _rate(m, x))

    r0 = jnp.array([0.05, -0.02, -0.8, 0.3, 0.4, -0.1, 0.01, 0.02, 0.1, -0.2, 0.3, 0.05])
    g = jax.grad(br)(r0)
    h = 1e-6
    fd = np.array([(br(r0.at[k].add(h)) - br(r0.at[k].add(-h))) / (2 * h) for k in range(12)])
    assert np.all(np.isfinite(np.asarray(g)))
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6 * float(jnp.max(jnp.abs(g))))


def test_binned_br_jit_vmap_grad():
    def br(c9):
        return bx.binned_br(1.0, 6.0, lambda q2: wcxf.form_vector({"C9_bsmumu": c9}, "mu", q2), "mu")

    c9s = jnp.array([-1.0, 0.0, 0.5])
    vals = jax.jit(jax.vmap(br))(c9s)
    ref_c9 = PRED["C9_bsmumu=-1"]["mu"]["bins"][0]["BR_tight"]
    assert float(vals[0]) == pytest.approx(ref_c9, rel=1e-4)
    assert float(vals[1]) == pytest.approx(PRED["SM"]["mu"]["bins"][0]["BR_tight"], rel=2e-5)
    g = jax.grad(lambda c: jnp.real(br(c)))(-0.3)
    assert np.isfinite(float(g)) and float(g) > 0  # C9_SM ≈ 4: the rate grows with C9


def test_bad_input_raises_before_tracing():
    with pytest.raises(ValueError, match="lepton"):
        bx.forms(jnp.array([2.0]), "tau")
    with pytest.raises(ValueError, match="q2min"):
        bx.binned_br(6.0, 1.0, lambda q2: wcxf.form_vector({}, "mu", q2), "mu")
    with pytest.raises(ValueError, match="n must"):
        bx.binned_br(1.0, 6.0, lambda q2: wcxf.form_vector({}, "mu", q2), "mu", n=0)
