"""The `jaxflav` command.

    jaxflav kernel NAME ARG...   evaluate one kernel function (PV integral, Inami–Lim function)
    jaxflav bench [--quick]      throughput of the kernels beside their baselines

`predict`, `scan`, `fit`, `sample` and `plot` arrive with the physics and `fits` layers.
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


def _bench(opts):
    from benchmarks.runner import main as bench_main

    return bench_main((["--quick"] if opts.quick else []) + (["--only", *opts.only] if opts.only else []))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="jaxflav", description="Differentiable flavour physics of light dark vector bosons.")
    commands = parser.add_subparsers(dest="command", required=True)
    kernel = commands.add_parser("kernel", help="evaluate a kernel function (GeV units; squared masses and momenta for PV)")
    kernel.add_argument("name", help=f"one of: {', '.join(KERNELS)}")
    kernel.add_argument("args", nargs="*")
    kernel.set_defaults(run=_kernel)
    bench = commands.add_parser("bench", help="kernel throughput beside scipy baselines")
    bench.add_argument("--quick", action="store_true")
    bench.add_argument("--only", nargs="*")
    bench.set_defaults(run=_bench)
    opts = parser.parse_args(argv)
    return opts.run(opts)


if __name__ == "__main__":
    sys.exit(main())
