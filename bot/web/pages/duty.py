"""The duty page: the on-call rota and holiday duty plans as a month calendar, with iCalendar feed links."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import t
from bot.services import dashboard, web_access

if TYPE_CHECKING:
    from bot.web.app import Viewer


async def view(request: Request, viewer: Viewer) -> Response:
    services, lang = viewer.services, viewer.lang
    month = dashboard.parse_month(services, request.query_params.get("month"))
    data = await dashboard.duty_view(services, month)
    plans = [t("web.duty.plan_line", lang, name=plan.name_en if lang == "en" and plan.name_en else plan.name,
               first=plan.first_day.isoformat(), last=plan.last_day.isoformat(),
               status=t("web.duty.plan.approved" if plan.status == "approved" else "web.duty.plan.proposed", lang))
             for plan in data.plans]
    root = str(request.base_url).rstrip("/")
    mine = await web_access.feed_token(services, viewer.person.telegram_id)
    team = await web_access.feed_token(services, web_access.TEAM)
    feeds = [(t("web.duty.feed_mine", lang), f"{root}/duty/feed/{mine}.ics"),
             (t("web.duty.feed_team", lang), f"{root}/duty/feed/{team}.ics")]
    expires = services.fmt(services.now() + web_access.feed_lifetime(services))
    prev_month = (month - timedelta(days=1)).replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    empty = not any(cell.names for week in data.weeks for cell in week if cell.in_month)
    return viewer.page("duty.html", weeks=data.weeks, plans=plans, feeds=feeds, feed_expires=expires, empty=empty,
                       weekdays=t("web.weekdays", lang).split(","),
                       month_label=t("web.month", lang, year=month.year, month=month.month),
                       prev_month=f"{prev_month:%Y-%m}", next_month=f"{next_month:%Y-%m}", current="duty")
