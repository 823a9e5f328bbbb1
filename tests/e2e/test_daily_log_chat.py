"""/daily through the real Application: recording, showing today's, the reminder, refusals."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ENGINEER, LEAD, SUPERVISOR, Harness


async def test_engineer_records_and_anyone_sees_today(bot: Harness) -> None:
    [empty] = await bot.chat.send(SUPERVISOR, "/daily")
    assert "还没有日常巡检记录" in empty.text and "/daily 已巡检" in empty.text
    [recorded] = await bot.chat.send(ENGINEER, "/daily 巡检社保卡系统、统一经办门户，运行正常")
    assert "已记录 2022-10-10 的日常巡检" in recorded.text
    [second] = await bot.chat.send(LEAD, "/daily 检查数据库备份")
    assert "第 2 条" in second.text
    [today] = await bot.chat.send(SUPERVISOR, "/daily")
    assert "09:00 周小舟：巡检社保卡系统" in today.text and "林海：检查数据库备份" in today.text


async def test_supervisor_cannot_record(bot: Harness) -> None:
    [refused] = await bot.chat.send(SUPERVISOR, "/daily 我来记一条")
    assert "只有驻场工程师" in refused.text


async def test_engineers_reminded_in_the_afternoon_without_a_log(bot: Harness) -> None:
    bot.clock.advance(timedelta(hours=7, minutes=31))  # 16:31
    await bot.run_timers()
    await bot.run_timers()
    assert len([m for m in bot.to(ENGINEER) if "还没有日常巡检记录" in m.text]) == 1
    assert len([m for m in bot.to(LEAD) if "还没有日常巡检记录" in m.text]) == 1
    assert not [m for m in bot.to(SUPERVISOR) if "巡检" in m.text]
