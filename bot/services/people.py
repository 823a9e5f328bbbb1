"""People on the project: the roster from config, kept in the database (Person and Role live in
`bot.services.domain.people`).

The config roster seeds the `people` table at start-up; later changes (staff changes, language
choice) live in the database, which is the source of truth.
"""

from __future__ import annotations

from datetime import datetime

from config.settings import PersonSettings
from storage.uow import UnitOfWork


async def seed_roster(uow: UnitOfWork, roster: list[PersonSettings], default_language: str, now: datetime) -> int:
    """Insert new config people and refresh name/roles/phone of known ones; returns rows changed."""
    changed = 0
    for entry in roster:
        changed += await uow.people.upsert_from_config(entry, default_language, now)
    return changed
