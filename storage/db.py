"""Opening the database: SQLite (WAL, foreign keys, busy timeout, integrity check) or PostgreSQL (a pool), then
migrations.

On SQLite one connection serves the whole bot, called on the event loop (storage/sqlite: no thread hop per
statement); on PostgreSQL each unit of work takes a pooled connection. `Database.uow()` serialises transactions
with an asyncio lock, because handlers and timer callbacks run concurrently on one event loop. A `uow()` opened
while the same task already holds one joins it (storage/uow.py) instead of waiting for the lock it holds.
"""

from __future__ import annotations

import asyncio
import copy
import os
import secrets
import socket
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from storage import sqlite as sqlite_conn
from storage.base import SharedState
from storage.dialect import is_postgres, sqlite_path
from storage.migrate import apply_migrations
from storage.uow import UnitOfWork

# SQLite's primary result codes that pass: another process holds the lock, or the disk hiccuped.
_TRANSIENT_CODES = {5, 6, 10}  # SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR
_TRANSIENT_WORDS = ("database is locked", "database table is locked", "database is busy", "disk i/o error")


try:  # PostgreSQL's driver is optional for a SQLite-only installation
    import psycopg

    DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError, psycopg.Error)
    # What a refused statement raises on either backend (a trigger's refusal, a constraint).
    DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, psycopg.Error)
except ImportError:  # pragma: no cover
    psycopg = None  # type: ignore[assignment]
    DRIVER_ERRORS = (sqlite3.OperationalError,)
    DATABASE_ERRORS = (sqlite3.DatabaseError,)


def _postgres_class(exc: BaseException) -> str:
    """PostgreSQL's SQLSTATE class ("08" connection, "53" insufficient resources, "25" read-only …) or ""."""
    state = getattr(getattr(exc, "diag", None), "sqlstate", None) or getattr(exc, "sqlstate", None)
    return str(state or "")[:2]


def is_transient(exc: BaseException | None) -> bool:
    """True for a storage error worth retrying later (locked, busy, I/O), not for a bug or a damaged file."""
    if psycopg is not None and isinstance(exc, psycopg.Error):
        # connection lost, serialization failure / deadlock, lock timeout, server shutting down
        return isinstance(exc, psycopg.OperationalError) or _postgres_class(exc) in {"08", "40", "55", "57"}
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _TRANSIENT_CODES:
        return True
    return any(word in str(exc).lower() for word in _TRANSIENT_WORDS)


class DatabaseDamaged(Exception):
    """The file failed SQLite's integrity check; the bot refuses to start on it."""


class DatabaseUnwritable(sqlite3.OperationalError):
    """A write failed because the database cannot be written now (disk full, read-only file or directory,
    I/O error). Nothing of the transaction was kept; it may work again once the disk is writable."""


UNWRITABLE_MARKERS = ("readonly", "read-only", "disk is full", "disk i/o error", "unable to open database file")


def is_unwritable(exc: BaseException) -> bool:
    """True for SQLite's "cannot write here now" errors (as opposed to a bug in a statement)."""
    if isinstance(exc, DatabaseUnwritable):
        return True
    if psycopg is not None and isinstance(exc, psycopg.Error):
        # disk full / out of resources (53…), read-only transaction (25006)
        state = str(getattr(getattr(exc, "diag", None), "sqlstate", None) or "")
        return state.startswith("53") or state == "25006"
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith(("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN")):
        return True
    return any(marker in str(exc).lower() for marker in UNWRITABLE_MARKERS)


class _ViewState(SharedState):
    """A contract view's in-memory state: its own roster cache, the deployment's highest processed update (one
    counter for every view, since updates are recorded under one scope)."""

    def __init__(self, root: SharedState) -> None:
        self._root = root
        saved = root.highest_update_id
        super().__init__()
        root.highest_update_id = saved  # SharedState.__init__ set it through the property below
        self.roster_cached = root.roster_cached

    @property
    def highest_update_id(self) -> int | None:
        return self._root.highest_update_id

    @highest_update_id.setter
    def highest_update_id(self, value: int | None) -> None:
        self._root.highest_update_id = value


