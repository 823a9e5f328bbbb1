"""Delivery under faults, in process: failed replies, a backward clock jump, Telegram's flood limits.

The real Application runs on the offline fake Bot API (bot/offline/fake_telegram.py); where flood limits matter the
fake enforces them like Telegram (429 with retry_after) and the bot's rate limiter must keep within them.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.offline.fake_telegram import FakeBotAPI, FloodLimits
from bot.services.clock import FakeClock
from config.settings import Settings
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR, Harness, started_bot

NOT_SAVED = "可能未保存"


def texts(bot: Harness, chat_id: int) -> list[str]:
    return [m.text for m in bot.to(chat_id)]


# --- direct replies -------------------------------------------------------------------------------------------


async def test_a_500_on_the_reply_still_confirms_the_ticket_and_never_says_it_may_not_be_saved(bot: Harness) -> None:
    bot.api.fail_next("sendMessage", status=500, chat_id=CLIENT_CONTACT)
    await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统打印异常，请尽快处理")
    said = texts(bot, CLIENT_CONTACT)
    assert sum("✅ 已登记" in text for text in said) == 1, said
    assert not any(NOT_SAVED in text for text in said), said


async def test_a_slow_reply_is_retried_and_the_raiser_never_hears_it_may_not_be_saved(bot: Harness) -> None:
    bot.api.fail_next("sendMessage", "timeout", chat_id=CLIENT_CONTACT)  # PTB's read timeout: TimedOut
    await bot.chat.send(CLIENT_CONTACT, "/ticket 公服网办大厅登录缓慢")
    said = texts(bot, CLIENT_CONTACT)
    assert any("✅ 已登记" in text for text in said), said
    assert not any(NOT_SAVED in text for text in said), said


async def test_a_reply_that_keeps_failing_is_finished_by_the_outbox(bot: Harness) -> None:
    bot.api.fail_next("sendMessage", status=502, chat_id=CLIENT_CONTACT, times=3)  # every quick retry fails
    await bot.chat.send(CLIENT_CONTACT, "/ticket 养老保险系统数据缺失")
    said = texts(bot, CLIENT_CONTACT)
    assert sum("✅ 已登记" in text for text in said) == 1, said
    assert not any(NOT_SAVED in text for text in said), said
    async with bot.services.db.uow(read_only=True) as uow:
        assert (await uow.outbox.counts()).get("pending", 0) == 0


async def test_may_not_be_saved_is_still_said_when_nothing_was_saved(bot: Harness,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services import tickets

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug before anything was stored")

    monkeypatch.setattr(tickets, "create_ticket", broken)
    await bot.chat.send(CLIENT_CONTACT, "/ticket 权限系统无法登录")
    assert any(NOT_SAVED in text for text in texts(bot, CLIENT_CONTACT))


async def test_a_fault_after_the_ticket_was_stored_says_it_was_saved(bot: Harness,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.handlers import tickets as handlers

    def broken(*args: object, **kwargs: object) -> str:
        raise RuntimeError("simulated bug while rendering the confirmation")

    monkeypatch.setattr(handlers, "_render", broken)
    await bot.chat.send(CLIENT_CONTACT, "/ticket 开放平台接口超时")
    said = texts(bot, CLIENT_CONTACT)
    assert not any(NOT_SAVED in text for text in said), said
    assert any("您的操作已保存" in text for text in said), said
    async with bot.services.db.uow(read_only=True) as uow:
        assert [e for e in await uow.audit.list(limit=100) if e.action.startswith("ticket")]


# --- a database that cannot be written ---------------------------------------------------------------------


async def test_a_send_that_cannot_be_marked_is_never_sent_again_and_is_marked_once_the_disk_has_room(
        bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.outbox import OutboxRepository

    services = bot.services
    mark_sent = OutboxRepository.mark_sent

    async def disk_full(self: OutboxRepository, *args: object, **kwargs: object) -> bool:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(OutboxRepository, "mark_sent", disk_full)
    async with services.db.uow() as uow:
        await services.notifier.to_chat(uow, ENGINEER, "error.db_writable_again", kind="error.db_recovered")
        await uow.commit()
    for _ in range(5):
        bot.clock.advance(timedelta(seconds=2))
        await bot.chat.flush()
        await asyncio.sleep(0.3)  # the worker's own rounds too
    assert len(bot.to(ENGINEER)) == 1
    assert not services.db.writable
    assert sum("数据库无法写入" in text for text in texts(bot, ADMIN)) == 1  # the admins are told, once

    monkeypatch.setattr(OutboxRepository, "mark_sent", mark_sent)  # space freed
    await asyncio.sleep(2.5)  # the marking's backoff
    await bot.chat.flush()
    async with services.db.uow(read_only=True) as uow:
        assert (await uow.outbox.counts()).get("pending", 0) == 0
    assert len(bot.to(ENGINEER)) == 1


# --- a backward clock jump ----------------------------------------------------------------------------------


async def test_a_backward_clock_jump_does_not_strand_a_retry_nor_block_its_chat(bot: Harness) -> None:
    services = bot.services
    bot.api.fail_next("sendMessage", status=500, chat_id=ENGINEER)
    async with services.db.uow() as uow:
        await services.notifier.to_chat(uow, ENGINEER, "error.db_writable_again", kind="error.db_recovered")
        await uow.commit()
    await bot.chat.flush()
    assert not bot.to(ENGINEER)  # the 500: the row waits for its retry, a second or two from now
    bot.clock.advance(-timedelta(hours=1))  # NTP pulls the clock back an hour
    async with services.db.uow() as uow:
        await services.notifier.to_chat(uow, ENGINEER, "error.db_writable_again", kind="error.db_recovered",
                                        lang="en")
        await uow.commit()
    bot.clock.advance(timedelta(seconds=3))
    await bot.chat.flush()
    assert texts(bot, ENGINEER) == ["✅ 数据库已恢复可写，机器人已恢复正常。",
                                    "✅ The database can be written again; the bot is back to normal."]


# --- Telegram's flood limits ----------------------------------------------------------------------------------


async def test_the_fake_answers_429_with_retry_after_beyond_a_private_chats_burst() -> None:
    api = FakeBotAPI(flood_limits=FloodLimits())
    async with Bot("123456789:OFFLINE-maintbot-token", request=api) as raw:  # no rate limiter: raw Telegram
        for n in range(3):
            await raw.send_message(ENGINEER, f"burst {n}")
        with pytest.raises(RetryAfter) as caught:
            await raw.send_message(ENGINEER, "one too many")
    assert caught.value.retry_after >= 1
    assert [m.text for m in api.sent] == ["burst 0", "burst 1", "burst 2"]


async def test_the_fake_allows_twenty_group_messages_a_minute() -> None:
    api = FakeBotAPI(flood_limits=FloodLimits())
    async with Bot("123456789:OFFLINE-maintbot-token", request=api) as raw:
        for n in range(20):
            await raw.send_message(GROUP, f"group {n}")
        with pytest.raises(RetryAfter):
            await raw.send_message(GROUP, "the 21st")
        await raw.send_message(LEAD, "a private chat is not held back by the group")


@pytest.fixture
async def limited(settings: Settings, clock: FakeClock) -> Harness:
    async with started_bot(settings, clock, FakeBotAPI(flood_limits=FloodLimits())) as harness:
        yield harness


@pytest.mark.slow
async def test_a_group_at_its_limit_never_delays_a_private_urgent_ping(limited: Harness) -> None:
    services = limited.services
    await limited.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    async with services.db.uow() as uow:
        for n in range(45):
            await services.notifier.to_chat(uow, GROUP, "error.db_writable_again", kind="tickets.new", n=n)
        await uow.commit()
    await asyncio.sleep(1.5)  # the worker is busy with the group, which reaches its limit
    queued = time.monotonic()
    async with services.db.uow() as uow:
        await services.notifier.to_chat(uow, ENGINEER, "error.db_writable_again", kind="urgent.ping", lang="en")
        await uow.commit()
    while not limited.to(ENGINEER) and time.monotonic() - queued < 30:
        await asyncio.sleep(0.05)
    delay = time.monotonic() - queued
    assert limited.to(ENGINEER), "the private urgent ping never went out"
    assert delay < 3, f"private urgent ping waited {delay:.1f} s behind the group"
    assert limited.api.flood is not None and limited.api.flood.refused == 0  # we kept within the limits
    assert 15 <= len(limited.to(GROUP)) <= 21  # the group got its burst and waits for the rest


@pytest.mark.slow
async def test_a_private_command_is_answered_while_group_commands_wait_for_the_group_limit(
        limited: Harness) -> None:
    """Updates of different chats are handled at the same time (bot/transports/telegram/polling.py lanes)."""
    from bot.transports.telegram.polling import Lanes

    await limited.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    lanes = Lanes(limited.app)
    factory = limited.chat.factory
    from telegram import Update

    for n in range(45):
        lanes.take(Update.de_json(factory.message(LEAD, f"/ticket 群内报修 {n} 号", chat_id=GROUP), limited.app.bot))
    await asyncio.sleep(1.0)
    asked = time.monotonic()
    lanes.take(Update.de_json(factory.message(ADMIN, "/start"), limited.app.bot))
    while not limited.to(ADMIN) and time.monotonic() - asked < 30:
        await asyncio.sleep(0.05)
    delay = time.monotonic() - asked
    assert limited.to(ADMIN) and delay < 3, f"/start answered after {delay:.1f} s"
    assert lanes.offset() is not None and lanes.offset() <= min(lanes.in_flight or {lanes.offset()})
    await lanes.finish(0.1)


def test_flood_limits_read_from_a_spool_file(tmp_path: Path) -> None:
    assert FloodLimits.from_dict({"group_per_minute": 10, "unknown": 1}).group_per_minute == 10
