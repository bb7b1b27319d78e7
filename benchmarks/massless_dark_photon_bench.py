"""Massless dark photon (001_1d5ebfc8e705bca1.txt): B⁺ → K⁺QQ̄ rates with the Sommerfeld factor
(tanh–sinh over the full q² range) and spectra on large batches of (α_D, m_Q, Λ), beside a scipy
quad loop over the same integrand and a scalar NumPy loop over spectrum points."""

import math
import time

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.runner import Result, time_jax


def _points(rng, n):
    from jaxflav.models import massless_dark_photon as mdp

    m_max = (mdp.PAPER.m_Bp - mdp.PAPER.m_Kp) / 2
    alpha = np.exp(rng.uniform(np.log(0.05), np.log(3.0), n))
    m_q = np.exp(rng.uniform(np.log(1e-3), np.log(0.99 * m_max), n))
    lam = np.exp(rng.uniform(np.log(1e7), np.log(1e9), n))
    return alpha, m_q, lam


def _numpy_spectrum(s, alpha, m_q, lam, p):
    """Eq. 3.6 with the SF factor for one point, scalar NumPy/math (the baseline)."""
    mb, mk = p.m_Bp, p.m_Kp
    tp, tm = (mb + mk) ** 2, (mb - mk) ** 2
    t0 = math.sqrt(tp) * (math.sqrt(tp) - math.sqrt(tp - tm))
    z = lambda x: (math.sqrt(tp - x) - math.sqrt(tp - t0)) / (math.sqrt(tp - x) + math.sqrt(tp - t0))  # noqa: E731
    f_t = p.fT0 / (1 - s / p.m_res**2) * (1 + p.bT1 * (z(s) - z(0) + (z(s) ** 2 - z(0) ** 2) / 2))
    lam_k = ((mb - mk) ** 2 - s) * ((mb + mk) ** 2 - s)
    if s <= 4 * m_q**2 or lam_k <= 0:
        return 0.0
    beta = math.sqrt(1 - 4 * m_q**2 / s)
    x = 2 * math.pi * alpha * (s - 2 * m_q**2) / math.sqrt(s * (s - 4 * m_q**2))
    rate = alpha * lam_k**1.5 * beta * (1 + 2 * m_q**2 / s) * f_t**2 / (48 * math.pi**2 * mb**3 * lam**2 * (mb + mk) ** 2)
    return rate * x / -math.expm1(-x)


def bench_rates(rng, scale):
    from scipy.integrate import quad

    from jaxflav.models import massless_dark_photon as mdp

    n = max(1024, int(2**17 * scale))
    alpha, m_q, lam = (jnp.asarray(a) for a in _points(rng, n))
    fn = jax.jit(jax.vmap(lambda a, m, l: mdp.width_k_qq(a, m, l)))
    compile_s, run_s = time_jax(fn, (alpha, m_q, lam))
    p = mdp.PAPER
    rows = list(zip(*(np.asarray(a[:20]) for a in (alpha, m_q, lam))))
    start = time.perf_counter()
    for a, m, l in rows:
        lo, hi = 4 * m * m, (p.m_Bp - p.m_Kp) ** 2
        quad(_numpy_spectrum, lo, hi, args=(a, m, l, p), limit=200, epsrel=1e-10, points=[min(lo + 40 * m * m, hi)])
    base_s = time.perf_counter() - start
    return Result("massless dark photon: BR(B+->K+QQbar), SF", n, compile_s, run_s, "scipy quad loop (1e-10)", len(rows), base_s)


def bench_spectra(rng, scale):
    from jaxflav.models import massless_dark_photon as mdp

    n = max(4096, int(2**20 * scale))
    alpha, m_q, lam = _points(rng, n)
    q2 = rng.uniform(0.0, (mdp.PAPER.m_Bp - mdp.PAPER.m_Kp) ** 2, n)
    args = tuple(jnp.asarray(a) for a in (q2, alpha, m_q, lam))
    fn = jax.jit(jax.vmap(lambda s, a, m, l: mdp.spectrum(s, a, m, l)))
    compile_s, run_s = time_jax(fn, args)
    p = mdp.PAPER
    k = 20000
    start = time.perf_counter()
    for s, a, m, l in zip(q2[:k], alpha[:k], m_q[:k], lam[:k]):
        _numpy_spectrum(s, a, m, l, p)
    base_s = time.perf_counter() - start
    return Result("massless dark photon: dGamma/dq2, SF", n, compile_s, run_s, "scalar NumPy/math loop", k, base_s)


BENCHMARKS = {"mdp-rates": bench_rates, "mdp-spectra": bench_spectra}
