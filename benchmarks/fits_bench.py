"""fits benchmarks.

best-fit: 1024 starts on a correlated 5-D Gaussian χ² minimised at once (`fits.minimize`:
projected L-BFGS over one compiled, batched χ² + gradient), beside scipy.optimize.minimize
(L-BFGS-B, bounds, the jitted JAX gradient) from the same starts in a Python loop.

fit-vs-scipy: `jaxflav fit PRESET` as a user runs it (a fresh process; build, compile and fit
included), with an empty compilation cache (cold) and again with the cache it left (warm), beside a
fresh process that builds the same χ² (`jaxflav.config.problem`), jits its value and gradient and
runs scipy's L-BFGS-B from the same number of starts drawn the same way, in the same box
coordinates (the position in each range, in the parameter's scale) — what a physicist would write
in ten lines. Wall times, peak memory of each process, and both χ²_min, per preset.
"""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import jax
import jax.numpy as jnp
import numpy as np

from benchmarks.runner import Result
from fits import minimize
from fits.space import Parameter, Space

PRESETS = (("c9-c10", None), ("dark-z-case-a", None), ("massless-dark-photon", None), ("dark-z-case-a", 1024))

SCIPY_LOOP = """
import json, sys, time
start = time.perf_counter()
import jax, numpy as np
from scipy import optimize
import jaxflav
from jaxflav import config
from fits import minimize
cfg = config.load(sys.argv[1])
starts = int(sys.argv[2])
p = config.problem(cfg)
space = p.space
vg = jax.jit(jax.value_and_grad(p.chi2))
def fun(z):
    x, dxdz = minimize.from_box(space, z[None])
    value, grad = vg(x[0])
    return float(value), np.asarray(grad) * dxdz[0]
x0 = np.asarray(space.sample_prior(jax.random.PRNGKey(cfg.fit["seed"]), starts))
z0 = minimize.to_box(space, x0)
vg(x0[0])
minimising = time.perf_counter()
best = min(optimize.minimize(fun, z, jac=True, method="L-BFGS-B", bounds=[(0.0, 1.0)] * space.dim).fun for z in z0)
end = time.perf_counter()
print(json.dumps({"wall": end - start, "minimising": end - minimising, "chi2_min": best}))
"""


def gaussian_problem(rng, dim=5):
    """χ² = (x − μ)ᵀ C⁻¹ (x − μ) with a random correlated C (correlations up to ~0.9) inside
    the box [−6, 6]^dim."""
    a = rng.normal(size=(dim, dim))
    cov = a @ a.T / dim + 0.05 * np.eye(dim)
    mean = rng.uniform(-1.0, 1.0, dim)
    precision = jnp.asarray(np.linalg.inv(cov))
    space = Space([Parameter(f"p{i}", -6.0, 6.0) for i in range(dim)])

    def chi2(x):
        d = x - mean
        return d @ precision @ d

    return chi2, space, mean


def bench_best_fit(rng, scale):
    from scipy import optimize

    n = max(8, int(1024 * scale))
    chi2, space, mean = gaussian_problem(rng)
    x0 = np.asarray(space.sample_prior(jax.random.PRNGKey(int(rng.integers(2**31))), n))
    objective = minimize.Objective(chi2, space)
    start = time.perf_counter()
    objective(x0[:1])
    compile_s = time.perf_counter() - start
    start = time.perf_counter()
    minimize.minimize(objective, x0)
    run_s = time.perf_counter() - start

    value_and_grad = jax.jit(jax.value_and_grad(chi2))

    def fun(x):
        value, grad = value_and_grad(x)
        return float(value), np.asarray(grad)

    value_and_grad(x0[0])  # compile outside the timing
    bounds = list(zip(space.low, space.high))
    rows = x0[: min(n, 256)]
    start = time.perf_counter()
    for x in rows:
        optimize.minimize(fun, x, jac=True, method="L-BFGS-B", bounds=bounds)
    base_s = time.perf_counter() - start
    return Result("fits.best_fit 5-D Gaussian (starts)", n, compile_s, run_s, "scipy L-BFGS-B loop, same starts", len(rows), base_s)


def _run(args, env):
    """(wall seconds, peak RSS in MB, stdout) of a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{args[2:]} failed with status {status}")
    return wall, usage.ru_maxrss / 1024, out


def _config(folder, preset, starts):
    """The preset itself, or a copy of it with [fit] starts changed."""
    if starts is None:
        return preset
    from jaxflav import config

    cfg = config.load(preset)
    raw = dict(cfg.raw)
    lines = [f'model = "{raw["model"]}"', f'measurements = "{raw["measurements"]}"']
    for p in cfg.parameters:
        lines += [f"[parameters.{p.name}]", f"range = [{p.low!r}, {p.high!r}]", f'scale = "{p.scale}"']
    if cfg.fixed:
        lines += ["[fixed]"] + [f"{k} = {v!r}" for k, v in cfg.fixed.items()]
    lines += ["[fit]", f"starts = {starts}"]
    path = pathlib.Path(folder) / f"{preset}-{starts}.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def fit_vs_scipy(presets=PRESETS):
    """Rows (preset, starts, cold s, cold MB, warm s, scipy s, scipy minimising s, χ² jaxflav, χ² scipy)."""
    from jaxflav import config

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for preset, starts in presets:
            target = _config(tmp, preset, starts)
            n = config.load(target).fit["starts"]
            cache = {"JAXFLAV_CACHE_DIR": str(pathlib.Path(tmp) / f"cache-{preset}-{n}")}
            out = pathlib.Path(tmp) / f"out-{preset}-{n}"
            fit = [sys.executable, "-m", "jaxflav.cli", "fit", target, "--out", str(out)]
            cold, cold_mb, _ = _run(fit, cache)
            warm, warm_mb, _ = _run(fit, cache)
            chi2 = json.loads((out / "result.json").read_text())["chi2_min"]
            wall, base_mb, text = _run([sys.executable, "-c", SCIPY_LOOP, target, str(n)], {"JAXFLAV_NO_CACHE": "1"})
            base = json.loads(text.strip().splitlines()[-1])
            rows.append((preset, n, cold, max(cold_mb, warm_mb), warm, wall, base["minimising"], chi2, base["chi2_min"]))
    return rows


def bench_fit_vs_scipy(rng, scale):
    presets = PRESETS if scale >= 1 else PRESETS[:1]
    rows = fit_vs_scipy(presets)
    head = f"{'preset':22s} {'starts':>6s} {'cold s':>7s} {'warm s':>7s} {'peak MB':>8s} {'scipy s':>8s} {'(min s)':>8s} {'chi2 jaxflav':>13s} {'chi2 scipy':>11s}"
    print(head + "\n" + "-" * len(head))
    for preset, n, cold, mb, warm, wall, minimising, chi2, base in rows:
        print(f"{preset:22s} {n:6d} {cold:7.1f} {warm:7.1f} {mb:8.0f} {wall:8.1f} {minimising:8.1f} {chi2:13.5f} {base:11.5f}")
    print()
    preset, n, cold, _, warm, wall, *_ = rows[0]
    return Result(f"jaxflav fit {preset} cold (starts)", n, 0.0, cold, "scipy L-BFGS-B loop incl. build", n, wall)


BENCHMARKS = {"best-fit": bench_best_fit, "fit-vs-scipy": bench_fit_vs_scipy}
