"""Inclusive B → X_s ℓ⁺ℓ⁻ (ℓ = e, μ): dBR/dq² as a Hermitian form in the Wilson coefficients.

What is computed is the differential branching ratio of flavio 2.7.1's default prediction
(`flavio/physics/bdecays/bxll.py`, `bxll_qed.py`), written anew in JAX:

    dBR/dq² = N / Φ_u · Φ_ℓℓ(ŝ),   ŝ = q²/m_b²,   m_b the (two-loop) pole mass,
    N = α_e²/(4π² m_b²) · BR(B→X_c eν)_exp / C · |V_tb V_ts*|² / |V_cb|²       [GeV⁻²],

normalised to the semileptonic rate as in Huber, Lunghi, Misiak, Wyler, hep-ph/0512066 (HLMW),
Sec. 2, with C = |V_ub/V_cb|² Γ(B→X_c eν)/Γ(B→X_u eν), and with

- Φ_u: the b → u eν phase-space factor of Huber, Hurth, Lunghi, arXiv:1503.04849 (HHL) Eq. (4.8),
  1 + α̃_s (50/3 − 8π²/3) + κ (12/23)(1 − α_s(μ)/α_s(M_Z)) + λ₁/(2m_b²) − 9λ₂/(2m_b²), with
  α̃_s = α_s/4π, κ = α_e/α_s, without its O(α̃_s²) term (flavio's choice, stated in its code);
- Φ_ℓℓ = Σ_{unprimed, primed} (1 − ŝ)² β_ℓ [4|C̃₇|²(1 + 2/ŝ)(1 + 2m̂²/ŝ)(1 + α_s/π τ₇₇)
  + 12 Re(C̃₇C̃₉*)(1 + 2m̂²/ŝ)(1 + α_s/π τ₇₉) + (|C̃₉|² + |C̃₁₀|²)(1 + 2ŝ + 2m̂²(1 − ŝ)/ŝ)(1 + α_s/π τ₉₉)
  + 6m̂²(|C̃₉|² − |C̃₁₀|²)], m̂ = m_ℓ/m_b, β_ℓ = √(1 − 4m̂²/ŝ): the NNLO QCD rate in the form
  used by HLMW and HHL, with the "inclusive" coefficients C̃₇ = C₇^eff(1 + α_s/π σ₇) + δC₇(ŝ),
  C̃₉ = C₉(1 + α_s/π σ₉) + Y(ŝ) + δC₉(ŝ), C̃₁₀ = C₁₀(1 + α_s/π σ₉) (primed: no Y, δ), which carry the
  universal bremsstrahlung + virtual corrections σ₇,₉ (Asatrian, Bieri, Greub, Hovhannisyan,
  hep-ph/0109140, hep-ph/0209006), and the non-universal ones τ_ij;
  Y(ŝ): one-loop four-quark matrix elements (e.g. Altmannshofer et al. 0811.1214 Eq. (10)) plus the
  ξ_u/ξ_t term of Beneke, Feldmann, Seidel hep-ph/0412400 Eq. (43);
  δC₇,₉: two-loop O(α_s) matrix elements of O₁,₂ (Greub, Pilipovic, Schüpbach 0810.4077, flavio's
  interpolation of their grid), of O₈ (Asatrian et al. hep-ph/0312063 Eqs. (39), (40)) and the
  ξ_u/ξ_t parts (Seidel hep-ph/0403185 Eqs. (29)–(31));
  Y and δC₇,₉ are `jaxflav.wilson`'s functions (`y_loops`, `delta_c7`, `delta_c9`), evaluated here
  at μ = 5 GeV with α_s(5 GeV) and this module's pole masses;
- the log-enhanced QED corrections of HHL Eq. (4.19), Σ_{ij} Re(C_i e_ij C_j*) with
  e_ij = 8 α̃_s κ σ_ij(ŝ) ω_ij^(em)(ŝ) and the fitted ω^(em) of HHL App. (functions of ln(m_b²/m_ℓ²));
- the 1/m_b² power corrections λ₁ χ₁ + λ₂ χ₂ (Falk, Luke, Savage hep-ph/9308288; Ali, Hiller,
  Handoko, Morozumi hep-ph/9609449), for the longitudinal plus transverse rate.

The coefficient vector is x = (1, C7, …, CPp) of `jaxflav.wcxf` (new-physics shifts
at μ_NP = 4.8 GeV); the Standard-Model values (C₁…C₁₀ at μ = 5 GeV, flavio's table) ride on the
leading 1. Everything above is linear in x inside each |…|² or Re(…·…*), so dBR/dq² = x† M(q²) x
with a Hermitian M that `forms` builds. No CP average is taken (flavio takes none): M is the
B̄ → X_s ℓ⁺ℓ⁻ rate for the coefficients as given.

Running from 4.8 to 5 GeV: C₇, C₇′ get the leading-order QCD factor (α_s(4.8)/α_s(5))^{16/23} =
1.00818 (flavio's full WET running through `wilson` gives 1.00826, with a C₈ admixture of 7e-5);
C₉, C₁₀ do not run under QCD. `wilson`'s O(α_e) mixings over this step (C₉ ↔ C₁₀ at 1.1e-4,
C₉^ℓℓ → C₉^ℓ′ℓ′ at 7e-5, into four-quark operators at 1e-8) are left out: their effect on a rate is
below 1e-4 relative for |C_NP| ≲ 1.

Flavio 2.7.1 details kept on purpose, to reproduce its numbers (sizes for the SM BR, bins
[1, 6] / [14.4, 22] GeV²): (1) the O₁–O₇ QED entry e₁₇ = (4/3)e₂₇ is 0 (flavio sets it from e₂₇
before e₂₇ is filled; it would add +0.07 % / −0.16 % for μ, +0.15 % / −0.45 % for e); (2) the
imaginary part of ω₂₉^(em) is taken equal to its real part (flavio's `wem_29_low/high`; no effect
for real C₉); (3) the 1/m_b² power corrections have no |C₁₀|² entry, though C₁₀ enters the rate like
C₉ (it would add −0.17 % / −16 % for μ, −0.17 % / −18 % for e).

Units: GeV, GeV² for q²; dBR/dq² in GeV⁻². Inputs at μ = 5 GeV are module constants
(`BXllInputs`, `DEFAULT_BXLL`), flavio 2.7.1's values; `tests/data/make_flavio_bxll.py --print`
prints them from flavio, and the tests compare.
"""

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxflav import inputs as _inputs
from jaxflav import wilson
from jaxflav.wcxf import DIM

