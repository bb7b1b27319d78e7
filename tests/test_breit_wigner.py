"""Tests of kernels/breit_wigner.py: Breit–Wigner bin integrals for any width and pole position.

References: scipy.integrate.quad in y = q² − M², split at the pole and at M² ± MΓ·10^j (so that
every piece is smooth on its own scale, also for Γ/M = 1e-15), itself checked against the closed
forms for f = c₀ + c₁ q² (arctan and log, evaluated with mpmath at 50 digits).
"""

import math
import warnings

import jax
import jax.numpy as jnp
import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate as si

from kernels import breit_wigner as bw

KINDS = ("abs2", "re", "im")
POSITIONS = ("below", "inside", "lower_edge", "upper_edge", "above")  # of the pole M² vs the bin

# Smooth test functions f(q²), written once for NumPy (reference) and jax.numpy (kernel).
FUNCTIONS = {
    "one": lambda q, xp: 1.0 + 0.0 * q,
    "cubic": lambda q, xp: 1.0 - 0.4 * q + 0.03 * q**2 - 0.001 * q**3,
    "form_factor": lambda q, xp: 1.0 / (1.0 - q / 30.0) ** 2,  # pole beyond the bins (q² ≤ 23)
    "complex": lambda q, xp: xp.exp(0.3j * q) / (1.0 + 0.1 * q),
}


def _f_test(q):
    """The complex test function on its own, for the gradient and batching tests."""
    return jnp.exp(0.3j * q) / (1.0 + 0.1 * q)


# ---------------------------------------------------------------- references


def _breakpoints(ya, yb, g):
    """The pole and ±g·10^j, j = 0…40, inside (ya, yb)."""
    pts = [0.0] + [s * g * 10.0**j for j in range(41) for s in (1.0, -1.0)]
    return sorted(p for p in pts if ya < p < yb)


def _minus_square_exact(q2, m):
    """q² − m² with m² exact (as the kernel takes it), rounded once to float64."""
    with mp.workdps(50):
        return float(mp.mpf(q2) - mp.mpf(m) ** 2)


def quad_reference(fn, a, b, m, width, with_scale=False):
    """{kind: ∫ K_kind(y) f(M² + y) dy} by scipy quad on pieces that are each smooth.

    With `with_scale`, also {kind: ∫ |K_kind f|}, the size against which cancellations are judged.
    The principal value of the Re part (pole inside, tiny width) is the sum of the pieces on either
    side of the pole, each accurate to ~1e-13 of its own size.
    """
    m2, g = m * m, m * width  # g: the same float64 number the kernel uses
    ya, yb = _minus_square_exact(a, m), _minus_square_exact(b, m)
    kernels = {
        "abs2": lambda y: 1.0 / (y * y + g * g),
        "re": lambda y: y / (y * y + g * g),
        "im": lambda y: -g / (y * y + g * g),
    }
    edges = [ya] + _breakpoints(ya, yb, g) + [yb]
    values, scales = {}, {}
    for kind, kern in kernels.items():
        total, scale = 0j, 0.0
        for lo, hi in zip(edges[:-1], edges[1:]):
            for unit, part in ((1.0, np.real), (1j, np.imag)):

                def h(y, kern=kern, part=part):
                    return kern(y) * part(fn(m2 + y, np))

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # roundoff notes at epsrel = 1e-13
                    total += unit * si.quad(h, lo, hi, epsabs=0, epsrel=1e-13, limit=500)[0]
                    if with_scale:
                        size = si.quad(lambda y: abs(h(y)), lo, hi, epsabs=0, epsrel=1e-6)
                        scale += size[0]
        values[kind], scales[kind] = total, scale
    return (values, scales) if with_scale else values


def closed_form_linear(c0, c1, a, b, m, width, dps=50):
    """Exact integrals of f = c₀ + c₁ q²: with y = q² − M², g = MΓ, α = f(M²), A = Δarctan(y/g),
    Λ = ½ Δlog(y² + g²):  ∫|BW|² f = α A/g + c₁ Λ,  ∫Re BW f = α Λ + c₁ (Δy − g A),
    ∫Im BW f = −g ∫|BW|² f."""
    with mp.workdps(dps):
        m2, g = mp.mpf(m) ** 2, mp.mpf(m * width)  # M² = m·m exactly, g as the kernel rounds it
        ya, yb = mp.mpf(a) - m2, mp.mpf(b) - m2
        alpha, c1 = mp.mpf(c0) + mp.mpf(c1) * m2, mp.mpf(c1)
        A = mp.atan(yb / g) - mp.atan(ya / g)
        Lam = mp.log((yb**2 + g**2) / (ya**2 + g**2)) / 2
        abs2 = alpha * A / g + c1 * Lam
        re = alpha * Lam + c1 * ((yb - ya) - g * A)
        return {"abs2": complex(abs2), "re": complex(re), "im": complex(-g * abs2)}


