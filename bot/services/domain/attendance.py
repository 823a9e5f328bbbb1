"""Attendance: one engineer's record of a day, the days present, and leave / make-up requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple


@dataclass(frozen=True)
class AttendanceDay:
    """One engineer's record of one day."""

    id: int
    person_id: int
    day: date
    checkin_at: datetime | None
    checkout_at: datetime | None
    chat_id: int | str | None
    late_minutes: int
    early_minutes: int
    holiday_duty: bool
    latitude: float | None
    longitude: float | None
    distance_m: float | None
    outside_site: bool | None
    location_at: datetime | None

    def snapshot(self) -> dict[str, Any]:
        """JSON-friendly view for the audit trail."""
        return {"day": self.day.isoformat(), "checkin_at": self.checkin_at, "checkout_at": self.checkout_at,
                "late_minutes": self.late_minutes, "early_minutes": self.early_minutes,
                "holiday_duty": self.holiday_duty, "distance_m": self.distance_m,
                "outside_site": self.outside_site}


class Presence(NamedTuple):
    """A checked-in day as the attendance rate reads it."""

    person_id: int
    day: date
    late_minutes: int
    holiday_duty: bool
    outside_site: bool


class PresenceDays(NamedTuple):
    present: dict[int, set[date]]   # person id → the days checked in
    flagged: list[Presence]         # checked-in days with late minutes, holiday duty or outside the site


@dataclass(frozen=True)
class AttendanceRequest:
    """A leave or make-up request and its decision."""

    id: int
    person_id: int
    kind: str
    first_day: date
    last_day: date
    reason: str
    status: str
    created_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    half: str | None = None  # am | pm: half-day leave on first_day; None: whole days

    def snapshot(self) -> dict[str, Any]:
        snap = {"kind": self.kind, "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
                "reason": self.reason, "status": self.status, "decided_by": self.decided_by}
        if self.half:
            snap["half"] = self.half
        return snap
