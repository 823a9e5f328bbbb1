"""Waiting time that does not count (issue 20, item 2), through the real Application and the fake Bot API:
the vendor puts a ticket on hold (待甲方确认 / 等待第三方 / 待备件), its clock and overdue reminders pause, the
requester is told and ends the wait with a button, the due time moves by exactly the paused working time, every
pause and resume is audited, and /score why shows the paused time."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.catalog import t
from storage.tickets import TicketRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, Harness, base_config


@pytest.fixture
def config_dict(tmp_path: Path) -> dict[str, Any]:
    config = base_config(tmp_path / "maintbot-test.db")
    config["tickets"] = {"default_due": "1d"}
    return config


async def _ticket(bot: Harness, ticket_id: int) -> Any:
    async with bot.services.db.uow() as uow:
        return await uow.repo(TicketRepository).get(ticket_id)


async def _audit_actions(bot: Harness) -> list[str]:
    async with bot.services.db.uow() as uow:
        rows = await uow.audit.fetchall("SELECT action FROM audit WHERE entity = 'ticket' ORDER BY id")
    return [r[0] for r in rows]


async def _send(bot: Harness, user: int, text: str) -> list[Any]:
    """What the sender sees in their own chat."""
    return [m for m in await bot.chat.send(user, text) if m.chat_id == user]


async def _raise_and_take(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 三楼打印机无法连接")   # Monday 09:00, due Tuesday 09:00
    await bot.chat.send(ENGINEER, "/take 1")


async def test_waiting_pauses_the_clock_and_the_due_time_moves_by_the_paused_working_time(bot: Harness) -> None:
    await _raise_and_take(bot)
    [answer] = await _send(bot, ENGINEER, "/wait 1 待备件 硬盘已下单")
    assert "暂停计时" in answer.text and "待备件" in answer.text
    [told] = [m for m in bot.to(CLIENT_CONTACT) if "工单 #1" in m.text and "⏸" in m.text]
    assert "待备件" in told.text and "硬盘已下单" in told.text

    # Tuesday 10:00: past the old due time, but the clock is paused: no overdue reminder to anyone.
    bot.clock.set(datetime(2022, 10, 11, 10, 0, tzinfo=SHANGHAI))
    before = len(bot.api.sent)
    await bot.run_timers()
    assert not [m for m in bot.api.sent[before:] if "超期" in m.text]

    # The requester ends the wait with the button: Monday 09:00–17:30 and Tuesday 09:00–10:00 were paused
    # (9 h 30 min of working time; the night does not count), so the due time moves from Tuesday 09:00 by
    # 9 h 30 min of working time: to Wednesday 10:00.
    await bot.chat.press(CLIENT_CONTACT, told, t("tk.btn.resume", "zh_CN"))
    ticket = await _ticket(bot, 1)
    assert ticket.waiting_since is None
    assert ticket.due_at == datetime(2022, 10, 12, 10, 0, tzinfo=SHANGHAI)
    assert ticket.paused_seconds == int(timedelta(hours=9, minutes=30).total_seconds())
    [resumed] = [m for m in bot.to(ENGINEER) if "结束了工单 #1 的等待" in m.text]
    assert "9小时30分钟" in resumed.text and "2022-10-12 10:00" in resumed.text
    assert await _audit_actions(bot) == ["tickets.open", "tickets.take", "tickets.wait", "tickets.resume"]

    # Resolved Wednesday 09:30: on time against the moved due time; /ticket 1 and /score why show the pause.
    bot.clock.set(datetime(2022, 10, 12, 9, 30, tzinfo=SHANGHAI))
    [done] = await _send(bot, ENGINEER, "/resolve 1 更换硬盘后恢复")
    assert t("tk.resolved.on_time", "zh_CN") in done.text
    [shown] = await _send(bot, ENGINEER, "/ticket 1")
    assert "累计暂停工作时间：9小时30分钟" in shown.text and "暂停计时（等待）" in shown.text
    [why] = await _send(bot, CLIENT_CONTACT, "/score why 2022-10")
    assert "1 张工单暂停计时共 9小时30分钟" in why.text


async def test_a_waiting_ticket_is_not_missed_while_it_waits(bot: Harness) -> None:
    await _raise_and_take(bot)
    await bot.chat.send(ENGINEER, "/wait 1 待甲方确认 需确认打印机型号")
    bot.clock.set(datetime(2022, 10, 14, 16, 0, tzinfo=SHANGHAI))  # days past the old due time
    [why] = await _send(bot, CLIENT_CONTACT, "/score why 2022-10")
    assert "#1" not in why.text  # not counted as still open past due: its clock is paused
    assert "当前仍在等待 1 张" in why.text
    [overdue] = await _send(bot, ENGINEER, "/tickets overdue")
    assert "#1" not in overdue.text
    [listed] = await _send(bot, ENGINEER, "/tickets")
    assert "#1" in listed.text and "⏸等待中" in listed.text and "超期" not in listed.text


async def test_only_the_vendor_sets_waiting_and_the_client_side_or_the_vendor_ends_it(bot: Harness) -> None:
    await _raise_and_take(bot)
    [refused] = await _send(bot, CLIENT_CONTACT, "/wait 1 待甲方确认")
    assert refused.text == t("access.denied", "zh_CN", command="wait")
    [usage] = await _send(bot, ENGINEER, "/wait 1 明天再说")
    assert usage.text == t("tk.usage.wait", "zh_CN")
    [ask] = await _send(bot, ENGINEER, "/wait 1")           # no reason: choose it with a button
    await bot.chat.press(ENGINEER, ask, t("tk.wait.reason.third_party", "zh_CN"))
    assert (await _ticket(bot, 1)).waiting_reason == "third_party"
    [again] = await _send(bot, LEAD, "/wait 1 待备件")
    assert "已在等待" in again.text
    bot.clock.advance(timedelta(hours=2))
    [answer] = await _send(bot, LEAD, "/resume 1")           # the vendor, when the third party delivered
    assert "恢复计时" in answer.text and "2小时" in answer.text
    assert (await _ticket(bot, 1)).due_at == datetime(2022, 10, 11, 11, 0, tzinfo=SHANGHAI)
    [not_waiting] = await _send(bot, CLIENT_CONTACT, "/resume 1")
    assert not_waiting.text == t("tk.wait.not_waiting", "zh_CN", id=1)
    assert (await _audit_actions(bot)).count("tickets.wait") == 1


async def test_an_overdue_ticket_cannot_start_waiting(bot: Harness) -> None:
    await _raise_and_take(bot)
    bot.clock.set(datetime(2022, 10, 11, 9, 30, tzinfo=SHANGHAI))
    [answer] = await _send(bot, ENGINEER, "/wait 1 待备件")
    assert answer.text == t("tk.wait.overdue", "zh_CN", id=1, due="2022-10-11 09:00")
    assert (await _ticket(bot, 1)).waiting_since is None


async def test_in_english_the_reason_words_and_the_replies_are_english(bot: Harness) -> None:
    await _raise_and_take(bot)
    await bot.chat.send(LEAD, "/lang en")
    [answer] = await _send(bot, LEAD, "/wait 1 third party vendor patch pending")
    assert "waiting for a third party" in answer.text and "clock paused" in answer.text
    assert (await _ticket(bot, 1)).waiting_note == "vendor patch pending"
    bot.clock.advance(timedelta(minutes=90))
    [resumed] = await _send(bot, LEAD, "/resume 1")
    assert "Paused working time 1 h 30 min" in resumed.text and "2022-10-11 10:30" in resumed.text
