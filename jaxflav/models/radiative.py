"""A light vector radiated in a leptonic decay: K⁺, π⁺ → μ⁺ν_μ Z_D (§4.5, §4.6 of A. Rashed, seed
000_8c6ceb1288264742.txt) and W⁺ → μ⁺ν_μ Z_D (§4.9), from the full Dirac traces.

For P⁺ = K⁺ (u s̄) or π⁺ (u d̄) with ⟨0|q̄γ^α γ⁵u|P⁺(p)⟩ ∝ f_P p^α and a vector Z_D (mass M, momentum
k) with ℒ ⊃ Z_D,μ [f̄γ^μ(v_f − a_f γ⁵)f + g_ν ν̄γ^μP_Lν] (`jaxflav.models.vector_boson.LightVector`),
the amplitude is ū(p_ν) Γ^μ v(p_μ) ε*_μ(k) with, in units of the non-radiative ū p̸(1 − γ⁵) v,

    Γ^μ = p̸(1 − γ⁵)(p̸_μ + k̸ − m_μ)γ^μ(v_μ − a_μ γ⁵)/(2p_μ·k + M²)            muon leg
        − g_ν γ^μ P_L (p̸_ν + k̸) p̸(1 − γ⁵)/(2p_ν·k + M²)                       neutrino leg
        + [g_V^P g^μ_α (the contact) − g_V^P (2p − k)^μ (p − k)_α/(M² − 2p·k)] γ^α(1 − γ⁵)   meson leg,

the meson leg being that of a point-like meson with vector charge g_V^P = v_u − v_q̄ (scalar QED).
The contact term carries instead the meson's left-handed charge g_L^P = g_V^P + a_u − a_q̄: the W
couples to left-handed quarks, and this is the one local term for which the currents the Z_D
inherits by mixing (J_em, J_Z) stay conserved, k_μΓ^μ ∝ m_μ (tested), as they are in the Standard
Model (the Fermi operator is neutral under both). A coupling to a current that the weak interaction
does not conserve — Case B's and C's g_D^μ μ̄γμ, carried by the muon and not by its neutrino — gets
no such partner: k_μΓ^μ ∝ g_D^μ, and the longitudinal Z_D is emitted with a rate enhanced by
(m_P/M)² (Dror, Lasenby, Pospelov, PRL 119 (2017) 141803). Left out: structure-dependent terms
(F_V, F_A of K → μνγ, small beside inner bremsstrahlung below the kinematic endpoint) and the
W–W–Z_D vertex (O(m_P²/M_W²) in the Fermi theory).

The spin sum is Tr[Γ^μ (p̸_μ − m_μ) Γ̄^ν p̸_ν] (`kernels.dirac`), contracted with the Z_D's
polarisation sum −g_μν + k_μk_ν/M². The paper's treatment ("paper") has the Z_D "emitted from the
muon leg" and no longitudinal mode; a muon leg alone is not gauge invariant (with −g_μν its "rate"
comes out negative), so here it is the rate of a massive photon: every coupling treated as a
conserved charge: the meson's g_V^P and g_L^P both shifted by the charge the legs leave unbalanced,
g_ν − v_μ − a_μ − g_L^P (−g_D^μ in Cases B, C), which removes the (m_P/M)² growth and nothing
else (for the mixing currents of Case A that shift is 0: the treatments agree). Checked against the
inner-bremsstrahlung K → μνγ formula (Bijnens, Ecker, Gasser, Nucl. Phys. B396 (1993) 81) in
tests/test_radiative.py.

Rates are given as R = Γ(P → μνZ_D)/Γ(P → μν), with Γ(P → μν) ∝ m_μ²(m_P² − m_μ²)²/(4π m_P³)
in the same units, over the Dalitz plot (E_Z, E_μ) in the P rest frame; a window in the muon's
kinetic energy T_μ (PIENU's two regions) restricts E_μ. Units: GeV.
"""

import functools
import importlib.resources
import math

import jax
import jax.numpy as jnp
import numpy as np

from jaxflav import inputs as sm_inputs
from jaxflav.models import bl23, vector_boson
from kernels import dirac
from kernels.quadrature import bin_nodes
from kernels.safe_math import sqrt_safe

MESONS = {"K+": (bl23.KAONS.m_Kp, 2), "pi+": (0.13957039, 1)}
"""P⁺ → (mass in GeV (PDG 2022), index of its antiquark in `LightVector.quark_v`: d = 1, s = 2)."""
BR_TO_MU_NU = {"K+": 0.6356, "pi+": 0.999877}  # PDG 2022: BR(K⁺ → μ⁺ν), BR(π⁺ → μ⁺ν)
M_W = vector_boson.M_W  # GeV
TREATMENTS = ("full", "paper")
_ONE, _G5 = dirac.ONE, dirac.GAMMA5


