"""Figs. 2–6 of the split-dark-sector paper (seed 003_063abde38b23e6be.txt) for `jaxflav plot`.

Figs. 2 and 3 are curves of the model alone: g_Vbs(3.5 GeV²) = 3.5 GeV² · g̃ against m_Φ (Eq. 11),
and the largest g_Vbs(3.5 GeV²) the B → K(*) limits of `jaxflav/data/darme2020_constraints.toml`
allow against m_V (every limit is quadratic in g̃, so its bound is g̃₀ √(limit/BR(g̃₀))). Figs. 4–6
are the draws of a `jaxflav sample` of a split-dark-sector config, coloured by the limits that
exclude them (`samples.npz`'s `excluded/<term>` masks, each limit at its confidence level): all
draws (the paper's yellow: data and (g − 2) fitted), those B → K + invisible allows by CLEO alone
(purple) and by every B → K(*) limit (green), and the Drell–Yan-excluded ones (red, Fig. 6). The
lines are the paper's: the Drell–Yan edge for g_μ^A = −0.44 g_μ^V (Eq. 26, m_V = 1–5 GeV), the
trident bound (Eq. 27, only with a neutrino coupling) and the (g − 2) 2σ bound with g_μ^A = 0.
Fig. 6's B_s-mixing shading needs the R_BB bound on C₁ (Eq. 17), which the paper does not print;
it is left out.
"""

import numpy as np

from jaxflav import inputs

Q2_REFERENCE = 3.5  # GeV², the paper's "indicative momentum transfer" of Figs. 2 and 3
G_BS_SIMPLIFIED = 5e-6  # g_bs of the simplified Z′ fit the paper compares with (§4, ref. [18])
FIG2_R = (0.1, 1.0, 10.0)  # |g_D Q_Φ y_s y_b|
FIG3_CASES = ((1e-3, 1.0), (1e-3, 0.1), (5.0, 1.0))  # (m_χ GeV, g_D); the paper's m_χ = 5 GeV case is the third
FIG3_G_MU_V = 0.01  # g_μ^V of Fig. 3 (V → μμ against V → χχ̄); r_AV = 0
B_TO_K = ("B->K+inv CLEO", "B->K+inv BaBar 2010 low q2", "B->K+inv BaBar 2010 high q2", "B0->K*0(V->mumu) LHCb")
CLEO = "B->K+inv CLEO"
DRELL_YAN = "Drell-Yan"
LABELS = {"m_V": "m_V (GeV)", "g_mu_V": "g_μ^V", "r": "r = |g_D Q_Φ y_s y_b|", "g_D": "g_D", "g_tilde": "|g̃| (GeV⁻²)"}


def _g_vbs(m_phi, m_chi, r):
    from jaxflav.models import split_dark_sector as sds

    return np.asarray([Q2_REFERENCE * abs(float(sds.g_tilde({"r": r, "m_chi": m_chi, "m_Phi": m}))) for m in m_phi])


def figure_2(path):
    """g_Vbs(3.5 GeV²) against m_Φ for r = 0.1, 1, 10, m_χ = 1 MeV (solid) and 1 GeV (dashed)."""
    from fits import plots

    m_phi = np.geomspace(1e3, 1e4, 60)
    lines = {f"r = {r:g}, m_χ = {label}": (m_phi, _g_vbs(m_phi, m_chi, r), style)
             for r in FIG2_R for m_chi, label, style in ((1e-3, "1 MeV", "-"), (1.0, "1 GeV", "--"))}  # fmt: skip
    lines["simplified Z′ fit (g_bs)"] = (m_phi, np.full_like(m_phi, G_BS_SIMPLIFIED), ":")
    return plots.curves(None, lines, labels=("m_Φ (GeV)", "g_Vbs(3.5 GeV²)"), scales=("log", "log"), path=path)


