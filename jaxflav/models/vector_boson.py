"""A light vector boson's decays to fermion pairs, for any vector and axial couplings.

With the interaction ℒ ⊃ f̄ γ^μ (g_V − g_A γ⁵) f V_μ, the tree-level width is
    Γ(V → f f̄) = N_c M/(12π) β [g_V² (1 + 2m_f²/M²) + g_A² β²],   β = √(1 − 4m_f²/M²),
(e.g. PDG review "Electroweak model and constraints on new physics", Eq. 10.74 for the Z; for a
dark photon, g_V = eεQ_f gives α ε² Q_f² M/3 · β(1 + 2m_f²/M²)). A left-handed neutrino with
ℒ ⊃ g_L ν̄ γ^μ P_L ν V_μ has g_V = g_A = g_L/2. Units: GeV. Shared by the dark-photon / dark-Z
and Z′ models (issues 5, 6); hadronic widths through the R ratio are added by those models.
"""

import functools
import math
from typing import NamedTuple

import jax
import jax.numpy as jnp

from kernels.safe_math import sqrt_safe
from kernels.validate import check_nonnegative, check_positive


def partial_width(mass, m_f, g_v, g_a, n_c=1):
    """Γ(V → f f̄) in GeV for a vector of mass `mass` (GeV), fermion mass `m_f` (GeV) and
    couplings g_V, g_A (real); 0 below threshold, with a finite (zero) gradient there."""
    check_positive(mass=mass)
    check_nonnegative(m_f=m_f)
    r = (m_f / mass) ** 2
    beta2 = 1 - 4 * r
    beta = sqrt_safe(beta2)
    width = n_c * mass / (12 * jnp.pi) * beta * (g_v**2 * (1 + 2 * r) + g_a**2 * beta2)
    return jnp.where(beta2 > 0, width, 0.0)


def neutrino_width(mass, g_l):
    """Γ(V → ν ν̄) in GeV for one left-handed neutrino flavour with coupling g_L: g_L² M/(24π)."""
    return partial_width(mass, 0.0, g_l / 2, g_l / 2)


M_TAU = 1.77686  # GeV, PDG 2022
M_W = 80.377  # GeV, PDG 2022
CHANNELS = ("ee", "mumu", "tautau", "nunu", "hadrons", "invisible")


class LightVector(NamedTuple):
    """A light neutral vector boson: mass (GeV), couplings and an extra invisible width (GeV).

    ℒ ⊃ V_μ [Σ_f f̄ γ^μ (v_f − a_f γ⁵) f + Σ_ν g_ν ν̄ γ^μ P_L ν] with f = (e, μ, τ) in `lepton_v`,
    `lepton_a`, the light quarks (u, d, s) in `quark_v`, `quark_a`, and (ν_e, ν_μ, ν_τ) in
    `neutrino`. Shared by the dark-photon / dark-Z model and the Z′ models.
    """

    mass: jax.Array
    lepton_v: jax.Array
    lepton_a: jax.Array
    neutrino: jax.Array
    quark_v: jax.Array
    quark_a: jax.Array
    invisible: jax.Array


def widths(boson: LightVector, m_e, m_mu):
    """Partial widths (GeV) by channel (`CHANNELS`): leptons and neutrinos at tree level
    (`partial_width`), hadrons through the R ratio (`jaxflav.models.hadrons`, valid to ~2.5 GeV)."""
    from jaxflav.models import hadrons

    m = boson.mass
    masses = (m_e, m_mu, M_TAU)
    lep = [partial_width(m, mf, boson.lepton_v[i], boson.lepton_a[i]) for i, mf in enumerate(masses)]
    e = math.sqrt(4 * math.pi * hadrons.ALPHA)
    had = hadrons.width(m, *(boson.quark_v / e), *(boson.quark_a / e))
    nu = sum(neutrino_width(m, boson.neutrino[i]) for i in range(3))
    return dict(zip(CHANNELS, (*lep, nu, had, jnp.asarray(boson.invisible, float))))


def total_width(boson: LightVector, m_e, m_mu):
    """Γ_tot in GeV: the sum of `widths`."""
    return sum(widths(boson, m_e, m_mu).values())


def branching_ratios(boson: LightVector, m_e, m_mu):
    """Branching fractions by channel."""
    w = widths(boson, m_e, m_mu)
    total = sum(w.values())
    return {k: v / total for k, v in w.items()}


def b_to_meson_width(process, mass, c9, c7=0.0, inputs=None):
    """Γ(B → M V) in GeV, on shell, for a vector V (mass GeV) coupled to b → s as N(C₉ s̄γ^μP_L b +
    C₇ dipole) at q² = M² (N = `jaxflav.inputs.heff_norm`; per unit lepton coupling), summed over V's
    physical polarisations (−g_μν + q_μq_ν/M²); 0 above the endpoint. `process`: a b→sℓℓ process of
    `jaxflav.observables.b_to_pll.PROCESSES` or `b_to_vll.PROCESSES` (its B, M mass fields).

    Γ = √λ Σ_h |A_h|²/(16π m_B³), λ = λ(m_B², m_M², M²). B → K (only h = 0), with
    ⟨K|s̄γ^μP_L b|B⟩ = ½[f₊ P^μ + (…) q^μ] and the dipole along P^μ with q² f_T/(m_B + m_K):
    Γ = |N F|² λ^{3/2}/(64π m_B³ M²), F = C₉ f₊(M²) + 2m_b C₇ f_T(M²)/(m_B + m_K) (seed 002, Eq. 4.6 has
    this form for K → π Z′); B → K*: A_h = H_h^V of `jaxflav.observables.b_to_vll` (h = 0, ±)."""
    from jaxflav import formfactors
    from jaxflav import inputs as sm_inputs
    from jaxflav.observables import b_to_vll
    from kernels.safe_math import kallen

    inputs = sm_inputs.DEFAULT if inputs is None else inputs
    m_b, m_m = (getattr(inputs, f) for f in process[:2])
    m2 = jnp.asarray(mass, float) ** 2
    is_open = m2 < (m_b - m_m) ** 2  # λ > 0 again above (m_B + m_M)²: close the channel, gradient included
    lam = jnp.where(is_open, kallen(m_b**2, m_m**2, m2), 1.0)
    norm = sm_inputs.heff_norm(inputs)
    if hasattr(process, "formfactors"):  # b_to_vll.Process: a vector meson
        ff = formfactors.b_to_v(m2, process.formfactors)
        c = (c7, 0.0, c9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        h = b_to_vll.helicity_amplitudes(m2, c, ff, m_b, m_m, inputs.m_b, 0.0, norm)[:3]
        width = jnp.sqrt(lam) * jnp.sum(jnp.abs(h) ** 2) / (16 * math.pi * m_b**3)
    else:
        ff = formfactors.b_to_p(m2, "B->K")
        f = c9 * ff["f+"] + 2 * inputs.m_b * c7 * ff["fT"] / (m_b + m_m)
        width = jnp.abs(norm * f) ** 2 * lam**1.5 / (64 * math.pi * m_b**3 * m2)
    return jnp.where(is_open, width, 0.0)


@functools.cache
def bs_mumu():
    """(Predictions of BR(B_s → μμ), its SM value) for the light-vector models' Resonances: built once,
    eagerly even when first asked for inside a trace (`jaxflav.predictions` computes constants on
    import and construction)."""
    with jax.ensure_compile_time_eval():
        from jaxflav.predictions import Predictions

        predict = Predictions([("BR(Bs->mumu)",)])
        return predict, float(predict(None)[0])
