"""fits.plots: Δχ² regions, 1-D profiles and corner plots are drawn from synthetic inputs and saved."""

import sys

import numpy as np
import pytest

from fits import regions
from fits.space import Parameter, Space

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def gaussian_scan(space, n=60_000, seed=0):
    """Random scan of a correlated Gaussian χ² in (ln m, c) over `space` (m log-scale, c linear)."""
    rng = np.random.default_rng(seed)
    lo, hi = space.low, space.high
    m = np.exp(rng.uniform(np.log(lo[0]), np.log(hi[0]), n))
    c = rng.uniform(lo[1], hi[1], n)
    t = (np.log(m) - np.log(0.03)) / 0.8
    u = (c - 0.2) / 0.5
    chi2 = (t * t - 1.2 * t * u + u * u) / (1 - 0.36) + 12.0
    return np.column_stack([m, c]), chi2


@pytest.fixture(scope="module")
def plots():
    pytest.importorskip("matplotlib")
    from fits import plots

    return plots


@pytest.fixture(scope="module")
def space():
    return Space([Parameter("M_ZD", 1e-3, 1.0, scale="log"), Parameter("eps", -2.0, 2.0)])


@pytest.fixture(scope="module")
def scan(space):
    return gaussian_scan(space)


def assert_png(path):
    data = path.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_MAGIC)


def test_delta_chi2_regions_draws_three_nested_regions_on_log_axes(plots, space, scan, tmp_path):
    prof = regions.profile_scan(*scan, space, ("M_ZD", "eps"), bins=40)
    fig = plots.delta_chi2_regions(None, prof, path=tmp_path / "regions.png")
    assert_png(tmp_path / "regions.png")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert ax.get_xlabel() == "M_ZD" and ax.get_ylabel() == "eps"
    # filled bands in pink, brown, dark brown at the 2-parameter thresholds
    from matplotlib.contour import ContourSet
    from matplotlib.colors import to_hex

    filled = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    assert len(filled) == 1
    np.testing.assert_allclose(filled[0].levels[1:], regions.levels((1, 2, 3), 2))
    assert [to_hex(c) for c in filled[0].get_facecolor()] == [to_hex(c) for c in plots.REGION_COLOURS]
    # the best fit, a blue circle at the scan's minimum
    (best,) = [line for line in ax.lines if line.get_marker() == "o"]
    assert to_hex(best.get_color()) == plots.BEST_FIT_COLOUR
    np.testing.assert_allclose(best.get_xydata()[0], prof.best)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1σ", "2σ", "3σ", "best fit"]
    fig.savefig(tmp_path / "regions.pdf")
    assert (tmp_path / "regions.pdf").read_bytes().startswith(b"%PDF")


def test_delta_chi2_regions_on_given_axes_and_from_a_plain_grid(plots, tmp_path):
    from matplotlib.figure import Figure

    x = np.linspace(-3, 3, 61)
    y = np.linspace(-2, 4, 51)
    d = x[:, None] ** 2 + (y[None, :] - 1) ** 2
    prof = plots.grid_profile(x, y, d, names=("C9", "C10"), best=(0.0, 1.0))
    fig = Figure()
    ax = fig.add_subplot()
    out = plots.delta_chi2_regions(ax, prof, levels=(1, 2), labels=(r"$C_9$", r"$C_{10}$"), legend=False)
    assert out is fig and ax.get_xlabel() == "$C_9$"
    plots.save(fig, tmp_path / "grid.png")
    assert_png(tmp_path / "grid.png")


def test_profile_1d_plot_marks_thresholds_and_intervals(plots, space, scan, tmp_path):
    prof = regions.profile_scan(*scan, space, "eps", bins=50)
    fig = plots.profile_1d(None, prof, path=tmp_path / "profile.png")
    assert_png(tmp_path / "profile.png")
    ax = fig.axes[0]
    levels = sorted(line.get_ydata()[0] for line in ax.lines if line.get_linestyle() == "--")
    np.testing.assert_allclose(levels, [1, 4, 9])
    assert ax.get_xscale() == "linear"
    log_prof = regions.profile_scan(*scan, space, "M_ZD", bins=50)
    fig = plots.profile_1d(None, log_prof, levels=(1, 2), best=False, path=tmp_path / "profile_m.pdf")
    assert fig.axes[0].get_xscale() == "log"
    assert (tmp_path / "profile_m.pdf").stat().st_size > 1000


