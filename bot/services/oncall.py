"""Who is on duty: working hours, the on-call rota, holiday duty plans, swaps and coverage gaps.

A duty day D covers the hours outside working time from D at `working_hours.start` until D+1 at the same
time: the night belongs to the evening before, and a holiday's duty day runs from its morning to the next.
On duty at a moment: in working hours on working days, every engineer (engineer or lead) on the roster
who is not on approved leave; at other times whoever the rota names for that duty day (not on leave *that
duty day*: at 02:00 the duty day, and so the leave that counts, is the day before); if nobody, the lead (and
the coverage check warns of that gap a day ahead).

Holiday duty plans are balanced on the holiday duty days actually assigned: approved plans as swaps have
changed them (the rota), proposals still waiting for approval, and holiday days set by hand.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.catalog import Joined, Localized, Text
from bot.services.calendar import HolidayPeriod
from bot.services.callback_data import Action
from bot.services.container import Services
from bot.services.domain.oncall import DutyPlan, Swap, balance_plan, could_cover, engineers_on, leads_of
from bot.services.domain.people import Person, Role
from bot.services.errors import BadInput, DomainError, NotAllowed, UnknownPerson
from bot.services.notify import ButtonSpec
from bot.services.timeparse import PERIOD_EXAMPLES, parse_period, parse_span
from storage.oncall import OnCallRepository
from storage.uow import UnitOfWork

MAX_ROTA_DAYS = 92
SPAN_EXAMPLES = [*PERIOD_EXAMPLES[:5], "今晚", "今天18:00至明天09:00", "18:00至次日9:00"]  # all parse (tested)
_NAME_SPLIT = re.compile(r"[\s,，、;；]+")


def repo(uow: UnitOfWork) -> OnCallRepository:
    return uow.repo(OnCallRepository)


# -- time ---------------------------------------------------------------------------------------------------
def local_at(services: Services, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=services.tz)


def duty_day_of(services: Services, moment: datetime) -> date:
    """The duty day a moment belongs to (before the working day starts: the evening before)."""
    local = services.local(moment)
    if local.time() < services.settings.working_hours.start:
        return local.date() - timedelta(days=1)
    return local.date()


def in_working_hours(services: Services, moment: datetime) -> bool:
    local = services.local(moment)
    hours = services.settings.working_hours
    return services.calendar.is_workday(local.date()) and hours.start <= local.time() < hours.end


# -- people -------------------------------------------------------------------------------------------------


async def is_on_leave(uow: UnitOfWork, person_id: int, day: date) -> bool:
    """Approved leave, as the attendance feature records it (`bot.services.attendance.on_leave`).

    Until that function exists nobody is treated as on leave.
    """
    try:
        from bot.services import attendance
    except ImportError:  # pragma: no cover - the attendance feature is part of the product
        return False
    check = getattr(attendance, "on_leave", None)
    if check is None:
        return False
    result = check(uow, person_id, day)
    if inspect.isawaitable(result):
        result = await result
    return bool(result)


@dataclass(frozen=True)
class DutyNow:
    people: list[Person]
    source: str  # hours | rota | lead (nobody scheduled: the lead as a fallback)


async def duty_at(services: Services, uow: UnitOfWork, moment: datetime) -> DutyNow:
    """Who is on duty at `moment` and why (see the module docstring)."""
    people = await uow.people.all(include_left=False)
    by_id = {p.id: p for p in people}
    local_day = services.local(moment).date()
    if in_working_hours(services, moment):
        available = [p for p in engineers_on(people, local_day) if not await is_on_leave(uow, p.id, local_day)]
        if available:
            return DutyNow(available, "hours")
    day = duty_day_of(services, moment)
    rota = []
    for shift in await repo(uow).shifts_between(day, day):
        person = by_id.get(shift.person_id)
        if person is not None and shift.covers(moment) and not await is_on_leave(uow, person.id, day):
            rota.append(person)
    if rota:
        return DutyNow(rota, "rota")
    return DutyNow(leads_of(people), "lead")


async def on_duty_at(services: Services, uow: UnitOfWork, moment: datetime) -> list[Person]:
    """The people to call for an urgent request at `moment` (never empty if the roster has a lead)."""
    return (await duty_at(services, uow, moment)).people


# -- the rota -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RotaDay:
    day: date
    workday: bool
    holiday: Localized | None  # the holiday's name in each language
    names: list[str]


@dataclass(frozen=True)
class RotaView:
    now: DutyNow
    days: list[RotaDay]


async def rota_view(services: Services, days: int = 7) -> RotaView:
    """Who is on duty now, and the rota of `days` days from today (today included: 7 days, 7 lines)."""
    today = services.today()
    last = today + timedelta(days=days - 1)
    async with services.db.uow() as uow:
        now = await duty_at(services, uow, services.now())
        names = {p.id: p.name for p in await uow.people.all()}
        shifts = await repo(uow).shifts_between(today, last)
    by_day: dict[date, list[str]] = {}
    for shift in shifts:
        name = names.get(shift.person_id, "?")
        if shift.starts_at is not None and shift.ends_at is not None:  # "周小舟 18:00–09:00"
            name += f" {services.fmt(shift.starts_at, with_date=False)}–{services.fmt(shift.ends_at, with_date=False)}"
        by_day.setdefault(shift.day, []).append(name)
    holiday_of = {period.first + timedelta(days=i): holiday_title(period)
                  for period in services.calendar.holiday_periods(today, last) for i in range(period.days)}
    rows = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        rows.append(RotaDay(day, services.calendar.is_workday(day), holiday_of.get(day), by_day.get(day, [])))
    return RotaView(now, rows)


def split_names(text: str, roster: list[Person]) -> tuple[str, list[Person]]:
    """Split "<phrase> <name> <name>" into the phrase and the trailing roster names."""
    by_name = {p.name: p for p in roster}
    tokens = [t for t in _NAME_SPLIT.split(text.strip()) if t]
    people: list[Person] = []
    while tokens and tokens[-1] in by_name:
        people.insert(0, by_name[tokens.pop()])
    return " ".join(tokens), people


@dataclass(frozen=True)
class RotaSet:
    first: date  # duty days changed
    last: date
    people: list[Person]
    start: datetime | None = None  # a span with times ("今晚", "今天18:00至明天09:00"); None: whole duty days
    end: datetime | None = None


def span_windows(services: Services, start: datetime, end: datetime) -> list[tuple[date, datetime, datetime]]:
    """Cut [start, end) at each morning's working_hours.start: (duty day, window start, window end)."""
    pieces = []
    day = duty_day_of(services, start)
    while True:
        day_begins = local_at(services, day, services.settings.working_hours.start)
        day_ends = local_at(services, day + timedelta(days=1), services.settings.working_hours.start)
        piece = (max(start, day_begins), min(end, day_ends))
        if piece[0] < piece[1]:
            pieces.append((day, *piece))
        if day_ends >= end:
            return pieces
        day += timedelta(days=1)


