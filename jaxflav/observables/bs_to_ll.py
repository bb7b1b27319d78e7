"""B_s → ℓ⁺ℓ⁻ and B⁰ → ℓ⁺ℓ⁻: the time-integrated branching ratios.

BR = τ_Bs |N|² m_Bs³ f_Bs² β/(32π) · (|P|² + |S|² + y_s Re(P² − S²))/(1 − y_s²) with
P = (2m_ℓ/m_Bs)(C10 − C10′) + m_Bs m_b/(m_b + m_s) (CP − CP′), S = β m_Bs m_b/(m_b + m_s) (CS − CS′),
N = (4G_F/√2) ξ_t α_e/(4π), β = √(1 − 4m_ℓ²/m_Bs²): De Bruyn et al., arXiv:1204.1737 Eqs. (6), (17),
(21), in flavio 2.7.1's conventions (A_ΔΓ = Re(P² − S²)/(|P|² + |S|²); m_b, m_s at μ_b). Units: GeV.
B⁰ → ℓℓ is the same formula with the B⁰'s mass, lifetime, f_B0 and ξ_t of b → d, y_d = 0 (as flavio:
ΔΓ_d/Γ_d ≈ −0.002 would move it by 0.1 %), in the SM: the b → d operators are not in jaxflav's
coefficient vector (whose b → s shifts leave it unchanged).
"""

import jax.numpy as jnp

from jaxflav import inputs as sm_inputs
from jaxflav import wilson


def branching_ratio(x, m_l, inputs=sm_inputs.DEFAULT):
    """Time-integrated BR(B_s → ℓℓ) for the form vector x = (1, C7, …, CPp) of `jaxflav.wcxf`."""
    m_B = inputs.m_Bs
    tau = inputs.tau_Bs / sm_inputs.HBAR
    norm = sm_inputs.heff_norm(inputs, "bs")
    c10 = wilson.sm_coefficients(inputs).C10 * x[0] + x[5]
    beta = jnp.sqrt(1 - 4 * m_l**2 / m_B**2)
    scalar = m_B * inputs.m_b / (inputs.m_b + inputs.m_s)
    p = 2 * m_l / m_B * (c10 - x[6]) + scalar * (x[9] - x[10])
    s = beta * scalar * (x[7] - x[8])
    prefactor = jnp.real(norm * jnp.conj(norm)) * m_B**3 * tau * beta * inputs.f_Bs**2 / (32 * jnp.pi)
    y = inputs.y_s
    abs2 = lambda z: jnp.real(z * jnp.conj(z))  # noqa: E731
    return prefactor * (abs2(p) + abs2(s) + y * jnp.real(p * p - s * s)) / (1 - y**2)


def b0_branching_ratio(x, m_l, inputs=sm_inputs.DEFAULT):
    """Time-integrated BR(B⁰ → ℓℓ) in the SM, times |x₀|² (x the b → s form vector, whose
    new-physics entries do not enter)."""
    m_B = inputs.m_B0
    tau = inputs.tau_B0 / sm_inputs.HBAR
    norm = sm_inputs.heff_norm(inputs, "bd")
    p = 2 * m_l / m_B * wilson.sm_coefficients(inputs).C10 * x[0]
    beta = jnp.sqrt(1 - 4 * m_l**2 / m_B**2)
    prefactor = jnp.real(norm * jnp.conj(norm)) * m_B**3 * tau * beta * inputs.f_B0**2 / (32 * jnp.pi)
    return prefactor * jnp.real(p * jnp.conj(p))
