"""Timers derived from the database: each feature says when it next has work and does it idempotently.

A `Timer` has `next_due(services, now)` (the earliest moment something is due, from the database) and
`sweep(services, now)` (do everything due at `now`, claiming rows so a second run changes nothing). The
scheduler (bot/scheduling.py) runs every sweep at start-up, sets one precise job per timer at its next
due time, and runs a periodic backstop sweep, so a restart or a skipped job never misses a deadline.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services.container import Services

SweepFn = Callable[["Services", datetime], Awaitable[Any]]
NextDueFn = Callable[["Services", datetime], Awaitable[datetime | None]]


@dataclass(frozen=True)
class Timer:
    name: str
    sweep: SweepFn
    next_due: NextDueFn


_TIMERS: dict[str, Timer] = {}


def register_timer(timer: Timer) -> Timer:
    """Called at import by each feature's timer module; names are unique."""
    existing = _TIMERS.get(timer.name)
    if existing is not None and existing is not timer:
        raise RuntimeError(f"timer {timer.name!r} registered twice")
    _TIMERS[timer.name] = timer
    return timer


def all_timers() -> list[Timer]:
    return [_TIMERS[name] for name in sorted(_TIMERS)]


async def run_all_due(services: Services, now: datetime) -> None:
    """Run every sweep once (start-up, backstop, tests with a fake clock)."""
    for timer in all_timers():
        await timer.sweep(services, now)
