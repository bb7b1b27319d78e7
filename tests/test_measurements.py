"""jaxflav.measurements: Table 1 of Rashed 2026 as data, and the validation of measurement files."""

import re

import numpy as np
import pytest

import jaxflav  # noqa: F401
from jaxflav import measurements, sources

TABLE1 = "rashed2026_table1"


@pytest.fixture(scope="module")
def table():
    return measurements.load(TABLE1)


@pytest.fixture(scope="module")
def table1_text():
    return (sources.path(TABLE1)).read_text(encoding="utf-8")


def test_table1_has_27_rows_21_of_them_muon_modes(table):
    # 000_8c6ceb1288264742.txt, Table 1: 27 rows; muon modes = all μμ rows and B → X_s μμ
    assert len(table) == 27
    assert len(measurements.select(table, lepton="mu")) == 21
    assert len(measurements.select(table, lepton="e")) == 6
    assert "<BR>(B->Xsmumu)" in measurements.select(table, lepton="mu").names


def test_table1_rows_per_observable(table):
    names, counts = np.unique(table.names, return_counts=True)
    assert dict(zip(names, counts)) == {
        "<dBR/dq2>(B0->K*mumu)": 4, "<dBR/dq2>(B+->K*mumu)": 3, "<dBR/dq2>(B+->Kmumu)": 6,
        "<dBR/dq2>(B0->Kmumu)": 3, "<dBR/dq2>(Bs->phimumu)": 4, "<BR>(B+->Kee)": 2,
        "<BR>(B0->K*ee)": 1, "<BR>(B->Xsmumu)": 1, "<BR>(B->Xsee)": 1,
        "<dBR/dq2>(B+->Kee)": 1, "<dBR/dq2>(B0->K*ee)": 1,
    }
    assert set(table.names) == measurements.KNOWN_OBSERVABLES


def test_shifted_rows_are_in_place(table):
    # seeds/README.md: "5.0–6.0 2.31" is B+→K+μμ, "0.1–0.98 7.74" is Bs→φμμ
    kmumu = measurements.select(table, names="<dBR/dq2>(B+->Kmumu)")
    assert kmumu.q2max[-1] == 6.0 and np.isclose(kmumu.central[-1], 2.31e-8)
    phi = measurements.select(table, names="<dBR/dq2>(Bs->phimumu)")
    assert phi.q2min[0] == 0.1 and np.isclose(phi.central[0], 7.74e-8)
    k0 = measurements.select(table, names=["<dBR/dq2>(B0->Kmumu)"])
    assert list(k0.q2min) == [0.1, 2.0, 4.0] and list(k0.q2max) == [2.0, 4.0, 6.0]


def test_printed_numbers_and_error_combination(table):
    # 000_8c6ceb1288264742.txt, Table 1, first row: 11.06 +0.67 −0.73 ± 0.29 ± 0.69 | 10.60 ± 1.54 (×1e-8)
    assert table.central[0] / table.scale[0] == pytest.approx(11.06)
    assert table.err_up[0] == pytest.approx(np.hypot(np.hypot(0.67, 0.29), 0.69) * 1e-8)
    assert table.err_down[0] == pytest.approx(np.hypot(np.hypot(0.73, 0.29), 0.69) * 1e-8)
    assert (table.sm[0], table.sm_err[0]) == pytest.approx((10.60e-8, 1.54e-8))
    # B(B0→K*0ee) in 0.03²–1.0² GeV²: 3.1 +0.9+0.2 −0.8−0.3 ± 0.2 (×1e-7), [67]
    i = list(table.names).index("<BR>(B0->K*ee)")
    assert (table.q2min[i], table.q2max[i]) == pytest.approx((0.03**2, 1.0))
    assert table.err_up[i] == pytest.approx(np.sqrt(0.9**2 + 0.2**2 + 0.2**2) * 1e-7)
    assert table.err_down[i] == pytest.approx(np.sqrt(0.8**2 + 0.3**2 + 0.2**2) * 1e-7)
    assert table.reference[i] == 67 and table.experiment[i] == "LHCb"


def test_references_and_header():
    src = measurements.source(TABLE1)
    assert (src["chi2_sm_all"], src["chi2_sm_mu"]) == (93.56, 84.30)
    assert src["doi"] == "10.4236/jhepgc.2026.122040"
    assert sorted(src["references"]) == [str(n) for n in range(63, 70)]
    assert src["references"]["66"]["experiment"] == "Belle"
    assert src["references"]["68"]["experiment"] == "BaBar"


