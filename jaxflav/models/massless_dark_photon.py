"""A massless dark photon coupled to b → s by a dipole operator (E. Gabrielli, L. Marzola,
K. Müürsepp, M. Raidal, EPJC 84 (2024); seed 001_1d5ebfc8e705bca1.txt).

    ℒ = (1/2Λ) [s̄ σ_μν b] F_D^μν + h.c.,   ℒ_dark = e_D Σ_i q_i Q̄_i γ_μ Q_i A_D^μ   (Eqs. 2.1–2.2),

with N_Q dark fermions of mass m_Q and unit charge, α_D = e_D²/4π. It gives B⁺ → K⁺QQ̄ through an
off-shell γ_D (Eqs. 3.2–3.8), B⁰ → K*γ_D and B_s → φγ_D on shell (Eqs. 4.4, 6.3–6.7).

**Consistent physics (the default, `printed=False`)**, derived from the Lagrangian above and
checked by an explicit Dirac-trace phase-space integration (tests/test_massless_dark_photon.py):
- dΓ/dŝ(B⁺ → K⁺QQ̄) = α_D m_B³ λ̂^{3/2} β (1 + 2m̂_Q²/ŝ) |f_T(s)|² / (48π² Λ² (1 + m̂_K)²), which is
  Eq. 3.6 exactly (ū(λ − ū²/3) = (2/3) λ̂^{3/2} β (1 + 2m̂_Q²/ŝ); m_b cancels against m̂_b);
- Γ(B → Vγ_D) = m_B³ |T₁(0)|² (1 − m̂_V²)³ / (8π Λ²): four times Eq. 4.4 (whose Eq. 4.2 also
  carries an e_D that Eq. 2.1 does not have). The same normalisation gives the textbook
  Γ(B → K*γ) = G_F² α |V_tb V_ts*|² m_b² m_B³ |C₇|² |T₁|² (1 − m̂²)³ / (32π⁴) for the SM dipole
  operator, which is tested;
- the Sommerfeld–Fermi factor Ω = X/(1 − e^{−X}), X = 2πα_D q²/β₁₂ (Eq. 3.13), with β₁₂ the
  relative velocity of Q and Q̄, β₁₂ = √(1 − 4m_Q⁴/(s − 2m_Q²)²) = 2β/(1 + β²): it vanishes at
  threshold, where Ω ∝ 1/β₁₂ (Eq. 3.14 as printed lacks the 4 and stays at √3/2);
- the dark magnetic moment: with the one-loop Pauli form factor F₂(s) = (α_D/2π)(2m_Q²/(sβ))
  ln((β − 1)/(β + 1)) (timelike, F₂(0) = α_D/2π), the pair factor (1 + 2m_Q²/s) becomes
  |G_M|² + (2m_Q²/s)|G_E|² = (1 + 2m_Q²/s) + 3 Re F₂ + |F₂|²(1 + s/8m_Q²) (Sachs form factors).

**Printed conventions (`printed=True`)** reproduce the paper's numbers: Eq. 4.4 as printed,
Eq. 3.14 as printed, and Eqs. 3.15–3.17 as printed (λ → λ(1 + Δ_M) in Eq. 3.6, Δ_M and F₂ with
the printed prefactor m̂_Q/√(ŝ(ŝ − 4m̂_Q²))).

Form factors (paper's Ref. [56]: A. Khodjamirian, Th. Mannel, A. A. Pivovarov, Y.-M. Wang,
JHEP 09 (2010) 089, arXiv:1006.4945, Table 4): f_T(0) = 0.39, b₁ᵀ = −2.2, f₊(0) = 0.34,
b₁⁺ = −2.1, both with the B_s* pole 5.412 GeV (Eqs. 3.4, 3.12); T₁^{B→K*}(0) = 0.28 (§4).
Units: GeV; Λ in GeV in the functions below (Λ_TeV in the user door and configs).
"""

import math
from typing import NamedTuple

import jax
import jax.numpy as jnp

from jaxflav.inputs import HBAR
from kernels.quadrature import tanh_sinh

LAMBDA_UNIT = 1e5 * 1e3  # the paper's 10⁵ TeV in GeV