N_F = 7  # the vector/dipole part of the form vector: (1, C7, C7p, C9, C9p, C10, C10p)
from kernels.dilog import li2_real
from kernels.quadrature import bin_nodes
from kernels.safe_math import sqrt_safe

__all__ = ["BXllInputs", "DEFAULT_BXLL", "MU", "MU_NP", "forms", "dbr_dq2", "binned_br"]

MU = 5.0
"""Renormalisation scale of B→X_sℓℓ, GeV (flavio's config "renormalization scale: bxll").

Fixed: the SM coefficients below belong to it, and the ln(μ/5 GeV) terms of the QED fits of HHL
vanish identically here (so they are not written)."""

MU_NP = 4.8
"""Scale (GeV) at which the new-physics shifts in x are given (jaxflav's b→sℓℓ convention)."""



class BXllInputs(NamedTuple):
    """Inputs of B→X_sℓℓ at μ = 5 GeV (GeV; flavio 2.7.1 central values and RG running).

    A pytree: fields may be traced or differentiated. The lepton masses and CKM come from
    `jaxflav.inputs`.
    """

    alpha_s: float  # α_s(5 GeV), MS-bar, 5 flavours
    alpha_e: float  # α_e(5 GeV), MS-bar
    alpha_s_mz: float  # α_s(M_Z) (enters Φ_u through η = α_s(M_Z)/α_s(μ))
    alpha_s_np: float  # α_s(4.8 GeV), for the NP running 4.8 → 5 GeV
    m_b_pole: float  # b pole mass, 2-loop from m_b(m_b) = 4.195
    m_c_pole: float  # c pole mass, 2-loop from m_c(m_c) = 1.273 (in Y and in δC₉)
    m_c_dipole: float  # charm mass in δC₇ ("m_c BVgamma")
    m_s_over_m_b: float  # m_s(5)/m_b(5), MS-bar: the SM C₇′ = (m_s/m_b) C₇
    m_t: float  # top pole mass (C₁₀^SM ∝ (m_t/173.1)^1.53, Bobeth et al. 1311.0903 Eq. (4))
    lambda_1: float  # HQET λ₁, GeV²
    lambda_2: float  # HQET λ₂, GeV²
    br_xcenu: float  # BR(B → X_c eν), experiment
    c_bxlnu: float  # C = |V_ub/V_cb|² Γ(B→X_c eν)/Γ(B→X_u eν)
    wc_sm: tuple  # C₁…C₆, C₇^eff, C₈^eff, C₉, C₁₀ at 5 GeV (C₉,₁₀ with the α/4π normalisation)


