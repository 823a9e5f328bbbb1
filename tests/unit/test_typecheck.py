"""Types are checked (issue 15, point 9): `mypy` passes over bot/services and storage, with nothing hidden.

CI (`.ci/run`) runs the same `mypy` the README documents, before pytest; this test runs it too, so a local
`pytest` catches a type error as well.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("bot/services", "storage")
OURS = ("bot", "storage", "config")


def mypy_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


@pytest.mark.slow
def test_mypy_finds_no_errors_in_services_and_storage() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_every_function_in_services_and_storage_must_be_annotated() -> None:
    config = mypy_config()
    assert sorted(config["files"]) == sorted(CHECKED)
    strict = [o for o in config.get("overrides", []) if o.get("disallow_untyped_defs")]
    covered = {m for o in strict for m in ([o["module"]] if isinstance(o["module"], str) else o["module"])}
    assert {"bot.services.*", "storage.*"} <= covered
    for setting in ("check_untyped_defs", "no_implicit_optional", "warn_unused_ignores", "warn_redundant_casts"):
        assert config.get(setting) is True, setting
    assert config["python_version"] == "3.11"


def test_nothing_of_ours_is_exempt_from_the_check() -> None:
    config = mypy_config()
    assert "ignore_errors" not in config and "ignore_missing_imports" not in config and "follow_imports" not in config
    for override in config.get("overrides", []):
        modules = [override["module"]] if isinstance(override["module"], str) else override["module"]
        assert not override.get("ignore_errors"), modules
        if override.get("ignore_missing_imports") or "follow_imports" in override:
            assert not [m for m in modules if m.split(".")[0] in OURS], modules


def test_a_type_ignore_names_its_error_code() -> None:
    bare = re.compile(r"#\s*type:\s*ignore(?!\[)")
    found = [f"{path.relative_to(ROOT)}:{number}"
             for folder in CHECKED for path in sorted((ROOT / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if bare.search(line)]
    assert found == []


def test_ci_runs_the_documented_mypy_before_pytest() -> None:
    steps = [line.split("#")[0].strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert "mypy" in steps
    pytest_step = next(i for i, step in enumerate(steps) if step.startswith("python -m pytest"))
    assert steps.index("mypy") < pytest_step
    tests_section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Tests", 1)[1]
    assert "`mypy`" in tests_section
    test_extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]["test"]
    assert any(re.match(r"mypy\b", requirement) for requirement in test_extra)
