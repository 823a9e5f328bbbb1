"""The reliability runtime: downtime notice at start-up, the liveness ticker and heartbeat.

`start_reliability(app)` is called by bot/app.py's `start_timers` after the timers were rebuilt (so the start-up
sweep has queued whatever fell due while the bot was down), `stop_reliability(app)` by on_shutdown before
the database closes. `GET /health` is served by the bot's HTTP server (bot/web/health.py, bot/web/server.py).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from telegram.ext import Application

from bot.services import health
from bot.services.container import Services
from bot.state import app_state

log = logging.getLogger(__name__)


class ReliabilityRuntime:
    """The liveness ticker: stamp + heartbeat every `alive_interval`. The stamp is the process's, kept on the first
    contract; the downtime notice goes to the admins of every contract (`contracts`, issue 18), each about its own
    outbox and named by its contract when there are several."""

    def __init__(self, app: Application, services: Services, contracts: list[Services] | None = None) -> None:
        self.app = app
        self.services = services
        self.contracts = contracts or [services]
        self._ticker: asyncio.Task[None] | None = None
        self.heartbeats_ok = 0
        self.heartbeats_failed = 0

    async def start(self) -> None:
        downtime = await health.detect_downtime(self.services)
        if downtime is not None:
            # INFO, in the contract's local time: the admins get the notice; the console must not print it raw.
            log.info("the bot was down from %s to %s (%s)", self.services.fmt(downtime.down_from),
                     self.services.fmt(downtime.down_until), self.services.settings.contract.timezone)
            for each in self.contracts:
                seen = downtime if each is self.services else await health.downtime_of(each, downtime)
                await health.notify_downtime(each, seen)
        await health.alive_tick(self.services)
        self._ticker = asyncio.create_task(self._tick_forever(), name="reliability-ticker")

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
        try:
            await health.mark_clean_stop(self.services)
        except Exception:
            log.exception("could not record the clean stop")


async def start_reliability(app: Application) -> None:
    """on_startup hook (after the timers' start-up sweep)."""
    state = app_state(app)
    if state.reliability is not None:
        return
    services = state.running_services()
    state.reliability = ReliabilityRuntime(app, services, state.deployment.all() if state.deployment else None)
    await state.reliability.start()


async def stop_reliability(app: Application) -> None:
    """on_shutdown hook (before the database closes)."""
    state = app_state(app)
    runtime, state.reliability = state.reliability, None
    if runtime is not None:
        await runtime.stop()
