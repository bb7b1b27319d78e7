"""Reference values of flavio's default B → K, B → K*, B_s → φ, B → ρ and B → π form factors.

Run with a Python that has flavio 2.7.1:  /work/flavio-venv/bin/python tests/data/make_flavio_formfactors.py
Writes tests/data/flavio_formfactors.json next to this script.

flavio's BSZ implementations return the lattice basis (V, A0, A1, A12, T1, T2, T23) for B → V;
A2 and T3 are added here by inverting flavio's own A12/T23 conversion (b_v/cln.py) with the
masses flavio uses in z (B0 & K*0, Bs & phi, B0 & rho0). B → π ("B->pi BCL4-LMVD") uses the
masses of arXiv:2102.07233 in z (flavio parameters "B->pi BCL LMVD m_B+", "… m_pi0"); its points
extend past the common q² list up to its larger endpoint (Q2_EXTRA).
"""

import json
import pathlib

import flavio

Q2 = [0.0, 0.1, 0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 12.0, 15.0, 17.0, 19.0]
MASSES = {
    "B->K*": ("m_B0", "m_K*0"),
    "Bs->phi": ("m_Bs", "m_phi"),
    "B->K": ("m_B0", "m_K0"),
    "B->rho": ("m_B0", "m_rho0"),
    "B->pi": ("B->pi BCL LMVD m_B+", "B->pi BCL LMVD m_pi0"),
}
B_TO_P = ("B->K", "B->pi")
Q2_EXTRA = {"B->pi": [22.0, 25.0, 26.4]}


def main():
    par = flavio.default_parameters.get_central_all()
    out = {"flavio_version": flavio.__version__, "implementations": {}, "processes": {}}
    for process, (b, m) in MASSES.items():
        quantity = process + " form factor"
        out["implementations"][process] = flavio.config["implementation"][quantity]
        mB, mM = par[b], par[m]
        q2max = (mB - mM) ** 2
        rows = []
        for q2 in [q for q in Q2 + Q2_EXTRA.get(process, []) if q <= q2max]:
            ff = flavio.classes.AuxiliaryQuantity[quantity].prediction(par_dict=dict(par), wc_obj=None, q2=q2)
            ff = {k: float(v) for k, v in ff.items()}
            if process not in B_TO_P:
                lam = (mB**2 - mM**2 - q2) ** 2 - 4 * mM**2 * q2
                ff["A2"] = ((mB + mM) ** 2 * (mB**2 - mM**2 - q2) * ff["A1"]
                            - 16 * mB * mM**2 * (mB + mM) * ff["A12"]) / lam
                ff["T3"] = ((mB**2 - mM**2) * (mB**2 + 3 * mM**2 - q2) * ff["T2"]
                            - 8 * mB * mM**2 * (mB - mM) * ff["T23"]) / lam
            rows.append({"q2": q2, "ff": ff})
        out["processes"][process] = {"masses": {b: mB, m: mM}, "points": rows}
    path = pathlib.Path(__file__).with_name("flavio_formfactors.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
