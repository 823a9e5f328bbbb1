"""The data lifecycle: consistent online backups (verified), CSV export, and the purge at the contract's end.

Backups use SQLite's online backup API from a connection holding one read snapshot, so the copy and the
row counts it is verified against describe the same moment even while the bot writes. A copy is written
to `<name>.part` and renamed only after `PRAGMA integrity_check` says ok and every table's row count
matches. The daily backup (timer `duty.backup`) runs at `storage.backup_time` and keeps the newest
`storage.backup_keep` automatic files in `storage.backup_dir` (a relative directory is taken relative to
the database file's directory). A deployment of several contracts makes one (named after its first contract):
the database holds every contract.

Purge (the contract: at the end every piece of information held is returned or destroyed): in one
transaction, every row of the contract is deleted from every table with a `contract_id` column, except
the tables listed in `data.keep_tables`. The audit table is append-only (triggers refuse UPDATE and
DELETE); purge drops those triggers, deletes the contract's audit rows — or, when `audit` is in
`keep_tables`, keeps them anonymised (actor, entity id and before/after nulled; time, action and entity
kept) — and re-creates the triggers, identical, before the same COMMIT. One audit row `data.purge` with
the counts (no personal data) is written last. The file is then checkpointed and VACUUMed so deleted
pages do not linger; backups made earlier still hold the data and are listed for the operator.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

from bot.services.container import Services
from bot.services.domain.people import Role
from bot.services.staff import actor
from storage.duties import DutyMarksRepository
from storage.maintenance import (
    BackupError,
    BackupReport,
    auto_backup_name,
    backup_any,
    backup_dir,
    prune_backups,
)

log = logging.getLogger(__name__)

__all__ = ["BackupError", "BackupReport", "daily_backup", "next_backup_due"]


def _backup_moment(services: Services, day: date) -> datetime:
    return datetime.combine(day, services.settings.storage.backup_time, tzinfo=services.tz)


def makes_backups(services: Services) -> bool:
    """A deployment of several contracts has one database: its first contract makes the nightly backup of all."""
    return services.settings.deployment[0].contract.id == services.contract_id


async def next_backup_due(services: Services, now: datetime) -> datetime | None:
    """Today's backup time, unless today's backup is done or tracking began after it: then tomorrow's (never for
    the other contracts of a deployment: the first one's backup holds them)."""
    if not makes_backups(services):
        return None
    async with services.db.uow() as uow:
        marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
        await marks.claim("backup:since", now)
        since = await marks.at("backup:since")
        day = now.astimezone(services.tz).date()
        done = await marks.at(f"backup:{day.isoformat()}")
        await uow.commit()
    assert since is not None
    if done is not None or _backup_moment(services, day) < since:
        day = day + timedelta(days=1)
    return _backup_moment(services, day)


async def daily_backup(services: Services, now: datetime) -> BackupReport | None:
    """Make today's backup if it is due and nobody made it yet; prune old ones; tell the admins on failure."""
    due = await next_backup_due(services, now)
    if due is None or due > now:
        return None
    day = due.astimezone(services.tz).date()
    async with services.db.uow() as uow:
        marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
        claimed = await marks.claim(f"backup:{day.isoformat()}", now)
        await uow.commit()
    if not claimed:
        return None
    # On PostgreSQL the day's claim above is one row for every replica: only the one that claimed it dumps.
    location = services.db.path
    directory = backup_dir(services.settings, location)
    out = directory / auto_backup_name(services.contract_id, now.astimezone(services.tz),
                                       postgres=services.db.backend == "postgresql")
    try:
        report = await asyncio.to_thread(backup_any, location, out)
        pruned = await asyncio.to_thread(prune_backups, directory, services.contract_id,
                                         services.settings.storage.backup_keep)
    except Exception as exc:
        log.exception("daily backup failed")
        async with services.db.uow() as uow:
            await uow.audit.append(at=now, action="data.backup_failed", entity="backup", entity_id=out.name,
                                   after={"error": str(exc)[:300]}, **actor(None))
            await services.notifier.to_roles(uow, [Role.ADMIN], "data.backup_failed", kind="data.backup",
                                             dedup=f"data.backup_failed:{day.isoformat()}", error=str(exc)[:300])
            await uow.commit()
        return None
    async with services.db.uow() as uow:
        await uow.audit.append(at=now, action="data.backup", entity="backup", entity_id=out.name,
                               after={"rows": report.rows, "bytes": report.size_bytes,
                                      "pruned": [p.name for p in pruned]}, **actor(None))
        await uow.commit()
    return report
