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
import math
import sys
import time

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
            number = complex(value.replace(" ", ""))
        except ValueError:
            raise SystemExit(f"jaxflav predict: {name}: {value!r} is not a number (complex as -1+0.5j)") from None
        wc[name.strip()] = _finite(number, f"--wc {name.strip()}")
    return wc


def _finite(value, where):
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        raise SystemExit(f"jaxflav predict: {where} = {value} is not a finite number")
    return value


def _read_config(path):
    """A predict config: `measurements = "name or path"` and a [wilson] table of WCxf names → numbers or [re, im]."""
    from fits import files

    doc = files.read_toml(path, "config file")
    unknown = set(doc) - {"measurements", "wilson"}
    if unknown:
        raise SystemExit(f"jaxflav predict: {path}: unknown key(s) {', '.join(sorted(unknown))}; known: measurements, wilson")
    wc = {}
    if not isinstance(doc.get("wilson", {}), dict):
        raise SystemExit(f"jaxflav predict: {path}: [wilson] must be a table of NAME = value")
    for name, value in doc.get("wilson", {}).items():
        number = lambda v: isinstance(v, int | float) and not isinstance(v, bool)  # noqa: E731
        try:
            if isinstance(value, list) and len(value) == 2 and all(map(number, value)):
                wc[name] = complex(*map(float, value))
            elif number(value):
                wc[name] = complex(float(value))
            else:
                raise SystemExit(f"jaxflav predict: {path}: wilson.{name} must be a number or [re, im], got {value!r}")
        except OverflowError:
            raise SystemExit(f"jaxflav predict: {path}: wilson.{name} = {value!r} is out of floating-point range") from None
        _finite(wc[name], f"{path}: wilson.{name}")
    if not isinstance(doc.get("measurements", ""), str):
        raise SystemExit(f"jaxflav predict: {path}: `measurements` must be a string, got {doc['measurements']!r}")
    return doc.get("measurements"), wc


def _predict(opts):
    import numpy as np

    from jaxflav import datasets, likelihood, measurements, predictions, wcxf

    table_name, wc = _read_config(opts.config) if opts.config else (None, {})
    wc.update(_parse_wc(opts.wc or []))
    name = opts.measurements or table_name or "rashed2026_table1"
    try:
        wcxf.check_names(wc)
        if datasets.is_dataset(name):
            return _predict_dataset(name, wc)
        table = measurements.load(name)
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


def _predict_dataset(name, wc):
    """Every value of a data set: prediction, SM, measurement, errors, pull; each measurement's χ²."""
    import numpy as np

    from jaxflav import datasets
    from jaxflav.likelihood import DataLikelihood

    like = DataLikelihood([name])
    ds = like.sets[0]
    new, sm = np.asarray(like.predict(wc)), np.asarray(like.predict(None))
    terms, terms_sm = like.terms(wc), like.terms(None)
    print(f"Wilson coefficients (shifts at 4.8 GeV): {wc or 'none (SM)'}; data set {ds.name}: {ds.description}")
    head = f"{'observable':28s} {'bin GeV^2':>13s} {'prediction':>11s} {'SM (jaxflav)':>12s} {'measured':>10s} {'+err':>8s} {'-err':>8s} {'pull':>6s}"
    for term, index in zip(ds.terms, ds.index):
        print(f"\n{term.name}: chi2 = {float(terms[term.name]):.2f} (SM {float(terms_sm[term.name]):.2f}) for {len(index)} value(s)")
        print(head)
        for k, (o, i) in enumerate(zip(term.observables, index)):
            bin_ = f"{o[1]:5.4g}-{o[2]:<7.4g}" if len(o) == 3 else (f"{o[1]:13.4g}" if len(o) == 2 else "")
            if isinstance(term, datasets.Gaussian):
                up, down = term.up[k], term.down[k]
                pull = (new[i] - term.central[k]) / (up if new[i] > term.central[k] else down)
                print(f"{o[0]:28s} {bin_:>13s} {new[i]:11.4g} {sm[i]:12.4g} {term.central[k]:10.4g} {up:8.2g} {down:8.2g} {pull:6.2f}")
            else:
                best = term.x[np.argmin(term.delta_chi2)]
                print(f"{o[0]:28s} {bin_:>13s} {new[i]:11.4g} {sm[i]:12.4g} {best:10.4g} {'(tabulated likelihood)':>24s}")
    chi2, chi2_sm = sum(float(v) for v in terms.values()), sum(float(v) for v in terms_sm.values())
    print(f"\nchi2 = {chi2:.2f} for {len(like)} values in {len(ds.terms)} measurements (SM: {chi2_sm:.2f}; experimental errors only, no theory uncertainties)")
    return 0


