"""Reference numbers for jaxflav.observables.b_to_xsll from flavio 2.7.1.

Run with the flavio venv:  /work/flavio-venv/bin/python tests/data/make_flavio_bxll.py
Writes tests/data/flavio_bxll.json with
  - "inputs": the μ = 5 GeV inputs flavio's B→X_sℓℓ code uses (the module's constants are
    checked against these by tests/test_b_to_xsll.py; run with --print to print them);
  - "f_tables": flavio's interpolation of the Greub–Pilipovic–Schüpbach NNLO matrix elements
    F_{1,2}^{(7,9)} (arXiv:0810.4077, table shipped with flavio) at the fixed μ/m_b and m_c²/m_b²
    of the default inputs, on the ŝ nodes of the table;
  - "pieces": intermediate quantities (effective coefficients, Φ_ℓℓ parts) at a few q², SM;
  - "predictions": <BR>(B->Xsll) in bins and dBR/dq2 at points, SM and NP (WET 'flavio' basis
    at 4.8 GeV, run by flavio/wilson to 5 GeV), both with flavio's own integrator and with a
    tight scipy.quad of flavio's dBR/dq2;
  - "running": flavio/wilson's map of unit NP coefficients at 4.8 GeV to 5 GeV.
"""

import json
import sys
import warnings
from pathlib import Path

import scipy.integrate
import flavio
from flavio.physics.bdecays import bxll, matrixelements, wilsoncoefficients
from flavio.physics.running import running
from flavio.physics import ckm

warnings.simplefilter("ignore")
OUT = Path(__file__).with_name("flavio_bxll.json")
SCALE_NP = 4.8
BINS = [(1.0, 6.0), (1.0, 3.5), (3.5, 6.0), (14.4, 22.0)]
POINTS = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 15.0, 18.0, 21.0]
NP_POINTS = {
    "SM": {},
    "C9_bsmumu=-1": {"C9_bsmumu": -1.0},
    "C10_bsmumu=0.7": {"C10_bsmumu": 0.7},
    "C9p_bsmumu=0.5": {"C9p_bsmumu": 0.5},
    "C7_bs=0.05": {"C7_bs": 0.05},
    "C9_bsee=-0.8": {"C9_bsee": -0.8},
    "C10p_bsmumu=0.3+0.4j": {"C10p_bsmumu": 0.3 + 0.4j},
}


def c(z):
    z = complex(z)
    return [z.real, z.imag]


def inputs(par):
    mu = flavio.config["renormalization scale"]["bxll"]
    a5 = running.get_alpha(par, mu)
    wc5 = wilsoncoefficients.wcsm_nf5(mu)
    return {
        "mu": mu,
        "alpha_s": a5["alpha_s"],
        "alpha_e": a5["alpha_e"],
        "alpha_s_mz": par["alpha_s"],
        "alpha_s_np": running.get_alpha(par, SCALE_NP)["alpha_s"],
        "m_b_pole": running.get_mb_pole(par),
        "m_c_pole": running.get_mc_pole(par),
        "m_c_dipole": par["m_c BVgamma"],
        "m_b_msbar": running.get_mb(par, mu),
        "m_s_msbar": running.get_ms(par, mu),
        "m_t": par["m_t"],
        "m_e": par["m_e"],
        "m_mu": par["m_mu"],
        "lambda_1": par["lambda_1"],
        "lambda_2": par["lambda_2"],
        "br_xcenu_exp": par["BR(B->Xcenu)_exp"],
        "c_bxlnu": par["C_BXlnu"],
        "xi_t": c(ckm.xi("t", "bs")(par)),
        "xi_u": c(ckm.xi("u", "bs")(par)),
        "Vcb": abs(ckm.get_ckm(par)[1, 2]),
        # table order: C1..C6, C7eff, C8eff, C9, C10 (C9, C10 with the α/4π normalisation)
        "wc_sm_table": [float(x) for x in wc5[:10]],
    }


def f_tables(par):
    mu = flavio.config["renormalization scale"]["bxll"]
    mb = running.get_mb_pole(par)
    muh = mu / mb
    z7 = par["m_c BVgamma"] ** 2 / mb**2
    z9 = running.get_mc_pole(par) ** 2 / mb**2
    sh = matrixelements._f_z
    out = {"muh": muh, "z7": z7, "z9": z9, "sh": [float(s) for s in sh]}
    for name, fn, z in [("F17", matrixelements._F_17, z7), ("F27", matrixelements._F_27, z7),
                        ("shF19", matrixelements._sh_F_19, z9), ("shF29", matrixelements._sh_F_29, z9)]:
        out[name] = [c(fn([muh, z, s])[0]) for s in sh]
    return out


