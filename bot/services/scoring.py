"""The running assessment score, exactly as the contract scores it (考核方式), and the payment tiers.

Five components, each `weight × rate − the client's deductions` (never below 0), where each rate is
the `ComponentRate` its own feature computes for the period (attendance, tickets, daily log, urgent
requests). The payment tiers live in `bot.services.domain.assessment` (`tier_for`, `payment_ratio`).
Everything is `Decimal`, and the tier and the projected payment are decided on the exact total; values
are rounded to two places only when shown, and a total is shown with more places when two would carry it
onto or across a tier boundary (`fmt_total`: 85.004 is shown as 85.004 · A, never 85.00 · A).

The component sources are injectable (`sources=`: component name → async rate function), so tests
can pass fakes; `default_sources()` lists the real functions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from bot.catalog import LANGUAGES, t
from bot.services import attendance, daily_log, tickets, urgent
from bot.services.domain.assessment import ComponentScore, Deduction, next_tier, payment_ratio, tier_for, tiers_top_down
from bot.services.domain.people import Person, Role
from bot.services.domain.rates import ComponentRate, Loss
from bot.services.errors import DomainError
from bot.services.timeparse import PERIOD_EXAMPLES, parse_past_day, parse_period
from config.settings import PaymentTier
from storage.scoring import ScoringRepository

if TYPE_CHECKING:
    from bot.services.container import Services

# The contract's order of the components (日常维护, 响应度, 完成率, 满意率, 出勤率).
COMPONENTS: tuple[str, ...] = ("daily_maintenance", "responsiveness", "completion", "satisfaction", "attendance")

# What people type for a component (Chinese or English) → its name.
COMPONENT_ALIASES: dict[str, str] = {
    "日常维护": "daily_maintenance", "维护": "daily_maintenance", "daily_maintenance": "daily_maintenance",
    "daily": "daily_maintenance", "maintenance": "daily_maintenance",
    "响应度": "responsiveness", "响应": "responsiveness", "responsiveness": "responsiveness",
    "完成率": "completion", "完成": "completion", "completion": "completion",
    "满意率": "satisfaction", "满意度": "satisfaction", "满意": "satisfaction", "satisfaction": "satisfaction",
    "出勤": "attendance", "出勤率": "attendance", "attendance": "attendance",
}

# Words for "the whole contract so far" as a period.
CONTRACT_WORDS = frozenset({"合同至今", "至今", "全部", "合同期", "累计", "total", "to date", "contract", "all"})

CENT = Decimal("0.01")
# The total is kept to this many places: far below anything shown or any real difference between scores,
# far above Decimal's own rounding noise (a sum that is exactly 85 on paper must not tier as 85.000…01).
EXACT = Decimal("1e-20")

RateSource = Callable[["Services", date, date], Awaitable[ComponentRate]]

SCORE_READERS = frozenset({Role.CONTACT, Role.LEAD, Role.SUPERVISOR})
DEDUCTORS = frozenset({Role.SUPERVISOR, Role.CONTACT})


class ComponentUnavailable(DomainError):
    """A component's rate function does not exist (yet) in this deployment."""

    key = "score.component_unavailable"


# ------------------------------------------------------------------------------------------------
# periods
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """An inclusive date range; `kind` is month, contract (contract start to date) or range."""

    start: date
    end: date
    kind: str = "range"

    @property
    def month(self) -> str:
        return f"{self.start:%Y-%m}"

    def label(self, lang: str) -> str:
        if self.kind == "month":
            return t("score.period.month", lang, month=self.month, start=self.start.isoformat(),
                     end=self.end.isoformat())
        key = "score.period.contract" if self.kind == "contract" else "score.period.range"
        return t(key, lang, start=self.start.isoformat(), end=self.end.isoformat())


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _clamp(services: Services, start: date, end: date, kind: str) -> Period | None:
    contract = services.settings.contract
    start = max(start, contract.start)
    end = min(end, contract.end, services.today())
    return Period(start, end, kind) if start <= end else None


