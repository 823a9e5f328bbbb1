"""The unit of work: one transaction, the repositories that share it, rollback unless committed.

Repositories never commit. Outbox rows are written through `uow.outbox` in the same transaction as
the change that owes the notification, so a crash can never keep one without the other.

Units of work compose: `Database.uow()` opened while the same task already has one open joins it as a
savepoint (the inner `commit()` releases the savepoint, leaving without it rolls back to it; only the
outermost commit makes anything durable), so one service can call another inside its
transaction. `on_commit(callback)` runs after-commit effects (poke the timers, wake the outbox) once, after
the outermost commit, and never after a rollback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, cast

from storage.base import SharedState
from storage.sqlite import Connection

if TYPE_CHECKING:
    from storage.audit import AuditRepository
    from storage.base import Repository
    from storage.chats import ChatRepository
    from storage.outbox import OutboxRepository
    from storage.people import PeopleRepository


log = logging.getLogger(__name__)

R = TypeVar("R", bound="Repository")


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


class UpdateAlreadyProcessed(Exception):
    """Another copy of this very update committed first (concurrent redelivery): this copy's transaction was
    rolled back whole, and the caller must not confirm or act on it."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was already applied by another copy")
        self.update_id = update_id


class UnitOfWork:
    """Created by `Database.uow()`; repositories are built lazily on first use."""

    def __init__(self, conn: Connection, contract_id: str, *, read_only: bool = False,
                 default_language: str = "zh_CN", shared: SharedState | None = None,
                 update_scope: str | None = None) -> None:
        self.conn = conn
        self.update_scope = update_scope or contract_id  # whose processed updates (storage/db.py for_contract)
        self.shared = shared if shared is not None else SharedState()
        self.contract_id = contract_id
        self.default_language = default_language
        self.read_only = read_only
        self._open = False
        self._repos: dict[str, object] = {}
        # after-commit effects with the nesting level that registered them (a savepoint rolled back drops its own)
        self._after_commit: list[tuple[int, Callable[[], None]]] = []
        self.committed = False
        self.depth = 0  # nesting: 0 outermost; the savepoint level of the innermost joined block
        self._released: set[int] = set()

    @property
    def is_open(self) -> bool:
        return self._open or self.read_only

    async def enter_nested(self) -> None:
        """A joined `Database.uow()` starts: a savepoint inside this transaction."""
        if self.read_only:
            raise RuntimeError("a writing unit of work cannot join a read-only one: open the outer one for writing")
        self.depth += 1
        await self.conn.execute(f"SAVEPOINT uow_{self.depth}")

    async def leave_nested(self) -> None:
        """The joined block ends: keep its work if it committed (released), otherwise undo it."""
        level, self.depth = self.depth, self.depth - 1
        if level in self._released:
            self._released.discard(level)
            # its effects now belong to the enclosing level (they go if that one rolls back)
            self._after_commit = [(min(at, self.depth), callback) for at, callback in self._after_commit]
            return
        self._after_commit = [(at, callback) for at, callback in self._after_commit if at < level]
        await self.conn.execute(f"ROLLBACK TO SAVEPOINT uow_{level}")
        await self.conn.execute(f"RELEASE SAVEPOINT uow_{level}")

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once after the outermost commit (never after a rollback, nor when the savepoint that
        registered it rolls back). The same callback registered twice runs once."""
        if any(callback == known for _, known in self._after_commit):
            return
        self._after_commit.append((self.depth, callback))

    def _run_after_commit(self) -> None:
        callbacks, self._after_commit = [callback for _, callback in self._after_commit], []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # the change is committed: an after-commit effect must not undo the reply
                log.exception("after-commit callback failed")

    async def try_claim(self, name: str) -> bool:
        """Claim `name` (a timer's sweep, a chat's outbox lane) until this transaction ends, across every process on
        the database: True when this transaction holds it, False when another transaction does (do nothing then).
        PostgreSQL: a transaction-scoped advisory lock (`pg_try_advisory_xact_lock`), released by COMMIT or ROLLBACK
        and by the server when the connection dies; SQLite: always True (one process per file: bot/instance_lock.py).
        """
        if getattr(self.conn, "dialect", "sqlite") != "postgresql":
            return True
        if not self._open:
            raise RuntimeError("a claim needs a writing unit of work (its transaction holds the claim)")
        from storage.leases import claim_key

        rows = await self.conn.execute_fetchall("SELECT pg_try_advisory_xact_lock(?)",
                                                (claim_key(self.contract_id, name),))
        return bool(rows[0][0])

    async def wait_claim(self, name: str) -> None:
        """Like `try_claim`, but waits until the other transaction holding `name` has ended (PostgreSQL:
        `pg_advisory_xact_lock`); a no-op on SQLite."""
        if getattr(self.conn, "dialect", "sqlite") != "postgresql":
            return
        from storage.leases import claim_key

        await self.conn.execute("SELECT pg_advisory_xact_lock(?)", (claim_key(self.contract_id, name),))

    async def begin(self) -> None:
        await self.conn.execute("BEGIN IMMEDIATE")
        self._open = True

    async def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        if self.depth > 0:
            await self.conn.execute(f"RELEASE SAVEPOINT uow_{self.depth}")
            self._released.add(self.depth)
            return
        if self._open:
            marker = current_update.get()
            claim = marker if marker is not None and not marker.marked else None
            if claim is not None:
                # Claim the update in this transaction: a row with the same id and content means another copy
                # (a concurrent redelivery) committed first; then nothing of this copy may stay. A row with the
                # same id but other content is an older update whose id was reused, and is replaced.
                cursor = await self.conn.execute(
                    "INSERT INTO processed_updates (contract_id, update_id, processed_at, fingerprint)"
                    " VALUES (?,?,?,?) ON CONFLICT (contract_id, update_id) DO UPDATE SET"
                    " processed_at = excluded.processed_at, fingerprint = excluded.fingerprint"
                    " WHERE processed_updates.fingerprint IS NOT NULL"
                    " AND processed_updates.fingerprint != excluded.fingerprint",
                    (self.update_scope, claim.update_id, claim.at, claim.fingerprint))
                if cursor.rowcount == 0:
                    await self.rollback_if_open()
                    raise UpdateAlreadyProcessed(claim.update_id)
            await self.conn.execute("COMMIT")
            self._open = False
            self.committed = True
            if claim is not None:
                claim.marked = True
                self.shared.note_processed(claim.update_id)
            for repo in list(self._repos.values()):
                repo.after_commit()  # type: ignore[attr-defined]
            self._run_after_commit()

    async def rollback_if_open(self) -> None:
        self._after_commit.clear()
        if self._open:
            await self.conn.execute("ROLLBACK")
            self._open = False

    def ended(self) -> None:
        """The outermost block left (after commit or rollback): repositories drop what they kept for it."""
        for repo in list(self._repos.values()):
            repo.after_end()  # type: ignore[attr-defined]

    def repo(self, cls: type[R]) -> R:
        """The repository of class `cls` bound to this transaction (one instance per uow)."""
        key = cls.__qualname__
        found = self._repos.get(key)
        if found is None:
            found = self._repos[key] = cls(self.conn, self.contract_id, self.shared)
            if hasattr(found, "default_language"):  # the people repository: the contract's default language
                found.default_language = self.default_language
            if hasattr(found, "update_scope"):  # processed updates: one scope per deployment
                found.update_scope = self.update_scope
        return cast(R, found)  # keyed by class: the instance is a `cls`

    @property
    def audit(self) -> AuditRepository:
        from storage.audit import AuditRepository

        return self.repo(AuditRepository)

    @property
    def outbox(self) -> OutboxRepository:
        from storage.outbox import OutboxRepository

        return self.repo(OutboxRepository)

    @property
    def people(self) -> PeopleRepository:
        from storage.people import PeopleRepository

        return self.repo(PeopleRepository)

    @property
    def chats(self) -> ChatRepository:
        from storage.chats import ChatRepository

        return self.repo(ChatRepository)
