"""Webhook mode: Telegram gets its 200 only after the update was handled; wrong secrets are refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application

from bot.app import build_application
from bot.offline.fake_telegram import FakeBotAPI, UpdateFactory
from bot.services.clock import FakeClock
from bot.transports.telegram.polling import serve
from bot.transports.telegram.webhook import WebhookReceiver, webhook_receiver
from config.settings import Settings
from tests.conftest import ENGINEER, STRANGER

SECRET = "made-up-secret-token"
URL = "https://bot.example.org/telegram/hook"


async def request(port: int, method: str, path: str, body: dict[str, Any] | None = None,
                  secret: str | None = SECRET) -> tuple[int, dict[str, Any]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = json.dumps(body).encode() if body is not None else b""
    # one request per connection: the client says so, and reads the answer to the end
    head = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
    if secret is not None:
        head += f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
    writer.write((head + f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.split(b"\r\n\r\n", 1)[1])


@asynccontextmanager
async def serving_webhook(app: Application) -> AsyncIterator[WebhookReceiver]:
    """`serve` in webhook mode on a free loopback port (the receiver, once it listens); stopped on the way out."""
    listening: asyncio.Future[WebhookReceiver] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    receiver = webhook_receiver(listen="127.0.0.1", port=0, url=URL, secret=SECRET, bootstrap_retries=0,
                                on_listening=listening.set_result)
    task = asyncio.create_task(serve(app, stop, bootstrap_retries=0, receiver=receiver))
    try:
        yield await asyncio.wait_for(listening, timeout=10)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)


async def test_webhook_answers_after_handling_refuses_bad_secrets_and_serves_health(
        settings: Settings, clock: FakeClock) -> None:
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock)
    async with serving_webhook(app) as server:
        start = UpdateFactory().message(ENGINEER, "/start")
        status, body = await request(server.port, "POST", "/telegram/hook", start)
        assert (status, body) == (200, {"ok": True})
        # the 200 came after the handler ran: the greeting is already sent
        assert any("您好，周小舟" in m.text for m in api.messages_to(ENGINEER))

        sent_before = len(api.sent)
        forged = UpdateFactory().message(STRANGER, "/start")
        assert (await request(server.port, "POST", "/telegram/hook", forged, secret="wrong"))[0] == 403
        assert (await request(server.port, "POST", "/telegram/hook", forged, secret=None))[0] == 403
        assert (await request(server.port, "POST", "/elsewhere", forged))[0] == 404
        assert len(api.sent) == sent_before  # nothing was handled

        status, _ = await request(server.port, "POST", "/telegram/hook", start)  # Telegram retries after a crash
        assert status == 200
        assert "已经处理过了" in api.messages_to(ENGINEER)[-1].text

        status, health = await request(server.port, "GET", "/health")
        assert status in (200, 503) and "status" in health
        [registered] = api.calls_of("setWebhook")
        assert registered.params["url"] == URL and registered.params["secret_token"] == SECRET
        assert not api.calls_of("deleteWebhook")
