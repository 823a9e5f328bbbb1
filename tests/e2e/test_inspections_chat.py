"""Issue 20, item 4: recurring inspections (巡检计划) through the chat: defined in config and by the lead, opened
on their working day, reminded until done, a missed one counted as a missed daily-maintenance item, a ticket
resolved completing its inspection, paused ones opening nothing. Default fake time: Mon 2022-10-10 09:00."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ENGINEER, LEAD, SUPERVISOR, Harness, base_config


@pytest.fixture
def config_dict(tmp_path: Path) -> dict[str, Any]:
    raw = base_config(tmp_path / "maintbot-test.db")
    raw["inspections"] = [
        # The 15th is a Saturday in October 2022: the run moves to Monday the 17th.
        {"name": "每月备份恢复验证", "every": "monthly", "day": 15, "at": "09:30"},
        {"name": "每季度安全补丁检查", "every": "quarterly", "day": 10, "at": "11:00", "creates": "ticket"},
    ]
    return raw


def _texts(bot: Harness, chat_id: int, needle: str) -> list[str]:
    return [m.text for m in bot.to(chat_id) if needle in m.text]


async def test_lead_adds_pauses_and_an_engineer_completes(bot: Harness) -> None:
    [listing] = await bot.chat.send(LEAD, "/inspections")
    assert "#1 每月备份恢复验证 — 每月15日 09:30，检查单 — 尚未到期" in listing.text
    assert "#2 每季度安全补丁检查 — 每季度首月10日 11:00，生成工单" in listing.text
    [refused] = await bot.chat.send(ENGINEER, "/inspections add 每周1 10:00 机房巡检")
    assert "只有项目负责人" in refused.text
    [bad] = await bot.chat.send(LEAD, "/inspections add 每两周 10:00 机房巡检")
    assert "没看懂" in bad.text and "/inspections add 每月1日 09:30 备份恢复验证" in bad.text
    [added] = await bot.chat.send(LEAD, "/inspections add 每周1 10:00 机房巡检")
    assert "已新增巡检计划 #3「机房巡检」：每周1 10:00" in added.text
    [taken] = await bot.chat.send(LEAD, "/inspections add 每天 10:00 机房巡检")
    assert "已有名为「机房巡检」" in taken.text

    bot.clock.advance(timedelta(minutes=59))
    await bot.run_timers()
    assert not _texts(bot, ENGINEER, "机房巡检")
    bot.clock.advance(timedelta(minutes=1))  # Monday 10:00
    await bot.run_timers()
    await bot.run_timers()  # idempotent
    assert _texts(bot, ENGINEER, "今日巡检 #3：机房巡检（2022-10-10）") == \
        ["🧰 今日巡检 #3：机房巡检（2022-10-10）。完成后发送 /inspections done 3"]
    assert _texts(bot, LEAD, "今日巡检 #3")  # the lead is an engineer of the project too

    [card] = [m for m in bot.to(ENGINEER) if "今日巡检 #3" in m.text]
    assert card.button_labels() == ["已完成"]
    await bot.chat.press(SUPERVISOR, card, "已完成")  # not the supervisor's to tick off
    assert bot.chat.answers()[-1].params.get("text") == "您无权进行此操作。"
    answers = await bot.chat.press(ENGINEER, card, "已完成")
    assert any("巡检 #3「机房巡检」（2022-10-10）已登记完成" in a.text for a in answers)
    [again] = await bot.chat.send(ENGINEER, "/inspections done 3")
    assert "目前没有待完成的任务" in again.text
    bot.clock.advance(timedelta(hours=7))  # 17:00: nothing to remind of
    await bot.run_timers()
    assert not _texts(bot, ENGINEER, "机房巡检」（2022-10-10）尚未完成")

    [paused] = await bot.chat.send(LEAD, "/inspections pause 3")
    assert "已暂停" in paused.text
    [not_lead] = await bot.chat.send(ENGINEER, "/inspections resume 3")
    assert "只有项目负责人" in not_lead.text
    bot.clock.advance(timedelta(days=7))  # the next Monday: paused, so no run
    await bot.run_timers()
    assert not _texts(bot, ENGINEER, "（2022-10-17）。完成后发送 /inspections done 3")
    [listing] = await bot.chat.send(LEAD, "/inspections")
    assert "#3 机房巡检 — 每周1 10:00，检查单 — 已暂停" in listing.text
    [missing] = await bot.chat.send(LEAD, "/inspections done 9")
    assert "没有编号为 9 的巡检计划" in missing.text
    [refused] = await bot.chat.send(SUPERVISOR, "/inspections")
    assert "无权" in refused.text


async def test_a_missed_inspection_is_reminded_and_counts_in_daily_maintenance(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/inspections")  # config read
    bot.clock.advance(timedelta(days=7, minutes=30))  # Monday 2022-10-17 09:30 (the 15th was a Saturday)
    await bot.run_timers()
    assert _texts(bot, ENGINEER, "今日巡检 #1：每月备份恢复验证（2022-10-17）")
    bot.clock.advance(timedelta(hours=7))  # 16:30: not done yet
    await bot.run_timers()
    assert _texts(bot, ENGINEER, "巡检 #1「每月备份恢复验证」（2022-10-17）尚未完成")
    bot.clock.advance(timedelta(hours=8))  # past midnight: missed
    await bot.run_timers()
    assert _texts(bot, LEAD, "巡检 #1「每月备份恢复验证」未在 2022-10-17 当日完成，计为一项未完成的日常维护")
    bot.clock.advance(timedelta(hours=16))  # Tuesday 16:30: still reminded until done
    await bot.run_timers()
    assert len(_texts(bot, ENGINEER, "每月备份恢复验证」（2022-10-17）尚未完成")) == 2
    [late] = await bot.chat.send(ENGINEER, "/inspections done 1 恢复演练已补做")
    assert "仍计为一项未按期完成的日常维护" in late.text
    [why] = await bot.chat.send(LEAD, "/score why 日常维护 2022-10")
    assert "巡检未按期完成：每月备份恢复验证（2022-10-17）" in why.text
    [listing] = await bot.chat.send(LEAD, "/inspections")
    assert "#1 每月备份恢复验证" in listing.text and "2022-10-17 已完成" in listing.text


async def test_a_ticket_inspection_is_done_when_its_ticket_is_resolved(bot: Harness) -> None:
    bot.clock.advance(timedelta(hours=2))  # Monday 2022-10-10 11:00: the quarter's first month, the 10th
    await bot.run_timers()
    [opened] = _texts(bot, ENGINEER, "今日巡检 #2：每季度安全补丁检查")
    assert "已生成工单 #1" in opened
    await bot.chat.send(ENGINEER, "/take 1")
    await bot.chat.send(ENGINEER, "/resolve 1 补丁已核对")
    await bot.run_timers()
    [listing] = await bot.chat.send(LEAD, "/inspections")
    assert "#2 每季度安全补丁检查" in listing.text and "2022-10-10 已完成" in listing.text
    bot.clock.advance(timedelta(days=1))
    await bot.run_timers()
    assert not _texts(bot, LEAD, "未在 2022-10-10 当日完成")


async def test_inspections_speak_english_to_an_english_reader(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/lang en")
    [added] = await bot.chat.send(LEAD, "/inspections add weekly5 16:00 Server room round ticket")
    assert "Added inspection #3 \"Server room round\": weekly on day 5 16:00" in added.text
    [listing] = await bot.chat.send(LEAD, "/inspections")
    assert "Recurring inspections" in listing.text
    assert "#3 Server room round — weekly on day 5 16:00, opens a ticket — not yet due" in listing.text
    [usage] = await bot.chat.send(LEAD, "/inspections foo")
    assert "/inspections add monthly1 09:30" in usage.text
