"""The append-only audit trail: who did what, when, to which record, before and after."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.services.domain.audit import AuditEntry
from bot.services.domain.people import Person
from storage.base import Repository, optional_filters
from storage.timecodec import from_db, to_db


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


class AuditRepository(Repository):
    """Insert and read only: triggers in the schema refuse UPDATE and DELETE."""

    async def append(self, *, at: datetime, action: str, entity: str, entity_id: object = None,
                     actor: Person | None = None, actor_telegram_id: int | None = None,
                     actor_name: str | None = None, before: Any = None, after: Any = None) -> int:
        """`actor`: the person who acted (recorded by their person id, whatever platform they used);
        `actor_telegram_id`/`actor_name` only for someone not on the roster (a refused stranger)."""
        if actor is not None:
            actor_name = actor_name or actor.name
            actor_telegram_id = actor_telegram_id or actor.telegram_id
        return await self.insert(
            "INSERT INTO audit (contract_id, at, actor_person_id, actor_telegram_id, actor_name, action, entity,"
            " entity_id, before, after) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (self.contract_id, to_db(at), actor.id if actor is not None else None, actor_telegram_id, actor_name,
             action, entity, None if entity_id is None else str(entity_id), _dump(before), _dump(after)))

    async def list(self, *, start: datetime | None = None, end: datetime | None = None,
                   actor_telegram_id: int | None = None, action_prefix: str | None = None,
                   limit: int = 1000) -> list[AuditEntry]:
        filters, values = optional_filters([
            ("at >= ?", to_db(start) if start is not None else None),
            ("at < ?", to_db(end) if end is not None else None),
            ("actor_telegram_id = ?", actor_telegram_id),
            ("action LIKE ?", action_prefix + "%" if action_prefix is not None else None)])
        sql = "SELECT * FROM audit WHERE contract_id = ?" + filters
        params: list[Any] = [self.contract_id, *values]
        sql += " ORDER BY id LIMIT ?"
        params.append(limit)
        rows = await self.fetchall(sql, params)
        return [AuditEntry(r["id"], from_db(r["at"]), r["actor_telegram_id"], r["actor_name"],
                           r["action"], r["entity"], r["entity_id"],
                           json.loads(r["before"]) if r["before"] else None,
                           json.loads(r["after"]) if r["after"] else None) for r in rows]
