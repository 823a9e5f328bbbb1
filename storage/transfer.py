"""Moving a contract's SQLite database into an empty PostgreSQL database (`run_bot.py migrate-db`).

In one PostgreSQL transaction: the migrations are applied (PostgreSQL's DDL is transactional), every table's rows
are copied with COPY in an order that satisfies the foreign keys (user triggers off while copying: the rows are
copied as they are, nothing derived is added or dropped), ids kept, each identity sequence set past the largest
id; then COMMIT. A failure anywhere rolls everything back, so the target stays empty. Values are converted as the
PostgreSQL repositories expect them: times (`at`, `*_at`: TIMESTAMPTZ there) parsed from SQLite's UTC text, chat
ids bound as text where the column is text (migrations 021/023). The source is read from one snapshot.
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from storage.base import chat_key
from storage.timecodec import from_db

# Bookkeeping the target writes itself (the migrations record their own versions there).
SKIPPED_TABLES = frozenset({"schema_version"})


class TransferError(Exception):
    """The copy could not be made (target not empty, unreachable, a value PostgreSQL refuses); one readable line."""


@dataclass(frozen=True)
class TransferReport:
    tables: dict[str, int]  # rows copied per table
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def redact(url: str) -> str:
    """A database URL fit to print: the password blanked."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


def sqlite_row_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite database (its bookkeeping tables left out), read-only."""
    conn = _open_source(path)
    try:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _source_tables(conn)}
    finally:
        conn.close()


async def postgres_row_counts(url: str) -> dict[str, int]:
    """Rows per table of a PostgreSQL database's schema (`schema_version` left out)."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        return await _postgres_counts(conn)


async def copy_into_postgres(source: Path, url: str) -> TransferReport:
    """Copy the SQLite database at `source` into the empty PostgreSQL database at `url` (see the module)."""
    import psycopg

    from storage import postgres
    from storage.migrate import apply_migrations_postgres_in_transaction

    started = time.monotonic()
    src = _open_source(source)
    try:
        src.execute("BEGIN")  # one read snapshot for every table
        try:
            target = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=15)
        except psycopg.Error as exc:
            raise TransferError(f"cannot connect to {redact(url)}: {_first_line(exc)}") from None
        async with target:
            await target.execute("SET TIME ZONE 'UTC'")
            holding = {t: n for t, n in (await _postgres_counts(target)).items() if n}
            if holding:
                largest = sorted(holding, key=lambda t: (-holding[t], t))[:3]
                raise TransferError(f"{redact(url)} already holds data ({sum(holding.values())} rows in "
                                    f"{len(holding)} tables, e.g. {', '.join(largest)}); migrate-db copies into an "
                                    "empty database only: create a new one (createdb) or drop this one's tables")
            await target.execute("BEGIN")
            try:
                await apply_migrations_postgres_in_transaction(postgres.Connection(target, frozenset()))
                copied = await _copy_tables(src, target)
                await target.execute("COMMIT")
            except BaseException:
                await target.execute("ROLLBACK")
                raise
    except psycopg.Error as exc:
        raise TransferError(f"PostgreSQL refused the copy (nothing was kept): {_first_line(exc)}") from None
    finally:
        src.close()
    return TransferReport(copied, time.monotonic() - started)


# -- internals -------------------------------------------------------------------------------------------------
def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _open_source(path: Path) -> sqlite3.Connection:
    path = Path(path)
    if not path.is_file():
        raise TransferError(f"{path}: no such database file")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _source_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if r[0] not in SKIPPED_TABLES]


async def _postgres_counts(conn: Any) -> dict[str, int]:
    cur = await conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                             " AND table_type = 'BASE TABLE' ORDER BY table_name")
    tables = [str(r[0]) for r in await cur.fetchall() if r[0] not in SKIPPED_TABLES]
    counts: dict[str, int] = {}
    for table in tables:
        cur = await conn.execute(f'SELECT COUNT(*) FROM "{table}"')
        row = await cur.fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


async def _target_columns(conn: Any) -> dict[str, dict[str, str]]:
    """Each table's columns and their PostgreSQL types, in the target just migrated."""
    cur = await conn.execute("SELECT table_name, column_name, data_type FROM information_schema.columns"
                             " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
    columns: dict[str, dict[str, str]] = {}
    for table, column, kind in await cur.fetchall():
        columns.setdefault(str(table), {})[str(column)] = str(kind)
    return columns


async def _copy_order(conn: Any, tables: list[str]) -> list[str]:
    """The tables with every referenced table before the tables that reference it (foreign keys stay checked)."""
    cur = await conn.execute("SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
                             " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace")
    needs: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in await cur.fetchall():
        child, parent = str(child).strip('"'), str(parent).strip('"')
        if child in needs and parent in needs and child != parent:
            needs[child].add(parent)
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, parents in needs.items() if not parents - set(ordered))
        if not ready:  # a cycle: no such schema today; copy the rest as they come and let PostgreSQL judge
            ready = sorted(needs)
        for table in ready:
            ordered.append(table)
            del needs[table]
    return ordered


def _converter(kind: str) -> Any:
    """How a SQLite value becomes what the PostgreSQL column holds (None stays None)."""
    if kind == "timestamp with time zone":
        return lambda v: v if v is None or isinstance(v, datetime) else from_db(str(v))
    if kind in ("text", "character varying"):
        return lambda v: chat_key(v) if isinstance(v, int) and not isinstance(v, bool) else v
    return None


async def _copy_tables(src: sqlite3.Connection, target: Any) -> dict[str, int]:
    columns = await _target_columns(target)
    tables = _source_tables(src)
    missing = [t for t in tables if t not in columns]
    if missing:
        raise TransferError(f"the PostgreSQL schema has no table {', '.join(missing)}: is this maintbot older than "
                            "the one that last wrote the SQLite file?")
    copied: dict[str, int] = {}
    for table in await _copy_order(target, tables):
        source_columns = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
        unknown = [c for c in source_columns if c not in columns[table]]
        if unknown:
            raise TransferError(f"{table}: column {', '.join(unknown)} has no place in the PostgreSQL schema")
        converters = [_converter(columns[table][c]) for c in source_columns]
        names = ", ".join(f'"{c}"' for c in source_columns)
        await target.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        count = 0
        async with target.cursor() as cur, cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in src.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid'):
                try:
                    values = [v if f is None else f(v) for f, v in zip(converters, row, strict=True)]
                except ValueError as exc:
                    raise TransferError(f"{table}: a value PostgreSQL cannot hold: {exc}") from None
                await copy.write_row(values)
                count += 1
        await target.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
        if "id" in columns[table]:
            # identity columns: the next id after the largest copied one (an empty table starts at 1)
            await target.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                f' COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
                f" WHERE pg_get_serial_sequence('\"{table}\"', 'id') IS NOT NULL")
        copied[table] = count
    return copied
