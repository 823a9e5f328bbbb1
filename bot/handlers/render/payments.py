"""/payments as text, in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from bot.catalog import t
from bot.services.container import Services
from bot.services.payments import MilestoneStatus, PaymentsOverview, paid_before
from bot.services.scoring import fmt_money, fmt_ratio, fmt_total


def milestone_name(key: str, lang: str) -> str:
    try:
        return t(f"pay.milestone.{key}", lang)
    except KeyError:
        return key


def render_overview(services: Services, overview: PaymentsOverview, lang: str) -> str:
    return render_payments(services, overview.schedule, lang, overview.projection)


def render_payments(services: Services, schedule: list[MilestoneStatus], lang: str,
                    projection: tuple[Decimal, str, Decimal, Decimal] | None) -> str:
    """The /payments answer; `projection` is (total score, tier label, ratio, projected amount) or None."""
    today = services.today()
    lines = [t("pay.header", lang, amount=fmt_money(services.settings.contract.amount))]
    for m in schedule:
        if m.flagged and m.paid is not None:
            status = t("pay.status.flagged", lang, amount=m.paid.raw_amount[:40],
                       day=m.paid.paid_on.isoformat() if m.paid.paid_on else "—")
        elif m.paid is not None and m.paid.paid_on is not None:
            status = t("pay.status.paid", lang, amount=fmt_money(m.paid.amount), day=m.paid.paid_on.isoformat())
        elif m.overdue(today):
            status = t("pay.status.overdue", lang)
        else:
            status = t("pay.status.unpaid", lang)
        due = m.due.isoformat() if m.due else t("pay.due.after_assessment", lang)
        share = fmt_ratio(m.share)
        if m.is_final and projection is not None:
            amount = fmt_money(projection[3])
            share = t("pay.share.by_score", lang)
        else:
            amount = fmt_money(m.amount)
        lines.append(t("pay.line", lang, name=milestone_name(m.key, lang), share=share, amount=amount, due=due,
                       status=status))
    if projection is None:
        lines.append(t("pay.projection_unavailable", lang))
    else:
        total, tier, ratio, projected = projection
        shown = fmt_total(total, services.settings.assessment.tiers)
        lines.append(t("pay.projection", lang, total=shown, tier=tier, ratio=fmt_ratio(ratio),
                       amount=fmt_money(projected), paid=fmt_money(paid_before(schedule))))
    return "\n".join(lines)
