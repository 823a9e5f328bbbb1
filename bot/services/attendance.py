"""Attendance of the on-site engineers (驻场工程师日常出勤率, 30 of the contract's 100 points).

Check-in and check-out (one record per engineer per day, in the contract's timezone), the shared
location checked against the site, leave and make-up (补卡) requests decided by the client's
supervisors, the per-engineer report and the rate the assessment uses:

* expected days: the contract's working days in the period (up to today) while the engineer was assigned;
* present: a check-in or an approved make-up; approved leave counts as present only with
  `attendance.leave_counts_as_present`; a late day counts `1 - late_weight` (late_weight 0: reported only);
* half-day leave (/leave 明天下午 …) is half a day on leave: the other half is present with a check-in that
  day, else absent; each half counts ½ in the report and in the rate;
* rate = Σ present / Σ expected over the engineers (roles engineer or lead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from bot.catalog import Joined, Text
from bot.services.callback_data import Action
from bot.services.container import Services
from bot.services.domain.attendance import AttendanceDay, AttendanceRequest, Presence
from bot.services.domain.people import Person, Role, is_client_side
from bot.services.domain.rates import ComponentRate, Loss
from bot.services.errors import DomainError
from bot.services.geo import within_site
from bot.services.timeparse import PERIOD_EXAMPLES, parse_half_day, parse_past_day, parse_period
from storage.attendance import AttendanceRepository
from storage.attendance_boards import AttendanceBoardRepository
from storage.uow import UnitOfWork

LEAVE, MAKEUP = "leave", "makeup"
HALF = Decimal("0.5")
MAX_REASON = 200
SEPARATOR = Text("role.separator")
CALLBACK = "att"

T = TypeVar("T")


def repo(uow: UnitOfWork) -> AttendanceRepository:
    return uow.repo(AttendanceRepository)


# ------------------------------------------------------------------------------------------------
# who
# ------------------------------------------------------------------------------------------------
def is_approver(person: Person) -> bool:
    """Supervisors and the client's project contact (the client side) decide leave and make-up requests."""
    return is_client_side(person)


def _require_assigned(person: Person, day: date) -> None:
    if not person.is_engineer or not person.assigned_on(day):
        raise DomainError("att.not_assigned", date=day.isoformat())


# ------------------------------------------------------------------------------------------------
# rendering helpers (catalog texts in the reader's language)
# ------------------------------------------------------------------------------------------------
def distance_text(meters: float) -> Text:
    if meters < 1000:
        return Text("att.meters", n=round(meters))
    return Text("att.km", n=f"{meters / 1000:.1f}")


def describe_location(services: Services, record: AttendanceDay) -> Text | None:
    """'距现场 120 米，在范围内' or the flagged version; None when no location was shared."""
    if record.distance_m is None:
        return None
    key = "att.location_outside" if record.outside_site else "att.location_inside"
    return Text(key, distance=distance_text(record.distance_m), site=services.settings.site.name,
                radius=distance_text(services.settings.site.radius_m))


