"""The urgent requests page: each request's timeline, minutes to acknowledge and to arrive, p50/p90 per month."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import t
from bot.services import dashboard, scoring, urgent
from bot.services.domain.urgent import missed_estimate

if TYPE_CHECKING:
    from bot.web.app import Viewer


def _timeline(viewer: Viewer, item: urgent.Listed, names: dict[int, str]) -> list[tuple[str, str]]:
    r, lang = item.request, viewer.lang
    steps = [(r.started_at, t("web.urg.raised", lang))]
    if r.acknowledged_at is not None:
        steps.append((r.acknowledged_at, t("web.urg.acknowledged", lang,
                                                 name=names.get(r.acknowledged_by or 0, "?"),
                                                 minutes=urgent.minutes(r.acknowledged_at - r.started_at))))
    if r.ack_eta is not None:
        steps.append((r.ack_eta, t("web.urg.eta", lang, name=names.get(r.acknowledged_by or 0, "?"),
                                   note=r.ack_note or "—")))
        if missed_estimate(r, viewer.services.now()):
            steps.append((r.arrived_at or r.ack_eta, t("web.urg.eta_missed", lang)))
    steps.append((r.deadline_at, t("web.urg.deadline", lang)))
    if r.breach_detected_at is not None:
        steps.append((r.breach_detected_at, t("web.urg.breach", lang)))
    if r.escalation_stopped_at is not None:
        steps.append((r.escalation_stopped_at, t("web.urg.escalation_stopped", lang)))
    if r.support_requested_at is not None:
        steps.append((r.support_requested_at, t("web.urg.support", lang)))
    if r.second_line_arrived_at is not None:
        steps.append((r.second_line_arrived_at, t("web.urg.second_line", lang)))
    if r.arrived_at is not None:
        steps.append((r.arrived_at, t("web.urg.arrived", lang, name=item.arrived_by or "?",
                                            minutes=urgent.minutes(r.arrived_at - r.started_at))))
    if r.cancelled_at is not None:
        steps.append((r.cancelled_at, t("web.urg.cancelled", lang, reason=r.cancel_reason or "")))
    steps.sort(key=lambda step: step[0])  # stable: same-minute steps keep their order (raised before arrived)
    return [(viewer.services.fmt(at), what) for at, what in steps]


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
