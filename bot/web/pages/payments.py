"""The payments page: the milestones with their due dates in working days, what was paid, the projection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import t
from bot.handlers.render.payments import milestone_name
from bot.services import dashboard, scoring

if TYPE_CHECKING:
    from bot.web.app import Viewer


async def view(request: Request, viewer: Viewer) -> Response:
    data = await dashboard.payments_view(viewer.services)
    lang = viewer.lang
    rows = []
    for m in data.schedule:
        if m.paid is not None and m.paid_amount is not None and m.paid.paid_on is not None:
            status = t("web.pay.paid", lang, amount=scoring.fmt_money(m.paid_amount), day=m.paid.paid_on.isoformat())
        elif m.overdue(data.today):
            status = t("web.pay.overdue", lang)
        else:
            status = t("web.pay.open", lang)
        rows.append({"name": milestone_name(m.key, lang), "share": scoring.fmt_ratio(m.share),
                     "amount": scoring.fmt_money(m.amount),
                     "due": m.due.isoformat() if m.due else t("web.pay.after_assessment", lang),
                     "status": status, "overdue": m.overdue(data.today)})
    a = data.assessment
    projection = t("web.pay.projection", lang, total=a.shown_total, tier=a.tier.label,
                   ratio=scoring.fmt_ratio(a.payment_ratio), amount=scoring.fmt_money(a.projected_payment))
    return viewer.page("payments.html", rows=rows, projection=projection, current="payments")
