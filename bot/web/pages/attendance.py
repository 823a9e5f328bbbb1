"""The attendance page: a month calendar per engineer (their own for an engineer), the rate, the working calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import t
from bot.services import dashboard, scoring, web_access
from bot.services.attendance import percent

if TYPE_CHECKING:
    from bot.web.app import Viewer


def _num(value: object) -> str:
    text = f"{value}"
    return text[:-2] if text.endswith(".0") else text


async def view(request: Request, viewer: Viewer) -> Response:
    services, lang = viewer.services, viewer.lang
    month = dashboard.parse_month(services, request.query_params.get("month"))
    data = await dashboard.attendance_view(services, viewer.person, month,
                                           sees_everyone=web_access.sees_all_attendance(viewer.person))
    engineers = [{
        "name": e.person.name, "weeks": e.weeks,
        "rate": t("web.att.rate", lang, rate=percent(e.rate)),
        "counts": t("web.att.counts", lang, **{k: _num(scoring.fmt_count(v)) for k, v in e.counts.items()}),
    } for e in data.engineers]
    prev_month = (month - timedelta(days=1)).replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return viewer.page("attendance.html", month=month, engineers=engineers, grid=data.calendar,
                       holidays="、".join(h.in_lang(lang) for h in data.holidays),
                       total_rate=t("web.att.rate", lang, rate=percent(data.rate)),
                       weekdays=t("web.weekdays", lang).split(","),
                       month_label=t("web.month", lang, year=month.year, month=month.month),
                       prev_month=f"{prev_month:%Y-%m}", next_month=f"{next_month:%Y-%m}", current="attendance")
