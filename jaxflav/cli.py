"""The `jaxflav` command.

    jaxflav kernel NAME ARG...   evaluate one kernel function (PV integral, Inami–Lim function)
    jaxflav predict [CONFIG.toml] [--wc NAME=VALUE ...] [--measurements NAME_OR_PATH]
                                 predictions, measurements and pulls of a measurement table
    jaxflav fit PRESET|CONFIG.toml [--out DIR]      best fit → DIR/result.json
    jaxflav sample PRESET|CONFIG.toml [--out DIR]   NUTS posterior → DIR/samples.npz, posterior.json
    jaxflav scan PRESET|CONFIG.toml [--out DIR]     resumable scan → DIR/scan.npz, scan.json, chunks/
    jaxflav plot DIR                                Δχ² regions and corner plots (the `plot` extra)
    jaxflav bench [--quick]      throughput beside the baselines (scipy, flavio)
"""

import argparse
import sys

import jaxflav  # noqa: F401  (turns on float64)
from kernels import inami_lim, pv

KERNELS = {
    **{name: getattr(pv, name) for name in ("A0", "B0", "B1", "B00", "B11", "C0", "C1", "C2", "C00", "C11", "C12", "C22")},
    **{f"inami_lim.{name}": getattr(inami_lim, name) for name in inami_lim.__all__},
}


def _kernel(opts):
    if opts.name not in KERNELS:
        raise SystemExit(f"jaxflav kernel: unknown kernel {opts.name!r}; known: {', '.join(KERNELS)}")
    try:
        args = [float(a) for a in opts.args]
    except ValueError as err:
        raise SystemExit(f"jaxflav kernel: arguments must be numbers ({err})") from None
    try:
        value = complex(KERNELS[opts.name](*args))
    except (TypeError, ValueError) as err:
        raise SystemExit(f"jaxflav kernel {opts.name}: {err}") from None
    print(f"{opts.name}({', '.join(opts.args)}) = {value.real:.15g}" + (f" {value.imag:+.15g}i" if value.imag else ""))
    return 0


def _parse_wc(items):
    wc = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"jaxflav predict: --wc takes NAME=VALUE, got {item!r}")
        try:
            wc[name.strip()] = complex(value.replace(" ", ""))
        except ValueError:
            raise SystemExit(f"jaxflav predict: {name}: {value!r} is not a number (complex as -1+0.5j)") from None
    return wc


