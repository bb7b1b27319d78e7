"""fits: physics-free inference for any pure JAX χ² (log-likelihood −χ²/2). Never imports `jaxflav`.

- `space`: named parameters with bounds, linear/log scales and priors; bijections to unconstrained space,
  warped where a model supplies a better sampling coordinate (`Warp`).
- `minimize`: the one minimiser: projected L-BFGS from many starts over one compiled χ² + gradient
  (`Objective`), Newton polish, finite-difference Hessians of the exact gradient.
- `bestfit`: many starts at once, the distinct minima, Hessian uncertainties.
- `hmc`: numpyro NUTS with several chains; R-hat, ESS, divergences.
- `scan`: grid/random/Sobol designs in chunks, sharded over devices, atomic and resumable on disk.
- `regions`: Δχ² levels, profile likelihoods (from χ² or scans), contours and intervals.
- `plots`: Δχ² regions, profiles and corner plots (matplotlib, the `plot` extra).
- `files`: atomic, reproducible output files (JSON, .npz), a folder lock, checked TOML reading.
- `progress`: progress lines on stderr that read well on a terminal and in a batch log.
"""

from fits.bestfit import BestFit, best_fit
from fits.scan import ScanResult
from fits.space import Parameter, Space, Warp

__all__ = ["BestFit", "Parameter", "Posterior", "ScanResult", "Space", "Warp", "best_fit", "sample"]


def __getattr__(name):
    """`Posterior` and `sample` load `fits.hmc` (and numpyro, ~0.6 s) on first use only."""
    if name in ("Posterior", "sample"):
        from fits import hmc

        return getattr(hmc, name)
    raise AttributeError(f"module 'fits' has no attribute {name!r}")
# `scan` the function stays in `fits.scan`: re-exporting it here would hide the submodule
