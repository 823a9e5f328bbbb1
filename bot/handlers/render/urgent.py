"""Urgent requests as a list shows them, in the reader's language."""

from __future__ import annotations

from bot.catalog import t
from bot.services.container import Services
from bot.services.domain.urgent import missed_estimate
from bot.services.urgent import Listed, eta_text, minutes, status_key, timeline
from bot.textfit import shorten


def describe(services: Services, item: Listed, lang: str) -> str:
    """One request as a list shows it: number, start, text, its state, the second line's state, and the
    off-site flag of an arrival whose location was outside the site."""
    request = item.request
    fmt = services.fmt
    taken = minutes(request.arrived_at - request.started_at) if request.arrived_at else 0
    if request.cancelled_at is not None:
        status = t(status_key(request, services.now()), lang, deadline=fmt(request.deadline_at),
                   name=item.cancelled_by or "?", at=fmt(request.cancelled_at), reason=request.cancel_reason or "")
        return t("urg.list_line", lang, id=request.id, start=fmt(request.started_at), text=shorten(request.text, 60),
                 status=status)
    status = t(status_key(request, services.now()), lang, deadline=fmt(request.deadline_at),
               name=item.arrived_by or "?", minutes=taken)
    if request.arrived_at is not None and request.arrival_on_site is False:
        status += t("urg.status.off_site", lang, distance=round(request.arrival_distance_m or 0))
    if request.ack_eta is not None:
        missed = missed_estimate(request, services.now())
        status += t("urg.status.eta_missed" if missed else "urg.status.eta", lang,
                    eta=eta_text(services, request.ack_eta))
    if request.support_requested_at is not None:
        status += (t("urg.status.second_line_arrived", lang) if request.second_line_arrived_at
                   else t("urg.status.second_line_waiting", lang, deadline=fmt(request.second_line_deadline_at)))
    return t("urg.list_line", lang, id=request.id, start=fmt(request.started_at), text=shorten(request.text, 60),
             status=status)


def render_timeline(services: Services, item: Listed, names: dict[int, str], lang: str) -> list[tuple[str, str]]:
    """The timeline as `/urgents N` and the web page show it: ("2022-10-10 09:10", "电话/短信 呼叫 周小舟：成功")."""
    lines = []
    for at, key, params in timeline(item, names, services.now()):
        if "channel" in params:
            params = {**params, "channel": t(f"chan.name.{params['channel']}", lang)}
        lines.append((services.fmt(at), t(key, lang, **params)))
    return lines