DEFAULT_BXLL = BXllInputs(
    alpha_s=0.21426936024253168,  # flavio running.get_alpha(par, 5)
    alpha_e=0.007572394975790658,  # idem
    alpha_s_mz=0.1184,  # flavio parameter alpha_s
    alpha_s_np=0.21679944756894395,  # = jaxflav.inputs.DEFAULT.alpha_s, α_s(4.8)
    m_b_pole=4.797412100434401,  # flavio running.get_mb_pole
    m_c_pole=1.683648130387999,  # flavio running.get_mc_pole
    m_c_dipole=1.5,  # flavio parameter "m_c BVgamma"
    m_s_over_m_b=0.07536674747572412 / 4.064896188901182,  # flavio get_ms(par, 5) / get_mb(par, 5)
    m_t=172.5,
    lambda_1=-0.362,
    lambda_2=0.12,
    br_xcenu=0.1067,  # flavio parameter "BR(B->Xcenu)_exp"
    c_bxlnu=0.567,  # flavio parameter "C_BXlnu"
    # flavio data/wcsm/wc_sm_dB1_2_55.npy at its 5 GeV node: NNLO SM matching and running in the
    # operator basis of hep-ph/0512066, except that C₉, C₁₀ are normalised with e²/16π² in front of
    # O₉,₁₀ as in the rest of jaxflav (flavio's convention)
    wc_sm=(
        -0.254924399540295,
        1.0141665467461007,
        -0.004823462531985789,
        -0.0775478286545902,
        0.0003336936745132325,
        0.0008667701131689425,
        -0.2901677123265155,
        -0.15992275321042929,
        4.033347991282733,
        -4.1871733227115,
    ),
)

# C₇ = C₇^eff − Σ y_i C_i and C₈ = C₈^eff − Σ z_i C_i (i = 3…6): Chetyrkin, Misiak, Münz
# hep-ph/9612313, Eq. (15); flavio builds the SM C₇′ from the non-effective C₇.
_Y36 = (-1.0 / 3.0, -4.0 / 9.0, -20.0 / 3.0, -80.0 / 9.0)

# ---------------------------------------------------------------------------------------------
# Matrix elements of the four-quark operators and of O₈


def _y_loop(q2, c, mb, mc, mu, xi_ratio):
    """Y(q²) + (ξ_u/ξ_t) Y_u(q²): C₉^eff − C₉ from one-loop four-quark matrix elements
    (`jaxflav.wilson.y_loops`; pole masses m_c, m_b). `c` = C₁…C₆."""
    y, y_u = wilson.y_loops(q2, c, mc, mb, mu)
    return y + xi_ratio * y_u


def _delta_c7_c9(q2, p: BXllInputs, xi_ratio):
    """δC₇(q²), δC₉(q²): the O(α_s) two-loop matrix elements of O₁, O₂, O₈ (NNLO) with their
    ξ_u/ξ_t parts (`jaxflav.wilson.delta_c7`, `delta_c9`) at μ = 5 GeV: pole m_b, charm mass
    m_c_dipole in δC₇ and m_c_pole in δC₉ (as flavio), C₁, C₂, C₈^eff of `p.wc_sm`."""
    c = p.wc_sm
    kw = dict(m_b=p.m_b_pole, mu=MU, alpha_s=p.alpha_s)
    d7 = wilson.delta_c7(q2, c[0], c[1], c[7], xi_ratio, m_c=p.m_c_dipole, **kw)
    d9 = wilson.delta_c9(q2, c[0], c[1], c[7], xi_ratio, m_c=p.m_c_pole, **kw)
    return d7, d9


# ---------------------------------------------------------------------------------------------
# Bremsstrahlung and virtual O(α_s) corrections (hep-ph/0109140, hep-ph/0209006; the τ_ij as
# collected in hep-ph/0312063 Sec. 4), functions of ŝ ∈ (0, 1)