async def set_rota(services: Services, actor: Person, text: str) -> tuple[date, date, list[Person]]:
    """`/oncall set <period> <names>`: the named engineers are on duty every day of the period."""
    done = await set_duty(services, actor, text)
    return done.first, done.last, done.people


async def set_duty(services: Services, actor: Person, text: str) -> RotaSet:
    """`/oncall set <period or span> <names>`: the named engineers are on duty every day of the period, or for
    a span with times ("今晚" = tonight's off-hours until the next working morning, "今天18:00至明天09:00")."""
    if not actor.has(Role.LEAD, Role.SUPERVISOR):
        raise NotAllowed("access.denied", command="oncall set")
    async with services.db.uow() as uow:
        roster = await uow.people.all(include_left=False)
        phrase, people = split_names(text, roster)
        if not phrase:
            raise BadInput("oc.set_usage")
        if not people:
            last_word = _NAME_SPLIT.split(text.strip())[-1]
            example = next((p.name for p in roster if p.is_engineer), "")
            raise UnknownPerson("error.unknown_person", name=last_word, example=example)
        not_engineers = [p.name for p in people if not p.is_engineer]
        if not_engineers:
            raise DomainError("oc.not_engineer", name="、".join(not_engineers))
        now_local = services.local_now()
        period = parse_period(phrase, now_local, calendar=services.calendar)
        span = None
        if period is None:
            hours = services.settings.working_hours
            span = parse_span(phrase, now_local, calendar=services.calendar, day_start=hours.start,
                              day_end=hours.end)
            if span is None:
                raise DomainError("error.bad_period", text=phrase, examples="、".join(SPAN_EXAMPLES))
        now = services.now()
        ids = [p.id for p in people]
        after: dict[str, object] = {"people": [p.name for p in people]}
        if span is not None:
            windows = span_windows(services, *span)
            if not windows:
                raise DomainError("error.bad_period", text=phrase, examples="、".join(SPAN_EXAMPLES))
            first, last = windows[0][0], windows[-1][0]
            for day, begins, ends in windows:
                await repo(uow).set_day(day, ids, source="manual", now=now, created_by=actor.id,
                                        window=(begins, ends))
            after.update(start=services.fmt(span[0]), end=services.fmt(span[1]))
        else:
            assert period is not None
            first, last = period
            if (last - first).days + 1 > MAX_ROTA_DAYS:
                raise DomainError("oc.period_too_long", days=MAX_ROTA_DAYS)
            day = first
            while day <= last:
                await repo(uow).set_day(day, ids, source="manual", now=now, created_by=actor.id)
                day += timedelta(days=1)
        after.update(first=first.isoformat(), last=last.isoformat())
        await uow.audit.append(at=now, action="oncall.set", entity="oncall", entity_id=f"{first}..{last}",
                               actor=actor, after=after)
        services.poke_timers(uow)
        await uow.commit()
    return RotaSet(first, last, people, *(span or (None, None)))