def make_cases(position, n, seed):
    """n random (a, b, m, width) with M ∈ [0.03, 4.5] GeV, Γ/M log-uniform in [1e-15, 0.5],
    0 ≤ a < b ≤ 23 GeV², bin lengths 0.1–15 GeV², and the pole at `position`."""
    rng = np.random.default_rng([seed, POSITIONS.index(position)])
    cases = []
    while len(cases) < n:
        # m with a 20-bit mantissa, so that m·m is exact and "on the edge" means exactly there
        m = 10 ** rng.uniform(np.log10(0.03), np.log10(4.5))
        m = float(np.ldexp(np.round(np.ldexp(m, 20)), -20))
        width = m * 10 ** rng.uniform(-15, np.log10(0.5))
        m2, length = m * m, 10 ** rng.uniform(-1, np.log10(15))
        if position == "below":
            a = m2 + 10 ** rng.uniform(-3, 1)
            b = a + length
        elif position == "inside":
            a = m2 - rng.uniform(0.02, 0.98) * length
            b = a + length
        elif position == "lower_edge":
            a, b = m2, m2 + length
        elif position == "upper_edge":
            a, b = m2 - length, m2
        else:
            b = m2 - 10 ** rng.uniform(-3, 1)
            a = b - length
        if a >= 0 and b <= 23.0:
            cases.append((a, b, m, width))
    return cases


@pytest.fixture(scope="module")
def kernel_integrals():
    """All FUNCTIONS at once, from one set of nodes: {name: (I_abs2, I_re, I_im)}, jitted once."""

    @jax.jit
    def run(a, b, m, width):
        q2, *weights = bw.nodes(a, b, m, width)
        return {name: tuple(jnp.sum(w * f(q2, jnp)) for w in weights)
                for name, f in FUNCTIONS.items()}

    return run


def _as_dict(values):
    return {kind: complex(v) for kind, v in zip(KINDS, values)}


# ---------------------------------------------------------------- the reference itself


@pytest.mark.parametrize("position", POSITIONS)
def test_quad_reference_matches_closed_form_for_linear_f(position):
    for a, b, m, width in make_cases(position, 6, seed=11):
        ref = quad_reference(lambda q, xp: 0.7 - 0.3 * q, a, b, m, width)
        exact = closed_form_linear(0.7, -0.3, a, b, m, width)
        for kind in KINDS:
            assert abs(ref[kind] - exact[kind]) <= 1e-11 * abs(exact[kind]), (kind, a, b, m, width)


# ---------------------------------------------------------------- values


@pytest.mark.parametrize("position", POSITIONS)
def test_integrals_match_scipy_quad(position, kernel_integrals):
    """≥ 50 random (M, Γ/M ∈ [1e-15, 0.5], bin) in all (12 per pole position) × 4 functions f."""
    worst = 0.0
    for a, b, m, width in make_cases(position, 12, seed=3):
        kernel = kernel_integrals(a, b, m, width)
        for name, f in FUNCTIONS.items():
            ref, scale = quad_reference(f, a, b, m, width, with_scale=True)
            got = _as_dict(kernel[name])
            for kind in KINDS:
                # relative to the value, floored at 1e-4 of ∫|integrand| (accidental cancellations)
                size = max(abs(ref[kind]), 1e-4 * scale[kind])
                err = abs(got[kind] - ref[kind]) / size
                worst = max(worst, err)
                assert err <= 1e-8, (name, kind, a, b, m, width / m, err)
    assert worst <= 1e-8


@pytest.mark.parametrize("ratio", [1e-15, 0.5])
@pytest.mark.parametrize("position", POSITIONS)
def test_f_one_matches_arctan_log_closed_form_at_extreme_widths(position, ratio):
    for a, b, m, _ in make_cases(position, 4, seed=7):
        width = ratio * m
        exact = closed_form_linear(1.0, 0.0, a, b, m, width)
        got = _as_dict(bw.integrate(lambda q: jnp.ones_like(q), a, b, m, width))
        for kind in KINDS:
            assert abs(got[kind] - exact[kind]) <= 1e-10 * abs(exact[kind]), (kind, a, b, m, width)


