"""The daily maintenance log (日常维护): engineers' daily inspection records, one or more per day."""

from __future__ import annotations

from datetime import date, datetime

from bot.services.domain.daily_log import DailyLog
from storage.base import Repository
from storage.timecodec import date_from_db, date_to_db, from_db, to_db


class DailyLogRepository(Repository):
    async def add(self, *, day: date, person_id: int, text: str, now: datetime) -> int:
        return await self.insert(
            "INSERT INTO daily_logs (contract_id, day, person_id, text, created_at) VALUES (?,?,?,?,?)",
            (self.contract_id, date_to_db(day), person_id, text, to_db(now)))

    async def on_day(self, day: date) -> list[DailyLog]:
        rows = await self.fetchall("SELECT * FROM daily_logs WHERE contract_id = ? AND day = ? ORDER BY id",
                                   (self.contract_id, date_to_db(day)))
        return [DailyLog(r["id"], date_from_db(r["day"]), r["person_id"], r["text"],
                         from_db(r["created_at"])) for r in rows]

    async def days_with_logs(self, start: date, end: date) -> set[date]:
        rows = await self.fetchall(
            "SELECT DISTINCT day FROM daily_logs WHERE contract_id = ? AND day >= ? AND day <= ?",
            (self.contract_id, date_to_db(start), date_to_db(end)))
        return {date.fromisoformat(r["day"]) for r in rows}