def holiday_title(holiday: HolidayPeriod | DutyPlan) -> Localized:
    """A holiday period's or plan's name in each language (国庆节 / National Day), for catalog parameters."""
    return Localized(holiday.name, holiday.name_en or holiday.name)


# -- holiday duty plans -------------------------------------------------------------------------------------


def _period_days(period: HolidayPeriod) -> list[date]:
    return [period.first + timedelta(days=i) for i in range(period.days)]


_YEAR_PREFIX = re.compile(r"^\s*(\d{4})\s*年?\s*")


def find_period(services: Services, text: str) -> HolidayPeriod:
    """The holiday named (optionally with a year: "2022 国庆"), or the current/next one when empty."""
    today = services.today()
    text = text.strip()
    if not text:
        periods = services.calendar.holiday_periods(today, today + timedelta(days=400))
        upcoming = [p for p in periods if p.last >= today]
        if not upcoming:
            raise DomainError("oc.no_holiday")
        return upcoming[0]
    around = today
    match = _YEAR_PREFIX.match(text)
    if match:
        around = date(int(match.group(1)), 1, 1)
        text = text[match.end():]
    period = services.calendar.find_holiday(text, around)
    if period is None:
        raise DomainError("oc.unknown_holiday", text=text)
    return period


async def holiday_duty_days(services: Services, uow: UnitOfWork, *, through: date | None = None,
                            skip: HolidayPeriod | None = None) -> Counter[int]:
    """Holiday duty days actually assigned, per person id: the rota on holiday days (approved plans as swaps
    changed them, and days set by hand with /oncall set), with a day of a proposal still waiting for approval
    counted for whom the proposal names (its approval replaces the rota of that day). `through`: only days up
    to it; `skip`: leave out one holiday period (the one being planned)."""
    last = through or date.max
    pending = {day: pid for plan in await repo(uow).plans() if plan.status == "proposed"
               for day, pid in plan.days.items() if day <= last}
    shifts = [s for s in await repo(uow).shifts_between(date.min, last) if s.day not in pending]
    holidays: set[date] = set()
    if shifts:
        for period in services.calendar.holiday_periods(shifts[0].day, shifts[-1].day):
            holidays.update(_period_days(period))
    skipped = set(_period_days(skip)) if skip else set()
    counts: Counter[int] = Counter(pid for day, pid in pending.items() if day not in skipped)
    counts.update(s.person_id for s in shifts if s.day in holidays and s.day not in skipped)
    return counts


