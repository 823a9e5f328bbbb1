"""Contract duties (#8): staff changes, onboarding papers, incidents, drills, timer marks, audit reading."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from bot.services.domain.audit import AuditEntry
from bot.services.domain.duties import (
    INCIDENT_TEXT_SECTIONS,
    OPEN_CHANGE_STATES,
    Drill,
    Incident,
    PaperRecord,
    StaffChange,
)
from storage.base import Repository
from storage.timecodec import date_from_db, date_to_db, from_db, to_db


def _iso(day: date | None) -> str | None:
    return None if day is None else date_to_db(day)


# -- staff changes --------------------------------------------------------------------------------------


def _change(r: Any) -> StaffChange:
    return StaffChange(r["id"], r["kind"], r["status"], r["leaving_id"], r["joining_id"], r["joining_name"],
                       r["joining_telegram_id"], date_from_db(r["start_date"]), date_from_db(r["release_date"]),
                       r["reason"], r["demand_reason"], r["requested_by"], r["demanded_by"],
                       from_db(r["created_at"]))


class StaffChangeRepository(Repository):
    async def add(self, *, kind: str, status: str, leaving_id: int, reason: str, now: datetime,
                  joining_name: str | None = None, joining_telegram_id: int | None = None,
                  start_date: date | None = None, requested_by: int | None = None,
                  demanded_by: int | None = None, demand_reason: str | None = None) -> int:
        return await self.insert(
            "INSERT INTO duty_staff_changes (contract_id, kind, status, leaving_id, joining_name, joining_telegram_id,"
            " start_date, reason, demand_reason, requested_by, demanded_by, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (self.contract_id, kind, status, leaving_id, joining_name, joining_telegram_id, _iso(start_date),
             reason, demand_reason, requested_by, demanded_by, to_db(now)))

    async def get(self, change_id: int) -> StaffChange | None:
        row = await self.fetchone("SELECT * FROM duty_staff_changes WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, change_id))
        return None if row is None else _change(row)

    async def open_for(self, leaving_id: int) -> StaffChange | None:
        row = await self.fetchone(
            "SELECT * FROM duty_staff_changes WHERE contract_id = ? AND leaving_id = ? AND status IN (?,?,?)"
            " ORDER BY id DESC LIMIT 1", (self.contract_id, leaving_id, *OPEN_CHANGE_STATES))
        return None if row is None else _change(row)

    async def nominate(self, change_id: int, *, joining_name: str, joining_telegram_id: int, start_date: date,
                       reason: str, requested_by: int) -> bool:
        """A demanded replacement gets its joiner: demanded → pending."""
        return await self.execute(
            "UPDATE duty_staff_changes SET status = 'pending', joining_name = ?, joining_telegram_id = ?,"
            " start_date = ?, reason = ?, requested_by = ? WHERE contract_id = ? AND id = ? AND status = 'demanded'",
            (joining_name, joining_telegram_id, _iso(start_date), reason, requested_by, self.contract_id,
             change_id)) == 1

    async def approve(self, change_id: int, *, joining_id: int, release_date: date, by: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE duty_staff_changes SET status = 'handover', joining_id = ?, release_date = ?, decided_by = ?,"
            " decided_at = ? WHERE contract_id = ? AND id = ? AND status = 'pending'",
            (joining_id, _iso(release_date), by, to_db(at), self.contract_id, change_id)) == 1

    async def reject(self, change_id: int, *, by: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE duty_staff_changes SET status = 'rejected', decided_by = ?, decided_at = ?"
            " WHERE contract_id = ? AND id = ? AND status = 'pending'",
            (by, to_db(at), self.contract_id, change_id)) == 1

    async def due_releases(self, day: date) -> list[StaffChange]:
        rows = await self.fetchall(
            "SELECT * FROM duty_staff_changes WHERE contract_id = ? AND status = 'handover' AND release_date <= ?"
            " ORDER BY release_date, id", (self.contract_id, _iso(day)))
        return [_change(r) for r in rows]

    async def next_release_date(self) -> date | None:
        return date_from_db(await self.scalar(
            "SELECT MIN(release_date) FROM duty_staff_changes WHERE contract_id = ? AND status = 'handover'",
            (self.contract_id,)))

    async def mark_released(self, change_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE duty_staff_changes SET status = 'done', released_at = ? WHERE contract_id = ? AND id = ?"
            " AND status = 'handover'", (to_db(at), self.contract_id, change_id)) == 1

    async def all(self) -> list[StaffChange]:
        rows = await self.fetchall("SELECT * FROM duty_staff_changes WHERE contract_id = ? ORDER BY id",
                                   (self.contract_id,))
        return [_change(r) for r in rows]


# -- onboarding papers ------------------------------------------------------------------------------------


class PapersRepository(Repository):
    async def add(self, *, person_id: int, kind: str, received_on: date, by: int | None, now: datetime) -> bool:
        async with self.conn.execute(
            "INSERT OR IGNORE INTO duty_papers (contract_id, person_id, kind, received_on, recorded_by, recorded_at)"
            " VALUES (?,?,?,?,?,?)",
            (self.contract_id, person_id, kind, _iso(received_on), by, to_db(now))) as cur:
            return cur.rowcount == 1

    async def all(self) -> list[PaperRecord]:
        rows = await self.fetchall(
            "SELECT person_id, kind, received_on FROM duty_papers WHERE contract_id = ? ORDER BY received_on, id",
            (self.contract_id,))
        return [PaperRecord(r["person_id"], r["kind"], date_from_db(r["received_on"])) for r in rows]


# -- security incidents -----------------------------------------------------------------------------------


def _incident(r: Any) -> Incident:
    return Incident(r["id"], r["reporter_id"], r["summary"], {s: r[s] for s in INCIDENT_TEXT_SECTIONS},
                    r["approval"], r["approved_by"], from_db(r["approved_at"]), r["status"],
                    from_db(r["created_at"]), from_db(r["closed_at"]), from_db(r["last_reminded_at"]))


class IncidentRepository(Repository):
    async def add(self, *, reporter_id: int, summary: str, now: datetime) -> int:
        return await self.insert(
            "INSERT INTO duty_incidents (contract_id, reporter_id, summary, created_at) VALUES (?,?,?,?)",
            (self.contract_id, reporter_id, summary, to_db(now)))

    async def get(self, incident_id: int) -> Incident | None:
        row = await self.fetchone("SELECT * FROM duty_incidents WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, incident_id))
        return None if row is None else _incident(row)

    async def set_section(self, incident_id: int, section: str, text: str | None) -> bool:
        if section not in INCIDENT_TEXT_SECTIONS:
            raise ValueError(f"unknown incident section {section!r}")
        return await self.execute(
            f"UPDATE duty_incidents SET {section} = ? WHERE contract_id = ? AND id = ? AND status = 'open'",
            (text, self.contract_id, incident_id)) == 1

    async def set_approval(self, incident_id: int, state: str, *, expected: tuple[str, ...], by: int | None = None,
                           at: datetime | None = None) -> bool:
        marks = ",".join("?" * len(expected))
        return await self.execute(
            f"UPDATE duty_incidents SET approval = ?, approved_by = ?, approved_at = ? WHERE contract_id = ?"
            f" AND id = ? AND status = 'open' AND approval IN ({marks})",
            (state, by, None if at is None else to_db(at), self.contract_id, incident_id, *expected)) == 1

    async def close(self, incident_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE duty_incidents SET status = 'closed', closed_at = ? WHERE contract_id = ? AND id = ?"
            " AND status = 'open'", (to_db(at), self.contract_id, incident_id)) == 1

    async def list(self, *, only_open: bool = False, limit: int = 50) -> list[Incident]:
        sql = "SELECT * FROM duty_incidents WHERE contract_id = ?"
        if only_open:
            sql += " AND status = 'open'"
        rows = await self.fetchall(sql + " ORDER BY id DESC LIMIT ?", (self.contract_id, limit))
        return [_incident(r) for r in reversed(rows)]

    async def claim_reminder(self, incident_id: int, *, previous: datetime | None, at: datetime) -> bool:
        """Mark a reminder as sent, only if nobody sent it since `previous` was read."""
        return await self.execute(
            "UPDATE duty_incidents SET last_reminded_at = ? WHERE contract_id = ? AND id = ? AND status = 'open'"
            " AND last_reminded_at IS ?", (to_db(at), self.contract_id, incident_id,
                                           None if previous is None else to_db(previous))) == 1


# -- emergency drills --------------------------------------------------------------------------------------


def _drill(r: Any) -> Drill:
    return Drill(r["id"], r["scenario"], date_from_db(r["planned_on"]), r["status"], r["result"],
                 from_db(r["done_at"]), r["source"])


class DrillRepository(Repository):
    async def add(self, *, scenario: str, planned_on: date, source: str, now: datetime) -> int | None:
        # Looked up first: on PostgreSQL an ignored insert still takes an id from the sequence, and drill numbers
        # are shown to people (#3 must follow #2 however often the sweep re-plans the configured drills).
        if await self.scalar("SELECT 1 FROM duty_drills WHERE contract_id = ? AND scenario = ? AND planned_on = ?",
                             (self.contract_id, scenario, _iso(planned_on))):
            return None
        async with self.conn.execute(
            "INSERT OR IGNORE INTO duty_drills (contract_id, scenario, planned_on, source, created_at)"
            " VALUES (?,?,?,?,?)", (self.contract_id, scenario, _iso(planned_on), source, to_db(now))) as cur:
            return cur.lastrowid if cur.rowcount == 1 else None

    async def get(self, drill_id: int) -> Drill | None:
        row = await self.fetchone("SELECT * FROM duty_drills WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, drill_id))
        return None if row is None else _drill(row)

    async def all(self) -> list[Drill]:
        rows = await self.fetchall("SELECT * FROM duty_drills WHERE contract_id = ? ORDER BY planned_on, id",
                                   (self.contract_id,))
        return [_drill(r) for r in rows]

    async def mark_done(self, drill_id: int, *, result: str, by: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE duty_drills SET status = 'done', result = ?, done_by = ?, done_at = ? WHERE contract_id = ?"
            " AND id = ? AND status = 'planned'", (result, by, to_db(at), self.contract_id, drill_id)) == 1


# -- timer marks -------------------------------------------------------------------------------------------
class DutyMarksRepository(Repository):
    """What a duty timer already did, one row per key: claiming twice changes nothing."""

    async def claim(self, key: str, now: datetime) -> bool:
        async with self.conn.execute("INSERT OR IGNORE INTO duty_marks (contract_id, key, at) VALUES (?,?,?)",
                                     (self.contract_id, key, to_db(now))) as cur:
            return cur.rowcount == 1

    async def at(self, key: str) -> datetime | None:
        return from_db(await self.scalar("SELECT at FROM duty_marks WHERE contract_id = ? AND key = ?",
                                         (self.contract_id, key)))

    async def keys(self, prefix: str) -> set[str]:
        rows = await self.fetchall("SELECT key FROM duty_marks WHERE contract_id = ? AND key LIKE ?",
                                   (self.contract_id, prefix + "%"))
        return {r["key"] for r in rows}

    async def latest(self, prefix: str) -> datetime | None:
        return from_db(await self.scalar("SELECT MAX(at) FROM duty_marks WHERE contract_id = ? AND key LIKE ?",
                                         (self.contract_id, prefix + "%")))


# -- reading the audit trail -------------------------------------------------------------------------------
class AuditQueryRepository(Repository):
    """Read-only: the newest audit rows of a period, returned oldest first."""

    async def recent(self, *, start: datetime, end: datetime, actor_telegram_id: int | None,
                     limit: int) -> tuple[int, list[AuditEntry]]:
        where = "contract_id = ? AND at >= ? AND at < ?"
        params: list[Any] = [self.contract_id, to_db(start), to_db(end)]
        if actor_telegram_id is not None:
            where += " AND actor_telegram_id = ?"
            params.append(actor_telegram_id)
        total = int(await self.scalar(f"SELECT COUNT(*) FROM audit WHERE {where}", params) or 0)
        rows = await self.fetchall(f"SELECT * FROM audit WHERE {where} ORDER BY id DESC LIMIT ?", [*params, limit])
        entries = [AuditEntry(r["id"], from_db(r["at"]), r["actor_telegram_id"], r["actor_name"],
                              r["action"], r["entity"], r["entity_id"],
                              json.loads(r["before"]) if r["before"] else None,
                              json.loads(r["after"]) if r["after"] else None) for r in rows]
        return total, list(reversed(entries))
