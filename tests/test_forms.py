"""jaxflav.observables.forms: bin quadrature in ln(q² − 4m²) and exact quadratic-form extraction."""

import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import quad

import jaxflav  # noqa: F401
from jaxflav.observables import forms
from jaxflav.wcxf import DIM

M_E, M_MU = 0.00051099895, 0.1056583755


def _photon_pole_rate(q2, m):
    """A 1/q² photon-pole spectrum with the lepton threshold factor β(3 − β²)/2."""
    beta = np.sqrt(np.clip(1 - 4 * m**2 / q2, 0, None))
    return beta * (3 - beta**2) / 2 / q2 * (1 + 0.1 * q2)


@pytest.mark.parametrize(
    "q2min, q2max, m",
    [(0.0009, 1.0, M_E), (0.1, 0.98, M_MU), (0.045, 1.1, M_MU), (1.1, 6.0, M_MU), (15.0, 19.0, M_MU), (0.0, 4.0, M_E)],
)
def test_bin_nodes_integrate_pole_and_threshold(q2min, q2max, m):
    threshold = 4 * m**2
    q2, w = forms.bin_nodes(q2min, q2max, threshold)
    lo = max(q2min, threshold)
    ref = quad(_photon_pole_rate, lo, q2max, args=(m,), epsabs=0, epsrel=1e-12, limit=200, points=[lo * 1.01, lo * 2])[0]
    assert abs(np.sum(w * _photon_pole_rate(q2, m)) / ref - 1) < 1e-7
    assert len(q2) <= (128 if q2min < threshold else 48)


def test_bin_below_threshold_is_empty():
    q2, w = forms.bin_nodes(0.0, 0.01, 4 * M_MU**2)
    assert q2.size == 0 and w.size == 0


def test_quadratic_form_is_exact_for_hermitian_and_holomorphic_parts():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(DIM, DIM)) + 1j * rng.normal(size=(DIM, DIM))
    b = rng.normal(size=(DIM, DIM)) + 1j * rng.normal(size=(DIM, DIM))

    def rate(x, q2):  # |A x|² plus a term in x·x (as a B_s mixing interference term)
        ax = (a * q2) @ x
        return jnp.real(jnp.vdot(ax, ax)) + jnp.real(x @ b @ x)

    q2 = np.array([0.5, 2.0])
    Q = forms.quadratic_form(rate, q2)
    for _ in range(3):
        x = rng.normal(size=DIM) + 1j * rng.normal(size=DIM)
        r = np.concatenate([x.real, x.imag])
        for k, q in enumerate(q2):
            assert abs(r @ Q[k] @ r - rate(x, q)) < 1e-10 * abs(rate(x, q))
    np.testing.assert_allclose(Q, np.swapaxes(Q, 1, 2), atol=1e-12)


def test_values_per_node_and_with_a_constant_vector():
    Q = np.stack([np.eye(2 * DIM), 2 * np.eye(2 * DIM)])
    r = jnp.ones(2 * DIM)
    assert float(np.sum(forms.values(Q, r))) == pytest.approx(3 * 2 * DIM)
    assert float(np.sum(forms.values(Q, jnp.stack([r, r])))) == pytest.approx(3 * 2 * DIM)
    np.testing.assert_allclose(forms.values(Q, r), [2 * DIM, 4 * DIM])