def _check(treatment):
    if treatment not in TREATMENTS:
        raise ValueError(f"unknown treatment {treatment!r}; known: {', '.join(TREATMENTS)}")


def charges(meson, z: vector_boson.LightVector, treatment="full"):
    """(v_μ, a_μ, g_ν, g_V^P, g_L^P) of the Z_D for P⁺ = `meson` ("K+", "pi+"); "paper": the
    meson's charges shifted to conserve the current (module docstring)."""
    q = MESONS[meson][1]
    v, a, g_nu = z.lepton_v[1], z.lepton_a[1], z.neutrino[1]
    g_v = z.quark_v[0] - z.quark_v[q]
    g_l = g_v + z.quark_a[0] - z.quark_a[q]
    unbalanced = (g_nu - v - a - g_l) if treatment == "paper" else 0.0
    return v, a, g_nu, g_v + unbalanced, g_l + unbalanced


def _legs(weak, p1, p2, k, m, mass, v, a, g_nu):
    """Muon- and neutrino-leg Γ^μ (4, 4, 4) for a weak vertex matrix `weak` (p̸(1 − γ⁵) or γ^α(1 − γ⁵))."""
    vertex = dirac.GAMMA @ (v * _ONE - a * _G5)
    muon = weak @ (dirac.slash(p1 + k) - m * _ONE) @ vertex / (2 * dirac.dot(p1, k) + mass**2)
    neutrino = -g_nu * dirac.GAMMA @ dirac.P_L @ dirac.slash(p2 + k) @ weak / (2 * dirac.dot(p2, k) + mass**2)
    return muon, neutrino


COUPLINGS = ("v_mu", "a_mu", "g_nu", "g_V^P", "g_L^P")
"""The order of `charges` and of the rows of `basis` and `rate_matrix`."""


def basis(p, p1, p2, k, m, mass):
    """Γ^μ of P⁺(p) → μ⁺(p1) ν(p2) Z_D(k) (module docstring) for a unit value of each of the
    `COUPLINGS`, shape (5, 4, 4, 4): Γ^μ = Σ_i c_i basis[i]."""
    weak = dirac.slash(p) @ (_ONE - _G5)
    vector, _ = _legs(weak, p1, p2, k, m, mass, 1.0, 0.0, 0.0)
    axial, neutrino = _legs(weak, p1, p2, k, m, mass, 0.0, 1.0, 1.0)
    q = p - k
    meson_v = -(2 * p - k)[:, None, None] * dirac.slash(q) @ (_ONE - _G5) / (mass**2 - 2 * dirac.dot(p, k))
    return jnp.stack([vector, axial, neutrino, meson_v, dirac.GAMMA @ (_ONE - _G5)])


def gamma_matrix(p, p1, p2, k, m, mass, c):
    """Γ^μ for couplings c = `charges`, shape (4, 4, 4)."""
    return jnp.einsum("i,imab->mab", jnp.stack(c), basis(p, p1, p2, k, m, mass))


def squared_matrix(p, p1, p2, k, m, mass):
    """Q_ij = Re Σ_{spins, polarisations} [ū Γ_i^μ v ε*_μ][ū Γ_j^ν v ε*_ν]*, (5, 5) symmetric, in units
    of (G_F V f_P/√2)²: Σ|M|² = c·Q·c for real couplings c (`COUPLINGS`)."""
    t = dirac.line_tensors(basis(p, p1, p2, k, m, mass), p1, m, p2, 0.0)
    return jnp.real(jnp.einsum("mn,ijmn->ij", dirac.polarisation_sum(k, mass), t))


def momenta(m_p, m, mass, e_z, e_mu):
    """Four-momenta (p, p_μ, p_ν, k) in the P rest frame for Z_D and muon energies (GeV)."""
    k_abs, p_abs = sqrt_safe(e_z**2 - mass**2), sqrt_safe(e_mu**2 - m**2)
    cos = (m_p**2 + m**2 + mass**2 - 2 * m_p * (e_mu + e_z) + 2 * e_mu * e_z) / (2 * p_abs * k_abs)
    cos = jnp.clip(cos, -1.0, 1.0)
    zero = jnp.zeros_like(e_z)
    p = jnp.stack([zero + m_p, zero, zero, zero])
    k = jnp.stack([e_z, zero, zero, k_abs])
    p1 = jnp.stack([e_mu, p_abs * sqrt_safe(1 - cos**2), zero, p_abs * cos])
    return p, p1, p - p1 - k, k


