"""Named domain exceptions; handlers turn each into its catalog message (key + params)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the user should read: `key` names the catalog entry, `params` fill it."""

    key = "error.internal"

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(f"{self.key} {params}")


class NotOnRoster(DomainError):
    key = "access.unknown_user"


class NotAllowed(DomainError):
    key = "access.denied"


class BadInput(DomainError):
    """The user's input cannot be read; the message says what was wrong and gives an example."""

    key = "error.usage"


class UnknownPerson(DomainError):
    key = "error.unknown_person"