def _versions():
    import importlib.metadata
    import platform

    out = {"python": platform.python_version(), "jaxflav": jaxflav.__version__}
    for package in ("jax", "jaxlib", "numpyro", "numpy"):
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            out[package] = None
    return out


def _write_json(path, data):
    from fits import files

    files.write_json(path, data, default=_jsonable)


def _jsonable(value):
    import numpy as np

    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


class _Folder:
    """The output folder of a job: checked before any work, created, locked (`fits.files.Lock`)
    while the job runs; the folders a failed job created are removed again if it left them empty."""

    def __init__(self, path):
        from fits import files

        self.path = path
        files.check_folder(path)
        self.created = [p for p in (path, *path.parents) if not p.exists()]

    def __enter__(self):
        from fits import files

        self.path.mkdir(parents=True, exist_ok=True)
        self.lock = files.Lock(self.path).acquire()
        files.remove_temporaries(self.path)  # of a job killed while writing
        return self.path

    def __exit__(self, kind, *_):
        self.lock.release()
        if kind is not None:
            for folder in self.created:  # deepest first
                try:
                    folder.rmdir()
                except OSError:
                    break


def _setup(opts, job):
    """Config and output folder of a fit/sample/scan job, checked before anything compiles."""
    import pathlib

    from jaxflav import config

    cfg = config.load(opts.config)
    design = config.scan_design(cfg) if job == "scan" else None
    name = pathlib.Path(opts.config).stem
    folder = _Folder(pathlib.Path(opts.out or cfg.out or f"jaxflav-results/{name}"))
    if design is not None:
        _check_disk(cfg, design, folder.path)
    if opts.check:
        print(f"jaxflav {job}: {cfg.source} is a valid {cfg.model} config; {folder.path} is writable")
        raise SystemExit(0)
    print(f"jaxflav {job}: {cfg.source} ({cfg.description or cfg.model}) → {folder.path}", file=sys.stderr)
    return cfg, folder


def _check_disk(cfg, design, out):
    """Estimate a scan's disk use (chunks and scan.npz: float64 points and χ² values, and every
    constraint term's χ²); refuse it beyond the free space, announce it above 1 GB."""
    import shutil

    from jaxflav import constraints, models, sources

    values = 1
    if models.get(cfg.model, cfg.options).observables is not None:
        files = [cfg.measurements] if isinstance(cfg.measurements, str) else cfg.measurements
        values += sum(len(constraints.load(f)) for f in files if sources.kind(f) == "constraints")
    kept = design.n if design.n <= KEEP_ALL_UP_TO else min(design.n, 100_000)
    need = 8 * (len(cfg.parameters) + values) * (design.n + kept)
    probe = next(p for p in (out, *out.parents) if p.exists())
    free = shutil.disk_usage(probe).free
    if need > free:
        raise ValueError(f"a scan of {design.n:,} points needs about {need / 1e9:.3g} GB in {out}, "
                         f"only {free / 1e9:.3g} GB are free; lower scan.points or choose another --out")  # fmt: skip
    if need > 1e9:
        print(f"jaxflav scan: {design.n:,} points will take about {need / 1e9:.3g} GB in {out} ({free / 1e9:.3g} GB free)", file=sys.stderr)


def _result_header(cfg, problem, job):
    from jaxflav import config

    return {"job": job, "n_obs": problem.n_values, "theory": problem.likelihood.theory, "chi2_sm": problem.chi2_sm, "fixed": cfg.fixed, "config": config.as_json(cfg), "versions": _versions()}


def _fit_progress(job):
    """A `fits.bestfit` progress callback printing through a `fits.progress.Ticker`."""
    from fits.progress import Ticker, clock

    ticker = Ticker()

    def report(step, running, starts, best):
        ticker(f"{job}: L-BFGS step {step}, {running} of {starts} starts running, lowest χ² {best:.6g} ({clock(ticker.elapsed())})")

    return report


