"""What every repository shares: the connection of its unit of work and the contract it serves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiosqlite


class Repository:
    """Base class: SQL helpers scoped to one contract; never commits."""

    def __init__(self, conn: aiosqlite.Connection, contract_id: str) -> None:
        self.conn = conn
        self.contract_id = contract_id

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run a statement; return the number of rows changed (the idempotent-claim idiom uses it)."""
        async with self.conn.execute(sql, tuple(params)) as cur:
            return cur.rowcount

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run an INSERT; return the new row id."""
        async with self.conn.execute(sql, tuple(params)) as cur:
            return int(cur.lastrowid or 0)
