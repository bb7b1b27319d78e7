"""jaxflav.models.penguin: the one-loop SM vertex b → s γ*/Z* from PV integrals against the
Inami–Lim functions of Buchalla, Buras, Lautenbacher, Rev. Mod. Phys. 68 (1996) 1125
(hep-ph/9512380, "BBL"; `kernels.inami_lim`), the Ward identity and UV finiteness.

GIM: Σ_k λ_k = 0 removes x-independent constants, so every check compares F(x) − F(X_REF).
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav.models import penguin
from kernels import inami_lim as il

MW2 = 80.4**2
SW2 = 0.231
X_T = (173 / 80.4) ** 2
X_C = (1.27 / 80.4) ** 2
X_REF = 1e-3
XS = np.array([1e-6, 1e-4, X_C, 0.01, 0.3, 1.0, X_T, 10.0])  # one grid: one compile
_GRID = np.append(XS, X_REF)


@jax.jit
def _on_grid(q2, charges, mu2, delta):
    """(F0, F2, FM) on XS minus their values at X_REF, for traced charges, q², μ², Δ."""
    f = jax.vmap(lambda x: penguin.vertex(x, q2, MW2, charges, mu2=mu2, delta=delta))
    values = jnp.stack(f(jnp.asarray(_GRID)))
    return values[:, :-1] - values[:, -1:], values[:, :-1]


def _charges(name):
    return {"photon": penguin.PHOTON, "T3": penguin.T3, "Z": penguin.z_charges(SW2)}[name]


def _grid(name, q2=0.0, mu2=1.0, delta=0.0):
    charges = penguin.Charges(*(jnp.asarray(c, dtype=float) for c in _charges(name)))
    return _on_grid(jnp.asarray(q2, dtype=float), charges, jnp.asarray(mu2), jnp.asarray(delta))


@jax.jit
def _raw_amplitudes(q2, charges, mu2, delta):
    """A(q²) and FM(q²) on XS straight from the diagrams at the given (μ², Δ)."""
    f = jax.vmap(lambda x: penguin._amplitudes(x, jnp.stack([q2]), MW2, charges, mu2, delta))
    amp, dipole = f(jnp.asarray(XS))
    return amp[:, 0], dipole[:, 0]


@pytest.mark.parametrize("name", ["photon", "Z"])
@pytest.mark.parametrize("q2", [0.0, pytest.param(3.0, marks=pytest.mark.slow)])
def test_uv_poles_and_scale_are_x_independent(name, q2):
    """UV finiteness: A(q²; μ², Δ) − A(q²; M_W², 0) = K (Δ + log(μ²/M_W²)) with K = _uv_coefficient
    independent of x (so GIM differences are finite and scale free), and FM does not move.
    Also what `vertex` relies on to report F0 at any (μ², Δ)."""
    charges = penguin.Charges(*(jnp.asarray(c, dtype=float) for c in _charges(name)))
    args = (jnp.asarray(q2, dtype=float), charges)
    amp, dipole = _raw_amplitudes(*args, jnp.asarray(MW2), jnp.asarray(0.0))
    mu2, delta = 173.0**2, 2.5
    amp_moved, dipole_moved = _raw_amplitudes(*args, jnp.asarray(mu2), jnp.asarray(delta))
    k = penguin._uv_coefficient(XS, _charges(name))
    np.testing.assert_allclose(k, k[0], rtol=1e-14)
    shift = np.asarray(amp_moved - amp)
    assert abs(shift[0]) > 1.0
    np.testing.assert_allclose(shift, k * (delta + math.log(mu2 / MW2)), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(dipole_moved), np.asarray(dipole), rtol=1e-10, atol=1e-12)
    # and through the public functions: GIM differences at another (μ², Δ)
    base, _ = _grid(name, q2)
    moved, _ = _grid(name, q2, mu2=mu2, delta=delta)
    np.testing.assert_allclose(np.asarray(moved), np.asarray(base), rtol=1e-10, atol=1e-11)


def test_ward_identity_photon_f0_is_x_independent():
    """Photon F0(x, 0) − F0(x_ref, 0) = 0: the diagrams (each O(1–10)) cancel to rounding."""
    diff, raw = _grid("photon")
    assert np.abs(np.asarray(raw[0])).max() > 1.0
    np.testing.assert_allclose(np.asarray(diff[0]), 0.0, atol=1e-12)


@pytest.mark.parametrize("name", ["T3", "Z"])
def test_z_penguin_is_twice_bbl_c0(name):
    """Z F0(x) − F0(x_ref) = N_Z (C₀(x) − C₀(x_ref)) with N_Z = 2, for any s_W² (BBL's
    Z-penguin function C₀; the s_W² part of the vertex is the photon's, x-independent at q² = 0)."""
    diff, _ = _grid(name)
    expected = 2 * (np.asarray(il.C0(XS)) - float(il.C0(X_REF)))
    np.testing.assert_allclose(np.asarray(diff[0]).real, expected, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(np.asarray(diff[0]).imag, 0.0, atol=1e-13)


def test_n_z_matches_bbl_vertex_and_c10():
    """BBL's Z vertex i λ_t (G_F/√2) e/(2π²) M_Z² (c/s) C₀ s̄γ_μ(1 − γ5)d equals
    i λ_t (g²/16π²) (g/c) · 2C₀ s̄γ_μP_L d (tree-level G_F/√2 = g²/8M_W², M_Z = M_W/c, e = g s),
    and Z exchange with ℓ̄γ^μ(g_V − g_A γ5)ℓ, g_A = (g/c)/4 in Denner's signs, gives
    C10 = −F0/(2 s_W²) in H_eff = −(4G_F/√2) λ_t C10 e²/16π² (s̄γP_L b)(ℓ̄γγ5ℓ): −C₀/s_W²."""
    g = 0.65
    s, c = math.sqrt(SW2), math.sqrt(1 - SW2)
    mw2 = MW2
    gf_over_sqrt2 = g**2 / (8 * mw2)
    bbl = gf_over_sqrt2 * (g * s) / (2 * math.pi**2) * (mw2 / c**2) * (c / s) * 2  # (1 − γ5) = 2P_L
    ours = g**2 / (16 * math.pi**2) * (g / c) * 2  # N_Z = 2
    assert bbl == pytest.approx(ours, rel=1e-14)
    # iM = (iΓ)(−i/(q² − M_Z²))(i e (g_A γγ5)) at q² → 0 against iM = −i H_eff
    f0 = 2 * float(il.C0(X_T))
    e = g * s
    amplitude = -(g**2 / (16 * math.pi**2)) * f0 * (g / c) * e / (4 * s * c) / (mw2 / c**2)
    c10 = amplitude / (4 * gf_over_sqrt2 * e**2 / (16 * math.pi**2))
    assert c10 == pytest.approx(-float(il.C0(X_T)) / SW2, rel=1e-14)


def test_photon_slope_is_minus_half_bbl_d0():
    """Photon F2(x, q² → 0) − F2(x_ref) = N_γ (D₀(x) − D₀(x_ref)), N_γ = −1/2 (BBL's photon-penguin
    function; C9 ⊃ 2F2 = −D₀). The slope is a finite difference: 1e-7."""
    diff, _ = _grid("photon")
    expected = -0.5 * (np.asarray(il.D0(XS)) - float(il.D0(X_REF)))
    np.testing.assert_allclose(np.asarray(diff[1]).real, expected, rtol=1e-7, atol=1e-8)


def test_photon_dipole_is_half_bbl_d0p():
    """Photon FM(x) − FM(x_ref) = N_M (D₀′(x) − D₀′(x_ref)), N_M = 1/2 (BBL: C7 = −D₀′(x_t)/2 = −FM)."""
    diff, _ = _grid("photon")
    expected = 0.5 * (np.asarray(il.D0p(XS)) - float(il.D0p(X_REF)))
    np.testing.assert_allclose(np.asarray(diff[2]).real, expected, rtol=1e-10, atol=1e-12)


def test_z_is_t3_part_plus_sw2_photon():
    """The Z couples to T3 − s²Q, the photon to −Q (Denner): F_Z = F_T3 + s_W² F_γ, each of F0, F2, FM;
    slopes quoted in the module docstring."""
    _, z = _grid("Z")
    _, t3 = _grid("T3")
    _, photon = _grid("photon")
    np.testing.assert_allclose(np.asarray(z), np.asarray(t3 + SW2 * photon), rtol=1e-9, atol=1e-12)  # F2: FD
    i_t, i_c = int(np.argmin(abs(XS - X_T))), int(np.argmin(abs(XS - X_C)))
    assert complex(t3[1, i_t]).real == pytest.approx(0.119675, abs=1e-6)
    assert complex(photon[1, i_t]).real == pytest.approx(-0.065434, abs=1e-6)
    assert complex(t3[1, i_c]).real == pytest.approx(1.605150, abs=1e-6)
    assert complex(photon[1, i_c]).real == pytest.approx(-2.158369, abs=1e-6)


def test_small_q2_branches_join():
    """F2 at q² ≠ 0: the Taylor polynomial (|q²| ≤ h/8) and the difference quotient agree at
    q² = h/8, h = min(m², M_W²)/20 = M_W²/20 for the x ≥ 1 points of the grid, to 1e-5: the
    quotient multiplies kernels.pv's ~1e-10 relative errors by M_W²/q² ≈ 1300."""
    switch = MW2 / 20 / 8
    _, below = _grid("photon", switch * (1 - 1e-9))
    _, above = _grid("photon", switch * (1 + 1e-9))
    heavy = XS >= 1.0
    np.testing.assert_allclose(np.asarray(below[1])[heavy], np.asarray(above[1])[heavy], rtol=1e-5)


# Z = T3 + s² photon is linear in the charges: one vertex with T3 + PHOTON (no charge zero, so a
# NaN from any diagram would show) covers the photon and the Z with a single compile.
_ALL = penguin.Charges(*(t + p for t, p in zip(penguin.T3, penguin.PHOTON)))


@jax.jit
def _re_sum_and_grad(x, q2):
    return jax.value_and_grad(lambda x: sum(jnp.real(v) for v in penguin.vertex(x, q2, MW2, _ALL)))(x)


def test_forward_mode_x_derivative_matches_central_difference(penguin_vertex_jvp):
    """jax.jvp in x of Σ Re(F0, F2, FM) against a central difference at x = 0.3 and x_t (q² = 0.5,
    below thresholds): the fast gradient check (the conftest function it compiles is shared with
    test_dark_z); reverse mode (jax.grad) is checked by the two slow tests below."""
    for x in (0.3, X_T):
        _, tangents = penguin_vertex_jvp(x, 0.5, MW2, _ALL)
        h = 1e-5 * x
        plus, _ = penguin_vertex_jvp(x + h, 0.5, MW2, _ALL)
        minus, _ = penguin_vertex_jvp(x - h, 0.5, MW2, _ALL)
        fd = sum(float(jnp.real(p - m)) for p, m in zip(plus, minus)) / (2 * h)
        assert sum(float(jnp.real(t)) for t in tangents) == pytest.approx(fd, rel=1e-6)


# --- the dark-Z model's constants are this vertex (jaxflav.models.dark_z) ---------------------
def test_t3_constants_are_the_pv_vertex(penguin_vertex_jvp):
    """dark_z.T3_SLOPE, T3_DIPOLE: the T³ part of the one-loop Z vertex of jaxflav.models.penguin
    (jitted, through the conftest function the forward-mode check above uses: kept in this module
    so that a test worker compiles it once)."""
    from jaxflav.models import dark_z

    # F2 at q² = 0 is a 5-point difference quotient with step h = m_q²/20: its rounding error is
    # ~ε M_W²/h ≈ 2e-16 · 20/x_q relative to A, 6e-6 for the u quark (x_u ≈ 7e-10) and below 1e-10
    # for c and t. The u slope is therefore known only to ~1e-5 (it moves by 4e-6 between XLA
    # builds); it enters C9 times |λ_u/λ_t| ≈ 0.02 and the q² slope, ~1e-3 of E⁰, so ~1e-9 of C9.
    for q, m, rel in (("u", dark_z.M_U, 3e-5), ("c", dark_z.M_C, 1e-9), ("t", dark_z.M_T, 1e-9)):
        (_, f2, fm), _ = penguin_vertex_jvp((m / dark_z.M_W) ** 2, 0.0, dark_z.M_W**2, penguin.T3)
        assert float(np.real(f2)) == pytest.approx(dark_z.T3_SLOPE[q], rel=rel)
        assert float(np.real(fm)) == pytest.approx(dark_z.T3_DIPOLE[q], rel=1e-9)


def test_vertex_e0_is_the_pv_z_penguin(penguin_vertex_jvp):
    """E⁰ from Inami–Lim C₀ equals 2 M_W² g_Z ΣF0_Z/e² of the PV vertex (GIM difference to x_u).
    F0_Z = penguin.z_limits(x, M_W², s_W²)[0], i.e. the vertex at q² = 0 with z_charges(s_W²),
    jitted through the conftest function shared with the tests above."""
    from jaxflav.inputs import DEFAULT
    from jaxflav.inputs import xi as ckm_xi
    from jaxflav.models import dark_z

    E, S2, GZ = (float(v) for v in dark_z.electroweak())
    xs = [(m / dark_z.M_W) ** 2 for m in (dark_z.M_U, dark_z.M_C, dark_z.M_T)]
    f0 = [complex(penguin_vertex_jvp(x, 0.0, dark_z.M_W**2, penguin.z_charges(S2))[0][0]) for x in xs]
    lam = [complex(ckm_xi(DEFAULT, q) / ckm_xi(DEFAULT, "t")) for q in "uct"]
    gim = sum(lk * (f - f0[0]) for lk, f in zip(lam, f0))  # Σλ = 0 removes the constant
    e0_pv = 2 * dark_z.M_W**2 * GZ * gim / E**2
    e0 = complex(dark_z.vertex(0.0, 1.0).E0) * (dark_z.M_W**2 / (DEFAULT.m_Z**2 * (1 - S2)))  # M_W = c_W M_Z at tree level
    assert e0 == pytest.approx(e0_pv, rel=1e-8)


@pytest.mark.slow  # 28 s to compile jax.grad of the vertex; forward mode is checked in the fast suite above
def test_values_and_x_gradients_finite():
    """Finite values and jax.grad for x from 1e-6 to 10, q² from 0 to 10 GeV² (above the light
    quarks' pair thresholds too, where the values are not accurate but must stay finite)."""
    for q2 in (0.0, 0.5, 10.0):
        for x in (1e-6, 1e-3, X_C, 1.0, X_T, 10.0):
            value, grad = _re_sum_and_grad(x, q2)
            assert np.isfinite(float(value)) and np.isfinite(float(grad)), (x, q2)


@pytest.mark.slow  # shares the 28 s compile with the test above; forward mode is checked fast
def test_x_gradient_matches_central_difference():
    """jax.grad against a central difference at x = 0.3 and x_t (q² = 0.5, below thresholds)."""
    for x in (0.3, X_T):
        _, grad = _re_sum_and_grad(x, 0.5)
        h = 1e-5 * x
        fd = (_re_sum_and_grad(x + h, 0.5)[0] - _re_sum_and_grad(x - h, 0.5)[0]) / (2 * h)
        assert float(grad) == pytest.approx(float(fd), rel=1e-6)


def test_bad_input_raises_before_tracing():
    with pytest.raises(ValueError, match="x"):
        penguin.photon_vertex(0.0, 0.0, MW2)
