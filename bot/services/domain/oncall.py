"""On-call: rota shifts, holiday duty plans and swaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Shift:
    day: date
    person_id: int
    source: str
    plan_id: int | None
    starts_at: datetime | None = None  # a shift with times covers only [starts_at, ends_at) of its duty day
    ends_at: datetime | None = None

    def covers(self, moment: datetime) -> bool:
        """True unless the shift has times and `moment` is outside them."""
        if self.starts_at is None or self.ends_at is None:
            return True
        return self.starts_at <= moment < self.ends_at


@dataclass(frozen=True)
class DutyPlan:
    id: int
    name: str
    name_en: str
    first_day: date
    last_day: date
    status: str
    proposed_at: datetime
    approved_at: datetime | None
    approved_by: int | None
    days: dict[date, int]  # day -> person id


@dataclass(frozen=True)
class Swap:
    id: int
    day: date
    from_person: int
    to_person: int
    status: str
    requested_at: datetime
    peer_ok_at: datetime | None
    decided_at: datetime | None
    decided_by: int | None
