"""Kernel benchmarks: PV integrals on ~1e5 argument sets, Breit–Wigner bin integrals on ~1e6
(M, Γ, bin) triples; baselines are scipy.integrate adaptive quadrature in a Python loop."""

import jax.numpy as jnp
import numpy as np

from benchmarks.runner import Result, chunked, time_jax, time_loop
from kernels import breit_wigner, pv


def pv_arguments(rng, n):
    """(p1², p2², p3², m1², m2², m3²) with masses log-uniform in [1e-3, 1e3] GeV and momenta
    below their thresholds: the documented domain of kernels.pv."""
    m = 10 ** rng.uniform(-3, 3, (3, n))
    pairs = ((0, 1), (1, 2), (0, 2))
    p = [(m[i] + m[j]) ** 2 * rng.uniform(-1.0, 0.8, n) for i, j in pairs]
    return [jnp.asarray(a) for a in (*p, *(m**2))]


def _simplex(integrand):
    from scipy import integrate

    def value(*args):
        return integrate.dblquad(lambda x2, x1: integrand(x1, x2, *args), 0, 1, 0, lambda x1: 1 - x1, epsrel=1e-10)[0]

    return value


def _delta(x1, x2, p1, p2, p3, m1, m2, m3):
    x3 = 1 - x1 - x2
    return x1 * m1 + x2 * m2 + x3 * m3 - x1 * x2 * p1 - x2 * x3 * p2 - x1 * x3 * p3


def _pv_bench(name, fn, integrand, rng, scale):
    n, chunk = int(1e5 * scale), 5000
    args = pv_arguments(rng, n)
    compile_s, run_s = time_jax(chunked(fn, chunk), args)
    rows = np.asarray(args).T[:20]
    base_s = time_loop(_simplex(integrand), rows)
    return Result(name, n, compile_s, run_s, "scipy dblquad (epsrel 1e-10)", len(rows), base_s)


def bench_c0(rng, scale):
    return _pv_bench("kernels.pv.C0", pv.C0, lambda x1, x2, *a: -1.0 / _delta(x1, x2, *a), rng, scale)


def bench_c00(rng, scale):
    fn = lambda *a: pv.C00(*a)  # noqa: E731
    return _pv_bench("kernels.pv.C00", fn, lambda x1, x2, *a: -0.5 * np.log(_delta(x1, x2, *a)), rng, scale)


def _form_factor(q2):
    return 1.0 / (1.0 - q2 / 30.0) ** 2


def bench_breit_wigner(rng, scale):
    from scipy import integrate

    n, chunk = int(1e6 * scale), 50000
    m = 10 ** rng.uniform(-2, np.log10(4.5), n)
    width = m * 10 ** rng.uniform(-15, np.log10(0.5), n)
    lo = rng.uniform(0.0, 19.0, n)
    hi = lo + rng.uniform(0.01, 3.0, n)
    args = [jnp.asarray(a) for a in (lo, hi, m, width)]

    def fn(a, b, mass, gamma):
        return breit_wigner.integrate(_form_factor, a, b, mass, gamma)[0]

    compile_s, run_s = time_jax(chunked(fn, chunk), args)

    def quad(a, b, mass, gamma):
        """Adaptive quadrature made reliable for narrow widths: break points at the pole and at
        MΓ·10^j on either side of it, as a careful user would place them."""
        g = mass * gamma
        integrand = lambda q2: _form_factor(q2) / ((q2 - mass**2) ** 2 + g**2)  # noqa: E731
        marks = mass**2 + np.concatenate([[0.0], g * 10.0 ** np.arange(18), -g * 10.0 ** np.arange(18)])
        points = np.sort(marks[(marks > a) & (marks < b)])
        return integrate.quad(integrand, a, b, points=points, epsabs=0, epsrel=1e-10, limit=500)[0]

    rows = np.asarray([lo, hi, m, width]).T[:200]
    base_s = time_loop(quad, rows)
    return Result("kernels.breit_wigner |BW|^2 f", n, compile_s, run_s, "scipy quad, break points at pole", len(rows), base_s)


BENCHMARKS = {"pv-c0": bench_c0, "pv-c00": bench_c00, "breit-wigner": bench_breit_wigner}