class Database:
    """The bot's single connection plus the lock that keeps transactions from interleaving.

    `unwritable_since` (monotonic seconds) is set when a write failed because the database cannot be written
    (see `is_unwritable`) and cleared by the next successful commit, so the bot can tell the admins once,
    refuse actions it cannot record, and notice by itself when the disk is writable again."""

    def __init__(self, conn: sqlite_conn.Connection | None, contract_id: str, path: str, *,
                 pool: Any = None, tables_with_id: frozenset[str] = frozenset()) -> None:
        self.conn = conn  # SQLite: the one connection; PostgreSQL: None (each unit of work takes one from `pool`)
        self.pool = pool
        self.backend = "sqlite" if pool is None else "postgresql"
        self._tables_with_id = tables_with_id
        self.contract_id = contract_id
        self.path = path
        # The contract's default language (settings.contract.default_language, set by build_services): what every
        # unit of work's people repository falls back to for a person who has not chosen a language.
        self.default_language = "zh_CN"
        self._lock = asyncio.Lock()
        self._exclusive = asyncio.Lock()  # `exclusive()` blocks of this process, one at a time
        self._active: ContextVar[tuple[asyncio.Task[object] | None, UnitOfWork] | None] = ContextVar(
            f"active_uow_{id(self)}", default=None)
        self.unwritable_since: float | None = None
        self.unwritable_error: str | None = None
        self.shared = SharedState()  # in-memory state of this database: highest processed update, roster cache
        # This process among the replicas on one PostgreSQL database (outbox claims, the polling lease).
        self.replica = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        # Whose update ids `processed_updates` holds: the contract's own id in a one-contract deployment; one key for
        # the whole deployment when it serves several (an update is applied once, whichever contract it went to).
        self.update_scope = contract_id
        self._owns_connection = True  # False for a contract's view (`for_contract`): the root closes it

    def for_contract(self, contract_id: str, *, update_scope: str) -> Database:
        """A view of this open database bound to another contract (many contracts in one deployment): the same
        connection or pool, the same transaction lock (one unit of work at a time, whichever contract), its own
        roster cache; processed updates kept under `update_scope`. Closing a view leaves the database open."""
        view = copy.copy(self)
        view.contract_id = contract_id
        view.update_scope = update_scope
        view.shared = _ViewState(self.shared)
        view._owns_connection = False
        return view

    async def load_shared_state(self) -> None:
        """Read what `shared` keeps in memory (at open; the instance lock makes this process the only writer)."""
        async with self._connection() as conn:
            rows = await conn.execute_fetchall(
                "SELECT MAX(update_id) FROM processed_updates WHERE contract_id = ?", (self.update_scope,))
        self.shared.highest_update_id = int(rows[0][0] or 0)

    @property
    def writable(self) -> bool:
        return self.unwritable_since is None

    @asynccontextmanager
    async def uow(self, *, read_only: bool = False) -> AsyncIterator[UnitOfWork]:
        """A unit of work: rolls back unless `commit()` was called inside.

        `read_only=True` skips BEGIN/ROLLBACK (two statements) for a single look-up on
        the hot path, such as identifying the caller of every update; committing one is an error."""
        task = asyncio.current_task()
        active = self._active.get()
        if active is not None and active[0] is task and active[1].is_open:
            outer = active[1]
            if read_only:
                yield outer
                return
            await outer.enter_nested()
            try:
                yield outer
            finally:
                await outer.leave_nested()
            return
        async with self._lock, self._connection() as conn:
            uow = UnitOfWork(conn, self.contract_id, read_only=read_only,
                             default_language=self.default_language, shared=self.shared,
                             update_scope=self.update_scope)
            try:
                if not read_only:
                    await uow.begin()
                token = self._active.set((task, uow))
                try:
                    yield uow
                finally:
                    self._active.reset(token)
                    try:
                        await uow.rollback_if_open()
                    except DRIVER_ERRORS:  # a failed COMMIT may have ended the transaction already
                        uow._open = False
                    finally:
                        uow.ended()
            except DRIVER_ERRORS as exc:
                if not read_only and is_unwritable(exc):
                    if self.unwritable_since is None:
                        self.unwritable_since = time.monotonic()
                    self.unwritable_error = str(exc)
                    if not isinstance(exc, DatabaseUnwritable):
                        raise DatabaseUnwritable(str(exc)) from exc
                raise
            if uow.committed:
                self.unwritable_since = None
                self.unwritable_error = None

    @asynccontextmanager
    async def detached_uow(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work on a pooled connection of its own, not queued behind this process's other units of work
        (PostgreSQL: the polling lease must be renewed on time even during a long sweep). On SQLite, `uow()`."""
        if self.pool is None:
            async with self.uow() as uow:
                yield uow
            return
        async with self._connection() as conn:
            uow = UnitOfWork(conn, self.contract_id, default_language=self.default_language, shared=self.shared)
            await uow.begin()
            try:
                yield uow
            finally:
                try:
                    await uow.rollback_if_open()
                finally:
                    uow.ended()

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[None]:
        """Run a block (network calls included) while no other replica runs one of the same `name`: on PostgreSQL
        an advisory lock held by a transaction on a connection of its own (not queued behind this process's units
        of work, which the block may open); on SQLite nothing (one process: an asyncio lock in it suffices)."""
        if self.pool is None:
            yield
            return
        # one such block at a time in this process: it holds a pooled connection while the block opens units of
        # work of its own, and the pool must never run out with every connection waiting for another
        async with self._exclusive, self.detached_uow() as uow:
            await uow.wait_claim(name)
            yield

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        if self.pool is None:
            yield self.conn
            return
        from storage import postgres

        async with self.pool.connection() as raw:
            yield postgres.Connection(raw, self._tables_with_id)

    async def close(self) -> None:
        if not self._owns_connection:
            return
        if self.pool is not None:
            await self.pool.close()
        else:
            await self.conn.close()  # type: ignore[union-attr]


async def open_database(path: str | Path, contract_id: str, *, check_integrity: bool = True) -> Database:
    """Open (creating if needed), check and migrate the database: a `postgresql://` URL opens PostgreSQL,
    anything else (a path, `sqlite:///path`) the SQLite file."""
    if is_postgres(path):
        return await open_postgres(str(path), contract_id)
    path = sqlite_path(path)
    conn = sqlite_conn.connect(path)
    try:
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode survives a process crash (SIGKILL); only power loss can drop the last commit.
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        # A contract year is ~15 MB: keep it in SQLite's page cache (the default is 2 MB) so /score for the
        # year reads from memory, not through the OS on every run.
        await conn.execute("PRAGMA cache_size = -32000")
        if check_integrity:
            async with conn.execute("PRAGMA quick_check") as cur:
                rows = [r[0] for r in await cur.fetchall()]
            if rows != ["ok"]:
                raise DatabaseDamaged(f"{path}: integrity check failed: {'; '.join(rows[:5])}")
        await apply_migrations(conn)
    except BaseException:
        await conn.close()
        raise
    db = Database(conn, contract_id, str(path))
    await db.load_shared_state()
    return db


async def open_postgres(url: str, contract_id: str) -> Database:
    """Open a PostgreSQL database through a connection pool and migrate it."""
    from storage import postgres
    from storage.migrate import apply_migrations_postgres

    pool = await postgres.open_pool(url)
    try:
        async with pool.connection() as raw:
            await apply_migrations_postgres(postgres.Connection(raw, frozenset()))
            tables = await postgres.tables_with_id(raw)
        db = Database(None, contract_id, url, pool=pool, tables_with_id=tables)
        # Other replicas may write the roster and record updates (storage/base.py SharedState): the roster is not
        # cached, and the highest processed update id stays unknown (None), so every redelivery check asks the
        # database (an update another replica handled is not taken for new).
        db.shared.roster_cached = False
    except BaseException:
        await pool.close()
        raise
    return db
