"""Models: pure maps from a model's parameters to b→sℓℓ Wilson coefficients (functions of q²).

A `Model` names its parameters and turns a dict of them (traced JAX scalars) into the `wc`
argument of `jaxflav.predictions.Predictions`: a dict from WCxf names to numbers or functions of
q² (GeV²). Models are looked up by name in configs (`model = "wilson"`).

- `wilson`: the Wilson coefficients themselves, as real constant shifts at 4.8 GeV; parameters are
  WCxf names (`C9_bsmumu`, `C10_bsmumu`, …). The classic model-independent fit.
- `dark-z-case-a`, `dark-z-case-b`, `dark-z-case-c`: the dark photon / dark Z of
  `jaxflav.models.dark_z` (parameters `M_ZD` in GeV, `eps`, `eps_Z`, `g_mu_D`, `Gamma_inv` in GeV;
  those a config neither fits nor fixes are 0; `sign_eps`, `sign_g_mu_D` = ±1 set relative signs). Returns a `jaxflav.wcxf.Resonance`.
  Option `treatment` = "full" (default: the complete propagator, with its longitudinal mode) or
  "paper" (its −g_μν part, as the paper). Its own observables (`dark_z.observables`: on-shell
  B → K(*) Z_D, K → π Z_D, B_s → μμ, Z_D branching fractions) meet constraint files
  (`rashed2026_constraints`).
- `bl23-scenario-1`, `bl23-scenario-2`: the (B−L)₂₃ Z′ of `jaxflav.models.bl23` against the K-decay
  and (g − 2)_μ constraints (`jaxflav.constraints`, e.g. `kang2021_kaon`): parameters `m_Zp` (GeV,
  [0.01, 2m_μ]) and `g_BL`; below 2m_μ, where Z′ → νν̄ is its only decay (Eq. 3.1); Scenario II adds the first row of W_u, (cos ψ, sin ψ cos φ e^{iθ₁₂},
  sin ψ sin φ e^{iθ₁₃}) (Eq. 4.13), as `psi`, `phi`, `theta_12`, `theta_13`; Scenario I drops the
  C_R g_R terms (§IV.B). These models have `observables` instead of Wilson coefficients.
- `massless-dark-photon`, `massless-dark-photon-printed`: the dipole-coupled massless dark photon of
  `jaxflav.models.massless_dark_photon` against B → K(*) + invisible (`gabrielli2024_invisible`):
  `alpha_D`, `m_Q` (GeV), `Lambda_TeV`, `N_Q` (usually fixed); the Sommerfeld factor is on; the
  second uses the paper's printed conventions (Eqs. 3.14, 4.4 as printed).
"""

import math
from typing import Callable, NamedTuple

from jaxflav import wcxf


class Model(NamedTuple):
    """The protocol every model follows: its parameters and their domains, and what it predicts —
    b→sℓℓ Wilson coefficients (fitted to tables and data sets), its own observables (fitted to
    constraint files), or both; `jaxflav.likelihood.Likelihood` takes any model to any mix."""

    name: str
    description: str
    parameters: tuple | None  # the names a config may fit or fix; None: any WCxf name
    required: tuple = ()  # those a config must fit or fix
    bounds: dict = {}  # parameter → (low, high) the model is valid in (checked against config ranges)
    values: dict = {}  # parameter → the values it may take (discrete settings, e.g. relative signs ±1)
    signs: dict = {}  # discrete sign parameter → the coupling it signs (`jaxflav fit` tries both where that coupling is on)
    wilson: Callable | None = None  # parameters → wc (`jaxflav.predictions.Predictions`)
    coefficients: tuple | None = None  # the WCxf names `wilson` may set (None: its parameters, which are WCxf names)
    observables: Callable | None = None  # () → (parameters → {observable: value}), built once, outside traces
    outputs: tuple = ()  # the names `observables` returns (constraint files are checked against them)
    mass: str | None = None  # the parameter that is the boson mass (constraints' mass windows)
    options: dict = {}  # option → its allowed values, the first the default (set at a config's top level)
    with_options: Callable | None = None  # (**options) → this model built with them
    warps: Callable | None = None  # ({fitted name: (low, high)}, fixed) → fits.space.Warp's: sampling coordinates

    def check(self, given):
        """ValueError naming parameters the model does not have, or required ones missing."""
        if self.parameters is None:
            wcxf.check_names(given)
            return
        unknown = sorted(set(given) - set(self.parameters))
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)}; known: {', '.join(self.parameters)}")
        missing = [n for n in self.required if n not in given]
        if missing:
            raise ValueError(f"needs parameter(s) {', '.join(missing)} (fitted or fixed)")


