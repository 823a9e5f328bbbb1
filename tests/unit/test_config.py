"""Configuration: the example file is valid, durations read as people write them, problems are one line each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from config.settings import (
    EXAMPLE_CONFIG_PATH,
    ConfigError,
    load_settings,
    parse_duration,
    settings_from_dict,
)
from tests.conftest import base_config


def test_example_config_is_valid_and_matches_the_contract() -> None:
    settings = load_settings(EXAMPLE_CONFIG_PATH, apply_env=False)
    assert settings.contract.amount == 436000
    assert settings.sla.arrival_deadline == timedelta(hours=1)
    assert sum(settings.assessment.weights.values()) == 100
    assert settings.contract.timezone == "Asia/Shanghai"
    assert {"engineer", "lead", "supervisor", "contact", "escalation", "admin"} <= {
        role.value for person in settings.roster for role in person.roles}


@pytest.mark.parametrize(("text", "expected"), [
    ("1h", timedelta(hours=1)), ("15m", timedelta(minutes=15)), ("90s", timedelta(seconds=90)),
    ("1h30m", timedelta(minutes=90)), ("2d", timedelta(days=2)),
])
def test_compact_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_iso_durations_are_accepted(tmp_path: Path) -> None:
    raw = base_config(tmp_path / "x.db")
    raw["sla"] = {"arrival_deadline": "PT45M"}
    assert settings_from_dict(raw, apply_env=False).sla.arrival_deadline == timedelta(minutes=45)


def test_each_problem_is_one_line_with_its_field_path(tmp_path: Path) -> None:
    raw = base_config(tmp_path / "x.db")
    raw["roster"][1]["telegram_id"] = "not-a-number"
    raw["sla"] = {"arrival_deadline": "soon"}
    raw["contract"]["amount"] = -5
    with pytest.raises(ConfigError) as caught:
        settings_from_dict(raw, apply_env=False)
    problems = caught.value.problems
    assert any(p.startswith("roster.1.telegram_id:") for p in problems)
    assert any(p.startswith("sla.arrival_deadline:") for p in problems)
    assert any(p.startswith("contract.amount:") for p in problems)
    assert all("\n" not in p for p in problems)


def test_duplicate_telegram_ids_are_refused(tmp_path: Path) -> None:
    raw = base_config(tmp_path / "x.db")
    raw["roster"][1]["telegram_id"] = raw["roster"][0]["telegram_id"]
    with pytest.raises(ConfigError, match="telegram_id used twice"):
        settings_from_dict(raw, apply_env=False)


def test_a_contact_must_say_which_party(tmp_path: Path) -> None:
    raw = base_config(tmp_path / "x.db")
    raw["roster"][4].pop("party")
    with pytest.raises(ConfigError) as caught:
        settings_from_dict(raw, apply_env=False)
    assert caught.value.problems == ['roster.4: a contact must say which party: party = "client" or "vendor"']


def test_environment_overrides_token_base_url_and_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAINTBOT_TOKEN", "42:SECRET")
    monkeypatch.setenv("MAINTBOT_API_BASE_URL", "http://localhost:8081/bot")
    monkeypatch.setenv("MAINTBOT_DB", str(tmp_path / "env.db"))
    settings = settings_from_dict(base_config(tmp_path / "file.db"))
    assert settings.telegram.token is not None and settings.telegram.token.get_secret_value() == "42:SECRET"
    assert settings.telegram.api_base_url == "http://localhost:8081/bot"
    assert settings.storage.db == tmp_path / "env.db"


def test_check_config_prints_problems_and_exits_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[contract]\nid = "x"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "run_bot.py", "--config", str(bad), "check-config"],
                            capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=60)
    assert result.returncode == 1
    assert "contract.title: Field required" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_config_accepts_the_example() -> None:
    result = subprocess.run([sys.executable, "run_bot.py", "--config", str(EXAMPLE_CONFIG_PATH), "check-config"],
                            capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")


def _dingtalk_config(tmp_path: Path, **ding: Any) -> Path:
    """The example with a [dingtalk] section and DingTalk ids (made up)."""
    text = EXAMPLE_CONFIG_PATH.read_text(encoding="utf-8")
    text = text.replace("telegram_id = 100001", "telegram_id = 100001\ndingtalk_id = \"0100001\"")
    section = "\n".join(f"{k} = {json.dumps(v)}" for k, v in {"client_id": "dingoffline0001",
                                                                "robot_code": "dingoffline0001", **ding}.items())
    path = tmp_path / "ding.toml"
    path.write_text(text + "\n[dingtalk]\n" + section + "\n", encoding="utf-8")
    return path


def _check(path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")} | env
    return subprocess.run([sys.executable, "run_bot.py", "--config", str(path), "check-config"], env=environment,
                          capture_output=True, text=True, cwd=Path(__file__).parents[2], timeout=60)


def test_check_config_validates_the_dingtalk_section(tmp_path: Path) -> None:
    path = _dingtalk_config(tmp_path, group_conversation_id="group-1", platforms=["dingtalk"])
    result = _check(path)
    assert result.returncode == 1
    assert "MAINTBOT_DINGTALK_CLIENT_SECRET" in result.stderr and "start with \"cid\"" in result.stderr
    good = _dingtalk_config(tmp_path, group_conversation_id="cidOFFLINEgroup0001==", platforms=["dingtalk"])
    result = _check(good, MAINTBOT_DINGTALK_CLIENT_SECRET="offline-secret-not-real")
    assert result.returncode == 0, result.stderr
    assert "platforms dingtalk" in result.stdout and "not reachable on DingTalk" in result.stdout


def test_dingtalk_ids_are_text_unique_and_someone_must_have_one(tmp_path: Path) -> None:
    raw = tomllib.loads(_dingtalk_config(tmp_path).read_text(encoding="utf-8"))
    settings = settings_from_dict(raw, apply_env=False)
    assert settings.roster[0].dingtalk_id == "0100001" and settings.platforms == ("telegram", "dingtalk")
    raw["roster"][1]["dingtalk_id"] = "0100001"
    with pytest.raises(ConfigError, match="dingtalk_id used twice"):
        settings_from_dict(raw, apply_env=False)
    for person in raw["roster"]:
        person.pop("dingtalk_id", None)
    with pytest.raises(ConfigError, match="no one on the roster has a dingtalk_id"):
        settings_from_dict(raw, apply_env=False)
