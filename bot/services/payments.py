"""Payment milestones (第四条): when each is due, whether it was paid, and the projected final payment.

Milestones come from `settings.assessment.milestones`: 10% within 15 working days of signing; 40%
within 30 working days after six months of service; the rest after the final assessment, at the
assessment's payment ratio. Projected final payment = contract amount × ratio − what is paid before it
(each earlier milestone at its recorded amount, or at its scheduled amount while still unpaid: it falls
due before the final one). Never below 0.
"""

from __future__ import annotations

import calendar as _stdcal
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.catalog import CATALOG, Joined, Text
from bot.services.domain.assessment import PaymentRecord
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from bot.services.timeparse import WHEN_EXAMPLES, parse_when
from config.settings import PaymentMilestone
from storage.scoring import ScoringRepository

if TYPE_CHECKING:
    from bot.services.container import Services
    from bot.services.scoring import RateSource

# What people call each milestone (besides its key and its number 1, 2, 3).
MILESTONE_ALIASES: dict[str, str] = {
    "首付款": "signing", "首期": "signing", "首期款": "signing", "首款": "signing", "预付款": "signing",
    "签约款": "signing", "第一期": "signing",
    "中期款": "midterm", "中期": "midterm", "进度款": "midterm", "第二期": "midterm",
    "尾款": "final", "终期": "final", "终期款": "final", "余款": "final", "第三期": "final",
}


@dataclass(frozen=True)
class MilestoneStatus:
    key: str
    share: Decimal
    amount: Decimal            # scheduled: contract amount × share
    due: date | None           # None: after the final assessment
    is_final: bool
    paid: PaymentRecord | None
    flagged: bool = False      # a stored payment no reader can trust (see `sound_amount`): shown, not counted

    def overdue(self, today: date) -> bool:
        return self.paid is None and self.due is not None and today > self.due

    @property
    def paid_amount(self) -> Decimal | None:
        """The recorded amount when it can be trusted."""
        return self.paid.amount if self.paid is not None and not self.flagged else None


def sound_amount(value: Decimal, ceiling: Decimal) -> bool:
    """An amount of money we can record and compute with: finite, above 0, at most 2 decimal places (fen),
    at most `ceiling` (the contract total)."""
    if not (value.is_finite() and Decimal(0) < value <= ceiling):
        return False
    exponent = value.normalize().as_tuple().exponent  # 'n', 'N', 'F' only for NaN and infinity, ruled out above
    return isinstance(exponent, int) and exponent >= -2


def six_months_of_service(start: date) -> date:
    """The last day of the first six months of service (2022-02-01 → 2022-07-31)."""
    index = start.year * 12 + start.month - 1 + 6
    year, month = divmod(index, 12)
    day = min(start.day, _stdcal.monthrange(year, month + 1)[1])
    return date(year, month + 1, day) - timedelta(days=1)


def milestone_due(services: Services, milestone: PaymentMilestone) -> date | None:
    """The last day a milestone may be paid: `working_days` working days after its anchor."""
    if milestone.working_days is None:
        return None
    contract = services.settings.contract
    anchor = {"signed": contract.signed, "six_months": six_months_of_service(contract.start),
              "end": contract.end}[milestone.anchor]
    return services.calendar.add_workdays(anchor, milestone.working_days)


def _final_key(milestones: list[PaymentMilestone]) -> str:
    finals = [m.key for m in milestones if m.anchor == "end"]
    return finals[-1] if finals else milestones[-1].key


async def payment_schedule(services: Services) -> list[MilestoneStatus]:
    milestones = list(services.settings.assessment.milestones)
    amount = services.settings.contract.amount
    async with services.db.uow() as uow:
        paid = await uow.repo(ScoringRepository).payments()
    final = _final_key(milestones)
    return [MilestoneStatus(m.key, m.share, amount * m.share, milestone_due(services, m), m.key == final,
                            paid.get(m.key), _flagged(paid.get(m.key), amount)) for m in milestones]


def _flagged(record: PaymentRecord | None, contract_amount: Decimal) -> bool:
    return record is not None and (record.paid_on is None or not sound_amount(record.amount, contract_amount))


def paid_before(schedule: list[MilestoneStatus]) -> Decimal:
    """What is paid before the final payment: recorded amounts, or the scheduled ones while unpaid (or while
    the record is flagged as unreadable)."""
    return sum(((m.paid_amount if m.paid_amount is not None else m.amount) for m in schedule if not m.is_final),
               Decimal(0))


def flagged_payments(schedule: list[MilestoneStatus]) -> list[MilestoneStatus]:
    return [m for m in schedule if m.flagged]


def earliest_payment_day(services: Services, milestone: PaymentMilestone) -> date:
    """The first day a milestone can be paid (第四条): the signing day; the day after six months of service;
    the day after the service period ends."""
    contract = services.settings.contract
    return {"signed": contract.signed,
            "six_months": six_months_of_service(contract.start) + timedelta(days=1),
            "end": contract.end + timedelta(days=1)}[milestone.anchor]


