"""The bot's one HTTP server: uvicorn serving one Starlette app (`bot.web.app.build_http_app`) inside the bot's event
loop, on every address the configuration names — the Telegram webhook's (webhook mode), `reliability.health_port`'s
and the web page's (`[web]`; the console always serves it). Addresses that are the same share one socket. Started
by the composition root (bot/app.py: `start_http` in on_startup, `stop_http` in on_shutdown).

Every address serves the same routes: the webhook (only with its secret token), GET /health and, with `[web]`, the
web page (only with a signed link). uvicorn has no deadline for a request's head, so the protocol adds one: a client
that stalls or dribbles its headers gets 408 and is cut off (the webhook route has the same deadline for its body).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import h11
import uvicorn
from starlette.routing import BaseRoute
from telegram.ext import Application
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.services import web_access
from bot.services.container import Services
from bot.state import app_state
from bot.web.app import build_http_app
from bot.web.health import health_routes
from config.settings import WebSettings

log = logging.getLogger(__name__)


READ_TIMEOUT = 10.0  # seconds for a request's head, and again for a body: a slow or stalled client gets 408
MAX_BODY = 1 << 20  # an update is a few KB; a larger body is refused (413)
MAX_CONNECTIONS = 100  # beyond this uvicorn answers 503 (Telegram's webhook uses at most 40 at once)
SHUTDOWN_GRACE = 5  # seconds for requests in flight at shutdown


@dataclass
class HttpLimits:
    """How long a client may take to send a request's head, and then its body; the largest body accepted."""

    read_timeout: float = READ_TIMEOUT
    max_body: int = MAX_BODY


@dataclass
class Listener:
    """An address the server listens on; `port` is the bound one (a requested 0 becomes the free port chosen)."""

    host: str
    port: int

    @property
    def local_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


@dataclass
class WebListener(Listener):
    settings: WebSettings

    @property
    def root(self) -> str:
        """The address links point to: the configured public base URL, else the local address."""
        return web_access.base_url(self.settings, self.port)


class Mountable(Protocol):
    """What the webhook receiver offers the server (bot/transports/telegram/webhook.py)."""

    listen: str
    requested_port: int
    port: int | None

    def routes(self, limits: HttpLimits) -> list[BaseRoute]: ...


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's head (from the connection, or from the previous
    response on a kept-alive connection): late with a started head → 408 and closed; idle → closed."""

    limits: HttpLimits = HttpLimits()  # replaced per server (`HttpServer.start`)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None
        self._waiting_after: object = None  # the request cycle the deadline was set after (None: the first)

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not self._waiting_after:  # the head of a new request arrived
            self._cancel_head_deadline()

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._arm_head_deadline()  # for the next request; a pipelined one handled just below cancels it
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._waiting_after = self.cycle
        self._head_deadline = self.loop.call_later(self.limits.read_timeout, self._head_too_late)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_late(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        started, _ = self.conn.trailing_data
        if started and self.conn.their_state is h11.IDLE:
            body = b"request timeout"
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                                 b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body))
        self.transport.close()


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the bot owns SIGTERM/SIGINT (bot/transports/telegram/polling.py: stop_on_signals)


class HttpServer:
    """uvicorn serving one ASGI app on already bound sockets."""

    def __init__(self, limits: HttpLimits | None = None) -> None:
        self.limits = limits or HttpLimits()
        self._sockets: dict[tuple[str, int], socket.socket] = {}
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def addresses(self) -> list[tuple[str, int]]:
        return list(self._sockets)

    def bind(self, host: str, port: int) -> Listener:
        """Listen on host:port (0: any free port); the same address twice shares one socket. OSError if taken."""
        if port and (host, port) in self._sockets:
            return Listener(host, port)
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        bound = sock.getsockname()[1]
        self._sockets[(host, bound)] = sock
        return Listener(host, bound)

    async def start(self, app: Any) -> None:
        protocol = type("Protocol", (HeadDeadlineProtocol,), {"limits": self.limits})
        config = uvicorn.Config(app, http=protocol, log_level="warning", lifespan="off", access_log=False,
                                limit_concurrency=MAX_CONNECTIONS, timeout_graceful_shutdown=SHUTDOWN_GRACE)
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=list(self._sockets.values())), name="http")
        while not self._server.started and not self._task.done():
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()
        log.info("HTTP on %s", ", ".join(f"{host}:{port}" for host, port in self._sockets))

    async def close(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, SHUTDOWN_GRACE + 2)
        for sock in self._sockets.values():
            sock.close()
        self._server = self._task = None


async def start_http(app: Application) -> HttpServer | None:
    """Start the one HTTP server for this Application (idempotent) on the addresses the configuration and the
    webhook receiver name; None when nothing is to be served. An address in use is logged and left out, except the
    webhook's (without it no update arrives: the start-up fails)."""
    state = app_state(app)
    services = state.services
    if services is None or state.http is not None:
        return state.http
    server = HttpServer()
    routes: list[BaseRoute] = []
    webhook = state.webhook  # set by the webhook receiver before on_startup (bot/transports/telegram/webhook.py)
    if webhook is not None:
        webhook.port = server.bind(webhook.listen, webhook.requested_port).port
        routes += webhook.routes(server.limits)
    reliability = services.settings.reliability
    if reliability.health_port is not None:
        with _unless_in_use("health endpoint", reliability.health_listen, reliability.health_port):
            state.health_server = server.bind(reliability.health_listen, reliability.health_port)
    web = services.settings.web
    if web is not None:
        with _unless_in_use("web page", web.listen, web.port):
            bound = server.bind(web.listen, web.port)
            state.web_server = WebListener(bound.host, bound.port, web)

    def health_source() -> tuple[Services | None, Any]:
        return state.services, state.scheduler.next_runs if state.scheduler else None

    def replica() -> dict[str, Any] | None:
        lease = state.polling_lease  # replicas on PostgreSQL in polling mode
        return None if lease is None else {"id": lease.holder, "polls": lease.holds}

    routes += health_routes(health_source, replica)
    if not server.addresses:
        return None
    try:
        web_contracts = state.deployment or services  # every contract's page: a link shows its own contract
        await server.start(build_http_app(routes, web=web_contracts if state.web_server is not None else None))
    except BaseException:
        await server.close()
        state.web_server = state.health_server = None
        raise
    state.http = server
    return server


@contextlib.contextmanager
def _unless_in_use(what: str, host: str, port: int) -> Iterator[None]:
    try:
        yield
    except OSError:
        log.exception("%s could not listen on %s:%s", what, host, port)


async def stop_http(app: Application) -> None:
    state = app_state(app)
    server, state.http = state.http, None
    state.web_server = state.health_server = None
    if server is not None:
        await server.close()
