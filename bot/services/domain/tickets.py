"""Tickets (work orders), their history and the FAQ built from them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Ticket:
    id: int
    kind: str
    text: str
    system: str | None
    region: str | None
    status: str
    urgent: bool
    requester_id: int
    assignee_id: int | None
    source_chat_id: int | str | None
    due_at: datetime
    due_explicit: bool
    created_at: datetime
    taken_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    closed_at: datetime | None
    reopen_count: int
    province_no: str | None
    estimate_days: float | None
    ruling: str | None
    ruling_note: str | None
    rating: str | None
    rated_at: datetime | None
    rated_by: int | None
    rating_comment: str | None
    overdue_reminded_at: datetime | None
    lead_reminded_at: datetime | None
    waiting_since: datetime | None = None   # waiting for the client / a third party / parts: the clock pauses
    waiting_reason: str | None = None       # one of WAIT_REASONS
    waiting_note: str | None = None
    paused_seconds: int = 0                 # working time waited so far (the due time moved by it)

    @property
    def is_open(self) -> bool:
        """Not yet resolved (open or taken)."""
        return self.status in ("open", "taken")

    @property
    def is_waiting(self) -> bool:
        return self.waiting_since is not None

    def is_overdue(self, now: datetime) -> bool:
        """Open past its due time, and not waiting (a waiting ticket's clock is paused)."""
        return self.is_open and not self.is_waiting and self.due_at < now


@dataclass(frozen=True)
class FaqEntry:
    id: int
    ticket_id: int
    question: str
    answer: str
    added_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor_name: str | None
    action: str
    after: Any


class MissedTicket(NamedTuple):
    """A ticket that counts against the completion rate: resolved late, or still open past its due time."""

    id: int
    text: str
    due_at: datetime
    resolved_at: datetime | None


class RatedTicket(NamedTuple):
    id: int
    text: str
    rating: str
    rated_at: datetime


# --- waiting time that does not count (待甲方确认 / 等待第三方 / 待备件) ---------------------------------------

WAIT_REASONS = ("client", "third_party", "parts")


@dataclass(frozen=True)
class WorkingDay:
    """The working calendar as the pause rule needs it: which days are working days, and the hours."""

    is_workday: Callable[[date], bool]
    start: time
    end: time
    tz: tzinfo


def _day_window(day: date, hours: WorkingDay) -> tuple[datetime, datetime]:
    return datetime.combine(day, hours.start, hours.tz), datetime.combine(day, hours.end, hours.tz)


def working_time_between(start: datetime, end: datetime, hours: WorkingDay) -> timedelta:
    """The working time in [start, end): working hours of working days only (nights, weekends and holidays
    do not count)."""
    total = timedelta(0)
    if end <= start:
        return total
    day = start.astimezone(hours.tz).date()
    last = end.astimezone(hours.tz).date()
    while day <= last:
        if hours.is_workday(day):
            lo, hi = _day_window(day, hours)
            overlap = min(hi, end) - max(lo, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


def add_working_time(moment: datetime, amount: timedelta, hours: WorkingDay) -> datetime:
    """`moment` moved later by `amount` of working time (counted from the next working moment)."""
    if amount <= timedelta(0):
        return moment
    left = amount
    day = moment.astimezone(hours.tz).date()
    for _ in range(3660):  # ten years of days: a bound, never reached by a real pause
        if hours.is_workday(day):
            lo, hi = _day_window(day, hours)
            begin = max(lo, moment)
            if begin < hi:
                if begin + left <= hi:
                    return begin + left
                left -= hi - begin
        day += timedelta(days=1)
    raise ValueError("no working time found to move the due time into")
