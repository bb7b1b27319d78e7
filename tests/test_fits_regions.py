"""fits.regions: Δχ² thresholds, profile likelihoods (from a χ² function and from scans), 1-D
intervals and 2-D contours, against Gaussians whose regions are known in closed form."""

import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from fits import minimize, regions
from fits.bestfit import best_fit
from fits.space import Parameter, Space

# A correlated 2-D Gaussian: means, standard deviations, correlation.
MU = np.array([0.37, -0.52])
SD = np.array([1.0, 2.0])
RHO = 0.6
COV = np.array([[SD[0] ** 2, RHO * SD[0] * SD[1]], [RHO * SD[0] * SD[1], SD[1] ** 2]])
CHI2_MIN = 3.5


def gaussian_chi2(mu, cov, offset=CHI2_MIN):
    inv = jnp.asarray(np.linalg.inv(cov))
    return lambda x: (x - mu) @ inv @ (x - mu) + offset


def radial_deviation(points, mu, cov, level):
    """|r − r_ellipse| / semi-major axis, along the ray from the centre through each contour point,
    for the ellipse (x − μ)ᵀ C⁻¹ (x − μ) = level."""
    d = points - mu
    r = np.linalg.norm(d, axis=1)
    u = d / r[:, None]
    r_ellipse = np.sqrt(level / np.einsum("ni,ij,nj->n", u, np.linalg.inv(cov), u))
    return np.abs(r - r_ellipse) / np.sqrt(level * np.linalg.eigvalsh(cov).max())


# --- thresholds ---------------------------------------------------------------------------------
def test_delta_chi2_standard_values():
    # PDG review "Statistics", Δχ² for m joint parameters: 1, 4, 9 for one; 2.30, 6.18, 11.83 for two.
    np.testing.assert_allclose([regions.delta_chi2(s, 1) for s in (1, 2, 3)], [1, 4, 9], rtol=1e-13)
    np.testing.assert_allclose([regions.delta_chi2(s, 2) for s in (1, 2, 3)], [2.2957489, 6.1800743, 11.8291581],
                               rtol=1e-7)
    np.testing.assert_allclose(regions.levels((1, 2, 3), 2), [regions.delta_chi2(s, 2) for s in (1, 2, 3)])


@pytest.mark.parametrize("dof", [1, 2, 3, 4, 5, 7, 10, 31])
def test_delta_chi2_matches_scipy_chi2_ppf(dof):
    sigmas = np.array([0.05, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0])
    coverage = 1.0 - 2.0 * stats.norm.sf(sigmas)
    reference = stats.chi2.isf(2.0 * stats.norm.sf(sigmas), dof)  # = chi2.ppf(coverage), exact in the tail
    np.testing.assert_allclose(stats.chi2.ppf(coverage[:6], dof), reference[:6], rtol=1e-9)
    np.testing.assert_allclose(regions.delta_chi2(sigmas, dof), reference, rtol=1e-12)
    assert regions.delta_chi2(0.0, dof) == 0.0


@pytest.mark.parametrize("sigma, dof", [(-1.0, 1), (np.nan, 1), (np.inf, 2), (1.0, 0), (1.0, 1.5), (1.0, True)])
def test_delta_chi2_rejects_bad_input(sigma, dof):
    with pytest.raises(ValueError, match="sigma|dof"):
        regions.delta_chi2(sigma, dof)


# --- profiles of a χ² function ------------------------------------------------------------------
@pytest.fixture(scope="module")
def space2():
    return Space([Parameter("a", -6.0, 6.0), Parameter("b", -12.0, 12.0)])


@pytest.fixture(scope="module")
def profile_a(space2):
    return regions.profile(gaussian_chi2(MU, COV), space2, "a", np.linspace(-4.5, 5.5, 201))


