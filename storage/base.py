"""What every repository shares: the connection of its unit of work and the contract it serves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storage.sqlite import Connection, Row


class Repository:
    """Base class: SQL helpers scoped to one contract; never commits."""

    def __init__(self, conn: Connection, contract_id: str) -> None:
        self.conn = conn
        self.contract_id = contract_id

    # Every helper is one call on the connection (`execute_fetchall` instead of execute + fetchall + close): on
    # SQLite it runs on the loop (storage/sqlite), on a network backend it is one round trip to the server.
    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return list(await self.conn.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        """The first row (meant for queries of one row: all rows are fetched)."""
        rows = await self.conn.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run a statement; return the number of rows changed (the idempotent-claim idiom uses it)."""
        cur = await self.conn.execute(sql, tuple(params))
        return cur.rowcount

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run an INSERT; return the new row id."""
        cur = await self.conn.execute(sql, tuple(params))
        return int(cur.lastrowid or 0)


def optional_filters(conditions: Iterable[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """" AND clause" for each (clause, value) whose value is not None, with the values in order.

    For listings with optional filters: `optional_filters([("at >= ?", start), ("actor = ?", who)])`.
    Values are passed as they are; convert datetimes with `to_db` first."""
    sql, params = "", []
    for clause, value in conditions:
        if value is not None:
            sql += f" AND {clause}"
            params.append(value)
    return sql, params
