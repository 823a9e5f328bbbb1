"""Update intake under faults and bad input (issue 14), through the real Application and the fake Bot API:
edited commands, concurrent redeliveries, malformed buttons, unbound groups and strangers in the group."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.app import build_application
from bot.offline.fake_telegram import FakeBotAPI, SentMessage, UpdateFactory
from bot.services.clock import FakeClock
from bot.state import app_state
from bot.transports.telegram.polling import AnotherPoller, serve
from bot.transports.telegram.webhook import WebhookReceiver, webhook_receiver
from config.settings import Settings
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, STRANGER, SUPERVISOR, Harness

ROOT = Path(__file__).parents[2]


async def process_raw(bot: Harness, payload: dict[str, Any]) -> list[str]:
    before = len(bot.api.sent)
    await bot.app.process_update(Update.de_json(payload, bot.app.bot))
    await bot.chat.flush()
    return [m.text for m in bot.api.sent[before:]]


async def audited(bot: Harness, prefix: str) -> int:
    async with bot.services.db.uow() as uow:
        return len(await uow.audit.list(action_prefix=prefix))


# -- 1. an edited command never applies twice -------------------------------------------------------------

async def test_editing_an_urgent_request_raises_no_second_request_and_says_how_to_correct(bot: Harness) -> None:
    factory = bot.chat.factory
    original = factory.message(CLIENT_CONTACT, "/urgent 机房空调故障")
    await process_raw(bot, original)
    assert await audited(bot, "urgent.raise") == 1
    answer = await process_raw(bot, factory.edited(original, "/urgent 机房空调故障（更正：3楼）"))
    assert await audited(bot, "urgent.raise") == 1
    assert len(answer) == 1
    assert "修改后的命令不会再执行一次" in answer[0] and "/cancelurgent 编号 原因" in answer[0]
    # a second edit is a new update: told again, once, and still nothing applied
    again = await process_raw(bot, factory.edited(original, "/urgent 机房空调故障（更正：4楼）"))
    assert len(again) == 1 and await audited(bot, "urgent.raise") == 1


async def test_editing_a_deduction_records_no_second_deduction(bot: Harness) -> None:
    factory = bot.chat.factory
    original = factory.message(SUPERVISOR, "/deduct daily 2 漏巡检")
    await process_raw(bot, original)
    assert await audited(bot, "score.deduct") == 1
    [answer] = await process_raw(bot, factory.edited(original, "/deduct daily 3 漏巡检"))
    assert await audited(bot, "score.deduct") == 1
    assert "/deductions" in answer and "/deduct daily 2" in answer


# -- 5. concurrent redeliveries are applied once ------------------------------------------------------------

async def test_the_same_update_handled_three_times_at_once_creates_one_ticket(bot: Harness) -> None:
    payload = bot.chat.factory.message(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
    updates = [Update.de_json(payload, bot.app.bot) for _ in range(3)]
    await asyncio.gather(*(bot.app.process_update(u) for u in updates))
    await bot.chat.flush()
    assert await audited(bot, "tickets.open") == 1
    texts = [m.text for m in bot.to(CLIENT_CONTACT)]
    assert sum("已经处理过了" in text for text in texts) == 2


async def test_a_second_commit_in_the_same_update_is_not_mistaken_for_a_redelivery(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)  # binds (one commit) and may hint (read only)
    answers = await bot.chat.send(CLIENT_CONTACT, "/ticket 打印机卡纸", chat_id=GROUP)
    assert not any("已经处理过了" in m.text for m in answers)
    assert await audited(bot, "tickets.open") == 1


# -- 6. one poller per token ----------------------------------------------------------------------------------

async def test_the_fake_answers_409_to_a_second_concurrent_poller_like_telegram() -> None:
    api = FakeBotAPI()
    await api.initialize()
    polling = RequestData([RequestParameter("timeout", 1, None)])
    url = "https://api.telegram.org/botTOKEN/getUpdates"
    first = asyncio.create_task(api.do_request(url, "POST", polling))
    await asyncio.sleep(0.05)
    status, body = await api.do_request(url, "POST", polling)
    assert status == 409 and "Conflict" in json.loads(body)["description"]
    assert (await first)[0] == 200
    assert (await api.do_request(url, "POST", polling))[0] == 200  # free again once the first call ended


async def test_409_conflict_stops_polling_at_once_instead_of_retrying(settings: Settings, clock: FakeClock) -> None:
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock)
    api._polling = True  # another process is in the middle of a getUpdates call for this token
    started = time.monotonic()
    with pytest.raises(AnotherPoller, match="another bot instance is polling with this token"):
        await asyncio.wait_for(serve(app, asyncio.Event(), bootstrap_retries=0, poll_timeout=0.2), timeout=15)
    assert time.monotonic() - started < 10
    assert app_state(app).services is None  # shut down cleanly (database closed)


# -- 10. malformed button data from roster members ------------------------------------------------------------

# Every feature's button actions (checked against the handlers' source below, so a new action is not missed).
BUTTON_ACTIONS = {"att": ["ok", "no"], "duty": ["sc_ok", "sc_no", "inc_ok", "inc_no"], "oc": ["ap", "sp", "ss"],
                  "tk": ["k", "s", "r", "take", "rate", "chk", "w", "res"], "urg": ["ack", "arr", "sup", "arr2", "eta"],
                  "media": ["t", "u", "d"], "insp": ["done"], "proj": ["set"], "bind": ["g"]}
MALFORMED = ["", ":abc", ":99999999999999999999999", ":-99999999999999999999999", ":9223372036854775808"]


def test_the_malformed_button_test_covers_every_feature_and_action() -> None:
    from bot.features import DECLARED

    assert set(BUTTON_ACTIONS) == set(DECLARED.buttons) - {"pg"}  # page turns carry no record id to forge
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "handlers").glob("*.py"))
    compared = set(re.findall(r'data\.action == "(\w+)"', source))
    for group in re.findall(r"data\.action (?:not )?in \(([^)]*)\)", source):
        compared |= set(re.findall(r'"(\w+)"', group))
    assert compared <= {a for actions in BUTTON_ACTIONS.values() for a in actions}


async def test_malformed_buttons_of_every_feature_are_answered_as_no_longer_valid(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    pressed = SentMessage(SUPERVISOR, 1, "旧消息")
    for feature, actions in BUTTON_ACTIONS.items():
        for action in actions:
            for tail in MALFORMED:
                data = f"v1:{feature}:{action}{tail}"
                before = len(bot.chat.answers())
                await bot.chat.press_data(SUPERVISOR, pressed, data)
                [answer] = bot.chat.answers()[before:]
                assert answer.params.get("text") == "这个按钮已失效。", data
                assert answer.params.get("show_alert") is True, data
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert not [m for m in bot.api.sent if "出了问题" in m.text]


# -- 10. the webhook under bad requests and slow clients ------------------------------------------------------

SECRET = "made-up-secret-token"
HOOK = "/telegram/hook"


async def raw_request(port: int, data: bytes, *, pause: float = 0.0, more: bytes = b"") -> tuple[int | None, float]:
    """Send `data` (then, after `pause`, `more`); the status the server answered and how long it took."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    writer.write(data)
    await writer.drain()
    if pause:
        await asyncio.sleep(pause)
        with contextlib.suppress(ConnectionError):
            writer.write(more)
            await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=30)
    writer.close()
    return (int(raw.split()[1]) if raw else None), time.monotonic() - started