def resolve_period(services: Services, text: str | None, *, default: str = "contract") -> Period:
    """A period from what the user typed (anything `parse_period` reads, or 合同至今), clamped to the
    contract's service period and to today. Empty text gives `default` (contract or month)."""
    raw = (text or "").strip()
    contract = services.settings.contract
    if not raw:
        if default == "month":
            start, end = month_bounds(services.today())
            kind = "month"
        else:
            start, end, kind = contract.start, contract.end, "contract"
    elif raw.lower() in CONTRACT_WORDS:
        start, end, kind = contract.start, contract.end, "contract"
    else:
        parsed = parse_period(raw, services.local_now(), calendar=services.calendar)
        if parsed is None:
            raise DomainError("error.bad_period", text=raw, examples="、".join(PERIOD_EXAMPLES))
        start, end = parsed
        kind = "month" if (start, end) == month_bounds(start) else "range"
        if kind == "range" and start == contract.start and end >= min(contract.end, services.today()):
            kind = "contract"
    period = _clamp(services, start, end, kind)
    if period is None:
        raise DomainError("score.period_outside", start=start.isoformat(), end=end.isoformat(),
                          contract_start=contract.start.isoformat(), contract_end=contract.end.isoformat())
    return period


def previous_period(services: Services, period: Period) -> Period | None:
    """What "since last month" compares with: the month before, or the contract to the end of last month."""
    if period.kind == "month":
        start, end = month_bounds(period.start - timedelta(days=1))
        return _clamp(services, start, end, "month")
    if period.kind == "contract":
        end = period.end.replace(day=1) - timedelta(days=1)
        return _clamp(services, services.settings.contract.start, end, "contract")
    return None


# ------------------------------------------------------------------------------------------------
# component sources
# ------------------------------------------------------------------------------------------------
def default_sources() -> dict[str, RateSource]:
    """The real rate function of each assessment component, listed once."""
    return {
        "attendance": attendance.attendance_rate,
        "completion": tickets.completion_rate,
        "satisfaction": tickets.satisfaction_rate,
        "daily_maintenance": daily_log.daily_maintenance_rate,
        "responsiveness": urgent.responsiveness_rate,
    }


def _alias_key(text: str) -> str:
    """Case and spaces do not matter: "Daily maintenance", "dailymaintenance", "daily_maintenance"."""
    return "".join(text.lower().replace("_", " ").split())


def component_from_text(text: str) -> str | None:
    """A component from what people type: an alias, or any name the bot prints (both languages)."""
    key = _alias_key(text)
    if not key:
        return None
    for alias, name in COMPONENT_ALIASES.items():
        if _alias_key(alias) == key:
            return name
    for name in COMPONENTS:
        if any(_alias_key(t(f"score.component.{name}", lang)) == key for lang in LANGUAGES):
            return name
    return None


def component_name(component: str, lang: str) -> str:
    return t(f"score.component.{component}", lang)


# ------------------------------------------------------------------------------------------------
# the assessment
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    period: Period
    components: dict[str, ComponentScore]
    deductions: list[Deduction]
    tiers: list[PaymentTier]
    contract_amount: Decimal
    paid_before: Decimal = Decimal(0)
    flagged_payments: tuple[str, ...] = ()  # milestones whose stored payment is unreadable (not counted)
    counted_from: date | None = None  # the tracking start, when it cuts into the period (before it: nothing missing)

    @property
    def total(self) -> Decimal:
        """The exact score (the components' sum): it decides the tier and the projected payment."""
        exact = sum((c.points for c in self.components.values()), Decimal(0))
        return exact.quantize(EXACT, rounding=ROUND_HALF_EVEN)

    @property
    def shown_total(self) -> str:
        """The total as people read it: two places, more only where two would contradict the tier."""
        return fmt_total(self.total, self.tiers)

    @property
    def max_total(self) -> Decimal:
        return sum((c.weight for c in self.components.values()), Decimal(0))

    @property
    def tier(self) -> PaymentTier:
        return tier_for(self.total, self.tiers)

    @property
    def payment_ratio(self) -> Decimal:
        return payment_ratio(self.total, self.tiers)

    @property
    def projected_payment(self) -> Decimal:
        """The final payment if this score were the final assessment: amount × ratio − paid before."""
        return max(Decimal(0), self.contract_amount * self.payment_ratio - self.paid_before)


