"""Tests of kernels/loop_functions.py: the loop functions of Darmé, Fedele, Kowalska, Sessolo,
JHEP 08 (2020) 148 (seed text 003_063abde38b23e6be.txt, "003" below).

References: the paper's formulas typed again here and evaluated with mpmath — Eqs. (3), (10), (18)
in closed form at 50 digits (200 next to coincident masses, where they cancel; at an exactly
coincident point, the formula 1e-40 away); Eq. (25) by its closed form (partial fractions and an
arctan or log) at 50 digits and more, itself checked against mpmath.quad.
"""

import functools

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

from kernels import loop_functions as lf

mp.mp.dps = 50
L = mp.log

# ------------------------------------------------------------ references


def F9_ref(x):  # 003, Eq. (10)
    return (-2 + 9 * x - 18 * x**2 + 11 * x**3 - 6 * x**3 * L(x)) / (36 * (x - 1) ** 4)


def G9_ref(x):  # 003, Eq. (10)
    return (-16 + 45 * x - 36 * x**2 + 7 * x**3 + 6 * (3 * x - 2) * L(x)) / (36 * (x - 1) ** 4)


def F3_ref(x, y, z):  # 003, Eq. (3)
    return (
        x**2 * L(x) / ((x - 1) * (x - y) * (x - z))
        + y**2 * L(y) / ((y - 1) * (y - x) * (y - z))
        + z**2 * L(z) / ((z - 1) * (z - x) * (z - y))
    )


def F2_ref(x, y):  # 003, Eq. (18)
    return (
        1 / ((1 - x) * (1 - y))
        + x**2 * L(x) / ((1 - x) ** 2 * (x - y))
        + y**2 * L(y) / ((1 - y) ** 2 * (y - x))
    )


def at_high_precision(formula, *args, dps=200, nudge=1e-40):
    """A closed form at float arguments (taken exactly), nudged apart by distinct multiples of
    `nudge`, so that coincident masses are evaluated 1e-40 from their removable point (where the
    closed forms lose up to 160 of the 200 digits)."""
    with mp.workdps(dps):
        return formula(*[mp.mpf(float(a)) + (k + 1) * mp.mpf(nudge) for k, a in enumerate(args)])


def _poly_divmod(num, den):
    """Quotient and remainder of polynomials (coefficient lists, highest degree first)."""
    num = list(num)
    quotient = []
    while len(num) >= len(den):
        c = num[0] / den[0]
        quotient.append(c)
        num = [a - c * b for a, b in zip(num, den + [0] * (len(num) - len(den)), strict=True)][1:]
    return quotient, num


def g2_closed_form(x):
    """(vector, axial) integrals of 003, Eq. (25), in closed form, for an mpmath x (at the
    caller's precision; the division below cancels like 1/x⁴ for small x).

    D(z) = x²z + (1 − z)(1 − x²z) = a z² − z + 1 with a = x². Each numerator N = q D + r₁ z + r₀;
    ∫₀¹ z dz/D = (ln a + K₀)/(2a) and K₀ = ∫₀¹ dz/D is an arctan (4a > 1) or a log (4a < 1).
    """
    a = x**2
    disc = 1 - 4 * a
    if disc < 0:
        s = mp.sqrt(-disc)
        k0 = 2 / s * (mp.atan((2 * a - 1) / s) + mp.atan(1 / s))
    else:
        s = mp.sqrt(disc)
        z1, z2 = (1 + s) / (2 * a), (1 - s) / (2 * a)  # both > 1
        k0 = (L(abs(1 - z1)) - L(abs(z1)) - L(abs(1 - z2)) + L(abs(z2))) / (a * (z1 - z2))
    k1 = (L(a) + k0) / (2 * a)
    out = []
    for num in ([-2, 2, 0, 0], [-(2 + 4 * a), 10, -8, 0]):  # 2z²(1 − z);  2z(1 − z)(z − 4) − 4az³
        q, (r1, r0) = _poly_divmod([mp.mpf(c) for c in num], [a, mp.mpf(-1), mp.mpf(1)])
        poly = sum(c / (len(q) - i) for i, c in enumerate(q))  # ∫₀¹ of the quotient
        out.append(poly + r1 * k1 + r0 * k0)
    return out


def _g2_digits(x):
    return 50 + int(8 * abs(np.log10(x)))


def g2_ref(x):
    """Eq. (25) at a float x, as floats (vector, axial)."""
    with mp.workdps(_g2_digits(x)):
        return tuple(float(v) for v in g2_closed_form(mp.mpf(float(x))))


