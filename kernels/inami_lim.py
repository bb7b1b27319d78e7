"""Inami–Lim functions of b → s transitions and B mixing.

Conventions of Buchalla, Buras, Lautenbacher, Rev. Mod. Phys. 68 (1996) 1125 (hep-ph/9512380),
where they are collected with the normalisations used here (originally Inami and Lim, Prog. Theor.
Phys. 65 (1981) 297).
The argument x = m_t²/M_W² (or any heavy-fermion mass² over M_W²) is a dimensionless ratio of
masses. The functions are

    B₀ (box), C₀ (Z penguin), D₀ (photon penguin), E₀ (gluon penguin),
    D₀′ = D0p and E₀′ = E0p (magnetic photon and gluon penguins), S₀ (ΔF = 2 box),
    and the gauge-independent X₀ = C₀ − 4B₀, Y₀ = C₀ − B₀, Z₀ = C₀ + D₀/4.

Each is c·[P(x) + Q(x) ln x]/(x − 1)^m with polynomials P and Q: the formula as printed in BBL is
brought over one denominator below (the expansions are checked against the printed forms in
tests/test_inami_lim.py). `kernels.loop_functions.log_rational` evaluates such a form exactly
away from x = 1 and by its exact Taylor series near x = 1, so values and gradients are finite at
x = 1 too.

Domain: x > 0. D₀, E₀ and Z₀ carry a bare −(4/9, 2/3, 1/9)·ln x and diverge as x → 0 (the
light-quark logarithm); the others tend to a finite limit, returned at x = 0 exactly. Relative
accuracy is ~1e-13 in float64 for 1e-8 ≤ x ≤ 1e6, except right next to a function's zeros
(C₀ at x ≈ 0.0985, D₀ at x ≈ 1.139; the others have none in 1e-8 < x < 1e8).
"""

from fractions import Fraction

from kernels.loop_functions import log_rational

__all__ = ["B0", "C0", "D0", "E0", "D0p", "E0p", "X0", "Y0", "Z0", "S0"]

# Coefficient tuples are lowest degree first. Each comment quotes BBL's printed form, then the
# numerator P + Q ln x over the common denominator.

# B₀ = 1/4 [x/(1 − x) + x ln x/(x − 1)²] = [x − x² + x ln x] / (4 (x − 1)²)
_B0 = log_rational(p=(0, 1, -1), q=(0, 1), power=2, scale=Fraction(1, 4))

# C₀ = x/8 [(x − 6)/(x − 1) + (3x + 2) ln x/(x − 1)²]
#    = [x³ − 7x² + 6x + (3x² + 2x) ln x] / (8 (x − 1)²)
_C0 = log_rational(p=(0, 6, -7, 1), q=(0, 2, 3), power=2, scale=Fraction(1, 8))

# D₀ = −4/9 ln x + (−19x³ + 25x²)/(36 (x − 1)³) + x²(5x² − 2x − 6) ln x/(18 (x − 1)⁴)
#    = [−19x⁴ + 44x³ − 25x² + (−6x⁴ + 60x³ − 108x² + 64x − 16) ln x] / (36 (x − 1)⁴)
_D0 = log_rational(
    p=(0, 0, -25, 44, -19), q=(-16, 64, -108, 60, -6), power=4, scale=Fraction(1, 36)
)

# E₀ = −2/3 ln x + x²(15 − 16x + 4x²) ln x/(6 (1 − x)⁴) + x(18 − 11x − x²)/(12 (1 − x)³)
#    = [x⁴ + 10x³ − 29x² + 18x + (−18x² + 32x − 8) ln x] / (12 (x − 1)⁴)
_E0 = log_rational(p=(0, 18, -29, 10, 1), q=(-8, 32, -18), power=4, scale=Fraction(1, 12))

# D₀′ = −(8x³ + 5x² − 7x)/(12 (1 − x)³) + x²(2 − 3x) ln x/(2 (1 − x)⁴)
#     = [8x⁴ − 3x³ − 12x² + 7x + (12x² − 18x³) ln x] / (12 (x − 1)⁴)
_D0p = log_rational(p=(0, 7, -12, -3, 8), q=(0, 0, 12, -18), power=4, scale=Fraction(1, 12))

# E₀′ = −x(x² − 5x − 2)/(4 (1 − x)³) + 3x² ln x/(2 (1 − x)⁴)
#     = [x⁴ − 6x³ + 3x² + 2x + 6x² ln x] / (4 (x − 1)⁴)
_E0p = log_rational(p=(0, 2, 3, -6, 1), q=(0, 0, 6), power=4, scale=Fraction(1, 4))

# S₀ = (4x − 11x² + x³)/(4 (1 − x)²) − 3x³ ln x/(2 (1 − x)³)
#    = [x⁴ − 12x³ + 15x² − 4x + 6x³ ln x] / (4 (x − 1)³)
_S0 = log_rational(p=(0, -4, 15, -12, 1), q=(0, 0, 0, 6), power=3, scale=Fraction(1, 4))

# X₀ = x/8 [(x + 2)/(x − 1) + (3x − 6) ln x/(x − 1)²]
#    = [x³ + x² − 2x + (3x² − 6x) ln x] / (8 (x − 1)²)
_X0 = log_rational(p=(0, -2, 1, 1), q=(0, -6, 3), power=2, scale=Fraction(1, 8))

