"""Webhook mode, at least once: Telegram gets its 200 only after the update's handlers have finished.

python-telegram-bot's webhook server answers 200 as soon as an update is queued, so a crash drops every update
in flight. This small asyncio HTTP server (TLS terminates in front of it: nginx or Caddy) handles the update
first and answers afterwards; a crash or an error means no 200, and Telegram delivers the update again, which
the redelivery guard (bot/handlers/reliability.py) then recognises. The same server answers `GET /health`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from bot.app import must_retry
from bot.health_http import health_response, write_json
from bot.polling import Receiver, StoppedDuringStartup, with_retries

log = logging.getLogger(__name__)

READ_TIMEOUT = 10.0
MAX_BODY = 1 << 20
MAX_HEADER_LINES = 100


class WebhookServer:
    """POST /<path> with Telegram's secret-token header → handle the update → 200. GET /health → JSON."""

    def __init__(self, app: Application, host: str, port: int, path: str, secret: str) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.path = "/" + path.strip("/")
        self.secret = secret
        self.port: int | None = None
        self.handled = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.requested_port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("webhook listening on http://%s:%s%s", self.host, self.port, self.path)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=5)
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await self._answer(reader)
        except Exception:
            log.exception("webhook request failed")
            status, body = 500, {"ok": False}
        await write_json(writer, status, body)

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
        request_line = (await asyncio.wait_for(reader.readline(), READ_TIMEOUT)).decode("latin-1").split()
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADER_LINES):
            line = await asyncio.wait_for(reader.readline(), READ_TIMEOUT)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if len(request_line) < 2:
            return 400, {"ok": False}
        method, target = request_line[0], request_line[1].split("?", 1)[0]
        if target in ("/health", "/healthz") and method in ("GET", "HEAD"):
            return await health_response(self.app)
        if target != self.path:
            return 404, {"ok": False}
        if method != "POST":
            return 405, {"ok": False}
        if not hmac.compare_digest(headers.get("x-telegram-bot-api-secret-token", ""), self.secret):
            return 403, {"ok": False}
        length = int(headers.get("content-length") or 0)
        if length <= 0 or length > MAX_BODY:
            return (413 if length > MAX_BODY else 400), {"ok": False}
        data = json.loads(await asyncio.wait_for(reader.readexactly(length), READ_TIMEOUT))
        update = Update.de_json(data, self.app.bot)
        await self.app.process_update(update)  # handlers commit before they answer; only then the 200
        if must_retry(self.app, update):  # storage busy: not stored, so no 200; Telegram delivers it again
            return 503, {"ok": False}
        self.handled += 1
        return 200, {"ok": True}


def webhook_receiver(*, listen: str, port: int, url: str, secret: str, bootstrap_retries: int = -1,
                     on_listening: Callable[[WebhookServer], None] | None = None) -> Receiver:
    """A receiver for `bot.polling.serve`: listen, register the webhook with Telegram, wait for `stop`.

    The server listens on the path of `url` (the public address TLS terminates at)."""
    path = urlsplit(url).path or "/"

    async def receive(app: Application, stop: asyncio.Event) -> None:
        server = WebhookServer(app, listen, port, path, secret)
        await server.start()
        app.bot_data["webhook_server"] = server
        try:
            if on_listening is not None:
                on_listening(server)
            with suppress(StoppedDuringStartup):
                await with_retries(lambda: app.bot.set_webhook(url=url, secret_token=secret,
                                                               allowed_updates=Update.ALL_TYPES,
                                                               drop_pending_updates=False),
                                   bootstrap_retries, "setWebhook", stop)
            await stop.wait()
        finally:
            await server.close()

    return receive
