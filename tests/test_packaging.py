"""The declared dependency bounds are the versions CI tests: `.ci/lowest.txt` pins every runtime
dependency of pyproject.toml at its lower bound (issue 14: `optax>=0.2` once admitted versions that
could not run the main job)."""

import pathlib
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_lowest_pins_are_the_declared_lower_bounds():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    bounds = {}
    for spec in declared:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", spec)
        assert m, f"{spec!r}: a runtime dependency is declared as NAME>=VERSION (a tested lower bound)"
        bounds[m.group(1).lower()] = m.group(2)
    pins = {}
    for line in (ROOT / ".ci" / "lowest.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    assert pins == bounds


def test_ci_installs_the_lowest_versions_and_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "-c .ci/lowest.txt" in ci
    readme = (ROOT / "README.md").read_text()
    assert 'pip install ".[test]" && python -m pytest' in readme and 'pip install ".[test]" && python -m pytest' in ci
