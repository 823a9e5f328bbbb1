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