class Inputs(NamedTuple):
    """Masses (GeV), lifetimes (s) and form factors of the paper (§§3–6)."""

    m_Bp: float = 5.27934  # PDG 2022
    m_Kp: float = 0.493677
    m_B0: float = 5.27966
    m_Kst: float = 0.89555  # K*⁰
    m_Bs: float = 5.36692
    m_phi: float = 1.019461
    tau_Bp: float = 1.638e-12  # PDG 2022
    tau_B0: float = 1.519e-12
    tau_Bs: float = 1.520e-12
    fT0: float = 0.39  # KMPW 2010, Table 4
    bT1: float = -2.2
    fp0: float = 0.34
    bp1: float = -2.1
    m_res: float = 5.412  # B_s*(1⁻), the pole of f_T and f₊ (KMPW 2010)
    T1_Kst: float = 0.28  # T₁^{B→K*}(0), §4 (Ref. [56])
    R_Kst_phi: float = 1.23  # LHCb, Eq. 6.3: BR(B⁰ → K*γ)/BR(B_s → φγ)
    # SM B⁺ → K⁺νν̄ (Eq. 3.10 and the text below it)
    G_F: float = 1.1663787e-5
    alpha_inv: float = 127.925
    s2w: float = 0.23126
    Vtb_Vts: float = 0.0401
    X_t: float = 1.462


PAPER = Inputs()


def _z(s, inputs):
    """z(s) of Eq. 3.5 (τ± = (m_B ± m_K)², τ₀ = √τ₊(√τ₊ − √(τ₊ − τ₋)))."""
    tp, tm = (inputs.m_Bp + inputs.m_Kp) ** 2, (inputs.m_Bp - inputs.m_Kp) ** 2
    t0 = math.sqrt(tp) * (math.sqrt(tp) - math.sqrt(tp - tm))
    a, b = jnp.sqrt(tp - s), math.sqrt(tp - t0)
    return (a - b) / (a + b)


def _kmpw(s, f0, b1, inputs):
    z, z0 = _z(s, inputs), _z(0.0, inputs)
    return f0 / (1 - s / inputs.m_res**2) * (1 + b1 * (z - z0 + 0.5 * (z * z - z0 * z0)))


def f_T(s, inputs: Inputs = PAPER):
    """B → K tensor form factor f_T(s) (Eq. 3.4, KMPW 2010), s in GeV²."""
    return _kmpw(s, inputs.fT0, inputs.bT1, inputs)


def f_plus(s, inputs: Inputs = PAPER):
    """B → K vector form factor f₊(s) (Eq. 3.12, KMPW 2010), s in GeV²."""
    return _kmpw(s, inputs.fp0, inputs.bp1, inputs)


def _lambda_hat(s_hat, m_k):
    """λ̂(ŝ) = (ŝ_max − ŝ)((1 + m̂_K)² − ŝ) (Eq. 3.7, factored so that it is exact near ŝ_max)."""
    return ((1 - m_k) ** 2 - s_hat) * ((1 + m_k) ** 2 - s_hat)


def _sommerfeld(x):
    """X/(1 − e^{−X}) for X ≥ 0, → 1 at X = 0 (expm1 keeps it exact for small X)."""
    small = x < 1e-12
    safe = jnp.where(small, 1.0, x)
    return jnp.where(small, 1.0 + 0.5 * x, safe / -jnp.expm1(-safe))


def _pauli(s_hat, gap, m_q, alpha_d, printed):
    """F₂(ŝ) for timelike ŝ = 4m̂² + gap: (α/2π)(2m̂²/√(ŝ gap)) ln((β − 1)/(β + 1)), or with the
    printed prefactor α/2π · m̂/√(ŝ gap) (Eq. 3.17). (β − 1)/(β + 1) = −2m̂²/(ŝ − 2m̂² + √(ŝ gap))
    lies in (−1, 0): its log is ln|…| + iπ, written without cancellation."""
    root = jnp.sqrt(s_hat * gap)
    log = jnp.log(2 * m_q**2 / (s_hat - 2 * m_q**2 + root)) + 1j * math.pi
    pre = m_q if printed else 2 * m_q**2
    return alpha_d / (2 * math.pi) * pre / root * log


