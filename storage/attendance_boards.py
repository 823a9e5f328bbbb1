"""The group attendance boards: the message id of each (chat, day) board, so it is edited, not sent again."""

from __future__ import annotations

from datetime import date, datetime

from storage.base import Repository
from storage.timecodec import date_to_db, to_db


class AttendanceBoardRepository(Repository):
    async def message_id(self, chat_id: str, day: date) -> str | None:
        value = await self.scalar(
            "SELECT message_id FROM attendance_boards WHERE contract_id = ? AND chat_id = ? AND day = ?",
            (self.contract_id, chat_id, date_to_db(day)))
        return None if value is None else str(value)

    async def set_message_id(self, chat_id: str, day: date, message_id: str, now: datetime) -> None:
        await self.execute("DELETE FROM attendance_boards WHERE contract_id = ? AND chat_id = ? AND day = ?",
                           (self.contract_id, chat_id, date_to_db(day)))
        await self.execute(
            "INSERT INTO attendance_boards (contract_id, chat_id, day, message_id, updated_at) VALUES (?,?,?,?,?)",
            (self.contract_id, chat_id, date_to_db(day), message_id, to_db(now)))
