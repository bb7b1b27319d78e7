"""High-precision (mpmath) references for the Passarino–Veltman integrals of `kernels.pv`.

Independent of the kernels' own quadrature:
- A0 in closed form; B0, B1, B00 as mpmath tanh–sinh integrals of their Feynman-parameter
  representations at 40 digits, split where the integrand has structure;
- C0 with the Duffy-radial integral done in closed form (partial fractions, exact at 40 digits)
  and the remaining one-dimensional integral by mpmath;
- C1, C2, C00, C11, C12, C22 by Passarino–Veltman reduction from C0 and the B functions
  (A. Denner, Fortsch. Phys. 41 (1993) 307, Sect. 4), which uses no Feynman parameters at all.
Conventions are LoopTools': C(p1², p2², (p1+p2)², m1², m2², m3²) with denominators
[q² − m1²][(q + k1)² − m2²][(q + k2)² − m3²], k1 = p1, k2 = p1 + p2, and C^μ = k1^μ C1 + k2^μ C2.
"""

import mpmath as mp

mp.mp.dps = 40
_EPS = mp.mpf(10) ** -30  # the −iε of the propagators


def _splits(points):
    pts = sorted({mp.mpf(p) for p in points if 0 <= p <= 1} | {mp.mpf(0), mp.mpf(1)})
    return pts


def _scales():
    return [mp.mpf(10) ** (-k) for k in range(1, 18)]


def A0(m2, mu2=1, delta=0):
    m2 = mp.mpmathify(m2)
    return 0 if m2 == 0 else m2 * (delta - mp.log(m2 / mu2) + 1)


def _b_integral(weight, p2, m12, m22, mu2):
    p2, m12, m22 = (mp.mpmathify(v) for v in (p2, m12, m22))

    def delta_x(x):  # x weights the second propagator
        return x * m22 + (1 - x) * m12 - x * (1 - x) * p2 - 1j * _EPS

    cuts = _scales() + [1 - s for s in _scales()]
    if p2 != 0:
        xs = (p2 + m12 - m22) / (2 * p2)  # where Δ(x) is stationary
        if mp.im(xs) == 0 and 0 < mp.re(xs) < 1:
            xs = mp.re(xs)
            cuts += [xs] + [xs + s for s in _scales()] + [xs - s for s in _scales()]
            disc = (m12 + m22 - p2) ** 2 - 4 * m12 * m22
            if mp.re(disc) > 0 and mp.re(p2) > 0:  # above threshold: the roots of Δ are real
                for sgn in (1, -1):
                    r = mp.re(xs + sgn * mp.sqrt(disc) / (2 * p2))
                    cuts += [r] + [r + s for s in _scales()] + [r - s for s in _scales()]
    return mp.quad(lambda x: weight(x, delta_x(x)), _splits(cuts))


def B0(p2, m12, m22, mu2=1, delta=0):
    return delta - _b_integral(lambda x, d: mp.log(d / mu2), p2, m12, m22, mu2)


def B1(p2, m12, m22, mu2=1, delta=0):
    return -delta / 2 + _b_integral(lambda x, d: x * mp.log(d / mu2), p2, m12, m22, mu2)


def B00(p2, m12, m22, mu2=1, delta=0):
    return _b_integral(lambda x, d: d * (delta + 1 - mp.log(d / mu2)), p2, m12, m22, mu2) / 2


def _radial(a, b, c):
    """∫_0^1 u du / (a u² + b u + c) (mpmath, complex): partial fractions where they are well
    conditioned at this precision, adaptive quadrature of a smooth integrand elsewhere."""
    scale = abs(a) + abs(b) + abs(c)
    root = mp.sqrt(b * b - 4 * a * c)
    well_split = abs(a) > mp.mpf(10) ** -12 * scale and abs(root) > mp.mpf(10) ** -12 * scale
    if not well_split or abs(a) + abs(b) < mp.mpf(10) ** -6 * abs(c):
        return mp.quad(lambda u: u / (a * u * u + b * u + c), [0, mp.mpf(1) / 2, 1])
    q = -(b + root) / 2 if mp.re(mp.conj(b) * root) >= 0 else -(b - root) / 2
    rp, rm = q / a, c / q

    def log_int(r):  # ∫_0^1 du / (u − r)
        return mp.log(1 - r) - mp.log(-r)

    return (rp * log_int(rp) - rm * log_int(rm)) / (a * (rp - rm))


def C0(p12, p22, p32, m12, m22, m32):
    """C0 = −∫_simplex 1/Δ, with x1 = 1 − u, x2 = u v, x3 = u (1 − v) (Jacobian u)."""
    p1, p2, p3, m1, m2, m3 = (mp.mpmathify(v) for v in (p12, p22, p32, m12, m22, m32))
    m1, m2, m3 = (m - 1j * _EPS for m in (m1, m2, m3))

    def inner(v):
        a = v * p1 + (1 - v) * p3 - v * (1 - v) * p2
        b = -m1 + v * m2 + (1 - v) * m3 - v * p1 - (1 - v) * p3
        return _radial(a, b, m1)

    cuts = _scales() + [1 - s for s in _scales()] + [mp.mpf(1) / 2]
    return -mp.quad(inner, _splits(cuts))


def C_tensor(p12, p22, p32, m12, m22, m32, mu2=1, delta=0):
    """C0, C1, C2, C00, C11, C12, C22 by Passarino–Veltman reduction (needs a non-zero Gram
    determinant p1² (p1+p2)² − (k1·k2)²)."""
    p1, p2, p3, m1, m2, m3 = (mp.mpmathify(v) for v in (p12, p22, p32, m12, m22, m32))
    kw = dict(mu2=mu2, delta=delta)
    c0 = C0(p1, p2, p3, m1, m2, m3)
    b0_12, b0_23, b0_13 = B0(p1, m1, m2, **kw), B0(p2, m2, m3, **kw), B0(p3, m1, m3, **kw)
    b1_12, b1_23, b1_13 = B1(p1, m1, m2, **kw), B1(p2, m2, m3, **kw), B1(p3, m1, m3, **kw)
    k11, k22, k12 = p1, p3, (p1 + p3 - p2) / 2
    f1, f2 = p1 - m2 + m1, p3 - m3 + m1
    gram = mp.matrix([[2 * k11, 2 * k12], [2 * k12, 2 * k22]])
    c1, c2 = mp.lu_solve(gram, mp.matrix([b0_13 - b0_23 - f1 * c0, b0_12 - b0_23 - f2 * c0]))
    # unknowns (C00, C11, C12, C22): the trace and three of the four contractions
    lhs = mp.matrix([
        [4, k11, 2 * k12, k22],
        [2, 2 * k11, 2 * k12, 0],
        [0, 0, 2 * k11, 2 * k12],
        [0, 2 * k12, 2 * k22, 0],
    ])
    rhs = mp.matrix([
        b0_23 + m1 * c0 + mp.mpf(1) / 2,
        b1_23 + b0_23 - f1 * c1,
        b1_13 - b1_23 - f1 * c2,
        b1_12 + b1_23 + b0_23 - f2 * c1,
    ])
    c00, c11, c12, c22 = mp.lu_solve(lhs, rhs)
    check = 2 * c00 + 2 * k12 * c12 + 2 * k22 * c22 - (-b1_23 - f2 * c2)
    return dict(C0=c0, C1=c1, C2=c2, C00=c00, C11=c11, C12=c12, C22=c22, residual=check)