def test_profile_1d_of_correlated_gaussian_is_its_marginal(profile_a):
    # Profiling a Gaussian over b leaves (a − μ_a)²/σ_a², whatever the correlation.
    a = profile_a.grid[0]
    np.testing.assert_allclose(profile_a.delta_chi2, ((a - MU[0]) / SD[0]) ** 2, atol=1e-9)
    assert profile_a.chi2_min == pytest.approx(CHI2_MIN, abs=1e-12)
    np.testing.assert_allclose(profile_a.best, MU[:1], atol=1e-6)
    # The minimising b at each node is the conditional mean μ_b + ρ σ_b/σ_a (a − μ_a).
    np.testing.assert_allclose(profile_a.points[:, 1], MU[1] + RHO * SD[1] / SD[0] * (a - MU[0]), atol=1e-6)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_profile_1d_intervals_are_mu_plus_minus_n_sigma(profile_a, n):
    (lo, hi), = regions.intervals(profile_a, sigma=n)
    # Linear interpolation of a parabola on nodes h = 0.05σ apart: error ≤ h²/(8nσ) ≈ 3e-4σ.
    assert lo == pytest.approx(MU[0] - n * SD[0], abs=1e-3 * SD[0])
    assert hi == pytest.approx(MU[0] + n * SD[0], abs=1e-3 * SD[0])
    np.testing.assert_allclose(regions.intervals(profile_a, level=n**2), regions.intervals(profile_a, sigma=n))


@pytest.fixture(scope="module")
def profile_ab(space2):
    grid = (np.linspace(-4.5, 5.5, 161), np.linspace(-9.0, 8.0, 161))
    return regions.profile(gaussian_chi2(MU, COV), space2, ("a", "b"), grid)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_2d_contours_are_the_analytic_ellipses(profile_ab, n):
    level = regions.delta_chi2(n, 2)
    lines = regions.contours(profile_ab, sigma=n)
    assert len(lines) == 1
    line = lines[0]
    assert np.array_equal(line[0], line[-1]) and len(line) > 50  # one closed curve
    assert radial_deviation(line, MU, COV, level).max() < 1e-3
    # it goes all the way round the centre
    angles = np.arctan2(*(line - MU).T[::-1])
    assert np.ptp(angles) > 2 * np.pi - 0.2


def test_3d_gaussian_profiled_over_one_parameter_gives_the_marginal_ellipse():
    mu = np.array([0.2, -0.3, 1.1])
    sd = np.array([0.5, 1.5, 1.0])
    corr = np.array([[1.0, -0.4, 0.5], [-0.4, 1.0, 0.3], [0.5, 0.3, 1.0]])
    cov = corr * np.outer(sd, sd)
    space = Space([Parameter("x", -4.0, 4.0), Parameter("y", -10.0, 10.0), Parameter("z", -8.0, 8.0)])
    grid = (np.linspace(-1.9, 2.3, 121), np.linspace(-6.5, 5.9, 121))
    prof = regions.profile(gaussian_chi2(mu, cov, 0.0), space, ("x", "y"), grid)
    marginal = cov[:2, :2]
    xx, yy = np.meshgrid(*grid, indexing="ij")
    d = np.stack([xx - mu[0], yy - mu[1]], axis=-1)
    np.testing.assert_allclose(prof.delta_chi2, np.einsum("...i,ij,...j->...", d, np.linalg.inv(marginal), d),
                               atol=1e-8)
    for n in (1, 2, 3):
        (line,) = regions.contours(prof, sigma=n)
        assert radial_deviation(line, mu[:2], marginal, regions.delta_chi2(n, 2)).max() < 1e-3


def test_profile_of_a_log_scale_parameter_uses_log_nodes_and_log_intervals():
    # χ² Gaussian in ln m (σ = 0.4 in ln m) and in c, correlated: intervals are m₀ e^{±nσ}.
    m0, s = 0.03, 0.4
    space = Space([Parameter("m", 1e-3, 1.0, scale="log"), Parameter("c", -5.0, 5.0)])

    def chi2(x):
        t = (jnp.log(x[0]) - np.log(m0)) / s
        return (t * t - 1.2 * t * x[1] + x[1] ** 2) / (1 - 0.36)

    prof = regions.profile(chi2, space, "m", 301, batch=128)  # 3 chunks, the last one padded
    assert np.allclose(np.diff(np.log(prof.grid[0])), np.log(1e3) / 300)
    assert prof.scales == ("log",)
    for n in (1, 2):
        (lo, hi), = regions.intervals(prof, sigma=n)
        assert np.log(lo / m0) == pytest.approx(-n * s, abs=1e-3 * s)
        assert np.log(hi / m0) == pytest.approx(n * s, abs=1e-3 * s)