def post(headers: str, body: bytes = b"{}") -> bytes:
    return (f"POST {HOOK} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}\r\n").encode() + body


@contextlib.asynccontextmanager
async def webhook_bot(settings: Settings, clock: FakeClock) -> AsyncIterator[tuple[WebhookReceiver, FakeBotAPI, Any]]:
    """The real Application behind the real webhook server on a loopback port."""
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock)
    listening: asyncio.Future[WebhookReceiver] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    receiver = webhook_receiver(listen="127.0.0.1", port=0, url="https://bot.example.org" + HOOK, secret=SECRET,
                                bootstrap_retries=0, on_listening=listening.set_result)
    task = asyncio.create_task(serve(app, stop, bootstrap_retries=0, receiver=receiver))
    server = await asyncio.wait_for(listening, timeout=10)
    for _ in range(200):  # the timers start once Telegram has no pending updates: wait for their start-up sweep
        if app_state(app).scheduler is not None:
            break
        await asyncio.sleep(0.05)
    try:
        yield server, api, app
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)


async def post_update(port: int, update: dict[str, Any]) -> int:
    body = json.dumps(update).encode()
    status, _ = await raw_request(port, post(f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
                                             f"Content-Length: {len(body)}\r\n", body))
    assert status is not None
    return status


async def webhook_tickets(app: Any) -> int:
    async with app_state(app).running_services().db.uow() as uow:
        return len(await uow.audit.list(action_prefix="tickets.open"))


