"""What every repository shares: the connection of its unit of work and the contract it serves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storage.sqlite import Connection, Row


class SharedState:
    """What one open database keeps in memory across units of work (one instance per `Database`).

    - `highest_update_id`: the highest update id recorded as processed (loaded at open, raised by every commit
      that records one), so the redelivery check needs no SELECT for a newer update.
    - the roster cache: `people.by_telegram_id` answers from memory; every write through PeopleRepository bumps
      `roster_generation` and clears it, and so does the end of a unit of work that wrote (commit or rollback);
      a look-up stores its answer only when no write happened meanwhile (see storage/people.py)."""

    def __init__(self) -> None:
        self.highest_update_id: int | None = None  # None: not loaded, every check asks the database
        self.roster: dict[tuple[int, str], Any] = {}
        self.roster_generation = 0
        # Only while this process is the database's one writer (SQLite, under the instance lock). On PostgreSQL
        # another replica or tool may change the roster, and this process would not hear of it.
        self.roster_cached = True

    def note_processed(self, update_id: int) -> None:
        """An update id was committed as processed."""
        if self.highest_update_id is not None and update_id > self.highest_update_id:
            self.highest_update_id = update_id

    def roster_changed(self) -> None:
        self.roster_generation += 1
        self.roster.clear()


class Repository:
    """Base class: SQL helpers scoped to one contract; never commits."""

    def __init__(self, conn: Connection, contract_id: str, shared: SharedState | None = None) -> None:
        self.conn = conn
        self.contract_id = contract_id
        self.shared = shared if shared is not None else SharedState()

    def after_commit(self) -> None:
        """Called by the unit of work after its outermost COMMIT (update in-memory state to what is durable)."""

    def after_end(self) -> None:
        """Called by the unit of work when it ends, committed or rolled back."""

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


def chat_key(chat_id: int | str) -> str:
    """A chat id as bound to the text `chat_id` columns (outbox, chats: migration 021): Telegram's numbers and
    DingTalk's "user:…"/"group:…" keys in one column. SQLite's INTEGER affinity still stores a number as one."""
    return str(chat_id)


def chat_from_db(value: int | str) -> int | str:
    """A `chat_id` column's value as the code knows it: Telegram's chats as numbers, other platforms' keys as text."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value
