"""jaxflav.inputs: the CKM matrix from the tree-level inputs, against flavio 2.7.1."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav import inputs

# flavio 2.7.1, ckm.xi('t', 'bs') and ckm.xi('u', 'bs') at its default central parameters
FLAVIO_XI_T_BS = -0.04119293936908705 + 0.0007457752431333196j
FLAVIO_XI_U_BS = 0.0003338019380466186 - 0.0007470912475329379j


def test_xi_matches_flavio():
    assert abs(complex(inputs.xi(inputs.DEFAULT, "t", "bs")) - FLAVIO_XI_T_BS) < 1e-12 * abs(FLAVIO_XI_T_BS)
    assert abs(complex(inputs.xi(inputs.DEFAULT, "u", "bs")) - FLAVIO_XI_U_BS) < 1e-10 * abs(FLAVIO_XI_U_BS)


@pytest.mark.parametrize("gamma", [1.15, 0.3, 2.8, -1.0, -2.5, 3.1])
def test_ckm_is_unitary_and_reproduces_its_inputs(gamma):
    d = inputs.DEFAULT._replace(gamma=gamma)
    v = np.asarray(inputs.ckm(d))
    np.testing.assert_allclose(v @ v.conj().T, np.eye(3), atol=1e-15)
    assert abs(abs(v[0, 1]) - d.Vus) < 1e-15 and abs(abs(v[0, 2]) - d.Vub) < 1e-15 and abs(abs(v[1, 2]) - d.Vcb) < 1e-15
    measured = np.angle(-v[0, 0] * np.conj(v[0, 2]) / (v[1, 0] * np.conj(v[1, 2])))
    assert abs(measured - gamma) < 1e-14


def test_ckm_is_differentiable_in_gamma():
    f = lambda g: jnp.imag(inputs.xi(inputs.DEFAULT._replace(gamma=g), "t", "bs"))  # noqa: E731
    g0, h = inputs.DEFAULT.gamma, 1e-6
    assert abs(jax.grad(f)(g0) - (f(g0 + h) - f(g0 - h)) / (2 * h)) < 1e-8


def test_width_from_lifetime():
    # PDG: τ_B0 = 1.519 ps ↔ Γ = 4.333e-13 GeV
    assert abs(inputs.width(1.519e-12) - 4.3332e-13) < 1e-16
