"""Tests of kernels/inami_lim.py: Inami–Lim functions in the conventions of Buchalla, Buras,
Lautenbacher, Rev. Mod. Phys. 68 (1996) 1125 (hep-ph/9512380) ("BBL" below).

References: each function typed again here, as printed in BBL, and evaluated with mpmath at 50
digits (more next to x = 1, where the printed forms cancel); the kernel stores the same formulas
brought over one denominator, so these tests also check that algebra.
"""

import functools
from fractions import Fraction

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest

from kernels import inami_lim as il
from kernels.loop_functions import SERIES_RADIUS

mp.mp.dps = 50
L = mp.log

# BBL, as printed (x = m_t²/M_W²).
BBL = {
    "B0": lambda x: (x / (1 - x) + x * L(x) / (x - 1) ** 2) / 4,
    "C0": lambda x: x / 8 * ((x - 6) / (x - 1) + (3 * x + 2) / (x - 1) ** 2 * L(x)),
    "D0": lambda x: (
        -mp.mpf(4) / 9 * L(x)
        + (-19 * x**3 + 25 * x**2) / (36 * (x - 1) ** 3)
        + x**2 * (5 * x**2 - 2 * x - 6) / (18 * (x - 1) ** 4) * L(x)
    ),
    "E0": lambda x: (
        -mp.mpf(2) / 3 * L(x)
        + x**2 * (15 - 16 * x + 4 * x**2) / (6 * (1 - x) ** 4) * L(x)
        + x * (18 - 11 * x - x**2) / (12 * (1 - x) ** 3)
    ),
    "D0p": lambda x: (
        -(8 * x**3 + 5 * x**2 - 7 * x) / (12 * (1 - x) ** 3)
        + x**2 * (2 - 3 * x) / (2 * (1 - x) ** 4) * L(x)
    ),
    "E0p": lambda x: (
        -x * (x**2 - 5 * x - 2) / (4 * (1 - x) ** 3) + 3 * x**2 / (2 * (1 - x) ** 4) * L(x)
    ),
    "S0": lambda x: (
        (4 * x - 11 * x**2 + x**3) / (4 * (1 - x) ** 2) - 3 * x**3 * L(x) / (2 * (1 - x) ** 3)
    ),
    "X0": lambda x: x / 8 * ((x + 2) / (x - 1) + (3 * x - 6) / (x - 1) ** 2 * L(x)),
    "Y0": lambda x: x / 8 * ((x - 4) / (x - 1) + 3 * x / (x - 1) ** 2 * L(x)),
    "Z0": lambda x: (
        -L(x) / 9
        + (18 * x**4 - 163 * x**3 + 259 * x**2 - 108 * x) / (144 * (x - 1) ** 3)
        + (32 * x**4 - 38 * x**3 - 15 * x**2 + 18 * x) / (72 * (x - 1) ** 4) * L(x)
    ),
}
NAMES = list(BBL)

# Values at x = 1: limits of the BBL forms (computed with sympy, `limit(f, x, 1)`).
AT_ONE = {
    "B0": Fraction(-1, 8),
    "C0": Fraction(3, 16),
    "D0": Fraction(11, 216),
    "E0": Fraction(43, 72),
    "D0p": Fraction(5, 24),
    "E0p": Fraction(1, 8),
    "S0": Fraction(3, 4),
    "X0": Fraction(11, 16),
    "Y0": Fraction(5, 16),
    "Z0": Fraction(173, 864),
}
# Zeros in (1e-8, 1e8) (mpmath.findroot on a sign change; none for the other functions): relative
# accuracy is meaningless right next to them, so random points keep 3 % away.
ZEROS = {"C0": 0.09850787476184451, "D0": 1.138779792313277}
# x → 0: finite limit 0 (with slope, None where it diverges like ln x) or a ln x divergence.
SLOPE_AT_ZERO = {
    "B0": None,
    "C0": None,
    "X0": None,
    "D0p": 7 / 12,
    "E0p": 0.5,
    "S0": 1.0,
    "Y0": 0.5,
}
DIVERGENT_AT_ZERO = ("D0", "E0", "Z0")