WILSON = Model("wilson", "real constant shifts of WCxf Wilson coefficients at 4.8 GeV", None, wilson=lambda p: dict(p))


def _dark_z(case, treatment="full"):
    from jaxflav.models import dark_z

    required = {"A": ("M_ZD",), "B": ("M_ZD", "g_mu_D"), "C": ("M_ZD", "g_mu_D")}[case]

    def physical(p):
        values = {n: p.get(n, 0.0) for n in dark_z.PARAMETERS}
        values["eps"] = p.get("sign_eps", 1.0) * values["eps"]
        values["g_mu_D"] = p.get("sign_g_mu_D", 1.0) * values["g_mu_D"]
        return values

    def wilson(p):
        return dark_z.resonance(case, **physical(p), treatment=treatment)

    def observables():
        return lambda p: dark_z.observables(physical(p), case, treatment)

    signs = {n: (-1.0, 1.0) for n in dark_z.SIGNS}
    coefficients = ("C7_bs", "C9_bsee", "C9_bsmumu", "C10_bsee", "C10_bsmumu")  # dark_z.resonance's columns
    coefficients += ("CP_bsee", "CP_bsmumu") if treatment == "full" else ()
    description = f"dark photon / dark Z, Case {case} (Rashed 2026), {treatment} propagator"
    return Model(f"dark-z-case-{case.lower()}", description, dark_z.PARAMETERS + dark_z.SIGNS, required, dark_z.BOUNDS, signs,
                 signs={"sign_eps": "eps", "sign_g_mu_D": "g_mu_D"}, wilson=wilson, coefficients=coefficients, observables=observables, outputs=dark_z.OUTPUTS, mass="M_ZD",
                 options={"treatment": dark_z.TREATMENTS}, with_options=lambda **o: _dark_z(case, **o))


def _bl23(scenario):
    from jaxflav.models import bl23

    names = ("m_Zp", "g_BL") + (("psi", "phi", "theta_12", "theta_13") if scenario == 2 else ())

    def observables():
        table = bl23.loop_table()  # built here, outside any trace

        def predict(p):
            w = bl23.w_row(p["psi"], p["phi"], p["theta_12"], p["theta_13"]) if scenario == 2 else None
            return bl23.kaon_observables(p["g_BL"], p["m_Zp"], w, table)

        return predict

    description = f"(B−L)₂₃ Z′, Scenario {'I' * scenario}: K → π Z′ and (g − 2)_μ (Kang, Shigekami 2021)"
    bounds = {"m_Zp": (0.01, 2 * bl23.M_MU), "g_BL": (0.0, 1.0)}  # Z′ → νν̄ only below 2m_μ (Eq. 3.1)
    outputs = ("BR(K+->pi+Zp)", "BR(KL->pi0Zp)", "Delta a_mu")
    return Model(f"bl23-scenario-{scenario}", description, names, names, bounds, observables=observables, outputs=outputs, mass="m_Zp")


