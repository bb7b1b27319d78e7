"""Write nuisances.json: the Gaussian priors of jaxflav's theory nuisance parameters, read from
flavio 2.7.1's default parameters (`flavio.default_parameters`), in flavio's names and units.

Run with flavio 2.7.1 installed (`pip install flavio==2.7.1 "particle<0.25"`):

    python jaxflav/data/make_nuisances.py

Every parameter listed in GROUPS is taken with the whole flavio constraint it belongs to
(a NormalDistribution, or a MultivariateNormalDistribution with its covariance), so correlated
blocks stay whole (e.g. f_B+ comes with f_B0, f_Bs). The output is a list of blocks, each
{names, central, covariance}, plus each parameter's flavio description.
"""

import json
import pathlib
import re

import flavio
import numpy as np

GROUPS = {
    "form factors": r"^(B->K\* BSZ|Bs->phi BSZ|B->K BSZ) ",
    "subleading hadronic": r"^(B0->K\*0|B\+->K\*\+|Bs->phi|B0->K0|B\+->K\+) (deltaC9|delta_C7|delta_C7p) ",
    "CKM": r"^(Vus|Vub|Vcb|gamma)$",
    "decay constants": r"^(f_B0|f_Bs)$",
    "lifetimes": r"^(tau_B0|tau_B\+|tau_Bs|DeltaGamma/Gamma_Bs)$",
}


def _description(name):
    try:
        return flavio.classes.Parameter[name].description
    except KeyError:  # a few (e.g. B->K BSZ) have a constraint but no Parameter entry
        return ""


def blocks():
    params = flavio.default_parameters
    out, seen = [], set()
    for constraint, names in params._constraints:
        if id(constraint) in seen:
            continue
        group = next((g for g, pattern in GROUPS.items() if any(re.search(pattern, n) for n in names)), None)
        if group is None:
            continue
        seen.add(id(constraint))
        kind = type(constraint).__name__
        if kind == "NormalDistribution":
            central, cov = [constraint.central_value], [[constraint.standard_deviation**2]]
        elif kind == "MultivariateNormalDistribution":
            central, cov = list(constraint.central_value), np.asarray(constraint.covariance).tolist()
        else:
            raise ValueError(f"{names}: {kind} is not Gaussian")
        out.append({
            "group": group,
            "names": list(names),
            "central": [float(c) for c in central],
            "covariance": [[float(v) for v in row] for row in cov],
            "descriptions": [_description(n) for n in names],
        })  # fmt: skip
    return out


def main():
    data = {
        "source": {
            "flavio": flavio.__version__,
            "read": "flavio.default_parameters: each constraint (Normal or MultivariateNormal) holding a parameter of `groups`",
            "units": "flavio's: GeV, lifetimes in GeV⁻¹ (τ/ħ), angles in radians",
            "groups": GROUPS,
        },
        "blocks": blocks(),
    }
    path = pathlib.Path(__file__).with_name("nuisances.json")
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {path}: {sum(len(b['names']) for b in data['blocks'])} parameters in {len(data['blocks'])} blocks")


if __name__ == "__main__":
    main()
