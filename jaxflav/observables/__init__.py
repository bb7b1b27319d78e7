"""b→sℓℓ observables: amplitudes, angular coefficients and their quadratic forms in the Wilson coefficients."""
