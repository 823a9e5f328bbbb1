"""The outbox against a failing Telegram: nothing lost, nothing sent twice, each chat's order kept.

The worker runs on an ExtBot over the offline FakeBotAPI; the FakeClock moves time and `drain()` is the
worker's tick. How the fake models an ambiguous timeout: `fail_next(kind="timeout")` raises TimedOut
*before* anything is recorded — the message was not delivered, the retry delivers it once. The other
reading (Telegram took it, the answer was lost) is pinned by its own test: the recipient sees it twice.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import TimedOut
from telegram.ext import AIORateLimiter, ExtBot

from bot.app import OFFLINE_TOKEN
from bot.delivery import OutboxDelivery
from bot.offline.fake_telegram import FakeBotAPI
from bot.services.clock import FakeClock
from bot.services.container import Services, open_services
from config.settings import Settings
from tests.conftest import ADMIN

CHATS = [100001, 100002, 200001]


async def make_bot(api: FakeBotAPI, *, rate_limited: bool = False) -> ExtBot:
    limiter = AIORateLimiter(max_retries=5) if rate_limited else None
    bot = ExtBot(OFFLINE_TOKEN, request=api, get_updates_request=api, rate_limiter=limiter)
    await bot.initialize()
    return bot


@pytest.fixture
async def api() -> FakeBotAPI:
    fake = FakeBotAPI()
    await fake.initialize()
    return fake


@pytest.fixture
async def delivery(services: Services, api: FakeBotAPI) -> AsyncIterator[OutboxDelivery]:
    bot = await make_bot(api)
    try:
        yield OutboxDelivery(services, bot)
    finally:
        await bot.shutdown()


async def queue(services: Services, chat_id: int, text: str, **kwargs: Any) -> None:
    async with services.db.uow() as uow:
        await uow.outbox.add(chat_id=chat_id, text=text, kind="test.notice", now=services.now(), **kwargs)
        await uow.commit()


async def pending(services: Services) -> int:
    async with services.db.uow() as uow:
        return (await uow.outbox.counts()).get("pending", 0)


def texts_to(api: FakeBotAPI, chat_id: int) -> list[str]:
    return [m.text for m in api.messages_to(chat_id)]


async def drain_until_empty(services: Services, delivery: OutboxDelivery, clock: FakeClock,
                            step: timedelta = timedelta(minutes=5), rounds: int = 30) -> int:
    for n in range(rounds):
        await delivery.drain()
        if await pending(services) == 0:
            return n
        clock.advance(step)
    raise AssertionError("the outbox never emptied")


async def test_timeouts_5xx_refused_and_429_lose_nothing_and_send_nothing_twice(
        services: Services, delivery: OutboxDelivery, api: FakeBotAPI, clock: FakeClock) -> None:
    for chat in CHATS:
        for n in range(10):
            await queue(services, chat, f"chat {chat} notice {n}")
    api.fail_next("sendMessage", "timeout", times=3)
    api.fail_next("sendMessage", status=500, times=3)
    api.fail_next("sendMessage", "refused", times=2)
    api.fail_next("sendMessage", status=502)
    api.fail_next("sendMessage", status=429, retry_after=40, times=2)
    api.fail_next("sendMessage", "timeout", times=2)
    await drain_until_empty(services, delivery, clock)
    assert not api.failures, "every injected failure was met"
    for chat in CHATS:
        assert texts_to(api, chat) == [f"chat {chat} notice {n}" for n in range(10)]  # once each, in order
    assert delivery.retry_count == 13
    async with services.db.uow() as uow:
        assert await uow.outbox.counts() == {"sent": 30}


async def test_a_429_waits_exactly_its_retry_after(services: Services, delivery: OutboxDelivery, api: FakeBotAPI,
                                                   clock: FakeClock) -> None:
    await queue(services, ADMIN, "请于 10:00 前到场")
    api.fail_next("sendMessage", status=429, retry_after=30)
    await delivery.drain()
    clock.advance(timedelta(seconds=29))
    await delivery.drain()
    assert texts_to(api, ADMIN) == []
    clock.advance(timedelta(seconds=1))
    await delivery.drain()
    assert texts_to(api, ADMIN) == ["请于 10:00 前到场"]


async def test_server_errors_back_off_one_two_four_seconds(services: Services, delivery: OutboxDelivery,
                                                           api: FakeBotAPI, clock: FakeClock) -> None:
    await queue(services, ADMIN, "backoff")
    api.fail_next("sendMessage", status=500, times=3)
    start = clock.now()
    arrivals: list[float] = []
    for _ in range(10):
        await delivery.drain()
        if texts_to(api, ADMIN):
            arrivals.append((clock.now() - start).total_seconds())
            break
        clock.advance(timedelta(seconds=1))
    assert arrivals == [7.0]  # failed at 0, 1, 3; sent at 7
    assert len(api.calls_of("sendMessage")) == 4


async def test_a_waiting_message_holds_back_its_chat_but_not_the_others(
        services: Services, delivery: OutboxDelivery, api: FakeBotAPI, clock: FakeClock) -> None:
    await queue(services, CHATS[0], "first")
    await queue(services, CHATS[0], "second")
    await queue(services, CHATS[1], "other chat")
    api.fail_next("sendMessage", status=500)  # the first call: CHATS[0]'s "first"
    await delivery.drain()
    assert texts_to(api, CHATS[1]) == ["other chat"]
    assert texts_to(api, CHATS[0]) == []  # "second" did not overtake "first"
    clock.advance(timedelta(seconds=1))
    await delivery.drain()
    assert texts_to(api, CHATS[0]) == ["first", "second"]


async def test_a_blocked_recipient_fails_for_good_and_the_admin_is_told(
        services: Services, delivery: OutboxDelivery, api: FakeBotAPI) -> None:
    await queue(services, CHATS[2], "to a user who blocked the bot")
    api.fail_next("sendMessage", status=403)
    await delivery.drain()
    await delivery.drain()
    assert texts_to(api, CHATS[2]) == []
    [alert] = texts_to(api, ADMIN)
    assert "无法送达" in alert and str(CHATS[2]) in alert
    async with services.db.uow() as uow:
        assert await uow.outbox.counts() == {"failed": 1, "sent": 1}


async def test_a_document_that_vanished_fails_instead_of_blocking_the_chat(
        services: Services, delivery: OutboxDelivery, api: FakeBotAPI, tmp_path: Any) -> None:
    await queue(services, CHATS[0], "report", document_path=str(tmp_path / "gone.xlsx"), document_kind="document")
    await queue(services, CHATS[0], "after the report")
    await delivery.drain()
    assert texts_to(api, CHATS[0]) == ["after the report"]
    assert any("gone.xlsx" in text for text in texts_to(api, ADMIN))


class AcceptedThenTimedOut(FakeBotAPI):
    """Telegram took the message but the answer never came back."""

    def __init__(self) -> None:
        super().__init__()
        self.lose_answers = 1

    async def do_request(self, url: str, method: str, request_data: Any = None, **kwargs: Any) -> tuple[int, bytes]:
        result = await super().do_request(url, method, request_data, **kwargs)
        if url.endswith("/sendMessage") and self.lose_answers:
            self.lose_answers -= 1
            raise TimedOut("answer lost")
        return result


async def test_a_timeout_after_telegram_accepted_is_sent_again_at_least_once(services: Services,
                                                                             clock: FakeClock) -> None:
    api = AcceptedThenTimedOut()
    await api.initialize()
    delivery = OutboxDelivery(services, await make_bot(api))
    await queue(services, ADMIN, "ambiguous")
    await delivery.drain()
    clock.advance(timedelta(seconds=1))
    await delivery.drain()
    assert texts_to(api, ADMIN) == ["ambiguous", "ambiguous"]  # documented: twice beats never
    assert await pending(services) == 0


async def test_undelivered_messages_go_out_after_a_restart(settings: Settings, clock: FakeClock) -> None:
    async with open_services(settings, clock, seed=False) as services:
        first_api = FakeBotAPI()
        await first_api.initialize()
        first = OutboxDelivery(services, await make_bot(first_api))
        for n in range(5):
            await queue(services, CHATS[0], f"owed {n}")
        first_api.fail_next("sendMessage", status=503, times=99)  # Telegram unreachable until the "crash"
        await first.drain()
    # the process died there (the database closed)

    async with open_services(settings, clock, seed=False) as services:
        api = FakeBotAPI()
        await api.initialize()
        clock.advance(timedelta(seconds=2))
        await OutboxDelivery(services, await make_bot(api)).drain()
    assert texts_to(api, CHATS[0]) == [f"owed {n}" for n in range(5)]


class SlowTelegram(FakeBotAPI):
    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
        """Telegram takes the message at once; its answer is slow to come back."""
        result = super()._api_sendMessage(params)
        self.started.set()
        await asyncio.sleep(0.3)
        return result


async def test_stopping_lets_the_send_in_flight_finish_and_flushes_the_rest(services: Services) -> None:
    """Cancelling the worker mid-send would leave the row pending and send it again after the restart."""
    api = SlowTelegram()
    await api.initialize()
    delivery = OutboxDelivery(services, await make_bot(api))
    await queue(services, CHATS[0], "in flight")
    await queue(services, CHATS[1], "queued")
    delivery.start()
    services.notifier.wakeup.set()
    await asyncio.wait_for(api.started.wait(), timeout=3)
    await delivery.stop(flush=True)
    assert texts_to(api, CHATS[0]) == ["in flight"] and texts_to(api, CHATS[1]) == ["queued"]
    assert await pending(services) == 0


def telegram_flood_control(rate: int = 30) -> Any:
    """Telegram's ~30 messages/s as a token bucket (burst `rate`, refilled `rate` per second)."""
    state = {"tokens": float(rate), "at": time.monotonic()}
    refused: deque[float] = deque()

    def decide(method: str, params: dict[str, Any]) -> int | None:
        now = time.monotonic()
        state["tokens"] = min(rate, state["tokens"] + (now - state["at"]) * rate)
        state["at"] = now
        if state["tokens"] < 1:
            refused.append(now)
            return 1
        state["tokens"] -= 1
        return None

    decide.refused = refused  # type: ignore[attr-defined]
    return decide