async def _propose(services: Services, period: HolidayPeriod, actor: Person | None) -> DutyPlan:
    """Propose a balanced plan for the holiday and send it to the supervisors (joins the caller's unit of work)."""
    async with services.db.uow() as uow:
        people = await uow.people.all(include_left=False)
        engineers = engineers_on(people, period.first)
        if not engineers:
            raise DomainError("oc.no_engineers")
        days = _period_days(period)
        unavailable = {(p.id, d) for p in engineers for d in days if await is_on_leave(uow, p.id, d)}
        prior = await holiday_duty_days(services, uow, skip=period)
        plan_days = balance_plan(days, engineers, prior, unavailable)
        now = services.now()
        plan_id = await repo(uow).save_proposal(name=period.name, name_en=period.name_en, first=period.first,
                                                last=period.last, days=plan_days, now=now,
                                                proposed_by=actor.id if actor else None)
        names = {p.id: p.name for p in people}
        await uow.audit.append(at=now, action="oncall.plan_proposed", entity="duty_plan", entity_id=plan_id,
                               actor=actor,
                               after={d.isoformat(): names.get(pid) for d, pid in plan_days.items()})
        plan = await repo(uow).plan(plan_id)
        assert plan is not None
        await services.notifier.to_roles(uow, [Role.SUPERVISOR], "oc.plan_for_approval", kind="oncall.plan",
                                         buttons=approve_buttons(plan), dedup=f"oc:plan:{plan_id}:ask",
                                         exclude=[actor.id] if actor else [], holiday=holiday_title(plan),
                                         first=plan.first_day.isoformat(), last=plan.last_day.isoformat(),
                                         lines=plan_lines(plan, names))
        await uow.commit()
    return plan


def approve_buttons(plan: DutyPlan) -> list[list[ButtonSpec]]:
    return [[("oc.btn.approve", Action("oc", "ap", plan.id))]]


def plan_lines(plan: DutyPlan, names: dict[int, str], rota: dict[date, list[int]] | None = None) -> str:
    """One line per day: the plan's person, or (an approved plan, `rota` given) whoever the rota has now,
    so an approved swap shows."""
    def who(day: date, pid: int) -> str:
        if rota is None:
            return names.get(pid, "?")
        return "、".join(names.get(p, "?") for p in rota.get(day, [])) or "—"

    return "\n".join(f"{day.isoformat()}  {who(day, pid)}" for day, pid in sorted(plan.days.items()))


@dataclass(frozen=True)
class PlanView:
    plan: DutyPlan
    lines: str
    totals: list[tuple[str, int]]  # (name, holiday duty days up to this holiday's last day), most first
    created: bool

    def totals_text(self) -> Joined | str:
        """'林海 7、周小舟 7' (rendered with the separator of the reader's language)."""
        if not self.totals:
            return "—"
        return Joined(tuple(f"{name} {days}" for name, days in self.totals), Text("role.separator"))


PLAN_MAKERS = (Role.LEAD, Role.SUPERVISOR)


async def duty_plan(services: Services, actor: Person | None, text: str = "") -> PlanView:
    """Show the holiday's duty plan; propose one (and send it to supervisors) if there is none yet."""
    return await duty_plan_for(services, actor, find_period(services, text))


async def duty_plan_for(services: Services, actor: Person | None, period: HolidayPeriod) -> PlanView:
    """The duty plan of one holiday period, proposed now if there is none (by the lead or a supervisor, or
    the bot's own timer when `actor` is None; anyone else is told there is no plan yet)."""
    async with services.db.uow() as uow:
        plan = await repo(uow).plan_by_first_day(period.first)
        created = plan is None
        if plan is None:
            if actor is not None and not actor.has(*PLAN_MAKERS):
                raise DomainError("oc.plan_none_yet", holiday=holiday_title(period), first=period.first.isoformat(),
                                  last=period.last.isoformat())
            plan = await _propose(services, period, actor)
        names = {p.id: p.name for p in await uow.people.all()}
        totals = await holiday_duty_days(services, uow, through=plan.last_day)
        rota: dict[date, list[int]] | None = None
        if plan.status == "approved":  # the rota is the truth once approved (swaps change it)
            rota = {}
            for shift in await repo(uow).shifts_between(plan.first_day, plan.last_day):
                rota.setdefault(shift.day, []).append(shift.person_id)
        await uow.commit()
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])
    return PlanView(plan, plan_lines(plan, names, rota), [(names.get(pid, "?"), count) for pid, count in ordered],
                    created)


async def propose_if_missing(services: Services, period: HolidayPeriod) -> DutyPlan | None:
    """Called by the daily timer: propose a plan for an upcoming holiday that has none."""
    async with services.db.uow() as uow:
        if await repo(uow).plan_by_first_day(period.first) is not None:
            return None
        try:
            plan = await _propose(services, period, None)
        except DomainError:
            return None
        await uow.commit()
    return plan


