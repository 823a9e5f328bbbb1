"""The daily maintenance log (日常维护): an engineer's inspection record of a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class DailyLog:
    id: int
    day: date
    person_id: int
    text: str
    created_at: datetime
