"""B → K ℓ⁺ℓ⁻ (B⁺→K⁺, B⁰→K⁰): helicity amplitudes and the CP-averaged rate.

Conventions as flavio 2.7.1 (Gratrex, Hopfer, Zwicky, arXiv:1506.03970 App. B for the
amplitudes, N = (4G_F/√2) ξ_t α_e/(4π)). For equal lepton masses m and no scalar or tensor
operators, with P_f = √λ_B β/(2⁹π³m_B³), β² = 1 − 4m²/q²:
    dΓ/dq² = 2 P_f [ (4/3)(q² + 2m²)|h_V|² + (4/3) q²β² |h_A|² + 2q² |h_P|² ],
    h_V = N √λ_B/(2√q²) [2m_b/(m_B+m_K) (C7+C7′) f_T + (C9+C9′) f_+],
    h_A = N √λ_B/(2√q²) (C10+C10′) f_+,   h_P = N (m_B² − m_K²)/2 · 2m/q² · (C10+C10′) f_0.
Units: GeV; rates ×τ_B give dBR/dq² in GeV⁻².
"""

from typing import NamedTuple

import jax.numpy as jnp

from jaxflav import formfactors, inputs as sm_inputs
from jaxflav.observables.b_to_vll import effective_coefficients
from kernels.safe_math import kallen, sqrt_safe


class Process(NamedTuple):
    B: str
    P: str
    tau: str


PROCESSES = {"B+->K": Process("m_Bp", "m_Kp", "tau_Bp"), "B0->K": Process("m_B0", "m_K0", "tau_B0")}
QUANTITIES = ("dBR/dq2",)


def q2_max(process: str, inputs=sm_inputs.DEFAULT) -> float:
    """Kinematic endpoint (m_B − m_K)² in GeV²."""
    p = PROCESSES[process]
    return (getattr(inputs, p.B) - getattr(inputs, p.P)) ** 2


def rate(q2, x, process, m_l, inputs=sm_inputs.DEFAULT, cp_conjugate=False):
    """dΓ/dq² (GeV⁻¹) of the decay (or its CP conjugate) for the form vector x."""
    p = PROCESSES[process]
    m_B, m_P = getattr(inputs, p.B), getattr(inputs, p.P)
    xi_t = sm_inputs.xi(inputs, "t", "bs")
    norm = 4 * inputs.GF / jnp.sqrt(2) * (jnp.conj(xi_t) if cp_conjugate else xi_t) * inputs.alpha_e / (4 * jnp.pi)
    c7, c7p, c9, c9p, c10, c10p = effective_coefficients(q2, x, inputs, cp_conjugate)
    ff = formfactors.b_to_p(q2, "B->K")
    sl = jnp.sqrt(kallen(m_B**2, m_P**2, q2))
    h_v = norm * sl / (2 * jnp.sqrt(q2)) * (2 * inputs.m_b / (m_B + m_P) * (c7 + c7p) * ff["fT"] + (c9 + c9p) * ff["f+"])
    h_a = norm * sl / (2 * jnp.sqrt(q2)) * (c10 + c10p) * ff["f+"]
    h_p = norm * (m_B**2 - m_P**2) / 2 * ff["f0"] * 2 * m_l / q2 * (c10 + c10p)
    beta2 = 1 - 4 * m_l**2 / q2
    pf = sl * sqrt_safe(beta2) / (2**9 * jnp.pi**3 * m_B**3)
    abs2 = lambda z: jnp.real(z * jnp.conj(z))  # noqa: E731
    return 2 * pf * (4 / 3 * (q2 + 2 * m_l**2) * abs2(h_v) + 4 / 3 * q2 * beta2 * abs2(h_a) + 2 * q2 * abs2(h_p))


def observables(q2, x, process, m_l, inputs=sm_inputs.DEFAULT):
    """{"dBR/dq2": τ_B (Γ + Γ̄)/2} at q², a quadratic function of x."""
    tau = getattr(inputs, PROCESSES[process].tau) / sm_inputs.HBAR
    return {"dBR/dq2": tau * (rate(q2, x, process, m_l, inputs) + rate(q2, x, process, m_l, inputs, cp_conjugate=True)) / 2}
