"""`jaxflav predict`: predictions, measurements, pulls and χ² for a Wilson-coefficient point."""

import pytest

from jaxflav import cli


def test_predict_prints_every_row_and_the_chi2(capsys, tmp_path):
    config = tmp_path / "point.toml"
    config.write_text('measurements = "rashed2026_table1"\n[wilson]\nC9_bsmumu = -1.0\nC10_bsmumu = [0.2, 0.0]\n')
    assert cli.main(["predict", str(config), "--wc", "C9p_bsmumu=0.1"]) == 0
    out = capsys.readouterr().out
    assert out.count("<dBR/dq2>(B+->Kmumu)") == 6 and "<BR>(B->Xsee)" in out
    chi2_line = next(line for line in out.splitlines() if line.startswith("chi2 ="))
    chi2, chi2_sm = float(chi2_line.split()[2]), float(chi2_line.split("SM: ")[1].split(";")[0])
    assert chi2 < chi2_sm and abs(chi2_sm - 92.31) < 0.05  # engine's own SM χ² (closing note of issue 3)


@pytest.mark.parametrize(
    "argv, match",
    [
        (["predict", "--wc", "C9_bsxx=1"], "C9_bsxx"),
        (["predict", "--wc", "C9_bsmumu"], "NAME=VALUE"),
        (["predict", "--wc", "C9_bsmumu=abc"], "not a number"),
        (["predict", "--measurements", "no_such_table"], "no_such_table"),
    ],
)
def test_predict_rejects_bad_input_by_name(argv, match):
    with pytest.raises(SystemExit, match=match):
        cli.main(argv)


def test_predict_rejects_a_malformed_config(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[wilson]\nC9_bsmumu = 'minus one'\n")
    with pytest.raises(SystemExit, match="wilson.C9_bsmumu"):
        cli.main(["predict", str(config)])
