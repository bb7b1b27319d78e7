"""Hadronic decays of a light vector boson through the R ratio, by vector-meson dominance.

For a boson V with vector couplings x_q e to the light quarks (ℒ ⊃ V q̄γ^μ(x_q e − a_q e γ⁵)q;
the photon has x_q = Q_q), below 2.5 GeV

    Γ(V → hadrons) = (α M/3) R_V(M),    R_V = Σ_{ρ,ω,φ} κ_V² R_V^{(res)} + Σ_q N_c (x_q² + a_q²) (1 + α_s/π) S(√s)

(the dark-photon relation Γ_had = Γ_μμ^{pt} R of e.g. Ilten, Soreq, Williams, Xue, JHEP 06 (2018)
004, generalised by isospin as they do: κ_ρ = (x_u − x_d)/(Q_u − Q_d), κ_ω = (x_u + x_d)/(Q_u + Q_d),
κ_φ = x_s/Q_s). Each resonance is a relativistic Breit–Wigner with a P-wave width,

    R^{(res)}(s) = 9 s Γ_ee Γ_h(s) / (α² [(s − M²)² + M² Γ(s)²]),  Γ(s) = Γ (M/√s) (p(s)/p(M))³,

which gives 9 B_ee B_h/α² at the peak; S is a smooth switch-on of the uds continuum. Parameters
and their sources: `jaxflav/data/r_ratio_vmd.toml` (PDG). Units: GeV. Axial quark couplings enter
only the continuum (the a₁-type axial resonances are not modelled); ρ–ω interference is omitted.
"""

import importlib.resources
import math
import tomllib

import jax.numpy as jnp

from kernels.safe_math import sqrt_safe

ALPHA = 1 / 137.035999084  # α(0), CODATA 2018: the α of Γ_ee and of σ_pt in R
N_C = 3
CHARGES = {"u": 2 / 3, "d": -1 / 3, "s": -1 / 3}


def _load():
    text = (importlib.resources.files("jaxflav") / "data" / "r_ratio_vmd.toml").read_text()
    return tomllib.loads(text)


DATA = _load()
RESONANCES = ("rho", "omega", "phi")


def _momentum(s, threshold):
    return sqrt_safe(s / 4 - threshold**2 / 4)


def resonance_ratio(name, sqrt_s):
    """R^{(res)} of one resonance ("rho", "omega", "phi") at √s (GeV), for photon couplings."""
    r = DATA[name]
    m, width, thr = r["mass"], r["width"], r["threshold"]
    s = jnp.asarray(sqrt_s) ** 2
    p_ratio = _momentum(s, thr) / math.sqrt(m**2 / 4 - thr**2 / 4)
    beta_ratio = p_ratio * m / jnp.sqrt(s)
    running = width * beta_ratio * p_ratio**2
    peak = 9 * r["br_ee"] * r["br_hadrons"] / ALPHA**2
    return peak * beta_ratio**3 * m**2 * width**2 / ((s - m**2) ** 2 + m**2 * running**2)


def continuum(sqrt_s):
    """S(√s)(1 + α_s/π): the uds continuum per unit Σ N_c x_q², switched on around `onset`."""
    c = DATA["continuum"]
    switch = 0.5 * (1 + jnp.tanh((jnp.asarray(sqrt_s) - c["onset"]) / c["onset_width"]))
    return (1 + c["alpha_s"] / math.pi) * switch


def ratio(sqrt_s, x_u, x_d, x_s, a_u=0.0, a_d=0.0, a_s=0.0):
    """R_V(√s) for quark couplings in units of e (photon: x = (2/3, −1/3, −1/3), a = 0)."""
    kappa = {
        "rho": (x_u - x_d) / (CHARGES["u"] - CHARGES["d"]),
        "omega": (x_u + x_d) / (CHARGES["u"] + CHARGES["d"]),
        "phi": x_s / CHARGES["s"],
    }
    res = sum(kappa[n] ** 2 * resonance_ratio(n, sqrt_s) for n in RESONANCES)
    parton = N_C * (x_u**2 + x_d**2 + x_s**2 + a_u**2 + a_d**2 + a_s**2)
    return res + parton * continuum(sqrt_s)


def width(mass, x_u, x_d, x_s, a_u=0.0, a_d=0.0, a_s=0.0):
    """Γ(V → hadrons) = α M R_V(M)/3 in GeV (couplings in units of e, as in `ratio`)."""
    return ALPHA * mass / 3 * ratio(mass, x_u, x_d, x_s, a_u, a_d, a_s)