def _bounds(masses, cases):
    """The largest g̃ (GeV⁻²) the B → K(*) limits allow at each m_V, for each (m_χ, g_D) of `cases`
    and g_μ^V = FIG3_G_MU_V, shape (cases, masses): each limit's χ² grows as g̃⁴ (a rate ∝ g̃², no
    background), so its bound is g̃₀ (χ²_excl/χ²(g̃₀))^{1/4}."""
    import jax

    from jaxflav import constraints
    from jaxflav.models import split_dark_sector as sds

    terms = [t for t in constraints.load("darme2020_constraints") if t.name in B_TO_K]
    g0 = 1e-8

    def chi2(m, m_chi, g_d):
        r0 = g0 / sds.g_tilde({"r": 1.0, "m_chi": m_chi})  # the r that gives g̃ = g0
        p = {**sds.FIXED, "m_V": m, "r": r0, "g_mu_V": FIG3_G_MU_V, "r_AV": 0.0, "g_D": g_d, "m_chi": m_chi}
        return constraints.chi2_terms(terms, sds.b_to_k_searches(p), m)

    m_chi, g_d = (np.array([c[k] for c in cases], dtype=float) for k in (0, 1))
    values = jax.jit(jax.vmap(jax.vmap(chi2, (0, None, None)), (None, 0, 0)))(np.asarray(masses, dtype=float), m_chi, g_d)
    bound = np.full((len(cases), len(masses)), np.inf)
    for t in terms:
        c = np.asarray(values[t.name])
        with np.errstate(divide="ignore"):
            bound = np.minimum(bound, np.where(c > 0, g0 * (constraints.exclusion_chi2(t) / np.where(c > 0, c, 1.0)) ** 0.25, np.inf))
    return bound


def figure_3(path):
    """The B → K(*) upper bound on g_Vbs(3.5 GeV²) against m_V, for three (m_χ, g_D)."""
    from fits import plots

    masses = np.geomspace(0.02, 6.0, 160)
    bounds = _bounds(masses, FIG3_CASES)
    lines = {f"m_χ = {m_chi:g} GeV, g_D = {g_d:g}": (masses, Q2_REFERENCE * b, "-") for (m_chi, g_d), b in zip(FIG3_CASES, bounds)}
    return plots.curves(None, lines, labels=("m_V (GeV)", "largest g_Vbs(3.5 GeV²)"), scales=("log", "log"), path=path)


def _groups(excluded, n, first="posterior draws"):
    """The draws' colour groups: all (yellow), allowed by CLEO (purple), by every B → K(*) limit (green)."""
    every = np.ones(n, bool)
    cleo = ~excluded[CLEO] if CLEO in excluded else every
    allowed = ~np.any([excluded[k] for k in B_TO_K if k in excluded], axis=0) if any(k in excluded for k in B_TO_K) else every
    return [(first, every, "#f2c318", "."),
            ("allowed by CLEO B → K + inv.", cleo, "#8e44ad", "."),
            ("allowed by every B → K(*) limit", allowed, "#2ca02c", ".")]  # fmt: skip


def g_minus_2_curve(m_v, bound=4e-9):
    """The g_μ^V at which δa_μ reaches the 2σ bound with g_A = 0 (Eqs. 24–25), at each m_V (GeV)."""
    import jax

    from kernels import loop_functions

    unit = jax.vmap(lambda m: loop_functions.delta_g_minus_2(inputs.DEFAULT.m_mu / m, 1.0, 0.0))(np.asarray(m_v, dtype=float))
    return np.sqrt(bound / np.asarray(unit))


def _mass_lines(ax, low, high):
    """Fig. 4's lines on the (m_V, g_μ^V) axes: Drell–Yan edge (g_A = −0.44 g_V), trident, (g − 2) with g_A = 0."""
    m = np.linspace(low, high, 200)
    dy = (m >= 1.0) & (m <= 5.0)
    edge = 5.6e-2 * (1 + 0.13 * m) / np.sqrt(1 + 0.44**2)
    ax.fill_between(m[dy], edge[dy], 1.0, color="#888888", alpha=0.4, linewidth=0, label="Drell–Yan excluded (g_A = −0.44 g_V)")
    ax.plot(m, np.maximum(0.002 * m, 0.001), ":", color="#8e44ad", label="trident (with a ν coupling)")
    ax.plot(m, g_minus_2_curve(m), "-", color="#5dade2", label="(g − 2) 2σ, g_A = 0")


