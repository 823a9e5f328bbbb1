"""What the web page shows (issue 19), gathered from the same service functions the chat uses.

No SQL here and no HTML: each function returns plain data that `bot/web` renders. Figures come from
`scoring.compute_assessment` (as /score), `attendance.attendance_report` (as /attendance),
`payments.payment_schedule` (as /payments), `urgent.list_requests` / `responsiveness_rate` (as /urgents and the
report), `oncall` (as /oncall and /dutyplan).
"""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.catalog import Localized
from bot.services import attendance, oncall, payments, scoring, tickets, urgent
from bot.services.container import Services
from bot.services.domain.oncall import Shift
from bot.services.domain.people import Person
from bot.services.domain.tickets import HistoryEntry, Ticket
from bot.services.errors import DomainError
from bot.services.scoring import Assessment, NextTierAdvice, Period
from bot.services.tracking import tracking_start
from storage.oncall import OnCallRepository
from storage.tickets import TicketRepository


# -- assessment ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthPoint:
    month: str  # 2022-10
    total: Decimal


@dataclass(frozen=True)
class AssessmentView:
    assessment: Assessment
    advice: NextTierAdvice | None
    trend: list[MonthPoint]


def months_of(first: date, last: date) -> list[Period]:
    """Each calendar month touching [first, last], clipped to it."""
    periods = []
    day = first.replace(day=1)
    while day <= last:
        start, end = scoring.month_bounds(day)
        periods.append(Period(max(start, first), min(end, last), "month"))
        day = end + timedelta(days=1)
    return periods


async def assessment_view(services: Services, period_text: str = "") -> AssessmentView:
    """The assessment as /score computes it for the same period, its months' trend and the next-tier advice."""
    period = scoring.resolve_period(services, period_text)
    tracked = await tracking_start(services)
    if tracked > period.end:
        raise DomainError("score.not_tracked", start=period.start.isoformat(), end=period.end.isoformat(),
                          tracked=tracked.isoformat())
    a = await scoring.compute_assessment(services, period)
    contract = services.settings.contract
    last = min(contract.end, services.today())
    trend = [MonthPoint(p.month, (await scoring.compute_assessment(services, p)).total)
             for p in months_of(max(contract.start, tracked), last)]
    return AssessmentView(a, scoring.next_tier_advice(a), trend)


# -- attendance ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DayCell:
    day: date
    in_month: bool
    marks: tuple[str, ...]  # present, late, leave, leave_am, leave_pm, makeup, holiday_duty, absent, holiday, extra
    workday: bool


@dataclass
class EngineerMonth:
    person: Person
    rate: Decimal | None
    weeks: list[list[DayCell]] = field(default_factory=list)
    counts: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class AttendanceView:
    month: date
    engineers: list[EngineerMonth]
    calendar: list[list[DayCell]]  # the working calendar: holidays and substituted working days
    holidays: list[Localized]
    rate: Decimal | None


def parse_month(services: Services, text: str | None) -> date:
    """`2022-10` → the first of that month; empty → this month. BadMonth for anything else."""
    raw = (text or "").strip()
    if not raw:
        return services.today().replace(day=1)
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise DomainError("web.bad_month", text=raw, example=f"{services.today():%Y-%m}") from exc


def _calendar_marks(services: Services, day: date) -> tuple[str, ...]:
    cal = services.calendar
    if cal.is_holiday(day):
        return ("holiday",)
    if cal.is_extra_workday(day):
        return ("extra",)
    return ()


def _weeks(month: date) -> list[list[date]]:
    return pycal.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)