def g2_slope_ref(x):
    """d/dx of Eq. (25) at a float x, as floats (vector, axial)."""
    with mp.workdps(_g2_digits(x) + 40):
        return tuple(
            float(mp.diff(lambda t, k=k: g2_closed_form(t)[k], mp.mpf(float(x)))) for k in (0, 1)
        )


# Each kernel is called on arrays of one length, so that it compiles once for values, once for
# gradients.
BATCH = 64


def _pad(*args):
    args = [np.atleast_1d(np.asarray(a, dtype=np.float64)) for a in args]
    args = np.broadcast_arrays(*args)
    n = args[0].size
    assert n <= BATCH
    return [
        np.concatenate([a.ravel(), np.full(BATCH - n, 0.5 + 0.1 * k)]) for k, a in enumerate(args)
    ], n


def values(f, *args):
    padded, n = _pad(*args)
    return np.asarray(f(*padded))[:n]


@functools.cache
def _batched_grad(f, nargs):
    return jax.jit(jax.vmap(jax.grad(f, argnums=tuple(range(nargs)))))


def grads(f, *args):
    padded, n = _pad(*args)
    return np.stack([np.asarray(g)[:n] for g in _batched_grad(f, len(args))(*padded)], axis=-1)


def log_uniform(rng, lo, hi, shape):
    return np.exp(rng.uniform(np.log(lo), np.log(hi), shape))


# ------------------------------------------------------------- Eq. (10)

PENGUINS = [(lf.F9_tilde, F9_ref), (lf.G9_tilde, G9_ref)]


@pytest.mark.parametrize("f, formula", PENGUINS)
def test_penguin_functions_match_eq_10(f, formula):
    rng = np.random.default_rng(10)
    x = np.concatenate([log_uniform(rng, 1e-6, 1e4, 48), 1.0 + rng.uniform(-0.45, 0.45, 16)])
    want = np.array([float(at_high_precision(formula, xi, dps=80, nudge=0)) for xi in x])
    assert np.max(np.abs(values(f, x) / want - 1.0)) <= 1e-12


@pytest.mark.parametrize("f, formula", PENGUINS)
def test_penguin_functions_continuous_at_one(f, formula):
    deltas = [1e-12, 1e-9, 1e-6, 1e-3]
    x = np.array([1.0] + [1.0 + s * d for d in deltas for s in (1.0, -1.0)])
    r = lf.SERIES_RADIUS  # and across the switch between series and closed form
    x = np.concatenate([x, [1 + r - 1e-12, 1 + r + 1e-12, 1 - r - 1e-12, 1 - r + 1e-12]])
    want = np.array([float(at_high_precision(formula, xi)) for xi in x])
    assert np.max(np.abs(values(f, x) / want - 1.0)) <= 1e-13
    # 003, Eq. (10) at x = 1: F̃₉(1) = −1/24, G̃₉(1) = 1/8 (the 4th-order zero of the numerators)
    assert values(lf.F9_tilde, 1.0)[0] == pytest.approx(-1 / 24, rel=1e-15)
    assert values(lf.G9_tilde, 1.0)[0] == pytest.approx(1 / 8, rel=1e-15)


def test_penguin_functions_gradients():
    rng = np.random.default_rng(11)
    x = np.concatenate([log_uniform(rng, 1e-4, 1e3, 20), [1.0, 1.0 + 1e-9, 0.0]])
    for f, formula in PENGUINS:
        g = grads(f, x)[:, 0]
        assert np.all(np.isfinite(g[:-1]))
        h = 1e-5 * x[:20]
        fd = (values(f, x[:20] + h) - values(f, x[:20] - h)) / (2 * h)
        assert np.allclose(g[:20], fd, rtol=1e-6, atol=1e-10)
        with mp.workdps(200):  # at x = 1: the closed form's slope 1e-30 away
            want = mp.diff(formula, 1 + mp.mpf(10) ** -30)
        assert g[20] == pytest.approx(float(want), rel=1e-12)
        assert g[21] == pytest.approx(float(want), rel=1e-8)
    # x → 0: F̃₉ → −1/18 with slope 1/36 (finite, returned exactly); G̃₉ diverges like −ln(x)/3.
    assert values(lf.F9_tilde, 0.0)[0] == pytest.approx(-1 / 18, rel=1e-15)
    assert grads(lf.F9_tilde, 0.0)[0, 0] == pytest.approx(1 / 36, rel=1e-14)