def test_load_by_path_equals_load_by_name(table, tmp_path, table1_text):
    path = tmp_path / "copy.toml"
    path.write_text(table1_text, encoding="utf-8")
    for a, b in zip(measurements.load(path), table):
        np.testing.assert_array_equal(a, b)
    assert TABLE1 in measurements.available()


def test_table_replace_and_select_keep_the_type(table):
    doubled = table._replace(sm=2 * table.sm)
    assert isinstance(doubled, measurements.Table) and len(doubled) == 27
    assert np.all(doubled.sm == 2 * table.sm)
    picked = measurements.select(table, lepton="mu", mask=table.q2max <= 2.5)
    assert isinstance(picked, measurements.Table) and len(picked) == 8
    assert measurements.observables(picked)[0] == ("<dBR/dq2>(B0->K*mumu)", 0.1, 0.98)
    with pytest.raises(ValueError, match="lepton"):
        measurements.select(table, lepton="muon")


def test_known_names_can_be_extended(tmp_path, table1_text):
    text = table1_text.replace('"<BR>(B->Xsee)"', '"<BR>(B->Xsll)"')
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="unknown observable"):
        measurements.load(path)
    known = measurements.KNOWN_OBSERVABLES | {"<BR>(B->Xsll)"}
    assert "<BR>(B->Xsll)" in measurements.load(path, known=known).names


# --- malformed files: each is Table 1 with one edit; the error names file, row and field ---------

def _nth_row_span(text, n):
    """Start and end of the n-th (1-based) [[row]] block of `text`."""
    starts = [m.start() for m in re.finditer(r"^\[\[row\]\]$", text, flags=re.M)]
    end = starts[n] if n < len(starts) else len(text)
    return starts[n - 1], end


def _edit_row(text, n, old, new):
    a, b = _nth_row_span(text, n)
    block = text[a:b]
    assert old in block, (old, block)
    return text[:a] + block.replace(old, new, 1) + text[b:]


MALFORMED = [
    # (row, old, new, field, message)
    (3, "sm_err = 0.70\n", "", "sm_err", "missing"),
    (5, "q2min = 0.1\nq2max = 2.0", "q2min = 2.0\nq2max = 0.1", "q2max", "q2min < q2max"),
    (9, "stat = 0.15", "stat = -0.15", "stat", "≥ 0"),
    (2, "stat = { up = 0.32, down = 0.31 }", "stat = { up = 0.32, down = -0.31 }", "stat", "≥ 0"),
    (7, '"<dBR/dq2>(B+->K*mumu)"', '"<dBR/dq2>(B+->K*tautau)"', "observable", "unknown observable"),
    (11, "central = 2.54", "central = nan", "central", "finite"),
    (12, "syst = 0.11", "syst = 0.11\nsytst = 0.1", "sytst", "unknown key"),
    (14, "central = 1.22", 'central = "1.22"', "central", "expected a number"),
    (21, 'lepton = "e"', 'lepton = "mu"', "lepton", "does not match"),
    (22, "ref = 66", "ref = 70", "ref", "not in \\[references\\]"),
    (23, "stat = { up = 0.9, down = 0.8 }", "stat = { up = 0.9 }", "down", "missing"),
]


@pytest.mark.parametrize("row, old, new, field, message", MALFORMED)
def test_malformed_row_names_file_row_and_field(tmp_path, table1_text, row, old, new, field, message):
    path = tmp_path / "bad.toml"
    path.write_text(_edit_row(table1_text, row, old, new), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        measurements.load(path)
    text = str(err.value)
    assert str(path) in text and f"row {row}," in text and f"'{field}'" in text, text


def test_malformed_toml_duplicates_and_sections(tmp_path, table1_text):
    cases = {
        "syntax": (table1_text.replace("central = 3.26", "central = 3.26.1"), "malformed TOML"),
        "duplicate": (_edit_row(table1_text, 2, "q2min = 1.1\nq2max = 2.5", "q2min = 0.1\nq2max = 0.98"),
                      "row 2: same observable and bin as row 1"),
        "section": (table1_text + "\n[extras]\nx = 1\n", r"\[extras\]: unknown section"),
        "no rows": (table1_text[: table1_text.index("\n[[row]]\n")], "no \\[\\[row\\]\\]"),
        "header": (table1_text.replace('doi = "10.4236', 'doy = "10.4236'), r"\[source\], field 'doi': missing"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / f"{name.replace(' ', '_')}.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=message) as err:
            measurements.load(path)
        assert str(path) in str(err.value), name


def test_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="nowhere.toml not found"):
        measurements.load(tmp_path / "nowhere.toml")
    with pytest.raises(ValueError, match="rashed2026_table1"):
        measurements.load("no_such_table")
