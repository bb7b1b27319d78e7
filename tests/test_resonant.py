"""jaxflav.observables.resonant: bin integrals of rates with one s-channel resonance, exact for any
width, against the same rates integrated on many sub-bins packed around the pole (each with its
own fixed nodes), and against the fixed-node path where the width is broad."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav.predictions import Predictions
from jaxflav.wcxf import Resonance
from kernels.breit_wigner import propagator

RESIDUES = {"C9_bsmumu": (0.3, 0.1), "C10_bsmumu": (-0.2, 0.05j)}


def _sub_bins(lo, hi, m2, g, n=40):
    d = g * np.logspace(-3, np.log10(max(hi - lo, 1) / g) + 0.1, n)
    e = np.concatenate([[lo, hi], m2 + d, m2 - d, [m2]])
    e = np.unique(e[(e >= lo) & (e <= hi)])
    return list(zip(e[:-1], e[1:]))


NARROW_CASES = [
    ("<BR>(B0->K*mumu)", 1.1, 2.5, 1.5, 1e-12, 1e-10),  # pole inside, Γ/M = 1e-12
    ("<BR>(B+->Kmumu)", 1.1, 6.0, 2.0, 1e-6, 1e-8),  # pole on no node, mid-bin
    ("<BR>(B0->K*mumu)", 1.1, 2.5, 1.1**0.5, 1e-5, 1e-7),  # pole exactly on the lower edge
]
SLOW_NARROW_CASES = [("<BR>(B->Xsmumu)", 1.0, 6.0, 1.2, 1e-4, 1e-6)]


def _narrow_observables(name, lo, hi, mass, width):
    """The bin itself, then its sub-bins packed around the pole."""
    return [(name, lo, hi)] + [(name, a, b) for a, b in _sub_bins(lo, hi, mass**2, mass * width)]


@pytest.fixture(scope="module")
def narrow_engine():
    """One Predictions for the bins and sub-bins of every fast case (one build and compilation
    instead of two per case); each case reads its own rows."""
    observables, rows = [], {}
    for name, lo, hi, mass, width, _ in NARROW_CASES:
        case = _narrow_observables(name, lo, hi, mass, width)
        rows[(name, lo, hi, mass, width)] = slice(len(observables), len(observables) + len(case))
        observables += case
    return Predictions(observables), rows


@pytest.mark.parametrize(
    "name, lo, hi, mass, width, rtol",
    NARROW_CASES + [pytest.param(*case, marks=pytest.mark.slow) for case in SLOW_NARROW_CASES],
)
def test_narrow_resonance_matches_sub_bins_packed_at_the_pole(name, lo, hi, mass, width, rtol, request):
    res = Resonance.from_names(mass, width, RESIDUES)
    if (name, lo, hi, mass, width, rtol) in NARROW_CASES:
        engine, rows = request.getfixturevalue("narrow_engine")
        values = np.asarray(engine(res))[rows[(name, lo, hi, mass, width)]]
    else:
        values = np.asarray(Predictions(_narrow_observables(name, lo, hi, mass, width))(res))
    value, reference = float(values[0]), float(np.sum(values[1:]))
    assert value == pytest.approx(reference, rel=rtol)


def test_broad_resonance_agrees_with_the_function_path():
    obs = [("<dBR/dq2>(B0->K*mumu)", 1.1, 2.5), ("<dBR/dq2>(B+->Kmumu)", 4.0, 6.0), ("dBR/dq2(B+->Kmumu)", 2.0), ("BR(Bs->mumu)",)]
    p = Predictions(obs)
    mass, width = 2.5, 0.5
    res = Resonance.from_names(mass, width, RESIDUES)
    bw = lambda q2: propagator(q2, mass, width)  # noqa: E731
    fn = {"C9_bsmumu": lambda q2: (0.3 + 0.1 * q2) * bw(q2), "C10_bsmumu": lambda q2: (-0.2 + 0.05j * q2) * bw(q2)}
    np.testing.assert_allclose(np.asarray(p(res)), np.asarray(p(fn)), rtol=1e-9)


def test_narrow_width_limit_is_the_on_shell_rate():
    """∫|BW|² h → π h(M²)/(MΓ): the rate times MΓ tends to a constant as Γ → 0."""
    p = Predictions([("<BR>(B+->Kmumu)", 1.1, 6.0)])
    rates = [float(p(Resonance.from_names(1.7, w, {"C9_bsmumu": (1.0, 0.0)}))[0]) * 1.7 * w for w in (1e-9, 1e-12, 1e-15)]
    assert rates[1] == pytest.approx(rates[0], rel=1e-6) and rates[2] == pytest.approx(rates[0], rel=1e-6)


def test_values_and_gradients_finite_with_the_pole_on_edges_and_thresholds():
    p = Predictions([("<dBR/dq2>(B0->K*mumu)", 0.1, 0.98), ("<BR>(B0->K*ee)", 0.03**2, 1.0), ("BR(Bs->mumu)",)])
    f = jax.jit(lambda m, w: jnp.sum(jnp.log(p(Resonance.from_names(m, w, {"C9_bsmumu": (1e-3, 1e-4), "C10_bsee": (1e-3, 0.0)})))))
    g = jax.jit(jax.grad(f, argnums=(0, 1)))
    for m in (0.1**0.5, 0.98**0.5, 0.03, 2 * 0.1056583755, 2 * 0.00051099895, 1.0, 5.36692):
        for w in (1e-15 * m, 1e-3 * m):
            assert np.isfinite(float(f(m, w)))
            assert all(np.isfinite(float(x)) for x in g(m, w))