def test_corner_plot_of_samples(plots, tmp_path):
    rng = np.random.default_rng(1)
    cov = np.array([[1.0, 0.5, 0.0], [0.5, 2.0, -0.3], [0.0, -0.3, 0.5]])
    draws = rng.multivariate_normal([0.0, 1.0, -1.0], cov, size=(4, 2000))  # chains × draws × dim
    samples = {"a": draws[..., 0], "b": draws[..., 1], "m": np.exp(draws[..., 2])}
    fig = plots.corner(samples, truths={"a": 0.0, "b": 1.0, "m": np.exp(-1.0)}, log=("m",),
                       path=tmp_path / "corner.png")
    assert_png(tmp_path / "corner.png")
    axes = np.array(fig.axes).reshape(3, 3)
    assert not axes[0, 1].axison and axes[1, 0].axison
    assert axes[2, 2].get_xscale() == "log" and axes[2, 0].get_yscale() == "log"
    assert axes[2, 0].get_xlabel() == "a" and axes[1, 0].get_ylabel() == "b"
    assert len(axes[0, 0].patches) == 1  # the step histogram
    fig = plots.corner(samples, names=["b", "a"], truths=[1.0, 0.0], levels=(1, 2, 3))
    assert len(fig.axes) == 4
    fig.savefig(tmp_path / "corner.pdf")
    assert (tmp_path / "corner.pdf").read_bytes().startswith(b"%PDF")


def test_plot_bad_input_names_the_culprit(plots, space, scan):
    prof1 = regions.profile_scan(*scan, space, "eps", bins=20)
    prof2 = regions.profile_scan(*scan, space, ("M_ZD", "eps"), bins=20)
    with pytest.raises(ValueError, match="2-D profile"):
        plots.delta_chi2_regions(None, prof1)
    with pytest.raises(ValueError, match="1-D profile"):
        plots.profile_1d(None, prof2)
    with pytest.raises(ValueError, match="Profile"):
        plots.delta_chi2_regions(None, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="levels must be increasing"):
        plots.delta_chi2_regions(None, prof2, levels=(2, 1))
    with pytest.raises(ValueError, match="colour for each"):
        plots.delta_chi2_regions(None, prof2, colours=("red",))
    with pytest.raises(ValueError, match="best must have 2"):
        plots.delta_chi2_regions(None, prof2, best=(1.0,))
    with pytest.raises(ValueError, match="same number of draws"):
        plots.corner({"a": np.zeros(10), "b": np.zeros(11)})
    with pytest.raises(ValueError, match=r"names \['c'\]"):
        plots.corner({"a": np.zeros(10)}, names=["c"])
    with pytest.raises(ValueError, match="'a' is shown on a log axis"):
        plots.corner({"a": np.linspace(-1, 1, 10)}, log=("a",))
    with pytest.raises(ValueError, match="truths must give 2"):
        plots.corner({"a": np.zeros(10), "b": np.ones(10)}, truths=[0.0])
    with pytest.raises(ValueError, match="delta_chi2 must have shape"):
        plots.grid_profile(np.arange(3), np.arange(4), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="needs a suffix"):
        plots.save(None, "figure")


def test_missing_matplotlib_asks_for_the_plot_extra(monkeypatch):
    from fits import plots

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now raises ImportError
    with pytest.raises(ImportError, match=r'pip install "jaxflav\[plot\]"'):
        plots.corner({"a": np.zeros(10)})
    with pytest.raises(ImportError, match="jaxflav\\[plot\\]"):
        plots.delta_chi2_regions(None, plots.grid_profile([0, 1], [0, 1], np.zeros((2, 2))))


def test_binned_panels_draw_data_and_predictions(plots, tmp_path):
    lo, hi = np.array([0.1, 1.1, 4.0]), np.array([0.98, 2.5, 6.0])
    data = (lo, hi, np.array([0.3, 0.2, -0.3]), np.array([0.1, 0.2, 0.15]), np.array([0.12, 0.2, 0.16]))
    panels = [("<P5p>", data, {"best fit": (lo, hi, [0.4, 0.1, -0.5]), "SM": (lo, hi, [0.6, 0.1, -0.75])}), ("<FL>", None, {"SM": (lo, hi, [0.3, 0.7, 0.7])})]
    fig = plots.binned(panels, path=tmp_path / "b.png")
    assert (tmp_path / "b.png").read_bytes()[:8] == PNG_MAGIC
    first = fig.axes[0]
    assert len(first.collections) >= 2 and first.get_title() == "<P5p>"
    with pytest.raises(ValueError, match="at least one panel"):
        plots.binned([])
    # a 4-tuple line carries ±σ per bin: one filled band per bin
    from matplotlib.collections import PolyCollection

    banded = plots.binned([("<P5p>", None, {"SM": (lo, hi, [0.6, 0.1, -0.75], [0.05, 0.1, 0.08])})])
    bands = [c for c in banded.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(bands) == 3 and bands[1].get_paths()[0].get_extents().y0 == pytest.approx(0.0)