async def paid_before_final(services: Services) -> Decimal:
    return paid_before(await payment_schedule(services))


def projected_final(contract_amount: Decimal, ratio: Decimal, before: Decimal) -> Decimal:
    return max(Decimal(0), contract_amount * ratio - before)


def milestone_from_text(services: Services, text: str) -> str | None:
    keys = [m.key for m in services.settings.assessment.milestones]
    word = text.strip().lower()
    if word in keys:
        return word
    if word.isdigit() and 1 <= int(word) <= len(keys):
        return keys[int(word) - 1]
    key = MILESTONE_ALIASES.get(word)
    return key if key in keys else None


def milestone_label(key: str) -> Text | str:
    """A milestone's name in messages (rendered in the reader's language); the key when the catalog has none."""
    return Text(f"pay.milestone.{key}") if f"pay.milestone.{key}" in CATALOG else key


_FIX_WORDS = {"fix", "更正", "修改", "改正"}


def _amount(text: str) -> Decimal | None:
    """A money amount as people write it (436,000 / ¥43600 / 43600元), or None when it is not a number."""
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥￥").removesuffix("元")
    try:
        return Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return None


@dataclass(frozen=True)
class _Entry:
    key: str
    paid_on: date
    amount: Decimal | None     # None: the amount due
    amount_text: str


def _looks_like_amount(text: str) -> bool:
    return _amount(text) is not None


def _parse(services: Services, person: Person, args: str) -> _Entry:
    words = args.split()
    if len(words) < 2:
        raise DomainError("pay.usage", milestones=_milestone_list(services))
    key = milestone_from_text(services, words[0])
    if key is None:
        raise DomainError("pay.unknown_milestone", text=words[0],
                          milestones=_milestone_list(services))
    amount: Decimal | None = None
    amount_text = ""
    date_words = words[1:]
    if len(date_words) > 1 and _looks_like_amount(date_words[-1]):
        amount_text = date_words[-1]
        amount = _amount(amount_text)
        date_words = date_words[:-1]
    date_text = " ".join(date_words)
    moment = parse_when(date_text, services.local_now(), calendar=services.calendar)
    # "2022-09-01 -5": the date reads without the last word, so that word is a bad amount
    if (moment is None and amount is None and len(date_words) > 1
            and parse_when(" ".join(date_words[:-1]), services.local_now(), calendar=services.calendar)):
        raise DomainError("pay.bad_amount", text=date_words[-1])
    if moment is None:
        raise DomainError("error.bad_time", text=date_text, examples="、".join(WHEN_EXAMPLES))
    if amount is not None and not sound_amount(amount, services.settings.contract.amount):
        if amount.is_finite() and amount > services.settings.contract.amount:
            raise DomainError("pay.over_contract", text=amount_text,
                              contract=_money(services.settings.contract.amount))
        raise DomainError("pay.bad_amount", text=amount_text)
    paid_on = moment.date()
    if paid_on > services.today():
        raise DomainError("pay.future_date", day=paid_on.isoformat())
    milestone = next(m for m in services.settings.assessment.milestones if m.key == key)
    earliest = earliest_payment_day(services, milestone)
    if paid_on < earliest:
        raise DomainError("pay.too_early", day=paid_on.isoformat(), earliest=earliest.isoformat(),
                          name=milestone_label(key),
                          condition=Text(f"pay.anchor.{milestone.anchor}"))
    return _Entry(key, paid_on, amount, amount_text)


def _money(value: Decimal) -> str:
    from bot.services.scoring import fmt_money

    return fmt_money(value)


async def _ceiling(services: Services, schedule: list[MilestoneStatus], milestone: MilestoneStatus,
                   sources: Mapping[str, RateSource] | None) -> tuple[Decimal, Text]:
    """The most that can be recorded on a milestone, and why: its share of the contract total (nothing was
    paid on it yet: a milestone holds one payment); the final payment also at most the contract total × the
    tier ratio of the contract-to-date score − what is paid before it, when the score can be computed."""
    from bot.services.scoring import compute_assessment, fmt_ratio, resolve_period

    contract = services.settings.contract.amount
    ceiling = milestone.amount
    basis = Text("pay.basis.share", contract=_money(contract), share=fmt_ratio(milestone.share),
                 amount=_money(ceiling))
    if milestone.is_final:
        try:
            a = await compute_assessment(services, resolve_period(services, ""), sources)
        except DomainError:  # a component not available: the share alone bounds it
            return ceiling, basis
        before = paid_before(schedule)
        by_score = projected_final(contract, a.payment_ratio, before)
        if by_score < ceiling:
            ceiling = by_score
            basis = Text("pay.basis.score", total=a.shown_total, tier=a.tier.label,
                         ratio=fmt_ratio(a.payment_ratio), contract=_money(contract), paid=_money(before))
    return ceiling, basis


