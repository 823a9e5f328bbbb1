"""Puts the database-derived timers (bot/services/timers.py) on python-telegram-bot's JobQueue.

At start-up every sweep runs once (deadlines that passed while the bot was down fire at once), then
each timer gets one job at its next due time (named, replace_existing, misfire_grace_time=None so a
late job still runs), and a repeating backstop sweep covers anything a job could miss.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram.ext import CallbackContext, JobQueue

from bot.services import schedule
from bot.services.container import Services
from bot.services.timers import Timer, run_sweep

log = logging.getLogger(__name__)

JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True, "replace_existing": True}
MIN_DELAY = 0.5
POKE_DELAY = 0.2


class TimerScheduler:
    """`contracts`: every contract of the deployment (issue 18; default: `services` alone). Each timer has one job,
    at the earliest moment any contract has something due, and its sweep runs for every contract."""

    def __init__(self, services: Services, job_queue: JobQueue, contracts: list[Services] | None = None) -> None:
        self.services = services
        self.contracts = contracts or [services]
        self.job_queue = job_queue
        self._poke_task: asyncio.Task[None] | None = None
        self.next_runs: dict[str, datetime | None] = {}
        self._unsubscribe: Callable[[], None] | None = None

    async def start(self) -> None:
        await self.sweep_all()
        await self.reschedule_all()
        interval = self.services.settings.sweep_interval.total_seconds()
        self.job_queue.run_repeating(self._backstop, interval=interval, first=interval, name="timers:backstop",
                                     job_kwargs={**JOB_KWARGS, "id": "timers:backstop"})
        if self._unsubscribe is None:
            undo = [each.timer_pokes.subscribe(self.poke) for each in self.contracts]

            def unsubscribe() -> None:
                for one in undo:
                    one()

            self._unsubscribe = unsubscribe

    def stop(self) -> None:
        """No more pokes (the jobs go with the JobQueue); a recomputation still waiting is dropped, so it never
        runs on the database after it closed."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._poke_task is not None and not self._poke_task.done():
            self._poke_task.cancel()
        self._poke_task = None

    async def sweep_all(self) -> None:
        for timer in schedule.TIMERS:
            await self._sweep(timer)

    async def _sweep(self, timer: Timer) -> None:
        for services in self.contracts:
            try:
                if not await run_sweep(services, timer, services.now()):
                    log.debug("timer %s of %s: another replica is sweeping it", timer.name, services.contract_id)
            except Exception:  # one broken feature (or contract) must not stop the others' deadlines
                log.exception("timer %s of %s failed", timer.name, services.contract_id)

    async def reschedule_all(self) -> None:
        for timer in schedule.TIMERS:
            await self._schedule(timer)

    async def _schedule(self, timer: Timer) -> None:
        now = self.services.now()
        dues = []
        for services in self.contracts:
            try:
                dues.append(await timer.next_due(services, now))
            except Exception:
                log.exception("timer %s of %s: next_due failed", timer.name, services.contract_id)
        known = [d for d in dues if d is not None]
        if not known and len(dues) < len(self.contracts):
            return  # next_due failed: keep the job it had (the backstop sweeps anyway)
        due = min(known) if known else None
        self.next_runs[timer.name] = due
        job_id = f"timer:{timer.name}"
        for job in self.job_queue.get_jobs_by_name(job_id):
            job.schedule_removal()
        if due is None:
            return
        delay = max((due - now).total_seconds(), MIN_DELAY)
        self.job_queue.run_once(self._fire, when=timedelta(seconds=delay), data=timer, name=job_id,
                                job_kwargs={**JOB_KWARGS, "id": job_id})

    async def _fire(self, context: CallbackContext) -> None:
        timer: Timer = context.job.data  # type: ignore[union-attr,assignment]
        await self._sweep(timer)
        await self._schedule(timer)

    async def _backstop(self, context: CallbackContext) -> None:
        await self.sweep_all()
        await self.reschedule_all()

    def poke(self) -> None:
        """A change may have moved a deadline: recompute the jobs soon. Debounced: a burst of changes costs one
        recomputation every POKE_DELAY seconds, not one per update."""
        if self._poke_task is None or self._poke_task.done():
            self._poke_task = asyncio.get_running_loop().create_task(self._reschedule_soon())

    async def _reschedule_soon(self) -> None:
        await asyncio.sleep(POKE_DELAY)
        await self.reschedule_all()
