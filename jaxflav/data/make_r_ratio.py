"""Write r_ratio_pdg.toml: the measured R(√s) = σ(e⁺e⁻ → hadrons)/σ_pt(e⁺e⁻ → μ⁺μ⁻) from 2m_π
to 3 GeV, read from the Particle Data Group's compilation "R in the light-flavour region".

Source (numbers only): Particle Data Group, M. Tanabashi et al., Phys. Rev. D 98 (2018) 030001
(open access, CC BY 4.0), section "Plots of cross sections and related quantities", data file
`rpp2018-hadronicrpp_page1001.dat` (COMPAS group, IHEP Protvino, with HEPDATA, Durham; "1181
points, 30.08.2017"), https://pdg.lbl.gov/2018/hadronic-xsections/. The copy read here is the one
in github.com/VitalyVorobyev/rplot, path data/rpp2018-hadronicrpp_page1001.dat, commit
b4b79cdfb92ae335ec7ba4578c04c8d14dbadadd (sha256 below; the file is the PDG's, that repository adds
nothing to it). Run:

    python jaxflav/data/make_r_ratio.py path/to/rpp2018-hadronicrpp_page1001.dat

The transformation (all of it):
1. Below 2 GeV, the PDG's own "EXCLSUM 17" points (exclusive e⁺e⁻ cross sections, updated with
   CMD-3 and SND, "resummed to obtain the total cross section", as the file's header says), errors
   as given (statistical column; the compilation quotes no separate systematic). Points within
   `MERGE_GEV` in √s of the first point of their group (duplicates and the 0.01-MeV steps of the ω
   and φ peak scans) are merged into one, √s and R averaged with weights 1/σ², σ = 1/√(Σ 1/σ²).
   The two KEDR inclusive points below 2 GeV are not used (the PDG plots the exclusive sum there).
2. From 2 to 3.07 GeV (below the J/ψ), the inclusive measurements (BES "BAI 00C", "BAI 01", KEDR
   "ANASHIN 17A", "ANASHIN 19"), each with σ² = stat² + Σ(point-to-point sys)² + (normalisation)²,
   averaged with weights 1/σ² in the bins `INCLUSIVE_BINS` (√s and R both weighted); BES and KEDR
   alternate in √s and differ by ~7 %, so unbinned points would zig-zag.
3. One last node at `END_GEV` = 3 GeV whose R is the weighted mean of all inclusive points of
   step 2: the level jaxflav.models.hadrons continues flat above the table.
"""

import hashlib
import pathlib
import re
import sys

import numpy as np

SHA256 = "390ab624421f0072357ff4a225455f8265ff97753156a0bf8e5a4a1925d84ffa"
MERGE_GEV = 3e-4
EXCLUSIVE_END = 2.0
INCLUSIVE = ("BAI 00C", "BAI 01", "ANASHIN 17A", "ANASHIN 19")
INCLUSIVE_BINS = (2.0, 2.25, 2.5, 2.75, 3.07)
END_GEV = 3.0
OUT = pathlib.Path(__file__).with_name("r_ratio_pdg.toml")

_NUM = r"\s*([-+]?\d+\.\d*)"
_POINT = re.compile("^" + _NUM * 7 + r"\s+'([^']*)'\s+'([^']*)'" + _NUM * 2)
_MORE_SYS = re.compile(r"^\s{40,}" + _NUM * 2 + r"\s+'")


def read(path):
    """Rows (√s, R, σ_stat, norm %, [sys %, …], code) of the PDG file; continuation lines add sys."""
    rows = []
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith("*") or not line.strip():
            continue
        m = _POINT.match(line)
        if m:
            x, _, _, r, stat_up, stat_down, norm = (float(v) for v in m.groups()[:7])
            rows.append({"sqrt_s": x, "r": r, "stat": max(abs(stat_up), abs(stat_down)), "norm": norm,
                         "sys": [abs(float(m.group(10)))], "code": m.group(8).strip()})  # fmt: skip
            continue
        m = _MORE_SYS.match(line)
        if m:
            rows[-1]["sys"].append(abs(float(m.group(1))))
            continue
        raise ValueError(f"unparsed line: {line!r}")
    return rows


def _weighted(x, r, err):
    w = 1 / np.asarray(err) ** 2
    return float(np.sum(w * x) / np.sum(w)), float(np.sum(w * r) / np.sum(w)), float(1 / np.sqrt(np.sum(w)))


def exclusive(rows):
    pts = sorted((p["sqrt_s"], p["r"], p["stat"]) for p in rows if p["code"] == "EXCLSUM 17" and p["sqrt_s"] < EXCLUSIVE_END)
    groups, current = [], [pts[0]]
    for p in pts[1:]:
        if p[0] - current[0][0] < MERGE_GEV:  # groups no wider than MERGE_GEV (no chaining)
            current.append(p)
        else:
            groups.append(current)
            current = [p]
    groups.append(current)
    return [_weighted(*np.array(g).T) for g in groups]