def _brems(sh):
    """(σ₇ without its ln(μ/m_b) term, σ₉, τ₇₇, τ₇₉, τ₉₉) at ŝ."""
    ls, l1 = jnp.log(sh), jnp.log(1.0 - sh)
    sig = -4.0 / 3.0 * li2_real(sh) - 2.0 / 3.0 * ls * l1 - 2.0 / 9.0 * math.pi**2 - l1 - 2.0 / 9.0 * (1.0 - sh) * l1
    om = 1.0 - sh
    t77 = -2.0 / (9.0 * (2.0 + sh)) * (2.0 * om**2 * l1 + 6.0 * sh * (2.0 - 2.0 * sh - sh**2) / om**2 * ls
                                       + (11.0 - 7.0 * sh - 10.0 * sh**2) / om)
    t99 = -4.0 / (9.0 * (1.0 + 2.0 * sh)) * (2.0 * om**2 * l1 + 3.0 * sh * (1.0 + sh) * (1.0 - 2.0 * sh) / om**2 * ls
                                             + 3.0 * (1.0 - 3.0 * sh**2) / om)
    t79 = (-4.0 * om**2 / (9.0 * sh) * l1 - 4.0 * sh * (3.0 - 2.0 * sh) / (9.0 * om**2) * ls
           - 2.0 * (5.0 - 3.0 * sh) / (9.0 * om))
    return sig + 1.0 / 6.0, sig + 1.5, t77, t79, t99


# ---------------------------------------------------------------------------------------------
# Log-enhanced QED: HHL (1503.04849) Eq. (4.19) with its fitted ω_ij^(em) (App. of HHL), for the
# branching ratio (H_T + H_L), at μ = 5 GeV (their ln(μ/5 GeV) terms vanish). Each fit is
# L·P(ŝ) with L = ln(m_b²/m_ℓ²); below ŝ = 1/2 polynomials in ŝ (with a 1/ŝ term), above in 1 − ŝ.
# Coefficients are the rational numbers of HHL's fits.

def _poly_low(sh, cinv, coeffs):
    """cinv/ŝ + Σ_k coeffs[k] ŝ^k."""
    acc = jnp.zeros_like(sh)
    for ck in reversed(coeffs):
        acc = acc * sh + ck
    return acc + cinv / sh


def _poly_high(t, coeffs):
    acc = jnp.zeros_like(t)
    for ck in reversed(coeffs):
        acc = acc * t + ck
    return acc


_W22_LOW = (759773 / 27749657, (89893005 / 10186064, -74012480 / 6130973, 46465860 / 749363,
                                -64848126 / 385135, 78573521 / 422377))
_W22_HIGH = (-1097570713 / 4986671, 1177568126 / 1344711, -1556319889 / 810348, 743874878 / 408259)
_W27_LOW_RE = (66788356 / 89691595, (210088143 / 2815255, -853046026 / 1861851, 112055731 / 104256,
                                     -534648229 / 441214))
_W27_LOW_IM = (0.0, (381643834 / 105094507, 1368925501 / 123691778, -1282659695 / 57060084,
                     5654586858 / 29025721))
_W27_HIGH_RE = (-1569999625 / 5062667, 501693893 / 601369, -4187567828 / 1919191, 3462037641 / 1622488)
_W27_HIGH_IM = (-612530674 / 1182081, 1248725501 / 609972, -12404910453 / 2775125, 3944570424 / 817063)
_W29_LOW = (12910827 / 114675722, (154715658 / 8534309, -303518651 / 4850674, 492828373 / 5448014,
                                   -456369038 / 3593685))
_W29_HIGH = (-278748564 / 1813913, 725609439 / 1454642, -3679136911 / 3208349, 3067453889 / 2693552)


