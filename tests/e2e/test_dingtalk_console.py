"""`python run_bot.py --console --platform dingtalk` from a fresh clone: the example config, the offline fake
DingTalk over loopback, the official Stream SDK, no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_console_plays_dingtalk_check_in_ticket_card_press_and_a_stranger(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DINGTALK_OPENAPI_ENDPOINT"}
    env["MAINTBOT_DB"] = str(tmp_path / "console.db")
    script = (":as 周小舟\n签到\n:as 赵联络\n/ticket 打印机坏了\n:as 周小舟\n:press 我来受理\n:loc 31.8 119.9\n"
              ":as 555\n/start\n:quit\n")
    result = subprocess.run([sys.executable, "run_bot.py", "--config", "config/maintbot.example.toml", "--console",
                             "--platform", "dingtalk", "--at", "2022-10-10 09:00"], input=script, env=env,
                            capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2])
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "(dingtalk)" in out and "签到成功：2022-10-10 09:00" in out and "发送位置" not in out
    assert "已登记工单 #1" in out and "] 我来受理" in out
    assert "(card update)" in out and "(toast) 已受理 #1" in out
    assert "receive no location" in out
    assert "不在本项目的人员名单中" in out
    assert "ahead of its receipt" not in result.stderr
