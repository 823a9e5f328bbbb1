"""SQLite on the event loop: `sqlite3` called directly, no worker thread.

aiosqlite sends every statement through its worker thread and back (60–90 µs a hop on a small machine, against
1–3 µs for the same call on `sqlite3`), and a unit of work makes 5–60 of them. The bot's transactions are short
and only one unit of work runs at a time (`Database.uow()` holds a lock), so the statements run on the loop
itself. The awaitable interface stays the one the repositories and a network backend share:
`await conn.execute(sql, params)` (also `async with conn.execute(...) as cur`) gives a cursor with `rowcount`,
`lastrowid` and awaitable `fetchone()` / `fetchall()`; `await conn.execute_fetchall(sql, params)` gives the rows.

The one process that writes holds the instance lock, so `busy_timeout` only waits on an outside reader's
checkpoint or a backup; it blocks the loop for that moment, as it should (nothing else may write meanwhile).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import Any

Row = sqlite3.Row


class Cursor:
    """The result of one statement: counts at once, rows through awaitable fetches (as aiosqlite's cursor)."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Call:
    """`await` it for the value, or `async with` it for a cursor that is closed on the way out; nothing is
    suspended (the statement has already run or runs on the spot)."""

    __slots__ = ("_run", "_value")

    def __init__(self, run: Callable[[], Any]) -> None:
        self._run = run
        self._value: Any = None

    def __await__(self) -> Generator[Any, None, Any]:
        return self._run()
        yield  # a generator that never suspends: `await` returns the value at once

    async def __aenter__(self) -> Any:
        self._value = self._run()
        return self._value

    async def __aexit__(self, *exc: object) -> None:
        if isinstance(self._value, Cursor):
            await self._value.close()


class Connection:
    """One `sqlite3` connection in autocommit mode (transactions are explicit: BEGIN IMMEDIATE ... COMMIT)."""

    dialect = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Iterable[Any] | None = None) -> _Call:
        args = () if params is None else tuple(params)
        return _Call(lambda: Cursor(self.raw.execute(sql, args)))

    def execute_fetchall(self, sql: str, params: Iterable[Any] | None = None) -> _Call:
        args = () if params is None else tuple(params)
        return _Call(lambda: self.raw.execute(sql, args).fetchall())

    def executescript(self, script: str) -> _Call:
        return _Call(lambda: Cursor(self.raw.executescript(script)))

    def commit(self) -> _Call:
        return _Call(self.raw.commit)

    def close(self) -> _Call:
        return _Call(self.raw.close)

    @property
    def total_changes(self) -> int:
        return self.raw.total_changes


def connect(path: str | Path) -> Connection:
    raw = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    raw.row_factory = sqlite3.Row
    return Connection(raw)
