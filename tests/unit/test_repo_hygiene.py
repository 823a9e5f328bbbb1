"""What the bot writes next to its database stays out of git (issue 13)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_generated_reports_are_ignored_by_git() -> None:
    # reports/ is where /report and the monthly report write (next to the default maintbot.db)
    result = subprocess.run(["git", "check-ignore", "-q", "reports/2022-09.xlsx"], cwd=ROOT)
    assert result.returncode == 0
