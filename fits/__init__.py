"""fits: physics-free inference (parameter spaces, best fits, HMC, scans, regions) for any pure JAX
log-likelihood. This package never imports `jaxflav`."""