def test_narrow_width_limit_comes_out_by_itself():
    """Γ → 0 with the pole inside: MΓ ∫|BW|² f → π f(M²) and ∫Im BW f → −π f(M²)."""
    f = FUNCTIONS["cubic"]
    m, a, b = 1.7, 1.0, 6.0
    for ratio in (1e-15, 1e-12):
        g = m * m * ratio
        i_abs2, _, i_im = bw.integrate(lambda q: f(q, jnp), a, b, m, m * ratio)
        target = np.pi * f(m * m, np)
        assert abs(g * float(i_abs2) - target) <= 1e-10 * abs(target)
        assert abs(float(i_im) + target) <= 1e-10 * abs(target)


def test_integrate_propagator_is_re_plus_i_im():
    f = lambda q: jnp.exp(0.3j * q) / (1.0 + 0.1 * q)
    _, i_re, i_im = bw.integrate(f, 1.0, 6.0, 1.5, 0.02)
    whole = bw.integrate_propagator(f, 1.0, 6.0, 1.5, 0.02)
    assert abs(complex(whole) - complex(i_re + 1j * i_im)) <= 1e-14 * abs(complex(whole))


def test_propagator_is_one_over_q2_minus_m2_plus_i_m_gamma():
    q2 = np.array([0.0, 2.25, 3.1, 10.0])
    expected = 1.0 / (q2 - 1.5**2 + 1j * 1.5 * 0.1)
    np.testing.assert_allclose(np.asarray(bw.propagator(q2, 1.5, 0.1)), expected, rtol=1e-15)


def test_nodes_shape_order_and_bin():
    a = np.array([0.0, 1.0, 2.25, 5.0])
    q2, *weights = bw.nodes(a[:, None], 6.0, np.array([1.5, 0.1]), 0.01)
    n = bw.N_CENTRE + 2 * (bw.N_TAIL + bw.N_FAR)
    assert q2.shape == (4, 2, n) and all(w.shape == (4, 2, n) for w in weights)
    assert np.all(np.diff(np.asarray(q2), axis=-1) >= 0)
    assert np.all(q2 >= a[:, None, None]) and np.all(q2 <= 6.0)
    assert bw.nodes(1.0, 2.0, 1.0, 0.1, n_centre=4, n_tail=5, n_far=3)[0].shape == (4 + 2 * 8,)


def test_empty_bin_gives_zero():
    for a in (0.5, 2.25, 4.0):
        assert all(float(abs(v)) == 0.0 for v in bw.integrate(lambda q: 1.0 + q, a, a, 1.5, 0.01))


def test_float32_inputs_stay_float32():
    out = bw.nodes(np.float32(1.0), np.float32(6.0), np.float32(1.5), np.float32(0.01))
    assert all(v.dtype == jnp.float32 for v in out)


def test_pole_position_is_the_same_eager_and_jitted():
    """a = fl(m·m) differs from the exact m² by ~1e-19 here, a tenth of MΓ: the result must not
    depend on whether the compiler fuses a − m·m into a multiply-add (XLA does under jit)."""
    m = 0.05647064041399586
    a, b, width = m * m, 0.13, 1e-15 * m
    eager = np.array([complex(v) for v in bw.integrate(_f_test, a, b, m, width)])
    jitted = jax.jit(lambda *p: bw.integrate(_f_test, *p))(a, b, m, width)
    jitted = np.array([complex(v) for v in jitted])
    np.testing.assert_allclose(jitted, eager, rtol=1e-13)
    exact = closed_form_linear(1.0, 0.0, a, b, m, width)["abs2"]  # M² = m·m exactly, as the kernel
    got = bw.integrate(lambda q: jnp.ones_like(q), a, b, m, width)[0]
    assert abs(float(got) - exact.real) <= 1e-10 * exact.real
    assert float(bw.minus_square(a, m)) == float(jax.jit(bw.minus_square)(a, m)) != 0.0


# ---------------------------------------------------------------- gradients


def _components(p):
    """Re and Im of (I_abs2, I_re, I_im) for f = `_f_test`, at p = (a, b, m, width)."""
    a, b, m, width = p
    i_abs2, i_re, i_im = bw.integrate(_f_test, a, b, m, width)
    parts = [(jnp.real(v), jnp.imag(v)) for v in (i_abs2, i_re, i_im)]
    return jnp.stack([x for pair in parts for x in pair])


