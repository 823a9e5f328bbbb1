"""Urgent requests: someone on site within the arrival deadline (one hour by the contract), reminders, the
breach and the escalation chain after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True)
class UrgentRequest:
    id: int
    ticket_id: int | None
    text: str
    raised_by: int
    raised_at: datetime
    started_at: datetime
    deadline_at: datetime
    reminders_done: int
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    arrived_at: datetime | None
    arrived_by: int | None
    arrival_latitude: float | None
    arrival_longitude: float | None
    arrival_distance_m: float | None
    arrival_on_site: bool | None
    breach_detected_at: datetime | None
    escalation_next_step: int
    escalation_stopped_at: datetime | None
    escalation_stopped_by: int | None
    support_requested_at: datetime | None
    support_requested_by: int | None
    second_line_deadline_at: datetime | None
    second_line_arrived_at: datetime | None
    second_line_arrived_by: int | None
    second_line_breach_detected_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: int | None
    cancel_reason: str | None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def breached(self) -> bool:
        return self.breach_detected_at is not None

    @property
    def escalating(self) -> bool:
        return (self.breached and self.arrived_at is None and self.escalation_stopped_at is None
                and self.cancelled_at is None)

    def arrived_in_time(self) -> bool:
        return self.arrived_at is not None and self.arrived_at <= self.deadline_at

    def second_line_open(self) -> bool:
        return self.support_requested_at is not None and self.second_line_arrived_at is None


class UrgentOutcome(NamedTuple):
    """What the responsiveness rate needs of a request (a year holds ~2,000: bench/bench_score.py)."""

    id: int
    started_at: datetime
    deadline_at: datetime
    acknowledged_at: datetime | None
    arrived_at: datetime | None
    arrival_on_site: bool | None = None  # False: the location shared on arrival was outside the site
    cancelled_at: datetime | None = None  # cancelled (no one needed on site): before the deadline, not counted

    def arrived_in_time(self) -> bool:
        return self.arrived_at is not None and self.arrived_at <= self.deadline_at


@dataclass(frozen=True)
class Recipient:
    person_id: int
    role: str
    notified_at: datetime
    acknowledged_at: datetime | None
