"""B_s → ℓ⁺ℓ⁻: the time-integrated branching ratio.

BR = τ_Bs |N|² m_Bs³ f_Bs² β/(32π) · (|P|² + y_s Re P²)/(1 − y_s²), with P = (2m_ℓ/m_Bs)(C10 − C10′),
N = (4G_F/√2) ξ_t α_e/(4π), β = √(1 − 4m_ℓ²/m_Bs²): De Bruyn et al., arXiv:1204.1737 Eqs. (6), (17),
(21), in flavio 2.7.1's conventions (scalar operators absent, A_ΔΓ = Re P²/|P|²). Units: GeV.
"""

import jax.numpy as jnp

from jaxflav import inputs as sm_inputs
from jaxflav import wilson


def branching_ratio(x, m_l, inputs=sm_inputs.DEFAULT):
    """Time-integrated BR(B_s → ℓℓ) for the form vector x = (1, C7, C7p, C9, C9p, C10, C10p)."""
    m_B = inputs.m_Bs
    tau = inputs.tau_Bs / sm_inputs.HBAR
    norm = 4 * inputs.GF / jnp.sqrt(2) * sm_inputs.xi(inputs, "t", "bs") * inputs.alpha_e / (4 * jnp.pi)
    c10 = wilson.sm_coefficients(inputs).C10 * x[0] + x[5]
    p = 2 * m_l / m_B * (c10 - x[6])
    beta = jnp.sqrt(1 - 4 * m_l**2 / m_B**2)
    prefactor = jnp.real(norm * jnp.conj(norm)) * m_B**3 * tau * beta * inputs.f_Bs**2 / (32 * jnp.pi)
    y = inputs.y_s
    return prefactor * (jnp.real(p * jnp.conj(p)) + y * jnp.real(p * p)) / (1 - y**2)
