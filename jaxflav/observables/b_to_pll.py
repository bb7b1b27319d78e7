"""B → K ℓ⁺ℓ⁻ (B⁺→K⁺, B⁰→K⁰): helicity amplitudes and the CP-averaged rate.

Conventions as flavio 2.7.1 (Gratrex, Hopfer, Zwicky, arXiv:1506.03970 App. B for the
amplitudes, N = (4G_F/√2) ξ_t α_e/(4π)). For equal lepton masses m and no tensor operators, with
P_f = √λ_B β/(2⁹π³m_B³), β² = 1 − 4m²/q² (its G-basis G₀ at E₁ = E₂ = √q²/2, dΓ/dq² = 2G₀):
    dΓ/dq² = 2 P_f [ (4/3)(q² + 2m²)|h_V|² + (4/3) q²β² |h_A|² + 2q²β² |h_S|² + 2q² |h_P|² ],
    h_V = N √λ_B/(2√q²) [2m_b/(m_B+m_K) (C7+C7′) f_T + (C9+C9′) f_+],
    h_A = N √λ_B/(2√q²) (C10+C10′) f_+,
    h_S = N (m_B² − m_K²)/2 · (CS+CS′) f_0,
    h_P = N (m_B² − m_K²)/2 · [(CP+CP′) + 2m/q² (C10+C10′)] f_0
(the m_b of O_S, O_P against the 1/(m_b − m_s) of the equations of motion at m_s → 0, as flavio).
Units: GeV; rates ×τ_B give dBR/dq² in GeV⁻².
"""

from typing import NamedTuple

import jax
import jax.numpy as jnp

from jaxflav import formfactors, inputs as sm_inputs
from jaxflav.observables.b_to_vll import effective_coefficients, sm_effective
from jaxflav.observables import forms
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


class Hadronic(NamedTuple):
    """A process's parameter-independent constants, as arrays."""

    m_B: float
    m_P: float
    tau: float  # GeV⁻¹
    formfactors: formfactors.BToPParams


def hadronic(process: str, inputs=sm_inputs.DEFAULT, ff=None) -> Hadronic:
    """The `Hadronic` constants of "B+->K" or "B0->K"; `ff` a `formfactors.BToPParams` instead of the default."""
    if process not in PROCESSES:
        raise ValueError(f"unknown B→Kℓℓ process {process!r}; known: {', '.join(PROCESSES)}")
    p = PROCESSES[process]
    return Hadronic(getattr(inputs, p.B), getattr(inputs, p.P), getattr(inputs, p.tau) / sm_inputs.HBAR, formfactors.BSZ_B_TO_K if ff is None else ff)


SUBLEADING = ("deltaC9 a", "deltaC9 b", "deltaC9 c")
"""flavio 2.7.1's subleading-hadronic parameters of B→Kℓℓ (each a complex Re + i Im): an effective
shift of C₉ in h_V, a + b q² (q² in GeV²) for q² ≤ 9 GeV², c for q² > 14 GeV², none in between
(flavio's `bpll_subleading.py`, its default implementations; the same shift, with the
unconjugated prefactor, in the decay and its CP conjugate)."""


def amplitudes(q2, x, had: Hadronic, m_l, inputs=sm_inputs.DEFAULT, cp_conjugate=False, sm=None, sub=None):
    """(h_V, h_A, h_P, h_S) on the last axis, linear in x (in x* for the CP conjugate).
    `had`: `hadronic(process)`; `sm`: `b_to_vll.sm_effective(q2, inputs)` when already computed;
    `sub`: the SUBLEADING parameters (complex (3,); None: 0, flavio's central values)."""
    return jnp.stack(_amplitudes(q2, x, had, m_l, inputs, cp_conjugate, sm, sub), axis=-1)


