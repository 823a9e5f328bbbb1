"""Console mode: the README's first command works with no token and no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def run_console(script: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MAINTBOT_DB": str(tmp_path / "console.db")}
    env.pop("MAINTBOT_TOKEN", None)
    return subprocess.run([sys.executable, "run_bot.py", "--config", "config/maintbot.example.toml", "--console",
                           *extra], input=script, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_console_shows_an_engineers_start_and_refuses_a_stranger(tmp_path: Path) -> None:
    result = run_console(":as 周小舟\n/start\n:as 555\n/start\n:quit\n", tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bot → 周小舟 (private)" in out
    assert "您好，周小舟（驻场工程师）" in out
    assert "bot → 555 (private)" in out and "不在本项目" in out
    assert "Traceback" not in out + result.stderr


def test_console_buttons_and_group_commands(tmp_path: Path) -> None:
    result = run_console(":as 陈主管\n:group\n/bindgroup\n:press 99\n:quit\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "bot → 项目群 group" in result.stdout and "项目群" in result.stdout
    assert "usage: :press N" in result.stdout


def test_console_fake_clock_can_be_moved(tmp_path: Path) -> None:
    result = run_console(":time\n:advance 2h\n:as 吴管理\n/health\n:quit\n", tmp_path, "--at", "2022-10-10 09:00")
    assert result.returncode == 0, result.stderr
    assert "2022-10-10 09:00:00" in result.stdout
    assert "clock: 2022-10-10 11:00" in result.stdout
    # the timers follow the moved clock: the next attendance reminder is the evening check-out one
    assert "attendance.reminders：2022-10-10 18:30" in result.stdout


def test_console_shows_button_toasts_and_refusal_alerts(tmp_path: Path) -> None:
    script = ":as 周小舟\n/leave 明天 看病\n:as 周小舟\n:press 1\n:as 陈主管\n:press 1\n:quit\n"
    result = run_console(script, tmp_path, "--at", "2022-10-10 09:05")
    assert result.returncode == 0, result.stderr
    assert "(alert) 您无权进行此操作。" in result.stdout  # the engineer cannot approve their own leave
    assert "(toast)" in result.stdout  # the supervisor's approval is confirmed on the button
