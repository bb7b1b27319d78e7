"""A persistent XLA compilation cache, so that each program compiles once per machine.

Importing `jaxflav` calls `enable()`: compiled programs are kept on disk and a second `jaxflav
fit|scan|sample` of the same config (or a second test run) loads them instead of compiling.

    JAXFLAV_CACHE_DIR=/path     where the cache lives (default $XDG_CACHE_HOME/jaxflav/xla, or
                                ~/.cache/jaxflav/xla)
    JAXFLAV_NO_CACHE=1          switch it off (nothing is read or written)

A cache the user configured for JAX itself (`JAX_COMPILATION_CACHE_DIR` or
`jax.config.jax_compilation_cache_dir`) is left as it is. Every compilation is cached, however
short: building a likelihood runs many small programs whose compile times add up to seconds. A
folder that cannot be created or written switches the cache off silently — it only saves time.
"""

import os
import pathlib

import jax

OFF_VALUES = ("1", "true", "yes", "on")


def default_dir() -> pathlib.Path:
    """$JAXFLAV_CACHE_DIR, else $XDG_CACHE_HOME/jaxflav/xla, else ~/.cache/jaxflav/xla."""
    if os.environ.get("JAXFLAV_CACHE_DIR"):
        return pathlib.Path(os.environ["JAXFLAV_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
    return pathlib.Path(base) / "jaxflav" / "xla"


def enable():
    """Turn the persistent cache on (see the module docstring); returns its folder, or None."""
    if os.environ.get("JAXFLAV_NO_CACHE", "").strip().lower() in OFF_VALUES:
        return None
    if jax.config.jax_compilation_cache_dir:  # the user's own JAX cache (also JAX_COMPILATION_CACHE_DIR)
        return pathlib.Path(jax.config.jax_compilation_cache_dir)
    folder = default_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    return folder
