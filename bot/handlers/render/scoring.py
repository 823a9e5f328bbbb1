"""/score, /score why and /deductions as text, in the reader's language (the scoring service returns the
assessment; how it reads lives here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from bot.catalog import t
from bot.handlers.render.payments import milestone_name
from bot.services.domain.assessment import ComponentScore, Deduction
from bot.services.report import render_loss
from bot.services.scoring import (
    CENT,
    Assessment,
    Period,
    ScoreAnswer,
    fmt_count,
    fmt_gap,
    fmt_minutes,
    fmt_money,
    fmt_percent,
    fmt_points,
    fmt_ratio,
    fmt_signed,
    next_tier_advice,
)


def component_name(component: str, lang: str) -> str:
    return t(f"score.component.{component}", lang)


def render_score_answer(answer: ScoreAnswer, lang: str) -> str:
    """The whole /score (or /score why) answer."""
    if answer.why:
        return render_why(answer.assessment, lang, answer.component)
    return render_score(answer.assessment, lang, answer.previous)


def render_component_line(c: ComponentScore, lang: str) -> str:
    deduction = t("score.line_deduction", lang, points=fmt_points(c.deductions)) if c.deductions else ""
    line = t("score.line", lang, name=component_name(c.name, lang), points=fmt_points(c.points),
             max=fmt_count(c.weight), rate=fmt_percent(c.ratio), numerator=fmt_count(c.rate.numerator),
             denominator=fmt_count(c.rate.denominator), unit=t(f"score.unit.{c.name}", lang),
             deduction=deduction)
    return "\n".join([line, *render_response_times(c, lang)])


def render_response_times(c: ComponentScore, lang: str) -> list[str]:
    """Under 响应度: the median and 90th-percentile minutes to acknowledge and to arrive (from the
    urgent feature's details); nothing when no request was acknowledged or reached."""
    if c.name != "responsiveness":
        return []
    details = c.rate.details
    lines = []
    for what in ("ack", "arrive"):
        median, p90 = details.get(f"{what}_median_min"), details.get(f"{what}_p90_min")
        if median is None and p90 is None:
            continue
        lines.append(t(f"score.times.{what}", lang, median=fmt_minutes(median), p90=fmt_minutes(p90)))
    return lines


def render_score(a: Assessment, lang: str, previous: Assessment | None = None) -> str:
    """The /score answer: total, tier, each component with its counts, change, projection, next tier."""
    lines = [t("score.header", lang, period=a.period.title, total=a.shown_total,
               max=fmt_count(a.max_total), tier=a.tier.label, ratio=fmt_ratio(a.payment_ratio))]
    if a.counted_from is not None:
        lines.append(t("score.counted_from", lang, day=a.counted_from.isoformat()))
    if previous is not None:
        lines.append(t("score.change", lang, delta=fmt_signed(a.total - previous.total),
                       previous=previous.shown_total, period=previous.period.title))
    lines.append("")
    lines.extend(render_component_line(c, lang) for c in a.components.values())
    lines.append("")
    lines.append(t("score.projected", lang, amount=fmt_money(a.projected_payment),
                   contract=fmt_money(a.contract_amount), ratio=fmt_ratio(a.payment_ratio),
                   paid=fmt_money(a.paid_before)))
    if a.flagged_payments:
        lines.append(t("score.payment_flagged", lang, names=t("role.separator", lang).join(
            milestone_name(key, lang) for key in a.flagged_payments)))
    advice = next_tier_advice(a)
    if advice is None:
        lines.append(t("score.top_tier", lang))
    elif advice.hints:
        options = "\n".join(t(f"score.hint.{h.component}", lang, n=h.extra) for h in advice.hints)
        lines.append(t("score.next_tier", lang, tier=advice.tier.label, ratio=fmt_ratio(advice.tier.ratio),
                       threshold=fmt_count(advice.threshold), gap=fmt_gap(advice.gap), options=options))
    else:
        lines.append(t("score.next_tier_none", lang, tier=advice.tier.label, ratio=fmt_ratio(advice.tier.ratio),
                       threshold=fmt_count(advice.threshold), gap=fmt_gap(advice.gap)))
    lines.append(t("score.why_hint", lang))
    return "\n".join(lines)


@dataclass(frozen=True)
class LedgerLine:
    """One line of the ledger behind lost points: a loss or a deduction, with its cost."""

    component: str
    cost: Decimal
    text: str
    when: str | None


def ledger(a: Assessment, lang: str, component: str | None = None) -> list[LedgerLine]:
    """Every lost point explained: each loss (cost = weight × units / denominator), each deduction, and
    whatever a rate function lost without listing it."""
    lines: list[LedgerLine] = []
    for name, c in a.components.items():
        if component is not None and name != component:
            continue
        listed = Decimal(0)
        for loss in sorted(c.rate.losses, key=lambda item: item.when or ""):
            cost = c.loss_cost(loss)
            listed += cost
            lines.append(LedgerLine(name, cost, render_loss(loss, lang), loss.when))
        unexplained = c.weight - c.earned - listed
        if unexplained > CENT / 2:
            lines.append(LedgerLine(name, unexplained, t("score.why.unlisted", lang), None))
        for d in a.deductions:
            if d.component == name:
                lines.append(LedgerLine(name, d.points, t("score.why.deduction_text", lang, reason=d.reason,
                                                         actor=d.actor_name or "—", day=d.day.isoformat()),
                                        d.day.isoformat()))
    return lines


WHY_LINES_PER_COMPONENT = 6  # for the overview (/score why): every component shows, costliest lines first


def render_why(a: Assessment, lang: str, component: str | None = None) -> str:
    """/score why [component]: the ledger, grouped by component, costliest lines first, each with its cost.

    The overview keeps every component on a phone screen and says how many lines each one has left; the
    single-component view lists every line (a long one is paged by the bot, bot/pager.py)."""
    lines = [t("score.why.header", lang, period=a.period.title)]
    if a.counted_from is not None:
        lines.append(t("score.counted_from", lang, day=a.counted_from.isoformat()))
    entries = ledger(a, lang, component)
    paused = render_paused(a, lang, component)
    if not entries:
        lines.append(t("score.why.none", lang))
        lines.extend(paused)
        return "\n".join(lines)
    cap = None if component is not None else WHY_LINES_PER_COMPONENT
    for name, c in a.components.items():
        mine = sorted((e for e in entries if e.component == name), key=lambda e: (-e.cost, e.when or ""))
        if not mine:
            continue
        lines.append("")
        lines.append(t("score.why.component", lang, name=component_name(name, lang), lost=fmt_points(c.lost),
                       points=fmt_points(c.points), max=fmt_count(c.weight)))
        for entry in mine[:cap]:
            lines.append(t("score.why.line", lang, cost=fmt_points(entry.cost), name=component_name(name, lang),
                           text=entry.text))
        if cap is not None and len(mine) > cap:
            lines.append(t("score.why.more_component", lang, n=len(mine) - cap,
                           component=component_name(name, lang)))
    lines.extend(paused)
    return "\n".join(lines)


def render_paused(a: Assessment, lang: str, component: str | None = None) -> list[str]:
    """Under /score why: the waiting time that did not count (tickets waiting for the client or a third
    party: their due times moved by it), from the completion rate's details."""
    c = a.components.get("completion")
    if c is None or component not in (None, "completion"):
        return []
    details = c.rate.details
    if not details.get("paused_tickets") and not details.get("waiting_now"):
        return []
    from bot.services.tickets import format_duration

    return ["", t("score.why.paused", lang, n=int(details.get("paused_tickets") or 0),
                  paused=format_duration(timedelta(minutes=int(details.get("paused_minutes") or 0)), lang),
                  waiting=int(details.get("waiting_now") or 0))]


def render_deductions(period: Period, deductions: Iterable[Deduction], lang: str) -> str:
    items = list(deductions)
    if not items:
        return t("score.deductions.none", lang, period=period.title)
    total = sum((d.points for d in items), Decimal(0))
    lines = [t("score.deductions.header", lang, period=period.title, total=fmt_points(total),
               count=len(items))]
    lines.extend(t("score.deductions.line", lang, id=d.id, day=d.day.isoformat(),
                   component=component_name(d.component, lang), points=fmt_points(d.points), reason=d.reason,
                   actor=d.actor_name or "—") for d in items)
    return "\n".join(lines)
