"""Issue 13: the console on a first run and after a pause (a real process, as a person would run it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]

pytestmark = pytest.mark.slow


def run_console(script: str, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MAINTBOT_DB": str(db)}
    env.pop("MAINTBOT_TOKEN", None)
    return subprocess.run([sys.executable, "run_bot.py", "--config", "config/maintbot.example.toml", "--console",
                           *extra], input=script, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_a_restart_after_a_week_prints_no_raw_warning_into_the_console(tmp_path: Path) -> None:
    db = tmp_path / "console.db"
    first = run_console(":quit\n", db, "--at", "2022-10-10 09:00")
    assert first.returncode == 0, first.stderr
    again = run_console(":quit\n", db, "--at", "2022-10-17 09:00")
    assert again.returncode == 0, again.stderr
    assert "约 7 天 0 小时" in again.stdout  # the admins' notice, in words
    assert "WARNING" not in again.stderr and "+00:00" not in again.stderr


def test_the_console_after_the_contract_ended_says_so_and_starts_inside_the_period(tmp_path: Path) -> None:
    # the example contract ran 2022-02-01 to 2023-01-31; the real today is long after it
    result = run_console(":time\n签到\n:quit\n", tmp_path / "console.db")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "已在合同服务期（2022-02-01 至 2023-01-31）之后" in out
    assert "模拟时钟从 2023-01-31 09:00 开始" in out
    assert "2023-01-31 09:00:00" in out  # :time
    assert "✅ 签到成功：2023-01-31 09:00" in out and "节假日值班" not in out
    assert "无人值班" not in out  # no on-call gaps dated after the contract


def test_a_check_in_after_the_contract_is_refused_not_counted_as_holiday_duty(tmp_path: Path) -> None:
    result = run_console("签到\n/checkout\n:quit\n", tmp_path / "console.db", "--at", "2026-11-29 20:00")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "已在合同服务期（2022-02-01 至 2023-01-31）之后" in out  # said at start-up
    assert "今天（2026-11-29）不在合同服务期（2022-02-01 至 2023-01-31）内" in out
    assert "签到成功" not in out and "节假日值班签退" not in out
    assert "无人值班" not in out


def test_the_real_run_says_at_start_up_that_today_is_outside_the_contract(tmp_path: Path) -> None:
    env = {**os.environ, "MAINTBOT_DB": str(tmp_path / "real.db")}
    env.pop("MAINTBOT_TOKEN", None)
    result = subprocess.run([sys.executable, "run_bot.py", "--config", "config/maintbot.example.toml"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert "已在合同服务期（2022-02-01 至 2023-01-31）之后" in result.stderr
    assert "Traceback" not in result.stderr