def spectrum_hat(s_hat, gap, top, alpha_d, m_q, lam, *, sommerfeld=True, dipole=False, printed=False, inputs: Inputs = PAPER):
    """dΓ/dŝ(B⁺ → K⁺QQ̄) for one dark fermion (GeV) at ŝ = s/m_B², with gap = ŝ − 4m̂_Q² and
    top = (1 − m̂_K)² − ŝ given separately (exact next to both ends); m_Q and Λ in GeV. The two
    conventions are those of the module docstring; with `dipole` the consistent one adds the
    O(α_D) term 3 Re F₂ (|F₂|² is O(α_D²) and its Coulomb part is the one Ω resums). Zero outside
    4m̂_Q² < ŝ < (1 − m̂_K)²; finite with finite gradients everywhere."""
    mb = inputs.m_Bp
    mk, mq = inputs.m_Kp / mb, m_q / mb
    inside = (gap > 0) & (top > 0)
    middle = 0.5 * (1 - mk - 2 * mq) * (1 - mk + 2 * mq)
    s_hat = jnp.where(inside, s_hat, 4 * mq**2 + middle)
    gap, top = jnp.where(inside, gap, middle), jnp.where(inside, top, middle)
    lam_hat = top * ((1 + mk) ** 2 - s_hat)
    beta = jnp.sqrt(gap / s_hat)
    ff = f_T(s_hat * mb**2, inputs)
    pre = alpha_d * mb**3 / (32 * math.pi**2 * lam**2 * (1 + mk) ** 2) * ff**2
    if printed:
        if dipole:
            f2 = _pauli(s_hat, gap, mq, alpha_d, True)
            lam_hat = lam_hat * (1 + 4 * mq * jnp.real(f2) + jnp.abs(f2) ** 2 * (s_hat + 8 * mq**2) / 3)
        u = jnp.sqrt(lam_hat) * beta
        rate = pre * u * (lam_hat - u * u / 3)
        beta12 = jnp.sqrt(1 - mq**4 / (s_hat - 2 * mq**2) ** 2)
    else:
        pair = 1 + 2 * mq**2 / s_hat
        if dipole:
            pair = pair + 3 * jnp.real(_pauli(s_hat, gap, mq, alpha_d, False))
        rate = pre * (2 / 3) * lam_hat**1.5 * beta * pair
        beta12 = jnp.sqrt(s_hat * gap) / (s_hat - 2 * mq**2)
    if sommerfeld:
        rate = rate * _sommerfeld(2 * math.pi * alpha_d / beta12)
    return jnp.where(inside, rate, 0.0)


def spectrum(q2, alpha_d, m_q, lam, **options):
    """dΓ/dq²(B⁺ → K⁺QQ̄) for one dark fermion (GeV⁻¹) at the missing-mass² q² (GeV²); options as
    `spectrum_hat` (sommerfeld, dipole, printed, inputs)."""
    inputs = options.get("inputs", PAPER)
    mb2 = inputs.m_Bp**2
    gap = (q2 - 4 * m_q**2) / mb2
    top = ((inputs.m_Bp - inputs.m_Kp) ** 2 - q2) / mb2
    return spectrum_hat(q2 / mb2, gap, top, alpha_d, m_q, lam, **options) / mb2


_RULE = tanh_sinh(1.0 / 16.0, 3.5)


def width_k_qq(alpha_d, m_q, lam, *, sommerfeld=True, dipole=False, printed=False, inputs: Inputs = PAPER):
    """Γ(B⁺ → K⁺QQ̄) for one dark fermion (GeV): ∫ dΓ/dŝ over 4m̂_Q² ≤ ŝ ≤ (1 − m̂_K)² (Eq. 3.8).

    Tanh–sinh quadrature on the whole range, with ŝ − ŝ_min and ŝ_max − ŝ taken from the rule's
    complementary nodes (no cancellation): the square-root behaviour at both ends, the 1/β₁₂ of
    the Sommerfeld factor at threshold and structure on the scale m̂_Q² next to it are integrated
    to ~1e-10 (tests: mpmath), for m_Q from 1e-3 GeV to just below (m_B − m_K)/2.
    """
    mb = inputs.m_Bp
    mk, mq = inputs.m_Kp / mb, m_q / mb
    length = jnp.maximum((1 - mk - 2 * mq) * (1 - mk + 2 * mq), 0.0)  # ŝ_max − ŝ_min, factored
    x, xc, w = (jnp.asarray(a) for a in _RULE)
    f = spectrum_hat(4 * mq**2 + length * x, length * x, length * xc, alpha_d, m_q, lam,
                     sommerfeld=sommerfeld, dipole=dipole, printed=printed, inputs=inputs)
    return length * jnp.sum(w * f)


def _sm_prefactor(inputs):
    """G_F² m_B⁵ α² |V_tb V_ts*|² X_t² / (256 π⁵ sin⁴θ_W) of Eq. 3.10 (GeV)."""
    return inputs.G_F**2 * inputs.m_Bp**5 * inputs.Vtb_Vts**2 * inputs.X_t**2 / (256 * math.pi**5 * inputs.s2w**2 * inputs.alpha_inv**2)