async def approve_plan(services: Services, supervisor: Person, plan_id: int) -> DutyPlan:
    """A supervisor approves: the plan's days become the rota (replacing earlier entries of those days)."""
    if not supervisor.has(Role.SUPERVISOR):
        raise NotAllowed("access.denied", command="dutyplan")
    async with services.db.uow() as uow:
        plan = await repo(uow).plan(plan_id)
        if plan is None:
            raise DomainError("oc.plan_not_found")
        if not await repo(uow).approve_plan(plan_id, supervisor.id, services.now()):
            raise DomainError("oc.plan_already_approved", holiday=holiday_title(plan))
        now = services.now()
        for day, person_id in plan.days.items():
            await repo(uow).set_day(day, [person_id], source="plan", now=now, created_by=supervisor.id,
                                    plan_id=plan_id)
        await uow.audit.append(at=now, action="oncall.plan_approved", entity="duty_plan", entity_id=plan_id,
                               actor=supervisor,
                               before={"status": "proposed"}, after={"status": "approved"})
        names = {p.id: p.name for p in await uow.people.all()}
        await services.notifier.to_groups(uow, "oc.plan_approved_group", kind="oncall.plan",
                                          dedup=f"oc:plan:{plan_id}:approved", holiday=holiday_title(plan),
                                          name=supervisor.name, lines=plan_lines(plan, names))
        services.poke_timers(uow)
        await uow.commit()
    approved = await _load_plan(services, plan_id)
    return approved


async def _load_plan(services: Services, plan_id: int) -> DutyPlan:
    async with services.db.uow() as uow:
        plan = await repo(uow).plan(plan_id)
    assert plan is not None
    return plan


# -- swaps --------------------------------------------------------------------------------------------------
def swap_peer_buttons(swap_id: int) -> list[list[ButtonSpec]]:
    return [[("oc.btn.agree", Action("oc", "sp", swap_id, 1)), ("oc.btn.decline", Action("oc", "sp", swap_id, 0))]]


def swap_supervisor_buttons(swap_id: int) -> list[list[ButtonSpec]]:
    return [[("oc.btn.approve", Action("oc", "ss", swap_id, 1)),
             ("oc.btn.decline", Action("oc", "ss", swap_id, 0))]]


async def request_swap(services: Services, actor: Person, text: str) -> tuple[Swap, Person]:
    """`/swap <date> <name>`: hand my duty day to another engineer (their OK, then a supervisor's)."""
    async with services.db.uow() as uow:
        roster = await uow.people.all(include_left=False)
        phrase, people = split_names(text, roster)
        if not phrase or len(people) != 1:
            raise BadInput("oc.swap_usage")
        other = people[0]
        if other.id == actor.id or not other.is_engineer:
            raise DomainError("oc.swap_bad_peer", name=other.name)
        period = parse_period(phrase, services.local_now(), calendar=services.calendar)
        if period is None or period[0] != period[1]:
            raise DomainError("error.bad_period", text=phrase, examples="、".join(PERIOD_EXAMPLES))
        day = period[0]
        if day < services.today():
            raise DomainError("oc.swap_past", day=day.isoformat())
        on_duty = {s.person_id for s in await repo(uow).shifts_between(day, day)}
        if actor.id not in on_duty:
            raise DomainError("oc.swap_not_on_duty", day=day.isoformat())
        now = services.now()
        swap_id = await repo(uow).add_swap(day, actor.id, other.id, now)
        await uow.audit.append(at=now, action="oncall.swap_requested", entity="duty_swap", entity_id=swap_id,
                               actor=actor,
                               after={"day": day.isoformat(), "to": other.name})
        await services.notifier.to_person(uow, other, "oc.swap_ask_peer", kind="oncall.swap",
                                          buttons=swap_peer_buttons(swap_id), dedup=f"oc:swap:{swap_id}:peer",
                                          name=actor.name, day=day.isoformat())
        swap = await repo(uow).swap(swap_id)
        await uow.commit()
    assert swap is not None
    return swap, other


