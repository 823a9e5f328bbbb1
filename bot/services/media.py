"""Photos and files kept with records (#20 item 3): tickets, daily logs, incident reports, urgent arrivals.

A file is kept as the platform's file id (enough to show it again); with `[media] keep_local` a copy is also kept
on disk (files over `max_bytes` stay on the platform only). Filing a file with a ticket is audited as
`tickets.attach`, so it shows in `/ticket N` history and the web page's ticket history; `run_bot.py export`
writes the `attachments` table (and copies the local files), `run_bot.py purge` deletes both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.services.container import Services
from bot.services.domain.media import RECORD_TYPES, StoredAttachment
from bot.services.domain.people import Person, Role
from bot.services.errors import DomainError
from storage.daily_log import DailyLogRepository
from storage.dialect import is_postgres
from storage.duties import IncidentRepository
from storage.media import AttachmentRepository
from storage.tickets import TicketRepository
from storage.uow import UnitOfWork
from storage.urgent import UrgentRepository

MAX_CHOICES = 5  # a file sent alone: at most this many open tickets are offered as buttons
ICONS = {"photo": "📷", "document": "📄"}


@dataclass(frozen=True)
class IncomingFile:
    """What the platform said about a photo or file (no chat library)."""

    kind: str
    platform: str
    platform_file_id: str
    name: str | None
    size: int | None
    mime: str | None
    caption: str | None
    chat_id: str


@dataclass(frozen=True)
class Filed:
    attachment_id: int
    record_type: str
    record_id: int
    record_params: dict[str, str]  # the catalog params of `media.record.<type>`
    keep_local: bool  # a local copy is wanted and the file is within the size limit
    over_limit: bool  # a local copy is wanted but the file is too large
    size: int | None = None


@dataclass(frozen=True)
class Choices:
    """A file sent alone: kept unfiled, and the records the sender may mean."""

    attachment_id: int
    tickets: list[int]
    urgent: list[int]
    daily_today: bool


def describe(kind: str, name: str | None, caption: str | None) -> str:
    """How a history line names a file: an icon and its name (or caption)."""
    return f"{ICONS.get(kind, '📎')} {name or caption or ''}".strip()


async def _record(services: Services, uow: UnitOfWork, person: Person, record_type: str,
                  record_id: int | None) -> tuple[int, dict[str, str]]:
    """The record's id and its catalog params; a missing record is a polite refusal."""
    if record_type == "daily":
        day = services.local(services.acted_at()).date()
        logs = [log for log in await uow.repo(DailyLogRepository).on_day(day) if log.person_id == person.id]
        if not logs:
            raise DomainError("media.no_daily")
        return logs[-1].id, {"day": day.isoformat()}
    assert record_id is not None
    found: object
    if record_type == "ticket":
        found = await uow.repo(TicketRepository).get(record_id)
    elif record_type == "incident":
        found = await uow.repo(IncidentRepository).get(record_id)
    else:
        found = await uow.repo(UrgentRepository).get(record_id)
    if found is None:
        raise DomainError("media.not_found", record=f"#{record_id}")
    return record_id, {"id": str(record_id)}


async def _audit(services: Services, uow: UnitOfWork, person: Person, attachment_id: int, record_type: str,
                 record_id: int, label: str) -> None:
    entity = {"ticket": "ticket", "daily": "daily_log", "incident": "incident", "urgent": "urgent_request"}
    on_ticket = record_type == "ticket"  # a ticket's history (chat and web) lists it
    await uow.audit.append(
        at=services.acted_at(), action="tickets.attach" if on_ticket else "media.attach",
        entity=entity[record_type], entity_id=record_id, actor=person,
        after={"file": label, "attachment_id": attachment_id})


def _local_wanted(services: Services, size: int | None) -> tuple[bool, bool]:
    cfg = services.settings.media
    if not cfg.keep_local:
        return False, False
    over = size is not None and size > cfg.max_bytes
    return not over, over


async def attach(services: Services, person: Person, incoming: IncomingFile, record_type: str,
                 record_id: int | None) -> Filed:
    """Keep a file with a record (a ticket, today's daily log, an incident report, an urgent request)."""
    assert record_type in RECORD_TYPES
    async with services.db.uow() as uow:
        found_id, params = await _record(services, uow, person, record_type, record_id)
        attachment_id = await uow.repo(AttachmentRepository).add(
            record_type=record_type, record_id=found_id, kind=incoming.kind, platform=incoming.platform,
            platform_file_id=incoming.platform_file_id, name=incoming.name, size=incoming.size,
            mime=incoming.mime, caption=incoming.caption, person_id=person.id, chat_id=incoming.chat_id,
            now=services.acted_at())
        await _audit(services, uow, person, attachment_id, record_type, found_id,
                     describe(incoming.kind, incoming.name, incoming.caption))
        await uow.commit()
    keep, over = _local_wanted(services, incoming.size)
    return Filed(attachment_id, record_type, found_id, params, keep, over, incoming.size)


