"""Scoring's own tables: the client's deductions, recorded payments and monthly report runs (#7).

Only these tables; the component rates come from the other features' services, never their SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import aiosqlite

from bot.services.domain.assessment import Deduction, PaymentRecord
from storage.base import Repository
from storage.timecodec import date_from_db, date_to_db, from_db, to_db


def _stored_decimal(text: object) -> Decimal:
    try:
        return Decimal(str(text).strip())
    except (ArithmeticError, ValueError):
        return Decimal("NaN")


def _stored_date(text: Any) -> date | None:  # whatever the column holds: not a date is None
    try:
        return date_from_db(text)
    except (TypeError, ValueError):
        return None


def _deduction(r: aiosqlite.Row) -> Deduction:
    return Deduction(id=r["id"], component=r["component"], points=Decimal(r["points"]),
                     reason=r["reason"], day=date_from_db(r["day"]),
                     created_at=from_db(r["created_at"]),
                     actor_name=r["actor_name"], actor_telegram_id=r["actor_telegram_id"])


class ScoringRepository(Repository):
    async def add_deduction(self, *, component: str, points: Decimal, reason: str, day: date, now: datetime,
                            actor_telegram_id: int | None, actor_name: str | None) -> int:
        return await self.insert(
            "INSERT INTO score_deductions (contract_id, component, points, reason, day, created_at,"
            " actor_telegram_id, actor_name) VALUES (?,?,?,?,?,?,?,?)",
            (self.contract_id, component, str(points), reason, date_to_db(day), to_db(now), actor_telegram_id,
             actor_name))

    async def deductions(self, start: date, end: date, component: str | None = None) -> list[Deduction]:
        """Deductions counted on a day in [start, end], oldest first."""
        sql = "SELECT * FROM score_deductions WHERE contract_id = ? AND day >= ? AND day <= ?"
        params: list[object] = [self.contract_id, date_to_db(start), date_to_db(end)]
        if component is not None:
            sql += " AND component = ?"
            params.append(component)
        rows = await self.fetchall(sql + " ORDER BY day, id", params)
        return [_deduction(r) for r in rows]

    async def payments(self) -> dict[str, PaymentRecord]:
        rows = await self.fetchall("SELECT * FROM payments WHERE contract_id = ?", (self.contract_id,))
        return {r["milestone"]: PaymentRecord(r["milestone"], _stored_date(r["paid_on"]),
                                              _stored_decimal(r["amount"]),
                                              from_db(r["recorded_at"]),
                                              r["actor_name"], str(r["amount"])) for r in rows}

    async def record_payment(self, *, milestone: str, paid_on: date, amount: Decimal, now: datetime,
                             actor_telegram_id: int | None, actor_name: str | None) -> None:
        """Insert or correct the payment of one milestone (the service decides which, and audits it)."""
        await self.execute(
            "INSERT INTO payments (contract_id, milestone, paid_on, amount, recorded_at, actor_telegram_id,"
            " actor_name) VALUES (?,?,?,?,?,?,?) ON CONFLICT (contract_id, milestone) DO UPDATE SET"
            " paid_on = excluded.paid_on, amount = excluded.amount, recorded_at = excluded.recorded_at,"
            " actor_telegram_id = excluded.actor_telegram_id, actor_name = excluded.actor_name",
            (self.contract_id, milestone, date_to_db(paid_on), str(amount), to_db(now), actor_telegram_id,
             actor_name))

    async def claim_report(self, month: str, now: datetime) -> bool:
        """True only for the first caller: the monthly report of `month` is then ours to send."""
        return await self.execute(
            "INSERT OR IGNORE INTO report_runs (contract_id, month, sent_at) VALUES (?,?,?)",
            (self.contract_id, month, to_db(now))) == 1

    async def report_sent(self, month: str) -> bool:
        return await self.scalar("SELECT 1 FROM report_runs WHERE contract_id = ? AND month = ?",
                                 (self.contract_id, month)) is not None


class RollupRow:
    """One stored rollup: a component's rate over one closed slice of days (migration 016)."""

    __slots__ = ("component", "denominator", "details", "empty_rate", "end", "numerator", "start")

    def __init__(self, component: str, start: date, end: date, numerator: Decimal, denominator: Decimal,
                 empty_rate: Decimal, details: str) -> None:
        self.component, self.start, self.end = component, start, end
        self.numerator, self.denominator, self.empty_rate, self.details = numerator, denominator, empty_rate, details


class ScoreRollupRepository(Repository):
    """Closed months' rates (score_rollups); the triggers of migration 016 drop a row when its data changes."""

    async def rollups(self, start: date, end: date, fingerprint: str) -> list[RollupRow]:
        """Every stored slice inside [start, end] made under `fingerprint`."""
        rows = await self.fetchall(
            "SELECT component, start_day, end_day, numerator, denominator, empty_rate, details FROM score_rollups"
            " WHERE contract_id = ? AND start_day >= ? AND end_day <= ? AND fingerprint = ? AND details != ''",
            (self.contract_id, date_to_db(start), date_to_db(end), fingerprint))
        return [RollupRow(r[0], date_from_db(r[1]), date_from_db(r[2]), Decimal(r[3]), Decimal(r[4]),
                          Decimal(r[5]), r[6]) for r in rows]

    async def save_rollup(self, row: RollupRow, fingerprint: str, now: datetime) -> None:
        await self.execute(
            "INSERT INTO score_rollups (contract_id, component, start_day, end_day, fingerprint, numerator,"
            " denominator, empty_rate, details, computed_at) VALUES (?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (contract_id, component, start_day, end_day) DO UPDATE SET"
            " fingerprint = excluded.fingerprint, numerator = excluded.numerator,"
            " denominator = excluded.denominator, empty_rate = excluded.empty_rate, details = excluded.details,"
            " computed_at = excluded.computed_at",
            (self.contract_id, row.component, date_to_db(row.start), date_to_db(row.end), fingerprint,
             str(row.numerator), str(row.denominator), str(row.empty_rate), row.details, to_db(now)))

    async def fill_rollup(self, row: RollupRow, fingerprint: str) -> bool:
        """Fill a claimed (empty) row; False when the claim is gone (its data changed meanwhile)."""
        return await self.execute(
            "UPDATE score_rollups SET numerator = ?, denominator = ?, empty_rate = ?, details = ?"
            " WHERE contract_id = ? AND component = ? AND start_day = ? AND end_day = ? AND fingerprint = ?"
            " AND details = ''",
            (str(row.numerator), str(row.denominator), str(row.empty_rate), row.details, self.contract_id,
             row.component, date_to_db(row.start), date_to_db(row.end), fingerprint)) == 1

    async def count(self) -> int:
        return int(await self.scalar("SELECT COUNT(*) FROM score_rollups WHERE contract_id = ?",
                                     (self.contract_id,)))
