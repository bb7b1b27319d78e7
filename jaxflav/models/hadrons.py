"""Hadronic decays of a light vector boson through the measured R ratio (2m_π … 3 GeV).

For a boson V with quark couplings ℒ ⊃ V q̄γ^μ(x_q e − a_q e γ⁵)q (q = u, d, s; the photon has
x_q = Q_q, a_q = 0),

    Γ(V → hadrons) = (α M/3) R_V(M),
    R_V(√s) = R(√s) Σ_i κ_i² F_i(√s) + N_c Σ_q a_q² (1 + α_s/π) S(√s),   i ∈ {ρ, ω, φ},

the dark-photon relation Γ_had = Γ_μμ^pt R (Ilten, Soreq, Williams, Xue, "DarkCast", JHEP 06 (2018)
004) split by isospin as they do: κ_ρ = (x_u − x_d)/(Q_u − Q_d), κ_ω = (x_u + x_d)/(Q_u + Q_d),
κ_φ = x_s/Q_s, with no interference between the three channels.

What is data. R(√s) is the measured σ(e⁺e⁻ → hadrons)/σ_pt of the Particle Data Group's compilation
(PDG 2018, Phys. Rev. D 98, 030001, file rpp2018-hadronicrpp_page1001.dat), as shipped in
`jaxflav/data/r_ratio_pdg.toml` (provenance and the reproducible rebinning in its header and in
`jaxflav/data/make_r_ratio.py`): the sum of exclusive channels below 2 GeV, BES and KEDR inclusive
points averaged in four bins from 2 to 3.07 GeV, and their mean as a last node at 3 GeV. Between
nodes R is the monotone (Fritsch–Carlson) piecewise-cubic Hermite interpolant in √s: it passes
through every node, stays between neighbouring nodes (except in the first interval, 0.30–0.31 GeV,
where it takes the threshold's slope and overshoots by 0.002, the data's error being 0.02), and
is C¹, so Γ and dΓ/dM are continuous.
For the photon, R_γ is the data, exactly at the nodes.

What is model.
- The channel fractions F_i = R_i^VMD/Σ_j R_j^VMD (Σ_i F_i = 1): R_i^VMD is the i-th resonance
  of the vector-meson-dominance parametrisation of `jaxflav/data/r_ratio_vmd.toml` (relativistic
  Breit–Wigners with PDG parameters, `resonance_ratio`) plus its share of the smooth uds continuum,
  N_c Σ_q x_q² = Σ_i κ_i² c_i with c_ρ = N_c(Q_u − Q_d)²/2 = 3/2, c_ω = N_c(Q_u + Q_d)²/2 = 1/6,
  c_φ = N_c Q_s² = 1/3 (`continuum`). Equivalently R_V = R · R_V^VMD/R_γ^VMD (`vmd_ratio`).
- Below the first node (0.30 GeV) down to 2m_π: the P-wave ππ threshold, R = R(0.30)(β/β₀)³,
  β = √(1 − 4m_π²/s), joined with a continuous slope; zero at and below 2m_π (the π⁰γ, ηγ
  channels below 2m_π, R ≲ 10⁻³, are dropped).
- Above 3 GeV: flat at the 2–3.07 GeV mean of the inclusive data (R_γ = 2.245 ± 0.023 ≈
  N_c ΣQ²(1 + α_s/π) with α_s ≈ 0.38); only u, d, s are coupled, so no charm.
- Axial couplings enter only the continuum, as N_c Σ a_q² (1 + α_s/π) S(√s) (no a₁-type
  resonances), exactly as in the VMD model before.

Accuracy. For the photon (kinetic mixing) R_V is the data: the compilation's errors are ~1–2 %
at the ρ, ω and φ peaks, 5–18 % between 1.4 and 2 GeV, ~2–3 % for the 2–3 GeV bins, up to ~80 %
in the tail below 0.4 GeV (R < 0.2); against the PDG resonance parameters the φ and ω peak areas
come out 4 % and 5 % low, the ρ line within 4 % (tests/test_hadrons.py). For other couplings the isospin split adds the
VMD-fraction uncertainty: ~10 % on a channel's share near the ρ/ω/φ peaks, and in 1.1–2 GeV,
where ρ′, ω′, φ′ are not modelled and the continuum shares 9 : 1 : 2 stand in, ~30 % on a
channel's share (not on the photon's total). Units: GeV.
"""