def _amplitudes(q2, x, had, m_l, inputs, cp_conjugate, sm, sub):
    """`amplitudes` as a tuple (the nuisance path differentiates through it: no stacking)."""
    sm = sm_effective(q2, inputs) if sm is None else sm
    m_B, m_P = had.m_B, had.m_P
    norm0 = sm_inputs.heff_norm(inputs)
    norm = jnp.conj(norm0) if cp_conjugate else norm0
    c7, c7p, c9, c9p, c10, c10p, cs, csp, cp, cpp = effective_coefficients(x, sm, cp_conjugate)
    if sub is not None:
        shift = jnp.where(q2 <= 9, sub[0] + sub[1] * q2, jnp.where(q2 > 14, sub[2], 0.0))
        c9 = c9 + x[0] * shift * norm0 / norm  # the same shift in both, as flavio
    ff = formfactors.b_to_p(q2, "B->K", params=had.formfactors)
    sl = sqrt_safe(kallen(m_B**2, m_P**2, q2))
    h_v = sl / (2 * jnp.sqrt(q2)) * (2 * inputs.m_b / (m_B + m_P) * (c7 + c7p) * ff["fT"] + (c9 + c9p) * ff["f+"])
    h_a = sl / (2 * jnp.sqrt(q2)) * (c10 + c10p) * ff["f+"]
    h_p = (m_B**2 - m_P**2) / 2 * ff["f0"] * ((cp + cpp) + 2 * m_l / q2 * (c10 + c10p))
    h_s = (m_B**2 - m_P**2) / 2 * ff["f0"] * (cs + csp)
    return tuple(norm * h for h in (h_v, h_a, h_p, h_s))


class Node(NamedTuple):
    """A B→Kℓℓ rate's parameter-independent data at one q²: h = T x, h̄ = T̄ x*."""

    q2: float
    T: jnp.ndarray  # (4, DIM) complex
    Tbar: jnp.ndarray
    m_B: float
    m_P: float
    m_l: float
    tau: float  # GeV⁻¹


def nodes(q2, process, m_l, inputs=sm_inputs.DEFAULT, sm=None):
    """`Node`s at the q² values of the 1-D array `q2`."""
    q2 = jnp.asarray(q2, dtype=float)
    return _nodes(q2, hadronic(process, inputs), m_l, inputs, sm_effective(q2, inputs) if sm is None else sm)


@jax.jit
def _nodes(q2, had, m_l, inputs, sm):
    T, Tbar = forms.amplitude_matrices(lambda e, cp: amplitudes(q2, e, had, m_l, inputs, cp, sm))
    full = lambda v: jnp.full(q2.shape, v)  # noqa: E731
    return Node(q2, T, Tbar, full(had.m_B), full(had.m_P), full(m_l), full(had.tau))


def _rate(h, q2, m_B, m_P, m_l):
    beta2 = 1 - 4 * m_l**2 / q2
    pf = sqrt_safe(kallen(m_B**2, m_P**2, q2)) * sqrt_safe(beta2) / (2**9 * jnp.pi**3 * m_B**3)
    abs2 = [jnp.real(a * jnp.conj(a)) for a in h]
    return 2 * pf * (4 / 3 * (q2 + 2 * m_l**2) * abs2[0] + 4 / 3 * q2 * beta2 * abs2[1] + 2 * q2 * abs2[2] + 2 * q2 * beta2 * abs2[3])


def rates(x, node):
    """[τ_B (Γ + Γ̄)/2] at one node: the CP-averaged dBR/dq², quadratic in x."""
    return jnp.stack(_rates(node.T @ x, node.Tbar @ jnp.conj(x), node))


def direct_rates(q2, x, had: Hadronic, m_l, inputs, sm, sub=None):
    """`rates` at one q² straight from the amplitudes of x, as a tuple (for points whose inputs, form factors
    or subleading parameters `sub` vary). `sm`: the `b_to_vll.SMEffective` at this q²."""
    h, hbar = (_amplitudes(q2, x, had, m_l, inputs, cp, sm, sub) for cp in (False, True))
    return _rates(h, hbar, Node(q2, None, None, had.m_B, had.m_P, m_l, had.tau))


def _rates(h, hbar, node):
    gamma = _rate(h, node.q2, node.m_B, node.m_P, node.m_l)
    gamma_bar = _rate(hbar, node.q2, node.m_B, node.m_P, node.m_l)
    return (node.tau * (gamma + gamma_bar) / 2,)


def observables(q2, x, process, m_l, inputs=sm_inputs.DEFAULT):
    """{"dBR/dq2": …} of `process` at one q² (GeV²) for the form vector x."""
    node = jax.tree_util.tree_map(lambda a: a[0], nodes(jnp.atleast_1d(q2), process, m_l, inputs))
    return dict(zip(QUANTITIES, rates(jnp.asarray(x, dtype=complex), node)))
