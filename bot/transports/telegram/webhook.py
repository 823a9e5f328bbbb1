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

from bot.app import must_retry, start_timers
from bot.health_http import health_response, write_json
from bot.transports.telegram.polling import Receiver, StoppedDuringStartup, handle_received, received_now, with_retries

log = logging.getLogger(__name__)

READ_TIMEOUT = 10.0  # seconds for a request's head, and again for its body: a slow client is cut off (408)
MAX_BODY = 1 << 20  # an update is a few KB; a larger body is refused unread (413)
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
        self.read_timeout = READ_TIMEOUT  # for the whole head, then for the whole body
        self.max_body = MAX_BODY
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
        """Read one request within `read_timeout` (a slow or stalled client gets 408), check it, handle it.

        Bad requests get a 4xx without a traceback: a malformed header, a non-ASCII secret, a Content-Length
        that is not a number or is over `max_body`, a body that is not an update."""
        try:
            async with asyncio.timeout(self.read_timeout):
                request_line, headers = await self._read_head(reader)
        except TimeoutError:
            return 408, {"ok": False}
        except (ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):  # a line over 64 KB
            return 400, {"ok": False}
        if len(request_line) < 2 or headers is None:
            return 400, {"ok": False}
        method, target = request_line[0], request_line[1].split("?", 1)[0]
        if target in ("/health", "/healthz") and method in ("GET", "HEAD"):
            return await health_response(self.app)
        if target != self.path:
            return 404, {"ok": False}
        if method != "POST":
            return 405, {"ok": False}
        # Compare bytes: a header is latin-1 on the wire, and a non-ASCII str would make compare_digest raise.
        given = headers.get("x-telegram-bot-api-secret-token", "").encode("latin-1")
        if not hmac.compare_digest(given, self.secret.encode()):
            return 403, {"ok": False}
        length_text = headers.get("content-length", "")
        if not length_text.isascii() or not length_text.isdigit():
            return (411 if not length_text else 400), {"ok": False}
        length = int(length_text)
        if length > self.max_body:
            return 413, {"ok": False}
        if length == 0:
            return 400, {"ok": False}
        try:
            async with asyncio.timeout(self.read_timeout):
                raw = await reader.readexactly(length)
        except TimeoutError:
            return 408, {"ok": False}
        except asyncio.IncompleteReadError:
            return 400, {"ok": False}
        try:
            data = json.loads(raw)
            update = Update.de_json(data, self.app.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            return 400, {"ok": False}
        received = received_now(self.app)  # before handling: a button press counts from here
        await handle_received(self.app, update, received)  # handlers commit before they answer; only then the 200
        if must_retry(self.app, update):  # storage busy: not stored, so no 200; Telegram delivers it again
            return 503, {"ok": False}
        self.handled += 1
        return 200, {"ok": True}

    @staticmethod
    async def _read_head(reader: asyncio.StreamReader) -> tuple[list[str], dict[str, str] | None]:
        """The request line's words and the headers (lower-case names); None for headers when too many."""
        request_line = (await reader.readline()).decode("latin-1").split()
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADER_LINES):
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                return request_line, headers
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return request_line, None


PENDING_WAIT = 30.0  # seconds at most that the start-up sweep waits for Telegram to push the pending updates


async def pending_pushed(app: Application, stop: asyncio.Event, *, limit: float = PENDING_WAIT) -> None:
    """Wait (bounded) until Telegram has pushed the updates that waited while the bot was down, so that the
    timers' start-up sweep judges deadlines after the actions sent before them were recorded."""
    deadline = asyncio.get_running_loop().time() + limit
    while not stop.is_set() and asyncio.get_running_loop().time() < deadline:
        try:
            info = await app.bot.get_webhook_info()
        except Exception as exc:  # an unknown answer must not keep the timers from starting
            log.warning("getWebhookInfo failed (%s); the timers start now", exc)
            return
        if not info.pending_update_count:
            return
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)


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
            if not stop.is_set():
                await pending_pushed(app, stop)
                await start_timers(app)
            await stop.wait()
        finally:
            await server.close()

    return receive