async def test_a_burst_to_90_people_goes_through_the_rate_limiter_without_tripping_flood_control(
        services: Services) -> None:
    api = FakeBotAPI()
    await api.initialize()
    api.limiter = telegram_flood_control()
    delivery = OutboxDelivery(services, await make_bot(api, rate_limited=True))
    people = [300000 + n for n in range(90)]
    for chat in people:
        await queue(services, chat, f"假期值班安排 {chat}")
    started = time.monotonic()
    await delivery.drain()
    elapsed = time.monotonic() - started
    assert list(api.limiter.refused) == []  # type: ignore[attr-defined]
    assert all(texts_to(api, chat) == [f"假期值班安排 {chat}"] for chat in people)
    assert elapsed < 6


def strict_window(limit: int = 20) -> Any:
    """A harsher flood control than Telegram's: at most `limit` sends in any sliding second."""
    recent: deque[float] = deque()
    refused: list[float] = []

    def decide(method: str, params: dict[str, Any]) -> int | None:
        now = time.monotonic()
        while recent and now - recent[0] >= 1:
            recent.popleft()
        if len(recent) >= limit:
            refused.append(now)
            return 1
        recent.append(now)
        return None

    decide.refused = refused  # type: ignore[attr-defined]
    return decide


async def test_even_a_harsher_flood_control_loses_and_duplicates_nothing(services: Services,
                                                                          clock: FakeClock) -> None:
    api = FakeBotAPI()
    await api.initialize()
    api.limiter = strict_window()
    delivery = OutboxDelivery(services, await make_bot(api, rate_limited=True))
    people = [400000 + n for n in range(45)]
    for chat in people:
        await queue(services, chat, f"notice {chat}")
    await drain_until_empty(services, delivery, clock, step=timedelta(seconds=5))
    assert api.limiter.refused  # type: ignore[attr-defined]  # flood control did trip here
    assert sorted(m.chat_id for m in api.sent) == people


async def test_sends_finished_together_are_marked_sent_in_one_transaction(
        services: Services, delivery: OutboxDelivery, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    chats = [100001 + i for i in range(12)]
    for chat_id in chats:
        await queue(services, chat_id, f"通知 {chat_id}")
    from storage.uow import UnitOfWork

    commits = 0
    original = UnitOfWork.commit

    async def counted(self: UnitOfWork) -> None:
        nonlocal commits
        commits += 1
        await original(self)

    monkeypatch.setattr(UnitOfWork, "commit", counted)
    assert await delivery.drain() == len(chats)
    monkeypatch.undo()
    assert all(texts_to(api, chat_id) == [f"通知 {chat_id}"] for chat_id in chats)  # each sent once
    assert await pending(services) == 0  # and every one recorded as sent
    assert commits < len(chats) / 2  # the twelve chats' markings share transactions (was one each)
