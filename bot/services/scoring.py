"""The running assessment score, exactly as the contract scores it (考核方式), and the payment tiers.

Five components, each `weight × rate − the client's deductions` (never below 0), where each rate is
the `ComponentRate` its own feature computes for the period (attendance, tickets, daily log, urgent
requests). The payment tiers live in `bot.services.domain.assessment` (`tier_for`, `payment_ratio`).
Everything is `Decimal`, and the tier and the projected payment are decided on the exact total; values
are rounded to two places only when shown, and a total is shown with more places when two would carry it
onto or across a tier boundary (`fmt_total`: 85.004 is shown as 85.004 · A, never 85.00 · A).

The component sources are injectable (`sources=`: component name → async rate function), so tests
can pass fakes; `default_sources()` lists the real functions. A real source also takes `losses=False`: the same
rate without its `Loss` list, which only `/score why` and the reports need.

Incremental (#16): without losses, a real source's rate over a period is the sum of its month slices'
numerators and denominators. A closed month (ended `ROLLUP_SETTLE` ago, so no deadline in it is still running)
is read from `score_rollups` (storage/migrations/016), computed and stored on the first read; the triggers of
that migration drop a month's row in the same transaction as any write that can change it. Only the open month
is computed live.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from bot.catalog import LANGUAGES, Text
from bot.services import attendance, daily_log, tickets, urgent
from bot.services.domain.assessment import ComponentScore, Deduction, next_tier, payment_ratio, tier_for, tiers_top_down
from bot.services.domain.people import Person, Role
from bot.services.domain.rates import ComponentRate
from bot.services.errors import DomainError
from bot.services.timeparse import PERIOD_EXAMPLES, parse_past_day, parse_period
from config.settings import PaymentTier
from storage.scoring import RollupRow, ScoreRollupRepository, ScoringRepository

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

# (services, start, end) → rate; the real ones also take `losses: bool` (keyword, default True).
RateSource = Callable[..., Awaitable[ComponentRate]]

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

    @property
    def title(self) -> Text:
        """How the period is named in messages (rendered in the reader's language)."""
        if self.kind == "month":
            return Text("score.period.month", month=self.month, start=self.start.isoformat(),
                        end=self.end.isoformat())
        key = "score.period.contract" if self.kind == "contract" else "score.period.range"
        return Text(key, start=self.start.isoformat(), end=self.end.isoformat())


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
    return default_rate_functions()


def default_rate_functions() -> dict[str, RateSource]:
    """The real functions themselves (what `default_sources()` gives unless a test replaces it): only these
    are rolled up by month."""
    return {
        "attendance": attendance.attendance_rate,
        "completion": tickets.completion_rate,
        "satisfaction": tickets.satisfaction_rate,
        "daily_maintenance": daily_log.daily_maintenance_rate,
        "responsiveness": urgent.responsiveness_rate,
    }


# ------------------------------------------------------------------------------------------------
# rollups of closed months (#16)
# ------------------------------------------------------------------------------------------------
# A month is rolled up once it ended this long ago: every ticket due and urgent request raised in it is decided.
ROLLUP_SETTLE = timedelta(days=2)
PENDING = ""  # a claimed rollup row being computed (migration 016's triggers drop it if its data changes)
ROLLUP_FORMAT = "1"  # bump when what a row keeps changes: older rows are then not used


def _month_slices(start: date, end: date) -> list[tuple[date, date]]:
    slices = []
    day = start
    while day <= end:
        _, last = month_bounds(day)
        slices.append((day, min(last, end)))
        day = last + timedelta(days=1)
    return slices


def rollup_fingerprint(services: Services) -> str:
    """The settings a rate depends on (calendar, rules, contract), hashed: a rollup made under other settings
    is not used."""
    cached: tuple[object, str] | None = getattr(services, "_score_fingerprint", None)
    if cached is None or cached[0] is not services.settings:
        cached = (services.settings, hashlib.sha256(
            (ROLLUP_FORMAT + services.settings.model_dump_json()).encode()).hexdigest()[:16])
        object.__setattr__(services, "_score_fingerprint", cached)
    return cached[1]


def _stored_details(name: str, details: Mapping[str, Any]) -> str:
    """What a month's details keep: all of responsiveness (its minutes make the period's median), the counts
    of the others."""
    if name == "responsiveness":  # with its measured seconds: the period's median and p90 need them all
        return json.dumps(dict(details))
    return json.dumps({k: v for k, v in details.items() if isinstance(v, int) and not isinstance(v, bool)})


def _merge_rates(name: str, parts: Sequence[ComponentRate]) -> ComponentRate:
    """Month slices' rates as one period's: numerators and denominators added, the details merged."""
    if len(parts) == 1:
        return parts[0]
    if name == "responsiveness":
        details = urgent.merge_details([dict(p.details) for p in parts])
    else:
        details = {}
        for part in parts:
            for key, value in part.details.items():
                if isinstance(value, int) and not isinstance(value, bool):
                    details[key] = details.get(key, 0) + value
                else:
                    details.setdefault(key, value)
    return ComponentRate(sum((p.numerator for p in parts), Decimal(0)),
                         sum((p.denominator for p in parts), Decimal(0)), [], details, parts[0].empty_rate)


async def rolled_up_rates(services: Services, chosen: Mapping[str, RateSource], start: date,
                          end: date, anchor: date | None = None) -> dict[str, ComponentRate]:
    """Each component's rate over [start, end] without losses: closed months from their rollups (computed and
    stored when missing), the rest live. A closed slice is kept when it is a whole month or starts at `anchor`
    (the first day that counts); a range's own ragged edges are computed live, never stored."""
    today = services.today()
    fingerprint = rollup_fingerprint(services)
    slices = _month_slices(start, end)
    closed = [(s, e) for s, e in slices if (s.day == 1 or s == anchor) and e == month_bounds(e)[1]
              and e + ROLLUP_SETTLE < today]
    stored: dict[tuple[str, date, date], ComponentRate] = {}
    if closed:
        async with services.db.uow(read_only=True) as uow:
            rows = await uow.repo(ScoreRollupRepository).rollups(start, end, fingerprint)
        stored = {(r.component, r.start, r.end): ComponentRate(r.numerator, r.denominator, [], json.loads(r.details),
                                                               r.empty_rate) for r in rows}
        missing = [(name, s, e) for name in chosen for s, e in closed if (name, s, e) not in stored]
        if missing:
            stored.update(await _fill_rollups(services, chosen, missing, fingerprint))
    rates: dict[str, ComponentRate] = {}
    for name, source in chosen.items():
        parts = []
        for s, e in slices:
            part = stored.get((name, s, e))
            parts.append(part if part is not None else await source(services, s, e, losses=False))
        rates[name] = _merge_rates(name, parts)
    return rates


async def _fill_rollups(services: Services, chosen: Mapping[str, RateSource],
                        missing: list[tuple[str, date, date]], fingerprint: str
                        ) -> dict[tuple[str, date, date], ComponentRate]:
    """Compute the missing closed slices and store them. The rows are claimed (stored empty) first: a write that
    lands while we compute drops the claim through the triggers, and then nothing is stored."""
    now = services.now()
    async with services.db.uow() as uow:
        repo = uow.repo(ScoreRollupRepository)
        for name, s, e in missing:
            await repo.save_rollup(RollupRow(name, s, e, Decimal(0), Decimal(0), Decimal(0), PENDING),
                                   fingerprint, now)
        await uow.commit()
    computed = {(name, s, e): await chosen[name](services, s, e, losses=False) for name, s, e in missing}
    async with services.db.uow() as uow:
        repo = uow.repo(ScoreRollupRepository)
        for (name, s, e), rate in computed.items():
            await repo.fill_rollup(RollupRow(name, s, e, rate.numerator, rate.denominator, rate.empty_rate,
                                             _stored_details(name, rate.details)), fingerprint)
        await uow.commit()
    return computed


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
        if any(_alias_key(component_label(name).in_lang(lang)) == key for lang in LANGUAGES):
            return name
    return None


def component_label(component: str) -> Text:
    """A component's name in messages (rendered in the reader's language)."""
    return Text(f"score.component.{component}")


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
                             sources: Mapping[str, RateSource] | None = None, *, losses: bool = True) -> Assessment:
    """Every component for the period, the client's deductions, the tier and the payment projection.

    `losses=False`: the rates without their `Loss` lists (the score alone, not `/score why`); the real sources'
    closed months then come from their rollups (`rolled_up_rates`)."""
    from bot.services.payments import flagged_payments, paid_before, payment_schedule
    from bot.services.tracking import tracking_start

    assessment = services.settings.assessment
    chosen = dict(sources) if sources is not None else default_sources()
    # Read and release: the rollups below write in their own units of work (a month computed once is stored).
    async with services.db.uow(read_only=True) as uow:
        deductions = await uow.repo(ScoringRepository).deductions(period.start, period.end)
    schedule = await payment_schedule(services)
    paid = paid_before(schedule)
    # Before the bot kept the record nothing counts as missing: the rates start at the tracking start.
    tracked = await tracking_start(services)
    counted_from = tracked if tracked > period.start else None
    components: dict[str, ComponentScore] = {}
    first = max(period.start, tracked)
    rolled: dict[str, ComponentRate] = {}
    if not losses and tracked <= period.end:
        real = default_rate_functions()
        rolled = await rolled_up_rates(services, {name: source for name, source in chosen.items()
                                                  if name in assessment.weights and source is real.get(name)},
                                       first, period.end, anchor=max(tracked, services.settings.contract.start))
    for name in COMPONENTS:
        weight = assessment.weights.get(name)
        if weight is None:
            continue
        source = chosen.get(name)
        if source is None:
            raise ComponentUnavailable(component=component_label(name))
        if tracked > period.end:
            rate = ComponentRate(Decimal(0), Decimal(0))  # nothing recorded yet in this period
        elif name in rolled:
            rate = rolled[name]
        else:
            rate = await source(services, first, period.end)
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
                component=component_label(component), points=fmt_points(points),
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


