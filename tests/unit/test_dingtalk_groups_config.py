"""Each contract of a deployment may name its own DingTalk group (`[contract] dingtalk_group`); the deployment's
`[dingtalk] group_conversation_id` is the group of a contract that names none. A group belongs to one contract."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import ConfigError, load_settings, settings_from_dict
from tests.conftest import base_config

ROOT = Path(__file__).parents[2]
EXAMPLE_DEPLOYMENT = ROOT / "config" / "deployment.example"
DINGTALK_LINE = re.compile(r"^# ((?:\[dingtalk\]|(?:client_id|robot_code|group_conversation_id|platforms|"
                           r"dingtalk_group)\b).*)$", re.M)


def dingtalk_example(tmp_path: Path) -> Path:
    """The example deployment with its DingTalk lines uncommented (and a DingTalk id for 林海, made up)."""
    folder = tmp_path / "deployment"
    shutil.copytree(EXAMPLE_DEPLOYMENT, folder)
    for path in [folder / "deployment.toml", *sorted((folder / "contracts").glob("*.toml"))]:
        text = DINGTALK_LINE.sub(r"\1", path.read_text(encoding="utf-8"))
        text = text.replace("telegram_id = 100001\n", "telegram_id = 100001\ndingtalk_id = \"0100001\"\n")
        path.write_text(text, encoding="utf-8")
    return folder


def set_group(folder: Path, contract_file: str, group: str | None) -> None:
    path = folder / "contracts" / contract_file
    text = re.sub(r"^dingtalk_group = .*\n", "", path.read_text(encoding="utf-8"), flags=re.M)
    if group is not None:
        text = text.replace("[contract]\n", f"[contract]\ndingtalk_group = \"{group}\"\n", 1)
    path.write_text(text, encoding="utf-8")


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(folder, apply_env=False)
    return caught.value.problems


def check_config(folder: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}
    environment["MAINTBOT_DINGTALK_CLIENT_SECRET"] = "offline-secret-not-real"
    environment["MAINTBOT_TOKEN"] = "123456:offline-not-real"
    return subprocess.run([sys.executable, "run_bot.py", "--config", str(folder), "check-config"], env=environment,
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_the_examples_dingtalk_lines_give_each_contract_its_own_group(tmp_path: Path) -> None:
    first, second = load_settings(dingtalk_example(tmp_path), apply_env=False).deployment
    assert first.dingtalk_group_id == "cidEXAMPLEchangzhou0001=="
    assert second.dingtalk_group_id == "cidEXAMPLEdemocity0002=="


def test_a_contract_naming_no_group_gets_the_deployments_default(tmp_path: Path) -> None:
    folder = dingtalk_example(tmp_path)
    set_group(folder, "changzhou-2022.toml", None)
    first, second = load_settings(folder, apply_env=False).deployment
    assert first.dingtalk_group_id == "cidEXAMPLEdefault000000=="
    assert second.dingtalk_group_id == "cidEXAMPLEdemocity0002=="


def test_a_single_file_keeps_its_group_conversation_id_unless_the_contract_names_one() -> None:
    config = base_config(Path("unused.db"))
    config["roster"][0]["dingtalk_id"] = "0100001"
    config["dingtalk"] = {"client_id": "dingoffline0001", "robot_code": "dingoffline0001",
                          "group_conversation_id": "cidOFFLINEgroup0001=="}
    assert settings_from_dict(config, apply_env=False).dingtalk_group_id == "cidOFFLINEgroup0001=="
    config["contract"]["dingtalk_group"] = "cidOFFLINEown000002=="
    assert settings_from_dict(config, apply_env=False).dingtalk_group_id == "cidOFFLINEown000002=="


def test_two_contracts_naming_the_same_group_is_refused_naming_both_files(tmp_path: Path) -> None:
    folder = dingtalk_example(tmp_path)
    set_group(folder, "demo-city-2023.toml", "cidEXAMPLEchangzhou0001==")
    [problem] = problems_of(folder)
    assert problem.startswith(str(folder / "contracts" / "demo-city-2023.toml"))
    assert "changzhou-2022.toml" in problem and "cidEXAMPLEchangzhou0001==" in problem
    assert "contract.dingtalk_group" in problem


def test_naming_the_default_group_another_contract_takes_is_refused(tmp_path: Path) -> None:
    folder = dingtalk_example(tmp_path)
    set_group(folder, "changzhou-2022.toml", None)  # takes the default group
    set_group(folder, "demo-city-2023.toml", "cidEXAMPLEdefault000000==")
    [problem] = problems_of(folder)
    assert "demo-city-2023.toml" in problem and "cidEXAMPLEdefault000000==" in problem


def test_a_group_without_dingtalk_is_refused_with_what_to_add(tmp_path: Path) -> None:
    folder = tmp_path / "deployment"
    shutil.copytree(EXAMPLE_DEPLOYMENT, folder)
    set_group(folder, "demo-city-2023.toml", "cidEXAMPLEdemocity0002==")
    [problem] = problems_of(folder)
    assert "demo-city-2023.toml" in problem and "contract.dingtalk_group" in problem and "[dingtalk]" in problem


def test_check_config_refuses_a_contracts_group_that_is_not_a_cid_and_notes_a_shared_default(tmp_path: Path) -> None:
    folder = dingtalk_example(tmp_path)
    set_group(folder, "demo-city-2023.toml", "group-2")
    bad = check_config(folder)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "contract demo-2023: contract.dingtalk_group: 'group-2' is not an openConversationId" in bad.stderr

    set_group(folder, "demo-city-2023.toml", None)
    set_group(folder, "changzhou-2022.toml", None)
    shared = check_config(folder)
    assert shared.returncode == 0, shared.stderr
    assert "note: contracts cz-2022, demo-2023 share the DingTalk group 'cidEXAMPLEdefault000000=='" in shared.stdout
    assert "dingtalk_group" in shared.stdout

    set_group(folder, "demo-city-2023.toml", "cidEXAMPLEdemocity0002==")
    own = check_config(folder)
    assert own.returncode == 0, own.stderr
    assert "share the DingTalk group" not in own.stdout
