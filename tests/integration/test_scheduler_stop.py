"""A poke just before shutdown never recomputes timers on the closed database (it used to log one
"Cannot operate on a closed database" error per timer after every stop)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.scheduling import POKE_DELAY, TimerScheduler
from bot.services.container import Services


class RecordingJobQueue:
    """Only what TimerScheduler calls outside start(): jobs are recorded, never run."""

    def __init__(self) -> None:
        self.scheduled: list[str] = []

    def get_jobs_by_name(self, name: str) -> list[Any]:
        return []

    def run_once(self, callback: Any, when: Any, data: Any = None, name: str = "", job_kwargs: Any = None) -> None:
        self.scheduled.append(name)


async def test_a_poke_pending_at_stop_is_dropped(services: Services, caplog: pytest.LogCaptureFixture) -> None:
    queue = RecordingJobQueue()
    scheduler = TimerScheduler(services, queue)  # type: ignore[arg-type]
    unsubscribe = services.timer_pokes.subscribe(scheduler.poke)
    services.timer_pokes.poke()
    scheduler.stop()
    unsubscribe()
    with caplog.at_level(logging.ERROR):
        await asyncio.sleep(POKE_DELAY * 3)
    assert queue.scheduled == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_poke_while_running_reschedules(services: Services) -> None:
    queue = RecordingJobQueue()
    scheduler = TimerScheduler(services, queue)  # type: ignore[arg-type]
    scheduler.poke()
    await asyncio.sleep(POKE_DELAY * 3)
    assert queue.scheduled, "a poke recomputes the timers' jobs"
    scheduler.stop()