def _omega_em(sh, big_l):
    """ω^(em)_ij for (i, j) = (2,2), (2,7), (2,9), (7,7), (7,9), (9,9) at ŝ; big_l = ln(m_b²/m_ℓ²).

    ω₂₉ is given flavio's imaginary part (equal to the real part: flavio's `wem_29_low/high`); the
    fitted one would change the rate by Im(ω₂₉)·Im(C₂C₉*) terms only, which vanish up to the tiny
    imaginary parts of the (real) SM coefficients, so the choice matters for complex NP C₉ alone.
    """
    om = 1.0 - sh
    ls, l1 = jnp.log(sh), jnp.log(om)
    low = sh < 0.5
    d_low = om**2 * (1.0 + 2.0 * sh)
    w22 = jnp.where(low, _poly_low(sh, *_W22_LOW) / (8.0 * d_low),
                    _poly_high(om, _W22_HIGH) / (8.0 * (1.0 + 2.0 * sh)))
    w27 = jnp.where(low, (_poly_low(sh, *_W27_LOW_RE) + 1j * _poly_low(sh, *_W27_LOW_IM)) / (96.0 * om**2),
                    (_poly_high(om, _W27_HIGH_RE) + 1j * _poly_high(om, _W27_HIGH_IM)) / 96.0)
    w29 = (1.0 + 1j) * jnp.where(low, _poly_low(sh, *_W29_LOW) / (8.0 * d_low),
                                 _poly_high(om, _W29_HIGH) / (8.0 * (1.0 + 2.0 * sh)))
    # analytic ones, same above and below ŝ = 1/2
    w77 = -sh / (2.0 * (sh - 1.0) * (2.0 + sh)) + l1 - sh * (2.0 * sh**2 - 3.0) * ls / (2.0 * om**2 * (2.0 + sh))
    w79 = 1.0 / (2.0 * (sh - 1.0)) + l1 - (1.0 - 2.0 * sh + 2.0 * sh**2) * ls / (2.0 * om**2)
    g = (-1.0 - 3.0 * sh + 12.0 * sh**2 - 8.0 * sh**3 + 6.0 * om**2 * (1.0 + 2.0 * sh) * l1
         - 3.0 * (1.0 - 6.0 * sh**2 + 4.0 * sh**3) * ls)
    p2 = math.pi**2
    w99_const = (
        -0.5
        + (-1.0 + 2.0 * p2 + 6.0 * sh - 15.0 * sh**2 - 6.0 * p2 * sh**2 + 10.0 * sh**3 + 4.0 * p2 * sh**3
           + 12.0 * om**2 * (1.0 + 2.0 * sh) * l1 * (ls - 1.0) + 4.0 * ls - 6.0 * sh * ls - 12.0 * sh**2 * ls
           + 8.0 * sh**3 * ls - 6.0 * ls**2 + 36.0 * sh**2 * ls**2 - 24.0 * sh**3 * ls**2) / (12.0 * d_low)
        + (15.0 - 4.0 * p2 + 12.0 * sh - 45.0 * sh**2 + 12.0 * p2 * sh**2 + 18.0 * sh**3 - 8.0 * p2 * sh**3
           - 12.0 * sh * ls + 12.0 * sh**2 * ls + 24.0 * sh**3 * ls
           - 6.0 * om**2 * l1 * (5.0 + 4.0 * sh + (2.0 + 4.0 * sh) * ls)
           - 24.0 * d_low * li2_real(sh)) / (216.0 * d_low)
    )
    w99 = big_l * g / (6.0 * d_low) + w99_const
    return big_l * w22, big_l * w27, big_l * w29, big_l * w77, big_l * w79, w99


# ---------------------------------------------------------------------------------------------
# 1/m_b² power corrections: χ₁ (λ₁) and χ₂ (λ₂) of the longitudinal + transverse rate
# (hep-ph/9308288, hep-ph/9609449, in the H_T, H_L split of 1503.04849). flavio 2.7.1 applies them
# to |C₉|² but not to |C₁₀|², which enters the rate in the same way; kept, to reproduce flavio.
# The |C₁₀|² term would change the SM BR by −0.17 % in [1, 6] GeV² and by −16 % (μ), −18 % (e)
# in [14.4, 22] GeV².


def _chi(sh):
    """(χ₁^77, χ₁^79, χ₁^99), (χ₂^77, χ₂^79, χ₂^99) of H_T + H_L at ŝ."""
    om = 1.0 - sh
    c1 = (4.0 / (3.0 * sh) * om * (5.0 * sh + 3.0) + 2.0 / 3.0 * (sh - 1.0) * (3.0 * sh + 13.0),
          6.0 * om**2,
          -sh / 3.0 * om * (3.0 * sh + 5.0) + om * (13.0 * sh + 3.0) / 6.0)
    c2 = (4.0 / sh * (3.0 * sh**2 + 2.0 * sh - 9.0) + 2.0 * (15.0 * sh**2 - 6.0 * sh - 13.0),
          4.0 * (9.0 * sh**2 - 6.0 * sh - 7.0) + 2.0 * (3.0 * sh**2 - 6.0 * sh - 1.0),
          sh * (15.0 * sh**2 - 14.0 * sh - 5.0) + 0.5 * (-17.0 * sh**2 + 10.0 * sh + 3.0))
    return c1, c2