async def compute_assessment(services: Services, period: Period,
                             sources: Mapping[str, RateSource] | None = None) -> Assessment:
    """Every component for the period, the client's deductions, the tier and the payment projection."""
    from bot.services.payments import flagged_payments, paid_before, payment_schedule
    from bot.services.tracking import tracking_start

    assessment = services.settings.assessment
    chosen = dict(sources) if sources is not None else default_sources()
    async with services.db.uow() as uow:  # read and release before the sources open their own
        deductions = await uow.repo(ScoringRepository).deductions(period.start, period.end)
    schedule = await payment_schedule(services)
    paid = paid_before(schedule)
    # Before the bot kept the record nothing counts as missing: the rates start at the tracking start.
    tracked = await tracking_start(services)
    counted_from = tracked if tracked > period.start else None
    components: dict[str, ComponentScore] = {}
    for name in COMPONENTS:
        weight = assessment.weights.get(name)
        if weight is None:
            continue
        source = chosen.get(name)
        if source is None:
            raise ComponentUnavailable(component=component_name(name, "zh_CN"))
        if tracked > period.end:
            rate = ComponentRate(Decimal(0), Decimal(0))  # nothing recorded yet in this period
        else:
            rate = await source(services, max(period.start, tracked), period.end)
        taken = sum((d.points for d in deductions if d.component == name), Decimal(0))
        components[name] = ComponentScore(name, Decimal(weight), rate, taken)
    return Assessment(period, components, deductions, list(assessment.tiers), services.settings.contract.amount,
                      paid, tuple(m.key for m in flagged_payments(schedule)), counted_from)


@dataclass(frozen=True)
class TierHint:
    """One way into the next tier: `extra` more units of `component` (e.g. 3 more attendance days)."""

    component: str
    extra: int


@dataclass(frozen=True)
class NextTierAdvice:
    tier: PaymentTier
    threshold: Decimal
    gap: Decimal
    hints: list[TierHint] = field(default_factory=list)


def next_tier_advice(a: Assessment) -> NextTierAdvice | None:
    """What would lift the total strictly above the next tier's threshold, one component at a time,
    counted on that component's own denominator (None when already in the top tier)."""
    target = next_tier(a.total, a.tiers)
    if target is None:
        return None
    gap = target.above - a.total
    hints = []
    for name, c in a.components.items():
        num, den = c.rate.numerator, c.rate.denominator
        if den == 0 or c.weight == 0:
            continue
        goal = c.points + gap  # this component must end strictly above this
        n = int(((goal + c.deductions) * den / c.weight - num).to_integral_value(ROUND_FLOOR)) + 1
        n = max(n, 1)
        while n <= den - num and c.points_with(num + n) <= goal:
            n += 1
        if num + n <= den and c.points_with(num + n) > goal:
            hints.append(TierHint(name, n))
    hints.sort(key=lambda h: (h.extra, COMPONENTS.index(h.component)))
    return NextTierAdvice(target, target.above, gap, hints)


# ------------------------------------------------------------------------------------------------
# deductions
# ------------------------------------------------------------------------------------------------
def _parse_points(text: str) -> Decimal | None:
    """Points as written ("2", "1.5", "2分"); None unless a finite number. A sign is kept: "-2" is refused,
    not read as 2."""
    try:
        value = Decimal(text.strip().removesuffix("分"))
    except (ArithmeticError, ValueError):
        return None
    return value if value.is_finite() else None


def sound_points(points: Decimal | None, weight: Decimal) -> bool:
    """A deduction we can record as shown: above 0, at most 2 decimal places (so it never shows as 0.00),
    at most the component's points."""
    if points is None or not Decimal(0) < points <= weight:
        return False
    exponent = points.normalize().as_tuple().exponent  # 'n', 'N', 'F' only for NaN and infinity, ruled out above
    return isinstance(exponent, int) and exponent >= -2


async def deduct(services: Services, person: Person, args: str) -> Deduction:
    """`/deduct <component> <points> [YYYY-MM-DD] <reason>`: record the client's deduction, audited,
    and tell the lead and the other contacts and supervisors."""
    parts = args.split(maxsplit=2)
    if len(parts) < 3:
        raise DomainError("score.deduct.usage")
    component = component_from_text(parts[0])
    weights = services.settings.assessment.weights
    if component is None or component not in weights:
        raise DomainError("score.deduct.bad_component", text=parts[0])
    points = _parse_points(parts[1])
    weight = Decimal(weights[component])
    if points is None or not sound_points(points, weight):
        raise DomainError("score.deduct.bad_points", text=parts[1], max=fmt_points(weight))
    reason = parts[2].strip()
    day = services.today()
    first, _, rest = reason.partition(" ")
    # An optional day before the reason, as people write it ("2022-10-12", "10月12日", "昨天"): the latest past one.
    stated = parse_past_day(first, services.local_now(), calendar=services.calendar, search_days=366)
    if stated is not None and rest.strip():
        contract = services.settings.contract
        if not contract.start <= stated <= min(contract.end, services.today()):
            raise DomainError("score.period_outside", start=stated.isoformat(), end=stated.isoformat(),
                              contract_start=contract.start.isoformat(), contract_end=contract.end.isoformat())
        day, reason = stated, rest.strip()
    async with services.db.uow() as uow:
        repo: ScoringRepository = uow.repo(ScoringRepository)
        deduction_id = await repo.add_deduction(component=component, points=points, reason=reason, day=day,
                                                now=services.now(), actor_telegram_id=person.telegram_id,
                                                actor_name=person.name)
        await uow.audit.append(at=services.now(), action="score.deduct", entity="score_deduction",
                               entity_id=deduction_id, actor=person,
                               after={"component": component, "points": str(points), "reason": reason,
                                      "day": day.isoformat()})
        recipients = [p for p in await uow.people.all(include_left=False)
                      if p.roles & {Role.LEAD, Role.CONTACT, Role.SUPERVISOR} and p.id != person.id]
        for recipient in recipients:
            await services.notifier.to_person(
                uow, recipient, "score.deduct.notice", kind="score.deduction",
                dedup=f"score-deduct:{deduction_id}", actor=person.name,
                component=component_name(component, recipient.language), points=fmt_points(points),
                day=day.isoformat(), reason=reason)
        await uow.commit()
    return Deduction(deduction_id, component, points, reason, day, services.now(), person.name,
                     person.telegram_id)


