"""Dilogarithm Li₂(z) = −∫₀^z ln(1 − t)/t dt and Clausen function Cl₂(θ), in pure JAX.

* `li2(z)`: complex Li₂ for any complex z;
* `li2_real(x)`: real Li₂ for real x ≤ 1 (same algorithm in real arithmetic);
* `clausen2(θ)`: Cl₂(θ) = Im Li₂(e^{iθ}) by its Bernoulli series (Abramowitz–Stegun 27.8.2).

Algorithm ('t Hooft and Veltman, Nucl. Phys. B153 (1979) 365, Sec. 4; as arranged in e.g.
A. Voigt's `polylogarithm` library): every z is mapped into the region where the Bernoulli
series

    Li₂(z) = Σ_{n≥0} B_n uⁿ⁺¹/(n + 1)!,   u = −ln(1 − z)   (B₁ = −1/2)

converges fast (|u| ≤ 1.26, so (|u|/2π)² ≤ 0.04 per term), with the two functional equations

    Li₂(z) = −Li₂(1 − z) + π²/6 − ln z ln(1 − z)               (reflection),
    Li₂(z) = −Li₂(1/z) − π²/6 − ½ ln²(−z)                      (inversion).

Three regions: |z| ≤ 1 and Re z ≤ ½ (series in −ln(1 − z)); |z − 1| ≤ 1 and Re z > ½
(reflection, series in −ln z); the rest, where |z| > 1 (inversion, series in −ln(1 − 1/z)).
The Bernoulli numbers are computed exactly (fractions) when the module is imported.

Branch cut: [1, ∞) on the real axis, approached from below for a real z > 1 whose imaginary part
is exactly zero (Im Li₂(x) = −π ln x), which is mpmath's `polylog(2, x)` convention; any z with a
nonzero imaginary part takes its own side of the cut.

Every branch is fed a harmless argument where it is not taken (double `where`), so values and
gradients are finite everywhere except at the branch point z = 1 itself, where the value π²/6 is
returned and the derivative −ln(1 − z)/z diverges (its gradient is returned as 0, not NaN).
Accuracy in float64: ≲ 2e-14 relative (the worst case is the reflection region, where π²/6 and
ln z ln(1 − z) cancel partly); tested against mpmath to 1e-13.
"""

import math
from fractions import Fraction

import jax.numpy as jnp

__all__ = ["li2", "li2_real", "clausen2"]