# ---------------------------------------------------------------------------------------------
# The form


def _phi_u(p: BXllInputs):
    """Φ_u, HHL Eq. (4.8) without the O(α̃_s²) term (see module docstring)."""
    ast = p.alpha_s / (4.0 * math.pi)
    kappa = p.alpha_e / p.alpha_s
    return (1.0 + ast * (50.0 / 3.0 - 8.0 * math.pi**2 / 3.0) + kappa * 12.0 / 23.0 * (1.0 - p.alpha_s / p.alpha_s_mz)
            + p.lambda_1 / (2.0 * p.m_b_pole**2) - 9.0 * p.lambda_2 / (2.0 * p.m_b_pole**2))


# The rate is first written as f† K(q²) f in the vector of total coefficients at μ = 5 GeV,
# f = (1, C₇^eff, C₇′, C₉, C₉′, C₁₀, C₁₀′), as a sum of terms Re(c f_i f_j*); then f = B x.
_F1, _F7, _F7P, _F9, _F9P, _F10, _F10P = range(N_F)


def _basis_map(p: BXllInputs):
    """B with f = B x: SM values at 5 GeV on the first column, NP running 4.8 → 5 GeV on the diagonal.

    C₇, C₇′: LO QCD, (α_s(4.8)/α_s(5))^{γ₇₇/2β₀} with γ₇₇⁽⁰⁾ = 32/3, β₀ = 23/3. SM C₇′ = (m_s/m_b) C₇
    (non-effective C₇, as flavio); SM C₁₀ scaled by (m_t/173.1)^1.53 (1311.0903 Eq. (4), as flavio).
    """
    c = p.wc_sm
    r7 = (p.alpha_s_np / p.alpha_s) ** (16.0 / 23.0)
    c7_noneff = c[6] - sum(y * ci for y, ci in zip(_Y36, c[2:6]))
    diag = jnp.array([1.0, r7, r7, 1.0, 1.0, 1.0, 1.0])
    first = jnp.array([0.0, c[6], p.m_s_over_m_b * c7_noneff, c[8], 0.0, c[9] * (p.m_t / 173.1) ** 1.53, 0.0])
    return (jnp.diag(diag) + jnp.zeros((N_F, N_F)).at[:, 0].set(first)).astype(complex)


