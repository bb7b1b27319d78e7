"""jaxflav.constraints: loading and validating constraint files, and the χ² of each kind of term."""

import importlib.resources
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav import constraints

KAON = "kang2021_kaon"


def _terms():
    return {t.name: t for t in constraints.load(KAON)}


def test_packaged_kaon_file_loads_with_its_terms():
    terms = _terms()
    assert set(terms) == {"KOTO", "NA62 pi0->inv", "E949 pi0->nunu", "NA62", "E949", "g-2"}
    koto = terms["KOTO"]
    # 002_afd25a313d970311.txt, Eq. 2.1: 2.1 (+2.0 −1.1) × 10⁻⁹, (+4.1) at 2σ
    assert (koto.central, koto.sigma, koto.sigma2[0]) == (2.1e-9, (2.0e-9, 1.1e-9), 4.1e-9)
    # Eq. 2.3: BR(K⁺ → π⁺Z′) < 0.9 × 10⁻⁹ within m_π0 ± 3.8 MeV
    window = terms["NA62 pi0->inv"].mass_windows[0]
    assert terms["NA62 pi0->inv"].limit == 0.9e-9 and window[1] - window[0] == pytest.approx(7.6e-3)
    # §II: NA62 blind in [100, 165] MeV, E949 in [116, 152] MeV
    assert terms["NA62"].mass_windows == ((0.0, 0.100), (0.165, 0.260))
    assert terms["E949"].mass_windows == ((0.0, 0.116), (0.152, 0.260))


def test_measurement_chi2_hits_1_and_4_on_the_printed_intervals():
    koto = _terms()["KOTO"]
    bg = koto.background
    chi2 = lambda br: float(constraints.chi2([koto], {"BR(KL->pi0Zp)": br - bg}))  # noqa: E731
    assert chi2(2.1e-9) == pytest.approx(0.0, abs=1e-24)
    for br, expected in ((4.1e-9, 1.0), (1.0e-9, 1.0), (6.2e-9, 4.0), (0.4e-9, 4.0), (3.1e-9, 0.25)):
        assert chi2(br) == pytest.approx(expected, rel=1e-12)
    g = jax.vmap(jax.grad(lambda br: constraints.chi2([koto], {"BR(KL->pi0Zp)": br})))(jnp.asarray([0.0, 1e-9, 5e-9, 1e-8]))
    assert np.all(np.isfinite(g))


def test_symmetric_measurement_is_a_gaussian():
    g2 = _terms()["g-2"]
    assert float(constraints.chi2([g2], {"Delta a_mu": 2.79e-9 + 2 * 0.76e-9})) == pytest.approx(4.0, rel=1e-12)
    assert float(constraints.chi2([g2], {"Delta a_mu": 0.0})) == pytest.approx((2.79 / 0.76) ** 2, rel=1e-12)


def test_upper_limit_gives_2_71_at_a_90_percent_limit_and_only_in_its_windows():
    na62 = _terms()["NA62"]
    at_limit = {"BR(K+->pi+Zp)": 1.78e-10}
    assert float(constraints.chi2([na62], at_limit, 0.05)) == pytest.approx(1.6448536269514722**2, rel=1e-12)
    assert float(constraints.chi2([na62], at_limit, 0.13)) == 0.0  # blind window
    assert float(constraints.chi2([na62], at_limit, 0.20)) > 0.0
    assert float(constraints.chi2([na62], at_limit, 0.30)) == 0.0  # above 260 MeV: not used (footnote 2)
    with pytest.raises(ValueError, match="mass"):
        constraints.chi2([na62], at_limit)
    with_background = na62._replace(background=1.0e-10)  # outside its windows the boson adds nothing to it
    sigma = na62.limit / 1.6448536269514722
    assert float(constraints.chi2([with_background], at_limit, 0.13)) == pytest.approx((1.0e-10 / sigma) ** 2, rel=1e-12)
    assert float(constraints.chi2([with_background], {"BR(K+->pi+Zp)": 0.0}, 0.05)) == pytest.approx((1.0e-10 / sigma) ** 2, rel=1e-12)


def _file(tmp_path, text):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return path


GOOD = """
[source]
citation = "test"
[[term]]
name = "a"
observable = "BR(X)"
kind = "measurement"
experiment = "E"
citation = "c"
central = 1.0
sigma = { up = 0.2, down = 0.1 }
"""


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda s: s.replace('kind = "measurement"', 'kind = "limit"'), "kind.*measurement, upper_limit"),
        (lambda s: s.replace("central = 1.0", ""), "missing field.*central"),
        (lambda s: s.replace("central = 1.0", "central = nan"), "central.*finite"),
        (lambda s: s.replace("down = 0.1", "down = -0.1"), "sigma'.down.*> 0"),
        (lambda s: s.replace("central = 1.0", "central = 1.0\nlimit = 2.0"), "unknown field.*limit"),
        (lambda s: s + "\nsigma2 = { up = 0.1, down = 0.3 }\n", "2σ errors must exceed"),
        (lambda s: s.replace('name = "a"', ""), "field 'name'.*missing"),
        (lambda s: s + s[s.index("[[term]]"):], "unique"),
        (lambda s: s.replace("[source]", "[sources]"), "unknown top-level"),
        (lambda s: s.replace("[[term]]", "[[term]\n"), "malformed TOML"),
    ],
)
def test_bad_files_raise_value_errors_naming_the_culprit(tmp_path, edit, match):
    with pytest.raises(ValueError, match=match):
        constraints.load(_file(tmp_path, edit(GOOD)))


