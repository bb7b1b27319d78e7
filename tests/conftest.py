"""Shared test set-up: float64 everywhere, as jaxflav itself runs, and jaxflav's persistent XLA
compilation cache for every test module (also those that import only `kernels` or `fits`), so a
second run on the same machine loads compiled programs instead of compiling them
(JAXFLAV_NO_CACHE=1 or JAXFLAV_CACHE_DIR as for jaxflav itself)."""

import jax

from jaxflav import compile_cache

jax.config.update("jax_enable_x64", True)
compile_cache.enable()