def _form_point(q2, m_l, p: BXllInputs, xi_t, xi_u, v_cb):
    """M(q²) (7×7 Hermitian, GeV⁻²) at one q² (GeV²) with dBR/dq² = x† M x; 0 outside 4m_ℓ² < q² < m_b²."""
    mb = p.m_b_pole
    valid = (q2 > 4.0 * m_l**2) & (q2 < mb**2)
    q2 = jnp.where(valid, q2, 0.25 * mb**2)  # a harmless point for the untaken branch
    sh = q2 / mb**2
    xi_ratio = xi_u / xi_t
    c1, c2 = p.wc_sm[0], p.wc_sm[1]
    a_s, a_e = p.alpha_s, p.alpha_e

    # inclusive coefficients: C̃₇ = b₇ C₇ + δC₇, C̃₉ = b₉ C₉ + (δC₉ + Y), C̃₁₀ = b₉ C₁₀ (primed: b₇, b₉ only)
    sig7, sig9, t77, t79, t99 = _brems(sh)
    b7 = 1.0 + a_s / math.pi * (sig7 - 8.0 / 3.0 * jnp.log(MU / mb))
    b9 = 1.0 + a_s / math.pi * sig9
    d7, d9 = _delta_c7_c9(q2, p, xi_ratio)
    d9y = d9 + _y_loop(q2, p.wc_sm[:6], mb, p.m_c_pole, MU, xi_ratio)

    # NNLO QCD rate with lepton mass, unprimed + primed (m_s = 0: no interference)
    ml2 = (m_l / mb) ** 2
    rr = ml2 / sh
    pref = (1.0 - sh) ** 2 * sqrt_safe(1.0 - 4.0 * rr)
    w77 = pref * 4.0 * (1.0 + 2.0 / sh) * (1.0 + 2.0 * rr) * (1.0 + a_s / math.pi * t77)
    w79 = pref * 12.0 * (1.0 + 2.0 * rr) * (1.0 + a_s / math.pi * t79)
    w_v = pref * (1.0 + 2.0 * sh + 2.0 * rr * (1.0 - sh)) * (1.0 + a_s / math.pi * t99)
    w99, w1010 = w_v + pref * 6.0 * ml2, w_v - pref * 6.0 * ml2

    # log-enhanced QED (HHL Eq. (4.19); unprimed coefficients without the bremsstrahlung factors)
    om22, om27, om29, om77, om79, om99 = _omega_em(sh, jnp.log(mb**2 / m_l**2))
    k = 2.0 * a_e / math.pi  # 8 α̃_s κ
    s79, s99 = 12.0 * (1.0 - sh) ** 2, (1.0 - sh) ** 2 * (1.0 + 2.0 * sh)
    s77 = (1.0 - sh) ** 2 * (4.0 + 8.0 / sh)
    e22, e27, e29 = k * s99 * om22, k * s79 * om27, k * s99 * om29
    e77, e79, e99 = k * s77 * om77, k * s79 * om79, k * s99 * om99

    # 1/m_b² power corrections
    (x77, x79, x99), (z77, z79, z99) = _chi(sh)
    l1, l2 = p.lambda_1 / mb**2, p.lambda_2 / mb**2

    terms = (  # (i, j, c): rate ∋ Re(c f_i f_j*)
        # NNLO QCD, unprimed: w77|C̃₇|² + w79 Re(C̃₇C̃₉*) + w99|C̃₉|² + w1010|C̃₁₀|²
        (_F7, _F7, w77 * b7**2),
        (_F1, _F1, w77 * jnp.abs(d7) ** 2 + w79 * jnp.real(d7 * jnp.conj(d9y)) + w99 * jnp.abs(d9y) ** 2),
        (_F7, _F1, 2.0 * w77 * b7 * jnp.conj(d7) + w79 * b7 * jnp.conj(d9y)),
        (_F7, _F9, w79 * b7 * b9),
        (_F1, _F9, w79 * d7 * b9 + 2.0 * w99 * d9y * b9),
        (_F9, _F9, w99 * b9**2),
        (_F10, _F10, w1010 * b9**2),
        # primed
        (_F7P, _F7P, w77 * b7**2),
        (_F7P, _F9P, w79 * b7 * b9),
        (_F9P, _F9P, w99 * b9**2),
        (_F10P, _F10P, w1010 * b9**2),
        # QED: e₂₂|C₂|² + e₁₁|C₁|² + e₁₂ C₁C₂ with e₁₁ = 16/9 e₂₂, e₁₂ = 8/3 e₂₂; e₂₇; e₂₉ and
        # e₁₉ = 4/3 e₂₉; e₁₇ = 0 (flavio, see module docstring); e₇₇, e₇₉, e₉₉, e₁₀,₁₀ = e₉₉
        (_F1, _F1, e22 * (c2**2 + 16.0 / 9.0 * c1**2 + 8.0 / 3.0 * c1 * c2)),
        (_F1, _F7, c2 * e27),
        (_F1, _F9, (c2 + 4.0 / 3.0 * c1) * e29),
        (_F7, _F7, e77),
        (_F7, _F9, e79),
        (_F9, _F9, e99),
        (_F10, _F10, e99),
        # power corrections (no |C₁₀|² entry in flavio, see _chi)
        (_F7, _F7, l1 * x77 + l2 * z77),
        (_F7, _F9, l1 * x79 + l2 * z79),
        (_F9, _F9, l1 * x99 + l2 * z99),
    )
    ii = np.array([t[0] for t in terms])
    jj = np.array([t[1] for t in terms])
    cc = jnp.stack([jnp.asarray(t[2], dtype=complex) for t in terms])
    # Re(c f_i f_j*) = ½(c f_j* f_i + c* f_i* f_j): K[j, i] += c/2, K[i, j] += c*/2
    kmat = jnp.zeros((N_F, N_F), dtype=complex).at[jj, ii].add(0.5 * cc).at[ii, jj].add(0.5 * jnp.conj(cc))
    bmat = _basis_map(p)
    h = jnp.zeros((DIM, DIM), dtype=complex).at[:N_F, :N_F].set(jnp.conj(bmat.T) @ kmat @ bmat)  # no scalar operators here

    norm = a_e**2 / (4.0 * math.pi**2 * mb**2) * p.br_xcenu / p.c_bxlnu * jnp.abs(xi_t) ** 2 / v_cb**2
    return jnp.where(valid, norm / _phi_u(p) * h, 0.0)


