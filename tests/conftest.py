"""Shared test set-up: float64 everywhere, as jaxflav itself runs."""

import jax

jax.config.update("jax_enable_x64", True)
