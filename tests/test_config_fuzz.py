"""Fuzzed config files (hypothesis): random edits of a valid config — keys, types, ranges, NaN/inf,
huge integers, unicode — and random bytes never give a traceback, a hang or an output file:
`jaxflav fit CONFIG --check` either accepts the config or exits with one line (issue 14)."""

import json
import math
import pathlib
import tempfile
import time
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaxflav import cli, config, models

from configs import wilson

SMALL = wilson(points=(21, 21), extra='description = "fuzz"\n[fixed]\nC9p_bsmumu = 0.0')
BASE = tomllib.loads(SMALL)
PATHS = [
    ("model",), ("measurements",), ("description",), ("out",), ("parameters",), ("fixed",), ("fit",), ("scan",),
    ("parameters", "C9_bsmumu"), ("parameters", "C9_bsmumu", "range"), ("parameters", "C9_bsmumu", "scale"),
    ("parameters", "C9_bsmumu", "prior"), ("parameters", "C9_bsmumu", "mean"), ("parameters", "C9_bsmumu", "sigma"),
    ("parameters", "M_ZD"), ("fixed", "C9p_bsmumu"), ("fixed", "M_ZD"), ("fixed", "sign_eps"), ("fit", "starts"),
    ("fit", "method"), ("fit", "seed"), ("sample", "chains"), ("sample", "warmup"), ("sample", "samples"),
    ("scan", "design"), ("scan", "points"), ("scan", "chunk"), ("scan", "seed"),
]  # fmt: skip

scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.booleans(),
    st.sampled_from([*models.MODELS, "rashed2026_table1", "kang2021_kaon", "log", "normal", "grid", "sobol", "lbfgs"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
edits = st.lists(st.tuples(st.sampled_from(PATHS) | st.lists(st.text(max_size=6), min_size=1, max_size=3).map(tuple), st.none() | values), max_size=4)


def _toml(value):
    """TOML text of a value (tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"


def _edited(edits):
    doc = json.loads(json.dumps(BASE))
    for path, value in edits:
        node = doc
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value
    return "\n".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in doc.items()) + "\n"


def _checks_cleanly(data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path, out = pathlib.Path(tmp) / "fuzz.toml", pathlib.Path(tmp) / "out"
        path.write_bytes(data)
        start = time.perf_counter()
        with pytest.raises(SystemExit) as err:
            cli.main(["fit", str(path), "--check", "--out", str(out)])
        assert time.perf_counter() - start < 5.0
        code = err.value.code
        if code != 0:
            assert isinstance(code, str) and code.startswith("jaxflav fit: ") and "\n" not in code, code
        assert not out.exists()
        return code


@pytest.fixture(autouse=True)
def no_work(monkeypatch):
    monkeypatch.setattr(config, "problem", lambda *_: pytest.fail("the config check built a χ²"))


def test_the_unedited_config_passes():
    assert _checks_cleanly(SMALL.encode()) == 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_edited_configs_fail_in_one_line_or_pass(edits):
    _checks_cleanly(_edited(edits).encode())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_random_bytes_fail_in_one_line(data):
    _checks_cleanly(data)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"x" * (2 << 20), b"a = [" * 100_000, b"[[" * 50_000, SMALL.encode() * 1])
def test_empty_huge_and_deep_files_fail_in_one_line(data):
    _checks_cleanly(data)