def forms(q2, lepton: str, params: BXllInputs = DEFAULT_BXLL, inputs: _inputs.Inputs = _inputs.DEFAULT):
    """Hermitian M(q²) with dBR/dq²(B̄ → X_s ℓ⁺ℓ⁻) = Re(x† M(q²) x), in GeV⁻².

    x = (1, C7, …, CPp): new-physics shifts at μ_NP = 4.8 GeV (`jaxflav.wcxf`).
    Args:
      q2: dilepton mass squared in GeV², any shape; M = 0 outside 4m_ℓ² < q² < m_b,pole².
      lepton: "e" or "mu".
      params: the μ = 5 GeV inputs (`DEFAULT_BXLL`); inputs: CKM (ξ_t, ξ_u, V_cb) and m_ℓ.
    Returns:
      complex array of shape q2.shape + (DIM, DIM) (`jaxflav.wcxf`; zero in the scalar rows and columns). Not CP-averaged (as flavio).
    """
    m_l = _inputs.lepton_mass(lepton, inputs)
    xi_t, xi_u, v_cb = _ckm_factors(inputs)
    q2 = jnp.asarray(q2, dtype=float)
    m = _forms(q2.reshape(-1), m_l, params, xi_t, xi_u, v_cb)  # flat: one compilation per size
    return m.reshape(q2.shape + (DIM, DIM))


def _ckm_from(inputs):
    """(ξ_t = V_tb V_ts*, ξ_u = V_ub V_us*, |V_cb|) from the CKM inputs."""
    v = _inputs.ckm(inputs)
    return v[2, 2] * jnp.conj(v[2, 1]), v[0, 2] * jnp.conj(v[0, 1]), jnp.abs(v[1, 2])


# for the default inputs, computed once at import (plain Python numbers)
_CKM_DEFAULT = tuple(f(np.asarray(z)) for f, z in zip((complex, complex, float), _ckm_from(_inputs.DEFAULT)))


def _ckm_factors(inputs):
    return _CKM_DEFAULT if inputs is _inputs.DEFAULT else _ckm_from(inputs)


@jax.jit
def _forms(q2, m_l, params, xi_t, xi_u, v_cb):
    """`forms` after the argument checks, on a flat q² array (one compilation per size, both leptons)."""
    return jax.vmap(lambda q: _form_point(q, m_l, params, xi_t, xi_u, v_cb))(q2)


def dbr_dq2(q2, x, lepton: str, **kw):
    """dBR/dq² (GeV⁻²) at q² for coefficient vectors x of shape q2.shape + (DIM,) (or (DIM,))."""
    m = forms(q2, lepton, **kw)
    x = jnp.broadcast_to(jnp.asarray(x, dtype=complex), m.shape[:-1])
    return jnp.real(jnp.einsum("...i,...ij,...j->...", jnp.conj(x), m, x))


def binned_br(q2min, q2max, x_of_q2, lepton: str, n: int = 16, **kw):
    """∫_{q2min}^{q2max} dBR/dq² dq² by n-point Gauss–Legendre (flavio's "<BR>(B->Xsℓℓ)").

    Args:
      q2min, q2max: bin edges in GeV² (static Python numbers, q2min < q2max).
      x_of_q2: maps a q² array to x of shape q2.shape + (DIM,).
      lepton: "e" or "mu"; n: nodes (16 reach 1e-7 relative on [1, 6] and [14.4, 22]).
    """
    _inputs.lepton_mass(lepton, kw.get("inputs", _inputs.DEFAULT))
    for name, val in (("q2min", q2min), ("q2max", q2max)):
        if not isinstance(val, (int, float)) or not math.isfinite(val):
            raise ValueError(f"{name} must be a finite Python number (static bin edge), got {val!r}")
    if not q2min < q2max:
        raise ValueError(f"need q2min < q2max, got q2min={q2min}, q2max={q2max}")
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    q2, w = bin_nodes(q2min, q2max, int(n))
    return jnp.sum(w * dbr_dq2(q2, x_of_q2(q2), lepton, **kw))
