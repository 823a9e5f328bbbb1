"""Recurring inspections (巡检计划, issue 20): the tasks and each run of them."""

from __future__ import annotations

import builtins
from datetime import date, datetime, time
from typing import Any

from bot.services.domain.inspections import Inspection, InspectionRun
from storage.base import Repository
from storage.timecodec import from_db, to_db


def _inspection(r: Any) -> Inspection:
    hour, minute = (int(x) for x in r["opens_at_time"].split(":"))
    return Inspection(r["id"], r["name"], r["every"], r["day"], time(hour, minute), r["creates"],
                      bool(r["daily_maintenance"]), r["source"], date.fromisoformat(r["starts_on"]),
                      from_db(r["paused_at"]))


def _run(r: Any) -> InspectionRun:
    return InspectionRun(r["id"], r["inspection_id"], date.fromisoformat(r["due_day"]), from_db(r["opened_at"]),
                         r["ticket_id"], bool(r["daily_maintenance"]), from_db(r["done_at"]), r["done_by"],
                         r["note"], from_db(r["missed_at"]))


class InspectionRepository(Repository):
    async def upsert_config(self, *, name: str, every: str, day: int, at: time, creates: str,
                            daily_maintenance: bool, starts_on: date, now: datetime) -> bool:
        """A task from config: added once, its schedule kept in step with the file; True when new. (Looked up
        first: on PostgreSQL an ignored insert would still use up a number of the id sequence.)"""
        known = await self.scalar("SELECT id FROM inspections WHERE contract_id = ? AND name = ?",
                                  (self.contract_id, name))
        added = 0 if known is not None else await self.execute(
            "INSERT OR IGNORE INTO inspections (contract_id, name, every, day, opens_at_time, creates,"
            " daily_maintenance, source, starts_on, created_at) VALUES (?,?,?,?,?,?,?,'config',?,?)",
            (self.contract_id, name, every, day, at.strftime("%H:%M"), creates, int(daily_maintenance),
             starts_on.isoformat(), to_db(now)))
        if not added:
            await self.execute(
                "UPDATE inspections SET every = ?, day = ?, opens_at_time = ?, creates = ?, daily_maintenance = ?"
                " WHERE contract_id = ? AND name = ? AND source = 'config'",
                (every, day, at.strftime("%H:%M"), creates, int(daily_maintenance), self.contract_id, name))
        return added == 1

    async def add(self, *, name: str, every: str, day: int, at: time, creates: str, daily_maintenance: bool,
                  starts_on: date, now: datetime, created_by: int) -> int | None:
        """A task added in chat; None when the name is taken."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO inspections (contract_id, name, every, day, opens_at_time, creates,"
            " daily_maintenance, source, starts_on, created_at, created_by) VALUES (?,?,?,?,?,?,?,'chat',?,?,?)",
            (self.contract_id, name, every, day, at.strftime("%H:%M"), creates, int(daily_maintenance),
             starts_on.isoformat(), to_db(now), created_by))
        return cur.lastrowid if cur.rowcount else None

    async def get(self, inspection_id: int) -> Inspection | None:
        row = await self.fetchone("SELECT * FROM inspections WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, inspection_id))
        return _inspection(row) if row else None

    async def all(self) -> builtins.list[Inspection]:
        rows = await self.fetchall("SELECT * FROM inspections WHERE contract_id = ? ORDER BY id", (self.contract_id,))
        return [_inspection(r) for r in rows]

    async def set_paused(self, inspection_id: int, at: datetime | None, by: int | None) -> bool:
        was = "paused_at IS NULL" if at is not None else "paused_at IS NOT NULL"  # portable: no boolean = integer
        return await self.execute(
            f"UPDATE inspections SET paused_at = ?, paused_by = ? WHERE contract_id = ? AND id = ? AND {was}",
            (to_db(at) if at else None, by, self.contract_id, inspection_id)) == 1

    # -- runs ---------------------------------------------------------------------------------------------
    async def open_run(self, inspection_id: int, due_day: date, now: datetime, daily_maintenance: bool) -> int | None:
        """Claim the run of `due_day` (once, whoever sweeps); None when it exists."""
        cur = await self.conn.execute(
            "INSERT OR IGNORE INTO inspection_runs (contract_id, inspection_id, due_day, opened_at,"
            " daily_maintenance) VALUES (?,?,?,?,?)",
            (self.contract_id, inspection_id, due_day.isoformat(), to_db(now), int(daily_maintenance)))
        return cur.lastrowid if cur.rowcount else None

    async def set_ticket(self, run_id: int, ticket_id: int) -> None:
        await self.execute("UPDATE inspection_runs SET ticket_id = ? WHERE contract_id = ? AND id = ?",
                           (ticket_id, self.contract_id, run_id))

    async def has_run(self, inspection_id: int, due_day: date) -> bool:
        return await self.scalar(
            "SELECT 1 FROM inspection_runs WHERE contract_id = ? AND inspection_id = ? AND due_day = ?",
            (self.contract_id, inspection_id, due_day.isoformat())) is not None

    async def open_runs(self) -> builtins.list[InspectionRun]:
        rows = await self.fetchall(
            "SELECT * FROM inspection_runs WHERE contract_id = ? AND done_at IS NULL ORDER BY due_day, id",
            (self.contract_id,))
        return [_run(r) for r in rows]

    async def latest_runs(self) -> dict[int, InspectionRun]:
        rows = await self.fetchall(
            "SELECT r.* FROM inspection_runs r WHERE r.contract_id = ? AND r.id = (SELECT MAX(id) FROM"
            " inspection_runs x WHERE x.contract_id = r.contract_id AND x.inspection_id = r.inspection_id)",
            (self.contract_id,))
        return {r["inspection_id"]: _run(r) for r in rows}

    async def mark_done(self, run_id: int, at: datetime, by: int | None, note: str | None) -> bool:
        return await self.execute(
            "UPDATE inspection_runs SET done_at = ?, done_by = ?, note = ? WHERE contract_id = ? AND id = ?"
            " AND done_at IS NULL", (to_db(at), by, note, self.contract_id, run_id)) == 1

    async def claim_missed(self, run_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE inspection_runs SET missed_at = ? WHERE contract_id = ? AND id = ? AND done_at IS NULL"
            " AND missed_at IS NULL", (to_db(at), self.contract_id, run_id)) == 1

    async def counted_between(self, first: date, last: date) -> builtins.list[InspectionRun]:
        """Runs due in [first, last] that count for daily maintenance."""
        rows = await self.fetchall(
            "SELECT * FROM inspection_runs WHERE contract_id = ? AND daily_maintenance = 1 AND due_day >= ?"
            " AND due_day <= ? ORDER BY due_day, id", (self.contract_id, first.isoformat(), last.isoformat()))
        return [_run(r) for r in rows]