def test_restart_sweep_carries_the_deeper_valley_across_the_grid():
    # A double well in y tilted by x: for x > 0 the well at y ≈ −1 is the deeper, for x < 0 the one at
    # y ≈ +1, and for |x| > 1.92 the shallower well disappears. The global fit from (1.5, −0.9) settles
    # in the local minimum at x > 0; warm-started nodes at −1.9 < x < 0 stay in the wrong well until a
    # sweep restarts them from the solutions of far nodes.
    space = Space([Parameter("x", -3.0, 3.0), Parameter("y", -3.0, 3.0)])

    def chi2(p):
        x, y = p
        return (y**2 - 1.0) ** 2 + 0.8 * x * y + 0.3 * x**2 + 0.1 * x

    xs = np.linspace(-3, 3, 61)
    # exact profile: the best of a fine y grid, polished by Newton steps on ∂χ²/∂y = 4y³ − 4y + 0.8x
    ys = np.linspace(-3, 3, 6001)
    y = ys[np.argmin((ys[None, :] ** 2 - 1) ** 2 + 0.8 * xs[:, None] * ys[None, :], axis=1)]
    for _ in range(20):
        y = y - (4 * y**3 - 4 * y + 0.8 * xs) / (12 * y**2 - 4)
    exact = (y**2 - 1) ** 2 + 0.8 * xs * y + 0.3 * xs**2 + 0.1 * xs
    start = np.array([1.5, -0.9])
    stuck = regions.profile(chi2, space, "x", xs, start=start, sweeps=0)
    assert np.sum(np.abs(stuck.chi2 - exact) > 1e-3) >= 3
    prof = regions.profile(chi2, space, "x", xs, start=start)
    np.testing.assert_allclose(prof.chi2, exact, atol=1e-10)
    np.testing.assert_allclose(prof.points[:, 1], y, atol=1e-7)
    # the global minimum, polished off the grid from the deepest node (x = −1.7): a stationary point
    x_best = prof.best[0]
    x_ref, y_ref = xs[np.argmin(exact)], y[np.argmin(exact)]
    for _ in range(30):  # Newton on the 2-D gradient from the deepest node, for the reference
        gr = np.array([0.8 * y_ref + 0.6 * x_ref + 0.1, 4 * y_ref**3 - 4 * y_ref + 0.8 * x_ref])
        hess = np.array([[0.6, 0.8], [0.8, 12 * y_ref**2 - 4]])
        x_ref, y_ref = np.array([x_ref, y_ref]) - np.linalg.solve(hess, gr)
    assert x_best == pytest.approx(x_ref, abs=1e-6)
    assert prof.chi2_min == pytest.approx(float(chi2((x_ref, y_ref))), abs=1e-12)
    assert prof.chi2_min < prof.chi2.min()


def test_profile_shares_the_best_fit_objective_and_gives_the_same_profile(space2, profile_a):
    """One compiled χ² + gradient (an Objective) serves the best fit and the profile alike."""
    objective = minimize.Objective(gaussian_chi2(MU, COV), space2)
    fit = best_fit(objective, space2, starts=8)
    grid = profile_a.grid[0][::20]
    prof = regions.profile(objective, space2, "a", grid, chi2_min=fit.chi2_min)
    np.testing.assert_allclose(prof.chi2, profile_a.chi2[::20], atol=1e-9)
    np.testing.assert_allclose(prof.points, profile_a.points[::20], atol=1e-6)
    assert fit.chi2_min == pytest.approx(profile_a.chi2_min, abs=1e-10)


# --- profiles of a scan -------------------------------------------------------------------------
def test_binned_profile_of_a_dense_scan_matches_the_analytic_profile():
    rng = np.random.default_rng(7)
    space = Space([Parameter("a", -4.0, 5.0), Parameter("b", -9.0, 8.0)])
    pts = np.column_stack([rng.uniform(-4, 5, 400_000), rng.uniform(-9, 8, 400_000)])
    chi2 = np.asarray(jnp.vectorize(gaussian_chi2(MU, COV), signature="(n)->()")(pts))
    prof = regions.profile_scan(pts, chi2, space, "a", bins=45)
    edges = np.linspace(-4, 5, 46)
    np.testing.assert_allclose(prof.grid[0], 0.5 * (edges[1:] + edges[:-1]))
    assert prof.chi2_min == pytest.approx(chi2.min())
    assert prof.chi2_min == pytest.approx(CHI2_MIN, abs=1e-3)
    # On [e_i, e_{i+1}] the analytic profile lies between its min and max there; the binned minimum
    # can't be below the min (it is a min over points of that bin) and, the scan being dense in b,
    # sits within the bin's range of the profile.
    f = lambda a: ((a - MU[0]) / SD[0]) ** 2
    lo = np.where((edges[:-1] <= MU[0]) & (MU[0] <= edges[1:]), 0.0, np.minimum(f(edges[:-1]), f(edges[1:])))
    hi = np.maximum(f(edges[:-1]), f(edges[1:]))
    delta = prof.chi2 - CHI2_MIN
    assert np.all(delta >= lo - 1e-12)
    assert np.all(delta <= hi + 0.01)
    # the stored points are the bins' minimisers
    assert np.all((prof.points[:, 0] >= edges[:-1]) & (prof.points[:, 0] <= edges[1:]))
    # 1-D intervals from the binned profile: μ ± nσ within a bin width
    for n in (1, 2, 3):
        (a_lo, a_hi), = regions.intervals(prof, sigma=n)
        assert abs(a_lo - (MU[0] - n)) < 0.2 and abs(a_hi - (MU[0] + n)) < 0.2


