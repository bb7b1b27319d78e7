"""Write limits/lhcb2015_kstar_chi_mumu.toml: LHCb's 95 % CL upper limits on BR(B⁰ → K*⁰χ) BR(χ → μμ)
for a prompt χ (τ = 10⁻⁵ ps, the first knot of each lifetime spline), against m(χ), from the public
ROOT file of LHCb-PAPER-2015-036 (PRL 115 (2015) 161802): per mass m (MeV) the spline
`abs_ul_spline_<m>` (limit against τ/ps).

    python jaxflav/data/make_lhcb_kstar_mumu_limits.py lhcb_2015_036.root

needs uproot (pip install uproot), which jaxflav itself does not use. The ROOT file was read from
github:anasthesia/alps-BelleII@cd86c4ac:Experimental_files/lhcb_2015_036.root (a copy of LHCb's
supplementary file, CDS LHCb-PAPER-2015-036); only its numbers go into the TOML.
"""

import pathlib
import sys

VETOED_PROMPT = ((0.742, 0.822), (1.0, 1.04), (2.913, 3.211), (3.609, 3.875))  # GeV, the search's vetoes for τ < 1 ps


def limits(path):
    """(masses GeV, prompt limits) of every mass outside the prompt vetoes."""
    import uproot

    f = uproot.open(path)
    masses = sorted(int(k.split(";")[0].rsplit("_", 1)[1]) for k in f.keys() if k.startswith("abs_ul_spline_"))
    out = []
    for m in masses:  # MeV; `g_masses` also lists the J/ψ, ψ(2S) vetoes and 4350, which have no spline
        mass = m / 1000
        if any(lo < mass < hi for lo, hi in VETOED_PROMPT):
            continue
        knot = f[f"abs_ul_spline_{m}"].member("fPoly")[0]
        assert knot.member("fX") <= 1e-5, m
        out.append((mass, knot.member("fY")))
    return out


def toml(rows):
    mass = ", ".join(f"{m:.3f}" for m, _ in rows)
    limit = ", ".join(f"{v:.4e}" for _, v in rows)
    windows = ", ".join(f"[{lo}, {hi}]" for lo, hi in VETOED_PROMPT)
    return f"""# LHCb search for a hidden-sector boson chi in B0 -> K*0 chi(-> mu+ mu-), 95 % CL upper limits on
#   BR(B0 -> K*0 chi) x BR(chi -> mu+ mu-) for a prompt chi (lifetime 1e-5 ps), against m(chi).
#
# Publication: LHCb collaboration (R. Aaij et al.), "Search for hidden-sector bosons in B0 -> K*0 mu+ mu-
#   decays", Phys. Rev. Lett. 115 (2015) 161802, arXiv:1508.04094, LHCb-PAPER-2015-036 (Fig. 4).
# Where the numbers come from: the analysis' public ROOT file lhcb_2015_036.root (per-mass limit
#   splines in the lifetime), read from github:anasthesia/alps-BelleII@cd86c4ac (a copy of LHCb's
#   supplementary file) by jaxflav/data/make_lhcb_kstar_mumu_limits.py: the value of each spline at
#   its first knot, tau = 1e-5 ps. Only numbers are copied. Cite LHCb.
# Processing: every mass of the file (1 MeV steps where the search was run), none thinned; the masses
#   inside the vetoes for a prompt chi (omega/rho, phi, J/psi, psi(2S)) dropped and recorded in
#   `vetoed`. Interpolate log(limit) linearly in log(mass); no limit below 214 MeV or above 4349 MeV.
# The split-dark-sector paper (Darme et al. 2020, Sec. 3.1) summarises these limits as "<~ 2e-9".

[source]
experiment = "LHCb"
citation = "LHCb collaboration, R. Aaij et al., Search for hidden-sector bosons in B0 -> K*0 mu+ mu- decays, Phys. Rev. Lett. 115 (2015) 161802"
arxiv = "1508.04094"
figure = "Fig. 4; public ROOT file of LHCb-PAPER-2015-036 (abs_ul_spline_<m> at tau = 1e-5 ps)"
data_from = "github:anasthesia/alps-BelleII@cd86c4ac6c8379324ee76067a62f097411ac3ea5:Experimental_files/lhcb_2015_036.root"

[curve]
quantity = "BR(B0 -> K*0 chi) BR(chi -> mu+ mu-), prompt chi"
cl = 0.95
source_mass_range = [0.214, 4.349]
vetoed = [{windows}]
mass = [{mass}]
limit = [{limit}]
"""


if __name__ == "__main__":
    out = pathlib.Path(__file__).parent / "limits" / "lhcb2015_kstar_chi_mumu.toml"
    out.write_text(toml(limits(sys.argv[1])))
    print(f"wrote {out}")