# Y₀ = x/8 [(x − 4)/(x − 1) + 3x ln x/(x − 1)²] = [x³ − 5x² + 4x + 3x² ln x] / (8 (x − 1)²)
_Y0 = log_rational(p=(0, 4, -5, 1), q=(0, 0, 3), power=2, scale=Fraction(1, 8))

# Z₀ = −1/9 ln x + (18x⁴ − 163x³ + 259x² − 108x)/(144 (x − 1)³)
#      + (32x⁴ − 38x³ − 15x² + 18x) ln x/(72 (x − 1)⁴)
#    = [18x⁵ − 181x⁴ + 422x³ − 367x² + 108x + (48x⁴ − 12x³ − 126x² + 100x − 16) ln x]
#      / (144 (x − 1)⁴)
_Z0 = log_rational(
    p=(0, 108, -367, 422, -181, 18), q=(-16, 100, -126, -12, 48), power=4, scale=Fraction(1, 144)
)


def B0(x):
    """Box function B₀(x) = 1/4 [x/(1 − x) + x ln x/(x − 1)²], BBL (hep-ph/9512380).

    x = m_t²/M_W², x ≥ 0. B₀(1) = −1/8, B₀(0) = 0 (slope −∞ like ln x/4; at x = 0 exactly grad
    returns its finite part, 1/4).
    Gauge dependent (’t Hooft–Feynman gauge); physical results use X₀, Y₀, Z₀.
    """
    return _B0(x)


def C0(x):
    """Z-penguin function C₀(x) = x/8 [(x − 6)/(x − 1) + (3x + 2) ln x/(x − 1)²], BBL.

    x = m_t²/M_W², x ≥ 0. C₀(1) = 3/16, C₀(0) = 0 (slope −∞ like ln x/4). Gauge dependent.
    """
    return _C0(x)


def D0(x):
    """Photon-penguin function D₀(x), BBL:
    −4/9 ln x + (−19x³ + 25x²)/(36 (x − 1)³) + x²(5x² − 2x − 6) ln x/(18 (x − 1)⁴).

    x = m_t²/M_W², x > 0: D₀ ≈ −4/9 ln x diverges as x → 0. D₀(1) = 11/216. Gauge dependent.
    """
    return _D0(x)


def E0(x):
    """Gluon-penguin function E₀(x), BBL:
    −2/3 ln x + x²(15 − 16x + 4x²) ln x/(6 (1 − x)⁴) + x(18 − 11x − x²)/(12 (1 − x)³).

    x = m_t²/M_W², x > 0: E₀ ≈ −2/3 ln x diverges as x → 0. E₀(1) = 43/72.
    """
    return _E0(x)


def D0p(x):
    """Magnetic photon-penguin function D₀′(x), BBL (C₇⁽⁰⁾(M_W) = −D₀′(x_t)/2):
    −(8x³ + 5x² − 7x)/(12 (1 − x)³) + x²(2 − 3x) ln x/(2 (1 − x)⁴).

    x = m_t²/M_W², x ≥ 0. D₀′(1) = 5/24, D₀′(0) = 0 with slope 7/12.
    """
    return _D0p(x)


def E0p(x):
    """Magnetic gluon-penguin function E₀′(x), BBL (C₈⁽⁰⁾(M_W) = −E₀′(x_t)/2):
    −x(x² − 5x − 2)/(4 (1 − x)³) + 3x² ln x/(2 (1 − x)⁴).

    x = m_t²/M_W², x ≥ 0. E₀′(1) = 1/8, E₀′(0) = 0 with slope 1/2.
    """
    return _E0p(x)


def S0(x):
    """ΔF = 2 box function S₀(x) = (4x − 11x² + x³)/(4 (1 − x)²) − 3x³ ln x/(2 (1 − x)³),
    BBL (Inami–Lim, with the GIM-subtracted light quarks massless).

    x = m_t²/M_W², x ≥ 0. S₀(1) = 3/4, S₀(0) = 0 with slope 1.
    """
    return _S0(x)


def X0(x):
    """X₀(x) = C₀ − 4B₀ = x/8 [(x + 2)/(x − 1) + (3x − 6) ln x/(x − 1)²], BBL
    (K → πνν̄, B → X_s νν̄). x = m_t²/M_W², x ≥ 0. X₀(1) = 11/16, X₀(0) = 0 (slope +∞ like
    −(3/4) ln x).
    """
    return _X0(x)


def Y0(x):
    """Y₀(x) = C₀ − B₀ = x/8 [(x − 4)/(x − 1) + 3x ln x/(x − 1)²], BBL
    (B_s → μμ, C₁₀). x = m_t²/M_W², x ≥ 0. Y₀(1) = 5/16, Y₀(0) = 0 with slope 1/2.
    """
    return _Y0(x)


def Z0(x):
    """Z₀(x) = C₀ + D₀/4, BBL (C₉):
    −1/9 ln x + (18x⁴ − 163x³ + 259x² − 108x)/(144 (x − 1)³)
    + (32x⁴ − 38x³ − 15x² + 18x) ln x/(72 (x − 1)⁴).

    x = m_t²/M_W², x > 0: Z₀ ≈ −1/9 ln x diverges as x → 0. Z₀(1) = 173/864.
    """
    return _Z0(x)
