"""Tests of jaxflav/wilson.py: SM Wilson coefficients at μ_b and C₇^eff(q²), C₉^eff(q²).

References:
* flavio 2.7.1 (tests/data/flavio_wilson_reference.json, written by
  tests/data/make_flavio_wilson_reference.py): wctot_dict, get_wceff and the pieces of
  flavio/physics/bdecays/matrixelements.py at its central parameters and scale 4.8 GeV;
* mpmath: the quark-loop function h as its Feynman-parameter integral;
* kernels.inami_lim: the leading-order C₁₀ = −Y₀(x_t)/s_W² (Buchalla, Buras, Lautenbacher,
  hep-ph/9512380, Sec. XI, with α/4π pulled into O₁₀).
"""

import functools
import json
import math
from pathlib import Path

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

import jaxflav  # noqa: F401  (float64)
from jaxflav import wilson as w
from jaxflav.inputs import DEFAULT
from kernels import inami_lim

REF = json.loads((Path(__file__).parent / "data" / "flavio_wilson_reference.json").read_text())
Q2 = np.asarray(REF["q2"])


def _c(pairs):
    a = np.asarray(pairs, dtype=float)
    return a[..., 0] + 1j * a[..., 1]


def _max_rel(got, want):
    got, want = np.asarray(got), np.asarray(want)
    return float(np.max(np.abs(got - want) / np.abs(want)))



@jax.jit
@jax.vmap
def _value_and_slope(q):
    """(C₇^eff, C₉^eff) and their complex derivatives d/dq² (forward mode) at one q²."""
    return jax.jvp(lambda x: jnp.stack([w.c7_eff(x), w.c9_eff(x)]), (q,), (jnp.ones_like(q),))


_D = DEFAULT
_SPECIAL = [4 * _D.m_e**2, 4 * _D.m_mu**2, 4 * _D.m_c_pole**2 / 11, 4 * _D.m_c_pole**2,
            4 * _D.m_c_dipole**2, 0.03 * _D.m_b_pole**2, 0.999 * _D.m_b_pole**2, 23.0]
_Q0, _EPS = np.array([1.3, 4.1, 7.7, 16.4, 20.2]), 1e-5  # central-difference points
_Q2_ALL = np.concatenate([Q2, _SPECIAL, np.linspace(1e-3, 23.0, 47), _Q0, _Q0 + _EPS, _Q0 - _EPS])


@functools.lru_cache(maxsize=None)
def _all_points():
    """Values and slopes at every q² the tests use, from one compilation of c7_eff and c9_eff."""
    val, slope = _value_and_slope(jnp.asarray(_Q2_ALL))
    return np.asarray(val), np.asarray(slope)


_bar = jax.jit(lambda q2: jnp.stack([w.c7_eff(q2, cp_conjugate=True), w.c9_eff(q2, cp_conjugate=True)]))


def test_inputs_are_flavios():
    # the mass and coupling inputs the effective coefficients use are flavio's at 4.8 GeV
    ref = REF["inputs"]
    assert DEFAULT.mu_b == REF["scale"]
    for ours, theirs in [("alpha_s", "alpha_s"), ("m_b_pole", "m_b_pole"), ("m_c_pole", "m_c_pole"),
                         ("m_c_dipole", "m_c BVgamma"), ("m_b", "m_b"), ("m_s", "m_s"), ("m_t", "m_t")]:
        assert getattr(DEFAULT, ours) == pytest.approx(ref[theirs], rel=1e-12), ours


def test_sm_coefficients_match_flavio_wctot_dict():
    sm = w.sm_coefficients()
    names = {"C9_bsmumu": "C9", "C10_bsmumu": "C10", "C7effp_bs": "C7p"}
    for key, value in REF["sm"].items():
        field = names.get(key, key.split("_")[0])
        assert float(getattr(sm, field)) == pytest.approx(value, rel=1e-13, abs=1e-16), key


def test_sm_coefficients_on_a_table_node_and_outside_the_table():
    # at μ = 4.5 GeV (a node of flavio's table) C9 is the tabulated number itself
    table = json.loads((Path(w.__file__).parent / "data" / "wc_sm_dB1_nf5.json").read_text())
    col = table["scales_GeV"].index(4.5)
    sm = w.sm_coefficients(DEFAULT._replace(mu_b=4.5))
    assert float(sm.C9) == table["values"][8][col]
    assert float(sm.C7eff) == table["values"][6][col]
    with pytest.raises(ValueError, match="mu_b"):
        w.sm_coefficients(DEFAULT._replace(mu_b=6.0))