def _draws(data):
    """({parameter: draws}, {limit: exclusion mask}) of a samples.npz, chains flattened."""
    s = {k.removeprefix("samples/"): np.ravel(data[k]) for k in data.files if k.startswith("samples/")}
    return s, {k.removeprefix("excluded/"): np.ravel(data[k]) for k in data.files if k.startswith("excluded/")}


def _fixed_point(fixed):
    """The model's fixed masses and charge (FIXED), as the sample's config set them."""
    from jaxflav.models import split_dark_sector as sds

    return {**sds.FIXED, **{k: fixed[k] for k in sds.FIXED if k in fixed}}


def figures(folder, meta, data):
    """Draw figure_2/3 and, from the draws, figure_{4|5}_m_V_couplings and figure_6_g_D_r in
    `folder`, and write `section4.json` (`section_4`); returns the file names written."""
    from fits import plots
    from jaxflav.models import split_dark_sector as sds

    drawn = []
    for name, draw in (("figure_2_g_Vbs_m_Phi.png", figure_2), ("figure_3_g_Vbs_bound.png", figure_3)):
        draw(folder / name)
        drawn.append(name)
    s, excluded = _draws(data)
    if not {"m_V", "g_mu_V", "r"} <= set(s):
        return drawn
    fixed = meta["config"].get("fixed", {})
    g_tilde = np.abs(s["r"]) * abs(float(sds.g_tilde({**_fixed_point(fixed), "r": 1.0})))
    low = float(np.min(s["m_V"])) < 2.0 and float(np.max(s["m_V"])) <= 2.0
    fig_no = 5 if low else 4
    two_step = meta.get("procedure") == "two-step"
    groups = _groups(excluded, len(s["m_V"]), "two-step fit: data and (g − 2)" if two_step else "posterior draws (every limit in the likelihood)")
    fig = plots.selected_points([(LABELS["m_V"], LABELS["g_mu_V"], s["m_V"], s["g_mu_V"]), (LABELS["m_V"], LABELS["g_tilde"], s["m_V"], g_tilde)], groups, figsize=(10, 5.2))
    ax = fig.axes[0]
    _mass_lines(ax, float(np.min(s["m_V"])), float(np.max(s["m_V"])))
    for a in fig.axes:
        a.set_yscale("log")
    ax.set_ylim(np.min(s["g_mu_V"]) / 2, 1.0)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.15), ncol=2, frameon=False, fontsize="x-small")
    name = f"figure_{fig_no}_m_V_couplings.png"
    plots.save(fig, folder / name)
    drawn.append(name)
    if "g_D" in s:
        allowed = groups[2][1]
        heavy = s["m_V"] > 8.0
        dy = excluded.get(DRELL_YAN, np.zeros(len(heavy), bool))
        fig = plots.selected_points([(LABELS["g_D"], LABELS["r"], s["g_D"], s["r"])],
                                    [("allowed, m_V < 8 GeV", allowed & ~heavy, "#2ca02c", "*"), ("allowed, m_V > 8 GeV", allowed & heavy, "#1f45c8", "o"),
                                     ("excluded by Drell–Yan", dy, "#d62728", ".")], figsize=(5.2, 4.2))  # fmt: skip
        fig.axes[0].set_yscale("log")
        name = "figure_6_g_D_r.png"
        plots.save(fig, folder / name)
        drawn.append(name)
    if set(sds.PARAMETERS) <= set(s):
        from fits import files

        files.write_json(folder / "section4.json", section_4(data, fixed))
        drawn.append("section4.json")
    return drawn


