"""Recurring inspections and maintenance tasks (巡检计划, issue 20): when each falls.

A task repeats daily (every working day), weekly (weekday `day`, 1 = Monday), monthly (day `day` of the month,
the last day in a shorter month) or quarterly (day `day` of January, April, July, October). A day that is not a
working day moves to the next working day. A run opens at its local time `at` on that day; a run not done by the
end of its day is missed and, when it counts for daily maintenance, is a missed daily-maintenance item.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

EVERY = ("daily", "weekly", "monthly", "quarterly")
QUARTER_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True)
class Inspection:
    id: int
    name: str
    every: str
    day: int
    at: time
    creates: str  # checklist | ticket
    daily_maintenance: bool
    source: str  # config | chat
    starts_on: date
    paused_at: datetime | None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None


@dataclass(frozen=True)
class InspectionRun:
    id: int
    inspection_id: int
    due_day: date
    opened_at: datetime
    ticket_id: int | None
    daily_maintenance: bool
    done_at: datetime | None
    done_by: int | None
    note: str | None
    missed_at: datetime | None


def _month_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def nominal_days(every: str, day: int, first: date, last: date) -> list[date]:
    """The calendar days in [first, last] the task falls on, before moving to a working day."""
    days: list[date] = []
    if every in ("daily", "weekly"):
        current = first
        while current <= last:
            if every == "daily" or current.isoweekday() == day:
                days.append(current)
            current += timedelta(days=1)
        return days
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        if every == "monthly" or month in QUARTER_MONTHS:
            candidate = _month_day(year, month, day)
            if first <= candidate <= last:
                days.append(candidate)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def occurrences(every: str, day: int, first: date, last: date, is_workday: Callable[[date], bool]) -> list[date]:
    """The working days in [first, last] a run is due: daily on every working day; otherwise the nominal day,
    moved to the next working day when it is not one."""
    if every == "daily":
        return [d for d in nominal_days(every, day, first, last) if is_workday(d)]
    found: list[date] = []
    for nominal in nominal_days(every, day, first - timedelta(days=40), last):
        moved = nominal
        for _ in range(60):
            if is_workday(moved):
                break
            moved += timedelta(days=1)
        if first <= moved <= last and moved not in found:
            found.append(moved)
    return found


def done_in_time(run: InspectionRun, local_done_day: date | None) -> bool:
    """Done by the end of its due day (local)."""
    return local_done_day is not None and local_done_day <= run.due_day
