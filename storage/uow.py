"""The unit of work: one transaction, the repositories that share it, rollback unless committed.

Repositories never commit. Outbox rows are written through `uow.outbox` in the same transaction as
the change that owes the notification, so a crash can never keep one without the other.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiosqlite

if TYPE_CHECKING:
    from storage.audit import AuditRepository
    from storage.chats import ChatRepository
    from storage.outbox import OutboxRepository
    from storage.people import PeopleRepository


@dataclass
class UpdateMarker:
    """The Telegram update being handled in this task: its id, a content fingerprint, and when (UTC text from
    the injected clock). `marked` turns True once a commit has recorded it."""

    update_id: int
    fingerprint: str
    at: str
    marked: bool = False


# Set by the redelivery guard (bot/handlers/reliability.py); every commit made while handling the update
# records it as processed in the same transaction, so a redelivered update can never apply its state change a
# second time.
current_update: ContextVar[UpdateMarker | None] = ContextVar("current_update", default=None)


class UnitOfWork:
    """Created by `Database.uow()`; repositories are built lazily on first use."""

    def __init__(self, conn: aiosqlite.Connection, contract_id: str, *, read_only: bool = False) -> None:
        self.conn = conn
        self.contract_id = contract_id
        self.read_only = read_only
        self._open = False
        self._repos: dict[str, object] = {}
        self.committed = False

    async def begin(self) -> None:
        await self.conn.execute("BEGIN IMMEDIATE")
        self._open = True

    async def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        if self._open:
            marker = current_update.get()
            if marker is not None:
                await self.conn.execute(
                    "INSERT INTO processed_updates (contract_id, update_id, processed_at, fingerprint)"
                    " VALUES (?,?,?,?) ON CONFLICT (contract_id, update_id) DO UPDATE SET"
                    " processed_at = excluded.processed_at, fingerprint = excluded.fingerprint",
                    (self.contract_id, marker.update_id, marker.at, marker.fingerprint))
            await self.conn.execute("COMMIT")
            self._open = False
            self.committed = True
            if marker is not None:
                marker.marked = True  # only once the commit went through (a full disk fails the COMMIT)

    async def rollback_if_open(self) -> None:
        if self._open:
            await self.conn.execute("ROLLBACK")
            self._open = False

    def repo(self, cls: type) -> object:
        """The repository of class `cls` bound to this transaction (one instance per uow)."""
        key = cls.__qualname__
        if key not in self._repos:
            self._repos[key] = cls(self.conn, self.contract_id)
        return self._repos[key]

    @property
    def audit(self) -> AuditRepository:
        from storage.audit import AuditRepository

        return self.repo(AuditRepository)  # type: ignore[return-value]

    @property
    def outbox(self) -> OutboxRepository:
        from storage.outbox import OutboxRepository

        return self.repo(OutboxRepository)  # type: ignore[return-value]

    @property
    def people(self) -> PeopleRepository:
        from storage.people import PeopleRepository

        return self.repo(PeopleRepository)  # type: ignore[return-value]

    @property
    def chats(self) -> ChatRepository:
        from storage.chats import ChatRepository

        return self.repo(ChatRepository)  # type: ignore[return-value]
