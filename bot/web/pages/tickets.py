"""The tickets page: a table filtered by query parameters (works without script), each ticket's history, the
satisfaction results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import CATALOG, t
from bot.services import dashboard, scoring
from bot.services.domain.tickets import Ticket
from bot.services.errors import DomainError
from bot.services.tickets import TICKET_KINDS

if TYPE_CHECKING:
    from bot.services.domain.people import Person
    from bot.web.app import Viewer

STATUSES = ("open", "taken", "resolved", "closed")


def _row(viewer: Viewer, ticket: Ticket, people: dict[int, Person]) -> dict[str, Any]:
    services, lang = viewer.services, viewer.lang
    assignee = people.get(ticket.assignee_id) if ticket.assignee_id is not None else None
    return {"id": ticket.id, "created": services.fmt(ticket.created_at), "kind": t(TICKET_KINDS[ticket.kind], lang)
            if ticket.kind in TICKET_KINDS else ticket.kind, "system": ticket.system or "—",
            "status": t(f"tk.status.{ticket.status}", lang), "assignee": assignee.name if assignee else "—",
            "due": services.fmt(ticket.due_at), "text": ticket.text,
            "overdue": ticket.is_overdue(services.now()),
            "rating": t(f"tk.rating.{ticket.rating}", lang) if ticket.rating else ""}


async def view(request: Request, viewer: Viewer) -> Response:
    q = request.query_params
    chosen = dashboard.TicketFilter(status=q.get("status", ""), kind=q.get("kind", ""), system=q.get("system", ""),
                                    period=q.get("period", ""), overdue=q.get("overdue", "") in ("1", "on", "true"))
    if chosen.status and chosen.status not in STATUSES:
        raise DomainError("web.bad_filter", text=chosen.status, example="?status=open")
    if chosen.kind and chosen.kind not in TICKET_KINDS:
        raise DomainError("web.bad_filter", text=chosen.kind, example="?kind=data_fix")
    data = await dashboard.tickets_view(viewer.services, chosen)
    lang = viewer.lang
    rows = [_row(viewer, ticket, data.people) for ticket in data.tickets]
    sat = data.satisfaction
    satisfaction = t("web.tk.satisfaction", lang, rate=scoring.fmt_percent(sat.ratio),
                     numerator=scoring.fmt_count(sat.rate.numerator),
                     denominator=scoring.fmt_count(sat.rate.denominator)) if sat is not None else ""
    return viewer.page("tickets.html", rows=rows, chosen=chosen, systems=data.systems,
                       statuses=[(s, t(f"tk.status.{s}", lang)) for s in STATUSES],
                       kinds=[(k, t(key, lang)) for k, key in TICKET_KINDS.items()],
                       satisfaction=satisfaction, count=t("web.tk.count", lang, n=len(rows)), current="tickets")


def _action_name(action: str, lang: str) -> str:
    key = f"audit.action.{action}"
    return t(key, lang) if key in CATALOG else action


def _note(after: object) -> str:
    """A history row's note: a text as recorded, or the photo or file attached (📷 name)."""
    if isinstance(after, str):
        return after
    return str(after.get("file") or "") if isinstance(after, dict) else ""


async def detail(request: Request, viewer: Viewer) -> Response:
    ticket_id = int(request.path_params["ticket_id"])
    try:
        ticket, history, people = await dashboard.ticket_history(viewer.services, ticket_id)
    except DomainError as exc:
        raise DomainError("web.tk.unknown", id=ticket_id) from exc
    lang = viewer.lang
    entries = [{"at": viewer.services.fmt(h.at), "who": h.actor_name or "—", "what": _action_name(h.action, lang),
                "note": _note(h.after)} for h in history]
    return viewer.page("ticket.html", ticket=_row(viewer, ticket, people), entries=entries, current="tickets")
