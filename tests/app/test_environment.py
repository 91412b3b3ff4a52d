"""Set-up files agree: environment.yml vs pyproject.toml, .ci/run, Makefile targets, README commands."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import tomllib
import yaml
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
TRAINED_MODEL = "spacy-model-en_core_web_sm"
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*(;.*)?$")


def _parse(requirement: str) -> tuple[str, str]:
    """(normalised name, normalised version bounds) of a pip/conda requirement string."""
    m = _REQ.match(requirement)
    assert m, f"cannot parse requirement {requirement!r}"
    name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
    bounds = ",".join(sorted(part.replace(" ", "") for part in m.group(3).split(",") if part.strip()))
    return name, bounds


def _pyproject_requirements() -> dict[str, str]:
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"])
    for extra in ("notebooks", "test"):
        reqs += project["optional-dependencies"][extra]
    return dict(_parse(r) for r in reqs)


def _conda_requirements() -> tuple[dict[str, str], list]:
    conda, pip = {}, []
    for dep in ENVIRONMENT["dependencies"]:
        if isinstance(dep, dict):
            pip += dep.get("pip", [])
        else:
            name, bounds = _parse(dep)
            conda[name] = bounds
    return conda, pip


def test_environment_uses_conda_forge():
    assert ENVIRONMENT["channels"] == ["conda-forge"]


def test_environment_lists_every_pyproject_dependency_with_the_same_bounds():
    conda, _ = _conda_requirements()
    expected = _pyproject_requirements()
    mismatched = {n: (b, conda.get(n)) for n, b in expected.items() if conda.get(n) != b}
    assert not mismatched, f"environment.yml differs from pyproject.toml (pyproject, conda): {mismatched}"


def test_environment_has_nothing_pyproject_lacks():
    conda, _ = _conda_requirements()
    extra = set(conda) - set(_pyproject_requirements()) - {"python", "pip", _parse(TRAINED_MODEL)[0]}
    assert not extra, f"environment.yml lists packages missing from pyproject.toml: {sorted(extra)}"


def test_environment_offers_the_trained_model_and_installs_the_kit():
    conda, pip = _conda_requirements()
    assert _parse(TRAINED_MODEL)[0] in conda
    assert "-e ." in pip


def test_python_versions_agree():
    conda, _ = _conda_requirements()
    assert conda["python"] == PYPROJECT["project"]["requires-python"].replace(" ", "") == ">=3.10"


def test_console_script_points_at_the_cli():
    assert PYPROJECT["project"]["scripts"]["discourse-kit"] == "analysis.app.cli:main"


def test_ci_runs_exactly_make_test():
    ci = ROOT / ".ci" / "run"
    assert os.access(ci, os.X_OK), ".ci/run must be executable"
    commands = [
        line.strip()
        for line in ci.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "make test" in commands
    allowed = {"make test", "set -euo pipefail", 'cd "$(dirname "$0")/.."'}
    assert set(commands) <= allowed, f".ci/run does more than `make test`: {set(commands) - allowed}"


def _targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", MAKEFILE, flags=re.M))


def test_makefile_has_the_two_entry_points():
    assert {"reproduce", "test", "setup"} <= _targets()
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", MAKEFILE, flags=re.M)
    assert recipe and "pytest" in recipe.group(1), "make test must run pytest"
    assert "ruff check" in recipe.group(1), "make test must lint (ruff check) before the tests"


def test_readme_commands_exist():
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is missing: this checkout is incomplete (clone the repository again)")
    text = readme.read_text(encoding="utf-8")
    make_targets = set(re.findall(r"(?:^|`|\$ )make ([\w-]+)", text, flags=re.M))
    assert {"reproduce", "test"} <= make_targets, "README must show `make reproduce` and `make test`"
    assert make_targets <= _targets(), f"README names make targets the Makefile lacks: {make_targets - _targets()}"
    from analysis.app.cli import build_parser

    parser = build_parser()
    subcommands = set(parser._subparsers._group_actions[0].choices)  # noqa: SLF001
    used = set(re.findall(r"(?:discourse-kit|python -m analysis) ([a-z][\w-]*)", text))
    assert used <= subcommands, f"README uses unknown subcommands: {used - subcommands}"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_does_not_reinstall_when_nothing_changed(tmp_path):
    """The set-up stamp makes both targets idempotent; touching pyproject.toml reinstalls."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    stamp = tmp_path / ".venv" / ".installed-stamp"
    stamp.touch()
    os.utime(tmp_path / "pyproject.toml", (1_000_000_000, 1_000_000_000))  # older than the stamp

    def dry_run(target: str) -> str:
        return subprocess.run(["make", "-n", target], cwd=tmp_path, capture_output=True, text=True, check=True).stdout

    for target in ("test", "reproduce"):
        assert "pip install" not in dry_run(target)
    assert "pytest" in dry_run("test")
    os.utime(tmp_path / "pyproject.toml")  # now newer than the stamp
    assert "pip install" in dry_run("test")