def _bernoulli(n_max):
    """Bernoulli numbers B_0 … B_{n_max} (B₁ = −1/2), exactly, by B_m = −Σ_{k<m} C(m+1, k) B_k/(m+1)."""
    b = [Fraction(1)]
    for m in range(1, n_max + 1):
        b.append(-sum(math.comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return b


_K_MAX = 13  # last even Bernoulli index kept is 2·13: (1.26/2π)^26 ≈ 1e-18, below float64 rounding
_B = _bernoulli(2 * _K_MAX)
# Li₂ = u − u²/4 + u Σ_{k≥1} b_k (u²)^k with b_k = B_{2k}/(2k + 1)! (odd B_n vanish for n > 1);
# listed from the top for Horner in u².
_EVEN_COEFFS = [float(_B[2 * k] / math.factorial(2 * k + 1)) for k in range(_K_MAX, 0, -1)]
_PI2_6 = math.pi**2 / 6


def _series(u):
    """Li₂(1 − e^(−u)) = Σ_n B_n u^(n+1)/(n + 1)! (B₁ = −1/2), by Horner in u²."""
    u2 = u * u
    acc = jnp.zeros_like(u)
    for c in _EVEN_COEFFS:
        acc = (acc + c) * u2
    return u + u * acc - 0.25 * u2


def li2(z):
    """Complex dilogarithm Li₂(z) for any complex (or real) z; returns complex.

    Branch cut [1, ∞) with Im Li₂(x) = −π ln x for real x > 1 (mpmath's convention); see the
    module docstring for the algorithm and accuracy. Broadcasts; pure jax.numpy.
    """
    z = jnp.asarray(z)
    z = z.astype(jnp.result_type(z.dtype, jnp.complex64))
    x, y = jnp.real(z), jnp.imag(z)
    n2 = x * x + y * y
    on_cut = (y == 0) & (x > 1)  # real z > 1: take the lower side, as mpmath does

    region_a = (x <= 0.5) & (n2 <= 1.0)  # series in −ln(1 − z)
    region_b = (x > 0.5) & (n2 <= 2.0 * x)  # |z − 1| ≤ 1: reflection
    region_c = ~(region_a | region_b)  # |z| > 1: inversion
    at_one = (x == 1) & (y == 0)

    # One series evaluation: each region supplies its u, the series' sign and the rest.
    # Region A: Li₂(z) = S(−ln(1 − z)).
    za = jnp.where(region_a, z, 0.25)
    u_a = -jnp.log1p(-za)

    # Region B (reflection): Li₂(z) = −S(−ln z) + π²/6 − ln z ln(1 − z); ln(1 − z) = −∞ at z = 1
    # is kept out.
    zb = jnp.where(region_b & ~at_one, z, 0.75)
    log_1mz = jnp.where(on_cut, jnp.log(zb - 1) + 1j * math.pi, jnp.log(1 - zb))
    u_b = -jnp.log(zb)
    rest_b = _PI2_6 + u_b * log_1mz

    # Region C (inversion): Li₂(z) = −S(−ln(1 − 1/z)) − π²/6 − ½ ln²(−z).
    zc = jnp.where(region_c, z, 2.0)
    log_mz = jnp.where(on_cut, jnp.log(zc) + 1j * math.pi, jnp.log(-zc))
    u_c = -jnp.log1p(-1 / zc)
    rest_c = -_PI2_6 - 0.5 * log_mz**2

    u = jnp.where(region_a, u_a, jnp.where(region_b, u_b, u_c))
    series = _series(u)
    out = jnp.where(region_a, series, -series + jnp.where(region_b, rest_b, rest_c))
    return jnp.where(at_one, jnp.asarray(_PI2_6, out.dtype), out)


def li2_real(x):
    """Real dilogarithm Li₂(x) for real x ≤ 1 (real arithmetic only; cheaper to compile and run).

    Same series and functional equations as `li2`: x ∈ [−1, ½] series in −ln(1 − x);
    x ∈ (½, 1] reflection; x < −1 inversion. Li₂(1) = π²/6 (its gradient, infinite there, is
    returned as 0). Values for x > 1 are not defined here (complex; use `li2`): NaN is returned.
    """
    x = jnp.asarray(x)
    x = x.astype(jnp.result_type(x.dtype, jnp.float32))
    region_a = (x >= -1) & (x <= 0.5)
    region_b = (x > 0.5) & (x < 1)
    region_c = x < -1
    xa = jnp.where(region_a, x, 0.25)
    xb = jnp.where(region_b, x, 0.75)
    xc = jnp.where(region_c, x, -2.0)
    u_b = -jnp.log(xb)
    rest_b = _PI2_6 + u_b * jnp.log1p(-xb)
    rest_c = -_PI2_6 - 0.5 * jnp.log(-xc) ** 2
    u = jnp.where(region_a, -jnp.log1p(-xa), jnp.where(region_b, u_b, -jnp.log1p(-1 / xc)))
    series = _series(u)
    out = jnp.where(region_a, series, -series + jnp.where(region_b, rest_b, rest_c))
    out = jnp.where(x == 1, _PI2_6, out)
    return jnp.where(x > 1, jnp.nan, out)


_CL_K_MAX = 30  # |θ| ≤ π after reduction: (θ/2π)^60 ≤ 4^-30 ≈ 1e-18
# Cl₂(θ) = θ − θ ln|θ| + Σ_{k≥1} |B_2k| θ^(2k+1) / (2k (2k+1)!)  (|θ| < 2π; Abramowitz–Stegun
# 27.8.2), coefficients from the top for Horner in θ².
_CL_COEFFS = [float(abs(b) / (2 * k * math.factorial(2 * k + 1)))
              for k, b in ((k, _bernoulli(2 * _CL_K_MAX)[2 * k]) for k in range(_CL_K_MAX, 0, -1))]


def clausen2(theta):
    """Clausen function Cl₂(θ) = Im Li₂(e^{iθ}) = −∫₀^θ ln|2 sin(t/2)| dt, for real θ (radians).

    θ is reduced to [−π, π] (Cl₂ is odd and 2π-periodic) and the series above summed. Li₂ on the
    unit circle is then π²/6 − θ(2π − θ)/4 + i Cl₂(θ) for 0 ≤ θ ≤ 2π. At θ ∈ 2πℤ the value is 0
    and the gradient, −ln|2 sin(θ/2)| → +∞ there, is returned finite (not NaN).
    """
    theta = jnp.asarray(theta)
    theta = theta.astype(jnp.result_type(theta.dtype, jnp.float32))
    t = theta - 2 * math.pi * jnp.round(theta / (2 * math.pi))
    t2 = t * t
    acc = jnp.zeros_like(t)
    for c in _CL_COEFFS:
        acc = (acc + c) * t2
    nonzero = t != 0
    t_safe = jnp.where(nonzero, t, 1.0)
    t_log = jnp.where(nonzero, t_safe * jnp.log(jnp.abs(t_safe)), 0.0)
    return t - t_log + t * acc
