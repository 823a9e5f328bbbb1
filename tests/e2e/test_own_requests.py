"""Nobody approves their own request, anywhere: here the engineer 周小舟 is also a supervisor (a made-up
roster where one person holds both roles), and asks for a swap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.catalog import t
from tests.conftest import ENGINEER, LEAD, SUPERVISOR, Harness, base_config


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
    [own] = [m for m in bot.to(ENGINEER) if "换班申请" in m.text]  # asked as a supervisor
    assert await bot.chat.press(ENGINEER, own, "批准") == []
    alert = bot.chat.answers()[-1].params
    assert alert["show_alert"] and alert["text"] == t("access.own_request", "zh_CN")
    assert "2022-10-15 休息日：周小舟" in await _oncall(bot)  # the day did not move
    [to_supervisor] = [m for m in bot.to(SUPERVISOR) if "换班申请" in m.text]
    await bot.chat.press(SUPERVISOR, to_supervisor, "批准")
    assert "2022-10-15 休息日：林海" in await _oncall(bot)
