"""Shared test set-up: float64 everywhere, as jaxflav itself runs, and jaxflav's persistent XLA
compilation cache for every test module (also those that import only `kernels` or `fits`), so a
second run on the same machine loads compiled programs instead of compiling them
(JAXFLAV_NO_CACHE=1 or JAXFLAV_CACHE_DIR as for jaxflav itself)."""

import jax
import jax.numpy as jnp
import pytest

from jaxflav import compile_cache

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_threefry_partitionable", True)  # the default from jax 0.5.0: same random streams on older jax
compile_cache.enable()


@pytest.fixture(scope="session")
def penguin_vertex_jvp():
    """jax.jit of (x, q², M_W², charges) ↦ jax.jvp of jaxflav.models.penguin.vertex in x: the
    vertex (F0, F2, FM) and its forward-mode x-derivative. Every argument is traced, so the
    tests of test_penguin (the x-derivative, dark_z's T³ and E⁰ constants) share one compilation."""
    from jaxflav.models import penguin

    def vertex_and_x_derivative(x, q2, mw2, charges):
        return jax.jvp(lambda x: penguin.vertex(x, q2, mw2, charges), (x,), (jnp.ones_like(x),))

    return jax.jit(vertex_and_x_derivative)


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory):
    """configs.SMALL_DATASET as a file: a correlated two-value, a one-value and a tabulated measurement."""
    from configs import SMALL_DATASET

    path = tmp_path_factory.mktemp("data") / "small.toml"
    path.write_text(SMALL_DATASET)
    return path
