"""The on-call repository: rota shifts, holiday duty plans, swaps and the once-a-day runs of its reminders."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.services.domain.oncall import DutyPlan, Shift, Swap
from storage.base import Repository
from storage.timecodec import date_from_db, from_db, to_db


class OnCallRepository(Repository):
    # -- shifts ---------------------------------------------------------------------------------------------
    async def shifts_between(self, first: date, last: date) -> list[Shift]:
        rows = await self.fetchall(
            "SELECT day, person_id, source, plan_id, starts_at, ends_at FROM oncall_shifts WHERE contract_id = ?"
            " AND day >= ? AND day <= ? ORDER BY day, id", (self.contract_id, first.isoformat(), last.isoformat()))
        return [Shift(date.fromisoformat(r["day"]), r["person_id"], r["source"], r["plan_id"],
                      from_db(r["starts_at"]), from_db(r["ends_at"])) for r in rows]

    async def set_day(self, day: date, person_ids: list[int], *, source: str, now: datetime,
                      created_by: int | None, plan_id: int | None = None,
                      window: tuple[datetime, datetime] | None = None) -> None:
        """Replace whoever is on duty that day by `person_ids` (only for `window` of it, when given)."""
        await self.execute("DELETE FROM oncall_shifts WHERE contract_id = ? AND day = ?",
                           (self.contract_id, day.isoformat()))
        starts_at, ends_at = (to_db(window[0]), to_db(window[1])) if window else (None, None)
        for person_id in person_ids:
            await self.insert(
                "INSERT INTO oncall_shifts (contract_id, day, person_id, source, plan_id, created_at, created_by,"
                " starts_at, ends_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (self.contract_id, day.isoformat(), person_id, source, plan_id, to_db(now), created_by,
                 starts_at, ends_at))

    async def move_shift(self, day: date, from_person: int, to_person: int, *, now: datetime,
                         created_by: int | None) -> bool:
        """Hand one person's duty day (with its times, if any) to another; False if `from_person` is no longer
        on duty that day."""
        row = await self.fetchone(
            "SELECT starts_at, ends_at FROM oncall_shifts WHERE contract_id = ? AND day = ? AND person_id = ?",
            (self.contract_id, day.isoformat(), from_person))
        changed = await self.execute(
            "DELETE FROM oncall_shifts WHERE contract_id = ? AND day = ? AND person_id = ?",
            (self.contract_id, day.isoformat(), from_person))
        if changed != 1 or row is None:
            return False
        await self.execute(
            "INSERT OR IGNORE INTO oncall_shifts (contract_id, day, person_id, source, created_at, created_by,"
            " starts_at, ends_at) VALUES (?,?,?,'swap',?,?,?,?)",
            (self.contract_id, day.isoformat(), to_person, to_db(now), created_by, row["starts_at"], row["ends_at"]))
        return True

    # -- duty plans -----------------------------------------------------------------------------------------
    async def plan_by_first_day(self, first: date) -> DutyPlan | None:
        row = await self.fetchone("SELECT * FROM duty_plans WHERE contract_id = ? AND first_day = ?",
                                  (self.contract_id, first.isoformat()))
        return None if row is None else await self._plan(row)

    async def plan(self, plan_id: int) -> DutyPlan | None:
        row = await self.fetchone("SELECT * FROM duty_plans WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, plan_id))
        return None if row is None else await self._plan(row)

    async def plans(self) -> list[DutyPlan]:
        """Every duty plan, proposed or approved, by first day."""
        rows = await self.fetchall("SELECT * FROM duty_plans WHERE contract_id = ? ORDER BY first_day",
                                   (self.contract_id,))
        return [await self._plan(r) for r in rows]

    async def _plan(self, row: aiosqlite.Row) -> DutyPlan:
        r = row
        days = await self.fetchall(
            "SELECT day, person_id FROM duty_plan_days WHERE contract_id = ? AND plan_id = ? ORDER BY day",
            (self.contract_id, r["id"]))
        return DutyPlan(r["id"], r["name"], r["name_en"], date_from_db(r["first_day"]),
                        date_from_db(r["last_day"]), r["status"], from_db(r["proposed_at"]),
                        from_db(r["approved_at"]), r["approved_by"],
                        {date.fromisoformat(d["day"]): d["person_id"] for d in days})

    async def save_proposal(self, *, name: str, name_en: str, first: date, last: date, days: dict[date, int],
                            now: datetime, proposed_by: int | None) -> int:
        """Insert or replace a proposed plan (an approved plan is never replaced); returns its id."""
        existing = await self.fetchone("SELECT id, status FROM duty_plans WHERE contract_id = ? AND first_day = ?",
                                       (self.contract_id, first.isoformat()))
        if existing is not None:
            if existing["status"] == "approved":
                raise ValueError("an approved plan is not replaced")
            plan_id = int(existing["id"])
            await self.execute(
                "UPDATE duty_plans SET name = ?, name_en = ?, last_day = ?, proposed_at = ?, proposed_by = ?"
                " WHERE id = ?", (name, name_en, last.isoformat(), to_db(now), proposed_by, plan_id))
            await self.execute("DELETE FROM duty_plan_days WHERE contract_id = ? AND plan_id = ?",
                               (self.contract_id, plan_id))
        else:
            plan_id = await self.insert(
                "INSERT INTO duty_plans (contract_id, name, name_en, first_day, last_day, proposed_at, proposed_by)"
                " VALUES (?,?,?,?,?,?,?)",
                (self.contract_id, name, name_en, first.isoformat(), last.isoformat(), to_db(now), proposed_by))
        for day, person_id in sorted(days.items()):
            await self.insert("INSERT INTO duty_plan_days (contract_id, plan_id, day, person_id) VALUES (?,?,?,?)",
                              (self.contract_id, plan_id, day.isoformat(), person_id))
        return plan_id

    async def approve_plan(self, plan_id: int, approver: int, now: datetime) -> bool:
        return await self.execute(
            "UPDATE duty_plans SET status = 'approved', approved_at = ?, approved_by = ? WHERE contract_id = ?"
            " AND id = ? AND status = 'proposed'", (to_db(now), approver, self.contract_id, plan_id)) == 1

    # -- swaps ----------------------------------------------------------------------------------------------
    async def add_swap(self, day: date, from_person: int, to_person: int, now: datetime) -> int:
        return await self.insert(
            "INSERT INTO duty_swaps (contract_id, day, from_person, to_person, requested_at) VALUES (?,?,?,?,?)",
            (self.contract_id, day.isoformat(), from_person, to_person, to_db(now)))

    async def swap(self, swap_id: int) -> Swap | None:
        r = await self.fetchone("SELECT * FROM duty_swaps WHERE contract_id = ? AND id = ?",
                                (self.contract_id, swap_id))
        if r is None:
            return None
        return Swap(r["id"], date.fromisoformat(r["day"]), r["from_person"], r["to_person"], r["status"],
                    from_db(r["requested_at"]), from_db(r["peer_ok_at"]), from_db(r["decided_at"]),
                    r["decided_by"])

    async def set_swap_status(self, swap_id: int, *, expected: str, status: str, now: datetime,
                              by: int | None) -> bool:
        column = "peer_ok_at" if status == "peer_ok" else "decided_at"
        sql = f"UPDATE duty_swaps SET status = ?, {column} = ?"
        params: list[object] = [status, to_db(now)]
        if column == "decided_at":
            sql += ", decided_by = ?"
            params.append(by)
        sql += " WHERE contract_id = ? AND id = ? AND status = ?"
        params += [self.contract_id, swap_id, expected]
        return await self.execute(sql, params) == 1

    # -- daily runs -----------------------------------------------------------------------------------------
    async def claim_run(self, job: str, day: date, now: datetime) -> bool:
        return await self.execute(
            "INSERT OR IGNORE INTO oncall_runs (contract_id, job, day, ran_at) VALUES (?,?,?,?)",
            (self.contract_id, job, day.isoformat(), to_db(now))) == 1

    async def has_run(self, job: str, day: date) -> bool:
        return await self.scalar("SELECT 1 FROM oncall_runs WHERE contract_id = ? AND job = ? AND day = ?",
                                 (self.contract_id, job, day.isoformat())) is not None
