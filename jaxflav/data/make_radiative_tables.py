"""Write `radiative_tables.npz`: the three-body rates of `jaxflav.models.radiative` on mass grids.

K⁺, π⁺ → μ⁺νZ_D are quadratic forms in the Z_D's couplings, R = c·Q(M)·c (`radiative.rate_matrix`);
Q depends on the mass alone, so fits interpolate it (`radiative.tabulated_rate_ratio`) instead of
integrating the Dalitz plot at every point. Stored as M²Q on a grid uniform in
x = ln(M/(M_max − M)), M_max = m_P − m_μ (dense at both ends), for K⁺ (all T_μ) and π⁺ (T_μ below
and above PIENU's 1.2 MeV); and M² R_W/g² of W⁺ → μ⁺νZ_D for a unit vector coupling
(`radiative.w_rate_ratio`), uniform in ln M. Nodes 96 × 48 (10⁻⁵ of 256 × 128).

Run:  python jaxflav/data/make_radiative_tables.py   (≈ 2 minutes on 2 cores)
"""

import math
import pathlib

import jax
import jax.numpy as jnp
import numpy as np

import jaxflav  # noqa: F401  (float64)
from jaxflav import inputs
from jaxflav.models import radiative

N_MESON, N_W, NODES = 320, 160, (96, 48)
M_MIN, W_MAX = 1.0e-3, 2.6  # GeV
m_mu = inputs.DEFAULT.m_mu
out = {"m_mu": np.array(m_mu), "nodes": np.array(NODES)}
for meson, windows in (("K+", {"all": (0.0, math.inf)}), ("pi+", {"T_mu<1.2MeV": (0.0, 0.0012), "T_mu>1.2MeV": (0.0012, math.inf)})):
    m_max = radiative.MESONS[meson][0] - m_mu
    x = np.linspace(math.log(M_MIN / (m_max - M_MIN)), math.log(m_max * (1 - 1e-5) / (m_max * 1e-5)), N_MESON)
    mass = m_max / (1 + np.exp(-x))
    out[f"{meson} x"] = x
    for name, window in windows.items():
        fn = jax.jit(jax.vmap(lambda m, w=window: m**2 * radiative.rate_matrix(meson, m, w, m_mu, NODES)))
        out[f"{meson} {name}"] = np.concatenate([np.asarray(fn(jnp.asarray(chunk))) for chunk in np.array_split(mass, 20)])
        print(meson, name, "done")
log_m = np.linspace(math.log(M_MIN), math.log(W_MAX), N_W)
w_fn = jax.jit(jax.vmap(lambda m: m**2 * radiative.w_rate_ratio(m, 1.0, 0.0, radiative.M_W, m_mu, NODES)))
out["W ln M"], out["W"] = log_m, np.asarray(w_fn(jnp.exp(jnp.asarray(log_m))))
np.savez_compressed(pathlib.Path(__file__).with_name("radiative_tables.npz"), **out)
print("wrote radiative_tables.npz")
