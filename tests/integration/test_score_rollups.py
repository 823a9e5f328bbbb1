"""/score incremental (#16): the score from closed months' rollups equals the live computation, for every period,
on a generated year and after random changes to closed months (each written the way the features write)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench.generate_year import generate_year, year_settings
from bot.services import scoring
from bot.services.clock import FakeClock
from bot.services.container import Services, open_services
from storage.attendance import AttendanceRepository
from storage.daily_log import DailyLogRepository
from storage.scoring import ScoreRollupRepository, ScoringRepository
from storage.tickets import TicketRepository
from storage.urgent import UrgentRepository
from tests.conftest import SHANGHAI

NOW = datetime(2023, 1, 20, 18, 0, tzinfo=SHANGHAI)  # January 2023 open, every month before it closed


def _at(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(hours=hour)


def periods(services: Services, rng: random.Random) -> list[scoring.Period]:
    contract = scoring.resolve_period(services, "")
    found = [contract]
    day = contract.start
    while day <= contract.end:
        found.append(scoring.resolve_period(services, f"{day:%Y-%m}"))
        day = scoring.month_bounds(day)[1] + timedelta(days=1)
    span = (contract.end - contract.start).days
    for _ in range(4):  # ranges that start and end inside a month
        a, b = sorted(rng.sample(range(span + 1), 2))
        found.append(scoring.Period(contract.start + timedelta(days=a), contract.start + timedelta(days=b)))
    return found


def figures(a: scoring.Assessment) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return {name: (c.rate.numerator, c.rate.denominator, c.points) for name, c in a.components.items()}


async def assert_rolled_equals_live(services: Services, rng: random.Random) -> None:
    for period in periods(services, rng):
        live = await scoring.compute_assessment(services, period)
        for _ in range(2):  # the first call may compute and store months, the second reads them
            rolled = await scoring.compute_assessment(services, period, losses=False)
            assert figures(rolled) == figures(live), period
            assert rolled.total == live.total, period
            for key in ("ack_median_min", "ack_p90_min", "arrive_median_min", "arrive_p90_min"):  # under 响应度
                assert rolled.components["responsiveness"].rate.details[key] == \
                    live.components["responsiveness"].rate.details[key], (period, key)


KINDS = ("checkin", "makeup", "leave", "rating", "late_ticket", "urgent", "daily_log", "deduction", "roster")


async def random_change(services: Services, rng: random.Random, kind: str) -> str:
    """One write of `kind` to a closed month, as a feature makes it; returns what it was (for the message)."""
    contract = services.settings.contract
    workdays = services.calendar.workdays_between(contract.start, date(2022, 12, 31))
    day = rng.choice(workdays)
    async with services.db.uow() as uow:
        engineers = [p for p in await uow.people.all() if p.is_engineer]
        supervisor = next(p for p in await uow.people.all() if "supervisor" in p.roles)
        person = rng.choice(engineers)
        attendance: AttendanceRepository = uow.repo(AttendanceRepository)  # type: ignore[assignment]
        tickets: TicketRepository = uow.repo(TicketRepository)  # type: ignore[assignment]
        if kind in ("checkin", "makeup", "leave"):  # on a working day the person has no record of
            present = {(r.person_id, r.day) for r in await attendance.days_between(contract.start, NOW.date())}
            day = rng.choice([d for d in workdays if (person.id, d) not in present])
        if kind == "checkin":
            await attendance.check_in(person_id=person.id, day=day, at=_at(day, 9.5), chat_id=None,
                                      late_minutes=30, holiday_duty=False)
        elif kind in ("makeup", "leave"):
            last = day if kind == "makeup" else day + timedelta(days=rng.randrange(1, 6))  # may cross a month
            request_id = await attendance.add_request(person_id=person.id, kind=kind, first_day=day, last_day=last,
                                                      reason="测试", now=_at(day, 20))
            await attendance.decide(request_id, status="approved", by=supervisor.id, now=NOW)
        elif kind in ("rating", "late_ticket"):
            rated = await tickets.list(created_from=_at(day, 0), created_to=_at(day, 24 * 5), limit=50)
            if not rated:
                return f"{kind} {day}: no ticket"
            ticket = rng.choice(rated)
            if kind == "rating":
                await tickets.update(ticket.id, rating=rng.choice(["unsatisfied", "basically", "satisfied"]),
                                     rated_at=ticket.due_at + timedelta(hours=rng.uniform(-30, 30)), status="closed")
            else:
                await tickets.update(ticket.id, resolved_at=ticket.due_at + timedelta(hours=2), status="resolved")
        elif kind == "urgent":
            started = _at(day, rng.uniform(0, 24))
            urgent: UrgentRepository = uow.repo(UrgentRepository)  # type: ignore[assignment]
            request_id = await urgent.add(ticket_id=None, text="测试", raised_by=supervisor.id, raised_at=started,
                                          started_at=started, deadline_at=started + timedelta(hours=1))
            if rng.random() < 0.7:
                await urgent.arrive(request_id, person.id, started + timedelta(minutes=rng.uniform(10, 120)))
        elif kind == "daily_log":
            logs: DailyLogRepository = uow.repo(DailyLogRepository)  # type: ignore[assignment]
            logged = await logs.days_with_logs(contract.start, NOW.date())
            day = rng.choice([d for d in workdays if d not in logged])
            await logs.add(day=day, person_id=person.id, text="测试", now=_at(day, 17))
        elif kind == "deduction":
            await uow.repo(ScoringRepository).add_deduction(  # type: ignore[attr-defined]
                component="attendance", points=Decimal("0.5"), reason="测试", day=day, now=NOW,
                actor_telegram_id=None, actor_name="测试")
        else:
            await uow.people.set_status(person.id, "left", end=day)
        await uow.commit()
    return f"{kind} {day}"


async def test_rolled_up_score_equals_live_on_a_year_and_after_changes_to_closed_months(tmp_path: Path) -> None:
    db = tmp_path / "year.db"
    await generate_year(db, 3, tickets=300, urgent=40)
    async with open_services(year_settings(db, 3), FakeClock(NOW), seed=False, db_path=str(db)) as services:
        rng = random.Random(16)
        await assert_rolled_equals_live(services, rng)
        async with services.db.uow(read_only=True) as uow:
            assert await uow.repo(ScoreRollupRepository).count() >= 5 * 11  # type: ignore[attr-defined]
        kinds = [*KINDS, *KINDS]  # every kind of write, twice, three to a round
        rng.shuffle(kinds)
        for round_start in range(0, len(kinds), 3):
            changes = [await random_change(services, rng, kind) for kind in kinds[round_start:round_start + 3]]
            try:
                await assert_rolled_equals_live(services, rng)
            except AssertionError as failure:
                raise AssertionError(f"after {changes}: {failure}") from failure


async def test_open_month_and_fresh_months_are_live(tmp_path: Path) -> None:
    """A month that ended less than two days ago still has deadlines running: it is computed live, not kept."""
    db = tmp_path / "year.db"
    await generate_year(db, 2, tickets=60, urgent=6)
    now = datetime(2022, 11, 1, 12, 0, tzinfo=SHANGHAI)
    async with open_services(year_settings(db, 2), FakeClock(now), seed=False, db_path=str(db)) as services:
        period = scoring.resolve_period(services, "")
        rolled = await scoring.compute_assessment(services, period, losses=False)
        assert figures(rolled) == figures(await scoring.compute_assessment(services, period))
        async with services.db.uow(read_only=True) as uow:
            stored = await uow.repo(ScoreRollupRepository).rollups(  # type: ignore[attr-defined]
                period.start, period.end, scoring.rollup_fingerprint(services))
        assert stored and max(row.end for row in stored) == date(2022, 9, 30)


async def test_a_tracking_start_mid_month_is_kept_and_a_ragged_range_is_not(tmp_path: Path) -> None:
    db = tmp_path / "year.db"
    await generate_year(db, 2, tickets=60, urgent=6)
    settings = year_settings(db, 2)
    settings = settings.model_copy(update={"contract": settings.contract.model_copy(
        update={"tracking_start": date(2022, 3, 15)})})
    async with open_services(settings, FakeClock(NOW), seed=False, db_path=str(db)) as services:
        contract = scoring.resolve_period(services, "")
        ragged = scoring.Period(date(2022, 5, 10), date(2022, 7, 20))
        for period in (contract, ragged):
            rolled = await scoring.compute_assessment(services, period, losses=False)
            assert figures(rolled) == figures(await scoring.compute_assessment(services, period))
        async with services.db.uow(read_only=True) as uow:
            stored = await uow.repo(ScoreRollupRepository).rollups(  # type: ignore[attr-defined]
                contract.start, contract.end, scoring.rollup_fingerprint(services))
        starts = {row.start for row in stored}
        assert date(2022, 3, 15) in starts  # the first month that counts, from the tracking start
        assert date(2022, 5, 10) not in starts and all(row.end.month != (row.end + timedelta(days=1)).month
                                                       for row in stored)  # whole months only otherwise
