"""jaxflav: differentiable flavour physics of light dark vector bosons, in JAX.

Importing jaxflav turns on float64 (`jax_enable_x64`): flavour observables need it.
"""

import jax

jax.config.update("jax_enable_x64", True)

__version__ = "0.1.0"