def ref(name, x, dps=50):
    """The BBL form at x (a float, taken exactly), at `dps` digits."""
    with mp.workdps(dps):
        return BBL[name](mp.mpf(float(x)))


def ref_near_one(name, x):
    """The BBL form with enough digits that its (x − 1)⁻⁴ cancellation costs nothing for
    |x − 1| ≥ 1e-13; the exact limit at x = 1."""
    return (
        ref(name, x, dps=120)
        if x != 1.0
        else mp.mpf(AT_ONE[name].numerator) / AT_ONE[name].denominator
    )


def fn(name):
    return getattr(il, name)


# Every call below goes through arrays of one length, so each function compiles once for values
# and once for gradients.
BATCH = 64


def _padded(x):
    x = np.atleast_1d(np.asarray(x, dtype=np.float64))
    assert x.size <= BATCH
    return np.concatenate([x, np.full(BATCH - x.size, 2.0)]), x.size


def values(name, x):
    xp, n = _padded(x)
    return np.asarray(fn(name)(xp))[:n]


@functools.cache
def _batched_grad(name):
    return jax.jit(jax.vmap(jax.grad(fn(name))))


def grads(name, x):
    xp, n = _padded(x)
    return np.asarray(_batched_grad(name)(xp))[:n]


def random_points(name, n=64, seed=0):
    """Log-uniform in [1e-4, 1e4], a quarter of them within the series disc around 1."""
    rng = np.random.default_rng(seed)
    x = np.concatenate(
        [
            np.exp(rng.uniform(np.log(1e-4), np.log(1e4), 3 * n // 4)),
            1.0 + rng.uniform(-0.45, 0.45, n // 4),
        ]
    )
    if name in ZEROS:
        x = x[np.abs(x / ZEROS[name] - 1.0) > 0.03]
    return x


# ------------------------------------------------------------------ values


@pytest.mark.parametrize("name", NAMES)
def test_matches_bbl_formula_at_random_points(name):
    x = random_points(name)
    assert x.size >= 50
    got = values(name, x)
    want = np.array([float(ref(name, xi, dps=80)) for xi in x])
    rel = np.abs(got / want - 1.0)
    assert rel.max() <= 1e-12, (x[rel.argmax()], rel.max())


@pytest.mark.parametrize("name", NAMES)
def test_continuous_across_x_equal_one(name):
    deltas = [0.0, 1e-12, 1e-9, 1e-6, 1e-3]
    x = np.array([1.0 + s * d for d in deltas for s in (1.0, -1.0)])
    got = values(name, x)
    want = np.array([float(ref_near_one(name, xi)) for xi in x])
    assert np.all(np.abs(got - want) <= 1e-13 * np.abs(want)), np.abs(got / want - 1).max()
    assert got[0] == pytest.approx(float(AT_ONE[name]), rel=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_series_and_formula_agree_at_switch(name):
    r = SERIES_RADIUS
    x = np.array([1.0 + s * (r + e) for s in (1.0, -1.0) for e in (-1e-12, 0.0, 1e-12)])
    got = values(name, x)
    want = np.array([float(ref(name, xi)) for xi in x])
    assert np.all(np.abs(got / want - 1.0) <= 1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_limit_at_x_zero(name):
    at_zero, tiny, very_tiny = values(name, [0.0, 1e-12, 1e-300])
    if name in DIVERGENT_AT_ZERO:
        assert at_zero == np.inf  # −(4/9, 2/3, 1/9)·ln x → +∞ (BBL; domain x > 0)
        assert very_tiny > 10.0
    else:
        assert at_zero == 0.0
        assert abs(tiny) < 1e-10  # continuous into the limit
        slope = grads(name, 0.0)[0]
        assert np.isfinite(slope)
        if SLOPE_AT_ZERO[name] is not None:
            assert slope == pytest.approx(SLOPE_AT_ZERO[name], rel=1e-14)


# --------------------------------------------------------------- gradients


@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_central_differences(name):
    x = random_points(name, n=20, seed=1)
    grad = grads(name, x)
    h = 1e-5 * x
    fd = (values(name, x + h) - values(name, x - h)) / (2 * h)
    assert np.allclose(grad, fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_grad_at_x_equal_one_is_finite_and_exact(name):
    x = np.array([1.0, 1.0 + 1e-9, 1.0 - 1e-9])
    for xi, g in zip(x, grads(name, x), strict=True):
        with mp.workdps(200):  # the printed form, 1e-30 off the removable point x = 1
            want = mp.diff(BBL[name], mp.mpf(xi) + mp.mpf(10) ** -30)
        assert g == pytest.approx(float(want), rel=1e-12)


# -------------------------------------------------------------- identities


def test_gauge_independent_combinations():
    x = random_points("B0", seed=2)
    b0, c0, d0 = values("B0", x), values("C0", x), values("D0", x)
    scale = np.abs(c0) + 4 * np.abs(b0) + np.abs(d0)
    # BBL: X₀ = C₀ − 4B₀, Y₀ = C₀ − B₀, Z₀ = C₀ + D₀/4
    assert np.all(np.abs(values("X0", x) - (c0 - 4 * b0)) <= 1e-13 * scale)
    assert np.all(np.abs(values("Y0", x) - (c0 - b0)) <= 1e-13 * scale)
    assert np.all(np.abs(values("Z0", x) - (c0 + d0 / 4)) <= 1e-13 * scale)


def test_s0_agrees_with_flavio_box_function():
    # flavio 2.x, physics/mesonmixing (ΔF = 2 in the SM): S₀(x) = F(x, x) + F(0, 0) − 2F(x, 0) with
    # F(x, x) = (4 + 4x − 15x² + x³)/(4(x − 1)²) + x(−4 + 4x + 3x²) ln x/(2(x − 1)³),
    # F(x, 0) = (1 − x + x ln x)/(x − 1)², F(0, 0) = 1 (an independent form, Inami–Lim 1981).
    def flavio_s0(x):
        fxx = (4 + 4 * x - 15 * x**2 + x**3) / (4 * (x - 1) ** 2) + x * (-4 + 4 * x + 3 * x**2) * L(
            x
        ) / (2 * (x - 1) ** 3)
        fx0 = (1 - x + x * L(x)) / (x - 1) ** 2
        return fxx + 1 - 2 * fx0

    x = random_points("S0", seed=3)
    want = np.array([float(flavio_s0(mp.mpf(xi))) for xi in x])
    assert np.allclose(values("S0", x), want, rtol=1e-12, atol=0)


def test_magnetic_penguins_agree_with_bobeth_misiak_urban_forms():
    # The functions A₀, F₀, E₀ of Bobeth, Misiak, Urban, Nucl. Phys. B 574 (2000) 291, as coded
    # in SuperIso (src/wilson.c: A0t, F0t, E0t); they differ from BBL's D₀′, E₀′, E₀ by the
    # constants of their operator basis (C₇^eff, C₈^eff and C₄ conventions):
    def a0(x):  # = D₀′ − 23/18
        return (-46 + 159 * x - 153 * x**2 + 22 * x**3) / (36 * (1 - x) ** 3) + x**2 * (
            2 - 3 * x
        ) * L(x) / (2 * (1 - x) ** 4)

    def f0(x):  # = E₀′ − 2/3
        return (5 * x**3 - 9 * x**2 + 30 * x - 8) / (12 * (1 - x) ** 3) + 3 * x**2 * L(x) / (
            2 * (1 - x) ** 4
        )

    def e0(x):  # = E₀ + 1/9
        return (-9 * x**2 + 16 * x - 4) * L(x) / (6 * (1 - x) ** 4) + (
            -7 * x**3 - 21 * x**2 + 42 * x + 4
        ) / (36 * (1 - x) ** 3)

    x = random_points("D0p", n=20, seed=4)
    x = x[np.abs(x - 1) > 0.01]
    for ours, theirs, shift in (("D0p", a0, -23 / 18), ("E0p", f0, -2 / 3), ("E0", e0, 1 / 9)):
        want = np.array([float(theirs(mp.mpf(xi))) for xi in x])
        assert np.allclose(values(ours, x) + shift, want, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------ published numbers

X_T = (163.0 / 80.4) ** 2  # m_t(m_t) ≈ 163 GeV, M_W = 80.4 GeV


def test_values_at_the_top_mass():
    # Values at x_t = (163/80.4)², computed with mpmath from the BBL forms (regression values).
    # They reproduce the familiar SM numbers S₀(x_t) ≈ 2.31 and C₇⁽⁰⁾(M_W) = −D₀′(x_t)/2 ≈ −0.19
    # (round numbers of the reviews, checked loosely; the power laws below are the cited check).
    want = {
        "C0": 0.7636638780251478,
        "Y0": 0.9438986849265535,
        "X0": 1.4846031056307702,
        "D0p": 0.374775851921961,
        "E0p": 0.18956524428336124,
        "S0": 2.310080102982787,
    }
    for name, value in want.items():
        assert values(name, X_T)[0] == pytest.approx(value, rel=1e-13)
        assert float(ref(name, X_T)) == pytest.approx(value, rel=1e-15)
    assert values("S0", X_T)[0] == pytest.approx(2.31, abs=0.005)
    assert -values("D0p", X_T)[0] / 2 == pytest.approx(-0.19, abs=0.005)


def test_buras_power_law_approximations():
    # A. J. Buras, "Weak Hamiltonian, CP violation and rare decays", hep-ph/9806471 (Les Houches
    # 1997), approximations quoted to better than 1 % for 150 GeV ≤ m_t ≤ 200 GeV:
    # S₀ = 0.784 x^0.76, X₀ = 0.660 x^0.575, Y₀ = 0.315 x^0.78, Z₀ = 0.175 x^0.93,
    # E₀ = 0.564 x^−0.51, D₀′ = 0.244 x^0.30, E₀′ = 0.145 x^0.19.
    fits = {
        "S0": (0.784, 0.76),
        "X0": (0.660, 0.575),
        "Y0": (0.315, 0.78),
        "Z0": (0.175, 0.93),
        "E0": (0.564, -0.51),
        "D0p": (0.244, 0.30),
        "E0p": (0.145, 0.19),
    }
    x = (np.array([150.0, 163.0, 175.0, 200.0]) / 80.4) ** 2  # m_t / M_W, M_W = 80.4 GeV
    for name, (a, b) in fits.items():
        assert np.allclose(values(name, x), a * x**b, rtol=0.01, atol=0), name


# --------------------------------------------------------- jit, vmap, dtype


@pytest.mark.parametrize("name", NAMES)
def test_jit_vmap_and_dtype(name):
    f = fn(name)
    x = np.geomspace(1e-3, 1e3, 32).reshape(
        16, 2
    )  # includes 1 ± O(0.4), inside and outside the disc
    eager = f(jnp.asarray(x))
    assert eager.shape == x.shape and eager.dtype == jnp.float64
    assert np.allclose(np.asarray(jax.jit(jax.vmap(f))(x)), np.asarray(eager), rtol=1e-15, atol=0)
    assert np.allclose(np.asarray(eager).ravel(), values(name, x.ravel()), rtol=1e-14, atol=0)  # XLA < jax 0.5.3 rounds by batch shape
    low = f(jnp.asarray([2.5, 1.1], dtype=jnp.float32))  # float32 in, float32 out
    assert low.dtype == jnp.float32
    assert np.allclose(np.asarray(low), values(name, [2.5, 1.1]), rtol=1e-5)
