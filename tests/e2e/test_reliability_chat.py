"""Reliability through the real Application: redelivered updates, /health, GET /health, heartbeat, downtime."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from telegram import Update

from bot.offline.fake_telegram import UpdateFactory
from bot.services import health
from bot.services.clock import FakeClock
from bot.services.container import Services, open_services
from bot.services.domain.people import Role
from bot.services.timers import Timer
from bot.state import app_state
from config.settings import Settings, settings_from_dict
from tests.conftest import ADMIN, ENGINEER, GROUP, LEAD, SUPERVISOR, Harness, started_bot


@asynccontextmanager
async def started(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    async with started_bot(settings, clock) as harness:
        yield harness


def with_reliability(config: dict[str, Any], **section: Any) -> Settings:
    return settings_from_dict({**config, "reliability": section}, apply_env=False)


def telegram_refuses(bot: Harness, chat_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sendMessage to `chat_id` gets a 500 (other chats are served normally)."""
    original = bot.api.do_request

    async def failing(url: str, method: str, request_data: Any = None, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None \
                and int(request_data.parameters.get("chat_id", 0)) == chat_id:
            return 500, b'{"ok": false, "error_code": 500, "description": "Internal Server Error"}'
        return await original(url, method, request_data, **kwargs)

    monkeypatch.setattr(bot.api, "do_request", failing)


async def process_raw(bot: Harness, payload: dict[str, Any]) -> list[str]:
    """Hand the Application an update exactly as Telegram would (again, after a crash)."""
    before = len(bot.api.sent)
    await bot.app.process_update(Update.de_json(payload, bot.app.bot))
    await bot.chat.flush()
    return [m.text for m in bot.api.sent[before:]]


# -- exactly-once effects --------------------------------------------------------------------------------

async def test_a_redelivered_update_changes_state_once_and_the_second_answer_says_so(bot: Harness) -> None:
    payload = UpdateFactory().message(ENGINEER, "/lang en")
    first = await process_raw(bot, payload)
    again = await process_raw(bot, payload)  # Telegram redelivers it after a crash
    assert first == ["OK, I will speak English with you from now on."]
    assert len(again) == 1 and "“/lang en” was already handled" in again[0] and "nothing was recorded twice" in again[0]
    async with bot.services.db.uow() as uow:
        assert len(await uow.audit.list(action_prefix="person.language")) == 1


async def test_a_reused_update_id_with_new_content_is_a_new_update(bot: Harness) -> None:
    factory = UpdateFactory()
    first = factory.message(ENGINEER, "/lang en")
    second = factory.message(ENGINEER, "/lang zh")
    second["update_id"] = first["update_id"]  # the console numbers from 1 on every run
    await process_raw(bot, first)
    assert await process_raw(bot, second) == ["好的，以后我用中文和您交流。"]


async def test_the_handlers_commit_marks_the_update_so_a_crash_after_it_cannot_reapply_it(
        bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The marker rides in the handler's own transaction: even if the process dies right after the commit
    (the later marker step never runs), the redelivered update is recognised: not applied again, and the
    user is told it was handled (the first answer may never have reached them)."""
    payload = UpdateFactory().message(SUPERVISOR, "/bindgroup", chat_id=GROUP)

    async def crash(*args: Any) -> None:
        raise RuntimeError("killed before the after-handler marker was written")

    monkeypatch.setattr(health, "mark_processed", crash)
    first = await process_raw(bot, payload)
    monkeypatch.undo()
    again = await process_raw(bot, payload)
    assert "已绑定为" in first[0]
    assert len(again) == 1 and again[0].startswith("您的消息「/bindgroup」已经处理过了") and "没有重复记录" in again[0]
    async with bot.services.db.uow() as uow:
        assert await uow.chats.group_ids() == [GROUP]
        assert len(await uow.audit.list(action_prefix="group.bind")) == 1


async def test_bindgroup_sent_twice_binds_once_and_says_so(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    [again, *_] = await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    assert again.text == "本群已经是项目群了。"
    async with bot.services.db.uow() as uow:
        assert len(await uow.audit.list(action_prefix="group.bind")) == 1


# -- /health -----------------------------------------------------------------------------------------------

async def test_admin_health_shows_uptime_database_outbox_and_timers(bot: Harness) -> None:
    bot.clock.advance(timedelta(hours=2, minutes=5))
    [answer] = await bot.chat.send(ADMIN, "/health")
    assert answer.text.startswith("🩺 运行状况：正常")
    assert "已运行：0 天 2 小时 5 分钟" in answer.text
    # The size with its unit: a fresh database with every migration and its WAL is about 1 MB, either side.
    assert re.search(r"数据库：正常，大小 \d+(\.\d+)? (KB|MB)", answer.text), answer.text
    assert "待发 0 条" in answer.text
    assert "HTTP 健康检查：未开启" in answer.text


async def test_health_reports_messages_stuck_in_the_outbox_but_not_reminders_queued_for_later(
        bot: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async with bot.services.db.uow() as uow:
        await uow.outbox.add(chat_id=ENGINEER, text="stuck", kind="test.notice", now=bot.clock.now())
        await uow.outbox.add(chat_id=SUPERVISOR, text="later", kind="test.notice", now=bot.clock.now(),
                             not_before=bot.clock.now() + timedelta(days=1))
        await uow.commit()
    telegram_refuses(bot, ENGINEER, monkeypatch)
    bot.clock.advance(timedelta(minutes=5))
    [calm] = await bot.chat.send(ADMIN, "/health")
    assert "正常" in calm.text and "待发 2 条" in calm.text and "已等待 5 分钟" in calm.text
    bot.clock.advance(timedelta(minutes=15))
    [answer] = await bot.chat.send(ADMIN, "/health")
    assert "有问题" in answer.text and "消息积压未发出" in answer.text
    assert "最早的待发消息已等待 20 分钟" in answer.text


async def test_health_is_for_admins_only(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "/health")
    assert "无权" in answer.text


# -- GET /health ---------------------------------------------------------------------------------------------

async def http_get(port: int, path: str) -> tuple[int, dict[str, Any]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def test_http_health_endpoint_answers_json_and_turns_503_when_the_outbox_is_stuck(
        config_dict: dict[str, Any], clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = with_reliability(config_dict, health_port=0)
    async with started(settings, clock) as bot:
        port = app_state(bot.app).health_server.port
        status, body = await http_get(port, "/health")
        assert status == 200 and body["status"] == "ok"
        assert body["database"]["ok"] is True and body["database"]["bytes"] > 0
        assert (await http_get(port, "/nope"))[0] == 404
        telegram_refuses(bot, ENGINEER, monkeypatch)  # before the row exists: the worker may pick it up at once
        async with bot.services.db.uow() as uow:
            await uow.outbox.add(chat_id=ENGINEER, text="stuck", kind="test.notice", now=clock.now())
            await uow.commit()
        await bot.chat.flush()
        clock.advance(timedelta(minutes=16))
        status, body = await http_get(port, "/health")
        assert status == 503 and body["problems"] == ["outbox_stuck"]
        assert body["outbox"]["by_status"] == {"pending": 1}
        assert body["outbox"]["oldest_pending_s"] == 16 * 60
        [answer] = await bot.chat.send(ADMIN, "/health")
        assert f"端口 {port}" in answer.text


# -- heartbeat ------------------------------------------------------------------------------------------------

async def test_heartbeat_url_is_requested_every_alive_interval(config_dict: dict[str, Any], clock: FakeClock) -> None:
    hits: list[str] = []

    async def monitor(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hits.append((await reader.readline()).decode().split()[1])
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(monitor, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = {**config_dict, "telegram": {"heartbeat_url": f"http://127.0.0.1:{port}/ping/abc"}}
    settings = with_reliability(config, alive_interval="1s")
    try:
        async with started(settings, clock) as bot:
            for _ in range(60):
                if len(hits) >= 2:
                    break
                await asyncio.sleep(0.1)
            runtime = app_state(bot.app).reliability
        assert hits[:2] == ["/ping/abc", "/ping/abc"]
        assert runtime.heartbeats_ok >= 2
    finally:
        server.close()
        await server.wait_closed()


# -- downtime notice -------------------------------------------------------------------------------------------

def deadline_timer(due_at: Any, kind: str = "test.deadline") -> Timer:
    """A feature's deadline as the scheduler sees it: sweeping at or after `due_at` queues one reminder."""

    async def sweep(services: Services, now: Any) -> None:
        if now >= due_at:
            async with services.db.uow() as uow:
                await services.notifier.to_roles(uow, [Role.LEAD], "common.yes", kind=kind,
                                                 dedup="test.deadline")
                await uow.commit()

    async def next_due(services: Services, now: Any) -> Any:
        return due_at if now < due_at else None

    return Timer("test.deadline", sweep, next_due)


async def test_after_a_crash_admins_learn_how_long_the_bot_was_down_and_what_fell_due(
        settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services import schedule

    async with started(settings, clock):
        pass  # first start: nothing to report
    async with open_services(settings, clock, seed=False) as services:
        clock.advance(timedelta(minutes=10))
        await health.alive_tick(services)  # the last sign of life of a run that then died (no clean stop)
        async with services.db.uow() as uow:
            await uow.outbox.add(chat_id=ENGINEER, text="owed", kind="test.reminder", now=clock.now(),
                                 not_before=clock.now() + timedelta(minutes=30))
            await uow.commit()
    monkeypatch.setattr(schedule, "TIMERS", (*schedule.TIMERS, deadline_timer(clock.now() + timedelta(hours=1))))
    clock.advance(timedelta(hours=2))
    async with started(settings, clock) as bot:
        await bot.chat.flush()
        [notice] = bot.to(ADMIN)
        assert notice.text.startswith("⚠️ 机器人曾意外中断")
        assert "2022-10-10 09:10 至 2022-10-10 11:10，约 2 小时 0 分钟" in notice.text
        # kinds without a catalog name (here test-only ones) are listed by their code
        assert "test.deadline ×1" in notice.text.split("\n")[1]  # other features' start-up reminders may join
        assert "现在补发的消息：test.reminder ×1" in notice.text
        assert [m.text for m in bot.to(ENGINEER)].count("owed") == 1


async def test_the_downtime_notice_names_late_notifications_in_each_admins_language(
        settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services import schedule

    async with started(settings, clock) as bot:
        await bot.chat.send(ADMIN, "/lang en")
    async with open_services(settings, clock, seed=False) as services:
        clock.advance(timedelta(minutes=10))
        await health.alive_tick(services)
        async with services.db.uow() as uow:
            await uow.outbox.add(chat_id=ENGINEER, text="owed", kind="urgent.escalation", now=clock.now(),
                                 not_before=clock.now() + timedelta(minutes=30))
            await uow.commit()
    monkeypatch.setattr(schedule, "TIMERS", (*schedule.TIMERS,
                                             deadline_timer(clock.now() + timedelta(hours=1), kind="tickets.overdue")))
    clock.advance(timedelta(hours=2))
    async with started(settings, clock) as bot:
        await bot.chat.flush()
        [notice] = bot.to(ADMIN)
        assert notice.text.startswith("⚠️ The bot stopped unexpectedly")
        late, owed = notice.text.split("\n")[1:3]
        assert "overdue ticket reminder ×1" in late and "tickets.overdue" not in late
        assert owed == "Messages owed from before, sent now: urgent request escalation ×1"


async def test_a_clean_stop_is_reported_as_such_and_a_quick_restart_not_at_all(settings: Settings,
                                                                              clock: FakeClock) -> None:
    async with started(settings, clock):
        pass
    clock.advance(timedelta(minutes=1))
    async with started(settings, clock) as bot:
        await bot.chat.flush()
        assert bot.to(ADMIN) == []  # shorter than downtime_notice_after
    clock.advance(timedelta(hours=1))
    async with started(settings, clock) as bot:
        await bot.chat.flush()
        [notice] = bot.to(ADMIN)
        assert notice.text.startswith("ℹ️ 机器人曾停止运行（正常关闭）")
        assert "约 1 小时 0 分钟" in notice.text and "现在补发的消息：—" in notice.text


async def test_a_redelivered_button_press_is_answered_without_acting_twice(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/leave 明天 看病")
    [ask] = [m for m in bot.to(SUPERVISOR) if m.buttons]
    payload = bot.chat.factory.callback(SUPERVISOR, ask, ask.data_for("✅ 批准"))
    await process_raw(bot, payload)
    answers_before = len(bot.api.calls_of("answerCallbackQuery"))
    assert await process_raw(bot, payload) == []  # nothing new sent to any chat
    [toast] = bot.api.calls_of("answerCallbackQuery")[answers_before:]
    assert toast.params.get("text") == "这个操作已经处理过了，没有重复记录。"
    async with bot.services.db.uow() as uow:
        assert len(await uow.audit.list(action_prefix="attendance.leave_approved")) == 1


async def test_plain_group_chatter_redelivered_stays_quiet(bot: Harness) -> None:
    payload = UpdateFactory().message(LEAD, "大家早上好", chat_id=GROUP)
    assert await process_raw(bot, payload) == []
    assert await process_raw(bot, payload) == []
