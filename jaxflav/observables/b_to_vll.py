"""B → V ℓ⁺ℓ⁻ (V = K*⁰, K*⁺, φ): helicity amplitudes, angular coefficients and rates.

Conventions are flavio 2.7.1's, so the two agree term by term: helicity amplitudes H_λ^{V,A}
(λ = 0, +, −) and the timelike H_P of Gratrex, Hopfer, Zwicky, arXiv:1506.03970, App. B, with
the normalisation N = (4G_F/√2) ξ_t α_e/(4π); angular coefficients J_i of the CP-averaged
distribution in the convention of arXiv:1506.03970 (C.8), LHCb sign conventions for the
"experiment" observables (AFB, S_i). Units: GeV, q² in GeV²; rates in GeV⁻¹ per GeV² (×τ_B gives
dBR/dq²).

For equal lepton masses m and no scalar or tensor operators the coefficients reduce to
(β² = 1 − 4m²/q², common factor P_f = √λ_B β / (2⁹ π³ m_B³)):
    dΓ/dq² = P_f [ (8/3)(q² + 2m²) Σ_λ|H_λ^V|² + (8/3) q²β² Σ_λ|H_λ^A|² + 4q² |H_P|² ]
    J_2s = P_f (2/3) q²β² (Σ_± |H_±^V|² + |H_±^A|²),   J_2c = −P_f (8/3) q²β² (|H_0^V|² + |H_0^A|²)
    J_6s = −P_f 4 q²β (4/3) Re(H_+^V H_+^A* − H_−^V H_−^A*)
    J_5  = P_f (8/3) q²β Re(H_+^V H_0^A* + H_+^A H_0^V* − H_0^V H_−^A* − H_0^A H_−^V*)
(obtained from the general expressions of arXiv:1506.03970 App. C at m_1 = m_2).
"""

from typing import NamedTuple

import jax.numpy as jnp

from jaxflav import formfactors, inputs as sm_inputs, wilson
from jaxflav.observables import qcdf
from kernels.safe_math import kallen, sqrt_safe


class Process(NamedTuple):
    B: str  # field of Inputs holding the B mass
    V: str  # field holding the vector-meson mass
    tau: str  # field holding the lifetime
    formfactors: str  # process name in jaxflav.formfactors
    qcdf: str  # table name in jaxflav.observables.qcdf
    mixing: bool  # time-integrated B_s rate (ΔΓ_s ≠ 0)


PROCESSES = {
    "B0->K*": Process("m_B0", "m_Kst0", "tau_B0", "B->K*", "B0->K*0", False),
    "B+->K*": Process("m_Bp", "m_Kstp", "tau_Bp", "B->K*", "B+->K*+", False),
    "Bs->phi": Process("m_Bs", "m_phi", "tau_Bs", "Bs->phi", "Bs->phi", True),
}

AMPLITUDES = ("0V", "+V", "-V", "0A", "+A", "-A", "P")


def q2_max(process: str, inputs=sm_inputs.DEFAULT) -> float:
    """Kinematic endpoint (m_B − m_V)² in GeV²."""
    p = PROCESSES[process]
    return (getattr(inputs, p.B) - getattr(inputs, p.V)) ** 2


def effective_coefficients(q2, x, inputs, cp_conjugate):
    """(C7, C7', C9, C9', C10, C10') at q²: SM effective values times x₀ plus the shifts of x.

    The CP-conjugate amplitude takes the CP-conjugate SM part and x* (weak phases flip).
    """
    x = jnp.conj(x) if cp_conjugate else x
    sm = wilson.sm_coefficients(inputs)
    c7 = wilson.c7_eff(q2, inputs, cp_conjugate=cp_conjugate)
    c9 = wilson.c9_eff(q2, inputs, cp_conjugate=cp_conjugate)
    return (c7 * x[0] + x[1], sm.C7p * x[0] + x[2], c9 * x[0] + x[3], x[4], sm.C10 * x[0] + x[5], x[6])


