"""mpmath references for the C functions above thresholds, straight from Feynman parameters.

On the simplex x1 = 1 − u, x2 = u v, x3 = u (1 − v) (Jacobian u) the denominator is
Δ(u, v) = a u² + b u + c, and the −i0 of the masses (m_i² → m_i² − iε) only shifts c → c − iε.
The u integral ∫₀¹ u^n/(Δ − iε) du is done in closed form (partial fractions over the complex
roots, principal-branch logarithms, ε = 1e-24 relative, 30 digits), so the causal side of every
root is taken from ε itself, with no sign rule; the v integral is mpmath's tanh–sinh, split where
the u integral is not smooth: where a root leaves [0, 1] through u = 1 (Δ(1, v) = 0) and where the
two roots meet inside [0, 1] (b² − 4ac = 0). Then
  C0 = −∫ u/Δ,  C_i = ∫ u x_i/Δ,  C_ij = −∫ u x_i x_j/Δ  (x_1 ≡ x2 ↔ k1, x_2 ≡ x3 ↔ k2),
and C00 from the trace identity (Denner, Fortsch. Phys. 41 (1993) 307, Eq. 4.8).
"""

import functools

import mpmath as mp

mp.mp.dps = 30
_EPS = mp.mpf(10) ** -24


def _quadratic_roots(a, b, c):
    """Both roots of a x² + b x + c = 0 (complex, a ≠ 0), without cancellation."""
    root = mp.sqrt(b * b - 4 * a * c)
    q = -(b + root) / 2 if mp.re(mp.conj(b) * root) >= 0 else -(b - root) / 2
    return q / a, c / q


def _phi(r):
    """[Φ_n(r) = ∫₀¹ u^n/(u − r) du for n = 1, 2, 3], r off [0, 1]: closed form with principal
    logarithms, or −Σ_k r^{−k−1}/(n + k + 1) for |r| > 8 (where the closed form cancels)."""
    if abs(r) > 8:
        terms = [r**-1]
        while abs(terms[-1]) > mp.eps:
            terms.append(terms[-1] / r)
        return [-mp.fsum(t / (n + k + 1) for k, t in enumerate(terms)) for n in (1, 2, 3)]
    out, phi = [], mp.log(1 - r) - mp.log(-r)
    for n in (1, 2, 3):
        phi = r * phi + mp.mpf(1) / n
        out.append(phi)
    return out


def _radial(a, b, c):
    """[∫₀¹ u^n/(a u² + b u + c) du for n = 1, 2, 3] (c complex, off the real axis), by partial
    fractions (Φ(r1) − Φ(r2))/(a (r1 − r2)); the iε keeps r1 − r2 ≳ 1e-12, and 30 digits absorb
    the cancellation."""
    if a == 0:
        return [p / b for p in _phi(-c / b)] if b != 0 else [1 / (n + 1) / c for n in (1, 2, 3)]
    r1, r2 = _quadratic_roots(a, b, c)
    return [(f1 - f2) / (a * (r1 - r2)) for f1, f2 in zip(_phi(r1), _phi(r2))]


def _breakpoints(p1, p2, p3, m1, m2, m3):
    """v where the u integral is not analytic: zeros of Δ(1, v) and of b² − 4ac (double root in (0, 1))."""
    a2, a1, a0 = p2, p1 - p3 - p2, p3  # a(v) = a2 v² + a1 v + a0
    b1, b0 = m2 - m3 - p1 + p3, -m1 + m3 - p3  # b(v) = b1 v + b0
    found = set()
    for coefficients, need_double_inside in (
        ((p2, m2 - m3 - p2, m3), False),  # Δ(1, v) = p2 v² + (m2 − m3 − p2) v + m3
        ((b1 * b1 - 4 * m1 * a2, 2 * b0 * b1 - 4 * m1 * a1, b0 * b0 - 4 * m1 * a0), True),
    ):
        for v in mp.polyroots(coefficients[::-1], maxsteps=200, extraprec=200, asc=True) if coefficients[0] != 0 else [-coefficients[2] / coefficients[1]] if coefficients[1] != 0 else []:
            if abs(mp.im(v)) > mp.mpf(10) ** -30 or not 0 < mp.re(v) < 1:
                continue
            v = mp.re(v)
            a, b = a2 * v * v + a1 * v + a0, b1 * v + b0
            if need_double_inside and not (a != 0 and 0 < -b / (2 * a) < 1):
                continue
            found.add(v)
    return sorted(found)


def B0(p2, m12, m22):
    """B0(p², m1², m2²) = −∫₀¹ log(Δ(x) − iε) dx (μ² = 1), split at the real zeros of Δ."""
    p2, m12, m22 = (mp.mpf(x) for x in (p2, m12, m22))
    eps = _EPS * max(abs(p2), m12, m22)
    points = [mp.mpf(0), mp.mpf(1)]
    if p2 != 0:
        points += [mp.re(x) for x in _quadratic_roots(p2, m22 - m12 - p2, m12) if 0 < mp.re(x) < 1 and abs(mp.im(x)) < eps]
    return -mp.quad(lambda x: mp.log(x * m22 + (1 - x) * m12 - x * (1 - x) * p2 - 1j * eps), sorted(points))


@functools.lru_cache(maxsize=None)
def C_tensor(p12, p22, p32, m12, m22, m32):
    """C0, C1, C2, C00, C11, C12, C22 (mpc) at real arguments, μ² = 1 and Δ_UV = 0."""
    p1, p2, p3, m1, m2, m3 = (mp.mpf(x) for x in (p12, p22, p32, m12, m22, m32))
    scale = max(abs(x) for x in (p1, p2, p3, m1, m2, m3))
    cache = {}

    def radial(v):
        if v not in cache:
            a = v * p1 + (1 - v) * p3 - v * (1 - v) * p2
            b = -m1 + v * m2 + (1 - v) * m3 - v * p1 - (1 - v) * p3
            cache[v] = _radial(a, b, m1 - 1j * _EPS * scale)
        return cache[v]

    weights = {
        "C0": (0, lambda v: -1), "C1": (1, lambda v: v), "C2": (1, lambda v: 1 - v),
        "C11": (2, lambda v: -v * v), "C12": (2, lambda v: -v * (1 - v)), "C22": (2, lambda v: -(1 - v) ** 2),
    }
    points = [mp.mpf(0), *_breakpoints(p1, p2, p3, m1, m2, m3), mp.mpf(1)]
    out = {name: mp.quad(lambda v: w(v) * radial(v)[n], points) for name, (n, w) in weights.items()}
    k1k2 = (p1 + p3 - p2) / 2
    b0 = B0(p2, m2, m3)
    out["C00"] = (b0 + m1 * out["C0"] - p1 * out["C11"] - 2 * k1k2 * out["C12"] - p3 * out["C22"] + mp.mpf(1) / 2) / 4
    return out