import importlib.resources
import math
import tomllib

import jax.numpy as jnp
import numpy as np

from kernels.safe_math import div_safe, sqrt_safe

ALPHA = 1 / 137.035999084  # α(0), CODATA 2018: the α of Γ_ee and of σ_pt in R
N_C = 3
CHARGES = {"u": 2 / 3, "d": -1 / 3, "s": -1 / 3}
M_PI = 0.13957039  # GeV, π± mass, PDG 2022: the ππ threshold of R
RESONANCES = ("rho", "omega", "phi")
# Share of the uds continuum N_c Σ Q_q² = 2 carried by each isospin channel (see module docstring).
CONTINUUM_SHARE = {
    "rho": N_C * (CHARGES["u"] - CHARGES["d"]) ** 2 / 2,
    "omega": N_C * (CHARGES["u"] + CHARGES["d"]) ** 2 / 2,
    "phi": N_C * CHARGES["s"] ** 2,
}


def _read(name):
    return tomllib.loads((importlib.resources.files("jaxflav") / "data" / name).read_text())


DATA = _read("r_ratio_vmd.toml")  # VMD parameters (PDG): the channel fractions and the axial continuum


def _pchip_slopes(x, y, left_slope):
    """Node slopes of the monotone piecewise-cubic Hermite interpolant (Fritsch & Carlson, SIAM J.
    Numer. Anal. 17 (1980) 238, with the weighted harmonic mean of Fritsch & Butland, SIAM J. Sci.
    Stat. Comput. 5 (1984) 300): zero at a local extremum of the data, so no overshoot. The end
    slopes are given: `left_slope` joins the threshold below, 0 joins the flat continuation above."""
    h, d = np.diff(x), np.diff(y) / np.diff(x)
    m = np.zeros_like(y)
    w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):  # d = 0 gives a discarded inf
        harmonic = (w1 + w2) / (w1 / d[:-1] + w2 / d[1:])
    m[1:-1] = np.where(d[:-1] * d[1:] > 0, harmonic, 0.0)
    m[0] = left_slope
    return m


def _load_table():
    t = _read("r_ratio_pdg.toml")
    x, r, err = (np.asarray(t[k], float) for k in ("sqrt_s", "r", "r_err"))
    if not (np.all(np.diff(x) > 0) and np.all(r > 0) and x[0] > 2 * M_PI):
        raise ValueError("r_ratio_pdg.toml: sqrt_s must increase from above 2 m_π and r be positive")
    beta2 = 1 - (2 * M_PI / x[0]) ** 2
    threshold_slope = 12 * r[0] * M_PI**2 / (beta2 * x[0] ** 3)  # d/d√s of r₀ (β/β₀)³ at the first node
    return x, r, err, _pchip_slopes(x, r, threshold_slope)


SQRT_S, R_DATA, R_ERR, _SLOPES = _load_table()


def measured_ratio(sqrt_s):
    """R(√s) of e⁺e⁻ → hadrons from the PDG compilation (`jaxflav/data/r_ratio_pdg.toml`), √s in GeV:
    the monotone cubic interpolant of the nodes, the P-wave threshold below the first node, 0 at
    and below 2m_π, flat above the last node. Finite value and gradient for every real √s."""
    x = jnp.asarray(sqrt_s, float)
    xs, ys, ms = jnp.asarray(SQRT_S), jnp.asarray(R_DATA), jnp.asarray(_SLOPES)
    i = jnp.clip(jnp.searchsorted(xs, x, side="right") - 1, 0, len(SQRT_S) - 2)
    h = xs[i + 1] - xs[i]
    t = jnp.clip((x - xs[i]) / h, 0.0, 1.0)
    t2, t3 = t * t, t * t * t
    inside = (2 * t3 - 3 * t2 + 1) * ys[i] + (t3 - 2 * t2 + t) * h * ms[i]  # cubic Hermite basis
    inside += (-2 * t3 + 3 * t2) * ys[i + 1] + (t3 - t2) * h * ms[i + 1]
    # Below the first node: r₀ (β/β₀)³ with β² = 1 − 4m_π²/s; the double `where` keeps β² > 0 in
    # the untaken branch (x ≤ 2m_π), and (β²)^{3/2} has a zero, not infinite, slope at threshold.
    above_threshold = x > 2 * M_PI
    beta2 = 1 - (2 * M_PI / jnp.where(above_threshold, x, SQRT_S[0])) ** 2
    beta2_0 = 1 - (2 * M_PI / SQRT_S[0]) ** 2
    threshold = jnp.where(above_threshold, R_DATA[0] * (beta2 / beta2_0) ** 1.5, 0.0)
    return jnp.where(x < SQRT_S[0], threshold, jnp.where(x > SQRT_S[-1], R_DATA[-1], inside))