def helicity_amplitudes(q2, c, ff, m_B, m_V, m_b, m_l, norm):
    """H_0^V, H_+^V, H_−^V, H_0^A, H_+^A, H_−^A, H_P (arXiv:1506.03970 App. B, flavio's phases).

    `c` = (C7, C7', C9, C9', C10, C10'), `ff` the B→V form factors at q², `m_b` = m_b(μ_b) MS-bar.
    """
    c7, c7p, c9, c9p, c10, c10p = c
    sq = jnp.sqrt(q2)
    sl = jnp.sqrt(kallen(m_B**2, m_V**2, q2))
    mp = m_B + m_V
    h0v = 4j * m_B * m_V / (sq * mp) * ((c9 - c9p) * mp * ff["A12"] + m_b * (c7 - c7p) * ff["T23"])
    h0a = 4j * m_B * m_V / sq * (c10 - c10p) * ff["A12"]

    def transverse(sign, cv, cvp, c7_, c7p_):
        vector = 1j / (2 * mp) * (sign * (cv + cvp) * sl * ff["V"] - mp**2 * (cv - cvp) * ff["A1"])
        dipole = 1j * m_b / q2 * (sign * (c7_ + c7p_) * sl * ff["T1"] - (c7_ - c7p_) * (m_B**2 - m_V**2) * ff["T2"])
        return vector + dipole

    hpv, hmv = transverse(1, c9, c9p, c7, c7p), transverse(-1, c9, c9p, c7, c7p)
    hpa, hma = transverse(1, c10, c10p, 0, 0), transverse(-1, c10, c10p, 0, 0)
    hp = 1j * sl / 2 * (2 * m_l / q2) * (c10 - c10p) * ff["A0"]
    return norm * jnp.stack([h0v, hpv, hmv, h0a, hpa, hma, hp])


def _abs2(z):
    return jnp.real(z * jnp.conj(z))


def _weights(q2, m_B, m_V, m_l):
    """P_f and the |H|² weights of dΓ/dq² (see the module docstring)."""
    beta2 = 1 - 4 * m_l**2 / q2
    beta = sqrt_safe(beta2)
    pf = jnp.sqrt(kallen(m_B**2, m_V**2, q2)) * beta / (2**9 * jnp.pi**3 * m_B**3)
    k_v = 8 / 3 * (q2 + 2 * m_l**2)
    k_a = 8 / 3 * q2 * beta2
    return pf, beta, beta2, jnp.array([k_v, k_v, k_v, k_a, k_a, k_a, 4 * q2])


def angular(H, q2, m_B, m_V, m_l):
    """dΓ/dq², J_2s, J_2c, J_5 and the LHCb-convention AFB numerator −(3/4)J_6s for amplitudes H."""
    pf, beta, beta2, k = _weights(q2, m_B, m_V, m_l)
    h0v, hpv, hmv, h0a, hpa, hma, _ = H
    rate = jnp.sum(k * _abs2(H))
    j2s = 2 / 3 * q2 * beta2 * (_abs2(hpv) + _abs2(hmv) + _abs2(hpa) + _abs2(hma))
    j2c = -8 / 3 * q2 * beta2 * (_abs2(h0v) + _abs2(h0a))
    j6s = -16 / 3 * q2 * beta * jnp.real(hpv * jnp.conj(hpa) - hmv * jnp.conj(hma))
    j5 = 8 / 3 * q2 * beta * jnp.real(hpv * jnp.conj(h0a) + hpa * jnp.conj(h0v) - h0v * jnp.conj(hma) - h0a * jnp.conj(hmv))
    return {"rate": pf * rate, "J2s": pf * j2s, "J2c": pf * j2c, "J5": pf * j5, "AFB": -0.75 * pf * j6s}


def amplitudes(q2, x, process, lepton_mass, inputs, cp_conjugate=False):
    """The seven helicity amplitudes of `process` at q² for the form vector x (QCDF corrections included)."""
    p = PROCESSES[process]
    m_B, m_V = getattr(inputs, p.B), getattr(inputs, p.V)
    xi_t = sm_inputs.xi(inputs, "t", "bs")
    xi_t = jnp.conj(xi_t) if cp_conjugate else xi_t
    norm = 4 * inputs.GF / jnp.sqrt(2) * xi_t * inputs.alpha_e / (4 * jnp.pi)
    ff = formfactors.b_to_v(q2, p.formfactors)
    c = effective_coefficients(q2, x, inputs, cp_conjugate)
    H = helicity_amplitudes(q2, c, ff, m_B, m_V, inputs.m_b, lepton_mass, norm)
    spectator = qcdf.vector_amplitudes(q2, p.qcdf, cp_conjugate)  # (H_0^V, H_+^V, H_-^V)
    return H.at[:3].add(x[0] * spectator)


