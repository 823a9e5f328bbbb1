"""The monthly report goes to the contacts by itself on the first working day of each month (#7).

Due at `reports.monthly_time` (local) on the first working day of a month, for the month before, while
that month lies in the contract's service period. A report missed while the bot was down (for a day or
for weeks) is sent at start-up, or at the next backstop sweep, any time later in that same month; once the
month is over it is left to /report. Sending is claimed per month in `report_runs` and every outbox row
has a per-month dedup key.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.services.report import reported_month, send_monthly_report
from bot.services.scoring import Period, month_bounds
from bot.services.timers import Timer
from bot.services.tracking import tracking_start
from storage.scoring import ScoringRepository

if TYPE_CHECKING:
    from bot.services.container import Services

log = logging.getLogger(__name__)


def _due_at(services: Services, first_of_month: date) -> datetime:
    day = services.calendar.add_workdays(first_of_month, 0)  # the first working day on or after the 1st
    return datetime.combine(day, services.settings.reports.monthly_time, services.tz)


def _covered(services: Services, first_of_month: date) -> Period | None:
    """The period the report sent in `first_of_month`'s month covers, if it lies in the contract."""
    contract = services.settings.contract
    first, last = month_bounds(reported_month(first_of_month))
    start, end = max(first, contract.start), min(last, contract.end)
    return Period(start, end, "month") if start <= end else None


def _window_end(services: Services, due: datetime) -> datetime:
    """The report may still go out until the end of the month it is due in."""
    following = month_bounds(services.local(due).date())[1] + timedelta(days=1)
    return datetime.combine(following, time(0), services.tz)


async def _already_sent(services: Services, month: str) -> bool:
    async with services.db.uow() as uow:
        return await uow.repo(ScoringRepository).report_sent(month)


async def next_due(services: Services, now: datetime) -> datetime | None:
    if not services.settings.reports.monthly:
        return None
    this_month = services.local(now).date().replace(day=1)
    following = month_bounds(this_month)[1] + timedelta(days=1)
    for first in (this_month, following):
        covered = _covered(services, first)
        if covered is None:
            if reported_month(first) > services.settings.contract.end:
                return None
            continue
        due = _due_at(services, first)
        if covered.end < await tracking_start(services):
            continue
        # Already past due and unsent (the bot was down, or the build failed): the start-up and backstop
        # sweeps send it; a precise job at a past time would only spin on a failing build.
        if now >= due or await _already_sent(services, covered.month):
            continue
        return due
    return None


async def sweep(services: Services, now: datetime) -> None:
    if not services.settings.reports.monthly:
        return
    first = services.local(now).date().replace(day=1)
    covered = _covered(services, first)
    if covered is None:
        return
    due = _due_at(services, first)
    if not due <= now < _window_end(services, due):
        return
    if covered.end < await tracking_start(services):
        return  # a month the bot did not see (a new database mid-contract): no report sent by itself
    try:
        await send_monthly_report(services, covered)
    except Exception:  # a component not live yet must not stop other timers; retried at the next sweep
        log.exception("monthly report for %s could not be built", covered.month)


MONTHLY_REPORT = Timer("report.monthly", sweep, next_due)
