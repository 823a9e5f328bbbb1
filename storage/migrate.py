"""Numbered SQL migrations (storage/migrations/NNN_name.sql), applied in order at start-up.

The applied version is recorded in `schema_version`; a database newer than this code refuses to
start, so an old binary never writes into a schema it does not understand.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from typing import Any

from storage.dialect import postgres_ddl

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
# A statement preceded by the line `-- only: postgresql` (or `-- only: sqlite`) runs on that backend only: the one
# place a migration says "this differs by dialect" (e.g. a column type SQLite's affinity does not need).
_ONLY = re.compile(r"^\s*--\s*only:\s*(sqlite|postgresql)\s*$", re.IGNORECASE)


class SchemaTooNew(Exception):
    """The database was migrated by a newer maintbot."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with the code, in order; numbers must be unique."""
    found: dict[int, Migration] = {}
    for entry in resources.files("storage.migrations").iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise RuntimeError(f"two migrations numbered {version:03d}")
        found[version] = Migration(version, match.group(2), entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def pending_migrations(version: int, upto: int | None = None) -> list[Migration]:
    """The migrations above the recorded `version` (up to `upto`); a database newer than this code is refused."""
    migrations = available_migrations()
    latest = migrations[-1].version if migrations else 0
    if version > latest:
        raise SchemaTooNew(
            f"the database is at schema version {version}, newer than this maintbot ({latest}); "
            "upgrade maintbot or restore a backup")
    return [m for m in migrations if m.version > version and (upto is None or m.version <= upto)]


async def current_version(conn: Any) -> int:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))")
    async with conn.execute("SELECT MAX(version) FROM schema_version") as cur:
        row = await cur.fetchone()
    return int(row[0] or 0) if row is not None else 0  # MAX() always yields one row


async def apply_migrations(conn: Any, *, upto: int | None = None) -> int:
    """Apply every migration above the recorded version, each in its own transaction."""
    version = await current_version(conn)
    for migration in pending_migrations(version, upto):
        await conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_statements(migration.sql, backend="sqlite"):
                await conn.execute(statement)
            await conn.execute("INSERT INTO schema_version(version, name) VALUES (?, ?)",
                               (migration.version, migration.name))
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        version = migration.version
    return version


async def apply_migrations_postgres(conn: Any, *, upto: int | None = None) -> int:
    """The same migrations on PostgreSQL (storage/dialect.py rewrites each statement), recorded the same way in
    `schema_version`; an advisory lock keeps two starting processes from migrating at once."""
    await conn.execute_ddl(
        "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL, name TEXT NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
    await conn.execute("BEGIN")
    try:
        version = await apply_migrations_postgres_in_transaction(conn, upto=upto)
        await conn.execute("COMMIT")
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    return version


async def apply_migrations_postgres_in_transaction(conn: Any, *, upto: int | None = None) -> int:
    """The migrations inside the caller's open transaction (`run_bot.py migrate-db` creates the schema and copies
    the rows in one transaction: a failure leaves the target empty)."""
    await conn.execute_ddl(
        "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL, name TEXT NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
    await conn.execute("SELECT pg_advisory_xact_lock(7263001)")
    rows = await conn.execute_fetchall("SELECT MAX(version) FROM schema_version")
    version = int(rows[0][0] or 0)
    for migration in pending_migrations(version, upto):
        await conn.execute("SAVEPOINT migration")
        for statement in _split_statements(migration.sql, backend="postgresql"):
            for translated in postgres_ddl(statement):
                await conn.execute_ddl(translated)
        await conn.execute("INSERT INTO schema_version(version, name) VALUES (?, ?)",
                           (migration.version, migration.name))
        await conn.execute("RELEASE SAVEPOINT migration")
        version = migration.version
    return version


def _split_statements(sql: str, backend: str | None = None) -> list[str]:
    """Split a script into complete statements (triggers contain inner semicolons; a statement may end with a
    trailing `-- comment`): SQLite's own `complete_statement` decides where one ends. With `backend`, a statement
    marked `-- only: <other backend>` on the line before it is left out."""
    statements, buffer, only = [], "", None
    for line in sql.splitlines(keepends=True):
        if not buffer and line.strip().startswith("--"):
            marker = _ONLY.match(line)
            if marker:
                only = marker.group(1).lower()
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if backend is None or only is None or only == backend:
                statements.append(buffer.strip())
            buffer, only = "", None
    if buffer.strip() and (backend is None or only is None or only == backend):
        statements.append(buffer.strip())
    return statements
