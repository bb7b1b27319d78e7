"""Small configs of the command-line tests: the (C9_μ, C10_μ) fit of the Table-1 data."""


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