def inclusive(rows):
    pts = []
    for p in rows:
        if p["code"] in INCLUSIVE and EXCLUSIVE_END <= p["sqrt_s"] < INCLUSIVE_BINS[-1]:
            rel = np.hypot(np.linalg.norm(p["sys"]), p["norm"]) / 100
            pts.append((p["sqrt_s"], p["r"], float(np.hypot(p["stat"], rel * p["r"]))))
    pts = np.array(sorted(pts))
    binned = []
    for lo, hi in zip(INCLUSIVE_BINS[:-1], INCLUSIVE_BINS[1:]):
        sel = (pts[:, 0] >= lo) & (pts[:, 0] < hi)
        binned.append(_weighted(*pts[sel].T))
    _, level, err = _weighted(*pts.T)
    return binned, (END_GEV, level, err), len(pts)


def _array(name, values, fmt):
    lines = [", ".join(format(v, fmt) for v in values[i : i + 8]) for i in range(0, len(values), 8)]
    return f"{name} = [\n    " + ",\n    ".join(lines) + ",\n]\n"


HEADER = """\
# Measured R(√s) = σ(e⁺e⁻ → hadrons)/σ_pt(e⁺e⁻ → μ⁺μ⁻), σ_pt = 4πα²/(3s), from 2m_π to 3 GeV: the data
# behind Γ(V → hadrons) in jaxflav.models.hadrons. Written by jaxflav/data/make_r_ratio.py — do not
# edit by hand; rerun it on the source file instead.
#
# Provenance. Particle Data Group, M. Tanabashi et al., Phys. Rev. D 98 (2018) 030001 (open access,
# CC BY 4.0; the PDG asks for this citation), "Plots of cross sections and related quantities",
# data file rpp2018-hadronicrpp_page1001.dat ("R in light-flavour region", compiled by the COMPAS
# group, IHEP Protvino, with HEPDATA, Durham; 1181 points, dated 30.08.2017;
# https://pdg.lbl.gov/2018/hadronic-xsections/). Copy read: github.com/VitalyVorobyev/rplot,
# data/rpp2018-hadronicrpp_page1001.dat, commit b4b79cdfb92ae335ec7ba4578c04c8d14dbadadd,
# sha256 {sha}. Only the PDG's numbers are used.
#
# Transformation (make_r_ratio.py): below 2 GeV the PDG's sum of exclusive channels ("EXCLSUM 17",
# {n_ex_raw} points) with points within {merge:.1f} MeV of each other merged (1/σ² weights) → {n_ex} nodes;
# from 2 to 3.07 GeV the inclusive BES (BAI 00C, BAI 01) and KEDR (ANASHIN 17A, 19) points ({n_in}),
# σ = stat ⊕ sys ⊕ norm, averaged in bins {bins} GeV → {n_bins} nodes; a last node at {end} GeV holds the
# 1/σ²-weighted mean of all {n_in} inclusive points, the level continued above the table.
# The exclusive sum includes ρ–ω interference and the radiative channels (π⁰γ, ηγ), in the
# compilation's radiative-correction convention (see hep-ph/0312114; not restated in the file).
# Energies of the narrow ω and φ peaks are as measured (no unfolding of the beam-energy spread).
#
# Units: sqrt_s in GeV; r and r_err (1σ, the compilation's) dimensionless.
"""


def main(path):
    digest = hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {SHA256} (another edition of the PDG file?)")
    rows = read(path)
    ex = exclusive(rows)
    binned, end, n_in = inclusive(rows)
    nodes = np.array(ex + binned + [end])
    if not np.all(np.diff(nodes[:, 0]) > 0):
        raise SystemExit("nodes not strictly increasing in √s")
    n_ex_raw = sum(p["code"] == "EXCLSUM 17" and p["sqrt_s"] < EXCLUSIVE_END for p in rows)
    text = HEADER.format(sha=SHA256, n_ex_raw=n_ex_raw, merge=MERGE_GEV * 1e3, n_ex=len(ex), n_in=n_in,
                         bins=list(INCLUSIVE_BINS), n_bins=len(binned), end=END_GEV)  # fmt: skip
    text += '\nsource = "PDG 2018 (Phys. Rev. D 98, 030001), rpp2018-hadronicrpp_page1001.dat"\n'
    text += f"continuum_level = {end[1]:.5f}  # R above {END_GEV} GeV (uds), ± {end[2]:.5f}\n\n"
    text += _array("sqrt_s", nodes[:, 0], ".6f") + _array("r", nodes[:, 1], ".5f") + _array("r_err", nodes[:, 2], ".5f")
    OUT.write_text(text)
    print(f"wrote {OUT}: {len(nodes)} nodes, {nodes[0, 0]:.4f}–{nodes[-1, 0]:.4f} GeV")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "rpp2018-hadronicrpp_page1001.dat")
