"""Timers derived from the database: each feature says when it next has work and does it idempotently.

A `Timer` has `next_due(services, now)` (the earliest moment something is due, from the database) and
`sweep(services, now)` (do everything due at `now`, claiming rows so a second run changes nothing). The
scheduler (bot/scheduling.py) runs every sweep at start-up, sets one precise job per timer at its next
due time, and runs a periodic backstop sweep, so a restart or a skipped job never misses a deadline.

Several replicas on one PostgreSQL database (issue 18.2) each run the same jobs: `run_sweep` claims the sweep of
a timer (an advisory lock of the contract and the timer) in one transaction that holds everything the sweep does
(its own units of work join it as savepoints), so a deadline fires in one replica; a replica that finds the
sweep claimed skips it (the holder records what is due). On SQLite (one process) the sweep runs as it always did.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.db import DATABASE_ERRORS

if TYPE_CHECKING:
    from bot.services.container import Services

SweepFn = Callable[["Services", datetime], Awaitable[Any]]
NextDueFn = Callable[["Services", datetime], Awaitable[datetime | None]]


@dataclass(frozen=True)
class Timer:
    name: str
    sweep: SweepFn
    next_due: NextDueFn


async def run_sweep(services: Services, timer: Timer, now: datetime) -> bool:
    """Run `timer`'s sweep once across replicas; False when another replica is running it right now."""
    db = services.db
    if db.backend == "sqlite":
        await timer.sweep(services, now)
        return True
    async with db.uow() as uow:
        if not await uow.try_claim(f"timer:{timer.name}"):
            return False
        try:
            await timer.sweep(services, now)
        except Exception:
            # what the sweep's own units of work completed before the failure stays, as on SQLite (the failed
            # one was rolled back to its savepoint)
            with contextlib.suppress(*DATABASE_ERRORS):
                await uow.commit()
            raise
        await uow.commit()
    return True
