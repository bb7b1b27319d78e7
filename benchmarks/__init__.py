"""Throughput benchmarks: `python -m benchmarks` (or `jaxflav bench`).

Each entry times a jaxflav/kernels computation on a large batch (compile time reported apart)
and, in the same run, a baseline a physicist would otherwise use, and prints points per second
and their ratio.
"""