def _momentum(s, threshold):
    return sqrt_safe(s / 4 - threshold**2 / 4)


def resonance_ratio(name, sqrt_s):
    """VMD R^{(res)} of one resonance ("rho", "omega", "phi") at √s (GeV), for photon couplings:
    9 s Γ_ee Γ_h(s)/(α²[(s − M²)² + M²Γ(s)²]), Γ(s) = Γ (M/√s)(p(s)/p(M))³ (9 B_ee B_h/α² at the peak)."""
    r = DATA[name]
    m, width, thr = r["mass"], r["width"], r["threshold"]
    s = jnp.asarray(sqrt_s) ** 2
    p_ratio = _momentum(s, thr) / math.sqrt(m**2 / 4 - thr**2 / 4)
    beta_ratio = p_ratio * m / jnp.sqrt(s)
    running = width * beta_ratio * p_ratio**2
    peak = 9 * r["br_ee"] * r["br_hadrons"] / ALPHA**2
    return peak * beta_ratio**3 * m**2 * width**2 / ((s - m**2) ** 2 + m**2 * running**2)


def continuum(sqrt_s):
    """S(√s)(1 + α_s/π): the VMD uds continuum per unit Σ N_c x_q², switched on around `onset`."""
    c = DATA["continuum"]
    switch = 0.5 * (1 + jnp.tanh((jnp.asarray(sqrt_s) - c["onset"]) / c["onset_width"]))
    return (1 + c["alpha_s"] / math.pi) * switch


def isospin_weights(x_u, x_d, x_s):
    """κ_ρ, κ_ω, κ_φ of quark vector couplings x_q (units of e): 1, 1, 1 for the photon."""
    return {
        "rho": (x_u - x_d) / (CHARGES["u"] - CHARGES["d"]),
        "omega": (x_u + x_d) / (CHARGES["u"] + CHARGES["d"]),
        "phi": x_s / CHARGES["s"],
    }


def channel_ratio(name, sqrt_s):
    """R_i^VMD of one isospin channel ("rho", "omega", "phi"): its resonance plus its continuum share."""
    return resonance_ratio(name, sqrt_s) + CONTINUUM_SHARE[name] * continuum(sqrt_s)


def vmd_ratio(sqrt_s, x_u, x_d, x_s):
    """The VMD model's vector R_V^VMD = Σ_i κ_i² R_i^VMD (ρ–ω interference omitted): only the fractions
    of `ratio` come from it."""
    kappa = isospin_weights(x_u, x_d, x_s)
    return sum(kappa[n] ** 2 * channel_ratio(n, sqrt_s) for n in RESONANCES)


def ratio(sqrt_s, x_u, x_d, x_s, a_u=0.0, a_d=0.0, a_s=0.0):
    """R_V(√s) for quark couplings in units of e (photon: x = (2/3, −1/3, −1/3), a = 0): the measured
    R weighted by the VMD isospin fractions, plus the axial continuum (module docstring)."""
    x = jnp.asarray(sqrt_s, float)
    above = x > 2 * M_PI
    x_in = jnp.where(above, x, DATA["rho"]["mass"])  # keeps the fractions' gradient finite below 2m_π
    photon = vmd_ratio(x_in, CHARGES["u"], CHARGES["d"], CHARGES["s"])
    fraction = div_safe(vmd_ratio(x_in, x_u, x_d, x_s), photon)
    vector = measured_ratio(x) * jnp.where(above, fraction, 0.0)
    return vector + N_C * (a_u**2 + a_d**2 + a_s**2) * continuum(x)


def width(mass, x_u, x_d, x_s, a_u=0.0, a_d=0.0, a_s=0.0):
    """Γ(V → hadrons) = α M R_V(M)/3 in GeV (couplings in units of e, as in `ratio`)."""
    return ALPHA * mass / 3 * ratio(mass, x_u, x_d, x_s, a_u, a_d, a_s)