def _massless_dark_photon(printed):
    from jaxflav.models import massless_dark_photon as mdp

    names = ("alpha_D", "m_Q", "Lambda_TeV", "N_Q")

    def observables():
        def predict(p):
            return mdp.branching_ratios_point(p["alpha_D"], p["m_Q"], p["Lambda_TeV"], p["N_Q"], printed=printed)

        return predict

    m_max = (mdp.PAPER.m_Bp - mdp.PAPER.m_Kp) / 2
    bounds = {"alpha_D": (0.0, 4 * math.pi), "m_Q": (0.0, m_max), "Lambda_TeV": (0.0, math.inf), "N_Q": (1.0, 100.0)}
    name = "massless-dark-photon" + ("-printed" if printed else "")
    description = "massless dark photon, B⁺ → K⁺QQ̄ with Sommerfeld factor (Gabrielli et al. 2024)" + (", printed conventions" if printed else "")
    outputs = ("B+->K+QQbar", "B0->K*gammaD", "Bs->phigammaD")
    return Model(name, description, names, names, bounds, observables=observables, outputs=outputs)


def _split_dark_sector(treatment="full"):
    from jaxflav.models import split_dark_sector as sds

    names = sds.PARAMETERS + tuple(sds.FIXED) + sds.SIGNS
    bounds = {"m_V": (1e-3, 20.0), "r": (0.0, 100.0), "g_mu_V": (0.0, 1.0), "r_AV": (-10.0, 10.0), "g_D": (0.0, 4 * math.pi),
              "m_chi": (1e-6, 100.0), "m_Phi": (100.0, 1e5), "Q_Phi": (-10.0, 10.0)}  # fmt: skip

    def physical(p):
        return {**sds.FIXED, **p, "r": p.get("sign_r", 1.0) * p["r"]}

    def wilson(p):
        return sds.resonance(physical(p), treatment=treatment)

    def observables():
        return lambda p: sds.observables(physical(p), treatment=treatment)

    def warps(ranges, fixed):
        """r_AV in the (g − 2) coordinate where δa_μ is monotone in it (its range on one side of 0)."""
        low, high = ranges.get("r_AV", (-1.0, 1.0))
        coupled = "g_mu_V" in ranges or fixed.get("g_mu_V", 0.0) != 0.0
        return (sds.g2_coordinate(1.0 if low >= 0 else -1.0, fixed),) if coupled and (low >= 0 or high <= 0) else ()

    signs = {"sign_r": (-1.0, 1.0)}
    description = f"split dark sector: loop-induced b–s–V coupling of a dark photon (Darmé, Fedele, Kowalska, Sessolo 2020), {treatment} treatment"
    return Model("split-dark-sector", description, names, sds.PARAMETERS, bounds, signs, signs={"sign_r": "r"}, wilson=wilson,
                 coefficients=("C9_bsmumu", "C10_bsmumu", "CP_bsmumu", "CPp_bsmumu"), observables=observables, outputs=sds.OUTPUTS,
                 mass="m_V", options={"treatment": sds.TREATMENTS}, with_options=lambda **o: _split_dark_sector(**o), warps=warps)  # fmt: skip


MODELS = {m.name: m for m in (WILSON, *(_dark_z(c) for c in "ABC"), _bl23(1), _bl23(2), _massless_dark_photon(False), _massless_dark_photon(True),
                               _split_dark_sector())}  # fmt: skip


def get(name: str, options: dict | None = None) -> Model:
    """The model called `name`, built with `options` (`Model.options`, e.g. {"treatment": "paper"});
    ValueError naming an unknown model, option or option value."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    model, options = MODELS[name], options or {}
    for key, value in options.items():
        if key not in model.options:
            raise ValueError(f"model {name!r} has no option {key!r}" + (f"; its options: {', '.join(model.options)}" if model.options else ""))
        if value not in model.options[key]:
            raise ValueError(f"model {name!r}: {key} must be one of {', '.join(map(repr, model.options[key]))}, got {value!r}")
    return model.with_options(**options) if options else model
