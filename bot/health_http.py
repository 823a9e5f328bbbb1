"""The reliability runtime: downtime notice at start-up, the liveness ticker and heartbeat, GET /health.

`start_reliability(app)` is called by bot/app.py's on_startup after the timers were rebuilt (so the start-up
sweep has queued whatever fell due while the bot was down), `stop_reliability(app)` by on_shutdown before
the database closes. The HTTP endpoint is a tiny asyncio server (no new dependency) serving
`GET /health` as JSON: 200 when healthy, 503 otherwise — for webhook deployments and uptime monitors.
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from typing import Any

from telegram.ext import Application

from bot.services import health
from bot.services.container import Services

log = logging.getLogger(__name__)

READ_TIMEOUT = 5.0
MAX_HEADER_LINES = 100
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           408: "Request Timeout", 411: "Length Required",
           413: "Payload Too Large", 500: "Internal Server Error", 503: "Service Unavailable"}


async def write_json(writer: asyncio.StreamWriter, status: int, body: dict[str, Any]) -> None:
    """Answer one HTTP request with a JSON body and close the connection (a client gone away is no error)."""
    payload = json.dumps(body, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}\r\n"
            f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(payload)}\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n")
    try:
        writer.write(head.encode() + payload)
        await writer.drain()
    except Exception:
        log.debug("HTTP client went away", exc_info=True)
    finally:
        writer.close()
        with suppress(Exception):
            await writer.wait_closed()


class HealthServer:
    """GET /health → the health report as JSON. One request per connection."""

    def __init__(self, app: Application, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.port: int | None = None
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.requested_port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("health endpoint on http://%s:%s/health", self.host, self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=2)
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await asyncio.wait_for(self._answer(reader), timeout=READ_TIMEOUT + 6)
        except Exception:
            status, body = 400, {"error": "bad request"}
        await write_json(writer, status, body)

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, Any]]:
        request_line = (await asyncio.wait_for(reader.readline(), timeout=READ_TIMEOUT)).decode("latin-1")
        for _ in range(MAX_HEADER_LINES):  # headers are read and ignored
            line = await asyncio.wait_for(reader.readline(), timeout=READ_TIMEOUT)
            if line in (b"\r\n", b"\n", b""):
                break
        parts = request_line.split()
        if len(parts) < 2:
            return 400, {"error": "bad request"}
        method, target = parts[0], parts[1].split("?", 1)[0]
        if target not in ("/health", "/healthz"):
            return 404, {"error": "not found"}
        if method not in ("GET", "HEAD"):
            return 405, {"error": "method not allowed"}
        return await health_response(self.app)


async def health_response(app: Application) -> tuple[int, dict[str, Any]]:
    """The health report as (HTTP status, JSON body): 200 when healthy, 503 otherwise (also the webhook)."""
    services: Services | None = app.bot_data.get("services")
    if services is None:
        return 503, {"status": "starting"}
    scheduler = app.bot_data.get("scheduler")
    report = await health.health_report(services, getattr(scheduler, "next_runs", None))
    return (200 if report.ok else 503), health.health_json(report)


class ReliabilityRuntime:
    """The liveness ticker (stamp + heartbeat every `alive_interval`) and the optional health server."""

    def __init__(self, app: Application, services: Services) -> None:
        self.app = app
        self.services = services
        self._ticker: asyncio.Task[None] | None = None
        self.server: HealthServer | None = None
        self.heartbeats_ok = 0
        self.heartbeats_failed = 0

    async def start(self) -> None:
        downtime = await health.detect_downtime(self.services)
        if downtime is not None:
            # INFO, in the contract's local time: the admins get the notice; the console must not print it raw.
            log.info("the bot was down from %s to %s (%s)", self.services.fmt(downtime.down_from),
                     self.services.fmt(downtime.down_until), self.services.settings.contract.timezone)
            await health.notify_downtime(self.services, downtime)
        await health.alive_tick(self.services)
        self._ticker = asyncio.create_task(self._tick_forever(), name="reliability-ticker")
        cfg = self.services.settings.reliability
        if cfg.health_port is not None:
            server = HealthServer(self.app, cfg.health_listen, cfg.health_port)
            try:
                await server.start()
            except OSError:
                log.exception("health endpoint could not listen on %s:%s", cfg.health_listen, cfg.health_port)
            else:
                self.server = server
                self.app.bot_data["health_server"] = server

    async def beat(self) -> None:
        """One tick: stamp 'alive' in the database, then (only if that worked) request the heartbeat URL."""
        if await self._stamp():
            await self._ping()

    async def _stamp(self) -> bool:
        try:
            await health.alive_tick(self.services)
        except Exception:
            log.exception("liveness stamp failed; heartbeat withheld")
            return False
        return True

    async def _ping(self) -> None:
        url = self.services.settings.telegram.heartbeat_url
        if not url:
            return
        if await health.ping_heartbeat(url):
            self.heartbeats_ok += 1
        else:
            self.heartbeats_failed += 1

    async def _tick_forever(self) -> None:
        interval = self.services.settings.reliability.alive_interval.total_seconds()
        alive = True  # start() has just stamped
        while True:
            if alive:
                await self._ping()
            await asyncio.sleep(interval)
            alive = await self._stamp()

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._ticker
            self._ticker = None
        if self.server is not None:
            await self.server.close()
            self.app.bot_data.pop("health_server", None)
            self.server = None
        try:
            await health.mark_clean_stop(self.services)
        except Exception:
            log.exception("could not record the clean stop")


async def start_reliability(app: Application) -> None:
    """on_startup hook (after the timers' start-up sweep)."""
    if "reliability" in app.bot_data:
        return
    runtime = ReliabilityRuntime(app, app.bot_data["services"])
    app.bot_data["reliability"] = runtime
    await runtime.start()


async def stop_reliability(app: Application) -> None:
    """on_shutdown hook (before the database closes)."""
    runtime: ReliabilityRuntime | None = app.bot_data.pop("reliability", None)
    if runtime is not None:
        await runtime.stop()
