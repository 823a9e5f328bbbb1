"""The outbox: every notification the bot owes, written in the transaction that caused it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.base import Repository, chat_from_db, chat_key
from storage.leases import db_now
from storage.timecodec import from_db, to_db

Buttons = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    chat_id: int | str  # Telegram: the chat's number; DingTalk: "user:<staffId>" / "group:<conversationId>"
    text: str
    buttons: Buttons
    kind: str
    attempts: int
    document_path: str | None = None
    document_kind: str | None = None
    platform: str = "telegram"


@dataclass(frozen=True)
class OutboxBacklog:
    """What the outbox holds: rows by status, how many are due now, when the oldest message still waiting
    to go out (due or already tried) was queued."""

    by_status: dict[str, int]
    due_now: int
    oldest_pending_at: datetime | None

    @property
    def pending(self) -> int:
        return self.by_status.get("pending", 0)


class OutboxRepository(Repository):
    """Queue, claim and settle outgoing messages; `dedup_key` makes queueing idempotent."""

    async def add(self, *, chat_id: int | str, text: str, kind: str, now: datetime, buttons: Buttons | None = None,
                  dedup_key: str | None = None, not_before: datetime | None = None,
                  document_path: str | None = None, document_kind: str | None = None,
                  platform: str = "telegram", held: bool = False) -> int | None:
        """Queue a message; returns its id, or None when `dedup_key` was queued before. `held`: kept for the
        recipient's quiet hours until `not_before` (the quiet-hours digest releases it)."""
        encoded = json.dumps([[{"text": t, "data": d} for t, d in row] for row in buttons], ensure_ascii=False) \
            if buttons else None
        async with self.conn.execute(
            "INSERT OR IGNORE INTO outbox (contract_id, chat_id, text, buttons, kind, dedup_key, next_attempt_at,"
            " created_at, document_path, document_kind, platform, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (self.contract_id, chat_key(chat_id), text, encoded, kind, dedup_key, to_db(not_before or now), to_db(now),
             document_path, document_kind, platform, "held" if held else "pending")) as cur:
            return cur.lastrowid if cur.rowcount else None

    async def has_key(self, dedup_key: str) -> bool:
        return await self.scalar("SELECT 1 FROM outbox WHERE contract_id = ? AND dedup_key = ?",
                                 (self.contract_id, dedup_key)) is not None

    async def due(self, now: datetime, limit: int = 100, *, horizon: datetime | None = None,
                  exclude_chats: Iterable[int | str] = (), per_chat: int | None = None) -> list[OutboxMessage]:
        """Pending rows due now, except those queued behind a message to the same chat that still waits
        (a chat's messages go out in the order they were queued). Urgent kinds come first.

        `horizon`: a retry planned after it cannot come from this clock's backoff (the clock jumped back since
        it was planned), so it is due now rather than stuck for the jump's length. `exclude_chats`: chats being
        sent to right now. `per_chat`: at most this many rows of one chat (so one busy chat cannot fill the
        batch)."""
        stuck = to_db(horizon) if horizon is not None else None
        excluded = sorted({chat_key(c) for c in exclude_chats})
        marks = ",".join("?" * len(excluded))
        rows = await self.fetchall(
            "SELECT * FROM (SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.chat_id"
            " ORDER BY CASE WHEN o.kind LIKE 'urgent.%' THEN 0 ELSE 1 END, o.id) AS chat_rank"
            " FROM outbox o WHERE o.contract_id = ? AND o.status = 'pending' AND o.channel IS NULL"
            " AND (o.next_attempt_at <= ? OR (? IS NOT NULL AND o.attempts > 0 AND o.next_attempt_at > ?))"
            + (f" AND o.chat_id NOT IN ({marks})" if excluded else "") +
            " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.contract_id = o.contract_id"
            " AND p.status = 'pending' AND p.channel IS NULL AND p.chat_id = o.chat_id AND p.id < o.id"
            " AND p.next_attempt_at > ?"
            " AND NOT (? IS NOT NULL AND p.attempts > 0 AND p.next_attempt_at > ?))) AS ranked"
            " WHERE ? IS NULL OR chat_rank <= ?"
            " ORDER BY CASE WHEN kind LIKE 'urgent.%' THEN 0 ELSE 1 END, id LIMIT ?",
            (self.contract_id, to_db(now), stuck, stuck, *excluded, to_db(now), stuck, stuck, per_chat, per_chat,
             limit))
        return [_message(r) for r in rows]

    async def urgent_due(self, chat_id: int | str, now: datetime, *, exclude: Iterable[int] = ()) -> bool:
        """Whether an urgent message to `chat_id` is due (a sender then lets it jump the chat's queue)."""
        skip = sorted(set(exclude))
        marks = ",".join("?" * len(skip))
        return await self.scalar(
            "SELECT 1 FROM outbox WHERE contract_id = ? AND chat_id = ? AND status = 'pending' AND channel IS NULL"
            " AND kind LIKE 'urgent.%' AND next_attempt_at <= ?" + (f" AND id NOT IN ({marks})" if skip else "")
            + " LIMIT 1", (self.contract_id, chat_key(chat_id), to_db(now), *skip)) is not None

    async def next_attempt_at(self) -> datetime | None:
        return from_db(await self.scalar(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE contract_id = ? AND status = 'pending'",
            (self.contract_id,)))

    # -- several replicas (PostgreSQL, issue 18.2): a sender claims its chat's rows before sending them ------------
    async def claim_chat(self, chat_id: int | str, ids: Iterable[int], holder: str, ttl: float) -> set[int]:
        """Take these pending rows of one chat for `holder` for `ttl` seconds, unless another holder's live claim
        is on a pending row of the chat (one sender per chat across replicas: its order holds). Run it in a
        transaction that holds `try_claim(f"outbox-chat:{chat}")`, so two replicas never claim one chat at once.
        Returns the ids now claimed by `holder`."""
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        now = db_now(self.conn)
        key = chat_key(chat_id)
        busy = await self.scalar(
            "SELECT 1 FROM outbox WHERE contract_id = ? AND chat_id = ? AND status = 'pending'"
            f" AND claimed_by IS NOT NULL AND claimed_by != ? AND claim_expires > {now} LIMIT 1",
            (self.contract_id, key, holder))
        if busy is not None:
            return set()
        marks = ",".join("?" * len(wanted))
        await self.execute(
            f"UPDATE outbox SET claimed_by = ?, claim_expires = {now} + ? WHERE contract_id = ? AND chat_id = ?"
            f" AND status = 'pending' AND id IN ({marks})", (holder, float(ttl), self.contract_id, key, *wanted))
        rows = await self.fetchall(
            "SELECT id FROM outbox WHERE contract_id = ? AND claimed_by = ? AND status = 'pending'"
            f" AND id IN ({marks})",
            (self.contract_id, holder, *wanted))
        return {int(r[0]) for r in rows}

    async def claim_row(self, message_id: int, holder: str, ttl: float) -> bool:
        """Take (or keep) one pending row for `holder` for `ttl` more seconds: True unless another holder's claim
        on it is still live or the row is no longer pending. A sender calls it right before each send."""
        now = db_now(self.conn)
        return await self.execute(
            f"UPDATE outbox SET claimed_by = ?, claim_expires = {now} + ? WHERE contract_id = ? AND id = ?"
            f" AND status = 'pending' AND (claimed_by IS NULL OR claimed_by = ? OR claim_expires <= {now})",
            (holder, float(ttl), self.contract_id, message_id, holder)) == 1

    async def release_claims(self, holder: str, chat_id: int | str | None = None) -> int:
        """Give back `holder`'s claims on rows still pending (of one chat, or all): another replica may send them."""
        return await self.execute(
            "UPDATE outbox SET claimed_by = NULL, claim_expires = NULL WHERE contract_id = ? AND claimed_by = ?"
            " AND status = 'pending' AND (? IS NULL OR chat_id = ?)",
            (self.contract_id, holder, None if chat_id is None else chat_key(chat_id),
             None if chat_id is None else chat_key(chat_id)))

    async def mark_sent(self, message_id: int, *, now: datetime, telegram_message_id: int | str | None) -> bool:
        return await self.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, attempts = attempts + 1"
            " WHERE contract_id = ? AND id = ? AND status = 'pending'",
            (to_db(now), telegram_message_id, self.contract_id, message_id)) == 1

    async def retry_later(self, message_id: int, *, at: datetime, error: str) -> None:
        await self.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
            " WHERE contract_id = ? AND id = ? AND status = 'pending'",
            (to_db(at), error[:500], self.contract_id, message_id))

    async def mark_failed(self, message_id: int, *, error: str) -> None:
        await self.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?"
            " WHERE contract_id = ? AND id = ? AND status = 'pending'", (error[:500], self.contract_id, message_id))

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: pending messages follow it."""
        await self.execute(
            "UPDATE outbox SET chat_id = ? WHERE contract_id = ? AND chat_id = ? AND status = 'pending'",
            (chat_key(new_chat_id), self.contract_id, chat_key(old_chat_id)))

    async def counts(self) -> dict[str, int]:
        rows = await self.fetchall("SELECT status, COUNT(*) FROM outbox WHERE contract_id = ? GROUP BY status",
                                   (self.contract_id,))
        return {r[0]: r[1] for r in rows}

    async def backlog(self, now: datetime) -> OutboxBacklog:
        """Counts by status and when the oldest message still waiting to go out was queued (for /health)."""
        counts = await self.counts()
        # Waiting = already tried, or due now; a reminder queued for later is not waiting yet.
        oldest = from_db(await self.scalar(
            "SELECT MIN(created_at) FROM outbox WHERE contract_id = ? AND status = 'pending'"
            " AND (attempts > 0 OR next_attempt_at <= ?)", (self.contract_id, to_db(now))))
        due = await self.scalar(
            "SELECT COUNT(*) FROM outbox WHERE contract_id = ? AND status = 'pending' AND next_attempt_at <= ?",
            (self.contract_id, to_db(now)))
        return OutboxBacklog(counts, int(due or 0), oldest)

    async def kinds_created_since(self, since: datetime, *, exclude_prefix: str | None = None) -> dict[str, int]:
        """How many messages of each kind were queued at or after `since`."""
        rows = await self.fetchall(
            "SELECT kind, COUNT(*) FROM outbox WHERE contract_id = ? AND created_at >= ?"
            " AND (? IS NULL OR kind NOT LIKE ?) GROUP BY kind ORDER BY kind",
            (self.contract_id, to_db(since), exclude_prefix, f"{exclude_prefix}%"))
        return {r[0]: r[1] for r in rows}

    async def kinds_owed_at(self, moment: datetime) -> dict[str, int]:
        """Messages queued before `moment` and due by then that had not gone out before `moment`
        (still pending, or sent at or after it): what was owed when the bot came back."""
        rows = await self.fetchall(
            "SELECT kind, COUNT(*) FROM outbox WHERE contract_id = ? AND created_at < ? AND next_attempt_at <= ?"
            " AND (status = 'pending' OR (status = 'sent' AND sent_at >= ?)) GROUP BY kind ORDER BY kind",
            (self.contract_id, to_db(moment), to_db(moment), to_db(moment)))
        return {r[0]: r[1] for r in rows}


def _message(row: aiosqlite.Row) -> OutboxMessage:
    buttons = [[(b["text"], b["data"]) for b in line] for line in json.loads(row["buttons"])] \
        if row["buttons"] else []
    return OutboxMessage(row["id"], chat_from_db(row["chat_id"]), row["text"], buttons, row["kind"],
                         row["attempts"], row["document_path"], row["document_kind"], row["platform"])
