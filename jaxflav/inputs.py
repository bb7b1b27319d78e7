"""Standard-Model inputs for B decays: masses, lifetimes, couplings and the CKM matrix.

Units: GeV for masses and couplings, seconds for lifetimes (converted with `HBAR`).

`Inputs` is a pytree (NamedTuple), so any field can be varied, vmapped or differentiated as a
nuisance parameter. `DEFAULT` holds the central values of flavio 2.7.1 (its
`data/parameters_*.yml`, PDG 2022 with HFLAV and FLAG averages), so that jaxflav and flavio can be
compared term by term. The quantities at the b scale μ_b = 4.8 GeV (α_s, α_e, the MS-bar masses
and the pole masses) are flavio 2.7.1's values from its RG running of those inputs: jaxflav is not
a QCD running library, and the b→sℓℓ observables need them at this one scale only.
"""

from typing import NamedTuple

import jax.numpy as jnp

HBAR = 6.582119569509066e-25
"""ħ in GeV·s (CODATA 2018, exact from h and e)."""


class Inputs(NamedTuple):
    """Standard-Model inputs (GeV, seconds). Field names follow flavio's parameter names."""

    GF: float  # Fermi constant, GeV⁻²
    mu_b: float  # renormalisation scale of b→sℓℓ, GeV
    alpha_e: float  # α_e(μ_b), MS-bar
    alpha_s: float  # α_s(μ_b), MS-bar, 5 flavours
    m_b: float  # m_b(μ_b), MS-bar
    m_b_pole: float  # b pole mass (2-loop from m_b(m_b))
    m_c_pole: float  # c pole mass (2-loop from m_c(m_c))
    m_c_dipole: float  # charm mass in the O_8/O_7 NNLO matrix elements ("m_c BVgamma")
    m_s: float  # m_s(μ_b), MS-bar
    m_t: float  # top pole mass
    m_e: float
    m_mu: float
    m_B0: float
    m_Bp: float
    m_Bs: float
    m_Kst0: float
    m_Kstp: float
    m_Kp: float
    m_K0: float
    m_phi: float
    m_rho0: float
    m_rhop: float
    m_pi0: float
    m_pip: float
    tau_B0: float  # s
    tau_Bp: float  # s
    tau_Bs: float  # s
    y_s: float  # ΔΓ_s / (2 Γ_s)
    f_Bs: float  # B_s decay constant
    f_B0: float  # B⁰ decay constant (GeV)
    Vus: float  # CKM "tree" inputs: |V_us|, |V_ub|, |V_cb|, γ (rad)
    Vub: float
    Vcb: float
    gamma: float
    s2w: float  # sin²θ_W(M_Z), MS-bar
    m_Z: float


DEFAULT = Inputs(
    GF=1.1663788e-05,
    mu_b=4.8,
    alpha_e=0.007569084895987922,
    alpha_s=0.21679944756894395,
    m_b=4.094053707418375,  # from m_b(m_b) = 4.195
    m_b_pole=4.797412100434401,
    m_c_pole=1.683648130387999,  # from m_c(m_c) = 1.273
    m_c_dipole=1.5,
    m_s=0.07590734961623889,  # from m_s(2 GeV) = 0.09247
    m_t=172.5,
    m_e=0.00051099895,
    m_mu=0.1056583755,
    m_B0=5.27966,
    m_Bp=5.27934,
    m_Bs=5.36692,
    m_Kst0=0.89555,
    m_Kstp=0.8955,
    m_Kp=0.493677,
    m_K0=0.497611,
    m_phi=1.019461,
    m_rho0=0.77526,  # PDG 2022 ρ(770)⁰; flavio's float (775.26 MeV × 1e-3) is 1 ulp larger
    m_rhop=0.77526,  # flavio 2.7.1 uses the ρ⁰ mass for ρ⁺ too
    m_pi0=0.1349768,  # PDG 2022
    m_pip=0.13957039,  # PDG 2022
    tau_B0=1.5190675212344948e-12,
    tau_Bp=1.638158180564725e-12,
    tau_Bs=1.5201199929582135e-12,
    y_s=0.129 / 2,
    f_Bs=0.2303,
    f_B0=0.192,  # flavio 2.7.1 (FLAG)
    Vus=0.2248,
    Vub=0.00364,
    Vcb=0.04197,
    gamma=1.15,
    s2w=0.23121,
    m_Z=91.1876,
)


