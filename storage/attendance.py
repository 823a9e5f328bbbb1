"""The attendance repository: daily check-in records and the leave / make-up requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.services.domain.attendance import AttendanceDay, AttendanceRequest, Presence, PresenceDays
from storage.base import Repository, chat_from_db, chat_key, optional_filters
from storage.timecodec import date_from_db, date_to_db, from_db, to_db


def _day(row: Any) -> AttendanceDay:
    return AttendanceDay(
        id=row["id"], person_id=row["person_id"], day=date.fromisoformat(row["day"]),
        checkin_at=from_db(row["checkin_at"]), checkout_at=from_db(row["checkout_at"]),
        chat_id=None if row["chat_id"] is None else chat_from_db(row["chat_id"]),
        late_minutes=row["late_minutes"], early_minutes=row["early_minutes"],
        holiday_duty=bool(row["holiday_duty"]), latitude=row["latitude"], longitude=row["longitude"],
        distance_m=row["distance_m"],
        outside_site=None if row["outside_site"] is None else bool(row["outside_site"]),
        location_at=from_db(row["location_at"]))


def _request(row: Any) -> AttendanceRequest:
    return AttendanceRequest(
        id=row["id"], person_id=row["person_id"], kind=row["kind"],
        first_day=date_from_db(row["first_day"]), last_day=date_from_db(row["last_day"]),
        reason=row["reason"], status=row["status"], created_at=from_db(row["created_at"]),
        decided_by=row["decided_by"], decided_at=from_db(row["decided_at"]), half=row["half"])


class AttendanceRepository(Repository):
    # -- days ------------------------------------------------------------------------------------
    async def day_of(self, person_id: int, day: date) -> AttendanceDay | None:
        row = await self.fetchone("SELECT * FROM attendance_days WHERE contract_id = ? AND person_id = ? AND day = ?",
                                  (self.contract_id, person_id, date_to_db(day)))
        return None if row is None else _day(row)

    async def days_between(self, first: date, last: date) -> list[AttendanceDay]:
        rows = await self.fetchall(
            "SELECT * FROM attendance_days WHERE contract_id = ? AND day BETWEEN ? AND ? ORDER BY day, person_id",
            (self.contract_id, date_to_db(first), date_to_db(last)))
        return [_day(r) for r in rows]

    async def presence_between(self, first: date, last: date) -> PresenceDays:
        """The checked-in days of [first, last], only what the attendance rate needs: the days per person,
        and the few with late minutes, holiday duty or a location outside the site, by day then person
        (a contract year at 50 engineers is ~12,000 check-ins: bench/bench_score.py)."""
        window = (self.contract_id, date_to_db(first), date_to_db(last))
        grouped = await self.fetchall(
            "SELECT person_id, group_concat(day) FROM attendance_days WHERE contract_id = ? AND day BETWEEN ? AND ?"
            " AND checkin_at IS NOT NULL GROUP BY person_id", window)
        flagged = await self.fetchall(
            "SELECT person_id, day, late_minutes, holiday_duty, outside_site FROM attendance_days"
            " WHERE contract_id = ? AND day BETWEEN ? AND ? AND checkin_at IS NOT NULL"
            " AND (late_minutes > 0 OR holiday_duty = 1 OR outside_site = 1) ORDER BY day, person_id", window)
        return PresenceDays(
            {r[0]: {date.fromisoformat(d) for d in r[1].split(",")} for r in grouped},
            [Presence(r[0], date.fromisoformat(r[1]), r[2], bool(r[3]), bool(r[4])) for r in flagged])

    async def check_in(self, *, person_id: int, day: date, at: datetime, chat_id: int | str | None, late_minutes: int,
                       holiday_duty: bool) -> bool:
        """Record the day's check-in; False when there was one already (nothing changes then)."""
        return await self.execute(
            "INSERT OR IGNORE INTO attendance_days (contract_id, person_id, day, checkin_at, chat_id, late_minutes,"
            " holiday_duty, created_at) VALUES (?,?,?,?,?,?,?,?)",
            (self.contract_id, person_id, date_to_db(day), to_db(at), _chat(chat_id), late_minutes, int(holiday_duty),
             to_db(at))) == 1

    async def fill_check_in(self, record_id: int, *, at: datetime, chat_id: int | str | None, late_minutes: int,
                            holiday_duty: bool) -> bool:
        """Add the check-in to a day that has none yet (only a check-out); False when it had one."""
        return await self.execute(
            "UPDATE attendance_days SET checkin_at = ?, chat_id = ?, late_minutes = ?, holiday_duty = ?"
            " WHERE id = ? AND contract_id = ? AND checkin_at IS NULL",
            (to_db(at), _chat(chat_id), late_minutes, int(holiday_duty), record_id, self.contract_id)) == 1

    async def add_day(self, *, person_id: int, day: date, now: datetime, holiday_duty: bool) -> bool:
        """A day's record without a check-in (a check-out covered by an approved make-up)."""
        return await self.execute(
            "INSERT OR IGNORE INTO attendance_days (contract_id, person_id, day, holiday_duty, created_at)"
            " VALUES (?,?,?,?,?)", (self.contract_id, person_id, date_to_db(day), int(holiday_duty), to_db(now))) == 1

    async def check_out(self, record_id: int, *, at: datetime, early_minutes: int) -> None:
        await self.execute("UPDATE attendance_days SET checkout_at = ?, early_minutes = ? WHERE id = ?"
                           " AND contract_id = ?", (to_db(at), early_minutes, record_id, self.contract_id))

    async def set_location(self, record_id: int, *, at: datetime, latitude: float, longitude: float,
                           distance_m: float, outside_site: bool) -> None:
        await self.execute(
            "UPDATE attendance_days SET latitude = ?, longitude = ?, distance_m = ?, outside_site = ?,"
            " location_at = ? WHERE id = ? AND contract_id = ?",
            (latitude, longitude, distance_m, int(outside_site), to_db(at), record_id, self.contract_id))

    # -- requests --------------------------------------------------------------------------------
    async def add_request(self, *, person_id: int, kind: str, first_day: date, last_day: date, reason: str,
                          now: datetime, half: str | None = None) -> int:
        return await self.insert(
            "INSERT INTO attendance_requests (contract_id, person_id, kind, first_day, last_day, reason,"
            " created_at, half) VALUES (?,?,?,?,?,?,?,?)",
            (self.contract_id, person_id, kind, date_to_db(first_day), date_to_db(last_day), reason, to_db(now),
             half))

    async def request(self, request_id: int) -> AttendanceRequest | None:
        row = await self.fetchone("SELECT * FROM attendance_requests WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, request_id))
        return None if row is None else _request(row)

    async def decide(self, request_id: int, *, status: str, by: int, now: datetime) -> bool:
        """Claim a pending request for a decision; False when somebody decided it first."""
        return await self.execute(
            "UPDATE attendance_requests SET status = ?, decided_by = ?, decided_at = ?"
            " WHERE contract_id = ? AND id = ? AND status = 'pending'",
            (status, by, to_db(now), self.contract_id, request_id)) == 1

    async def requests_overlapping(self, first: date, last: date, *, kind: str | None = None,
                                   person_id: int | None = None,
                                   statuses: tuple[str, ...] = ("pending", "approved")) -> list[AttendanceRequest]:
        sql = ("SELECT * FROM attendance_requests WHERE contract_id = ? AND first_day <= ? AND last_day >= ?"
               f" AND status IN ({','.join('?' * len(statuses))})")
        params: list[Any] = [self.contract_id, date_to_db(last), date_to_db(first), *statuses]
        filters, values = optional_filters([("kind = ?", kind), ("person_id = ?", person_id)])
        rows = await self.fetchall(sql + filters + " ORDER BY first_day, id", [*params, *values])
        return [_request(r) for r in rows]


def _chat(chat_id: int | str | None) -> str | None:
    return None if chat_id is None else chat_key(chat_id)
