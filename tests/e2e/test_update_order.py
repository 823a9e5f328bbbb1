"""Concurrent updates keep a person's order across chats (bot/transports/telegram/polling.py `Lanes`), and the
webhook handles concurrent posts at the same time (bot/transports/telegram/webhook.py)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from telegram import Update

from bot.app import build_application, running
from bot.offline.fake_telegram import FakeBotAPI, UpdateFactory
from bot.services.clock import FakeClock
from bot.transports.telegram.polling import Lanes, serve
from bot.transports.telegram.webhook import WebhookReceiver, webhook_receiver
from config.settings import Settings
from tests.conftest import ADMIN, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT
from tests.e2e.test_webhook import SECRET, URL, request


class SlowChats(FakeBotAPI):
    """Telegram taking `delay` seconds to accept each message to the chats in `slow` (all chats when None)."""

    def __init__(self, delay: float, slow: set[int] | None = None) -> None:
        super().__init__()
        self.delay = delay
        self.slow = slow

    async def do_request(self, url: str, method: str, request_data: Any = None, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        chat = request_data.parameters.get("chat_id") if request_data is not None else None
        if url.endswith("/sendMessage") and (self.slow is None or int(chat) in self.slow):
            await asyncio.sleep(self.delay)
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def test_a_check_in_in_the_group_counts_before_the_same_persons_later_private_check_in(
        settings: Settings, clock: FakeClock) -> None:
    api = SlowChats(0.5, {GROUP})  # the group's replies are slow: its lane is busy for a while
    app = build_application(settings, request=api, clock=clock)
    factory = UpdateFactory()
    async with running(app):
        await app.process_update(Update.de_json(factory.message(ADMIN, "/bindgroup", chat_id=GROUP), app.bot))
        clock.set(datetime(2022, 10, 10, 9, 6, tzinfo=SHANGHAI))
        lanes = Lanes(app)
        for payload in (
            factory.message(LEAD, "签到", chat_id=GROUP, sent_at=datetime(2022, 10, 10, 8, 59, tzinfo=SHANGHAI)),
            factory.message(ENGINEER, "签到", chat_id=GROUP, sent_at=datetime(2022, 10, 10, 8, 59, 30,
                                                                             tzinfo=SHANGHAI)),
            factory.message(ENGINEER, "/checkin", sent_at=datetime(2022, 10, 10, 9, 5, tzinfo=SHANGHAI)),
        ):
            lanes.take(Update.de_json(payload, app.bot))
        await lanes.finish(20)
        assert lanes.offset() == lanes.highest + 1  # all handled, all confirmable
    [private] = [m.text for m in api.messages_to(ENGINEER)]
    assert "已在 2022-10-10 08:59 签到过了" in private  # the group check-in (sent first) is the one recorded
    group = [m.text for m in api.messages_to(GROUP)]
    assert "✅ 周小舟 08:59" in group[-1]  # on time, on the group's attendance board (issue 16.5)


async def test_the_webhook_handles_concurrent_posts_at_the_same_time(settings: Settings, clock: FakeClock) -> None:
    api = SlowChats(0.4)  # every reply takes Telegram 0.4 s to accept
    app = build_application(settings, request=api, clock=clock)
    listening: asyncio.Future[WebhookReceiver] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    receiver = webhook_receiver(listen="127.0.0.1", port=0, url=URL, secret=SECRET, bootstrap_retries=0,
                                on_listening=listening.set_result)
    task = asyncio.create_task(serve(app, stop, bootstrap_retries=0, receiver=receiver))
    server = await asyncio.wait_for(listening, timeout=10)
    try:
        factory = UpdateFactory()
        people = [ENGINEER, LEAD, SUPERVISOR, VENDOR_CONTACT]
        started = time.monotonic()
        answers = await asyncio.gather(*(request(server.port, "POST", "/telegram/hook", factory.message(p, "/help"))
                                         for p in people))
        elapsed = time.monotonic() - started
        assert answers == [(200, {"ok": True})] * len(people)
        assert all(api.messages_to(p) for p in people)  # each got its answer before its 200
        # one after another would take at least 4 × 0.4 s; side by side about one reply's time
        assert elapsed < 1.2, f"4 concurrent posts took {elapsed:.2f} s"
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)
