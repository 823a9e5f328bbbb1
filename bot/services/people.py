"""People on the project: the roster from config, kept in the database, and role checks.

The config roster seeds the `people` table at start-up; later changes (staff changes, language
choice) live in the database, which is the source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from config.settings import PersonSettings, Role

__all__ = ["Person", "Role", "has_any_role", "is_client_side", "seed_roster"]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    telegram_id: int
    roles: frozenset[Role]
    language: str
    phone: str | None = None
    party: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: str = "active"
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def chat_id(self) -> int:
        """A private chat's id is the user's id."""
        return self.telegram_id

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_engineer(self) -> bool:
        return self.has(Role.ENGINEER, Role.LEAD)

    def assigned_on(self, day: date) -> bool:
        """On the project that day (between start and end, both inclusive)."""
        if self.status == "left" and self.end_date is None:
            return False
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or day <= self.end_date)


def has_any_role(person: Person | None, roles: frozenset[Role] | set[Role]) -> bool:
    return person is not None and bool(person.roles & roles)


def is_client_side(person: Person) -> bool:
    """A supervisor or the client's project contact: the people who decide for the client (approvals,
    the supervising engineer's rulings, ratings on a requester's behalf). Nobody of the vendor's party is,
    whatever their roles (least privilege by party)."""
    if person.party == "vendor":
        return False
    return person.has(Role.SUPERVISOR) or (person.has(Role.CONTACT) and person.party == "client")


async def seed_roster(uow: object, roster: list[PersonSettings], default_language: str, now: datetime) -> int:
    """Insert new config people and refresh name/roles/phone of known ones; returns rows changed."""
    changed = 0
    for entry in roster:
        changed += await uow.people.upsert_from_config(entry, default_language, now)  # type: ignore[attr-defined]
    return changed