def test_binned_2d_profile_of_a_3d_scan_with_a_log_parameter():
    # Gaussian in (ln m, c, z): the 2-D binned profile in (m, c) uses log bins in m and matches the
    # marginal χ² of (ln m, c) within the variation of that χ² across each bin.
    rng = np.random.default_rng(3)
    m0 = 0.05
    space = Space([Parameter("m", 1e-3, 1.0, scale="log"), Parameter("c", -3.0, 3.0), Parameter("z", -3.0, 3.0)])
    n = 600_000
    pts = np.column_stack([np.exp(rng.uniform(np.log(1e-3), 0.0, n)), rng.uniform(-3, 3, n), rng.uniform(-3, 3, n)])
    mu = np.array([np.log(m0), 0.2, -0.1])
    cov = np.array([[1.0, 0.3, 0.4], [0.3, 0.5, -0.2], [0.4, -0.2, 1.0]])
    inv = np.linalg.inv(cov)
    y = np.column_stack([np.log(pts[:, 0]), pts[:, 1:]]) - mu
    chi2 = np.einsum("ni,ij,nj->n", y, inv, y)
    prof = regions.profile_scan(pts, chi2, space, ("m", "c"), bins=(20, 16))
    assert prof.chi2.shape == (20, 16)
    log_edges = np.linspace(np.log(1e-3), 0.0, 21)
    np.testing.assert_allclose(np.log(prof.grid[0]), 0.5 * (log_edges[1:] + log_edges[:-1]))
    inv2 = np.linalg.inv(cov[:2, :2])

    def marginal(lnm, c):
        d = np.stack([lnm - mu[0], c - mu[1]], axis=-1)
        return np.einsum("...i,ij,...j->...", d, inv2, d)

    filled = np.isfinite(prof.chi2)
    assert filled.mean() > 0.99
    p = prof.points[filled]
    # exact: each bin's minimum is a scanned χ², at or above the profile at its own (m, c)
    assert np.all(prof.chi2[filled] >= marginal(np.log(p[:, 0]), p[:, 1]) - 1e-12)
    # within resolution: compare with the profile at the bin centre, allowing its variation over
    # the bin (|∇χ²| × half-diagonal, plus curvature) and the sampling of z
    lnm, c = np.meshgrid(np.log(prof.grid[0]), prof.grid[1], indexing="ij")
    h = np.array([log_edges[1] - log_edges[0], 6.0 / 16]) / 2
    grad = 2 * np.stack([lnm - mu[0], c - mu[1]], axis=-1) @ inv2
    slack = np.abs(grad) @ h + h @ np.abs(inv2) @ h
    assert np.all(np.abs(prof.chi2 - marginal(lnm, c))[filled] <= slack[filled] + 0.05)


def test_profile_scan_handles_empty_bins_and_failed_points():
    space = Space([Parameter("a", 0.0, 1.0), Parameter("b", 0.0, 1.0)])
    pts = np.array([[0.1, 0.5], [0.15, 0.2], [0.9, 0.9], [0.5, 0.5]])
    chi2 = np.array([3.0, 2.0, 1.0, np.nan])
    prof = regions.profile_scan(pts, chi2, space, "a", bins=4)
    np.testing.assert_array_equal(prof.chi2, [2.0, np.inf, np.inf, 1.0])
    np.testing.assert_array_equal(prof.points[0], [0.15, 0.2])
    assert np.all(np.isnan(prof.points[1]))
    assert prof.chi2_min == 1.0 and prof.best == pytest.approx([0.9])
    np.testing.assert_allclose(regions.intervals(prof, level=1.5), [[0.125, 0.125], [0.875, 0.875]])


