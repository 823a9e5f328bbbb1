"""Contract duties (#8): staff changes, onboarding papers, security incidents and emergency drills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class StaffChange:
    id: int
    kind: str
    status: str
    leaving_id: int
    joining_id: int | None
    joining_name: str | None
    joining_telegram_id: int | None
    start_date: date | None
    release_date: date | None
    reason: str
    demand_reason: str | None
    requested_by: int | None
    demanded_by: int | None
    created_at: datetime


OPEN_CHANGE_STATES = ("demanded", "pending", "handover")


@dataclass(frozen=True)
class PaperRecord:
    person_id: int
    kind: str
    received_on: date


INCIDENT_TEXT_SECTIONS = ("discovery", "cause", "impact", "handling", "improvements")


@dataclass(frozen=True)
class Incident:
    id: int
    reporter_id: int
    summary: str
    sections: dict[str, str | None]
    approval: str
    approved_by: int | None
    approved_at: datetime | None
    status: str
    created_at: datetime
    closed_at: datetime | None
    last_reminded_at: datetime | None


@dataclass(frozen=True)
class Drill:
    id: int
    scenario: str
    planned_on: date
    status: str
    result: str | None
    done_at: datetime | None
    source: str


# -- an incident report's gaps ---------------------------------------------------------------------------
def missing(incident: Incident) -> list[str]:
    """What the report still lacks, in the contract's order ('approval' after the handling plan)."""
    gaps = [s for s in INCIDENT_TEXT_SECTIONS[:4] if not incident.sections[s]]
    if incident.approval != "approved":
        gaps.append("approval")
    if not incident.sections["improvements"]:
        gaps.append("improvements")
    return gaps


def next_question(incident: Incident) -> str | None:
    """The next section to ask the reporter for (approval is the client's; a returned plan is asked again)."""
    for section in missing(incident):
        if section != "approval":
            return section
        if incident.approval == "returned":
            return "handling"
    return None
