"""`python run_bot.py --console` serves the web page too: it prints the local address and a signed link for the
console's person, and that link opens the page on the console's data while the console runs (the real process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_the_console_prints_a_link_that_opens_the_page_on_its_data(tmp_path: Path) -> None:
    env = {**os.environ, "MAINTBOT_DB": str(tmp_path / "console.db")}
    env.pop("MAINTBOT_TOKEN", None)
    env.pop("MAINTBOT_WEB_SECRET", None)
    process = subprocess.Popen([sys.executable, "run_bot.py", "--config", "config/maintbot.example.toml", "--console",
                                "--at", "2022-10-10 09:00"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=env)
    assert process.stdin is not None and process.stdout is not None
    try:
        seen = []
        link = None
        for line in process.stdout:
            seen.append(line)
            match = re.search(r"http://127\.0\.0\.1:\d+/login\?t=\S+", line)
            if match:
                link = match.group(0)
                break
        assert link, "".join(seen)
        assert any(re.match(r"web page: http://127\.0\.0\.1:\d+$", line.strip()) for line in seen)
        page = httpx.get(link, follow_redirects=True, timeout=30)
        assert page.status_code == 200
        assert "考核得分" in page.text and "合同至今（2022-02-01 至 2022-10-10）" in page.text
        assert "林海" in page.text  # the console's person (the example roster's first)
    finally:
        process.communicate(":quit\n", timeout=60)
    assert process.returncode == 0
