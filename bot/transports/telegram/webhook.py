"""Webhook mode, at least once: Telegram gets its 200 only after the update's handlers have finished.

python-telegram-bot's webhook server answers 200 as soon as an update is queued, so a crash drops every update
in flight. Here the webhook is one route of the bot's HTTP server (bot/web/server.py: Starlette under uvicorn, TLS
terminating in front of it at nginx or Caddy), as in python-telegram-bot's `examples/customwebhookbot/
starlettebot.py`, except that the route awaits the handlers before it answers: a crash or an error means no 200, and
Telegram delivers the update again, which the redelivery guard (bot/handlers/reliability.py) then recognises.

Answers: 200 handled and committed; 503 the storage was busy (not stored: Telegram retries); 403 a wrong secret
token; 400 a body that is not an update; 413 a body over the limit; 408 a client too slow to send it; never a
traceback.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from contextlib import suppress
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from telegram import Update
from telegram.ext import Application

from bot.app import must_retry, start_timers
from bot.state import app_state
from bot.transports.telegram.polling import StoppedDuringStartup, handle_received, received_now, with_retries
from bot.web.server import HttpLimits

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"
PENDING_WAIT = 30.0  # seconds at most that the start-up sweep waits for Telegram to push the pending updates
CLOSE_WAIT = 5.0  # seconds at most that stopping waits for the updates being handled


class BodyTooLarge(Exception):
    pass


class WebhookReceiver:
    """A receiver for `bot.transports.telegram.polling.serve`. `prepare(app)` (before on_startup) asks the bot's
    HTTP server for the route POST <path of url> on listen:port; calling it registers the webhook with Telegram,
    starts the timers once the pending updates were pushed, and takes updates until `stop`."""

    def __init__(self, *, listen: str, port: int, url: str, secret: str, bootstrap_retries: int = -1,
                 on_listening: Callable[[WebhookReceiver], None] | None = None) -> None:
        self.listen = listen
        self.requested_port = port
        self.port: int | None = None  # the bound port, once the HTTP server listens
        self.url = url
        self.path = "/" + urlsplit(url).path.strip("/")
        self.secret = secret
        self.bootstrap_retries = bootstrap_retries
        self.on_listening = on_listening
        self.limits = HttpLimits()  # the HTTP server's, once mounted
        self._app: Application | None = None
        self._closed = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def prepare(self, app: Application) -> None:
        self._app = app
        app_state(app).webhook = self

    def routes(self, limits: HttpLimits) -> list[BaseRoute]:
        self.limits = limits
        return [Route(self.path, self._receive, methods=["POST"])]

    async def _receive(self, request: Request) -> JSONResponse:
        if self._closed or self._app is None:  # stopping: not taken, so Telegram delivers it again later
            return refused(503)
        self._in_flight += 1
        self._idle.clear()
        try:
            return await self._answer(self._app, request)
        except Exception:
            log.exception("webhook request failed")
            return refused(500)
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def _answer(self, app: Application, request: Request) -> JSONResponse:
        # Compare bytes: a header is latin-1 on the wire, and a non-ASCII str would make compare_digest raise.
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, self.secret.encode()):
            return refused(403)
        try:
            raw = await read_body(request, self.limits)
        except BodyTooLarge:
            return refused(413)
        except TimeoutError:
            return refused(408)
        except ClientDisconnect:
            return refused(400)
        try:
            data = json.loads(raw)
            update = Update.de_json(data, app.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            return refused(400)
        received = received_now(app)  # before handling: a button press counts from here
        await handle_received(app, update, received)  # handlers commit before they answer; only then the 200
        if must_retry(app, update):  # storage busy: not stored, so no 200; Telegram delivers it again
            return refused(503)
        return JSONResponse({"ok": True})

    async def __call__(self, app: Application, stop: asyncio.Event) -> None:
        if self.port is None:
            raise RuntimeError("the webhook's route is not served: call prepare(app) before on_startup")
        log.info("webhook listening on http://%s:%s%s", self.listen, self.port, self.path)
        try:
            if self.on_listening is not None:
                self.on_listening(self)
            with suppress(StoppedDuringStartup):
                await with_retries(lambda: app.bot.set_webhook(url=self.url, secret_token=self.secret,
                                                               allowed_updates=Update.ALL_TYPES,
                                                               drop_pending_updates=False),
                                   self.bootstrap_retries, "setWebhook", stop)
            if not stop.is_set():
                await pending_pushed(app, stop)
                await start_timers(app)
            await stop.wait()
        finally:
            await self.close()

    async def close(self) -> None:
        """Take no more updates (503: Telegram keeps them) and let those being handled finish (bounded)."""
        self._closed = True
        with suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout=CLOSE_WAIT)


def refused(status: int) -> JSONResponse:
    """A refusal closes the connection: whatever the client still sends is not read."""
    return JSONResponse({"ok": False}, status_code=status, headers={"Connection": "close"})


async def read_body(request: Request, limits: HttpLimits) -> bytes:
    """The body, refused over `limits.max_body` (by its Content-Length, and as it streams in: chunked bodies have
    none) and cut off after `limits.read_timeout` seconds (TimeoutError)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_body:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async with asyncio.timeout(limits.read_timeout):
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_body:
                raise BodyTooLarge
            chunks.append(chunk)
    return b"".join(chunks)


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
                     on_listening: Callable[[WebhookReceiver], None] | None = None) -> WebhookReceiver:
    """A receiver for `bot.polling.serve`: the webhook's route on listen:port at the path of `url` (the public
    address TLS terminates at), registered with Telegram; updates are taken until `stop`."""
    return WebhookReceiver(listen=listen, port=port, url=url, secret=secret, bootstrap_retries=bootstrap_retries,
                           on_listening=on_listening)