async def attendance_view(services: Services, viewer: Person, month: date, *, sees_everyone: bool) -> AttendanceView:
    """The month per engineer as /attendance counts it (engineers see only their own)."""
    first, last = scoring.month_bounds(month)
    report = await attendance.attendance_report(services, first, last,
                                                person_id=None if sees_everyone else viewer.id)
    engineers = []
    for stats in report.engineers:
        half = stats.half_leave
        marks: dict[date, list[str]] = {}

        def add(days: list[date], mark: str, marks: dict[date, list[str]] = marks) -> None:
            for d in days:
                marks.setdefault(d, []).append(mark)

        add(stats.present, "present")
        add(stats.late, "late")
        for d in stats.leave:
            marks.setdefault(d, []).append(f"leave_{half[d]}" if d in half else "leave")
        add(stats.made_up, "makeup")
        add(stats.holiday_duty, "holiday_duty")
        add(stats.absent, "absent")
        em = EngineerMonth(stats.person, stats.rate)
        em.counts = {"present": stats.days(stats.present), "late": Decimal(len(stats.late)),
                     "leave": stats.days(stats.leave), "makeup": Decimal(len(stats.made_up)),
                     "holiday_duty": Decimal(len(stats.holiday_duty)), "absent": stats.days(stats.absent)}
        em.weeks = [[DayCell(d, d.month == month.month, tuple(marks.get(d, [])) + _calendar_marks(services, d),
                             services.calendar.is_workday(d)) for d in week] for week in _weeks(month)]
        engineers.append(em)
    grid = [[DayCell(d, d.month == month.month, _calendar_marks(services, d), services.calendar.is_workday(d))
             for d in week] for week in _weeks(month)]
    holidays = [oncall.holiday_title(p) for p in services.calendar.holiday_periods(first, last)]
    return AttendanceView(month, engineers, grid, holidays, report.rate)


# -- tickets ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TicketFilter:
    status: str = ""
    kind: str = ""
    system: str = ""
    period: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class TicketsView:
    tickets: list[Ticket]
    systems: list[str]
    people: dict[int, Person]
    satisfaction: scoring.ComponentScore | None
    period: tuple[date, date] | None


async def tickets_view(services: Services, chosen: TicketFilter) -> TicketsView:
    """Every ticket matching the filter (status, kind, system, period created, overdue now), newest first."""
    period = None
    lo = hi = None
    if chosen.period.strip():
        p = scoring.resolve_period(services, chosen.period)
        period = (p.start, p.end)
        lo, hi = urgent.day_bounds(services, p.start, p.end)
    async with services.db.uow(read_only=True) as uow:
        everything = await uow.repo(TicketRepository).list(limit=tickets.LIST_ALL)
        people = await tickets.people_by_id(uow)
    now = services.now()
    systems = sorted({tk.system for tk in everything if tk.system})
    chosen_ones = [tk for tk in everything
                   if (not chosen.status or tk.status == chosen.status)
                   and (not chosen.kind or tk.kind == chosen.kind)
                   and (not chosen.system or tk.system == chosen.system)
                   and (lo is None or lo <= tk.created_at)
                   and (hi is None or tk.created_at < hi)
                   and (not chosen.overdue or tk.is_overdue(now))]
    chosen_ones.sort(key=lambda tk: tk.id, reverse=True)
    contract = services.settings.contract
    start, end = period or (contract.start, min(contract.end, services.today()))
    rate = await tickets.satisfaction_rate(services, start, end)
    weight = services.settings.assessment.weights.get("satisfaction", 0)
    satisfaction = scoring.ComponentScore("satisfaction", Decimal(weight), rate)
    return TicketsView(chosen_ones, systems, people, satisfaction, period)


async def ticket_history(services: Services, ticket_id: int) -> tuple[Ticket, list[HistoryEntry], dict[int, Person]]:
    found = await tickets.details(services, ticket_id)
    return found.ticket, found.history, found.people


# -- urgent requests ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthTimes:
    month: str
    count: int
    ack_p50: float | None
    ack_p90: float | None
    arrive_p50: float | None
    arrive_p90: float | None


@dataclass(frozen=True)
class UrgentView:
    requests: list[urgent.Listed]
    months: list[MonthTimes]