# --- marching squares ---------------------------------------------------------------------------
def test_marching_squares_circle_and_saddle():
    x = np.linspace(-2, 2, 81)
    xx, yy = np.meshgrid(x, x, indexing="ij")
    (circle,) = regions.marching_squares(x, x, xx**2 + yy**2, 1.0)
    assert np.array_equal(circle[0], circle[-1])
    assert np.abs(np.hypot(*circle.T) - 1.0).max() < 1e-3
    # two separate discs, and an open line that leaves the grid
    z = np.minimum((xx - 1) ** 2 + yy**2, (xx + 1) ** 2 + yy**2)
    assert len(regions.marching_squares(x, x, z, 0.25)) == 2
    (line,) = regions.marching_squares(x, x, xx, 0.3)
    np.testing.assert_allclose(line[:, 0], 0.3)
    assert not np.array_equal(line[0], line[-1]) and len(line) == 81
    # a single saddle cell: corners below at (0,0), (1,1); centre above → two cut-off corners
    z = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert len(regions.marching_squares([0, 1], [0, 1], z, 0.4)) == 2
    assert len(regions.marching_squares([0, 1], [0, 1], z, 0.6)) == 2  # centre (0.5) below: other pairing
    assert regions.marching_squares(x, x, xx**2 + yy**2, -1.0) == []


# --- bad input ----------------------------------------------------------------------------------
def test_bad_input_names_the_culprit(space2, profile_a, profile_ab):
    f = gaussian_chi2(MU, COV)
    with pytest.raises(ValueError, match="unknown parameter.*'c'"):
        regions.profile(f, space2, "c")
    with pytest.raises(ValueError, match="one or two"):
        regions.profile(f, space2, ())
    with pytest.raises(ValueError, match="must differ"):
        regions.profile(f, space2, ("a", "a"))
    with pytest.raises(ValueError, match="'a'.*inside"):
        regions.profile(f, space2, "a", np.linspace(-7, 0, 5))
    with pytest.raises(ValueError, match="'a'.*increasing"):
        regions.profile(f, space2, "a", np.array([0.0, 1.0, 0.5]))
    with pytest.raises(ValueError, match="'b'.*2 nodes"):
        regions.profile(f, space2, ("a", "b"), (5, 1))
    with pytest.raises(ValueError, match="start: b"):  # outside the bounds (a start on a bound is fine)
        regions.profile(f, space2, "a", 5, start=np.array([0.0, 12.5]))
    with pytest.raises(ValueError, match="chi2 must be a callable"):
        regions.profile(3.0, space2, "a")
    unbounded = Space([Parameter("u", prior="normal"), Parameter("v", prior="normal")])
    with pytest.raises(ValueError, match="'u' is unbounded"):
        regions.profile(f, unbounded, "u")
    pts = np.zeros((10, 2))
    with pytest.raises(ValueError, match=r"points must have shape \(N, 2\)"):
        regions.profile_scan(np.zeros((10, 3)), np.zeros(10), space2, "a")
    with pytest.raises(ValueError, match=r"chi2 must have shape \(10,\)"):
        regions.profile_scan(pts, np.zeros(9), space2, "a")
    with pytest.raises(ValueError, match="no point with a finite"):
        regions.profile_scan(pts, np.full(10, np.nan), space2, "a")
    with pytest.raises(ValueError, match="'a'.*inverted"):
        regions.profile_scan(pts, np.zeros(10), space2, "a", ranges=(1.0, 0.0))
    log_space = Space([Parameter("m", 1e-3, 1.0, scale="log"), Parameter("b", 0.0, 1.0)])
    with pytest.raises(ValueError, match="'m' is log-scale"):
        regions.profile_scan(np.full((10, 2), 0.5), np.zeros(10), log_space, "m", bins=np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match="exactly one of sigma"):
        regions.intervals(profile_a)
    with pytest.raises(ValueError, match="exactly one of sigma"):
        regions.intervals(profile_a, sigma=1, level=1.0)
    with pytest.raises(ValueError, match="level must be"):
        regions.intervals(profile_a, level=-1.0)
    with pytest.raises(ValueError, match="2-D profile"):
        regions.contours(profile_a, sigma=1)
    with pytest.raises(ValueError, match="1-D profile"):
        regions.intervals(profile_ab, sigma=1)
    with pytest.raises(ValueError, match=r"z must have shape"):
        regions.marching_squares([0, 1], [0, 1, 2], np.zeros((2, 2)), 0.5)
