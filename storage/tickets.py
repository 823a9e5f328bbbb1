"""Tickets (work orders): the ticket rows, the bulk-processing checklist, the FAQ, and a ticket's history."""

from __future__ import annotations

import builtins  # `list` below is the repository's method: annotations name the built-in
import json
from datetime import datetime
from typing import Any

from bot.services.domain.tickets import FaqEntry, HistoryEntry, MissedTicket, RatedTicket, Ticket
from storage.base import Repository, chat_from_db, chat_key, optional_filters
from storage.timecodec import from_db, to_db


def _ticket(r: Any) -> Ticket:
    return Ticket(
        id=r["id"], kind=r["kind"], text=r["text"], system=r["system"], region=r["region"], status=r["status"],
        urgent=bool(r["urgent"]), requester_id=r["requester_id"], assignee_id=r["assignee_id"],
        source_chat_id=None if r["source_chat_id"] is None else chat_from_db(r["source_chat_id"]),
        due_at=from_db(r["due_at"]),
        due_explicit=bool(r["due_explicit"]),
        created_at=from_db(r["created_at"]), taken_at=from_db(r["taken_at"]),
        resolved_at=from_db(r["resolved_at"]), resolution=r["resolution"], closed_at=from_db(r["closed_at"]),
        reopen_count=r["reopen_count"], province_no=r["province_no"], estimate_days=r["estimate_days"],
        ruling=r["ruling"], ruling_note=r["ruling_note"], rating=r["rating"], rated_at=from_db(r["rated_at"]),
        rated_by=r["rated_by"], rating_comment=r["rating_comment"],
        overdue_reminded_at=from_db(r["overdue_reminded_at"]), lead_reminded_at=from_db(r["lead_reminded_at"]),
        waiting_since=from_db(r["waiting_since"]), waiting_reason=r["waiting_reason"],
        waiting_note=r["waiting_note"], paused_seconds=int(r["paused_seconds"] or 0))


# Columns a service may set with `update` (never id / contract_id).
_UPDATABLE = {
    "kind", "text", "system", "region", "status", "urgent", "assignee_id", "due_at", "due_explicit", "taken_at",
    "resolved_at",
    "resolution", "closed_at", "reopen_count", "province_no", "estimate_days", "ruling", "ruling_note", "rating",
    "rated_at", "rated_by", "rating_comment", "overdue_reminded_at", "lead_reminded_at",
    "waiting_since", "waiting_reason", "waiting_note", "paused_seconds",
}