async def urgent_view(services: Services) -> UrgentView:
    """Every request of the contract (as /urgents lists a period) and p50/p90 per month (as the report)."""
    contract = services.settings.contract
    last = min(contract.end, services.today())
    listed = await urgent.list_requests(services, (contract.start, last))
    months = []
    for p in months_of(contract.start, last):
        rate = await urgent.responsiveness_rate(services, p.start, p.end)
        d = rate.details
        count = int(d.get("count", 0) or 0)
        if not count:
            continue
        months.append(MonthTimes(p.month, count, d.get("ack_median_min"), d.get("ack_p90_min"),
                                 d.get("arrive_median_min"), d.get("arrive_p90_min")))
    listed.sort(key=lambda item: item.request.id, reverse=True)
    return UrgentView(listed, months)


# -- duty ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DutyCell:
    day: date
    in_month: bool
    workday: bool
    holiday: Localized | None
    names: list[str]
    plan: bool  # a holiday duty plan's day


@dataclass(frozen=True)
class DutyView:
    month: date
    weeks: list[list[DutyCell]]
    plans: list[oncall.DutyPlan]
    people: dict[int, Person]


async def shifts_and_plans(services: Services, first: date, last: date
                           ) -> tuple[list[Shift], list[oncall.DutyPlan], dict[int, Person]]:
    async with services.db.uow(read_only=True) as uow:
        shifts = await uow.repo(OnCallRepository).shifts_between(first, last)
        plans = await uow.repo(OnCallRepository).plans()
        people = await tickets.people_by_id(uow)
    return shifts, plans, people


async def duty_view(services: Services, month: date) -> DutyView:
    """The on-call rota and the holiday duty plans of a month, as a calendar."""
    weeks = _weeks(month)
    first, last = weeks[0][0], weeks[-1][-1]
    shifts, plans, people = await shifts_and_plans(services, first, last)
    names: dict[date, list[str]] = {}
    for shift in shifts:
        name = people[shift.person_id].name if shift.person_id in people else "?"
        if shift.starts_at is not None and shift.ends_at is not None:
            name += f" {services.fmt(shift.starts_at, with_date=False)}–{services.fmt(shift.ends_at, with_date=False)}"
        names.setdefault(shift.day, []).append(name)
    plan_days = {d for plan in plans for d in plan.days}
    holiday_of = {period.first + timedelta(days=i): oncall.holiday_title(period)
                  for period in services.calendar.holiday_periods(first, last) for i in range(period.days)}
    grid = [[DutyCell(d, d.month == month.month, services.calendar.is_workday(d), holiday_of.get(d),
                      names.get(d, []), d in plan_days) for d in week] for week in weeks]
    return DutyView(month, grid, [p for p in plans if p.last_day >= first and p.first_day <= last], people)


@dataclass(frozen=True)
class DutyEvent:
    uid: str
    day: date
    start: datetime | None  # None: an all-day event on `day`
    end: datetime | None
    person: Person | None
    holiday: bool


async def duty_events(services: Services, person_telegram_id: int | None) -> list[DutyEvent]:
    """Every duty (rota shift) of the contract, of one person or of the whole team, for a calendar feed."""
    contract = services.settings.contract
    shifts, _plans, people = await shifts_and_plans(services, contract.start, contract.end)
    events = []
    for shift in shifts:
        person = people.get(shift.person_id)
        if person_telegram_id is not None and (person is None or person.telegram_id != person_telegram_id):
            continue
        holiday = shift.plan_id is not None or services.calendar.is_holiday(shift.day)  # statutory, not weekends
        events.append(DutyEvent(f"shift-{shift.day.isoformat()}-{shift.person_id}-{contract.id}", shift.day,
                                shift.starts_at, shift.ends_at, person, holiday))
    return events


# -- payments -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentsView:
    schedule: list[payments.MilestoneStatus]
    assessment: Assessment
    today: date


async def payments_view(services: Services) -> PaymentsView:
    """The milestones (due dates in working days) as /payments, and the projection from the contract's score."""
    schedule = await payments.payment_schedule(services)
    a = await scoring.compute_assessment(services, scoring.resolve_period(services, ""))
    return PaymentsView(schedule, a, services.today())