def test_penguin_small_mass_log():
    # 003, after Eq. (18): for small x₁, x₂ the coupling g̃ ∝ Σ[F̃₉ + G̃₉] becomes ∝ ln(x₁/x₂);
    # from Eq. (10), F̃₉ + G̃₉ → −ln(x)/3 − 1/2 as x → 0.
    x1, x2 = 1e-9, 3e-7
    s = values(lf.F9_tilde, [x1, x2]) + values(lf.G9_tilde, [x1, x2])
    assert s[0] - s[1] == pytest.approx(-np.log(x1 / x2) / 3, rel=1e-5)
    assert s[0] == pytest.approx(-np.log(x1) / 3 - 0.5, rel=1e-6)


# ---------------------------------------------------------- Eqs. (3), (18)


def test_box_F3_matches_eq_3():
    rng = np.random.default_rng(3)
    xyz = log_uniform(rng, 1e-6, 1e2, (60, 3))
    want = np.array([float(F3_ref(*map(mp.mpf, p))) for p in xyz])
    got = values(lf.box_F3, *xyz.T)
    assert np.max(np.abs(got / want - 1.0)) <= 1e-12
    # symmetric in x, y, z
    assert np.allclose(values(lf.box_F3, xyz[:, 2], xyz[:, 0], xyz[:, 1]), got, rtol=1e-14, atol=0)


def test_box_F2_matches_eq_18():
    rng = np.random.default_rng(18)
    xy = log_uniform(rng, 1e-8, 1e2, (60, 2))
    want = np.array([float(F2_ref(*map(mp.mpf, p))) for p in xy])
    got = values(lf.box_F2, *xy.T)
    assert np.max(np.abs(got / want - 1.0)) <= 1e-12
    # Eq. (18) is Eq. (3) at z = 1
    assert np.allclose(values(lf.box_F3, xy[:, 0], xy[:, 1], 1.0), got, rtol=1e-14, atol=0)


BOX_POINTS = {  # (arguments at a removable point, direction to move away from it)
    "F3: x = y": ((0.3, 0.3, 2.0), (1.0, -1.0, 0.0)),
    "F3: x = 1": ((1.0, 0.2, 5.0), (1.0, 0.0, 0.0)),
    "F3: x = y = z": ((0.05, 0.05, 0.05), (1.0, -1.0, 0.5)),
    "F3: x = y = 1": ((1.0, 1.0, 0.01), (1.0, -0.5, 0.0)),
    "F3: x = y, z = 1": ((4.0, 4.0, 1.0), (1.0, -1.0, 1.0)),
    "F3: x = y = z = 1": ((1.0, 1.0, 1.0), (1.0, -1.0, 0.5)),
    "F3: tiny, x = y": ((1e-10, 1e-10, 0.3), (1e-10, -1e-10, 0.0)),
    "F2: x = y": ((0.2, 0.2), (1.0, -1.0)),
    "F2: x = 1": ((1.0, 0.01), (1.0, 0.0)),
    "F2: x = y = 1": ((1.0, 1.0), (1.0, 0.5)),
    "F2: tiny, x = y": ((1e-9, 1e-9), (1e-9, 0.0)),
}


@pytest.mark.parametrize("case", BOX_POINTS)
def test_box_continuous_across_coincident_masses(case):
    point, direction = map(np.array, BOX_POINTS[case])
    f, formula = (lf.box_F3, F3_ref) if case.startswith("F3") else (lf.box_F2, F2_ref)
    steps = np.array([0.0] + [s * d for d in (1e-12, 1e-9, 1e-6, 1e-3) for s in (1.0, -1.0)])
    args = point[None, :] + steps[:, None] * direction[None, :]
    want = np.array([float(at_high_precision(formula, *a)) for a in args])
    got = values(f, *args.T)
    assert np.max(np.abs(got / want - 1.0)) <= 1e-12


def test_box_known_values():
    # F(1, 1, 1) = F(1, 1) = g‴(1)/3! = 1/3 for g(t) = t² ln t (Eq. (3) is the divided difference
    # g[1, x, y, z]); 003 after Eq. (18): F(x, y) ≃ 1 for small x, y.
    assert values(lf.box_F3, 1.0, 1.0, 1.0)[0] == pytest.approx(1 / 3, rel=1e-14)
    assert values(lf.box_F2, 1.0, 1.0)[0] == pytest.approx(1 / 3, rel=1e-14)
    assert values(lf.box_F2, 1e-8, 3e-8)[0] == pytest.approx(1.0, abs=1e-6)


