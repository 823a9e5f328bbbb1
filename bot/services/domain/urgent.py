"""Urgent requests: someone on site within the arrival deadline (one hour by the contract), reminders, the
breach and the escalation chain after it.

- The deadline is the start (when it was discovered, else raised) + the arrival time allowed (`ARRIVAL_WITHIN`,
  configurable as `sla.arrival_deadline`); arriving exactly at the deadline is on time.
- Reminders fall at `reminder_offsets` after the start; once the deadline passes without an arrival the request
  is breached, and escalation step i falls at deadline + its delay until someone acknowledges or arrives.
- A request cancelled after its deadline with nobody on site still counts as missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from bot.services.domain.people import Person, Role, is_client_side

ARRIVAL_WITHIN = timedelta(hours=1)  # the contract: someone on site within one hour


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
    ack_note: str | None = None          # "收到，预计 20 分钟到": the acknowledgement's note
    ack_eta: datetime | None = None      # the estimated arrival it gave (not a deadline: the one hour decides)
    calls_done: int = 0  # how many of `sla.calls` (phone / SMS steps) were claimed

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
        return arrived_on_time(self.arrived_at, self.deadline_at)

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
        return arrived_on_time(self.arrived_at, self.deadline_at)


@dataclass(frozen=True)
class Recipient:
    person_id: int
    role: str
    notified_at: datetime
    acknowledged_at: datetime | None


def arrival_deadline(started_at: datetime, within: timedelta = ARRIVAL_WITHIN) -> datetime:
    """When someone must be on site: the start (discovery, else the raise) + the time allowed."""
    return started_at + within


def arrived_on_time(arrived_at: datetime | None, deadline_at: datetime) -> bool:
    """Arrived, and not after the deadline (exactly at the deadline is on time)."""
    return arrived_at is not None and arrived_at <= deadline_at


def counted_as_missed(request: UrgentRequest) -> bool:
    """Cancelled after its deadline with nobody on site: the breach stands."""
    return (request.cancelled_at is not None and request.arrived_at is None
            and request.cancelled_at > request.deadline_at)


def missed_estimate(request: UrgentRequest, now: datetime) -> bool:
    """Arrived after the estimate given with the acknowledgement (or not arrived and the estimate passed).
    Shown on the request's timeline; not a breach by itself: the arrival deadline decides that."""
    if request.ack_eta is None or request.cancelled_at is not None:
        return False
    if request.arrived_at is not None:
        return request.arrived_at > request.ack_eta
    return now > request.ack_eta


def may_cancel(person: Person, request: UrgentRequest) -> bool:
    """Whoever raised it, a supervisor or the client's contact (not a vendor-side contact)."""
    return person.id == request.raised_by or is_client_side(person)


# The escalation chain's targets (`sla.escalation_steps[i].target`) and the roles each one calls.
TARGET_ROLES: dict[str, set[Role]] = {
    "lead": {Role.LEAD},
    "contacts": {Role.CONTACT},
    "escalation": {Role.ESCALATION},
    "supervisors": {Role.SUPERVISOR},
    "admins": {Role.ADMIN},
}


def due_times(request: UrgentRequest, reminder_offsets: Sequence[timedelta],
              escalation_delays: Sequence[timedelta]) -> list[datetime]:
    """Every moment this request still has something to do, from its stored state: the next reminder (offsets
    from the start), the breach at the deadline, then the next escalation step (delays from the deadline) until
    the chain is stopped, and the second line's deadline."""
    due: list[datetime] = []
    if request.arrived_at is None:
        if request.reminders_done < len(reminder_offsets):
            due.append(request.started_at + reminder_offsets[request.reminders_done])
        if request.breach_detected_at is None:
            due.append(request.deadline_at)
        elif request.escalation_stopped_at is None and request.escalation_next_step < len(escalation_delays):
            due.append(request.deadline_at + escalation_delays[request.escalation_next_step])
    if (request.second_line_deadline_at is not None and request.second_line_arrived_at is None
            and request.second_line_breach_detected_at is None):
        due.append(request.second_line_deadline_at)
    return due


def call_due(request: UrgentRequest, call_offsets: Sequence[timedelta]) -> datetime | None:
    """When the next phone / SMS step (`sla.calls`, offsets from the start) falls: only while nobody has
    acknowledged or arrived and the request stands."""
    if (request.acknowledged_at is not None or request.arrived_at is not None or request.cancelled_at is not None
            or request.calls_done >= len(call_offsets)):
        return None
    return request.started_at + call_offsets[request.calls_done]