def _fit(opts):
    import jax.numpy as jnp

    from fits import bestfit
    from jaxflav import config

    cfg, folder = _setup(opts, "fit")
    with folder as out:
        fits = []
        for branch in config.branches(cfg):  # each setting of the relative signs the config leaves open
            if branch:
                print(f"fit: branch {', '.join(f'{k} = {v:+g}' for k, v in branch.items())}")
            c = cfg._replace(fixed={**cfg.fixed, **branch})
            problem = config.problem(c)
            res = bestfit.best_fit(problem.chi2, problem.space, starts=c.fit["starts"], key=c.fit["seed"], progress=_fit_progress("fit"))
            fits.append((float(res.chi2_min), branch, c, problem, res))
        _, branch, cfg, problem, res = min(fits, key=lambda f: f[0])
        result = {
            **_result_header(cfg, problem, "fit"),
            "best_fit": dict(zip(res.names, map(float, res.x))),
            "chi2_min": float(res.chi2_min),
            "chi2_terms": {k: float(v) for k, v in problem.terms(jnp.asarray(res.x)).items()},
            "uncertainties": dict(zip(res.names, map(float, res.sigma))),
            "fit": res.to_dict(),
        }
        if len(fits) > 1:
            result["branches"] = [{"fixed": b, "chi2_min": chi2, "best_fit": dict(zip(r.names, map(float, r.x)))} for chi2, b, _, _, r in fits]
        _write_json(out / "result.json", result)
    if len(fits) > 1:
        print("branches: " + "; ".join(f"{', '.join(f'{k} = {v:+g}' for k, v in b.items())}: χ²_min {chi2:.3f}" for chi2, b, *_ in fits)
              + f" → the best, {', '.join(f'{k} = {v:+g}' for k, v in branch.items())}")  # fmt: skip
    print(f"best fit ({res.n_converged}/{res.n_starts} starts converged):")
    nuisance = set(problem.likelihood.nuisance_parameters)
    for name, value, sigma in zip(res.names, res.x, res.sigma):
        if name not in nuisance:
            print(f"  {name:14s} = {value: .5g} ± {sigma:.2g}")
    if nuisance:
        z = sorted(((name, value) for name, value in zip(res.names, res.x) if name in nuisance), key=lambda nv: -abs(nv[1]))
        print(f"  {len(z)} nuisance parameters profiled (standard coordinates; all in result.json), the largest: "
              + ", ".join(f"{n} = {v:.2f}" for n, v in z[:3]))  # fmt: skip
    at = " at central nuisances" if nuisance else ""
    sm = f", SM{at} {problem.chi2_sm:.2f} (Δχ² = {problem.chi2_sm - res.chi2_min:.2f})"
    print(f"chi2_min = {res.chi2_min:.3f} for {problem.n_values} measurements{sm}; {problem.likelihood.theory}")
    if res.message:
        print(f"note: {res.message}")
    print(f"wrote {out / 'result.json'}")
    return 0


def _heartbeat(text):
    """A context in which a thread prints `text` and the elapsed time every few seconds (a long
    compiled call that reports nothing itself)."""
    import contextlib
    import threading

    from fits.progress import LOG_EVERY_S, Ticker, clock

    @contextlib.contextmanager
    def beating():
        ticker, stop = Ticker(every_s=LOG_EVERY_S), threading.Event()

        def beat():
            while not stop.wait(LOG_EVERY_S):
                ticker(f"{text} ({clock(ticker.elapsed())})", final=True)

        thread = threading.Thread(target=beat, daemon=True)
        ticker.line(text)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    return beating()