def observables(q2, x, process, lepton_mass, inputs=sm_inputs.DEFAULT):
    """CP-averaged rate-like quantities at q², each a quadratic function of x, in BR units (×τ_B).

    Keys: "dBR/dq2", and the numerators "FL", "AFB", "S5" and the P'-denominators "J2s", "J2c"
    of flavio's CP-averaged angular observables (each as J + J̄, times τ_B). For B_s → φ the
    rate is time-integrated with y_s = ΔΓ_s/2Γ_s (Descotes-Genon, Virto, arXiv:1502.05509 Eqs. 42, 48).
    """
    p = PROCESSES[process]
    m_B, m_V = getattr(inputs, p.B), getattr(inputs, p.V)
    tau = getattr(inputs, p.tau) / sm_inputs.HBAR
    H = amplitudes(q2, x, process, lepton_mass, inputs)
    Hbar = amplitudes(q2, x, process, lepton_mass, inputs, cp_conjugate=True)
    a, abar = angular(H, q2, m_B, m_V, lepton_mass), angular(Hbar, q2, m_B, m_V, lepton_mass)
    out = {
        "dBR/dq2": tau * (a["rate"] + abar["rate"]) / 2,
        "FL": -tau * (a["J2c"] + abar["J2c"]),
        "AFB": tau * (a["AFB"] + abar["AFB"]),
        "S5": tau * (a["J5"] + abar["J5"]),
        "J2s": tau * (a["J2s"] + abar["J2s"]),
        "J2c": tau * (a["J2c"] + abar["J2c"]),
        "SA_den": tau * (a["rate"] + abar["rate"]),
    }
    if p.mixing:
        out["dBR/dq2"] = _time_integrated(out["dBR/dq2"], H, Hbar, q2, m_B, m_V, lepton_mass, tau, inputs)
    return out


def _time_integrated(rate_ave, H, Hbar, q2, m_B, m_V, m_l, tau, inputs):
    """Time-integrated B_s rate: [⟨Γ⟩ − y_s Γ_h/2]/(1 − y_s²), Γ_h the mixing interference term.

    Γ_h has |H_λ|² replaced by 2 Re(e^{iφ} H̃_λ H_λ*), H̃ the CP-conjugate amplitudes with λ = ± swapped
    and e^{iφ} = −q/p = ξ_t*/ξ_t in the SM (arXiv:1502.05509 Eqs. 37–48).
    """
    pf, _, _, k = _weights(q2, m_B, m_V, m_l)
    xi_t = sm_inputs.xi(inputs, "t", "bs")
    phase = jnp.conj(xi_t) / xi_t
    tilde = Hbar[jnp.array([0, 2, 1, 3, 5, 4, 6])]
    rate_h = tau * pf * jnp.sum(k * 2 * jnp.real(phase * tilde * jnp.conj(H)))
    y = inputs.y_s
    return (rate_ave - y * rate_h / 2) / (1 - y**2)


QUANTITIES = ("dBR/dq2", "FL", "AFB", "S5", "J2s", "J2c", "SA_den")


def quantity(name):
    """A function (q², x, process, lepton_mass, inputs) → the single quadratic quantity `name`."""
    if name not in QUANTITIES:
        raise ValueError(f"unknown B→Vℓℓ quantity {name!r}; known: {', '.join(QUANTITIES)}")
    return lambda q2, x, process, m_l, inputs: observables(q2, x, process, m_l, inputs)[name]


def kinematic_range(process, lepton_mass, inputs=sm_inputs.DEFAULT):
    """(4m_ℓ², (m_B − m_V)²) in GeV²."""
    return 4 * lepton_mass**2, q2_max(process, inputs)


