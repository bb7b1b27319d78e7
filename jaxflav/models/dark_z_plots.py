"""Figs. 8–10 of the dark-Z paper (seed 000_8c6ceb1288264742.txt) from a `jaxflav scan` of a
dark-z-case-{a,b,c}(-constrained) config, in the treatment the scan used.

Each plane (M_ZD against a coupling; the paper's) shows the b→sℓℓ data's 1σ, 2σ, 3σ regions — the
χ² of Table 1 profiled over the other parameters — and, over them, the edge of every constraint's
exclusion (`jaxflav/data/rashed2026_constraints.toml`), profiled the same way: the region beyond an
edge is excluded whatever the other parameters are, where the paper draws its overlays at a few
fixed values of them. Limits exclude at their confidence level (χ² = 2.71 at 90 %), measurements
at 2σ (χ² = 4).
"""

import numpy as np

PLANES = {"A": (("M_ZD", "eps_Z"), ("M_ZD", "eps")), "B": (("M_ZD", "g_mu_D"), ("M_ZD", "eps_Z")), "C": (("M_ZD", "g_mu_D"), ("M_ZD", "eps_Z"))}
LABELS = {"M_ZD": "M_ZD (GeV)", "eps": "ε", "eps_Z": "ε_Z (jaxflav: twice the paper's)", "g_mu_D": "g_D^μ"}


def threshold(term):
    """The χ² above which a constraint term excludes: its limit's confidence level, 2σ for a measurement."""
    from jaxflav import constraints

    return 4.0 if term.kind == "measurement" else constraints.exclusion_chi2(term)


def figures(folder, meta, data, space, terms):
    """Draw `figure_<x>_<y>.png` for each plane of the scan's case; `terms` the constraint terms by
    name (those the scan holds). Returns the file names written."""
    from fits import plots, regions

    model = meta["config"].get("model", "")
    case = model.removeprefix("dark-z-case-")[:1].upper()
    treatment = meta["config"].get("treatment", "full")
    x = np.asarray(data["x"])
    total = np.asarray(data["values" if "values" in data.files else "values.chi2"], dtype=float)
    per_term = {n: np.asarray(data[f"values.terms.{n}"], dtype=float) for n in terms}
    stored = [k for k in data.files if k.startswith("values.terms.") and k[len("values.terms."):] not in terms]
    if stored:  # the measurement files' own χ² (the difference would cancel catastrophically where a constraint is ~10¹⁹)
        data_chi2 = sum(np.asarray(data[k], dtype=float) for k in stored)
    else:
        data_chi2 = total - sum(per_term.values(), np.zeros_like(total))
    drawn = []
    for pair in PLANES.get(case, ()):
        if not all(n in space.names for n in pair):
            continue
        fig = plots.delta_chi2_regions(None, regions.profile_scan(x, data_chi2, space, list(pair)), labels=[LABELS[n] for n in pair], figsize=(8.6, 4.8))
        ax = fig.axes[0]
        curves = {f"{name} ({'2σ' if t.kind == 'measurement' else f'{t.curve.cl if t.curve else t.cl:.0%} CL'})":
                  (regions.profile_scan(x, per_term[name], space, list(pair), chi2_min=0.0), threshold(t))
                  for name, t in terms.items() if np.nanmax(per_term[name]) > threshold(t)}  # fmt: skip
        plots.exclusion_lines(ax, curves)
        ax.set_title(f"Case {case}, {treatment} treatment: b→sℓℓ regions and the exclusions of §4", fontsize="small")
        name = f"figure_{pair[0]}_{pair[1]}.png"
        plots.save(fig, folder / name, bbox_inches="tight")
        drawn.append(name)
    return drawn