def _read_config(path):
    """A predict config: `measurements = "name or path"` and a [wilson] table of WCxf names → numbers or [re, im]."""
    import tomllib

    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise SystemExit(f"jaxflav predict: cannot read {path}: {err}") from None
    unknown = set(doc) - {"measurements", "wilson"}
    if unknown:
        raise SystemExit(f"jaxflav predict: {path}: unknown key(s) {', '.join(sorted(unknown))}; known: measurements, wilson")
    wc = {}
    for name, value in doc.get("wilson", {}).items():
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
            wc[name] = complex(*value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            wc[name] = complex(value)
        else:
            raise SystemExit(f"jaxflav predict: {path}: wilson.{name} must be a number or [re, im], got {value!r}")
    return doc.get("measurements"), wc


def _predict(opts):
    import numpy as np

    from jaxflav import likelihood, measurements, predictions, wcxf

    table_name, wc = _read_config(opts.config) if opts.config else (None, {})
    wc.update(_parse_wc(opts.wc or []))
    try:
        wcxf.check_names(wc)
        table = measurements.load(opts.measurements or table_name or "rashed2026_table1")
    except ValueError as err:
        raise SystemExit(f"jaxflav predict: {err}") from None
    predict = predictions.Predictions(measurements.observables(table))
    sm, new = np.asarray(predict(None)), np.asarray(predict(wc))
    pulls = np.asarray(likelihood.pulls(new, table))
    print(f"Wilson coefficients (shifts at 4.8 GeV): {wc or 'none (SM)'}")
    head = f"{'observable':26s} {'bin GeV^2':>14s} {'prediction':>11s} {'SM (jaxflav)':>12s} {'measured':>10s} {'+err':>9s} {'-err':>9s} {'pull':>6s}"
    print(head + "\n" + "-" * len(head))
    for i, name in enumerate(table.names):
        print(
            f"{name:26s} {table.q2min[i]:6.4g}-{table.q2max[i]:<7.4g} {new[i]:11.4g} {sm[i]:12.4g} {table.central[i]:10.4g} "
            f"{table.err_up[i]:9.2g} {table.err_down[i]:9.2g} {pulls[i]:6.2f}"
        )
    chi2, chi2_sm = float(likelihood.chi2(new, table)), float(likelihood.chi2(sm, table))
    print(f"\nchi2 = {chi2:.2f} for {len(table)} measurements (SM: {chi2_sm:.2f}; theory errors: the table's SM errors)")
    return 0


def _versions():
    import importlib.metadata
    import platform

    out = {"python": platform.python_version(), "jaxflav": jaxflav.__version__}
    for package in ("jax", "jaxlib", "numpyro", "optax", "numpy"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = None
    return out


def _write_json(path, data):
    """Write JSON atomically (a temporary file, then os.replace): a crash never leaves half a file."""
    import json
    import os

    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=2, default=_jsonable)
        f.write("\n")
    os.replace(tmp, path)


def _jsonable(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _setup(opts, job):
    """Config, output folder and χ² of a fit/sample/scan job; SystemExit with the message on bad input."""
    import pathlib

    from jaxflav import config

    try:
        cfg = config.load(opts.config)
    except ValueError as err:
        raise SystemExit(f"jaxflav {job}: {err}") from None
    name = pathlib.Path(opts.config).stem
    out = pathlib.Path(opts.out or cfg.out or f"jaxflav-results/{name}")
    out.mkdir(parents=True, exist_ok=True)
    print(f"jaxflav {job}: {cfg.source} ({cfg.description or cfg.model}) → {out}", file=sys.stderr)
    return cfg, out, config.problem(cfg)


def _result_header(cfg, problem, job):
    from jaxflav import config

    return {"job": job, "n_obs": len(problem.table), "chi2_sm": problem.chi2_sm, "fixed": cfg.fixed, "config": config.as_json(cfg), "versions": _versions()}


def _fit(opts):
    from fits import bestfit

    cfg, out, problem = _setup(opts, "fit")
    res = bestfit.best_fit(problem.chi2, problem.space, starts=cfg.fit["starts"], key=cfg.fit["seed"])
    result = {
        **_result_header(cfg, problem, "fit"),
        "best_fit": dict(zip(res.names, map(float, res.x))),
        "chi2_min": float(res.chi2_min),
        "uncertainties": dict(zip(res.names, map(float, res.sigma))),
        "fit": res.to_dict(),
    }
    _write_json(out / "result.json", result)
    print(f"best fit ({res.n_converged}/{res.n_starts} starts converged):")
    for name, value, sigma in zip(res.names, res.x, res.sigma):
        print(f"  {name:14s} = {value: .5g} ± {sigma:.2g}")
    sm = f", SM {problem.chi2_sm:.2f} (Δχ² = {problem.chi2_sm - res.chi2_min:.2f})" if problem.chi2_sm is not None else ""
    print(f"chi2_min = {res.chi2_min:.3f} for {len(problem.table)} measurements{sm}")
    if res.message:
        print(f"note: {res.message}")
    print(f"wrote {out / 'result.json'}")
    return 0


def _sample(opts):
    import numpy as np

    from fits import bestfit, hmc

    cfg, out, problem = _setup(opts, "sample")
    s = cfg.sample
    start = bestfit.best_fit(problem.chi2, problem.space, starts=min(16, cfg.fit["starts"]), key=cfg.fit["seed"])
    post = hmc.sample(problem.chi2, problem.space, chains=s["chains"], warmup=s["warmup"], samples=s["samples"], key=s["seed"], init=start.x)
    np.savez_compressed(out / "samples.npz", chi2=post.chi2, **{f"samples/{n}": v for n, v in post.samples.items()})
    result = {**_result_header(cfg, problem, "sample"), "best_fit": dict(zip(start.names, map(float, start.x))), "chi2_min": float(start.chi2_min), "posterior": post.to_dict()}
    _write_json(out / "posterior.json", result)
    print(post.summary())
    print(f"wrote {out / 'samples.npz'} and {out / 'posterior.json'}")
    return 0


KEEP_ALL_UP_TO = 4_000_000  # larger scans keep the best 100 000 points and the 1-D/2-D profiles


def _scan(opts):
    import numpy as np

    from fits import scan

    cfg, out, problem = _setup(opts, "scan")
    c = cfg.scan
    n = int(np.prod(c["points"])) if isinstance(c["points"], list) else c["points"]
    f, by = problem.chi2, None
    if problem.terms is not None:  # constraint models: keep each term's χ² too (for `jaxflav plot`)
        f, by = (lambda x: {"chi2": problem.chi2(x), "terms": problem.terms(x)}), "chi2"
    keep = "all" if n <= KEEP_ALL_UP_TO else scan.Best(100_000, by=by)
    res = scan.scan(f, problem.space, design=c["design"], points=c["points"], seed=c["seed"], chunk=c["chunk"], out=out / "chunks", keep=keep)
    res.to_npz(out / "scan.npz")
    values = np.asarray(res.values["chi2"] if isinstance(res.values, dict) else res.values)
    best = int(np.nanargmin(values))
    result = {
        **_result_header(cfg, problem, "scan"),
        "points": n,
        "best_fit": dict(zip(res.names, map(float, res.x[best]))),
        "chi2_min": float(values[best]),
        "finite": int(np.isfinite(values).sum()),
    }
    _write_json(out / "scan.json", result)
    print(f"scanned {n} points: chi2_min = {values[best]:.3f} at " + ", ".join(f"{k} = {v:.4g}" for k, v in result["best_fit"].items()))
    print(f"wrote {out / 'scan.npz'} and {out / 'scan.json'}")
    return 0


def _space_of(result):
    from fits.space import Parameter, Space

    return Space([Parameter(**p) for p in result["config"]["parameters"].values()])


def _plot(opts):
    import json
    import pathlib

    import numpy as np

    try:
        from fits import plots, regions
    except ImportError as err:
        raise SystemExit(f"jaxflav plot: {err}") from None
    folder = pathlib.Path(opts.folder)
    drawn = []
    if (folder / "scan.json").is_file():
        meta = json.loads((folder / "scan.json").read_text())
        space = _space_of(meta)
        data = np.load(folder / "scan.npz")
        x, chi2 = data["x"], data["values" if "values" in data.files else "values.chi2"]
        drawn += _constraint_plots(folder, meta, data, space)
        best = np.array([meta["best_fit"][n] for n in space.names])
        if (folder / "result.json").is_file():  # a polished best fit, when `jaxflav fit` ran here too
            fit = json.loads((folder / "result.json").read_text())
            best = np.array([fit["best_fit"][n] for n in space.names])
        chi2_min = min(float(np.nanmin(chi2)), float(fit["chi2_min"])) if (folder / "result.json").is_file() else None
        scan_cfg = meta["config"].get("scan", {})
        counts = scan_cfg.get("points") if scan_cfg.get("design") == "grid" and isinstance(scan_cfg.get("points"), list) else None
        if space.dim == 1:
            profile = regions.profile_scan(x, chi2, space, space.names[0], counts[0] if counts else None, chi2_min=chi2_min)
            plots.profile_1d(None, profile, best=best[0], path=folder / "profile.png")
            drawn.append("profile.png")
        for j in range(1, space.dim):  # the first parameter against each other one (the papers' planes)
            pair = [space.names[0], space.names[j]]
            profile = regions.profile_scan(x, chi2, space, pair, (counts[0], counts[j]) if counts else None, chi2_min=chi2_min)  # a grid: one bin per node
            name = "regions.png" if space.dim == 2 else f"regions_{pair[0]}_{pair[1]}.png"
            plots.delta_chi2_regions(None, profile, best=best[[0, j]], path=folder / name)
            drawn.append(name)
    if (folder / "samples.npz").is_file():
        meta = json.loads((folder / "posterior.json").read_text())
        space = _space_of(meta)
        data = np.load(folder / "samples.npz")
        samples = {n: data[f"samples/{n}"] for n in space.names}
        log = [p.name for p in space.parameters if p.scale == "log"]
        plots.corner(samples, truths=[meta["best_fit"][n] for n in space.names], log=log, path=folder / "corner.png")
        drawn.append("corner.png")
    if not drawn:
        raise SystemExit(f"jaxflav plot: {folder} holds no scan (scan.json) or samples (samples.npz) to draw")
    print("wrote " + ", ".join(str(folder / d) for d in drawn))
    return 0


def _constraint_plots(folder, meta, data, space):
    """For constraint models (per-term χ² in the scan): a Fig.-2-style band map on 2-D grids, and
    for the (B−L)₂₃ Scenario II survey the W_u elements that explain the measurements (Fig. 3)."""
    import numpy as np

    from fits import plots
    from jaxflav import constraints

    names = [k[len("values.terms."):] for k in data.files if k.startswith("values.terms.")]
    if not names:
        return []
    terms = {t.name: t for t in constraints.load(meta["config"]["measurements"]) if t.name in names}
    chi2 = {n: data[f"values.terms.{n}"] for n in terms}
    scan_cfg = meta["config"].get("scan", {})
    drawn = []
    if space.dim == 2 and scan_cfg.get("design") == "grid" and len(data["x"]) == int(np.prod(scan_cfg["points"])):
        shape = tuple(scan_cfg["points"])
        x, y = (np.unique(data["x"][:, k]) for k in (0, 1))
        grid = {n: v.reshape(shape) for n, v in chi2.items()}
        favoured = {n: grid[n] for n, t in terms.items() if t.kind == "measurement"}
        excluded = {n: grid[n] for n, t in terms.items() if t.kind == "upper_limit" and np.any(grid[n] > 0)}
        scales = [p.scale for p in space.parameters]
        plots.bands(None, x, y, favoured, excluded, scales=scales, labels=space.names, path=folder / "constraints.png")
        drawn.append("constraints.png")
    model = meta["config"].get("model", "")
    if model.startswith("massless-dark-photon"):
        from jaxflav.models import massless_dark_photon

        n_q = int(round(meta.get("fixed", {}).get("N_Q", 3)))
        drawn += massless_dark_photon.figures(folder, n_q=n_q, printed=model.endswith("-printed"))
    if model == "bl23-scenario-2":
        p = dict(zip(space.names, data["x"].T))
        fixed = meta.get("fixed", {})
        get = lambda n: p[n] if n in p else np.full(len(data["x"]), fixed[n])  # noqa: E731
        psi, phi = get("psi"), get("phi")
        w2 = np.sin(psi) * np.cos(phi) * np.exp(1j * get("theta_12"))
        w3 = np.sin(psi) * np.sin(phi) * np.exp(1j * get("theta_13"))
        limits_ok = np.all([chi2[n] <= 2.71 for n, t in terms.items() if t.kind == "upper_limit"], axis=0)
        measured = [chi2[n] for n, t in terms.items() if t.kind == "measurement"]
        groups = [(f"all measurements within {k}σ", limits_ok & np.all([c <= k * k for c in measured], axis=0), colour, marker)
                  for k, colour, marker in ((2, "#e6c619", "o"), (1, "#2ca02c", "s"))]
        panels = [("|(W_u)_11|", "|(W_u)_13|", np.cos(psi), np.abs(w3)),
                  ("Re (W_u)_12", "Im (W_u)_12", w2.real, w2.imag), ("Re (W_u)_13", "Im (W_u)_13", w3.real, w3.imag)]
        plots.selected_points(panels, groups, path=folder / "w_u.png")
        drawn.append("w_u.png")
    return drawn


def _bench(opts):
    from benchmarks.runner import main as bench_main

    return bench_main((["--quick"] if opts.quick else []) + (["--only", *opts.only] if opts.only else []))


def _presets():
    from jaxflav import config

    return config.presets()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="jaxflav", description="Differentiable flavour physics of light dark vector bosons.")
    commands = parser.add_subparsers(dest="command", required=True)
    kernel = commands.add_parser("kernel", help="evaluate a kernel function (GeV units; squared masses and momenta for PV)")
    kernel.add_argument("name", help=f"one of: {', '.join(KERNELS)}")
    kernel.add_argument("args", nargs="*")
    kernel.set_defaults(run=_kernel)
    predict = commands.add_parser("predict", help="b→sℓℓ predictions, measurements and pulls for a Wilson-coefficient point")
    predict.add_argument("config", nargs="?", help="TOML file with `measurements` and a [wilson] table")
    predict.add_argument("--wc", nargs="*", metavar="NAME=VALUE", help="WCxf shifts at 4.8 GeV, e.g. C9_bsmumu=-1 C10_bsmumu=0.5")
    predict.add_argument("--measurements", help="packaged table name or TOML path (default rashed2026_table1)")
    predict.set_defaults(run=_predict)
    jobs = {
        "fit": ("best fit from many starts, with Hessian uncertainties", _fit),
        "sample": ("NUTS posterior (numpyro), warm-started at the best fit", _sample),
        "scan": ("chunked, resumable scan of the χ² over the parameter ranges", _scan),
    }
    for job, (text, run) in jobs.items():
        sub = commands.add_parser(job, help=text)
        sub.add_argument("config", help=f"a preset ({', '.join(_presets())}) or a TOML config")
        sub.add_argument("--out", help="output folder (default: the config's `out`, else jaxflav-results/NAME)")
        sub.set_defaults(run=run)
    plot = commands.add_parser("plot", help="Δχ² regions of a scan and the corner plot of samples in an output folder")
    plot.add_argument("folder", help="an output folder of jaxflav scan / sample (and fit)")
    plot.set_defaults(run=_plot)
    bench = commands.add_parser("bench", help="throughput beside the baselines (scipy, flavio)")
    bench.add_argument("--quick", action="store_true")
    bench.add_argument("--only", nargs="*")
    bench.set_defaults(run=_bench)
    opts = parser.parse_args(argv)
    return opts.run(opts)


if __name__ == "__main__":
    sys.exit(main())
