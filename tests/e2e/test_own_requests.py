"""Nobody approves their own request, anywhere: here the engineer 周小舟 is also a supervisor (a made-up
roster where one person holds both roles), and asks for a swap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.catalog import t
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SUPERVISOR, Harness, base_config


@pytest.fixture
def config_dict(tmp_path: Path) -> dict[str, Any]:
    raw = base_config(tmp_path / "maintbot-test.db")
    [engineer] = [p for p in raw["roster"] if p["telegram_id"] == ENGINEER]
    engineer["roles"] = ["engineer", "supervisor"]
    return raw


async def _oncall(bot: Harness) -> str:
    [view] = await bot.chat.send(LEAD, "/oncall")
    return view.text


async def test_an_engineer_who_is_also_a_supervisor_cannot_approve_their_own_swap(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/oncall set 10月15日 周小舟")
    await bot.chat.send(ENGINEER, "/swap 10月15日 林海")
    [request] = [m for m in bot.to(LEAD) if "请您替其值" in m.text]
    await bot.chat.press(LEAD, request, "同意")
    assert not [m for m in bot.to(ENGINEER) if "换班申请" in m.text]  # a supervisor, but not asked about their own
    [to_supervisor] = [m for m in bot.to(SUPERVISOR) if "换班申请" in m.text]
    assert await bot.chat.press_data(ENGINEER, to_supervisor, to_supervisor.data_for("批准")) == []  # pressed anyway
    alert = bot.chat.answers()[-1].params
    assert alert["show_alert"] and alert["text"] == t("access.own_request", "zh_CN")
    assert "2022-10-15 休息日：周小舟" in await _oncall(bot)  # the day did not move
    await bot.chat.press(SUPERVISOR, to_supervisor, "批准")
    assert "2022-10-15 休息日：林海" in await _oncall(bot)


async def test_a_supervisor_who_reported_an_incident_cannot_approve_its_handling_plan(bot: Harness) -> None:
    for text in ("/incident 发现数据库有异常登录", "/incident 1 发现 巡检时在日志中发现", "/incident 1 原因 弱口令",
                 "/incident 1 影响 未发现数据外泄", "/incident 1 处置 立即修改口令并封禁来源IP"):
        await bot.chat.send(SUPERVISOR, text)
    assert not [m for m in bot.to(SUPERVISOR) if "处置方案待您批准" in m.text]  # the reporter is not asked
    [plan] = [m for m in bot.to(CLIENT_CONTACT) if "处置方案待您批准" in m.text]
    await bot.chat.press_data(SUPERVISOR, plan, plan.data_for("✅ 批准方案"))  # the same button, pressed anyway
    alert = bot.chat.answers()[-1].params
    assert alert["show_alert"] and alert["text"] == t("access.own_request", "zh_CN")
    assert not [m for m in bot.to(SUPERVISOR) if "已批准安全事件 #1 的处置方案" in m.text]
    await bot.chat.press(CLIENT_CONTACT, plan, "✅ 批准方案")
    assert [m for m in bot.to(SUPERVISOR) if "已批准安全事件 #1 的处置方案" in m.text]
