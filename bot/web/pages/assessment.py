"""The assessment page: total, tier, ratio, projection, components with counts, the trend, the next tier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import render, t
from bot.handlers.render.scoring import component_name, render_response_times
from bot.services import dashboard, scoring
from bot.web import svg

if TYPE_CHECKING:
    from bot.web.app import Viewer


async def view(request: Request, viewer: Viewer) -> Response:
    period_text = request.query_params.get("period", "")
    data = await dashboard.assessment_view(viewer.services, period_text)
    a, lang = data.assessment, viewer.lang
    components = [{
        "name": component_name(c.name, lang), "key": c.name, "points": scoring.fmt_points(c.points),
        "max": scoring.fmt_count(c.weight), "rate": scoring.fmt_percent(c.ratio),
        "counts": t("web.score.counts", lang, numerator=scoring.fmt_count(c.rate.numerator),
                    denominator=scoring.fmt_count(c.rate.denominator), unit=t(f"score.unit.{c.name}", lang)),
        "deductions": scoring.fmt_points(c.deductions) if c.deductions else "",
        "times": render_response_times(c, lang),
    } for c in a.components.values()]
    advice = data.advice
    if advice is None:
        next_text, hints = t("web.score.top", lang), []
    else:
        params = {"tier": advice.tier.label, "ratio": scoring.fmt_ratio(advice.tier.ratio),
                  "threshold": scoring.fmt_count(advice.threshold), "gap": scoring.fmt_gap(advice.gap)}
        key = "web.score.next_gap" if advice.hints else "web.score.next_none"
        next_text = t(key, lang, **params)
        hints = [t(f"score.hint.{h.component}", lang, n=h.extra) for h in advice.hints]
    chart = svg.trend_chart([(p.month, p.total) for p in data.trend],
                            [(tier.label, tier.above) for tier in a.tiers], title=t("web.score.trend", lang))
    return viewer.page("assessment.html", a=a, period_label=render(a.period.title, lang), period_text=period_text,
                       total=a.shown_total, max_total=scoring.fmt_count(a.max_total), tier=a.tier.label,
                       ratio=scoring.fmt_ratio(a.payment_ratio), projected=scoring.fmt_money(a.projected_payment),
                       projected_note=t("web.score.projected_note", lang, contract=scoring.fmt_money(a.contract_amount),
                                        ratio=scoring.fmt_ratio(a.payment_ratio),
                                        paid=scoring.fmt_money(a.paid_before)),
                       components=components, next_text=next_text, hints=hints, chart=chart, current="assessment")
