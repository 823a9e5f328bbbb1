"""Group chats bound to the contract (where group notices go)."""

from __future__ import annotations

from datetime import datetime

from storage.base import Repository, chat_from_db, chat_key
from storage.timecodec import to_db


class ChatRepository(Repository):
    async def bind_group(self, chat_id: int, title: str | None, bound_by: int, now: datetime) -> bool:
        """Bind a group; returns False when it was bound already."""
        changed = await self.execute(
            "INSERT OR IGNORE INTO chats (contract_id, chat_id, kind, title, bound_by, bound_at)"
            " VALUES (?,?,'group',?,?,?)", (self.contract_id, chat_key(chat_id), title, bound_by, to_db(now)))
        return changed == 1

    async def group_ids(self) -> list[int | str]:
        rows = await self.fetchall("SELECT chat_id FROM chats WHERE contract_id = ? AND kind = 'group'"
                                   " ORDER BY bound_at", (self.contract_id,))
        return [chat_from_db(r[0]) for r in rows]

    async def is_bound(self, chat_id: int | str) -> bool:
        return await self.scalar("SELECT 1 FROM chats WHERE contract_id = ? AND chat_id = ?",
                                 (self.contract_id, chat_key(chat_id))) is not None

    async def mark_privacy_warned(self, chat_id: int) -> bool:
        """True the first time only: the privacy-mode hint is given once per group."""
        return await self.execute("UPDATE chats SET privacy_warned = 1 WHERE contract_id = ? AND chat_id = ?"
                                  " AND privacy_warned = 0", (self.contract_id, chat_key(chat_id))) == 1

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        await self.execute("UPDATE chats SET chat_id = ? WHERE contract_id = ? AND chat_id = ?",
                           (chat_key(new_chat_id), self.contract_id, chat_key(old_chat_id)))