async def _checked_amount(services: Services, person: Person, entry: _Entry,
                          sources: Mapping[str, RateSource] | None) -> tuple[MilestoneStatus, Decimal]:
    schedule = await payment_schedule(services)
    milestone = next(m for m in schedule if m.key == entry.key)
    ceiling, basis = await _ceiling(services, schedule, milestone, sources)
    name = milestone_label(entry.key)
    if ceiling <= 0:
        raise DomainError("pay.nothing_due", name=name, basis=basis)
    if entry.amount is None:
        return milestone, ceiling.quantize(Decimal("0.01"))
    if entry.amount > ceiling:
        raise DomainError("pay.over_due", text=entry.amount_text, name=name, max=_money(ceiling), basis=basis)
    return milestone, entry.amount


async def record_payment(services: Services, person: Person, args: str,
                         sources: Mapping[str, RateSource] | None = None) -> MilestoneStatus:
    """`/paid <milestone> <date> [amount]` by the client side: record a milestone's payment, audited.

    Refused unless the milestone is known, the date is neither in the future nor before the milestone could
    fall due, and the amount is sound and not above what is due on it. A milestone already recorded is
    corrected with `/paid fix …` (`correct_payment`), never overwritten here."""
    entry = _parse(services, person, args)
    milestone, amount = await _checked_amount(services, person, entry, sources)
    if milestone.paid is not None:
        shown = (milestone.paid.paid_on.isoformat() if milestone.paid.paid_on else "—",
                 _money(milestone.paid.amount) if not milestone.flagged else milestone.paid.raw_amount)
        raise DomainError("pay.already_recorded", name=milestone_label(entry.key), day=shown[0],
                          amount=shown[1], args=args.strip())
    async with services.db.uow() as uow:
        repo: ScoringRepository = uow.repo(ScoringRepository)
        await repo.record_payment(milestone=entry.key, paid_on=entry.paid_on, amount=amount, now=services.now(),
                                  actor_telegram_id=person.telegram_id, actor_name=person.name)
        await uow.audit.append(
            at=services.now(), action="pay.record", entity="payment", entity_id=entry.key,
            actor=person,
            after={"paid_on": entry.paid_on.isoformat(), "amount": str(amount)})
        await uow.commit()
    return (await _by_key(services))[entry.key]


def is_correction(args: str) -> bool:
    first = args.split(maxsplit=1)[0].lower() if args.split() else ""
    return first in _FIX_WORDS


async def correct_payment(services: Services, person: Person, args: str,
                          sources: Mapping[str, RateSource] | None = None) -> tuple[MilestoneStatus, MilestoneStatus]:
    """`/paid fix <milestone> <date> [amount]`: correct a recorded payment (same checks as recording),
    audited with what it was and what it became. Returns (before, after)."""
    rest = args.split(maxsplit=1)[1] if len(args.split(maxsplit=1)) > 1 else ""
    if not rest.strip():
        raise DomainError("pay.fix_usage", milestones=_milestone_list(services))
    entry = _parse(services, person, rest)
    before, amount = await _checked_amount(services, person, entry, sources)
    if before.paid is None:
        raise DomainError("pay.nothing_to_fix", name=milestone_label(entry.key),
                          args=rest.strip())
    old = {"paid_on": before.paid.paid_on.isoformat() if before.paid.paid_on else None,
           "amount": before.paid.raw_amount or str(before.paid.amount)}
    async with services.db.uow() as uow:
        repo: ScoringRepository = uow.repo(ScoringRepository)
        await repo.record_payment(milestone=entry.key, paid_on=entry.paid_on, amount=amount, now=services.now(),
                                  actor_telegram_id=person.telegram_id, actor_name=person.name)
        await uow.audit.append(
            at=services.now(), action="pay.correct", entity="payment", entity_id=entry.key,
            actor=person, before=old,
            after={"paid_on": entry.paid_on.isoformat(), "amount": str(amount)})
        await uow.commit()
    return before, (await _by_key(services))[entry.key]


async def _by_key(services: Services) -> dict[str, MilestoneStatus]:
    return {m.key: m for m in await payment_schedule(services)}


def _milestone_list(services: Services) -> Joined:
    return Joined(tuple(milestone_label(m.key) for m in services.settings.assessment.milestones),
                  Text("role.separator"))


@dataclass(frozen=True)
class PaymentsOverview:
    """/payments: the schedule and, when the score can be computed, the projection (total score, tier label,
    ratio, projected final amount); rendered by bot/handlers/render/payments.py."""

    schedule: list[MilestoneStatus]
    projection: tuple[Decimal, str, Decimal, Decimal] | None


async def payments_overview(services: Services, person: Person,
                            sources: Mapping[str, RateSource] | None = None) -> PaymentsOverview:
    """/payments: each milestone with its due date and status, and the projected final payment at the
    contract-to-date score (left out, with a note, while a component cannot be computed)."""
    from bot.services.scoring import compute_assessment, resolve_period

    schedule = await payment_schedule(services)
    projection = None
    try:
        a = await compute_assessment(services, resolve_period(services, ""), sources)
        projection = (a.total, a.tier.label, a.payment_ratio, a.projected_payment)
    except DomainError:  # a component not available yet, or no service days so far
        projection = None
    return PaymentsOverview(schedule, projection)
