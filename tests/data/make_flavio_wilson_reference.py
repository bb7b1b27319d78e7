"""flavio 2.7.1 reference values for tests/test_wilson.py → tests/data/flavio_wilson_reference.json.

Run from the repository root with a Python that has flavio 2.7.1 installed:

    /work/flavio-venv/bin/python tests/data/make_flavio_wilson_reference.py

Stores, at flavio's default (central) parameters and its renormalisation scale 4.8 GeV:
* the SM coefficients as wctot_dict builds them for 'bsmumu';
* get_wceff(q², …) ('7', '7p', 'v', 'a') for B0→K*0μμ and B+→K+μμ, built as flavio's
  helicity_amps_ff builds them (CP-conjugate: conjugate_par, then conjugate_wc);
* the pieces: Y, Y_u, δC₇, δC₉, h(q², m, μ) for m = m_c, m_b (pole) and 0, the F grid functions,
  F_87, F_89 and Seidel's A, B, C — to locate a disagreement quickly.
"""

import json
from pathlib import Path

import numpy as np

import flavio
from flavio.physics import ckm
from flavio.physics.bdecays import matrixelements as me
from flavio.physics.bdecays.wilsoncoefficients import get_wceff, wctot_dict
from flavio.physics.common import conjugate_par, conjugate_wc
from flavio.physics.running import running

OUT = Path(__file__).resolve().parent / "flavio_wilson_reference.json"
Q2 = [0.001, 0.01, 0.1, 0.5, 1, 2, 3.5, 5, 6, 8, 11, 15, 19, 22]
SCALE = 4.8
DECAYS = [("B0", "K*0"), ("B+", "K+")]


def cplx(x):
    x = complex(x)
    return [x.real, x.imag]


def main():
    par = flavio.default_parameters.get_central_all()
    wc_obj = flavio.WilsonCoefficients()
    out = {
        "flavio_version": flavio.__version__,
        "made_by": "tests/data/make_flavio_wilson_reference.py",
        "scale": SCALE,
        "q2": Q2,
    }
    wc = wctot_dict(wc_obj, "bsmumu", SCALE, par)
    out["sm"] = {k: float(np.real(wc[k])) for k in
                 ["C1_bs", "C2_bs", "C3_bs", "C4_bs", "C5_bs", "C6_bs", "C7_bs", "C8_bs",
                  "C7eff_bs", "C8eff_bs", "C9_bsmumu", "C10_bsmumu", "C7p_bs", "C7effp_bs"]}
    mt_mt = par["m_t"]
    for _ in range(50):  # m_t(m_t), MS-bar, by fixed-point iteration of flavio's running
        mt_mt = running.get_mt(par, mt_mt)
    out["inputs"] = {
        "alpha_s": running.get_alpha(par, SCALE)["alpha_s"],
        "m_b_pole": running.get_mb_pole(par),
        "m_c_pole": running.get_mc_pole(par),
        "m_c BVgamma": par["m_c BVgamma"],
        "m_b": running.get_mb(par, SCALE),
        "m_s": running.get_ms(par, SCALE),
        "m_t": par["m_t"],
        "m_t(m_t)": mt_mt,
        "m_W": par["m_W"],
        "s2w": par["s2w"],
        "xi_u/xi_t": cplx(ckm.xi("u", "bs")(par) / ckm.xi("t", "bs")(par)),
        # flavio's CP conjugation flips γ → −γ; its tree parametrisation (ckmutil) then gives a
        # CKM phase δ that is not exactly −δ, so this ratio is not exactly conj(ξ_u/ξ_t)
        "xi_u/xi_t conjugate_par": cplx(ckm.xi("u", "bs")(conjugate_par(par))
                                        / ckm.xi("t", "bs")(conjugate_par(par))),
    }
    wceff = {}
    for B, M in DECAYS:
        for cp in (False, True):
            p = conjugate_par(par) if cp else par
            w = wctot_dict(wc_obj, "bsmumu", SCALE, p)
            if cp:
                w = conjugate_wc(w)
            rows = {k: [] for k in ("7", "7p", "v", "a")}
            for q2 in Q2:
                c = get_wceff(q2, w, p, B, M, "mu", SCALE)
                for k in rows:
                    rows[k].append(cplx(c[k]))
            wceff[f"{B}->{M}mumu" + (" bar" if cp else "")] = rows
    out["wceff"] = wceff

    mb, mc = running.get_mb_pole(par), running.get_mc_pole(par)
    mcd = par["m_c BVgamma"]
    pieces = {k: [] for k in ("Y", "Yu", "delta_C7", "delta_C9", "h_c", "h_b", "h_0",
                              "F17", "F27", "F19", "F29", "F87", "F89",
                              "SeidelA", "SeidelB", "SeidelC")}
    for q2 in Q2:
        sh = q2 / mb**2
        pieces["Y"].append(cplx(me.Y(q2, wc, par, SCALE, "bs")))
        pieces["Yu"].append(cplx(me.Yu(q2, wc, par, SCALE, "bs")))
        pieces["delta_C7"].append(cplx(me.delta_C7(par, wc, q2, SCALE, "bs")))
        pieces["delta_C9"].append(cplx(me.delta_C9(par, wc, q2, SCALE, "bs")))
        pieces["h_c"].append(cplx(me.h(q2, mc, SCALE)))
        pieces["h_b"].append(cplx(me.h(q2, mb, SCALE)))
        pieces["h_0"].append(cplx(me.h(q2, 0.0, SCALE)))
        pieces["F17"].append(cplx(me.F_17(SCALE / mb, mcd**2 / mb**2, sh)))
        pieces["F27"].append(cplx(me.F_27(SCALE / mb, mcd**2 / mb**2, sh)))
        pieces["F19"].append(cplx(me.F_19(SCALE / mb, mc**2 / mb**2, sh)))
        pieces["F29"].append(cplx(me.F_29(SCALE / mb, mc**2 / mb**2, sh)))
        pieces["F87"].append(cplx(me.F_87(np.log(SCALE / mb), sh)))
        pieces["F89"].append(cplx(me.F_89(np.log(sh), sh)))
        pieces["SeidelA"].append(cplx(me.SeidelA(q2, mb, SCALE)))
        pieces["SeidelB"].append(cplx(me.SeidelB(q2, mb, SCALE)))
        pieces["SeidelC"].append(cplx(me.SeidelC(q2, mb, SCALE)))
    out["pieces"] = pieces
    # h at q² = 0 and exactly at the charm threshold, and the q² = 0 value of Seidel's A
    out["h_special"] = {
        "h_c(0)": cplx(me.h(0.0, mc, SCALE)),
        "h_c(4mc^2)": cplx(me.h(4 * mc**2, mc, SCALE)),
        "SeidelA(0)": cplx(me.SeidelA(0.0, mb, SCALE)),
        "m_c_pole": mc,
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