def width_k_nunu_sm(inputs: Inputs = PAPER):
    """Γ(B⁺ → K⁺νν̄) in the SM (Eq. 3.10, three neutrino flavours summed in X_t's normalisation), GeV."""
    mb = inputs.m_Bp
    mk = inputs.m_Kp / mb
    x, xc, w = (jnp.asarray(a) for a in _RULE)
    length = (1 - mk) ** 2
    pre = _sm_prefactor(inputs)
    lam_hat = length * xc * ((1 + mk) ** 2 - length * x)
    return length * jnp.sum(w * pre * f_plus(length * x * mb**2, inputs) ** 2 * lam_hat**1.5)


def spectrum_nunu_sm(s, inputs: Inputs = PAPER):
    """dΓ/dq²(B⁺ → K⁺νν̄) in the SM (Eq. 3.10 divided by m_B²), q² = s in GeV²."""
    mb = inputs.m_Bp
    s_hat = s / mb**2
    pre = _sm_prefactor(inputs)
    lam_hat = jnp.maximum(_lambda_hat(s_hat, inputs.m_Kp / mb), 0.0)
    return pre * f_plus(s, inputs) ** 2 * lam_hat**1.5 / mb**2


def missing_mass_spectrum(q2, alpha_D, m_Q, Lambda_TeV, N_Q=1, *, sommerfeld=True, dipole=False, printed=False, inputs: Inputs = PAPER):
    """dBR/dq²(B⁺ → K⁺ + invisible) in GeV⁻², SM (Eq. 3.10) plus N_Q dark-fermion pairs, at the
    missing mass² q² (GeV²), as Belle II sees it: `(sm, new_physics)`."""
    to_br = inputs.tau_Bp / HBAR
    new = N_Q * spectrum(q2, alpha_D, m_Q, Lambda_TeV * 1e3, sommerfeld=sommerfeld, dipole=dipole, printed=printed, inputs=inputs)
    return spectrum_nunu_sm(q2, inputs) * to_br, new * to_br


def width_v_gamma(m_b, m_v, t1, lam, *, printed=False):
    """Γ(B → Vγ_D) = m_B³|T₁(0)|²(1 − m̂_V²)³/(8πΛ²) (derived), or /(32πΛ²) as printed (Eq. 4.4). GeV."""
    return m_b**3 * t1**2 * (1 - (m_v / m_b) ** 2) ** 3 / ((32 if printed else 8) * math.pi * lam**2)


def t1_bs_phi(inputs: Inputs = PAPER):
    """T₁^{B_s→φ}(0) from R_K*φ ≃ (T₁^{K*}/T₁^φ)² (Eqs. 6.3–6.5 with δ_WA and C_K*φ − 1 dropped, as §6 does)."""
    return inputs.T1_Kst / math.sqrt(inputs.R_Kst_phi)


def missing_energy(m_b, m_v):
    """E_miss = (m_B² − m_V²)/(2m_B) of B → Vγ_D in the B rest frame (GeV): 2.56 (K*), 2.59 (φ) GeV."""
    return (m_b**2 - m_v**2) / (2 * m_b)


def branching_ratios_point(alpha_D, m_Q, Lambda_TeV, N_Q, *, sommerfeld=True, dipole=False, printed=False, inputs: Inputs = PAPER):
    """The batched, jittable core of `branching_ratios`: one point, arrays in, dict of arrays out."""
    lam = Lambda_TeV * 1e3
    k_qq = N_Q * width_k_qq(alpha_D, m_Q, lam, sommerfeld=sommerfeld, dipole=dipole, printed=printed, inputs=inputs)
    kst = width_v_gamma(inputs.m_B0, inputs.m_Kst, inputs.T1_Kst, lam, printed=printed)
    phi = width_v_gamma(inputs.m_Bs, inputs.m_phi, t1_bs_phi(inputs), lam, printed=printed)
    return {
        "B+->K+QQbar": k_qq * inputs.tau_Bp / HBAR,
        "B0->K*gammaD": kst * inputs.tau_B0 / HBAR,
        "Bs->phigammaD": phi * inputs.tau_Bs / HBAR,
    }