def pieces(par):
    wc_obj = flavio.WilsonCoefficients()
    mu = flavio.config["renormalization scale"]["bxll"]
    out = {}
    for lep in ["mu", "e"]:
        ml, mb, a_s, a_e, mc = bxll.bxll_parameters(par, lep)
        rows = []
        for q2 in POINTS:
            d = bxll.inclusive_wc(q2, wc_obj, par, "s", lep, mb)
            we, w = d["wc_eff"], d["wc"]
            sh = q2 / mb**2
            row = {"q2": q2}
            for k in ["7", "7p", "v", "vp", "a", "ap"]:
                row["wc_eff_" + k] = c(we[k])
            row["delta_C7"] = c(matrixelements.delta_C7(par=par, wc=w, q2=q2, scale=mu, qiqj="bs"))
            row["delta_C9"] = c(matrixelements.delta_C9(par=par, wc=w, q2=q2, scale=mu, qiqj="bs"))
            xi_u, xi_t = ckm.xi("u", "bs")(par), ckm.xi("t", "bs")(par)
            row["Y"] = c(matrixelements.Y(q2, w, par, mu, "bs") + xi_u / xi_t * matrixelements.Yu(q2, w, par, mu, "bs"))
            row["f_ll"] = bxll.f_ll(sh, ml / mb, a_s, we["7"], we["v"], we["a"], we["s"], we["p"])
            row["f_ll_p"] = bxll.f_ll(sh, ml / mb, a_s, we["7p"], we["vp"], we["ap"], we["sp"], we["pp"])
            row["logqed"] = bxll.Phill_logqed("BR", sh, mb, ml, a_s, a_e, w, "s", lep, mc)
            row["pc"] = (bxll.Phill_pc_mb2("L", sh, par["lambda_1"], par["lambda_2"], mb, w, "s", lep)
                         + bxll.Phill_pc_mb2("T", sh, par["lambda_1"], par["lambda_2"], mb, w, "s", lep))
            rows.append(row)
        out[lep] = rows
    ml, mb, a_s, a_e, mc = bxll.bxll_parameters(par, "mu")
    out["Phi_u"] = bxll.f_u(a_e, a_s, par["alpha_s"], mb, par["lambda_1"], par["lambda_2"])
    out["N"] = bxll.bxll_br_prefactor(par, "s", "mu")
    return out


def running_map(par):
    names = ["C7_bs", "C7p_bs", "C9_bsmumu", "C9p_bsmumu", "C10_bsmumu", "C10p_bsmumu"]
    out = {}
    for name in names:
        w = flavio.WilsonCoefficients()
        w.set_initial({name: 1.0}, SCALE_NP, eft="WET", basis="flavio")
        d = w.get_wc("bsmumu", 5, par, nf_out=5)
        out[name] = {k: c(v) for k, v in d.items() if k in names + ["C9_bsee", "C8_bs", "C8p_bs"] and abs(v) > 1e-12}
    return out


def predictions():
    out = {}
    for label, values in NP_POINTS.items():
        w = flavio.WilsonCoefficients()
        if values:
            w.set_initial(values, SCALE_NP, eft="WET", basis="flavio")
        par = flavio.default_parameters.get_central_all()
        entry = {"wc": {k: c(v) for k, v in values.items()}}
        for lep in ["mu", "e"]:
            ll = lep + lep
            bins = []
            for lo, hi in BINS:
                br = flavio.np_prediction(f"<BR>(B->Xs{ll})", w, lo, hi)
                tight = scipy.integrate.quad(lambda q2: bxll.bxll_dbrdq2(q2, w, par, "s", lep), lo, hi,
                                             epsabs=0, epsrel=1e-9, limit=200)[0]
                bins.append({"q2min": lo, "q2max": hi, "BR": br, "BR_tight": tight})
            pts = [{"q2": q2, "dBR": flavio.np_prediction(f"dBR/dq2(B->Xs{ll})", w, q2)} for q2 in POINTS]
            entry[lep] = {"bins": bins, "points": pts}
        out[label] = entry
        print(label, entry["mu"]["bins"][0], entry["e"]["bins"][0], flush=True)
    return out


def main():
    par = flavio.default_parameters.get_central_all()
    data = {
        "flavio_version": flavio.__version__,
        "note": "<BR> is flavio's integral of dBR/dq2 over the bin (quad, epsrel=0.005); BR_tight the same with epsrel=1e-9",
        "inputs": inputs(par),
    }
    if "--print" in sys.argv:
        print(json.dumps(data["inputs"], indent=1))
        return
    data["f_tables"] = f_tables(par)
    data["running"] = running_map(par)
    data["pieces"] = pieces(par)
    data["predictions"] = predictions()
    OUT.write_text(json.dumps(data, indent=1))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