def muon_range(m_p, m, mass, e_z):
    """(E_μ min, E_μ max) on the Dalitz boundary at Z_D energy e_z (massless neutrino)."""
    s12 = m_p**2 - 2 * m_p * e_z + mass**2  # (p_μ + p_ν)²
    root = jnp.sqrt(s12)
    e_star, p_star = (s12 + m**2) / (2 * root), (s12 - m**2) / (2 * root)
    gamma, beta_gamma = (m_p - e_z) / root, sqrt_safe(e_z**2 - mass**2) / root
    return gamma * e_star - beta_gamma * p_star, gamma * e_star + beta_gamma * p_star


def _muon_nodes(m_p, m, lo, hi, n):
    """Gauss–Legendre nodes and weights in E_μ ∈ [lo, hi] uniform in ln s₂₃, s₂₃ = (p_ν + k)² =
    m_P² + m_μ² − 2m_P E_μ: the neutrino leg's 1/s₂₃ collinear peak sits at the upper end of E_μ."""
    s_lo, s_hi = m_p**2 + m**2 - 2 * m_p * hi, m_p**2 + m**2 - 2 * m_p * lo
    t, weight = bin_nodes(jnp.log(s_lo), jnp.log(s_hi), n)
    s23 = jnp.exp(t)
    return (m_p**2 + m**2 - s23) / (2 * m_p), weight * s23 / (2 * m_p)


def _dalitz(m_p, m, mass, t_mu, n, msq):
    """∫∫ dE_Z dE_μ msq(E_Z, E_μ) over the Dalitz plot of P → μ⁺ν V (P at rest, massless ν) with the
    muon's kinetic energy in `t_mu`; msq may return an array. Gauss–Legendre on n = (Z_D, muon) nodes,
    in w with E_Z = M cosh w (the soft dE_Z/E_Z region and the √(E_Z − M) edge) and in ln (p_ν + k)²."""
    e_max = (m_p**2 + mass**2 - m**2) / (2 * m_p)
    w, w_weight = bin_nodes(0.0, jnp.arccosh(e_max / mass), n[0])
    e_z = mass * jnp.cosh(w)
    lo, hi = muon_range(m_p, m, mass, e_z)
    lo, hi = jnp.maximum(lo, m + t_mu[0]), jnp.minimum(hi, m + t_mu[1])
    e_mu, mu_weight = _muon_nodes(m_p, m, lo, jnp.maximum(hi, lo), n[1])
    values = jax.vmap(jax.vmap(msq))(jnp.broadcast_to(e_z[:, None], e_mu.shape), e_mu)
    return jnp.einsum("z,zm,zm...->...", w_weight * mass * jnp.sinh(w), mu_weight, values)


def rate_matrix(meson, mass, t_mu=(0.0, math.inf), m_mu=sm_inputs.DEFAULT.m_mu, n=(64, 32)):
    """The (5, 5) matrix Q of R = Γ(P⁺ → μ⁺ν Z_D)/Γ(P⁺ → μ⁺ν) = c·Q·c (c = `charges`), with the
    muon's kinetic energy in `t_mu` (GeV), by `_dalitz`; 0 where the channel is closed (M ≥ m_P − m_μ)."""
    m_p = MESONS[meson][0]
    is_open = mass < m_p - m_mu
    mass = jnp.where(is_open, mass, 0.5 * (m_p - m_mu))
    integral = _dalitz(m_p, m_mu, mass, t_mu, n, lambda ez, em: squared_matrix(*momenta(m_p, m_mu, mass, ez, em), m_mu, mass))
    ratio = m_p**2 * integral / (16 * math.pi**2 * m_mu**2 * (m_p**2 - m_mu**2) ** 2)
    return jnp.where(is_open, ratio, 0.0)


def rate_ratio(meson, z: vector_boson.LightVector, treatment="full", t_mu=(0.0, math.inf), m_mu=sm_inputs.DEFAULT.m_mu, n=(64, 32)):
    """R = Γ(P⁺ → μ⁺ν Z_D)/Γ(P⁺ → μ⁺ν) with the muon's kinetic energy in `t_mu` (GeV), by direct
    integration (`rate_matrix`); `tabulated_rate_ratio` is the fast one for fits."""
    _check(treatment)
    c = jnp.stack(charges(meson, z, treatment))
    return c @ rate_matrix(meson, z.mass, t_mu, m_mu, n) @ c


def differential_ratio(meson, z: vector_boson.LightVector, e_z, e_mu, treatment="full", m_mu=sm_inputs.DEFAULT.m_mu):
    """d²R/(dE_Z dE_μ) in GeV⁻² at one Dalitz point (P rest frame)."""
    _check(treatment)
    m_p = MESONS[meson][0]
    c = jnp.stack(charges(meson, z, treatment))
    msq = c @ squared_matrix(*momenta(m_p, m_mu, z.mass, e_z, e_mu), m_mu, z.mass) @ c
    return m_p**2 * msq / (16 * math.pi**2 * m_mu**2 * (m_p**2 - m_mu**2) ** 2)