def test_limit_fields_are_checked(tmp_path):
    text = GOOD.replace('kind = "measurement"', 'kind = "upper_limit"').replace("central = 1.0\nsigma = { up = 0.2, down = 0.1 }", "limit = 1e-9\ncl = 0.9")
    assert constraints.load(_file(tmp_path, text))[0].limit == 1e-9
    with pytest.raises(ValueError, match="cl.*\\(0, 1\\)"):
        constraints.load(_file(tmp_path, text.replace("cl = 0.9", "cl = 90")))
    with pytest.raises(ValueError, match="mass_windows.*low < high"):
        constraints.load(_file(tmp_path, text + "mass_windows = [[0.2, 0.1]]\n"))


def test_unknown_observable_and_missing_file_are_named(tmp_path):
    with pytest.raises(ValueError, match="unknown observable 'BR\\(X\\)'"):
        constraints.load(_file(tmp_path, GOOD), known={"BR(Y)"})
    with pytest.raises(ValueError, match="no_such"):
        constraints.load("no_such")
    assert (importlib.resources.files("jaxflav") / "data" / f"{KAON}.toml").is_file()


def test_limit_curve_gives_2_71_on_the_curve_interpolates_log_log_and_skips_vetoed_windows():
    """A 90 % CL curve: χ² = 1.645² where the prediction equals limit(M)^power, at the curve's own
    points and, between them, with the limit interpolated linearly in (ln M, ln limit); 0 inside a
    vetoed window and outside the curve's mass range; finite gradients at every edge."""
    curve = constraints.load_curve("lhcb2020_dark_photon_mumu")
    term = constraints.Term("t", "x", "limit_curve", "LHCb", "c", curve=curve, power=2.0)
    z90 = 1.6448536269514722
    for k in (0, 17, len(curve.mass) - 1):
        assert float(constraints.chi2([term], {"x": curve.limit[k] ** 2}, curve.mass[k])) == pytest.approx(z90**2, rel=1e-10)
    m0, m1, l0, l1 = curve.mass[3], curve.mass[4], curve.limit[3], curve.limit[4]
    m = math.sqrt(m0 * m1)
    assert float(constraints.chi2([term], {"x": l0 * l1}, m)) == pytest.approx(z90**2, rel=1e-10)  # √(l0 l1)²
    lo, hi = curve.vetoed[0]
    assert curve.span == (0.2141, 69.6) and curve.mass[0] > curve.span[0]  # binned points inside the search's reach
    for mass in (0.5 * (lo + hi), curve.span[0] * 0.999, curve.span[1] * 1.001):
        assert float(constraints.chi2([term], {"x": 1.0}, mass)) == 0.0
    between = 0.5 * (curve.span[0] + curve.mass[0])  # flat from the first point down to the reach
    assert float(constraints.chi2([term], {"x": curve.limit[0] ** 2}, between)) == pytest.approx(z90**2, rel=1e-10)
    grad = jax.grad(lambda p, mass: constraints.chi2([term], {"x": p}, mass), argnums=(0, 1))
    for mass in (curve.span[0], curve.mass[0], lo, hi, curve.mass[-1], 0.3):
        assert all(np.isfinite(float(g)) for g in grad(1e-8, mass))


@pytest.mark.parametrize("mass, width, low, high", [(0.78, 0.08, 0.742, 0.822), (0.78, 1e-4, 0.742, 0.822), (1.5, 0.3, 0.214, 4.349), (3.0, 0.01, 3.2, 3.9)])
def test_line_share_is_the_breit_wigner_integral(mass, width, low, high):
    """`constraints.line_share` against mpmath: ∫ dq² MΓ/π / ((q² − M²)² + M²Γ²) over [low², high²]."""
    import mpmath

    mpmath.mp.dps = 30
    m, g = mpmath.mpf(mass), mpmath.mpf(width)
    f = lambda s: m * g / mpmath.pi / ((s - m**2) ** 2 + (m * g) ** 2)  # noqa: E731
    ref = mpmath.quad(f, sorted({mpmath.mpf(low) ** 2, mpmath.mpf(high) ** 2, min(max(m**2, low**2), high**2)}))
    assert float(constraints.line_share(mass, width, low, high)) == pytest.approx(float(ref), rel=1e-12, abs=1e-15)


def test_limit_curves_are_checked(tmp_path):
    text = GOOD.replace('kind = "measurement"', 'kind = "limit_curve"').replace("central = 1.0\nsigma = { up = 0.2, down = 0.1 }", 'curve = "no_such_curve"')
    with pytest.raises(ValueError, match="limit curve 'no_such_curve'.*not found"):
        constraints.load(_file(tmp_path, text))
    with pytest.raises(ValueError, match="limit curve '../rashed2026_constraints'"):
        constraints.load(_file(tmp_path, text.replace("no_such_curve", "../rashed2026_constraints")))
    good = constraints.load(_file(tmp_path, text.replace("no_such_curve", "babar2014_dark_photon_ee_mumu")))
    assert good[0].curve.cl == 0.9 and good[0].power == 1.0
    with pytest.raises(ValueError, match="power.*> 0"):
        constraints.load(_file(tmp_path, text.replace("no_such_curve", "babar2014_dark_photon_ee_mumu") + "power = 0\n"))
