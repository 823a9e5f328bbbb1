"""The urgent requests page: each request's timeline, minutes to acknowledge and to arrive, p50/p90 per month."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import t
from bot.handlers.render.urgent import render_timeline
from bot.services import dashboard, scoring, urgent

if TYPE_CHECKING:
    from bot.web.app import Viewer


def _timeline(viewer: Viewer, item: urgent.Listed, names: dict[int, str]) -> list[tuple[str, str]]:
    return render_timeline(viewer.services, item, names, viewer.lang)


async def view(request: Request, viewer: Viewer) -> Response:
    data = await dashboard.urgent_view(viewer.services)
    from bot.services.tickets import roster

    names = {p.id: p.name for p in (await roster(viewer.services)).values()}
    now = viewer.services.now()
    requests: list[dict[str, Any]] = [{
        "id": item.request.id, "text": item.request.text, "by": item.raised_by,
        "status": t(urgent.status_key(item.request, now), viewer.lang, deadline=viewer.services.fmt(
            item.request.deadline_at), name=item.arrived_by or item.cancelled_by or "?",
            minutes=urgent.minutes(item.request.arrived_at - item.request.started_at) if item.request.arrived_at else 0,
            at=viewer.services.fmt(item.request.cancelled_at), reason=item.request.cancel_reason or ""),
        "late": urgent.status_key(item.request, now) in ("urg.status.arrived_late", "urg.status.breached",
                                                          "urg.status.breached_taken", "urg.status.cancelled_late"),
        "timeline": _timeline(viewer, item, names),
    } for item in data.requests]
    months = [{"month": m.month, "count": m.count,
               **{k: scoring.fmt_minutes(getattr(m, k)) for k in ("ack_p50", "ack_p90", "arrive_p50", "arrive_p90")}}
              for m in data.months]
    return viewer.page("urgent.html", requests=requests, months=months, current="urgent")
