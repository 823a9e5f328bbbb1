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