async def answer_swap(services: Services, peer: Person, swap_id: int, agree: bool) -> Swap:
    """The other engineer agrees (then supervisors are asked) or declines."""
    async with services.db.uow() as uow:
        swap = await repo(uow).swap(swap_id)
        if swap is None:
            raise DomainError("oc.swap_not_found")
        if swap.to_person != peer.id:
            raise NotAllowed("access.denied_button")
        now = services.now()
        status = "peer_ok" if agree else "declined"
        if not await repo(uow).set_swap_status(swap_id, expected="pending", status=status, now=now, by=peer.id):
            raise DomainError("oc.swap_already_answered")
        requester = await uow.people.by_id(swap.from_person)
        await uow.audit.append(at=now, action=f"oncall.swap_{status}", entity="duty_swap", entity_id=swap_id,
                               actor=peer,
                               before={"status": "pending"}, after={"status": status})
        if requester is not None:
            await services.notifier.to_person(
                uow, requester, "oc.swap_peer_agreed" if agree else "oc.swap_peer_declined", kind="oncall.swap",
                dedup=f"oc:swap:{swap_id}:peer_answer", name=peer.name, day=swap.day.isoformat())
        if agree:
            await services.notifier.to_roles(uow, [Role.SUPERVISOR], "oc.swap_ask_supervisor", kind="oncall.swap",
                                             buttons=swap_supervisor_buttons(swap_id),
                                             dedup=f"oc:swap:{swap_id}:supervisor",
                                             exclude=(swap.from_person, swap.to_person),  # not their own
                                             name=requester.name if requester else "?", peer=peer.name,
                                             day=swap.day.isoformat())
        updated = await repo(uow).swap(swap_id)
        await uow.commit()
    assert updated is not None
    return updated


async def decide_swap(services: Services, supervisor: Person, swap_id: int, approve: bool) -> Swap:
    """A supervisor approves (the day moves to the other engineer) or declines a swap both agreed on."""
    if not supervisor.has(Role.SUPERVISOR):
        raise NotAllowed("access.denied_button")
    async with services.db.uow() as uow:
        swap = await repo(uow).swap(swap_id)
        if swap is None:
            raise DomainError("oc.swap_not_found")
        if supervisor.id in (swap.from_person, swap.to_person):  # nobody decides their own request
            raise NotAllowed("access.own_request")
        now = services.now()
        status = "approved" if approve else "declined"
        if not await repo(uow).set_swap_status(swap_id, expected="peer_ok", status=status, now=now,
                                               by=supervisor.id):
            raise DomainError("oc.swap_already_answered")
        if approve and not await repo(uow).move_shift(swap.day, swap.from_person, swap.to_person, now=now,
                                                      created_by=supervisor.id):
            raise DomainError("oc.swap_not_on_duty", day=swap.day.isoformat())
        await uow.audit.append(at=now, action=f"oncall.swap_{status}", entity="duty_swap", entity_id=swap_id,
                               actor=supervisor,
                               before={"status": "peer_ok"}, after={"status": status})
        both = [p for p in [await uow.people.by_id(swap.from_person), await uow.people.by_id(swap.to_person)] if p]
        names = {p.id: p.name for p in both}
        await services.notifier.to_people(
            uow, both, "oc.swap_approved" if approve else "oc.swap_declined", kind="oncall.swap",
            dedup=f"oc:swap:{swap_id}:decided", day=swap.day.isoformat(), supervisor=supervisor.name,
            name=names.get(swap.from_person, "?"), peer=names.get(swap.to_person, "?"))
        updated = await repo(uow).swap(swap_id)
        services.poke_timers(uow)
        await uow.commit()
    assert updated is not None
    return updated


# -- leave that touches duty (issue 20, item 6) ----------------------------------------------------------------
@dataclass(frozen=True)
class DutyTouched:
    """A duty day of someone whose leave was just approved: a swap proposed to who could cover, or a gap."""

    day: date
    swap_id: int | None
    proposed_to: Person | None
    could_cover: list[Person]