async def list_deductions(services: Services, period: Period) -> list[Deduction]:
    async with services.db.uow() as uow:
        return await uow.repo(ScoringRepository).deductions(period.start, period.end)


# ------------------------------------------------------------------------------------------------
# rendering (catalog texts; phone-readable)
# ------------------------------------------------------------------------------------------------
def fmt_points(value: Decimal) -> str:
    try:
        return f"{Decimal(value).quantize(CENT, ROUND_HALF_UP)}"
    except ArithmeticError:  # a stored value beyond any sane range: shown as stored, never a crash
        return f"{value}"


MAX_SHOWN_PLACES = 12


def fmt_total(score: Decimal, tiers: Sequence[PaymentTier] | None = None) -> str:
    """A total with two places, unless rounding to two would put the shown value onto a tier boundary or
    into another tier than the exact score's: then with as many places as it takes (85.004 → "85.004",
    84.996 → "84.996", 83.476… → "83.48", exactly 85 → "85.00")."""
    exact = Decimal(score)
    boundaries = {tier.above for tier in tiers_top_down(tiers)}
    tier = tier_for(exact, tiers)
    for places in range(2, MAX_SHOWN_PLACES + 1):
        shown = exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        if shown == exact or (shown not in boundaries and tier_for(shown, tiers) == tier):
            return f"{shown}"
    return f"{exact.normalize():f}"


def fmt_gap(value: Decimal) -> str:
    """A gap to the next tier: two places, or as many as it takes not to show a gap as 0.00."""
    gap = Decimal(value)
    for places in range(2, MAX_SHOWN_PLACES + 1):
        shown = gap.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        if shown != 0 or gap == 0:
            return f"{shown}"
    return f"{gap.normalize():f}"


def fmt_minutes(value: float | Decimal | None) -> str:
    """Minutes as measured (one place at most): 12.0 → "12", 4.5 → "4.5"; unknown → "—"."""
    if value is None:
        return "—"
    shown = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP).normalize()
    return f"{shown:f}"


def fmt_signed(value: Decimal) -> str:
    shown = Decimal(value).quantize(CENT, ROUND_HALF_UP)
    return f"+{shown}" if shown > 0 else (f"−{-shown}" if shown < 0 else "±0.00")


def fmt_percent(ratio: Decimal) -> str:
    return f"{(Decimal(ratio) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def fmt_ratio(ratio: Decimal) -> str:
    """A payment ratio as people say it: 90%, 100%."""
    shown = (Decimal(ratio) * 100).quantize(CENT, ROUND_HALF_UP).normalize()
    return f"{shown:f}%"


def fmt_count(value: Decimal) -> str:
    """412 not 412.00; 10.5 stays 10.5."""
    shown = Decimal(value).quantize(CENT, ROUND_HALF_UP).normalize()
    return f"{shown:f}"


def fmt_money(value: Decimal) -> str:
    try:
        return f"¥{Decimal(value).quantize(CENT, ROUND_HALF_UP):,}"
    except ArithmeticError:  # a stored value beyond any sane range: shown as stored, never a crash
        return f"¥{value}"


