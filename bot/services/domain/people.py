"""People on the project: who they are, their roles and party, and who counts as the client side."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    """Roles from the contract: who may do what is decided per command against these."""

    ENGINEER = "engineer"
    LEAD = "lead"
    SUPERVISOR = "supervisor"
    CONTACT = "contact"
    ESCALATION = "escalation"
    ADMIN = "admin"


class Party(StrEnum):
    """The contract's two parties (a person's `party`; None when the roster does not say)."""

    CLIENT = "client"  # 甲方
    VENDOR = "vendor"  # 乙方


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
    if person.party == Party.VENDOR:
        return False
    return person.has(Role.SUPERVISOR) or is_client_contact(person)


def is_client_contact(person: Person) -> bool:
    """The client's project contact (a contact of the client's party)."""
    return Role.CONTACT in person.roles and person.party == Party.CLIENT


def current(people: list[Person]) -> list[Person]:
    return [p for p in people if p.status != "left"]


def client_contacts(people: list[Person]) -> list[Person]:
    """The client's project contact(s); supervisors stand in when no client contact is on the roster."""
    found = [p for p in current(people) if is_client_contact(p)]
    return found or [p for p in current(people) if Role.SUPERVISOR in p.roles]


def with_roles(people: list[Person], *roles: Role) -> list[Person]:
    return [p for p in current(people) if p.roles & set(roles)]
