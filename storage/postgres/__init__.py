"""PostgreSQL through psycopg 3 and psycopg-pool, behind the same awaitable connection interface as
storage/sqlite (`execute`, `execute_fetchall`, cursors with `rowcount`, `lastrowid`, async fetches).

Statements are written in SQLite's dialect and rewritten once per text by storage/dialect.py. Parameters are
bound on the client side (psycopg's ClientCursor): a value goes in as an untyped literal, so PostgreSQL infers
its type from the context as SQLite's loose typing expects (`? IS NULL`, a time text compared with a
TIMESTAMPTZ column). Every session runs in UTC.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from storage.dialect import postgres_statement


class Row(tuple[Any, ...]):
    """A row readable by position and by column name, like sqlite3.Row (a name used twice: the first)."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


_ROW_CLASSES: dict[tuple[str, ...], type[Row]] = {}


def _row_factory(cursor: Any) -> Any:
    columns = tuple(column.name for column in cursor.description or ())
    row_class = _ROW_CLASSES.get(columns)
    if row_class is None:
        names: dict[str, int] = {}
        for position, name in enumerate(columns):
            names.setdefault(name, position)
        row_class = _ROW_CLASSES[columns] = type("Row", (Row,), {"_names": names})
    return row_class


class Cursor:
    __slots__ = ("_rows", "lastrowid", "rowcount")

    def __init__(self, rowcount: int, rows: list[Any], lastrowid: int | None) -> None:
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self._rows = rows

    async def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Any]:
        return list(self._rows)

    async def close(self) -> None:
        return None


class _Call:
    __slots__ = ("_coro", "_value")

    def __init__(self, coro: Any) -> None:
        self._coro = coro
        self._value: Any = None

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()

    async def __aenter__(self) -> Any:
        self._value = await self._coro
        return self._value

    async def __aexit__(self, *exc: object) -> None:
        return None


class Connection:
    """One pooled PostgreSQL connection (autocommit; transactions are explicit, as on SQLite)."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.AsyncConnection[Any], tables_with_id: frozenset[str]) -> None:
        self.raw = raw
        self.tables_with_id = tables_with_id

    async def _run(self, sql: str, params: Iterable[Any] | None) -> Cursor:
        text, returns_id = postgres_statement(sql, self.tables_with_id)
        args = None if params is None else tuple(params)
        if args == ():
            text, args = text.replace("%%", "%"), None
        async with psycopg.AsyncClientCursor(self.raw, row_factory=_row_factory) as cur:
            await cur.execute(text, args)
            rows = await cur.fetchall() if cur.description is not None else []
            lastrowid = int(rows[0]["id"]) if returns_id and rows else None
            return Cursor(cur.rowcount, rows, lastrowid)

    def execute(self, sql: str, params: Iterable[Any] | None = None) -> _Call:
        return _Call(self._run(sql, params))

    def execute_fetchall(self, sql: str, params: Iterable[Any] | None = None) -> _Call:
        async def rows() -> list[Any]:
            return (await self._run(sql, params))._rows
        return _Call(rows())

    async def execute_ddl(self, sql: str) -> None:
        async with psycopg.AsyncClientCursor(self.raw) as cur:
            await cur.execute(sql.encode())  # bytes: no placeholder parsing (DDL comments may hold `?` or `%`)


async def _configure(conn: psycopg.AsyncConnection[Any]) -> None:
    await conn.set_autocommit(True)
    await conn.execute("SET TIME ZONE 'UTC'")


async def open_pool(url: str, *, size: int = 4) -> AsyncConnectionPool:
    pool = AsyncConnectionPool(url, min_size=1, max_size=size, configure=_configure, open=False)
    await pool.open(wait=True, timeout=15)
    return pool


async def tables_with_id(conn: psycopg.AsyncConnection[Any]) -> frozenset[str]:
    cur = await conn.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND column_name = 'id'")
    return frozenset(str(r[0]) for r in await cur.fetchall())
