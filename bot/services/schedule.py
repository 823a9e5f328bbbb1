"""Every timer of the bot, listed once, and the sweep that runs them all.

The list is explicit (no registration at import), so a test or the scheduler runs the same timers
whatever was imported before it. Sweeps run in this order at start-up and in the backstop.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.services import (
    attendance_timers,
    daily_log,
    duty_timers,
    inspections,
    oncall_timers,
    quiet,
    report_timers,
    ticket_timers,
    urgent_timers,
)
from bot.services.timers import Timer, run_sweep

if TYPE_CHECKING:
    from bot.services.container import Services

TIMERS: tuple[Timer, ...] = (
    attendance_timers.REMINDERS,
    daily_log.REMINDER_TIMER,
    duty_timers.BACKUP,
    duty_timers.DRILLS,
    duty_timers.HANDOVER,
    duty_timers.INCIDENTS,
    duty_timers.PAPERS,
    inspections.INSPECTION_TIMER,
    oncall_timers.ONCALL_TIMER,
    quiet.DIGEST_TIMER,
    report_timers.MONTHLY_REPORT,
    ticket_timers.AUTO_RATE_TIMER,
    ticket_timers.FAQ_DIGEST_TIMER,
    ticket_timers.OVERDUE_TIMER,
    urgent_timers.URGENT_TIMER,
)


def _check_unique(timers: tuple[Timer, ...]) -> None:
    names = [timer.name for timer in timers]
    if len(names) != len(set(names)):
        raise RuntimeError(f"timer names must be unique: {sorted(names)}")


_check_unique(TIMERS)


async def run_all_due(services: Services, now: datetime) -> None:
    """Run every sweep once (start-up, backstop, tests with a fake clock), each claimed across replicas."""
    for timer in TIMERS:
        await run_sweep(services, timer, now)