# compiled once for all gradient tests (XLA compiles are the slow part of this module)
_VALUES = jax.jit(_components)
_JAC_REV = jax.jit(jax.jacrev(_components))


def test_grad_matches_central_finite_differences():
    comps, jac = _VALUES, _JAC_REV  # reverse mode, as fits use it
    rng = np.random.default_rng(5)
    for _ in range(12):
        m = rng.uniform(0.3, 3.0)
        width = m * 10 ** rng.uniform(-4, np.log10(0.5))
        m2, g = m * m, m * width
        a = max(m2 + rng.uniform(-4, 2), 0.0)
        b = a + rng.uniform(0.5, 6)
        p = jnp.array([a, b, m, width])
        j = np.asarray(jac(p))
        # fourth-order central differences, steps well below every length on which the integrals
        # vary: the distances of the edges from the pole (at least g) and the width itself
        d = min(np.hypot(a - m2, g), np.hypot(b - m2, g), b - a)
        steps = [1e-3 * d, 1e-3 * d, 1e-3 * d / (2 * m), 1e-3 * width]
        for i, h in enumerate(steps):
            c = [np.asarray(comps(p + k * jnp.zeros(4).at[i].set(h))) for k in (-2, -1, 1, 2)]
            fd = (c[0] - 8 * c[1] + 8 * c[2] - c[3]) / (12 * h)
            tol = 1e-6 * np.maximum(np.abs(fd), np.max(np.abs(j[:, i])) * 1e-3)
            assert np.all(np.abs(j[:, i] - fd) <= tol), (i, p, j[:, i], fd)


@pytest.mark.parametrize("ratio", [1e-15, 1e-3, 0.5])
@pytest.mark.parametrize("edge", ["lower", "upper"])
def test_grad_finite_with_pole_exactly_on_edge(edge, ratio):
    m = 1.5  # m·m = 2.25 exactly: the pole is exactly on the edge
    a, b = (m * m, 6.0) if edge == "lower" else (0.5, m * m)
    p = jnp.array([a, b, m, ratio * m])
    assert np.all(np.isfinite(np.asarray(_VALUES(p))))
    assert np.all(np.isfinite(np.asarray(_JAC_REV(p))))


def test_grad_at_edge_is_the_edge_term():
    """∂/∂b ∫_a^b |BW|² f = |BW(b)|² f(b) and ∂/∂a ∫_a^b Im BW f = −Im BW(a) f(a), with the pole
    exactly on that edge (|BW|² = 1/g², Im BW = −1/g there)."""
    m, width = 1.5, 0.02
    g = m * width
    f = complex(_f_test(m * m))
    d_db = np.asarray(_JAC_REV(jnp.array([0.5, m * m, m, width])))[:, 1]
    d_da = np.asarray(_JAC_REV(jnp.array([m * m, 6.0, m, width])))[:, 0]
    assert abs(complex(d_db[0], d_db[1]) - f / g**2) <= 1e-9 * abs(f) / g**2
    assert abs(complex(d_da[4], d_da[5]) - f / g) <= 1e-9 * abs(f) / g


@settings(max_examples=40, deadline=None)
@given(
    log_m=st.floats(np.log10(0.003), np.log10(5.0)),
    log_ratio=st.floats(-15.0, np.log10(0.5)),
    lo=st.floats(-5.0, 25.0),
    length=st.floats(0.0, 25.0),
    snap=st.sampled_from([None, "a", "b"]),
)
def test_values_and_gradients_finite_over_the_box(log_m, log_ratio, lo, length, snap):
    m = 10**log_m
    a, b = lo, lo + length
    if snap == "a":
        a, b = m * m, m * m + length
    elif snap == "b":
        a, b = m * m - length, m * m
    p = jnp.array([a, b, m, m * 10**log_ratio])
    assert np.all(np.isfinite(np.asarray(_VALUES(p))))
    assert np.all(np.isfinite(np.asarray(_JAC_REV(p))))


# ---------------------------------------------------------------- batching


