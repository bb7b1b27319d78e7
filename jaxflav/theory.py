"""Theory uncertainties of b→sℓℓ observables: the covariance over the nuisance priors
(`jaxflav.nuisances`) by a vmapped Monte Carlo, as flavio's `sm_covariance` computes it.

    central, cov = theory_covariance([("<P5p>(B0->K*mumu)", 4.0, 6.0), ("BR(Bs->mumu)",)], n=4000)

Each draw θ of the prior gives the observables at θ (`jaxflav.predictions.Predictions` with
`nuisances`); the covariance is the sample covariance of the draws (its own Monte-Carlo error is
≈ √(2/n) relative on a variance), the central values the predictions at the central θ. Draws are
evaluated in chunks of a fixed size under one compiled function, so memory is set by the chunk.
"""

import jax
import numpy as np

from jaxflav import nuisances as jaxflav_nuisances
from jaxflav.predictions import Predictions


def theory_covariance(observables, wc=None, n=2000, *, nuisances=None, seed=0, chunk=250, predictions=None):
    """(central values, covariance) as NumPy arrays over `observables` (names or tuples, as
    `Predictions` takes them) at Wilson coefficients `wc` (None: the SM; constant or q²-dependent
    as `Predictions` takes them, not a `Resonance`).

    `nuisances`: the names varied (default: every one that acts, `jaxflav.nuisances.ACTING`),
    drawn from their joint Gaussian prior; `n` draws with key `seed`; `predictions`: a
    `Predictions` of these observables built with these nuisances, to reuse its compilation.
    """
    if not (isinstance(n, int) and n >= 2):
        raise ValueError(f"n must be an integer ≥ 2 (Monte-Carlo draws), got {n!r}")
    prior = jaxflav_nuisances.prior(jaxflav_nuisances.ACTING if nuisances is None else nuisances)
    predict = Predictions(observables, nuisances=prior.names) if predictions is None else predictions
    if predict.nuisances != prior.names:
        raise ValueError("predictions= must be built with the same nuisances")
    size = min(chunk, n)
    draws = prior.sample(jax.random.PRNGKey(seed), -(-n // size) * size)
    batch = jax.jit(lambda t: jax.lax.map(lambda c: jax.vmap(lambda p: predict(wc, p))(c), t))
    values = np.asarray(batch(draws.reshape(-1, size, prior.dim))).reshape(-1, len(predict.names))[:n]
    return np.asarray(predict(wc)), np.atleast_2d(np.cov(values, rowvar=False))
