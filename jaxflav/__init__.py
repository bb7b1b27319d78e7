"""jaxflav: differentiable flavour physics of light dark vector bosons, in JAX.

Importing jaxflav turns on float64 (`jax_enable_x64`): flavour observables need it; and the
persistent compilation cache (`jaxflav.compile_cache`; JAXFLAV_NO_CACHE=1 switches it off).
"""

import jax

from jaxflav import compile_cache

jax.config.update("jax_enable_x64", True)
compile_cache.enable()

__version__ = "0.1.0"


def sm_prediction(name, *args):
    """Standard-Model value of a b→sℓℓ observable, with flavio's call shape.

    `name` is a flavio observable name (`jaxflav.predictions.KNOWN`), `args` is `q2` or
    `q2min, q2max` in GeV². Example: `jaxflav.sm_prediction("<dBR/dq2>(B0->K*mumu)", 1.1, 2.5)`.
    """
    from jaxflav import predictions

    return predictions.sm_prediction(name, *args)


def np_prediction(name, wc, *args):
    """A b→sℓℓ observable with new physics, with flavio's call shape.

    `wc` maps WCxf names (`C9_bsmumu`, `C10p_bsee`, `C7_bs`, …: shifts from the SM at 4.8 GeV) to
    numbers or to JAX functions of q² (GeV²). For scans and fits use the batched, jittable
    `jaxflav.predictions.Predictions` instead: this door rebuilds nothing but evaluates one point.
    """
    from jaxflav import predictions

    return predictions.np_prediction(name, wc, *args)


def theory_covariance(observables, wc=None, n=2000, **options):
    """(central values, covariance) of b→sℓℓ observables over the theory nuisance priors, by a
    vmapped Monte Carlo (as flavio's `sm_covariance`); see `jaxflav.theory.theory_covariance`."""
    from jaxflav import theory

    return theory.theory_covariance(observables, wc, n, **options)
