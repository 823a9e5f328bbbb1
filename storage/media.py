"""Photos and files kept with records, and per-person quiet hours (with the outbox rows they hold)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.services.domain.media import QuietHours, StoredAttachment
from storage.base import Repository, chat_from_db, chat_key
from storage.timecodec import from_db, to_db


class AttachmentRepository(Repository):
    async def add(self, *, record_type: str | None, record_id: int | None, kind: str, platform: str,
                  platform_file_id: str, name: str | None, size: int | None, mime: str | None,
                  caption: str | None, person_id: int, chat_id: str, now: datetime) -> int:
        return await self.insert(
            "INSERT INTO attachments (contract_id, record_type, record_id, kind, platform, platform_file_id, name,"
            " size, mime, caption, person_id, chat_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (self.contract_id, record_type, record_id, kind, platform, platform_file_id, name, size, mime, caption,
             person_id, chat_id, to_db(now)))

    async def get(self, attachment_id: int) -> StoredAttachment | None:
        row = await self.fetchone("SELECT * FROM attachments WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, attachment_id))
        return _attachment(row) if row is not None else None

    async def assign(self, attachment_id: int, record_type: str, record_id: int) -> bool:
        """Files a waiting attachment with a record (once: a second press changes nothing)."""
        return await self.execute(
            "UPDATE attachments SET record_type = ?, record_id = ? WHERE contract_id = ? AND id = ?"
            " AND record_type IS NULL", (record_type, record_id, self.contract_id, attachment_id)) == 1

    async def set_local_path(self, attachment_id: int, path: str) -> None:
        await self.execute("UPDATE attachments SET local_path = ? WHERE contract_id = ? AND id = ?",
                           (path, self.contract_id, attachment_id))

    async def of_record(self, record_type: str, record_id: int) -> list[StoredAttachment]:
        rows = await self.fetchall(
            "SELECT * FROM attachments WHERE contract_id = ? AND record_type = ? AND record_id = ? ORDER BY id",
            (self.contract_id, record_type, record_id))
        return [_attachment(r) for r in rows]

    async def local_paths(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT local_path FROM attachments WHERE contract_id = ? AND local_path IS NOT NULL",
            (self.contract_id,))
        return [r[0] for r in rows]


def _attachment(row: aiosqlite.Row) -> StoredAttachment:
    created = from_db(row["created_at"])
    assert created is not None
    return StoredAttachment(row["id"], row["record_type"], row["record_id"], row["kind"], row["platform"],
                            row["platform_file_id"], row["name"], row["size"], row["mime"], row["caption"],
                            row["local_path"], row["person_id"], created)


class QuietHoursRepository(Repository):
    async def get(self, person_id: int) -> QuietHours | None:
        row = await self.fetchone(
            "SELECT start_minute, end_minute FROM quiet_hours WHERE contract_id = ? AND person_id = ?",
            (self.contract_id, person_id))
        return QuietHours(row[0], row[1]) if row is not None else None

    async def for_chat(self, chat_id: int) -> QuietHours | None:
        """The quiet hours of the person whose private chat this is (None for groups and people without)."""
        row = await self.fetchone(
            "SELECT q.start_minute, q.end_minute FROM quiet_hours q JOIN people p ON p.id = q.person_id"
            " AND p.contract_id = q.contract_id WHERE q.contract_id = ? AND p.telegram_id = ?",
            (self.contract_id, chat_id))
        return QuietHours(row[0], row[1]) if row is not None else None

    async def set(self, person_id: int, hours: QuietHours, now: datetime) -> None:
        await self.execute(
            "INSERT INTO quiet_hours (contract_id, person_id, start_minute, end_minute, updated_at)"
            " VALUES (?,?,?,?,?) ON CONFLICT (contract_id, person_id) DO UPDATE SET"
            " start_minute = excluded.start_minute, end_minute = excluded.end_minute,"
            " updated_at = excluded.updated_at",
            (self.contract_id, person_id, hours.start_minute, hours.end_minute, to_db(now)))

    async def clear(self, person_id: int) -> bool:
        return await self.execute("DELETE FROM quiet_hours WHERE contract_id = ? AND person_id = ?",
                                  (self.contract_id, person_id)) == 1

    async def end_hold(self, chat_id: int, now: datetime) -> int:
        """Quiet hours switched off: what was held for this chat is due for the digest now."""
        return await self.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE contract_id = ? AND chat_id = ? AND status = 'held'"
            " AND next_attempt_at > ?", (to_db(now), self.contract_id, chat_key(chat_id), to_db(now)))

    # -- outbox rows held for quiet hours --------------------------------------------------------------------
    async def next_release(self) -> datetime | None:
        return from_db(await self.scalar(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE contract_id = ? AND status = 'held'",
            (self.contract_id,)))

    async def held_due(self, now: datetime) -> list[tuple[int, int | str, str, bool]]:
        """(outbox id, chat id, text, stand-alone) of held rows whose quiet hours ended, oldest first; rows with
        buttons or a document stand alone (they are released as they are, not folded into the digest)."""
        rows = await self.fetchall(
            "SELECT id, chat_id, text, buttons IS NOT NULL OR document_path IS NOT NULL FROM outbox"
            " WHERE contract_id = ? AND status = 'held' AND next_attempt_at <= ? ORDER BY id",
            (self.contract_id, to_db(now)))
        return [(r[0], chat_from_db(r[1]), r[2], bool(r[3])) for r in rows]

    async def release(self, outbox_id: int, now: datetime) -> bool:
        """A held row goes out as it is (claimed once)."""
        return await self.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE contract_id = ? AND id = ?"
            " AND status = 'held'", (to_db(now), self.contract_id, outbox_id)) == 1

    async def fold(self, outbox_id: int, now: datetime) -> bool:
        """A held row is folded into the digest (claimed once)."""
        return await self.execute(
            "UPDATE outbox SET status = 'digested', sent_at = ? WHERE contract_id = ? AND id = ?"
            " AND status = 'held'", (to_db(now), self.contract_id, outbox_id)) == 1
