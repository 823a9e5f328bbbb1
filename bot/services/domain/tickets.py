"""Tickets (work orders), their history and the FAQ built from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
    source_chat_id: int | None
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

    @property
    def is_open(self) -> bool:
        """Not yet resolved (open or taken)."""
        return self.status in ("open", "taken")


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
