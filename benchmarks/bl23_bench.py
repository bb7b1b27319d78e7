"""(B−L)₂₃ Z′ (002_afd25a313d970311.txt): the PV-based loop matrices C_L, C_R of s → dZ′ (Eqs. 4.4–4.9)
over many q² at once, beside the same matrices from the mpmath PV references of the test suite
(tests/pv_reference.py, 40 digits) point by point; and the Scenario II W_u survey (Fig. 3) beside a
NumPy loop over samples."""

import time

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.runner import Result, time_jax


def _mpmath_entry(q2, mi, mj, m_w):
    """One (i, j) entry of C_L and C_R with the 40-digit mpmath references."""
    from tests import pv_reference as ref

    c = ref.C_tensor(0, q2, 0, m_w**2, mi**2, mj**2)
    c0 = ref.C0(0, 0, q2, mi**2, m_w**2, mj**2)
    return q2 * (c["C0"] + c["C1"] + c["C2"] + c["C12"]) - 2 * c["C00"], mi * mj * c0


def bench_loop_matrices(rng, scale):
    from jaxflav.models import bl23

    n = max(16, int(256 * scale))
    q2 = jnp.asarray(rng.uniform(0.0, 0.01, n))  # below the lightest pair threshold in mpmath's comfort zone
    fn = jax.jit(jax.vmap(lambda x: bl23.loop_matrices("ds", x)))
    compile_s, run_s = time_jax(fn, (q2,))
    inp = bl23.PDG2018
    start = time.perf_counter()
    _mpmath_entry(float(q2[0]), inp.m_c, inp.m_t, inp.m_W)  # one of the 9 (i, j) entries; × 9 below
    base_s = 9 * (time.perf_counter() - start)
    return Result("bl23 loop matrices (per q2)", n, compile_s, run_s, "mpmath PV refs (1 of 9 entries x 9)", 1, base_s)


def bench_survey(rng, scale):
    from jaxflav.models import bl23

    n = int(1e6 * scale)
    w = bl23.haar_rows(jax.random.PRNGKey(int(rng.integers(2**31))), n)
    fn = jax.jit(lambda w: bl23.survey(w, 0.14, 1e-3))
    compile_s, run_s = time_jax(fn, (w,))
    c_l, c_r = (np.asarray(c) for c in bl23.loop_matrices("ds", 0.14**2))
    g_l = np.asarray(bl23.g_left(1e-3))
    rows = np.asarray(w[:2000])
    start = time.perf_counter()
    for row in rows:
        g_r = 1e-3 / 3 * (np.eye(3) - np.conj(row)[:, None] * row[None, :])
        np.sum(c_l * g_l + c_r * g_r) / (16 * np.pi**2)
    base_s = time.perf_counter() - start
    return Result("bl23 W_u survey (K_L, K+ rates)", n, compile_s, run_s, "NumPy loop over samples", len(rows), base_s)


def bench_wu_chi2(rng, scale):
    """The Scenario II χ² of preset bl23-wu-mass-survey (couplings interpolated from the loop table,
    K-decay and (g − 2)_μ terms) against evaluating the PV loop matrices afresh at each point's mass."""
    from jaxflav import config
    from jaxflav.models import bl23

    problem = config.problem(config.load("bl23-wu-mass-survey"))
    n = int(2**20 * scale)
    x = problem.space.uniform_points(jnp.asarray(rng.uniform(size=(n, problem.space.dim))))
    compile_s, run_s = time_jax(jax.jit(jax.vmap(problem.chi2)), (x,))
    direct = jax.jit(lambda q2: bl23.loop_matrices("ds", q2))
    jax.block_until_ready(direct(0.13**2))  # compiled apart, like the jaxflav side
    masses = np.asarray(x[:8, 0])
    start = time.perf_counter()
    for m in masses:
        jax.block_until_ready(direct(float(m) ** 2))
    base_s = time.perf_counter() - start
    return Result("bl23 Scenario II chi2 (table)", n, compile_s, run_s, "jitted PV loop matrices per point", len(masses), base_s)


BENCHMARKS = {"bl23-loop-matrices": bench_loop_matrices, "bl23-survey": bench_survey, "bl23-wu-chi2": bench_wu_chi2}