def test_box_gradients():
    rng = np.random.default_rng(4)
    xyz = log_uniform(rng, 1e-3, 1e2, (16, 3))
    g = grads(lf.box_F3, *xyz.T)
    h = 1e-5
    for k in range(3):
        up, down = xyz.copy(), xyz.copy()
        up[:, k] *= 1 + h
        down[:, k] *= 1 - h
        fd = (values(lf.box_F3, *up.T) - values(lf.box_F3, *down.T)) / (2 * h * xyz[:, k])
        assert np.allclose(g[:, k], fd, rtol=1e-6, atol=1e-10)
    # exactly at coincident masses: finite, and equal to the closed form's slope next to the point
    for case, (point, _) in BOX_POINTS.items():
        f, formula = (lf.box_F3, F3_ref) if case.startswith("F3") else (lf.box_F2, F2_ref)
        got = grads(f, *point)[0]
        assert np.all(np.isfinite(got)), case
        for k in range(len(point)):
            with mp.workdps(200):
                nudged = [mp.mpf(p) + (j + 1) * mp.mpf(10) ** -40 for j, p in enumerate(point)]

                def along(t, k=k, nudged=nudged, formula=formula):
                    return formula(*[t if j == k else v for j, v in enumerate(nudged)])

                want = mp.diff(along, nudged[k])
            assert got[k] == pytest.approx(float(want), rel=1e-12), case
    # ∂F/∂x at x = y = z = 1 is g[1, 1, 1, 1, 1] = g⁗(1)/4! = −1/12
    assert grads(lf.box_F3, 1.0, 1.0, 1.0)[0] == pytest.approx([-1 / 12] * 3, rel=1e-12)


def test_jit_vmap_on_arrays():
    rng = np.random.default_rng(5)
    x, y = log_uniform(rng, 1e-3, 1e2, (2, 8, 8))
    nested = jax.jit(jax.vmap(jax.vmap(lf.box_F3, in_axes=(0, 0, None)), in_axes=(0, 0, None)))(
        x, y, 1.0
    )
    assert nested.shape == (8, 8) and nested.dtype == jnp.float64
    assert np.allclose(nested.ravel(), values(lf.box_F2, x.ravel(), y.ravel()), rtol=1e-14, atol=0)
    for f in (lf.F9_tilde, lf.G9_tilde, lf.g_minus_2_vector, lf.g_minus_2_axial):
        assert np.allclose(
            jax.jit(jax.vmap(f))(x.ravel()), values(f, x.ravel()), rtol=1e-14, atol=0
        )
    g2 = jax.jit(jax.vmap(lf.delta_g_minus_2, in_axes=(0, None, None)))(x.ravel(), 0.5, 0.2)
    assert g2.shape == (64,) and np.all(np.isfinite(g2))


# ----------------------------------------------------- Eqs. (24)-(25)


def test_g_minus_2_closed_form_reference_against_quadrature():
    def vector(z, x):  # 003, Eq. (25), as printed
        return 2 * z**2 * (1 - z) / (x**2 * z + (1 - z) * (1 - x**2 * z))

    def axial(z, x):
        return (2 * z * (1 - z) * (z - 4) - 4 * x**2 * z**3) / (x**2 * z + (1 - z) * (1 - x**2 * z))

    for x in (3e-3, 0.3, 0.7, 20.0):
        xm = mp.mpf(x)
        cuts = [0, 1 - xm**2, 1] if x < 1 else [0, 1 / xm, 1]  # the integrand's features
        want = [float(mp.quad(lambda z, f=f, xm=xm: f(z, xm), cuts)) for f in (vector, axial)]
        assert g2_ref(x) == pytest.approx(want, rel=1e-14)


def test_g_minus_2_integrals_match_eq_25():
    rng = np.random.default_rng(25)
    x = np.concatenate([log_uniform(rng, 1e-8, 1e6, 56), [0.5 - 1e-9, 0.5 + 1e-9, 0.49, 0.51]])
    want = np.array([g2_ref(xi) for xi in x])
    assert np.max(np.abs(values(lf.g_minus_2_vector, x) / want[:, 0] - 1.0)) <= 1e-12
    assert np.max(np.abs(values(lf.g_minus_2_axial, x) / want[:, 1] - 1.0)) <= 1e-12
    g_v, g_a = 0.7, -0.3
    combined = values(lambda t: lf.g_minus_2_integral(t, g_v, g_a), x)
    assert np.allclose(combined, g_v**2 * want[:, 0] + g_a**2 * want[:, 1], rtol=1e-12, atol=1e-15)


