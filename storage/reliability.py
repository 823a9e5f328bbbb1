"""Reliability state: update ids already handled, the liveness stamp, database size and integrity."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.base import Repository
from storage.timecodec import from_db, to_db


class ReliabilityRepository(Repository):
    """Processed updates (skip redeliveries), `rel_state` key/values, and database-level checks."""

    update_scope: str | None = None  # set by the unit of work: whose processed updates (one per deployment)

    @property
    def _updates_key(self) -> str:
        return self.update_scope or self.contract_id

    async def is_processed(self, update_id: int, fingerprint: str) -> bool:
        """True when this very update (same id, same content) was handled before. An id above the highest one
        recorded is new without asking the database (ids grow; a reused lower id still gets the SELECT)."""
        highest = self.shared.highest_update_id
        if highest is not None and update_id > highest:
            return False
        return await self.scalar(
            "SELECT 1 FROM processed_updates WHERE contract_id = ? AND update_id = ?"
            " AND (fingerprint IS NULL OR fingerprint = ?)", (self._updates_key, update_id, fingerprint)) is not None

    async def mark_processed(self, update_id: int, fingerprint: str, now: datetime) -> None:
        """Remember an update (replacing an older update that had the same id but other content)."""
        await self.execute(
            "INSERT INTO processed_updates (contract_id, update_id, processed_at, fingerprint) VALUES (?,?,?,?)"
            " ON CONFLICT (contract_id, update_id) DO UPDATE SET processed_at = excluded.processed_at,"
            " fingerprint = excluded.fingerprint", (self._updates_key, update_id, to_db(now), fingerprint))
        self._marked.append(update_id)

    _marked: list[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._marked = []

    def after_commit(self) -> None:
        for update_id in self._marked:
            self.shared.note_processed(update_id)
        self._marked.clear()

    def after_end(self) -> None:
        self._marked.clear()

    async def prune_processed(self, before: datetime) -> int:
        """Forget update ids older than `before` (Telegram keeps undelivered updates only for 24 hours)."""
        return await self.execute("DELETE FROM processed_updates WHERE contract_id = ? AND processed_at < ?",
                                  (self._updates_key, to_db(before)))

    async def get(self, key: str) -> str | None:
        return await self.scalar("SELECT value FROM rel_state WHERE contract_id = ? AND key = ?",
                                 (self.contract_id, key))

    async def put(self, key: str, value: str, now: datetime) -> None:
        await self.execute(
            "INSERT INTO rel_state (contract_id, key, value, updated_at) VALUES (?,?,?,?)"
            " ON CONFLICT (contract_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (self.contract_id, key, value, to_db(now)))

    async def get_time(self, key: str) -> datetime | None:
        return from_db(await self.get(key))

    async def put_time(self, key: str, moment: datetime, now: datetime) -> None:
        await self.put(key, to_db(moment), now)

    async def size_bytes(self) -> int:
        """Pages in use times page size (the WAL file is counted by the caller from the file system)."""
        pages = await self.scalar("PRAGMA page_count")
        size = await self.scalar("PRAGMA page_size")
        return int(pages or 0) * int(size or 0)

    async def quick_check(self) -> list[str]:
        """SQLite's quick_check: ['ok'] when the file is sound."""
        return [str(r[0]) for r in await self.fetchall("PRAGMA quick_check")]