def w_rate_ratio(mass, g_v, g_a=0.0, m_w=M_W, m_mu=sm_inputs.DEFAULT.m_mu, n=(64, 32)):
    """Γ(W⁺ → μ⁺ν Z_D)/Γ(W⁺ → μ⁺ν) for a Z_D (mass GeV) with ℒ ⊃ Z_D μ̄γ^μ(g_v − g_a γ⁵)μ and no
    coupling to the W or the neutrino (Case B's and C's g_D^μ): the muon leg is then the whole
    amplitude, with the full polarisation sum (W polarisations averaged), and its longitudinal mode
    grows as (M_W/M)². The currents the Z_D inherits by mixing are conserved and add O(ε², ε_Z²)
    without that growth; they are left out."""
    weak = jnp.einsum("aij,jk->aik", dirac.GAMMA, _ONE - _G5)  # γ^α(1 − γ⁵): a basis in the W's index α
    w_pol = dirac.polarisation_sum(jnp.array([m_w, 0.0, 0.0, 0.0]), m_w) / 3  # W polarisations averaged

    def msq(ez, em):
        p, p1, p2, k = momenta(m_w, m_mu, mass, ez, em)
        legs = jax.vmap(lambda wv: _legs(wv, p1, p2, k, m_mu, mass, g_v, g_a, 0.0)[0])(weak)  # [α, μ, i, j]
        t = dirac.line_tensors(legs, p1, m_mu, p2, 0.0)
        return jnp.real(jnp.einsum("ab,mn,abmn->", w_pol, dirac.polarisation_sum(k, mass), t))

    width3 = _dalitz(m_w, m_mu, mass, (0.0, math.inf), n, msq) / (64 * math.pi**3 * m_w)
    p_abs = (m_w**2 - m_mu**2) / (2 * m_w)
    p1 = jnp.array([m_w - p_abs, 0.0, 0.0, p_abs])
    p2 = jnp.array([p_abs, 0.0, 0.0, -p_abs])
    t2 = dirac.line_tensors(weak[:, None], p1, m_mu, p2, 0.0)[:, :, 0, 0]
    width2 = p_abs * jnp.real(jnp.sum(w_pol * t2)) / (8 * math.pi * m_w**2)
    return width3 / width2


@functools.cache
def _tables():
    with (importlib.resources.files("jaxflav") / "data" / "radiative_tables.npz").open("rb") as f:
        return {k: np.asarray(v) for k, v in np.load(f).items()}


WINDOWS = {"K+": ("all",), "pi+": ("all", "T_mu<1.2MeV", "T_mu>1.2MeV")}


def tabulated_rate_matrix(meson, mass, window="all"):
    """`rate_matrix` interpolated from `jaxflav/data/radiative_tables.npz` (its make script; linear in
    M²Q against x = ln(M/(m_P − m_μ − M)); 1 MeV to the endpoint; 0 above it), for m_μ of
    `jaxflav.inputs.DEFAULT`; `window` one of `WINDOWS[meson]` (π⁺: PIENU's T_μ regions)."""
    if window not in WINDOWS[meson]:
        raise ValueError(f"unknown window {window!r} for {meson}; known: {', '.join(WINDOWS[meson])}")
    t = _tables()
    m_max = MESONS[meson][0] - float(t["m_mu"])
    names = WINDOWS[meson][1:] if window == "all" and meson == "pi+" else (window,)
    table = sum(t[f"{meson} {name}"] for name in names)
    is_open = mass < m_max
    m = jnp.where(is_open, mass, 0.5 * m_max)
    x = jnp.log(m / (m_max - m))
    q = jax.vmap(lambda col: jnp.interp(x, t[f"{meson} x"], col), in_axes=1, out_axes=-1)(table.reshape(len(table), -1))
    return jnp.where(is_open, q.reshape(5, 5) / m**2, 0.0)


def tabulated_rate_ratio(meson, z: vector_boson.LightVector, treatment="full", window="all"):
    """`rate_ratio` from the tables (`tabulated_rate_matrix`): what fits use."""
    _check(treatment)
    c = jnp.stack(charges(meson, z, treatment))
    return c @ tabulated_rate_matrix(meson, z.mass, window) @ c


def tabulated_w_rate_ratio(mass, g_v):
    """`w_rate_ratio` for a vector coupling g_v, from the tables (linear in M² R/g² against ln M)."""
    t = _tables()
    return g_v**2 * jnp.interp(jnp.log(mass), t["W ln M"], t["W"]) / mass**2
