"""Tickets (work orders, 需求工单): from report to rating, and the completion and satisfaction rates."""

from __future__ import annotations

from datetime import datetime

from bot.services.container import Services
from bot.services.people import Person
from storage.tickets import TicketRepository
from storage.uow import UnitOfWork

# The contract's eleven kinds of maintenance work (服务范围及内容), in the contract's order: key -> catalog label.
TICKET_KINDS: dict[str, str] = {
    "ticket_service": "tk.kind.ticket_service",
    "testing": "tk.kind.testing",
    "parameter_change": "tk.kind.parameter_change",
    "data_fix": "tk.kind.data_fix",
    "data_query": "tk.kind.data_query",
    "custom_dev": "tk.kind.custom_dev",
    "data_exchange": "tk.kind.data_exchange",
    "db_training": "tk.kind.db_training",
    "bulk_processing": "tk.kind.bulk_processing",
    "training_faq": "tk.kind.training_faq",
    "client_rules": "tk.kind.client_rules",
}
DEFAULT_KIND = "ticket_service"


def default_due(services: Services, kind: str, created_at: datetime) -> datetime:
    """The due time from config: settings.tickets.due_by_kind, else default_due."""
    cfg = services.settings.tickets
    return created_at + cfg.due_by_kind.get(kind, cfg.default_due)


async def open_ticket_in_uow(uow: UnitOfWork, services: Services, *, requester: Person, text: str,
                             kind: str = DEFAULT_KIND, system: str | None = None, region: str | None = None,
                             due_at: datetime | None = None, urgent: bool = False,
                             source_chat_id: int | None = None) -> int:
    """Insert a ticket inside the caller's unit of work (audited, not committed); returns its id."""
    if kind not in TICKET_KINDS:
        raise ValueError(f"unknown ticket kind {kind!r}")
    now = services.now()
    due = due_at or default_due(services, kind, now)
    ticket_id = await uow.repo(TicketRepository).add(  # type: ignore[attr-defined]
        kind=kind, text=text, system=system, region=region, urgent=urgent, requester_id=requester.id,
        source_chat_id=source_chat_id, due_at=due, created_at=now)
    await uow.audit.append(at=now, action="tickets.open", entity="ticket", entity_id=ticket_id,
                           actor_telegram_id=requester.telegram_id, actor_name=requester.name,
                           after={"kind": kind, "text": text, "system": system, "region": region,
                                  "due_at": services.fmt(due), "urgent": urgent})
    return ticket_id
