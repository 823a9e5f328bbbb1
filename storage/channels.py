"""Escalation channels beside chat (issue 20): the outbox rows a channel sender delivers (a phone call or an SMS
through an HTTP hook, DingTalk's DING) and every attempt, for the request's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.base import Repository
from storage.timecodec import from_db, to_db


@dataclass(frozen=True)
class ChannelMessage:
    id: int
    channel: str
    address: str
    text: str
    kind: str
    subject: str | None
    attempts: int
    chat_id: int


@dataclass(frozen=True)
class ChannelAttempt:
    at: datetime
    channel: str
    person_id: int | None
    outcome: str  # queued | ok | retry | failed
    detail: str | None


class ChannelRepository(Repository):
    async def add(self, *, channel: str, address: str, chat_id: int, person_id: int, text: str, kind: str,
                  subject: str, now: datetime, dedup_key: str) -> int | None:
        """Queue a channel row (idempotent by `dedup_key`) and its 'queued' attempt; None when queued before."""
        async with self.conn.execute(
                "INSERT OR IGNORE INTO outbox (contract_id, chat_id, text, kind, dedup_key, next_attempt_at,"
                " created_at, channel, address, subject) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (self.contract_id, chat_id, text, kind, dedup_key, to_db(now), to_db(now), channel, address,
                 subject)) as cur:
            row_id = cur.lastrowid if cur.rowcount else None
        if row_id is not None:
            await self.record(row_id, subject=subject, person_id=person_id, channel=channel, at=now,
                              outcome="queued", detail=None)
        return row_id

    async def due(self, now: datetime, limit: int = 50) -> list[ChannelMessage]:
        rows = await self.fetchall(
            "SELECT id, channel, address, text, kind, subject, attempts, chat_id FROM outbox"
            " WHERE contract_id = ? AND channel IS NOT NULL AND status = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, id LIMIT ?", (self.contract_id, to_db(now), limit))
        return [ChannelMessage(r["id"], r["channel"], r["address"] or "", r["text"], r["kind"], r["subject"],
                               r["attempts"], r["chat_id"]) for r in rows]

    async def person_of(self, outbox_id: int) -> int | None:
        return await self.scalar(
            "SELECT person_id FROM channel_attempts WHERE contract_id = ? AND outbox_id = ? AND outcome = 'queued'",
            (self.contract_id, outbox_id))

    async def record(self, outbox_id: int, *, subject: str | None, person_id: int | None, channel: str,
                     at: datetime, outcome: str, detail: str | None) -> None:
        await self.insert(
            "INSERT INTO channel_attempts (contract_id, outbox_id, subject, person_id, channel, at, outcome, detail)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (self.contract_id, outbox_id, subject, person_id, channel, to_db(at), outcome,
             (detail or "")[:300] or None))

    async def attempts(self, subjects: list[str]) -> dict[str, list[ChannelAttempt]]:
        """Every attempt for each subject, in time order."""
        if not subjects:
            return {}
        marks = ",".join("?" * len(subjects))
        rows = await self.fetchall(
            f"SELECT * FROM channel_attempts WHERE contract_id = ? AND subject IN ({marks}) ORDER BY at, id",
            (self.contract_id, *subjects))
        found: dict[str, list[ChannelAttempt]] = {}
        for r in rows:
            found.setdefault(r["subject"], []).append(ChannelAttempt(
                from_db(r["at"]), r["channel"], r["person_id"], r["outcome"], r["detail"]))
        return found