def test_c10_near_inami_lim_leading_order():
    # LO: C10 = −Y₀(x_t)/s_W², x_t = m_t(m_t)²/M_W² with flavio's m_t(m_t) = 162.87 GeV (MS-bar,
    # from m_t^pole = 172.5) and M_W = 80.379 GeV. flavio's NNLO value differs by 2.1 %
    # (NLO QCD and NNLO EW matching corrections, hep-ph/9901278, arXiv:1311.0903).
    x_t = (REF["inputs"]["m_t(m_t)"] / REF["inputs"]["m_W"]) ** 2
    lo = -float(inami_lim.Y0(x_t)) / REF["inputs"]["s2w"]
    c10 = float(w.sm_coefficients().C10)
    assert lo == pytest.approx(-4.081, abs=2e-3)
    assert c10 / lo - 1 == pytest.approx(0.021, abs=2e-3)


@pytest.mark.parametrize("decay", ["B0->K*0mumu", "B+->K+mumu"])
def test_effective_coefficients_match_flavio_get_wceff(decay):
    rows = REF["wceff"][decay]
    val = _all_points()[0][: len(Q2)]
    assert _max_rel(val[:, 0], _c(rows["7"])) < 1e-10
    assert _max_rel(val[:, 1], _c(rows["v"])) < 1e-10
    sm = w.sm_coefficients()
    np.testing.assert_allclose(float(sm.C7p), _c(rows["7p"]).real, rtol=1e-13)
    np.testing.assert_allclose(float(sm.C10), _c(rows["a"]).real, rtol=1e-13)


@jax.jit
def _pieces(q2, ratio):
    """Every intermediate of flavio's matrixelements.py on `q2`, with the CKM ratio ξ_u/ξ_t given."""
    d = DEFAULT
    mb, mc, mu = d.m_b_pole, d.m_c_pole, d.mu_b
    sm = w.sm_coefficients()
    sh = q2 / mb**2
    y, y_u = w.y_loops(q2, sm[:6], mc, mb, mu)
    out = {
        "h_c": w.h(q2, mc, mu), "h_b": w.h(q2, mb, mu), "h_0": w.h(q2, 0.0, mu),
        "Y": y, "Yu": y_u,
        "delta_C7": w._delta_c7(q2, sm, d, ratio), "delta_C9": w._delta_c9(q2, sm, d, ratio),
        "F17": w.f_grid("F17", mu / mb, d.m_c_dipole**2 / mb**2, sh),
        "F27": w.f_grid("F27", mu / mb, d.m_c_dipole**2 / mb**2, sh),
        "F19": w.f_grid("F19", mu / mb, mc**2 / mb**2, sh),
        "F29": w.f_grid("F29", mu / mb, mc**2 / mb**2, sh),
        "F87": w.f87(jnp.log(mu / mb), sh), "F89": w.f89(sh),
        "SeidelA": w.seidel_a(q2, mb, mu), "SeidelB": w.seidel_b(q2, mb, mu),
        "SeidelC": w.seidel_c(q2, mu),
    }
    out["c7"] = sm.C7eff + out["delta_C7"]
    out["c9"] = sm.C9 + out["Y"] + ratio * out["Yu"] + out["delta_C9"]
    return out


def test_cp_conjugate_is_flavios_up_to_its_ckm_phase():
    # flavio conjugates by γ → −γ; its tree parametrisation (ckmutil's exact δ(γ)) is not odd in γ,
    # so its "conjugate" ξ_u/ξ_t differs from the exact complex conjugate by 2.4e-5 (0.1 %).
    # With flavio's conjugated ratio inserted the two agree to rounding; the public function
    # (exact conjugate) is within 2e-5 of flavio's helicity_amps_bar coefficients.
    rows = REF["wceff"]["B0->K*0mumu bar"]
    q2 = jnp.asarray(Q2)
    p = _pieces(q2, jnp.asarray(_c(REF["inputs"]["xi_u/xi_t conjugate_par"])))
    assert _max_rel(p["c7"], _c(rows["7"])) < 1e-10
    assert _max_rel(p["c9"], _c(rows["v"])) < 1e-10
    c7_bar, c9_bar = np.asarray(_bar(q2))
    assert _max_rel(c7_bar, _c(rows["7"])) < 2e-5
    assert _max_rel(c9_bar, _c(rows["v"])) < 1e-5
    # exact conjugation: conj(ξ_u/ξ_t)
    np.testing.assert_allclose(np.asarray(w._xi_ratio(DEFAULT, True)),
                               np.conj(_c(REF["inputs"]["xi_u/xi_t"])), rtol=1e-12)