def test_g_minus_2_limits():
    # x → 0 (heavy V): ∫2z² = 2/3 and ∫2z(z − 4) = −10/3, reached continuously through
    # G2_X_MIN; x → ∞ (light V): vector → 1/x², axial → −2.
    x = np.array([0.0, 1e-12, lf.G2_X_MIN * (1 - 1e-9), lf.G2_X_MIN * (1 + 1e-9), 1e-9, 1e7])
    v, a = values(lf.g_minus_2_vector, x), values(lf.g_minus_2_axial, x)
    assert np.allclose(v[:5], 2 / 3, rtol=1e-13, atol=0)
    assert np.allclose(a[:5], -10 / 3, rtol=1e-13, atol=0)
    assert v[5] == pytest.approx(1e-14, rel=1e-6) and a[5] == pytest.approx(-2.0, rel=1e-6)
    # Eq. (24): heavy vector δa_μ → g_V² x²/(12π²); light vector → g_V²/(8π²) (Schwinger-like,
    # approached like 1 − π/x)
    heavy, light = values(lambda t: lf.delta_g_minus_2(t, 1.0, 0.0), [1e-6, 1e6])
    assert heavy == pytest.approx(1e-12 / (12 * np.pi**2), rel=1e-9)
    assert light == pytest.approx(1 / (8 * np.pi**2), rel=1e-5)
    assert light == pytest.approx(1e12 * g2_ref(1e6)[0] / (8 * np.pi**2), rel=1e-12)


def test_g_minus_2_axial_vector_cancellation():
    # 003, Sec. 3.2: "For a GeV-scale vector mediator, this [cancellation] occurs for
    # g_A ≈ −0.44 g_V": 𝓕 = 0 needs (g_A/g_V)² = −vector/axial.
    m_mu = 0.1056583755  # GeV (PDG)
    x = m_mu / np.array([1.0, 2.0, 5.0])
    ratio = np.sqrt(-values(lf.g_minus_2_vector, x) / values(lf.g_minus_2_axial, x))
    assert np.allclose(ratio, 0.44, atol=0.01)
    g_a = -ratio * 1.0
    assert np.allclose(
        [
            values(lambda t, ga=ga: lf.g_minus_2_integral(t, 1.0, ga), xi)[0]
            for xi, ga in zip(x, g_a, strict=True)
        ],
        0,
        atol=1e-14,
    )


def test_g_minus_2_gradients():
    rng = np.random.default_rng(26)
    # where x f′/f is not tiny, float64 central differences resolve the slope
    x = log_uniform(rng, 1e-2, 1e2, 16)
    for f in (lf.g_minus_2_vector, lf.g_minus_2_axial):
        h = 1e-5 * x
        fd = (values(f, x + h) - values(f, x - h)) / (2 * h)
        assert np.allclose(grads(f, x)[:, 0], fd, rtol=1e-6, atol=0)
    # everywhere else, against the closed form's slope at high precision
    x = np.concatenate([log_uniform(rng, 1e-8, 1e6, 12), [0.5]])  # x = 1/2: double root at z = 2
    want = np.array([g2_slope_ref(xi) for xi in x])
    for k, f in enumerate((lf.g_minus_2_vector, lf.g_minus_2_axial)):
        assert np.allclose(grads(f, x)[:, 0], want[:, k], rtol=1e-12, atol=0)
        assert grads(f, 0.0)[0, 0] == 0.0  # the slope → 0 like x ln x at the heavy-V limit


def test_dtype_is_kept():
    for f, args in (
        (lf.F9_tilde, (1.2,)),
        (lf.G9_tilde, (0.3,)),
        (lf.box_F3, (0.3, 0.5, 2.0)),
        (lf.box_F2, (0.3, 0.5)),
        (lf.g_minus_2_vector, (0.2,)),
        (lf.g_minus_2_axial, (0.2,)),
    ):
        low = f(*[jnp.float32(a) for a in args])
        assert low.dtype == jnp.float32, f.__name__
        assert float(low) == pytest.approx(values(f, *args)[0], rel=1e-4)


def test_log_rational_rejects_a_non_removable_point():
    # (x + ln x)/(x − 1) is 1/0 at x = 1: the builder's exact series check refuses it
    with pytest.raises(ValueError, match="does not vanish"):
        lf.log_rational(p=(0, 1), q=(1,), power=1)
