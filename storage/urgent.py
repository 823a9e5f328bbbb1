"""The urgent-request repository: requests, who was asked to come, and the escalation steps that fired.

Every timer claim is a conditional UPDATE that returns the number of rows changed: the caller acts only
when it is 1, so two sweeps (a precise job and the backstop, or two restarts) never act twice.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from bot.services.domain.urgent import Recipient, UrgentOutcome, UrgentRequest
from storage.base import Repository
from storage.timecodec import from_db, to_db

# UrgentRequest's fields, computed once rather than per row (a year holds 2,000 requests: bench/bench_score.py).
_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(UrgentRequest))
_TIME_FIELDS = ("raised_at", "started_at", "deadline_at", "acknowledged_at", "arrived_at", "breach_detected_at",
                "escalation_stopped_at", "support_requested_at", "second_line_deadline_at",
                "second_line_arrived_at", "second_line_breach_detected_at", "cancelled_at", "ack_eta")


def _request(row: Any) -> UrgentRequest:
    values = {name: row[name] for name in _FIELD_NAMES}
    for key in _TIME_FIELDS:
        values[key] = from_db(values[key])
    on_site = values["arrival_on_site"]
    values["arrival_on_site"] = None if on_site is None else bool(on_site)
    return UrgentRequest(**values)


class UrgentRepository(Repository):
    # -- requests -----------------------------------------------------------------------------------------
    async def add(self, *, ticket_id: int | None, text: str, raised_by: int, raised_at: datetime,
                  started_at: datetime, deadline_at: datetime) -> int:
        return await self.insert(
            "INSERT INTO urgent_requests (contract_id, ticket_id, text, raised_by, raised_at, started_at,"
            " deadline_at) VALUES (?,?,?,?,?,?,?)",
            (self.contract_id, ticket_id, text, raised_by, to_db(raised_at), to_db(started_at),
             to_db(deadline_at)))

    async def get(self, request_id: int) -> UrgentRequest | None:
        row = await self.fetchone("SELECT * FROM urgent_requests WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, request_id))
        return None if row is None else _request(row)

    async def open_requests(self) -> list[UrgentRequest]:
        """Not cancelled, and not yet arrived or waiting for the second line."""
        rows = await self.fetchall(
            "SELECT * FROM urgent_requests WHERE contract_id = ? AND cancelled_at IS NULL AND (arrived_at IS NULL OR"
            " (support_requested_at IS NOT NULL AND second_line_arrived_at IS NULL)) ORDER BY id",
            (self.contract_id,))
        return [_request(r) for r in rows]

    async def outcomes_between(self, start: datetime, end: datetime) -> list[UrgentOutcome]:
        """The times the responsiveness rate reads, of the requests raised in [start, end), by id."""
        rows = await self.fetchall(
            "SELECT id, started_at, deadline_at, acknowledged_at, arrived_at, arrival_on_site, cancelled_at"
            " FROM urgent_requests WHERE contract_id = ? AND raised_at >= ? AND raised_at < ? ORDER BY id",
            (self.contract_id, to_db(start), to_db(end)))
        return [UrgentOutcome(r[0], from_db(r[1]), from_db(r[2]), from_db(r[3]), from_db(r[4]),
                              None if r[5] is None else bool(r[5]), from_db(r[6])) for r in rows]

    async def raised_between(self, start: datetime, end: datetime) -> list[UrgentRequest]:
        """Requests raised in [start, end)."""
        rows = await self.fetchall(
            "SELECT * FROM urgent_requests WHERE contract_id = ? AND raised_at >= ? AND raised_at < ? ORDER BY id",
            (self.contract_id, to_db(start), to_db(end)))
        return [_request(r) for r in rows]

    async def latest_open_for(self, person_id: int) -> UrgentRequest | None:
        """The newest request not yet arrived (nor cancelled) that this person was asked to come to."""
        row = await self.fetchone(
            "SELECT r.* FROM urgent_requests r JOIN urgent_recipients p ON p.contract_id = r.contract_id"
            " AND p.request_id = r.id WHERE r.contract_id = ? AND p.person_id = ? AND r.arrived_at IS NULL"
            " AND r.cancelled_at IS NULL"
            " AND p.role = 'duty' ORDER BY r.id DESC LIMIT 1", (self.contract_id, person_id))
        return None if row is None else _request(row)

    async def latest_arrival_by(self, person_id: int, since: datetime) -> UrgentRequest | None:
        """The newest request this person marked arrived since `since`, still without a location."""
        row = await self.fetchone(
            "SELECT * FROM urgent_requests WHERE contract_id = ? AND arrived_by = ? AND arrived_at >= ?"
            " AND arrival_latitude IS NULL ORDER BY arrived_at DESC, id DESC LIMIT 1",
            (self.contract_id, person_id, to_db(since)))
        return None if row is None else _request(row)

    # -- state changes (each a claim: True when this call changed the row) ----------------------------------
    async def acknowledge(self, request_id: int, person_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET acknowledged_at = ?, acknowledged_by = ? WHERE contract_id = ? AND id = ?"
            " AND acknowledged_at IS NULL", (to_db(at), person_id, self.contract_id, request_id)) == 1

    async def set_ack_estimate(self, request_id: int, note: str | None, eta: datetime | None) -> bool:
        """The note and estimated arrival of an acknowledgement (the latest one given counts) while nobody
        arrived yet."""
        return await self.execute(
            "UPDATE urgent_requests SET ack_note = COALESCE(?, ack_note), ack_eta = COALESCE(?, ack_eta)"
            " WHERE contract_id = ? AND id = ? AND arrived_at IS NULL",
            (note, to_db(eta) if eta is not None else None, self.contract_id, request_id)) == 1

    async def arrive(self, request_id: int, person_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET arrived_at = ?, arrived_by = ? WHERE contract_id = ? AND id = ?"
            " AND arrived_at IS NULL", (to_db(at), person_id, self.contract_id, request_id)) == 1

    async def set_arrival_location(self, request_id: int, latitude: float, longitude: float, distance_m: float,
                                   on_site: bool) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET arrival_latitude = ?, arrival_longitude = ?, arrival_distance_m = ?,"
            " arrival_on_site = ? WHERE contract_id = ? AND id = ? AND arrival_latitude IS NULL",
            (latitude, longitude, round(distance_m, 1), int(on_site), self.contract_id, request_id)) == 1

    async def claim_reminder(self, request_id: int, done: int) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET reminders_done = ? WHERE contract_id = ? AND id = ? AND reminders_done = ?"
            " AND cancelled_at IS NULL",
            (done + 1, self.contract_id, request_id, done)) == 1

    async def claim_call(self, request_id: int, done: int) -> bool:
        """Claim phone / SMS step `done` (sla.calls) of a request nobody acknowledged yet."""
        return await self.execute(
            "UPDATE urgent_requests SET calls_done = ? WHERE contract_id = ? AND id = ? AND calls_done = ?"
            " AND cancelled_at IS NULL AND acknowledged_at IS NULL AND arrived_at IS NULL",
            (done + 1, self.contract_id, request_id, done)) == 1

    async def claim_breach(self, request_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET breach_detected_at = ? WHERE contract_id = ? AND id = ?"
            " AND breach_detected_at IS NULL AND arrived_at IS NULL AND cancelled_at IS NULL",
            (to_db(at), self.contract_id, request_id)) == 1

    async def claim_escalation_step(self, request_id: int, step: int) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET escalation_next_step = ? WHERE contract_id = ? AND id = ?"
            " AND escalation_next_step = ? AND escalation_stopped_at IS NULL AND arrived_at IS NULL"
            " AND cancelled_at IS NULL",
            (step + 1, self.contract_id, request_id, step)) == 1

    async def stop_escalation(self, request_id: int, person_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET escalation_stopped_at = ?, escalation_stopped_by = ? WHERE contract_id = ?"
            " AND id = ? AND breach_detected_at IS NOT NULL AND escalation_stopped_at IS NULL",
            (to_db(at), person_id, self.contract_id, request_id)) == 1

    async def request_support(self, request_id: int, person_id: int, at: datetime, deadline: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET support_requested_at = ?, support_requested_by = ?,"
            " second_line_deadline_at = ? WHERE contract_id = ? AND id = ? AND support_requested_at IS NULL",
            (to_db(at), person_id, to_db(deadline), self.contract_id, request_id)) == 1

    async def second_line_arrive(self, request_id: int, person_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET second_line_arrived_at = ?, second_line_arrived_by = ? WHERE"
            " contract_id = ? AND id = ? AND support_requested_at IS NOT NULL AND second_line_arrived_at IS NULL",
            (to_db(at), person_id, self.contract_id, request_id)) == 1

    async def claim_second_line_breach(self, request_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_requests SET second_line_breach_detected_at = ? WHERE contract_id = ? AND id = ?"
            " AND second_line_arrived_at IS NULL AND second_line_breach_detected_at IS NULL AND cancelled_at IS NULL",
            (to_db(at), self.contract_id, request_id)) == 1

    async def cancel(self, request_id: int, person_id: int, at: datetime, reason: str) -> bool:
        """No one is needed on site: only a request not yet arrived nor cancelled."""
        return await self.execute(
            "UPDATE urgent_requests SET cancelled_at = ?, cancelled_by = ?, cancel_reason = ? WHERE contract_id = ?"
            " AND id = ? AND cancelled_at IS NULL AND arrived_at IS NULL",
            (to_db(at), person_id, reason, self.contract_id, request_id)) == 1

    # -- timer queries ------------------------------------------------------------------------------------
    async def needing_attention(self) -> list[UrgentRequest]:
        """Requests with a clock still running: not cancelled, and not arrived or a second line still expected."""
        rows = await self.fetchall(
            "SELECT * FROM urgent_requests WHERE contract_id = ? AND cancelled_at IS NULL AND ((arrived_at IS NULL) OR"
            " (support_requested_at IS NOT NULL AND second_line_arrived_at IS NULL"
            "  AND second_line_breach_detected_at IS NULL)) ORDER BY id", (self.contract_id,))
        return [_request(r) for r in rows]

    # -- recipients ---------------------------------------------------------------------------------------
    async def add_recipient(self, request_id: int, person_id: int, role: str, at: datetime) -> bool:
        return await self.execute(
            "INSERT OR IGNORE INTO urgent_recipients (contract_id, request_id, person_id, role, notified_at)"
            " VALUES (?,?,?,?,?)", (self.contract_id, request_id, person_id, role, to_db(at))) == 1

    async def recipients(self, request_id: int) -> list[Recipient]:
        rows = await self.fetchall(
            "SELECT * FROM urgent_recipients WHERE contract_id = ? AND request_id = ? ORDER BY notified_at,"
            " person_id", (self.contract_id, request_id))
        return [Recipient(r["person_id"], r["role"], from_db(r["notified_at"]),
                          from_db(r["acknowledged_at"])) for r in rows]

    async def acknowledge_recipient(self, request_id: int, person_id: int, at: datetime) -> bool:
        return await self.execute(
            "UPDATE urgent_recipients SET acknowledged_at = ? WHERE contract_id = ? AND request_id = ?"
            " AND person_id = ? AND acknowledged_at IS NULL",
            (to_db(at), self.contract_id, request_id, person_id)) == 1

    # -- escalation steps ---------------------------------------------------------------------------------
    async def record_step(self, request_id: int, step: int, target: str, due_at: datetime, fired_at: datetime,
                          notified: int) -> None:
        await self.execute(
            "INSERT OR IGNORE INTO urgent_escalations (contract_id, request_id, step, target, due_at, fired_at,"
            " notified) VALUES (?,?,?,?,?,?,?)",
            (self.contract_id, request_id, step, target, to_db(due_at), to_db(fired_at), notified))

    async def steps(self, request_id: int) -> list[dict[str, Any]]:
        rows = await self.fetchall(
            "SELECT step, target, due_at, fired_at, notified FROM urgent_escalations WHERE contract_id = ?"
            " AND request_id = ? ORDER BY fired_at, step", (self.contract_id, request_id))
        return [{"step": r["step"], "target": r["target"], "due_at": from_db(r["due_at"]),
                 "fired_at": from_db(r["fired_at"]), "notified": r["notified"]} for r in rows]
