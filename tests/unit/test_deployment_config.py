"""A deployment directory of several contracts (issue 18, item 3): deployment.toml + contracts/*.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import ConfigError, load_settings

ROOT = Path(__file__).parents[2]
EXAMPLE_DEPLOYMENT = ROOT / "config" / "deployment.example"


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "deployment"
    shutil.copytree(EXAMPLE_DEPLOYMENT, target)
    return target


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(folder, apply_env=False)
    return caught.value.problems


def test_the_example_deployment_has_two_contracts_sharing_the_deployment_sections() -> None:
    first = load_settings(EXAMPLE_DEPLOYMENT, apply_env=False)
    ids = [each.contract.id for each in first.deployment]
    assert ids == ["cz-2022", "demo-2023"] and first.contract.id == "cz-2022"
    second = first.deployment[1]
    assert second.storage.db == first.storage.db and second.telegram == first.telegram
    assert [m.name for m in second.managers] == ["冯总监"]
    assert second.sla.arrival_deadline.total_seconds() == 7200 and first.sla.arrival_deadline.total_seconds() == 3600
    assert second.site.name != first.site.name


def test_a_single_file_is_a_deployment_of_one(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config" / "maintbot.example.toml", apply_env=False)
    assert settings.deployment == (settings,) and settings.managers == []


def test_a_problem_names_the_contract_file(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "contracts" / "demo-city-2023.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('amount = "280000"', 'amount = "-1"'), encoding="utf-8")
    [problem] = problems_of(folder)
    assert problem.startswith(str(path)) and "contract.amount" in problem


def test_a_deployment_section_in_a_contract_file_is_refused(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "contracts" / "demo-city-2023.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[storage]\ndb = "other.db"\n', encoding="utf-8")
    [problem] = problems_of(folder)
    assert str(path) in problem and "storage" in problem and "deployment.toml" in problem


def test_a_problem_in_the_deployment_file_names_it_once(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    path = folder / "deployment.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("max_retries = 5", "max_retries = 1"), encoding="utf-8")
    [problem] = problems_of(folder)
    assert problem.startswith(str(path)) and "telegram.max_retries" in problem


def test_contract_ids_must_be_unique(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    original = folder / "contracts" / "changzhou-2022.toml"
    shutil.copy(original, folder / "contracts" / "copy.toml")
    [problem] = problems_of(folder)
    assert "cz-2022" in problem and "copy.toml" in problem and "changzhou-2022.toml" in problem


def test_a_directory_without_contracts_says_what_to_add(tmp_path: Path) -> None:
    folder = copy_example(tmp_path)
    shutil.rmtree(folder / "contracts")
    [problem] = problems_of(folder)
    assert "contracts" in problem and "no contract files" in problem


def test_check_config_checks_a_directory(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}
    ok = subprocess.run([sys.executable, "run_bot.py", "--config", str(EXAMPLE_DEPLOYMENT), "check-config"],
                        env=environment, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "2 contracts" in ok.stdout and "cz-2022" in ok.stdout and "demo-2023" in ok.stdout
    folder = copy_example(tmp_path)
    shutil.copy(folder / "contracts" / "changzhou-2022.toml", folder / "contracts" / "copy.toml")
    bad = subprocess.run([sys.executable, "run_bot.py", "--config", str(folder), "check-config"],
                         env=environment, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 1 and "ids must be unique" in bad.stderr and "Traceback" not in bad.stderr