@dataclass(frozen=True)
class ScoreAnswer:
    """What /score shows: the assessment (with the previous period's, for the change) or, with `why`, its
    ledger (of one component when given); rendered by bot/handlers/render/scoring.py."""

    assessment: Assessment
    why: bool = False
    component: str | None = None
    previous: Assessment | None = None


async def score_answer(services: Services, person: Person, args: str,
                       sources: Mapping[str, RateSource] | None = None) -> ScoreAnswer:
    """The whole /score (or /score why) answer for `person`."""
    from bot.services.tracking import tracking_start

    request = parse_score_args(args)
    period = resolve_period(services, request.period_text)
    tracked = await tracking_start(services)
    if tracked > period.end:  # the bot was not there: say so rather than show a full score of nothing
        raise DomainError("score.not_tracked", start=period.start.isoformat(), end=period.end.isoformat(),
                          tracked=tracked.isoformat())
    if request.why:  # the ledger: every loss, computed live
        assessment = await compute_assessment(services, period, sources)
        return ScoreAnswer(assessment, why=True, component=request.component)
    assessment = await compute_assessment(services, period, sources, losses=False)
    before = previous_period(services, period)
    if before is not None and before.end < tracked:
        before = None  # no change "since last month" against a month the bot did not see
    previous = await compute_assessment(services, before, sources, losses=False) if before is not None else None
    return ScoreAnswer(assessment, previous=previous)


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