def _sample(opts):
    import hashlib

    import numpy as np

    from fits import bestfit, files, hmc
    from jaxflav import config

    cfg, folder = _setup(opts, "sample")
    s = cfg.sample
    two_step = opts.two_step or s["procedure"] == "two-step"
    with folder as out:
        problem = config.problem(cfg, two_step=two_step)
        starts = min(16, cfg.fit["starts"])
        start = bestfit.best_fit(problem.chi2, problem.space, starts=starts, key=cfg.fit["seed"], progress=_fit_progress("sample: start"))
        steps = f"{s['chains']} chains × ({s['warmup']} warmup + {s['samples']}) NUTS steps"
        compare = s["compare"] == "metropolis"
        many = problem.space.dim > 20  # a dense mass matrix is learnt poorly from a short warmup in many dimensions
        with _heartbeat(f"sample: {steps} from the best fit (χ² {start.chi2_min:.6g}), compiling and running"):
            began = time.perf_counter()
            post = hmc.sample(problem.chi2, problem.space, chains=s["chains"], warmup=s["warmup"], samples=s["samples"], key=s["seed"], init=start.x,
                              dense_mass=not many, count_warmup=compare, target_accept=s["target_accept"],
                              soften=float(s["soften"]), chain_method=s["chain_method"])  # fmt: skip
            nuts_s = time.perf_counter() - began
        terms, excluded = _term_values(problem, post)
        arrays = {"chi2": post.chi2, "num_steps": post.num_steps, "diverging": post.diverging, **{f"samples/{n}": v for n, v in post.samples.items()},
                  **{f"terms/{n}": v for n, v in terms.items()},
                  **{f"excluded/{n}": v for n, v in excluded.items()}}  # fmt: skip
        result = {**_result_header(cfg, problem, "sample"), "best_fit": dict(zip(start.names, map(float, start.x))), "chi2_min": float(start.chi2_min),
                  "posterior": post.to_dict(), "procedure": "two-step" if two_step else "one-step", "warped": [w.name for w in problem.space.warps],
                  "excluded_fraction": {n: float(v.mean()) for n, v in excluded.items()}}  # fmt: skip
        if two_step:
            kept = ~np.any([excluded[t.name] for t in problem.filters], axis=0) if problem.filters else np.ones(post.chi2.shape, bool)
            arrays["kept"] = kept
            result["two_step"] = _filtered(post, kept, problem.filters)
        data = files.npz_bytes(arrays, compress=True)
        result["samples_sha256"] = hashlib.sha256(data).hexdigest()
        if compare:
            result["comparison"] = _compare_metropolis(problem, start, post, nuts_s, s)
        files.write_bytes(out / "samples.npz", data)  # then the summary that names its hash: a pair left by a kill is detected
        _write_json(out / "posterior.json", result)
    nuisance = set(problem.likelihood.nuisance_parameters)
    lines = post.summary().splitlines()
    if nuisance:  # the table lists the model's parameters; every nuisance is in posterior.json
        lines = [line for line in lines if not any(line.startswith(n + " ") for n in nuisance)]
        worst = max(post.r_hat.values())
        lines.append(f"{len(nuisance)} nuisance parameters sampled too (in posterior.json); largest R̂ of all {worst:.4f}, smallest ESS {min(post.ess.values()):.0f}")
    print("\n".join(lines))
    if compare:
        c = result["comparison"]
        for label, run in (("NUTS", c["nuts"]), ("random-walk Metropolis", c["metropolis"])):
            print(f"{label:23s}: {run['n_evals']} evaluations in {run['wall_s']:.1f} s; ESS min {run['ess_min']:.1f}, "
                  f"median {run['ess_median']:.1f}; min ESS/s {run['ess_min_per_s']:.3g}, max R̂ {run['r_hat_max']:.3f}")  # fmt: skip
    if excluded:
        print("draws excluded by each limit: " + ", ".join(f"{n} {100 * f:.3g} %" for n, f in result["excluded_fraction"].items()))
    if two_step:
        t = result["two_step"]
        print(f"two-step: {t['kept']} of {t['draws']} draws survive the filters ({', '.join(t['filters'])}); "
              + "medians after the cut: " + ", ".join(f"{n} {q['50']:.4g}" for n, q in t["quantiles"].items() if q))  # fmt: skip
    print(f"wrote {out / 'samples.npz'} and {out / 'posterior.json'}")
    return 0


def _term_values(problem, post, chunk=4096):
    """({term: (chains, draws) χ²}, {limit: (chains, draws) bool}): every term's χ² at every draw,
    and the draws each limit of the config's constraint files excludes at its confidence level
    (its χ² above `jaxflav.constraints.exclusion_chi2`)."""
    import jax
    import numpy as np

    from jaxflav import constraints

    terms = jax.jit(jax.vmap(problem.terms))
    flat = post.flat()
    values = [terms(flat[i : i + chunk]) for i in range(0, len(flat), chunk)]
    chi2 = {n: np.concatenate([np.asarray(v[n]) for v in values]).reshape(post.chi2.shape) for n in values[0]}
    limits = [t for t in problem.likelihood.constraints if t.kind != "measurement"]
    return chi2, {t.name: chi2[t.name] > constraints.exclusion_chi2(t) for t in limits}