class TicketRepository(Repository):
    async def add(self, *, kind: str, text: str, system: str | None, region: str | None, urgent: bool,
                  requester_id: int, source_chat_id: int | str | None, due_at: datetime, due_explicit: bool,
                  created_at: datetime) -> int:
        return await self.insert(
            "INSERT INTO tickets (contract_id, kind, text, system, region, urgent, requester_id,"
            " source_chat_id, due_at, due_explicit, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (self.contract_id, kind, text, system, region, int(urgent), requester_id,
             None if source_chat_id is None else chat_key(source_chat_id),
             to_db(due_at), int(due_explicit), to_db(created_at)))

    async def get(self, ticket_id: int) -> Ticket | None:
        row = await self.fetchone("SELECT * FROM tickets WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, ticket_id))
        return None if row is None else _ticket(row)

    async def update(self, ticket_id: int, **fields: Any) -> int:
        unknown = set(fields) - _UPDATABLE
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        values = [to_db(v) if isinstance(v, datetime) else v for v in fields.values()]
        assignments = ", ".join(f"{name} = ?" for name in fields)
        return await self.execute(f"UPDATE tickets SET {assignments} WHERE contract_id = ? AND id = ?",
                                  (*values, self.contract_id, ticket_id))

    async def list(self, *, statuses: tuple[str, ...] | None = None, assignee_id: int | None = None,
                   requester_id: int | None = None, due_before: datetime | None = None,
                   created_from: datetime | None = None, created_to: datetime | None = None,
                   limit: int = 200) -> list[Ticket]:
        sql = "SELECT * FROM tickets WHERE contract_id = ?"
        params: list[Any] = [self.contract_id]
        if statuses:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            params.extend(statuses)
        filters, values = optional_filters([
            ("assignee_id = ?", assignee_id), ("requester_id = ?", requester_id),
            ("due_at <= ?", to_db(due_before) if due_before is not None else None),
            ("created_at >= ?", to_db(created_from) if created_from is not None else None),
            ("created_at < ?", to_db(created_to) if created_to is not None else None)])
        sql += filters
        params.extend(values)
        sql += " ORDER BY id LIMIT ?"
        params.append(limit)
        return [_ticket(r) for r in await self.fetchall(sql, params)]

    async def due_between(self, start: datetime, end: datetime) -> builtins.list[Ticket]:
        """Tickets whose due time is in [start, end)."""
        rows = await self.fetchall(
            "SELECT * FROM tickets WHERE contract_id = ? AND due_at >= ? AND due_at < ? ORDER BY due_at, id",
            (self.contract_id, to_db(start), to_db(end)))
        return [_ticket(r) for r in rows]

    async def rated_between(self, start: datetime, end: datetime) -> builtins.list[Ticket]:
        rows = await self.fetchall(
            "SELECT * FROM tickets WHERE contract_id = ? AND rating IS NOT NULL AND rated_at >= ? AND rated_at < ?"
            " ORDER BY rated_at, id", (self.contract_id, to_db(start), to_db(end)))
        return [_ticket(r) for r in rows]

    # --- the score's rates at a year's scale: counted in SQL, only the lost tickets come back (bench_score) ---
    # Times are UTC text of one fixed format (storage.timecodec), so SQL compares them as the datetimes compare.
    _ON_TIME = "(resolved_at IS NOT NULL AND resolved_at <= due_at)"
    # A ticket waiting for the client or a third party is not decided either: its clock is paused.
    _NOT_YET_DUE = "(resolved_at IS NULL AND (due_at > ? OR waiting_since IS NOT NULL))"
    # Closed without a resolution: the ticket of a cancelled urgent request (no work order was needed).
    _COUNTED = "NOT (status = 'closed' AND resolved_at IS NULL)"

    async def completion_outcomes(self, start: datetime, end: datetime, now: datetime, *, missed: bool = True
                                  ) -> tuple[int, int, int, builtins.list[MissedTicket]]:
        """Tickets due in [start, end): (all, resolved on time, not yet due at `now`, the others by due time;
        with `missed=False` the counts only, no ticket loaded)."""
        window = (self.contract_id, to_db(start), to_db(end))
        counts = await self.fetchone(
            # CASE … THEN 1: a count both backends can SUM (PostgreSQL has no SUM of booleans)
            f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {self._ON_TIME} THEN 1 ELSE 0 END), 0),"
            f" COALESCE(SUM(CASE WHEN {self._NOT_YET_DUE} THEN 1 ELSE 0 END), 0)"
            f" FROM tickets WHERE contract_id = ? AND due_at >= ? AND due_at < ? AND {self._COUNTED}",
            (to_db(now), *window))
        rows = await self.fetchall(
            "SELECT id, text, due_at, resolved_at FROM tickets WHERE contract_id = ? AND due_at >= ? AND due_at < ?"
            f" AND {self._COUNTED} AND NOT {self._ON_TIME} AND NOT {self._NOT_YET_DUE} ORDER BY due_at, id",
            (*window, to_db(now))) if missed else []
        assert counts is not None
        return int(counts[0]), int(counts[1]), int(counts[2]), [
            MissedTicket(r["id"], r["text"], from_db(r["due_at"]), from_db(r["resolved_at"]))
            for r in rows]

    async def paused_in(self, start: datetime, end: datetime) -> tuple[int, int, int]:
        """Tickets due in [start, end): (how many waited, their paused working seconds, how many wait now)."""
        row = await self.fetchone(
            "SELECT COALESCE(SUM(CASE WHEN paused_seconds > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(paused_seconds), 0),"
            " COALESCE(SUM(CASE WHEN waiting_since IS NOT NULL AND resolved_at IS NULL THEN 1 ELSE 0 END), 0)"
            " FROM tickets WHERE contract_id = ? AND due_at >= ? AND due_at < ?",
            (self.contract_id, to_db(start), to_db(end)))
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    async def set_waiting(self, ticket_id: int, *, since: datetime, reason: str, note: str | None) -> bool:
        """Start a wait on an open ticket that is not waiting (False: it is, or it is no longer open)."""
        return await self.execute(
            "UPDATE tickets SET waiting_since = ?, waiting_reason = ?, waiting_note = ? WHERE contract_id = ?"
            " AND id = ? AND waiting_since IS NULL AND status IN ('open','taken')",
            (to_db(since), reason, note, self.contract_id, ticket_id)) == 1

    async def end_waiting(self, ticket_id: int, *, since: datetime, due_at: datetime, paused: int) -> bool:
        """End the wait that began at `since` once: the due time moves, the paused time adds up."""
        return await self.execute(
            "UPDATE tickets SET waiting_since = NULL, waiting_reason = NULL, waiting_note = NULL, due_at = ?,"
            " paused_seconds = paused_seconds + ?, overdue_reminded_at = NULL, lead_reminded_at = NULL"
            " WHERE contract_id = ? AND id = ? AND waiting_since = ?",
            (to_db(due_at), paused, self.contract_id, ticket_id, to_db(since))) == 1

    async def rating_counts(self, start: datetime, end: datetime) -> dict[str, int]:
        """How many tickets were rated each way in [start, end)."""
        rows = await self.fetchall(
            "SELECT rating, COUNT(*) FROM tickets WHERE contract_id = ? AND rating IS NOT NULL AND rated_at >= ?"
            " AND rated_at < ? GROUP BY rating", (self.contract_id, to_db(start), to_db(end)))
        return {r[0]: int(r[1]) for r in rows}

    async def rated_as(self, start: datetime, end: datetime, ratings: tuple[str, ...]) -> builtins.list[RatedTicket]:
        """The tickets rated one of `ratings` in [start, end), by rating time."""
        if not ratings:
            return []
        rows = await self.fetchall(
            "SELECT id, text, rating, rated_at FROM tickets WHERE contract_id = ? AND rated_at >= ? AND rated_at < ?"
            f" AND rating IN ({','.join('?' * len(ratings))}) ORDER BY rated_at, id",
            (self.contract_id, to_db(start), to_db(end), *ratings))
        return [RatedTicket(r["id"], r["text"], r["rating"], from_db(r["rated_at"]))
                for r in rows]

    # --- overdue reminders: claim with a conditional UPDATE so each reminder is sent once ---

    async def overdue_unreminded(self, now: datetime) -> builtins.list[Ticket]:
        rows = await self.fetchall(
            "SELECT * FROM tickets WHERE contract_id = ? AND status IN ('open','taken') AND due_at <= ?"
            " AND waiting_since IS NULL AND overdue_reminded_at IS NULL ORDER BY due_at, id",
            (self.contract_id, to_db(now)))
        return [_ticket(r) for r in rows]

    async def claim_overdue_reminder(self, ticket_id: int, now: datetime) -> bool:
        return await self.execute(
            "UPDATE tickets SET overdue_reminded_at = ? WHERE contract_id = ? AND id = ?"
            " AND overdue_reminded_at IS NULL AND status IN ('open','taken')"
            " AND waiting_since IS NULL",
            (to_db(now), self.contract_id, ticket_id)) == 1

    async def overdue_lead_unreminded(self, due_before: datetime) -> builtins.list[Ticket]:
        rows = await self.fetchall(
            "SELECT * FROM tickets WHERE contract_id = ? AND status IN ('open','taken') AND due_at <= ?"
            " AND waiting_since IS NULL AND lead_reminded_at IS NULL ORDER BY due_at, id",
            (self.contract_id, to_db(due_before)))
        return [_ticket(r) for r in rows]

    async def claim_lead_reminder(self, ticket_id: int, now: datetime) -> bool:
        return await self.execute(
            "UPDATE tickets SET lead_reminded_at = ? WHERE contract_id = ? AND id = ?"
            " AND lead_reminded_at IS NULL AND status IN ('open','taken')"
            " AND waiting_since IS NULL",
            (to_db(now), self.contract_id, ticket_id)) == 1

    async def earliest_due(self, column: str) -> datetime | None:
        """The earliest due time among open tickets not yet reminded (column: which reminder)."""
        if column not in ("overdue_reminded_at", "lead_reminded_at"):
            raise ValueError(column)
        value = await self.scalar(
            f"SELECT MIN(due_at) FROM tickets WHERE contract_id = ? AND status IN ('open','taken')"
            f" AND waiting_since IS NULL AND {column} IS NULL", (self.contract_id,))
        return from_db(value)

    # --- automatic rating ---

    async def unrated_resolved_before(self, moment: datetime) -> builtins.list[Ticket]:
        rows = await self.fetchall(
            "SELECT * FROM tickets WHERE contract_id = ? AND status = 'resolved' AND rating IS NULL"
            " AND resolved_at <= ? ORDER BY resolved_at, id", (self.contract_id, to_db(moment)))
        return [_ticket(r) for r in rows]

    async def earliest_unrated_resolution(self) -> datetime | None:
        return from_db(await self.scalar(
            "SELECT MIN(resolved_at) FROM tickets WHERE contract_id = ? AND status = 'resolved'"
            " AND rating IS NULL", (self.contract_id,)))

    async def claim_rating(self, ticket_id: int, *, rating: str, rated_at: datetime, rated_by: int | None,
                           close: bool) -> bool:
        """Record a rating once: a second press changes nothing (returns False)."""
        return await self.execute(
            "UPDATE tickets SET rating = ?, rated_at = ?, rated_by = ?,"
            " status = CASE WHEN ? = 1 THEN 'closed' ELSE status END,"
            " closed_at = CASE WHEN ? = 1 THEN ? ELSE closed_at END"
            " WHERE contract_id = ? AND id = ? AND rating IS NULL AND status = 'resolved'",
            (rating, to_db(rated_at), rated_by, int(close), int(close), to_db(rated_at),
             self.contract_id, ticket_id)) == 1

    # --- bulk-processing checklist ---

    async def checklist(self, ticket_id: int) -> set[str]:
        rows = await self.fetchall("SELECT item FROM ticket_checklist WHERE contract_id = ? AND ticket_id = ?",
                                   (self.contract_id, ticket_id))
        return {r["item"] for r in rows}

    async def confirm_item(self, ticket_id: int, item: str, person_id: int, now: datetime) -> bool:
        return await self.execute(
            "INSERT OR IGNORE INTO ticket_checklist (contract_id, ticket_id, item, confirmed_by, confirmed_at)"
            " VALUES (?,?,?,?,?)", (self.contract_id, ticket_id, item, person_id, to_db(now))) == 1

    # --- FAQ ---

    async def add_faq(self, *, ticket_id: int, question: str, answer: str, added_by: int, now: datetime) -> bool:
        return await self.execute(
            "INSERT OR IGNORE INTO faq (contract_id, ticket_id, question, answer, added_by, added_at)"
            " VALUES (?,?,?,?,?,?)", (self.contract_id, ticket_id, question, answer, added_by, to_db(now))) == 1

    async def faqs(self) -> builtins.list[FaqEntry]:
        rows = await self.fetchall("SELECT * FROM faq WHERE contract_id = ? ORDER BY id", (self.contract_id,))
        return [FaqEntry(r["id"], r["ticket_id"], r["question"], r["answer"], from_db(r["added_at"]))
                for r in rows]

    # --- history (from the append-only audit trail) ---

    async def workers(self, ticket_id: int) -> set[int]:
        """The people (ids) who ever took or resolved the ticket, from its audit trail."""
        rows = await self.fetchall(
            "SELECT DISTINCT p.id FROM audit a JOIN people p ON p.contract_id = a.contract_id"
            " AND p.telegram_id = a.actor_telegram_id WHERE a.contract_id = ? AND a.entity = 'ticket'"
            " AND a.entity_id = ? AND a.action IN ('tickets.take', 'tickets.resolve')",
            (self.contract_id, str(ticket_id)))
        return {int(r[0]) for r in rows}

    async def history(self, ticket_id: int) -> builtins.list[HistoryEntry]:
        rows = await self.fetchall(
            "SELECT at, actor_name, action, after FROM audit WHERE contract_id = ? AND entity = 'ticket'"
            " AND entity_id = ? ORDER BY id", (self.contract_id, str(ticket_id)))
        return [HistoryEntry(from_db(r["at"]), r["actor_name"], r["action"],
                             json.loads(r["after"]) if r["after"] else None) for r in rows]