def test_vmap_and_jit_match_pointwise():
    rng = np.random.default_rng(9)
    n = 1000
    m = 10 ** rng.uniform(np.log10(0.03), np.log10(4.5), n)
    width = m * 10 ** rng.uniform(-15, np.log10(0.5), n)
    a = np.clip(m * m + rng.uniform(-5, 5, n), 0.0, None)
    a[::7] = (m * m)[::7]  # some poles exactly on an edge
    b = a + rng.uniform(0.0, 8.0, n)

    def point(a, b, m, width):
        return _components(jnp.stack([a, b, m, width]))

    batched = np.asarray(jax.jit(jax.vmap(point))(a, b, m, width))
    broadcast = np.asarray(jnp.stack(bw.integrate(_f_test, a, b, m, width), axis=-1))
    broadcast = np.stack([broadcast.real, broadcast.imag], axis=-1).reshape(n, 6)

    def close(x, y):  # to 1e-13 of each point's largest component (sums may be reordered)
        scale = np.max(np.abs(y), axis=-1, keepdims=True)
        assert np.all(np.abs(x - y) <= 1e-13 * scale), np.max(np.abs(x - y) / scale)

    close(broadcast, batched)
    for i in range(0, n, 100):
        p = np.array([a[i], b[i], m[i], width[i]])
        close(np.asarray(_VALUES(p)), batched[i])  # jit, one point
        close(np.asarray(_components(p)), batched[i])  # eager, one point


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(width=-0.1), "width"),
        (dict(width=0.0), "width"),
        (dict(m=0.0), "m"),
        (dict(m=-1.0), "m"),
        (dict(m=np.nan), "m"),
        (dict(a=np.nan), "a"),
        (dict(b=np.nan), "b"),
        (dict(width=np.nan), "width"),
        (dict(b=np.inf), "b"),
        (dict(a=3.0, b=2.0), "a"),
        (dict(a=np.array([1.0, 3.0]), b=np.array([2.0, 2.0])), "a"),
    ],
)
def test_bad_input_raises_naming_the_argument(kwargs, name):
    args = dict(a=1.0, b=2.0, m=1.2, width=0.1) | kwargs
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        bw.nodes(**args)
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        bw.integrate(lambda q: q, **args)


@pytest.mark.parametrize("a, b, m, width", [(0.5, 2.0, 1.0, 0.05), (1.1, 2.5, 1.2, 1e-3), (0.1, 0.98, 1.0, 0.3), (2.0, 3.0, 1.0, 0.01)])
def test_moments_match_scipy_quad(a, b, m, width):
    """kernels.breit_wigner.moments: the closed forms against adaptive quadrature (pole inside, outside)."""
    from scipy.integrate import quad

    mo = bw.moments(a, b, m, width)
    g = m * width
    br = lambda q: (q - m * m) / ((q - m * m) ** 2 + g * g)  # noqa: E731
    bi = lambda q: -g / ((q - m * m) ** 2 + g * g)  # noqa: E731
    integrands = {
        "re": br, "im": bi, "re2": lambda q: br(q) ** 2, "reim": lambda q: br(q) * bi(q), "im2": lambda q: bi(q) ** 2,
        "u_re2": lambda q: (q - m * m) * br(q) ** 2, "u_reim": lambda q: (q - m * m) * br(q) * bi(q), "u_im2": lambda q: (q - m * m) * bi(q) ** 2,
    }
    points = [p for p in (m * m - 10 * g, m * m, m * m + 10 * g) if a < p < b] or None  # resolve a narrow peak
    for name, fn in integrands.items():
        ref = quad(fn, a, b, points=points, limit=500, epsabs=0, epsrel=1e-12)[0]
        scale = max(abs(ref), quad(lambda q: abs(fn(q)), a, b, points=points, limit=500)[0] * 1e-6)
        assert abs(float(getattr(mo, name)) - ref) <= 1e-8 * scale, name


def test_moments_narrow_width_limits():
    """Γ/M = 1e-15 with the pole inside: ∫β_r² ≈ ∫β_i² ≈ π/(2MΓ), ∫β_r → ½ ln|u_b/u_a|, ∫β_i → −π."""
    m, width = 1.2, 1e-15
    mo = bw.moments(1.1, 2.5, m, width)
    g = m * width
    assert float(mo.re2) * g == pytest.approx(math.pi / 2, rel=1e-12)
    assert float(mo.im2) * g == pytest.approx(math.pi / 2, rel=1e-12)
    assert float(mo.im) == pytest.approx(-math.pi, rel=1e-12)
    assert float(mo.re) == pytest.approx(0.5 * math.log((2.5 - m * m) ** 2 / (1.1 - m * m) ** 2), rel=1e-12)