def _filtered(post, kept, filters):
    """The two-step summary: how many draws survive the filters, and the quantiles of those."""
    from fits import hmc

    quantiles = {n: hmc.quantiles_of(post.samples[n][kept]) for n in post.names}
    return {"filters": [t.name for t in filters], "draws": int(kept.size), "kept": int(kept.sum()), "quantiles": quantiles}


def _compare_metropolis(problem, start, post, nuts_s, s):
    """Random-walk Metropolis at NUTS's evaluation budget (warmup included), from the same best
    fit, its proposal the best fit's covariance in the unconstrained space: ESS and ESS/s of both
    (wall times include each one's compilation)."""
    import numpy as np

    from fits import hmc

    proposal = hmc.proposal_at(problem.space, start.x, start.covariance) if start.hessian_ok else None
    steps = -(-post.n_evals // s["chains"])
    with _heartbeat(f"sample: random-walk Metropolis, {s['chains']} chains × {steps} steps (NUTS's evaluations), compiling and running"):
        began = time.perf_counter()
        rw = hmc.random_walk(problem.chi2, problem.space, chains=s["chains"], steps=steps, key=s["seed"] + 1, init=start.x, proposal=proposal)
        rw_s = time.perf_counter() - began

    def stats(run, wall):
        ess = np.array(list(run.ess.values()))
        return {"n_evals": int(run.n_evals), "wall_s": wall, "ess_min": float(np.min(ess)), "ess_median": float(np.median(ess)),
                "ess_min_per_s": float(np.min(ess) / wall), "r_hat_max": float(max(run.r_hat.values()))}  # fmt: skip

    return {"nuts": stats(post, nuts_s), "metropolis": {**stats(rw, rw_s), "accept_rate": rw.accept_rate}, "metropolis_run": rw.to_dict()}


KEEP_ALL_UP_TO = 4_000_000  # larger scans keep the best 100 000 points and the 1-D/2-D profiles


def _scan(opts):
    import hashlib

    import numpy as np

    from fits import files, scan
    from jaxflav import config

    cfg, folder = _setup(opts, "scan")
    c = cfg.scan
    n = int(np.prod(c["points"])) if isinstance(c["points"], list) else c["points"]
    with folder as out:
        problem = config.problem(cfg)
        f, by = problem.chi2, None
        if problem.likelihood.constraints:  # keep each constraint's χ² too (for `jaxflav plot`)
            f, by = (lambda x: {"chi2": problem.chi2(x), "terms": problem.terms(x)}), "chi2"
        keep = "all" if n <= KEEP_ALL_UP_TO else scan.Best(100_000, by=by)
        try:
            res = scan.scan(f, problem.space, design=c["design"], points=c["points"], seed=c["seed"], chunk=c["chunk"],
                            out=out / "chunks", keep=keep, resume=not opts.restart)  # fmt: skip
        except scan.Mismatch as err:
            raise ValueError(f"{out} holds a different scan ({err.detail}); `jaxflav scan --restart` starts it over, or choose another --out") from None
        run = res.metadata["run"]  # timings: into scan.json; scan.npz holds only what a rerun reproduces bit for bit
        res = res._replace(metadata={k: v for k, v in res.metadata.items() if k != "run"})
        data = files.npz_bytes(res.arrays())
        files.write_bytes(out / "scan.npz", data)
        values = np.asarray(res.values["chi2"] if isinstance(res.values, dict) else res.values)
        best = int(np.nanargmin(values))
        result = {
            **_result_header(cfg, problem, "scan"),
            "points": n,
            "best_fit": dict(zip(res.names, map(float, res.x[best]))),
            "chi2_min": float(values[best]),
            "finite": int(np.isfinite(values).sum()),
            "scan_sha256": hashlib.sha256(data).hexdigest(),
            "run": run,
        }
        _write_json(out / "scan.json", result)
    print(f"scanned {n} points: chi2_min = {values[best]:.3f} at " + ", ".join(f"{k} = {v:.4g}" for k, v in result["best_fit"].items()))
    print(f"wrote {out / 'scan.npz'} and {out / 'scan.json'}")
    return 0


def _space_of(result):
    from fits.space import Parameter, Space

    return Space([Parameter(**p) for p in result["config"]["parameters"].values()])


def _load_pair(folder, summary, arrays, job):
    """(summary JSON, npz) of a job's output pair; ValueError if either is missing, unreadable, or
    the npz is not the one the summary names (a run killed between the two writes)."""
    import hashlib
    import io
    import json

    import numpy as np

    try:
        meta = json.loads((folder / summary).read_text())
        data = (folder / arrays).read_bytes()
    except (OSError, ValueError) as err:
        raise ValueError(f"cannot read the `jaxflav {job}` output in {folder}: {err}") from None
    digest = meta.get(f"{arrays.split('.')[0]}_sha256")
    if digest is not None and hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(f"{folder / arrays} is not the one {summary} describes (a `jaxflav {job}` that was stopped?); run it again to complete it")
    if not isinstance(meta.get("config", {}).get("parameters"), dict):
        raise ValueError(f"{folder / summary} is not a `jaxflav {job}` summary (no config.parameters)")
    return meta, np.load(io.BytesIO(data))


def _same_config(meta, other):
    return meta["config"].get("model") == other.get("config", {}).get("model") and set(meta["config"]["parameters"]) == set(other.get("best_fit", {}))


def _plot(opts):
    import json
    import pathlib

    import numpy as np

    try:
        from fits import plots, regions
    except ImportError as err:
        raise SystemExit(f"jaxflav plot: {err}") from None
    folder = pathlib.Path(opts.folder)
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    drawn = []
    if (folder / "scan.json").is_file():
        meta, data = _load_pair(folder, "scan.json", "scan.npz", "scan")
        space = _space_of(meta)
        x, chi2 = data["x"], data["values" if "values" in data.files else "values.chi2"]
        drawn += _constraint_plots(folder, meta, data, space)
        best, chi2_min = np.array([meta["best_fit"][n] for n in space.names]), None
        if (folder / "result.json").is_file():  # a polished best fit, when `jaxflav fit` ran here too
            fit = json.loads((folder / "result.json").read_text())
            if _same_config(meta, fit):
                best = np.array([fit["best_fit"][n] for n in space.names])
                chi2_min = min(float(np.nanmin(chi2)), float(fit["chi2_min"]))
            else:
                print(f"jaxflav plot: {folder / 'result.json'} is the fit of another config ({fit.get('config', {}).get('source')}); not used", file=sys.stderr)
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
    if (folder / "result.json").is_file():
        drawn += _dataset_plots(folder, json.loads((folder / "result.json").read_text()))
    if (folder / "samples.npz").is_file() or (folder / "posterior.json").is_file():
        meta, data = _load_pair(folder, "posterior.json", "samples.npz", "sample")
        space = _space_of(meta)
        samples = {n: data[f"samples/{n}"] for n in space.names}
        log = [p.name for p in space.parameters if p.scale == "log"]
        plots.corner(samples, truths=[meta["best_fit"][n] for n in space.names], log=log, path=folder / "corner.png")
        drawn.append("corner.png")
        if meta["config"].get("model") == "split-dark-sector":
            from jaxflav.models import split_dark_sector_plots

            drawn += split_dark_sector_plots.figures(folder, meta, data)
    if not drawn:
        raise SystemExit(f"jaxflav plot: {folder} holds no scan (scan.json) or samples (samples.npz) to draw")
    print("wrote " + ", ".join(str(folder / d) for d in drawn))
    return 0


THEORY_BAND_DRAWS = 500  # Monte-Carlo draws of the SM band in observables.png (σ to ~3 %)


def _dataset_plots(folder, fit):
    """For a fit to data sets: each binned observable's measurements against the best fit and
    the SM with its theory band (`jaxflav.theory_covariance`; observables.png)."""
    import numpy as np

    from fits import plots
    from jaxflav import config, datasets, models, sources
    from jaxflav.likelihood import DataLikelihood

    names = fit.get("config", {}).get("measurements")
    names = [names] if isinstance(names, str) else names
    if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        return []
    names = [n for n in names if sources.kind(n) == "dataset"]
    if not names:
        return []
    like = DataLikelihood(names)
    model = models.get(fit["config"]["model"], config.model_options(fit["config"]))
    point = {**fit.get("fixed", {}), **fit["best_fit"]}
    sm, best = np.asarray(like.predict(None)), np.asarray(like.predict(model.wilson(point)))
    rows = {}  # observable name → [(lo, hi, central, down, up, index)]
    for s in like.sets:
        for term in s.terms:
            if not isinstance(term, datasets.Gaussian):
                continue
            for k, o in enumerate(term.observables):
                if len(o) == 3:
                    rows.setdefault(o[0], []).append((o[1], o[2], term.central[k], term.down[k], term.up[k], like.observables.index(o)))
    if not rows:
        return []
    from jaxflav.theory import theory_covariance

    plotted = sorted({i for r in rows.values() for *_, i in r})
    _, cov = theory_covariance([like.observables[i] for i in plotted], None, THEORY_BAND_DRAWS)
    sigma = dict(zip(plotted, np.sqrt(np.diag(cov))))
    panels = []
    for name, r in rows.items():
        lo, hi, central, down, up, index = (np.array(c) for c in zip(*r))
        sm_line = (lo, hi, sm[index], np.array([sigma[i] for i in index]))
        panels.append((name, (lo, hi, central, down, up), {"best fit": (lo, hi, best[index]), "SM ± theory (1σ)": sm_line}))
    plots.binned(panels, path=folder / "observables.png")
    return ["observables.png"]


def _constraint_plots(folder, meta, data, space):
    """For constraint models (per-term χ² in the scan): a Fig.-2-style band map on 2-D grids, and
    for the (B−L)₂₃ Scenario II survey the W_u elements that explain the measurements (Fig. 3)."""
    import numpy as np

    from fits import plots
    from jaxflav import constraints, sources

    names = [k[len("values.terms."):] for k in data.files if k.startswith("values.terms.")]
    if not names:
        return []
    files = meta["config"]["measurements"]
    files = [f for f in ([files] if isinstance(files, str) else files) if sources.kind(f) == "constraints"]
    terms = {t.name: t for f in files for t in constraints.load(f) if t.name in names}
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
    if model.startswith("dark-z-case-"):
        from jaxflav.models import dark_z_plots

        drawn += dark_z_plots.figures(folder, meta, data, space, terms)
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


def _version():
    v = _versions()
    return f"jaxflav {v['jaxflav']} (python {v['python']}, jax {v['jax']}, jaxlib {v['jaxlib']}, numpyro {v['numpyro']}, numpy {v['numpy']})"


class _Version(argparse.Action):
    def __call__(self, parser, *_):
        print(_version())
        parser.exit()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="jaxflav", description="Differentiable flavour physics of light dark vector bosons.")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the versions of jaxflav and its dependencies")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
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
        sub.add_argument("--check", action="store_true", help="check the config and the output folder, then stop (writes nothing)")
        if job == "scan":
            sub.add_argument("--restart", action="store_true", help="discard the chunks of an earlier scan in the folder and start over")
        if job == "sample":
            sub.add_argument("--two-step", action="store_true",
                             help="sample the data and [sample] likelihood_limits only, then drop the draws the other limits exclude")  # fmt: skip
        sub.set_defaults(run=run, restart=False, two_step=False)
    plot = commands.add_parser("plot", help="Δχ² regions of a scan and the corner plot of samples in an output folder")
    plot.add_argument("folder", help="an output folder of jaxflav scan / sample (and fit)")
    plot.set_defaults(run=_plot)
    bench = commands.add_parser("bench", help="throughput beside the baselines (scipy, flavio)")
    bench.add_argument("--quick", action="store_true")
    bench.add_argument("--only", nargs="*")
    bench.set_defaults(run=_bench)
    opts = parser.parse_args(argv)
    try:
        return opts.run(opts)
    except (ValueError, OSError) as err:  # bad input, or a file system that refuses: one line
        if opts.debug:
            raise
        raise SystemExit(f"jaxflav {opts.command}: " + str(err).replace("\n", "\\n")) from None  # one line, whatever a key holds
    except KeyboardInterrupt:
        if opts.debug:
            raise
        again = " (run it again to resume)" if opts.command == "scan" else ""
        raise SystemExit(f"jaxflav {opts.command}: interrupted{again}") from None


if __name__ == "__main__":
    sys.exit(main())