async def leave_touches_duty_in_uow(services: Services, uow: UnitOfWork, person: Person, first: date,
                                    last: date, actor: Person | None) -> list[DutyTouched]:
    """After a leave is approved (inside its unit of work): every duty day of `person` on a day the leave now
    covers whole starts the swap flow with who could cover (their OK, then a supervisor's, as /swap), or,
    when nobody could, warns the lead and the supervisors of the gap. Never leaves the rota silently wrong."""
    start = max(first, services.today())
    if start > last:
        return []
    days = sorted({s.day for s in await repo(uow).shifts_between(start, last) if s.person_id == person.id})
    if not days:
        return []
    people = await uow.people.all(include_left=False)
    prior = await holiday_duty_days(services, uow)
    touched: list[DutyTouched] = []
    now = services.now()
    for day in days:
        if not await is_on_leave(uow, person.id, day):  # half-day leave keeps the duty (outside the hours)
            continue
        busy = {s.person_id for s in await repo(uow).shifts_between(day, day)}
        available = [p for p in engineers_on(people, day) if not await is_on_leave(uow, p.id, day)]
        candidates = could_cover(available, person.id, busy, prior)
        names = Joined(tuple(p.name for p in candidates), Text("role.separator"))
        params: dict[str, Any] = {"name": person.name, "day": day.isoformat()}
        if not candidates:
            await uow.audit.append(at=now, action="oncall.leave_gap", entity="oncall", entity_id=day.isoformat(),
                                   actor=actor, after={"day": day.isoformat(), "on_leave": person.name})
            await services.notifier.to_roles(uow, [Role.LEAD, Role.SUPERVISOR], "oc.leave.gap", kind="oncall.leave",
                                             dedup=f"oc:leave_gap:{person.id}:{day.isoformat()}",
                                             exclude=[person.id], **params)
            await services.notifier.to_person(uow, person, "oc.leave.gap_own", kind="oncall.leave",
                                              dedup=f"oc:leave_gap_own:{person.id}:{day.isoformat()}", **params)
            touched.append(DutyTouched(day, None, None, []))
            continue
        peer = candidates[0]
        swap_id = await repo(uow).add_swap(day, person.id, peer.id, now)
        await uow.audit.append(at=now, action="oncall.swap_requested", entity="duty_swap", entity_id=swap_id,
                               actor=actor, after={"day": day.isoformat(), "from": person.name, "to": peer.name,
                                                   "because": "leave"})
        await services.notifier.to_person(uow, peer, "oc.leave.swap_ask_peer", kind="oncall.swap",
                                          buttons=swap_peer_buttons(swap_id), dedup=f"oc:swap:{swap_id}:peer",
                                          **params)
        await services.notifier.to_person(uow, person, "oc.leave.swap_proposed_own", kind="oncall.leave",
                                          dedup=f"oc:swap:{swap_id}:own", peer=peer.name, **params)
        await services.notifier.to_roles(uow, [Role.LEAD], "oc.leave.swap_proposed", kind="oncall.leave",
                                          dedup=f"oc:swap:{swap_id}:lead", exclude=[person.id, peer.id],
                                          peer=peer.name, names=names, **params)
        touched.append(DutyTouched(day, swap_id, peer, candidates))
    return touched


# -- coverage -----------------------------------------------------------------------------------------------
async def coverage_gaps(services: Services, uow: UnitOfWork, start: datetime,
                        end: datetime) -> list[tuple[datetime, datetime]]:
    """Stretches of [start, end) with nobody on duty: outside working hours with no rota entry (or only
    people on leave), or working hours with every engineer on leave. Checked hour by hour and at the
    working-day boundaries."""
    hours = services.settings.working_hours
    points = set()
    cursor = services.local(start).replace(minute=0, second=0, microsecond=0)
    while cursor < end:
        if cursor >= start:
            points.add(cursor)
        cursor += timedelta(hours=1)
    day = services.local(start).date()
    while local_at(services, day, time(0)) < end:
        for moment in (hours.start, hours.end):
            point = local_at(services, day, moment)
            if start <= point < end:
                points.add(point)
        day += timedelta(days=1)
    for shift in await repo(uow).shifts_between(duty_day_of(services, start), services.local(end).date()):
        for edge in (shift.starts_at, shift.ends_at):  # a span with times starts or ends between the hours
            if edge is not None and start <= edge < end:
                points.add(edge)
    ordered = sorted({start, *points})
    gaps: list[tuple[datetime, datetime]] = []
    for index, point in enumerate(ordered):
        segment_end = ordered[index + 1] if index + 1 < len(ordered) else end
        duty = await duty_at(services, uow, point)
        if duty.source != "lead":
            continue
        if gaps and gaps[-1][1] == point:
            gaps[-1] = (gaps[-1][0], segment_end)
        else:
            gaps.append((point, segment_end))
    return gaps


def describe_gaps(services: Services, gaps: list[tuple[datetime, datetime]]) -> str:
    return "\n".join(f"{services.fmt(a)} — {services.fmt(b)}" for a, b in gaps)