def _standard_ckm(s12, s13, s23, delta):
    """CKM matrix in the standard parametrisation (PDG review "CKM quark-mixing matrix", Eq. 12.3)."""
    c12, c13, c23 = jnp.sqrt(1 - s12**2), jnp.sqrt(1 - s13**2), jnp.sqrt(1 - s23**2)
    e = jnp.exp(1j * delta)
    return jnp.array(
        [
            [c12 * c13, s12 * c13, s13 / e],
            [-s12 * c23 - c12 * s23 * s13 * e, c12 * c23 - s12 * s23 * s13 * e, s23 * c13],
            [s12 * s23 - c12 * c23 * s13 * e, -c12 * s23 - s12 * c23 * s13 * e, c23 * c13],
        ]
    )


def ckm(inputs: Inputs = DEFAULT):
    """CKM matrix V[i, j] (i = u, c, t; j = d, s, b) from the tree-level inputs |V_us|, |V_ub|, |V_cb|, γ.

    As flavio's "Tree" parametrisation: s13 = |V_ub|, s12 = V_us / c13, s23 = V_cb / c13, and the
    phase δ that makes γ = arg(−V_ud V_ub* / (V_cd V_cb*)) exact. Solving that relation for δ gives,
    with k = s13 t23 / t12 (t = tan θ),
        δ = atan2((1 − k²) sin γ, cos γ − k √(1 − k² sin²γ))      (δ = γ + O(10⁻³)),
    exact for every γ (tested to 1e-15) and cheap to differentiate.
    """
    s13 = jnp.asarray(inputs.Vub, dtype=float)
    c13 = jnp.sqrt(1 - s13**2)
    s12, s23 = inputs.Vus / c13, inputs.Vcb / c13
    k = s13 * (s23 / jnp.sqrt(1 - s23**2)) / (s12 / jnp.sqrt(1 - s12**2))
    g = inputs.gamma
    delta = jnp.arctan2((1 - k**2) * jnp.sin(g), jnp.cos(g) - k * jnp.sqrt(1 - k**2 * jnp.sin(g) ** 2))
    return _standard_ckm(s12, s13, s23, delta)


def xi(inputs: Inputs = DEFAULT, up: str = "t", pair: str = "bs"):
    """CKM factor ξ_up = V_{up,b} V*_{up,s} for pair "bs" (generally V_{up,i} V*_{up,j} for pair "ij")."""
    u = "uct".index(up)
    i, j = ("dsb".index(q) for q in pair)
    v = ckm(inputs)
    return v[u, i] * jnp.conj(v[u, j])


def heff_norm(inputs: Inputs = DEFAULT, pair: str = "bs"):
    """N = (4G_F/√2) ξ_t α_e/(4π), the prefactor of H_eff = −N Σ C_i O_i (`jaxflav.wcxf`) for the
    quark pair `pair` ("bs"; "bd", "sd"), complex through ξ_t (`xi`)."""
    return 4 * inputs.GF / jnp.sqrt(2) * xi(inputs, "t", pair) * inputs.alpha_e / (4 * jnp.pi)


def width(tau_seconds):
    """Total width Γ = ħ/τ in GeV for a lifetime in seconds."""
    return HBAR / tau_seconds


LEPTON_MASSES = {"e": "m_e", "mu": "m_mu"}


def lepton_mass(lepton: str, inputs: Inputs = DEFAULT):
    """m_ℓ in GeV for lepton "e" or "mu"; ValueError for any other name."""
    if lepton not in LEPTON_MASSES:
        raise ValueError(f"lepton must be one of {', '.join(LEPTON_MASSES)}, got {lepton!r}")
    return getattr(inputs, LEPTON_MASSES[lepton])