def test_pieces_match_flavio_matrixelements():
    d = DEFAULT
    mb, mc, mu = d.m_b_pole, d.m_c_pole, d.mu_b
    ours = _pieces(jnp.asarray(Q2), jnp.asarray(_c(REF["inputs"]["xi_u/xi_t"])))
    for name, value in ours.items():
        if name in ("c7", "c9"):
            continue
        # Seidel's A, B cancel 1/ŝ terms at small q² in flavio's (and our) float64 evaluation
        tol = 1e-9 if name.startswith("Seidel") else 1e-11
        assert _max_rel(value, _c(REF["pieces"][name])) < tol, name
    sp = REF["h_special"]
    assert complex(w.h(0.0, mc, mu)) == pytest.approx(_c(sp["h_c(0)"]), rel=1e-14)
    assert complex(w.h(4 * mc**2, mc, mu)) == pytest.approx(_c(sp["h_c(4mc^2)"]), rel=1e-14)
    assert complex(w.seidel_a(0.0, mb, mu)) == pytest.approx(_c(sp["SeidelA(0)"]), rel=1e-14)


def _h_mpmath(q2, m, mu):
    """h as the vacuum-polarisation integral −4/9 − 8/3 ∫₀¹ x(1 − x) ln[(m² − x(1 − x)q² − i0)/μ²] dx
    (the one-loop quark bubble; reproduces hep-ph/0106067 Eq. 11 at q² = 0 and for m = 0)."""
    with mp.workdps(20):
        return _h_mpmath_at_precision(q2, m, mu)


def _h_mpmath_at_precision(q2, m, mu):
    q2, m, mu = mp.mpf(q2), mp.mpf(m), mp.mpf(mu)

    def integrand(x):
        a = m**2 - x * (1 - x) * q2
        return x * (1 - x) * (mp.log(abs(a) / mu**2) - (1j * mp.pi if a < 0 else 0))

    pts = [0, mp.mpf(1) / 2, 1]  # x = 1/2: the near-singular point just below threshold
    if q2 > 4 * m**2:  # zeros of m² − x(1 − x)q² inside (0, 1)
        r = mp.sqrt(1 - 4 * m**2 / q2)
        pts = [0, (1 - r) / 2, (1 + r) / 2, 1]
    return complex(-mp.mpf(4) / 9 - mp.mpf(8) / 3 * mp.quad(integrand, pts))


def test_h_matches_feynman_parameter_integral():
    mc, mu = 1.5, 4.8
    # across the small-q² series (q² < 4m²/11 = 0.818), next to the threshold 4m² = 9 (the value at
    # it is checked against flavio above) and above it
    q2s = [1e-6, 0.01, 0.5, 0.8181, 0.8182, 2.0, 8.9, 8.99999, 9.00001, 9.1, 15.0, 22.0]
    got = np.asarray(w.h(jnp.asarray(q2s), mc, mu))
    want = np.array([_h_mpmath(q, mc, mu) for q in q2s])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    got0 = np.asarray(w.h(jnp.asarray([0.1, 3.0, 20.0]), 0.0, mu))
    want0 = np.array([_h_mpmath(q, 0.0, mu) for q in (0.1, 3.0, 20.0)])
    np.testing.assert_allclose(got0, want0, rtol=1e-12)


def test_h_limits_are_exact():
    mu = 4.8
    for m in (0.1, 1.5, 4.8):
        assert complex(w.h(0.0, m, mu)) == pytest.approx(-4 / 9 * (1 + math.log(m**2 / mu**2)), rel=1e-15)
    # massless quark: 8/27 − 4/9 ln(q²/μ²) + 4iπ/9
    assert complex(w.h(2.0, 0.0, mu)) == pytest.approx(8 / 27 - 4 / 9 * math.log(2 / mu**2) + 4j * math.pi / 9,
                                                       rel=1e-15)


def test_values_and_gradients_finite_over_the_kinematic_range():
    val, slope = _all_points()
    assert np.all(np.isfinite(val)) and np.all(np.isfinite(slope))
    n = len(_Q0)
    fd = (val[-2 * n:-n] - val[-n:]) / (2 * _EPS)
    np.testing.assert_allclose(slope[-3 * n:-2 * n], fd, rtol=1e-6, atol=1e-9)


@pytest.mark.slow
def test_gradients_with_respect_to_inputs_are_finite():
    @jax.jit
    def f(inp):
        return jnp.real(w.c9_eff(2.0, inp)) + jnp.imag(w.c7_eff(2.0, inp))

    g = jax.grad(f)(DEFAULT)
    assert all(np.isfinite(float(v)) for v in g)
    assert float(g.m_c_pole) != 0.0 and float(g.alpha_s) != 0.0


def test_bad_input_raises_before_tracing():
    with pytest.raises(ValueError, match="q2"):
        w.c9_eff(-1.0)
    with pytest.raises(ValueError, match="q2"):
        w.c7_eff(jnp.array([1.0, np.nan]))