def duration_text(minutes: int) -> Text:
    """'25 分钟', '8 小时 27 分钟'."""
    if minutes < 60:
        return Text("att.minutes", m=minutes)
    return Text("att.hours_minutes", h=minutes // 60, m=minutes % 60)


def describe_record(services: Services, record: AttendanceDay) -> Joined:
    """'签到 09:03（迟到 3 分钟），签退 —' plus holiday duty / outside the site; '签到 补卡' when the day has
    only a check-out (an approved make-up stands for the check-in)."""
    checkin: list[Any] = [services.fmt(record.checkin_at, with_date=False) if record.checkin_at
                          else Text("att.checkin_made_up")]
    if record.late_minutes:
        checkin.append(Text("att.flags", flags=Text("att.flag_late", duration=duration_text(record.late_minutes))))
    checkout: list[Any] = [services.fmt(record.checkout_at, with_date=False) if record.checkout_at else "—"]
    if record.checkout_at and record.early_minutes:
        checkout.append(Text("att.flags", flags=Text("att.flag_early",
                                                     duration=duration_text(record.early_minutes))))
    flags = [Text(key) for key, on in (("att.flag_holiday", record.holiday_duty),
                                       ("att.flag_outside", record.outside_site)) if on]
    parts: list[Any] = [Text("att.record_line", checkin=Joined(tuple(checkin)), checkout=Joined(tuple(checkout)))]
    if flags:
        parts.append(Text("att.flags", flags=Joined(tuple(flags), SEPARATOR)))
    return Joined(tuple(parts))


def describe_day(services: Services, record: AttendanceDay | None) -> Text | Joined:
    """Today's picture: checked in at, checked out at, late/early, location."""
    if record is None or (record.checkin_at is None and record.checkout_at is None):
        return Text("att.day_none")
    text = Text("att.day_line", record=describe_record(services, record))
    location = describe_location(services, record)
    return Joined((text, location), "\n") if location else text


def _local_at(services: Services, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=services.tz)


def _minutes_between(earlier: datetime, later: datetime) -> int:
    """Whole minutes from `earlier` to `later` (0 when less than a minute or negative)."""
    return max(0, int((later - earlier).total_seconds() // 60))


# ------------------------------------------------------------------------------------------------
# check-in, check-out, location
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckInResult:
    record: AttendanceDay
    created: bool                    # False: an earlier check-in of the day stands, nothing changed
    holiday_name: str | Text | None = None  # the day is not a working day (holiday duty)


@dataclass(frozen=True)
class CheckOutResult:
    record: AttendanceDay
    previous_checkout: datetime | None  # a second check-out replaces the first (the latest counts)
    makeup_id: int | None = None        # no check-in: the day counts through this approved make-up


@dataclass(frozen=True)
class LocationResult:
    record: AttendanceDay
    checked_in_now: bool  # the location itself was the check-in (none before today)
    holiday_name: str | Text | None = None


def _holiday_label(services: Services, day: date, lang: str) -> str | Text | None:
    """None on a working day; else the holiday's name (or 'a day off' for a plain weekend)."""
    if services.calendar.is_workday(day):
        return None
    return services.calendar.holiday_name(day, lang) or Text("att.weekend")


def _require_in_service(services: Services, day: date) -> None:
    """Attendance is only recorded within the contract's service period (never as holiday duty after it)."""
    contract = services.settings.contract
    if not contract.in_service(day):
        raise DomainError("att.outside_contract", day=day.isoformat(), start=contract.start.isoformat(),
                          end=contract.end.isoformat())


async def _check_in(services: Services, uow: UnitOfWork, person: Person, chat_id: int | None
                    ) -> tuple[AttendanceDay, bool]:
    now = services.acted_at()
    local = services.local(now)
    day = local.date()
    _require_in_service(services, day)
    _require_assigned(person, day)
    existing = await repo(uow).day_of(person.id, day)
    if existing is not None and existing.checkin_at is not None:
        return existing, False
    workday = services.calendar.is_workday(day)
    late = _minutes_between(_local_at(services, day, services.settings.working_hours.start), local) \
        if workday else 0
    if existing is not None:  # a day with only a check-out (made up): the check-in joins that record
        await repo(uow).fill_check_in(existing.id, at=now, chat_id=chat_id, late_minutes=late,
                                      holiday_duty=not workday)
    else:
        await repo(uow).check_in(person_id=person.id, day=day, at=now, chat_id=chat_id, late_minutes=late,
                                 holiday_duty=not workday)
    record = await repo(uow).day_of(person.id, day)
    assert record is not None
    await uow.audit.append(at=now, action="attendance.checkin", entity="attendance_day", entity_id=record.id,
                           actor=person,
                           after={**record.snapshot(), "chat_id": chat_id})
    return record, True


async def check_in(services: Services, person: Person, *, chat_id: int | None = None) -> CheckInResult:
    """Record today's check-in (late against working hours; holiday duty on a day off); idempotent."""
    async with services.db.uow() as uow:
        record, created = await _check_in(services, uow, person, chat_id)
        await uow.commit()
    return CheckInResult(record, created, _holiday_label(services, record.day, person.language))


async def check_out(services: Services, person: Person) -> CheckOutResult:
    """Record today's check-out (early against working hours); a later check-out replaces an earlier one.

    Without a check-in, an approved make-up (补卡) of today stands for it: the check-out is recorded and the
    day counts as present through the make-up. Otherwise the engineer is told what to do (a pending make-up
    is named).
    """
    now = services.acted_at()
    local = services.local(now)
    day = local.date()
    _require_in_service(services, day)
    async with services.db.uow() as uow:
        record = await repo(uow).day_of(person.id, day)
        makeup_id: int | None = None
        if record is None or record.checkin_at is None:
            makeups = await repo(uow).requests_overlapping(day, day, kind=MAKEUP, person_id=person.id)
            approved = [r for r in makeups if r.status == "approved"]
            if not approved:
                if makeups:
                    raise DomainError("att.checkout_makeup_pending", id=makeups[0].id)
                raise DomainError("att.checkout_without_checkin")
            makeup_id = approved[0].id
            _require_assigned(person, day)
            if record is None:
                await repo(uow).add_day(person_id=person.id, day=day, now=now,
                                        holiday_duty=not services.calendar.is_workday(day))
                record = await repo(uow).day_of(person.id, day)
                assert record is not None
        early = 0
        if services.calendar.is_workday(day):
            early = _minutes_between(local, _local_at(services, day, services.settings.working_hours.end))
        await repo(uow).check_out(record.id, at=now, early_minutes=early)
        updated = await repo(uow).day_of(person.id, day)
        assert updated is not None
        await uow.audit.append(at=now, action="attendance.checkout", entity="attendance_day", entity_id=record.id,
                               actor=person,
                               before=record.snapshot(),
                               after={**updated.snapshot(), **({"makeup_id": makeup_id} if makeup_id else {})})
        await uow.commit()
    return CheckOutResult(updated, record.checkout_at, makeup_id)


async def share_location(services: Services, person: Person, latitude: float, longitude: float, *,
                         chat_id: int | None = None) -> LocationResult | None:
    """A shared location: proof for the check-in of the last `location_window`, or, on a working day before
    the end of working hours with no check-in yet, the check-in itself.

    The distance to the site is recorded; outside the radius is flagged, never refused. Any other location
    (the evening, a holiday, long after the check-in) is not about attendance: None, and nothing changes
    (an urgent call-out's arrival, for instance, is handled by that feature).
    """
    now = services.acted_at()
    local = services.local(now)
    window = services.settings.attendance.location_window
    inside, distance = within_site(services.settings, latitude, longitude)
    async with services.db.uow() as uow:
        existing = await repo(uow).day_of(person.id, local.date())
        if existing is not None and existing.checkin_at is not None:
            if now - existing.checkin_at > window:
                return None
            record, created = existing, False
        else:
            if not (person.is_engineer and person.assigned_on(local.date())
                    and services.calendar.is_workday(local.date())
                    and local.time() < services.settings.working_hours.end):
                return None
            record, created = await _check_in(services, uow, person, chat_id)
        await repo(uow).set_location(record.id, at=now, latitude=latitude, longitude=longitude,
                                     distance_m=round(distance, 1), outside_site=not inside)
        updated = await repo(uow).day_of(person.id, record.day)
        assert updated is not None
        await uow.audit.append(at=now, action="attendance.location", entity="attendance_day", entity_id=record.id,
                               actor=person,
                               before=None if created else record.snapshot(),
                               after={**updated.snapshot(), "latitude": latitude, "longitude": longitude})
        await uow.commit()
    return LocationResult(updated, created, _holiday_label(services, updated.day, person.language))


async def privacy_notice_due(services: Services, chat_id: int) -> bool:
    """A command in a bound group while the bot's privacy mode hides plain 签到: True the first time only,
    and the admins are told how to switch it off."""
    async with services.db.uow() as uow:
        if not await uow.chats.mark_privacy_warned(chat_id):
            return False
        await services.notifier.to_roles(uow, [Role.ADMIN], "group.privacy_hint", kind="attendance.privacy_hint",
                                         dedup=f"att.privacy:{chat_id}")
        await uow.commit()
    return True


async def on_leave(uow: UnitOfWork, person_id: int, day: date) -> bool:
    """Approved leave covers the whole of `day` for this person (on-call planning asks this); half-day leave
    does not take anybody off the rota."""
    return any(r.half is None for r in await repo(uow).requests_overlapping(
        day, day, kind=LEAVE, person_id=person_id, statuses=("approved",)))


def half_label(half: str | None) -> Text | str:
    """上午 / 下午 (morning / afternoon) for a half-day request; empty for whole days."""
    return Text(f"att.half_{half}") if half else ""


def request_period(request: AttendanceRequest) -> Joined | str:
    """'2022-10-11', '2022-10-11 下午' or '2022-10-11 ~ 2022-10-13', as requests are named in messages."""
    if request.half:
        return Joined((request.first_day.isoformat(), half_label(request.half)), " ")
    if request.first_day == request.last_day:
        return request.first_day.isoformat()
    return f"{request.first_day.isoformat()} ~ {request.last_day.isoformat()}"


async def today_picture(services: Services, person: Person) -> AttendanceDay | None:
    async with services.db.uow() as uow:
        return await repo(uow).day_of(person.id, services.today())


# ------------------------------------------------------------------------------------------------
# reading phrases: "<period> <reason>", "<date> <reason>"
# ------------------------------------------------------------------------------------------------
def split_leading_phrase(text: str, parse: Callable[[str], T | None]) -> tuple[T, str] | None:
    """The longest leading run of words that `parse` understands, and the rest (the reason).

    "10月12日 至 10月13日 家里有事" → period, "家里有事". When no run of whole words parses, the
    first word's longest leading part is tried, for people who type no space ("明天看病").
    """
    words = text.split()
    for n in range(len(words), 0, -1):
        value = parse(" ".join(words[:n]))
        if value is not None:
            return value, " ".join(words[n:])
    if words:
        first = words[0]
        for n in range(len(first) - 1, 1, -1):
            value = parse(first[:n])
            if value is not None:
                return value, " ".join([first[n:], *words[1:]]).strip()
    return None


def _bad_period(text: str) -> DomainError:
    return DomainError("error.bad_period", text=text, examples="、".join(PERIOD_EXAMPLES))


# ------------------------------------------------------------------------------------------------
# leave and make-up requests
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestResult:
    request: AttendanceRequest
    workdays: Decimal  # 0.5 for half a day
    approvers: int  # how many were asked


@dataclass(frozen=True)
class Decision:
    request: AttendanceRequest
    requester: Person
    approved: bool


def _check_reason(reason: str, usage_key: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(usage_key)
    return reason[:MAX_REASON]


def _assigned_workdays(services: Services, person: Person, first: date, last: date) -> list[date]:
    return [d for d in services.calendar.workdays_between(first, last) if person.assigned_on(d)]


async def _ask_approvers(services: Services, uow: UnitOfWork, requester: Person, request: AttendanceRequest,
                         key: str, **params: Any) -> int:
    approvers = [p for p in await uow.people.all(include_left=False) if is_approver(p) and p.id != requester.id]
    buttons = [[("att.btn_approve", Action(CALLBACK, "ok", request.id)),
                ("att.btn_reject", Action(CALLBACK, "no", request.id))]]
    return await services.notifier.to_people(uow, approvers, key, kind=f"attendance.{request.kind}_request",
                                             buttons=buttons, dedup=f"att.req:{request.id}", id=request.id,
                                             name=requester.name, reason=request.reason, **params)


async def request_leave(services: Services, person: Person, text: str) -> RequestResult:
    """/leave <period> <reason>: store a pending request and ask the supervisors."""
    if not text.strip():
        raise DomainError("att.leave_usage")
    now_local = services.local_now()

    def leave_phrase(phrase: str) -> tuple[date, date, str | None] | None:
        """Half a day ("明天下午", "10月10日上午") or whole days ("明天", "10月12日至10月13日")."""
        half_day = parse_half_day(phrase, now_local, calendar=services.calendar)
        if half_day is not None:
            return half_day[0], half_day[0], half_day[1]
        period = parse_period(phrase, now_local, calendar=services.calendar)
        return None if period is None else (period[0], period[1], None)

    found = split_leading_phrase(text, leave_phrase)
    if found is None:
        raise _bad_period(text.split()[0])
    (first, last, half), reason = found
    reason = _check_reason(reason, "att.leave_usage")
    workdays = _assigned_workdays(services, person, first, last)
    if not workdays:
        raise DomainError("att.leave_no_workdays", first=first.isoformat(), last=last.isoformat())
    days = Decimal("0.5") if half else Decimal(len(workdays))
    async with services.db.uow() as uow:
        overlapping = [r for r in await repo(uow).requests_overlapping(first, last, kind=LEAVE, person_id=person.id)
                       if not (half and r.half and r.half != half)]  # the other half of the same day is fine
        if overlapping:
            other = overlapping[0]
            raise DomainError("att.leave_overlap", id=other.id, first=other.first_day.isoformat(),
                              last=other.last_day.isoformat())
        request, asked = await _file_request(services, uow, person, LEAVE, first, last, reason,
                                             half=half, first=first.isoformat(), last=last.isoformat(),
                                             days=fmt_number(days))
        await uow.commit()
    return RequestResult(request, days, asked)


async def _file_request(services: Services, uow: UnitOfWork, person: Person, kind: str, first_day: date,
                        last_day: date, reason: str, /, half: str | None = None,
                        **ask_params: Any) -> tuple[AttendanceRequest, int]:
    """Store a leave or make-up request, audit it, and ask the approvers (`att.<kind>_ask`, `att.leave_ask_<half>`
    for half a day) in the same transaction; returns the request and who was asked."""
    request_id = await repo(uow).add_request(person_id=person.id, kind=kind, first_day=first_day,
                                             last_day=last_day, reason=reason, now=services.now(), half=half)
    request = await repo(uow).request(request_id)
    assert request is not None
    await uow.audit.append(at=services.now(), action=f"attendance.{kind}_request", entity="attendance_request",
                           entity_id=request_id, actor=person,
                           after=request.snapshot())
    key = f"att.{kind}_ask_{half}" if half else f"att.{kind}_ask"
    asked = await _ask_approvers(services, uow, person, request, key, **ask_params)
    return request, asked


async def request_makeup(services: Services, person: Person, text: str) -> RequestResult:
    """/makeup <date> <reason> (补卡): within the configured reach and monthly cap, then ask the supervisors."""
    if not text.strip():
        raise DomainError("att.makeup_usage")
    now_local = services.local_now()
    found = split_leading_phrase(text, lambda s: parse_past_day(s, now_local, calendar=services.calendar))
    if found is None:
        raise DomainError("att.makeup_bad_date", text=text.split()[0])
    day, reason = found
    reason = _check_reason(reason, "att.makeup_usage")
    cfg = services.settings.attendance
    today = services.today()
    if day > today:
        raise DomainError("att.makeup_future", date=day.isoformat())
    if not services.calendar.is_workday(day):
        raise DomainError("att.makeup_not_workday", date=day.isoformat())
    if not person.assigned_on(day):
        raise DomainError("att.not_assigned", date=day.isoformat())
    earliest = services.calendar.add_workdays(today, -cfg.makeup_days_back) if cfg.makeup_days_back else today
    if day < earliest:
        raise DomainError("att.makeup_too_old", date=day.isoformat(), days=cfg.makeup_days_back,
                          earliest=earliest.isoformat())
    month_first = day.replace(day=1)
    month_last = (month_first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    async with services.db.uow() as uow:
        record = await repo(uow).day_of(person.id, day)
        if record is not None and record.checkin_at is not None:
            raise DomainError("att.makeup_already_present", date=day.isoformat(),
                              checkin=services.fmt(record.checkin_at))
        same_day = await repo(uow).requests_overlapping(day, day, kind=MAKEUP, person_id=person.id)
        if same_day:
            raise DomainError("att.makeup_duplicate", date=day.isoformat(), id=same_day[0].id)
        this_month = await repo(uow).requests_overlapping(month_first, month_last, kind=MAKEUP,
                                                          person_id=person.id)
        if len(this_month) >= cfg.makeups_per_month:
            raise DomainError("att.makeup_cap", limit=cfg.makeups_per_month, month=f"{day:%Y-%m}",
                              used=len(this_month))
        request, asked = await _file_request(services, uow, person, MAKEUP, day, day, reason, date=day.isoformat(),
                                             used=len(this_month) + 1, limit=cfg.makeups_per_month)
        await uow.commit()
    return RequestResult(request, Decimal(1), asked)


async def decide_request(services: Services, approver: Person, request_id: int, *, approve: bool) -> Decision:
    """A supervisor (or the client's contact) approves or rejects; never their own request."""
    async with services.db.uow() as uow:
        request = await repo(uow).request(request_id)
        if request is None:
            raise DomainError("button.refused")
        if request.person_id == approver.id:
            raise DomainError("att.own_request")
        if not is_approver(approver):
            raise DomainError("att.not_approver")
        requester = await uow.people.by_id(request.person_id)
        assert requester is not None
        status = "approved" if approve else "rejected"
        if not await repo(uow).decide(request_id, status=status, by=approver.id, now=services.now()):
            decider = await uow.people.by_id(request.decided_by) if request.decided_by else None
            raise DomainError("att.already_decided", id=request_id,
                              status=Text(f"att.status_{request.status}"),
                              by=decider.name if decider else "—")
        decided = await repo(uow).request(request_id)
        assert decided is not None
        await uow.audit.append(at=services.now(), action=f"attendance.{request.kind}_{status}",
                               entity="attendance_request", entity_id=request_id,
                               actor=approver,
                               before=request.snapshot(), after=decided.snapshot())
        period = request_period(request)
        await services.notifier.to_person(
            uow, requester, f"att.{request.kind}_{status}", kind=f"attendance.{request.kind}_decision",
            dedup=f"att.decision:{request_id}", id=request_id, period=period, by=approver.name)
        if approve and request.kind == LEAVE:  # a duty day it covers starts the swap flow, or warns of a gap
            from bot.services.oncall import leave_touches_duty_in_uow

            await leave_touches_duty_in_uow(services, uow, requester, request.first_day, request.last_day,
                                            None)  # the bot proposes it (the approver decided the leave)
        await uow.commit()
    return Decision(decided, requester, approve)


# ------------------------------------------------------------------------------------------------
# the report and the rate
# ------------------------------------------------------------------------------------------------
@dataclass
class EngineerAttendance:
    person: Person
    expected: list[date] = field(default_factory=list)
    present: list[date] = field(default_factory=list)      # check-in or approved make-up
    late: list[date] = field(default_factory=list)         # present by a late check-in
    leave: list[date] = field(default_factory=list)        # approved leave, not present
    absent: list[date] = field(default_factory=list)
    made_up: list[date] = field(default_factory=list)
    holiday_duty: list[date] = field(default_factory=list)
    outside_site: list[date] = field(default_factory=list)
    late_minutes: dict[date, int] = field(default_factory=dict)
    half_leave: dict[date, str] = field(default_factory=dict)  # day -> am | pm (in `leave`, counted as ½)
    credit: Decimal = Decimal(0)

    def days(self, which: list[date]) -> Decimal:
        """Working days in `which` (present, leave or absent): a half-day-leave day counts ½ in each."""
        return sum((HALF if d in self.half_leave else Decimal(1) for d in which), Decimal(0))

    @property
    def rate(self) -> Decimal | None:
        return None if not self.expected else self.credit / len(self.expected)


@dataclass
class AttendanceReport:
    first: date
    last: date  # clipped to the contract and to today; first > last: nothing to count yet
    engineers: list[EngineerAttendance]
    leave_counts_as_present: bool
    late_weight: Decimal
    today_pending: str | None = None  # 'HH:MM': today's missing check-ins count only after this cut-off

    @property
    def numerator(self) -> Decimal:
        return sum((e.credit for e in self.engineers), Decimal(0))

    @property
    def denominator(self) -> Decimal:
        return Decimal(sum(len(e.expected) for e in self.engineers))

    @property
    def rate(self) -> Decimal | None:
        return None if not self.denominator else self.numerator / self.denominator


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


async def attendance_report(services: Services, start: date, end: date, *, upto: date | None = None,
                            person_id: int | None = None) -> AttendanceReport:
    """Per engineer: expected working days, present, late, on leave, absent — for [start, end] up to `upto`.

    Days after `upto` (default today) are not expected. Today itself, while nobody could call it a
    miss yet (before working_hours.summary_cutoff and no check-in), is not counted either.
    """
    cfg = services.settings.attendance
    contract = services.settings.contract
    today = services.today()
    upto = today if upto is None else upto
    first, last = max(start, contract.start), min(end, upto, contract.end)
    report = AttendanceReport(first, last, [], cfg.leave_counts_as_present, cfg.late_weight)
    async with services.db.uow() as uow:
        people = [p for p in await uow.people.all(include_left=True) if p.is_engineer
                  and (person_id is None or p.id == person_id)]
        if first > last:
            report.engineers = [EngineerAttendance(p) for p in people]
            return report
        presence = await repo(uow).presence_between(first, last)
        approved = await repo(uow).requests_overlapping(first, last, statuses=("approved",))
    made_up = {(r.person_id, r.first_day) for r in approved if r.kind == MAKEUP}
    on_leave = {(r.person_id, d) for r in approved if r.kind == LEAVE and not r.half
                for d in _days(r.first_day, r.last_day)}
    half_leave = {(r.person_id, r.first_day): r.half for r in approved if r.kind == LEAVE and r.half}
    cutoff = services.settings.working_hours.summary_cutoff
    before_cutoff = services.local_now().time() < cutoff
    if before_cutoff and first <= today <= last and services.calendar.is_workday(today):
        report.today_pending = cutoff.strftime("%H:%M")
    workdays = services.calendar.workdays_between(first, last)
    flagged = {(r.person_id, r.day): r for r in presence.flagged}
    flagged_by_person: dict[int, list[Presence]] = {}
    for record in presence.flagged:
        flagged_by_person.setdefault(record.person_id, []).append(record)
    for person in people:
        stats = EngineerAttendance(person)
        checked_in = presence.present.get(person.id, set())
        for record in flagged_by_person.get(person.id, ()):  # in day order
            if record.holiday_duty:
                stats.holiday_duty.append(record.day)
            if record.outside_site:
                stats.outside_site.append(record.day)
        for day in workdays:
            if not person.assigned_on(day):
                continue
            key = (person.id, day)
            present = day in checked_in
            half = half_leave.get(key) if key not in on_leave else None
            if day == today and before_cutoff and not present and key not in made_up and key not in on_leave:
                continue  # today is not over yet: nobody is absent before the cut-off
            stats.expected.append(day)
            if half is not None and not (key in made_up and not present):
                # half a day off: the other half is worked (checked in) or missed
                stats.half_leave[day] = half
                stats.leave.append(day)
                if cfg.leave_counts_as_present:
                    stats.credit += HALF
                if present:
                    stats.present.append(day)
                    stats.credit += HALF
                    flag = flagged.get(key)
                    if flag is not None and flag.late_minutes and half == "pm":  # morning off: no late
                        stats.late.append(day)
                        stats.late_minutes[day] = flag.late_minutes
                        stats.credit -= cfg.late_weight / 2
                else:
                    stats.absent.append(day)
            elif key in made_up and not present:
                stats.present.append(day)
                stats.made_up.append(day)
                stats.credit += 1
            elif present:
                stats.present.append(day)
                stats.credit += 1
                flag = flagged.get(key)
                if flag is not None and flag.late_minutes and key not in made_up:
                    stats.late.append(day)
                    stats.late_minutes[day] = flag.late_minutes
                    stats.credit -= cfg.late_weight
            elif key in on_leave:
                stats.leave.append(day)
                if cfg.leave_counts_as_present:
                    stats.credit += 1
            else:
                stats.absent.append(day)
        report.engineers.append(stats)
    return report


async def attendance_rate(services: Services, start: date, end: date, *, upto: date | None = None,
                          losses: bool = True) -> ComponentRate:
    """The attendance component of the assessment for [start, end], counted up to `upto` (default today).

    One Loss per absent day (and per leave day when leave does not count as present) of 1 unit, and one
    per late day of `late_weight` units when that weight is above zero; the losses add up to
    denominator − numerator. With `losses=False` (the score without its ledger) no Loss is built.
    """
    report = await attendance_report(services, start, end, upto=upto)
    lost: list[Loss] = []
    weight = report.late_weight
    other_half = {"am": "pm", "pm": "am"}
    for stats in (report.engineers if losses else ()):
        name = stats.person.name
        for day in stats.absent:
            half = stats.half_leave.get(day)
            key = f"att.loss_absent_{other_half[half]}" if half else "att.loss_absent"
            lost.append(Loss(key, {"name": name, "date": day.isoformat()}, stats.days([day]), day.isoformat()))
        if not report.leave_counts_as_present:
            for day in stats.leave:
                half = stats.half_leave.get(day)
                key = f"att.loss_leave_{half}" if half else "att.loss_leave"
                lost.append(Loss(key, {"name": name, "date": day.isoformat()}, stats.days([day]),
                                   day.isoformat()))
        if weight > 0:
            for day in stats.late:
                units = weight / 2 if day in stats.half_leave else weight
                lost.append(Loss("att.loss_late", {"name": name, "date": day.isoformat(),
                                                     "minutes": stats.late_minutes[day]}, units, day.isoformat()))
    lost.sort(key=lambda loss: (loss.when or "", loss.params["name"]))
    details = {
        "first": report.first.isoformat(), "last": report.last.isoformat(),
        "expected_days": int(report.denominator),
        "present_days": _count(sum((e.days(e.present) for e in report.engineers), Decimal(0))),
        "late_days": sum(len(e.late) for e in report.engineers),
        "leave_days": _count(sum((e.days(e.leave) for e in report.engineers), Decimal(0))),
        "absent_days": _count(sum((e.days(e.absent) for e in report.engineers), Decimal(0))),
        "made_up_days": sum(len(e.made_up) for e in report.engineers),
        "holiday_duty_days": sum(len(e.holiday_duty) for e in report.engineers),
        "outside_site_days": sum(len(e.outside_site) for e in report.engineers),
        "leave_counts_as_present": report.leave_counts_as_present,
        "late_weight": str(weight),
        "engineers": [{"name": e.person.name, "expected": len(e.expected), "present": _count(e.days(e.present)),
                       "late": len(e.late), "leave": _count(e.days(e.leave)), "absent": _count(e.days(e.absent)),
                       "rate": None if e.rate is None else str(e.rate)} for e in report.engineers] if losses else [],
    }
    return ComponentRate(report.numerator, report.denominator, lost, details)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def short_dates(days: list[date], limit: int | None = None) -> Joined:
    """'10-11、10-12' (all of them by default; with `limit`, at most that many, then '…')."""
    shown = days if limit is None else days[:limit]
    text = Joined(tuple(f"{d:%m-%d}" for d in shown), SEPARATOR)
    return Joined((text, "…" if len(shown) < len(days) else ""))


def _count(value: Decimal) -> int | float:
    """A day count for the details: 3, or 2.5 with half days."""
    return int(value) if value == value.to_integral_value() else float(value)


def fmt_number(value: Decimal) -> str:
    """12, 11.5 (no trailing zeros)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ------------------------------------------------------------------------------------------------
# the group's attendance board (issue 16, point 5): one message per (chat, day), edited as people check in


@dataclass(frozen=True)
class BoardEntry:
    name: str
    checkin: str  # HH:MM, local
    late_minutes: int
    checkout: str | None  # HH:MM, local


@dataclass(frozen=True)
class AttendanceBoard:
    day: date
    present: list[BoardEntry]
    missing: list[str]
    message_id: str | None  # the board already sent in this chat today


async def board(services: Services, chat_id: str) -> AttendanceBoard:
    """Today's board for a group: who checked in when (late marks), who is still missing, its message id."""
    day = services.today()
    async with services.db.uow() as uow:
        people = {p.id: p for p in await uow.people.all(include_left=True)}
        records = await repo(uow).days_between(day, day)
        message_id = await uow.repo(AttendanceBoardRepository).message_id(chat_id, day)
    present = [BoardEntry(people[r.person_id].name, services.fmt(r.checkin_at, with_date=False), r.late_minutes,
                          services.fmt(r.checkout_at, with_date=False) if r.checkout_at else None)
               for r in sorted((r for r in records if r.checkin_at is not None and r.person_id in people),
                               key=lambda r: (r.checkin_at, r.person_id))]
    seen = {r.person_id for r in records if r.checkin_at is not None}
    missing = [p.name for p in people.values() if p.is_engineer and p.assigned_on(day) and p.id not in seen]
    return AttendanceBoard(day, present, missing, message_id)


async def remember_board(services: Services, chat_id: str, day: date, message_id: str) -> None:
    async with services.db.uow() as uow:
        await uow.repo(AttendanceBoardRepository).set_message_id(chat_id, day, message_id, services.now())
        await uow.commit()