def branching_ratios(alpha_D, m_Q, Lambda_TeV, N_Q=1, *, sommerfeld=True, dipole=False, printed=False, inputs: Inputs = PAPER):
    """BR(B⁺ → K⁺QQ̄) summed over N_Q generations, BR(B⁰ → K*γ_D), BR(B_s → φγ_D) at one point.

    alpha_D > 0, 0 < m_Q < (m_B − m_K)/2 (GeV), Lambda_TeV > 0, N_Q ≥ 1: bad values raise ValueError
    naming the argument. Returns {"B+->K+QQbar", "B0->K*gammaD", "Bs->phigammaD"} as floats.
    """
    m_max = (inputs.m_Bp - inputs.m_Kp) / 2
    checks = {"alpha_D": (alpha_D, 0, math.inf), "m_Q": (m_Q, 0, m_max), "Lambda_TeV": (Lambda_TeV, 0, math.inf), "N_Q": (N_Q, 0, math.inf)}
    for name, (value, lo, hi) in checks.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or not lo < value < hi:
            raise ValueError(f"{name} = {value!r}: need a number in ({lo}, {hi:g})")
    out = _jitted(sommerfeld, dipole, printed, inputs)(alpha_D, m_Q, Lambda_TeV, N_Q)
    return {k: float(v) for k, v in out.items()}


_CACHE = {}


def _jitted(sommerfeld, dipole, printed, inputs):
    key = (sommerfeld, dipole, printed, inputs)
    if key not in _CACHE:
        _CACHE[key] = jax.jit(lambda a, m, l, n: branching_ratios_point(a, m, l, n, sommerfeld=sommerfeld, dipole=dipole, printed=printed, inputs=inputs))
    return _CACHE[key]


def figures(folder, *, n_q=3, printed=True, inputs: Inputs = PAPER):
    """Draw Fig. 1 (`spectra.png`: dBR/dq² of B⁺ → K⁺QQ̄ for N_Q generations at m_Q = 0.5 GeV,
    α_D = 0.7 and 1.0, with and without the SF factor, beside the SM B⁺ → K⁺νν̄) and Fig. 3
    (`ratio.png`: BR(B⁰ → K*γ_D)/BR(B⁺ → K⁺Q_XQ̄_X) versus α_D for N_Q generations and several m_Q,
    with the value 2.7e-5/1.9e-5 the Belle II excess and the K* bound allow) in `folder`.
    matplotlib is the optional `plot` extra. Returns the file names."""
    import pathlib

    import numpy as np

    from fits import plots

    plots._matplotlib()
    from matplotlib.figure import Figure

    folder = pathlib.Path(folder)
    lam = LAMBDA_UNIT
    q2 = np.linspace(1e-3, (inputs.m_Bp - inputs.m_Kp) ** 2 * (1 - 1e-9), 600)
    to_br = inputs.tau_Bp / HBAR
    fig = Figure(figsize=(5.6, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for alpha, colour in ((0.7, "#1f77b4"), (1.0, "#d62728")):
        for sf, style in ((True, "-"), (False, "--")):
            rate = n_q * np.asarray(spectrum(q2, alpha, 0.5, lam, sommerfeld=sf, printed=printed, inputs=inputs)) * to_br
            ax.plot(q2, rate, style, color=colour, label=f"α_D = {alpha}" + (", SF" if sf else ""))
    ax.plot(q2, np.asarray(spectrum_nunu_sm(q2, inputs)) * to_br, "k-", label="SM K⁺νν̄")
    ax.set_xlabel("q² = missing mass² (GeV²)")
    ax.set_ylabel("dBR/dq² (GeV⁻²), Λ = 10⁵ TeV")
    ax.set_title(f"B⁺ → K⁺QQ̄, N_Q = {n_q}, m_Q = 0.5 GeV", fontsize="medium")
    ax.legend(frameon=False, fontsize="small")
    plots.save(fig, folder / "spectra.png")

    alphas = np.geomspace(0.05, 3.0, 60)
    fig = Figure(figsize=(5.6, 4.2), layout="constrained")
    ax = fig.add_subplot()
    rates = jax.vmap(lambda a, m: branching_ratios_point(a, m, 1e5, n_q, printed=printed, inputs=inputs), in_axes=(0, None))
    for m_q in (0.01, 0.5, 1.0, 1.5):
        br = rates(jnp.asarray(alphas), m_q)
        ax.plot(alphas, np.asarray(br["B0->K*gammaD"] / br["B+->K+QQbar"]), label=f"m_Q = {m_q} GeV")
    ax.axhline(2.7 / 1.9, color="#d62728", linestyle="--", label="K* bound / Belle II excess")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("α_D")
    ax.set_ylabel("BR(B⁰ → K*γ_D) / BR(B⁺ → K⁺Q_XQ̄_X)")
    ax.set_title(f"N_Q = {n_q}" + (" (printed conventions)" if printed else ""), fontsize="medium")
    ax.legend(frameon=False, fontsize="small")
    plots.save(fig, folder / "ratio.png")
    return ["spectra.png", "ratio.png"]