async def test_the_same_update_posted_three_times_at_once_to_the_webhook_creates_one_ticket(
        settings: Settings, clock: FakeClock) -> None:
    async with webhook_bot(settings, clock) as (server, api, app):
        assert server.port is not None
        update = UpdateFactory().message(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
        statuses = await asyncio.gather(*(post_update(server.port, update) for _ in range(3)))
        assert statuses == [200, 200, 200]  # every copy is answered: Telegram stops redelivering
        assert await webhook_tickets(app) == 1
        texts = [m.text for m in api.messages_to(CLIENT_CONTACT)]
        assert sum("已登记工单" in text for text in texts) == 1


@pytest.mark.slow
async def test_a_webhook_update_that_meets_a_locked_database_gets_no_200_and_is_stored_on_redelivery(
        settings: Settings, clock: FakeClock) -> None:
    async with webhook_bot(settings, clock) as (server, api, app):
        assert server.port is not None
        update = UpdateFactory().message(CLIENT_CONTACT, "/ticket 打印机无法连接")
        locker = sqlite3.connect(settings.storage.db, isolation_level=None, timeout=30, check_same_thread=False)
        # another process writes for longer than the 5 s busy timeout (taken off the event loop, so the bot's own
        # transaction in progress can finish first)
        await asyncio.to_thread(locker.execute, "BEGIN IMMEDIATE")
        try:
            assert await post_update(server.port, update) == 503  # not stored, so not confirmed
            assert await post_update(server.port, update) == 503  # Telegram's retry, still locked
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert await post_update(server.port, update) == 200
        assert await webhook_tickets(app) == 1
        texts = [m.text for m in api.messages_to(CLIENT_CONTACT)]
        assert sum("数据库正忙" in text for text in texts) == 1  # asked to wait once per update
        assert sum("已登记工单" in text for text in texts) == 1


async def test_the_webhook_answers_bad_requests_with_4xx_and_cuts_off_slow_clients(
        settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    async with webhook_bot(settings, clock) as (server, api, _):
        await _bad_requests(server, api, caplog)


async def _bad_requests(server: WebhookReceiver, api: FakeBotAPI, caplog: pytest.LogCaptureFixture) -> None:
    server.limits.read_timeout = 0.5
    port = server.port
    assert port is not None
    ok = f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
    foreign = "X-Telegram-Bot-Api-Secret-Token: 秘密令牌\r\nContent-Length: 2\r\n"
    assert (await raw_request(port, post(foreign)))[0] == 403
    assert (await raw_request(port, post(ok + "Content-Length: abc\r\n")))[0] == 400
    assert (await raw_request(port, post(ok + "Content-Length: -5\r\n")))[0] == 400
    assert (await raw_request(port, post(ok + "Content-Length: 9\r\n", b"not json!")))[0] == 400
    assert (await raw_request(port, post(ok + "Content-Length: 2\r\n", b"[]")))[0] == 400
    assert (await raw_request(port, post(ok + f"Content-Length: {2 << 20}\r\n", b"")))[0] == 413
    # a client that stops in the middle of its headers, or dribbles them, or stalls in the body
    status, took = await raw_request(port, f"POST {HOOK} HTTP/1.1\r\nHost: local".encode())
    assert status == 408 and took < 3
    status, took = await raw_request(port, f"POST {HOOK} HTTP/1.1\r\n".encode(), pause=0.3,
                                     more=b"Host: localhost\r\n")
    assert status == 408 and took < 3
    status, took = await raw_request(port, post(ok + "Content-Length: 100\r\n", b'{"update_id": 1'))
    assert status == 408 and took < 3
    assert api.sent == []  # nothing was handled
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # and no traceback


# -- 10. strangers in the project group, and groups never bound ----------------------------------------------

async def test_a_stranger_in_the_group_is_told_once_privately_not_publicly_at_every_message(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    in_group = len(bot.to(GROUP))
    for text in ("/ticket 帮我看看电脑", "签到", "/ticket 还是不行", "签到"):
        await bot.chat.send(STRANGER, text, chat_id=GROUP)
    assert len(bot.to(GROUP)) == in_group  # nothing public
    [told] = bot.to(STRANGER)
    assert told.text.startswith("抱歉，您不在本项目的人员名单中")
    bot.clock.advance(timedelta(days=1, minutes=1))
    await bot.chat.send(STRANGER, "/ticket 第二天又来", chat_id=GROUP)
    assert len(bot.to(STRANGER)) == 2  # a day later, once more
    async with bot.services.db.uow() as uow:  # every attempt is still audited
        assert len(await uow.audit.list(action_prefix="access.unknown_user")) == 5


async def test_a_stranger_who_never_opened_a_private_chat_is_answered_in_the_group_once(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    in_group = len(bot.to(GROUP))
    bot.api.fail_next("sendMessage", status=403)  # Forbidden: bot can't initiate conversation with a user
    await bot.chat.send(STRANGER, "/ticket 帮我看看电脑", chat_id=GROUP)
    await bot.chat.send(STRANGER, "/ticket 帮我看看电脑", chat_id=GROUP)
    public = bot.to(GROUP)[in_group:]
    assert [m.text[:22] for m in public] == ["抱歉，您不在本项目的人员名单中，无法使用本机器人"[:22]]


async def test_tickets_and_urgent_requests_are_refused_in_a_group_never_bound(bot: Harness) -> None:
    other_group = GROUP - 1
    for command in ("/ticket 打印机卡纸", "/urgent 机房断电"):
        [answer] = await bot.chat.send(CLIENT_CONTACT, command, chat_id=other_group)
        assert "本群还不是项目群" in answer.text and "/bindgroup" in answer.text
    assert await audited(bot, "tickets.open") == 0 and await audited(bot, "urgent.raise") == 0
    # in private they still work
    await bot.chat.send(CLIENT_CONTACT, "/ticket 打印机卡纸")
    assert await audited(bot, "tickets.open") == 1


# -- replies to the bot's questions: redelivered or edited, applied once -------------------------------------

async def test_a_redelivered_or_edited_answer_to_an_incident_question_is_recorded_once(bot: Harness) -> None:
    sent = await bot.chat.send(ENGINEER, "/incident 发现数据库有异常登录")
    question = [m for m in sent if m.chat_id == ENGINEER][-1]
    answer = bot.chat.factory.message(ENGINEER, "巡检时在日志中发现", reply_to=UpdateFactory.bot_message(question))
    first = await process_raw(bot, answer)
    assert "已记录事件 #1 的「发现经过」" in first[0]
    again = await process_raw(bot, answer)  # Telegram redelivers it after a crash
    assert len(again) == 1 and "已经处理过了" in again[0]
    await process_raw(bot, bot.chat.factory.edited(answer, "巡检时在日志中发现（更正）"))
    assert await audited(bot, "incident.section") == 1
