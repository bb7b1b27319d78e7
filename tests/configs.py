"""Small configs of the command-line tests: the (C9_μ, C10_μ) fit of the Table-1 data, and a small data set."""


def wilson(starts=4, points=(9, 9), chunk=16, chains=2, warmup=150, samples=200, extra=""):
    """A `model = "wilson"` config (TOML text) with these [fit], [scan] and [sample] settings."""
    return f"""
model = "wilson"
measurements = "rashed2026_table1"
{extra}
[parameters.C9_bsmumu]
range = [-3.0, 2.0]
[parameters.C10_bsmumu]
range = [-2.0, 3.0]
[fit]
starts = {starts}
[scan]
design = "grid"
points = [{points[0]}, {points[1]}]
chunk = {chunk}
[sample]
chains = {chains}
warmup = {warmup}
samples = {samples}
"""


SMALL_DATASET = """
[source]
name = "small"
description = "two measurements for the tests"

[[measurement]]
name = "angular 4-6"
experiment = "LHCb"
citation = "test"
kind = "gaussian"
correlation = [[1.0, 0.3], [0.3, 1.0]]
[[measurement.value]]
observable = "<P5p>(B0->K*mumu)"
q2min = 4.0
q2max = 6.0
central = -0.3
errors = [[0.12, 0.10], 0.05]
[[measurement.value]]
observable = "<FL>(B0->K*mumu)"
q2min = 4.0
q2max = 6.0
central = 0.65
errors = [0.06]

[[measurement]]
name = "RK"
experiment = "LHCb"
citation = "test"
kind = "gaussian"
[[measurement.value]]
observable = "<Rmue>(B+->Kll)"
q2min = 1.1
q2max = 6.0
central = 0.85
errors = [[0.06, 0.05], 0.02]

[[measurement]]
name = "RK* tabulated"
experiment = "LHCb"
citation = "test"
kind = "likelihood1d"
observable = "<Rmue>(B0->K*ll)"
q2min = 1.1
q2max = 6.0
x = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
pdf = [0.01, 0.2, 0.9, 1.0, 0.5, 0.1, 0.005]
"""