M_B_MINUS_M_K = inputs.DEFAULT.m_Bp - inputs.DEFAULT.m_Kp  # GeV: B⁺ → K⁺V closes above
BS_MUMU = (2.7164627726229675e-9, 3.664656167046745e-10)  # the 2020 combination in bsmumu-2019 (Gaussian)
RK_TERMS = ("LHCb RK 2019", "LHCb RK* 2017 0.045-1.1", "LHCb RK* 2017 1.1-6.0", "Belle RK* 2019")


def _quantiles(x):
    return [float(v) for v in np.percentile(x, (16, 50, 84))] if len(x) else None


def section_4(data, fixed):
    """The paper's §4 statements measured on a sample's draws (`section4.json`):

    - B → K + invisible: the share of draws every B → K(*) limit allows, below and above M_B − M_K;
    - (g − 2) tuning: r_AV = g_A/g_V (16/50/84 %) of the draws above and below the g_A = 0 (g − 2)
      curve (the cancellation sits at −0.44);
    - the largest g_Vbs(3.5 GeV²) of the draws, against the simplified Z′ model's g_bs = 5×10⁻⁶;
    - B_s → μμ in the paper's treatment (Eqs. 19–20) at every draw: the share whose χ² against the
      measurement exceeds the SM's by 4 (2σ), below and above m_V = 1.4 GeV (the full treatment
      leaves it at the SM's, itself 2.8σ above the 2020 combination);
    - the R_K(*) pulls √χ² (16/50/84 %) of the draws, where the sample stored its terms.

    `fixed`: the config's [fixed] table (sign_r: the draws hold |r|; m_chi, m_Phi, Q_Phi if set)."""
    import jax

    from jaxflav.models import split_dark_sector as sds
    from jaxflav.models import vector_boson

    s, excluded = _draws(data)
    point = _fixed_point(fixed)
    m_v, g_v = s["m_V"], s["g_mu_V"]
    allowed = _groups(excluded, len(m_v))[2][1]
    out = {"draws": len(m_v)}
    above = m_v > M_B_MINUS_M_K
    out["B->K+inv allowed share"] = {"m_V < M_B - M_K": float(allowed[~above].mean()) if (~above).any() else None,
                                      "m_V > M_B - M_K": float(allowed[above].mean()) if above.any() else None,
                                      "draws below": int((~above).sum()), "draws above": int(above.sum())}  # fmt: skip
    tuned = g_v > g_minus_2_curve(m_v)
    out["r_AV quantiles"] = {"above the (g-2) curve": _quantiles(s["r_AV"][tuned]), "below": _quantiles(s["r_AV"][~tuned]), "share above": float(tuned.mean())}
    out["max g_Vbs(3.5 GeV2)"] = float(Q2_REFERENCE * np.abs(s["r"]).max() * abs(float(sds.g_tilde({**point, "r": 1.0}))))

    def bs_paper(x):
        return vector_boson.bs_mumu()[0](sds.resonance({**point, **dict(zip(sds.PARAMETERS, x))}, treatment="paper"))[0]

    sign_r = fixed.get("sign_r", 1.0)
    x = np.stack([sign_r * s[k] if k == "r" else s[k] for k in sds.PARAMETERS], axis=1)
    br = np.asarray(jax.jit(jax.vmap(bs_paper))(x))
    worse = ((br - BS_MUMU[0]) ** 2 - (vector_boson.bs_mumu()[1] - BS_MUMU[0]) ** 2) / BS_MUMU[1] ** 2 > 4  # Δχ² > 4 against the SM's
    light = m_v < 1.4
    out["Bs->mumu 2 sigma worse than the SM (paper treatment)"] = {"m_V < 1.4 GeV": float(worse[light].mean()) if light.any() else None,
                                                                   "m_V > 1.4 GeV": float(worse[~light].mean()) if (~light).any() else None,
                                                                   "draws below": int(light.sum()), "median BR/BR_SM": float(np.median(br) / vector_boson.bs_mumu()[1])}  # fmt: skip
    out["R_K(*) pulls"] = {n: _quantiles(np.sqrt(np.ravel(data[f"terms/{n}"]))) for n in RK_TERMS if f"terms/{n}" in data.files}
    return out