def render_loss(loss: Loss, lang: str) -> str:
    """A loss in words via its catalog key (owned by its feature); the key itself if it is missing."""
    try:
        return t(loss.key, lang, **loss.params)
    except (KeyError, IndexError, ValueError):
        params = ", ".join(f"{k}={v}" for k, v in loss.params.items())
        return f"{loss.key} ({params})" if params else loss.key


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
    lines = [t("score.header", lang, period=a.period.label(lang), total=a.shown_total,
               max=fmt_count(a.max_total), tier=a.tier.label, ratio=fmt_ratio(a.payment_ratio))]
    if a.counted_from is not None:
        lines.append(t("score.counted_from", lang, day=a.counted_from.isoformat()))
    if previous is not None:
        lines.append(t("score.change", lang, delta=fmt_signed(a.total - previous.total),
                       previous=previous.shown_total, period=previous.period.label(lang)))
    lines.append("")
    lines.extend(render_component_line(c, lang) for c in a.components.values())
    lines.append("")
    lines.append(t("score.projected", lang, amount=fmt_money(a.projected_payment),
                   contract=fmt_money(a.contract_amount), ratio=fmt_ratio(a.payment_ratio),
                   paid=fmt_money(a.paid_before)))
    if a.flagged_payments:
        from bot.services.payments import milestone_name

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
    lines = [t("score.why.header", lang, period=a.period.label(lang))]
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
        return t("score.deductions.none", lang, period=period.label(lang))
    total = sum((d.points for d in items), Decimal(0))
    lines = [t("score.deductions.header", lang, period=period.label(lang), total=fmt_points(total),
               count=len(items))]
    lines.extend(t("score.deductions.line", lang, id=d.id, day=d.day.isoformat(),
                   component=component_name(d.component, lang), points=fmt_points(d.points), reason=d.reason,
                   actor=d.actor_name or "—") for d in items)
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# what a command asks for
# ------------------------------------------------------------------------------------------------
WHY_WORDS = frozenset({"why", "明细", "为什么", "原因", "详情"})


@dataclass(frozen=True)
class ScoreRequest:
    why: bool
    component: str | None
    period_text: str


def parse_score_args(args: str) -> ScoreRequest:
    """`/score [period]` or `/score why [component] [period]`."""
    words = args.split()
    if not words or words[0].lower() not in WHY_WORDS:
        return ScoreRequest(False, None, args.strip())
    words = words[1:]
    # the longest run of leading words that names a component ("Daily maintenance" is two words)
    for size in range(min(len(words), 3), 0, -1):
        component = component_from_text(" ".join(words[:size]))
        if component is not None:
            return ScoreRequest(True, component, " ".join(words[size:]))
    return ScoreRequest(True, None, " ".join(words))


async def score_text(services: Services, person: Person, args: str,
                     sources: Mapping[str, RateSource] | None = None) -> str:
    """The whole /score (or /score why) answer for `person`."""
    from bot.services.tracking import tracking_start

    request = parse_score_args(args)
    period = resolve_period(services, request.period_text)
    tracked = await tracking_start(services)
    if tracked > period.end:  # the bot was not there: say so rather than show a full score of nothing
        raise DomainError("score.not_tracked", start=period.start.isoformat(), end=period.end.isoformat(),
                          tracked=tracked.isoformat())
    assessment = await compute_assessment(services, period, sources)
    if request.why:
        return render_why(assessment, person.language, request.component)
    before = previous_period(services, period)
    if before is not None and before.end < tracked:
        before = None  # no change "since last month" against a month the bot did not see
    previous = await compute_assessment(services, before, sources) if before is not None else None
    return render_score(assessment, person.language, previous)


def assessment_json(a: Assessment) -> dict[str, Any]:
    """The CLI's JSON: Decimals as strings, rounded to two places (rates to four, as fractions); `total` as
    shown (`fmt_total`: two places, more where two would contradict the tier, which is the exact total's)."""
    def two(value: Decimal) -> str:
        return fmt_points(value)

    return {
        "period": {"start": a.period.start.isoformat(), "end": a.period.end.isoformat(), "kind": a.period.kind},
        "total": a.shown_total,
        "max": two(a.max_total),
        "tier": a.tier.label,
        "components": {
            name: {"points": two(c.points), "max": two(c.weight),
                   "rate": f"{c.ratio.quantize(Decimal('0.0001'), ROUND_HALF_UP)}",
                   "numerator": two(c.rate.numerator), "denominator": two(c.rate.denominator),
                   "deductions": two(c.deductions)}
            for name, c in a.components.items()},
        "payment_ratio": two(a.payment_ratio),
        "projected_payment": two(a.projected_payment),
        "paid_before": two(a.paid_before),
    }