async def receive_unfiled(services: Services, person: Person, incoming: IncomingFile) -> Choices:
    """A file sent alone: kept (not yet with a record), and the records the sender may mean."""
    today = services.local(services.acted_at()).date()
    async with services.db.uow() as uow:
        attachment_id = await uow.repo(AttachmentRepository).add(
            record_type=None, record_id=None, kind=incoming.kind, platform=incoming.platform,
            platform_file_id=incoming.platform_file_id, name=incoming.name, size=incoming.size,
            mime=incoming.mime, caption=incoming.caption, person_id=person.id, chat_id=incoming.chat_id,
            now=services.acted_at())
        await uow.audit.append(at=services.acted_at(), action="media.received", entity="attachment",
                               entity_id=attachment_id, actor=person,
                               after={"file": describe(incoming.kind, incoming.name, incoming.caption)})
        tickets_repo = uow.repo(TicketRepository)
        mine = await tickets_repo.list(statuses=("open", "taken"), assignee_id=person.id, limit=MAX_CHOICES)
        raised = await tickets_repo.list(statuses=("open", "taken"), requester_id=person.id, limit=MAX_CHOICES)
        ticket_ids = sorted({t.id for t in [*mine, *raised]}, reverse=True)[:MAX_CHOICES]
        urgent_ids = [r.id for r in await uow.repo(UrgentRepository).open_requests()][:2] \
            if person.has(Role.ENGINEER, Role.LEAD) else []
        daily = any(log.person_id == person.id for log in await uow.repo(DailyLogRepository).on_day(today))
        await uow.commit()
    return Choices(attachment_id, ticket_ids, urgent_ids, daily)


async def file_unfiled(services: Services, person: Person, attachment_id: int, record_type: str,
                       record_id: int | None) -> tuple[Filed, StoredAttachment]:
    """The sender chose the record for a file sent alone (once; only the sender may choose)."""
    async with services.db.uow() as uow:
        repo = uow.repo(AttachmentRepository)
        stored = await repo.get(attachment_id)
        if stored is None:
            raise DomainError("media.not_found", record=f"#{attachment_id}")
        if stored.person_id != person.id:
            raise DomainError("media.not_yours")
        if stored.record_type is not None:
            raise DomainError("media.already_filed")
        found_id, params = await _record(services, uow, person, record_type, record_id)
        if not await repo.assign(attachment_id, record_type, found_id):
            raise DomainError("media.already_filed")
        await _audit(services, uow, person, attachment_id, record_type, found_id,
                     describe(stored.kind, stored.name, stored.caption))
        await uow.commit()
    keep, over = _local_wanted(services, stored.size)
    return Filed(attachment_id, record_type, found_id, params, keep, over, stored.size), stored


def media_dir(services: Services) -> Path:
    """`[media] dir`; a relative one lives next to the database file (on PostgreSQL, which has no file here: in
    the working directory)."""
    configured = Path(services.settings.media.dir)
    if configured.is_absolute():
        return configured
    db = services.settings.storage.db
    return configured.resolve() if is_postgres(db) else Path(db).resolve().parent / configured


async def keep_local_copy(services: Services, attachment_id: int, name: str | None, data: bytes) -> Path | None:
    """Write the downloaded bytes next to the database (None when over the size limit after all)."""
    if len(data) > services.settings.media.max_bytes:
        return None
    folder = media_dir(services) / services.contract_id
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c for c in (name or "file") if c.isalnum() or c in "._-")[:80] or "file"
    path = folder / f"{attachment_id}-{safe}"
    path.write_bytes(data)
    async with services.db.uow() as uow:
        await uow.repo(AttachmentRepository).set_local_path(attachment_id, str(path))
        await uow.commit()
    return path


async def of_record(services: Services, record_type: str, record_id: int) -> list[StoredAttachment]:
    async with services.db.uow(read_only=True) as uow:
        return await uow.repo(AttachmentRepository).of_record(record_type, record_id)
