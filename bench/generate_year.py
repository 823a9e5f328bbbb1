#!/usr/bin/env python3
"""A full contract year of made-up data (2022-02-01 … 2023-01-31), written through the features' repositories.

At 50 engineers: 20,000 tickets (resolved, mostly on time, most of them rated), 2,000 urgent requests
(acknowledged and arrived, some late), a check-in and check-out per engineer per working day (a few days
missed, some late, a few approved leave and make-up days), one daily maintenance log per working day and a
few client deductions. Tickets and urgent requests scale with the number of engineers (400 tickets and 40
urgent requests per engineer per year), so `--engineers 1 / 10 / 50` compare the same workload per person.

`--years 3` writes a three-year contract (2022-02-01 … 2025-01-31) with the same workload every year.

Deterministic (seeded). Bench code: nothing here is used by the bot.
Run: ``python bench/generate_year.py /tmp/year.db --engineers 50 [--years 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ENGINEER, bench_config
from bot.services.calendar import WorkCalendar
from bot.services.container import build_calendar
from bot.services.domain.people import Person
from bot.services.people import seed_roster
from config.settings import Settings, settings_from_dict
from storage.attendance import AttendanceRepository
from storage.daily_log import DailyLogRepository
from storage.db import Database, open_database
from storage.scoring import ScoringRepository
from storage.tickets import TicketRepository
from storage.urgent import UrgentRepository

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR_START = date(2022, 2, 1)
YEAR_END = date(2023, 1, 31)
TICKETS_PER_ENGINEER = 400
URGENT_PER_ENGINEER = 40
KINDS = ["ticket_service", "testing", "parameters", "data_fix", "statistics", "custom_dev", "interface",
         "db_training", "bulk_processing", "user_training", "site_rules"]
TEXTS = ["社保卡系统无法打印制卡凭证", "公服网办大厅个人参保证明下载失败", "导出上月机关事业单位养老保险新增人员名单",
         "人力资源市场系统招聘会报名页面打不开", "统一经办门户新增经办人员账号", "江苏智慧人社APP 登录后白屏",
         "开放平台接口联调：与医保局数据交换", "按新政策调整灵活就业人员缴费基数参数"]


@dataclass(frozen=True)
class YearSize:
    engineers: int
    tickets: int
    urgent: int
    checkins: int
    seconds: float


def contract_end(years: int = 1) -> date:
    """The last day of a contract of `years` years from YEAR_START."""
    return YEAR_END.replace(year=YEAR_END.year + years - 1)


def year_settings(db_path: Path, engineers: int, years: int = 1) -> Settings:
    """The bench roster with exactly `engineers` engineers (the lead counts as one), over `years` years."""
    raw = bench_config(db_path, engineers=max(engineers - 2, 0))
    raw["contract"]["end"] = contract_end(years).isoformat()
    if engineers == 1:
        raw["roster"] = [p for p in raw["roster"] if p["telegram_id"] != ENGINEER]
    return settings_from_dict(raw, apply_env=False)


def _kinds() -> list[str]:
    try:
        from bot.services.tickets import TICKET_KINDS
        return list(TICKET_KINDS)
    except ImportError:
        return KINDS


def _at(day: date, minutes_after_midnight: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(minutes=minutes_after_midnight)


async def _attendance(db: Database, calendar: WorkCalendar, engineers: list[Person], workdays: list[date],
                      supervisor: Person, rng: random.Random) -> int:
    count = 0
    for person in engineers:
        leave_days = set(rng.sample(workdays, 3))
        async with db.uow() as uow:
            repo: AttendanceRepository = uow.repo(AttendanceRepository)  # type: ignore[assignment]
            for day in workdays:
                if day in leave_days:
                    request_id = await repo.add_request(person_id=person.id, kind="leave", first_day=day,
                                                        last_day=day, reason="事假", now=_at(day, -600))
                    await repo.decide(request_id, status="approved", by=supervisor.id, now=_at(day, -540))
                    continue
                if rng.random() < 0.02:   # missed, half of them made up (补卡)
                    if rng.random() < 0.5:
                        request_id = await repo.add_request(person_id=person.id, kind="makeup", first_day=day,
                                                            last_day=day, reason="忘记签到", now=_at(day, 1000))
                        await repo.decide(request_id, status="approved", by=supervisor.id, now=_at(day, 1100))
                    continue
                minute = rng.gauss(8 * 60 + 45, 10)
                checkin = _at(day, minute)
                late = max(0, int(minute - 9 * 60))
                await repo.check_in(person_id=person.id, day=day, at=checkin, chat_id=person.chat_id,
                                    late_minutes=late, holiday_duty=False)
                record = await repo.day_of(person.id, day)
                assert record is not None
                out_minute = rng.gauss(17 * 60 + 50, 15)
                await repo.check_out(record.id, at=_at(day, out_minute), early_minutes=max(0, int(17 * 60 + 30
                                                                                                    - out_minute)))
                count += 1
            await uow.commit()
    return count


async def _tickets(db: Database, engineers: list[Person], requesters: list[Person], workdays: list[date],
                   total: int, end: datetime, rng: random.Random) -> None:
    kinds = _kinds()
    per_day = total / len(workdays)
    made = 0
    for index, day in enumerate(workdays):
        want = round(per_day * (index + 1)) - made
        async with db.uow() as uow:
            repo: TicketRepository = uow.repo(TicketRepository)  # type: ignore[assignment]
            for _ in range(want):
                created = _at(day, rng.uniform(8.5 * 60, 17.5 * 60))
                due = created + timedelta(days=3)
                requester = rng.choice(requesters)
                ticket_id = await repo.add(kind=rng.choice(kinds), text=rng.choice(TEXTS), system=None, region=None,
                                           urgent=False, requester_id=requester.id, source_chat_id=None, due_at=due,
                                           due_explicit=False, created_at=created)
                engineer = rng.choice(engineers)
                taken = created + timedelta(minutes=rng.uniform(5, 90))
                fate = rng.random()
                resolved = None
                if fate < 0.92:
                    resolved = taken + (due - taken) * rng.uniform(0.05, 0.95)
                elif fate < 0.98:
                    resolved = due + timedelta(hours=rng.uniform(1, 48))
                fields: dict[str, Any] = {"status": "taken", "assignee_id": engineer.id, "taken_at": taken}
                if resolved is not None and resolved < end:
                    fields.update(status="resolved", resolved_at=resolved, resolution="已处理，请确认")
                    if rng.random() < 0.85 and resolved + timedelta(days=1) < end:
                        roll = rng.random()
                        rating = "satisfied" if roll < 0.90 else "basically" if roll < 0.98 else "unsatisfied"
                        fields.update(status="closed", closed_at=resolved + timedelta(days=1), rating=rating,
                                      rated_at=resolved + timedelta(days=1), rated_by=requester.id)
                await repo.update(ticket_id, **fields)
                made += 1
            await uow.commit()


async def _urgent(db: Database, engineers: list[Person], requesters: list[Person], total: int,
                  rng: random.Random, last: date = YEAR_END) -> None:
    span = (last - YEAR_START).days + 1
    async with db.uow() as uow:
        repo: UrgentRepository = uow.repo(UrgentRepository)  # type: ignore[assignment]
        for _ in range(total):
            day = YEAR_START + timedelta(days=rng.randrange(span))
            started = _at(day, rng.uniform(0, 24 * 60))
            duty = rng.choice(engineers)
            request_id = await repo.add(ticket_id=None, text=rng.choice(TEXTS), raised_by=rng.choice(requesters).id,
                                        raised_at=started, started_at=started, deadline_at=started + timedelta(hours=1))
            await repo.add_recipient(request_id, duty.id, "duty", started)
            ack = started + timedelta(minutes=rng.uniform(1, 12))
            await repo.acknowledge(request_id, duty.id, ack)
            await repo.acknowledge_recipient(request_id, duty.id, ack)
            await repo.arrive(request_id, duty.id, started + timedelta(minutes=rng.gauss(40, 12)))
        await uow.commit()


async def _daily_logs_and_deductions(db: Database, engineers: list[Person], workdays: list[date],
                                     rng: random.Random) -> None:
    async with db.uow() as uow:
        logs: DailyLogRepository = uow.repo(DailyLogRepository)  # type: ignore[assignment]
        for day in workdays:
            if rng.random() < 0.97:
                await logs.add(day=day, person_id=rng.choice(engineers).id, text="巡检各系统运行正常，处理工单若干",
                               now=_at(day, 17 * 60))
        scoring: ScoringRepository = uow.repo(ScoringRepository)  # type: ignore[assignment]
        for day in rng.sample(workdays, 4):
            await scoring.add_deduction(component=rng.choice(["daily_maintenance", "satisfaction"]),
                                        points=Decimal("0.5"), reason="巡检记录不完整", day=day,
                                        now=_at(day, 18 * 60), actor_telegram_id=None, actor_name="陈主管")
        await uow.commit()


async def generate_year(db_path: Path, engineers: int = 50, *, seed: int = 2022,
                        tickets: int | None = None, urgent: int | None = None, years: int = 1,
                        until: date | None = None, location: str | None = None,
                        settings: Settings | None = None) -> YearSize:
    """Write a contract year (or `years` years) for `engineers` engineers into a new database at `db_path` (or at
    `location`, a PostgreSQL URL).

    `until`: the last day written (default the contract's last day); bench_updates.py stops the year the day
    before the day it plays, so that day's check-ins are new. `settings`: another contract (its id and roster) in
    place of the bench contract (bench_contracts.py writes many contracts into one database)."""
    started = time.perf_counter()
    settings = settings or year_settings(db_path, engineers, years)
    tickets = TICKETS_PER_ENGINEER * engineers * years if tickets is None else tickets
    urgent = URGENT_PER_ENGINEER * engineers * years if urgent is None else urgent
    rng = random.Random(seed)
    calendar = build_calendar(settings)
    last = until or contract_end(years)
    workdays = calendar.workdays_between(YEAR_START, last)
    db = await open_database(location or db_path, settings.contract.id)
    try:
        async with db.uow() as uow:
            await seed_roster(uow, settings.roster, settings.contract.default_language,
                              _at(YEAR_START, -24 * 60))
            await uow.commit()
        async with db.uow() as uow:
            people = await uow.people.all(include_left=True)
        staff = [p for p in people if p.is_engineer]
        requesters = [p for p in people if not p.is_engineer and p.roles & {"contact", "supervisor"}] or staff
        supervisor = next(p for p in people if "supervisor" in p.roles)
        end = _at(last, 18 * 60)
        checkins = await _attendance(db, calendar, staff, workdays, supervisor, rng)
        await _tickets(db, staff, requesters, workdays, tickets, end, rng)
        await _urgent(db, staff, requesters, urgent, rng, last)
        await _daily_logs_and_deductions(db, staff, workdays, rng)
        async with db.uow() as uow:  # planner statistics (SQLite and PostgreSQL both take ANALYZE in a transaction)
            await uow.audit.execute("ANALYZE")
            await uow.commit()
    finally:
        await db.close()
    return YearSize(len(staff), tickets, urgent, checkins, time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the new database file (must not exist)")
    parser.add_argument("--engineers", type=int, default=50)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--until", type=date.fromisoformat, default=None,
                        help="last day written (bench_updates.py plays 2023-01-17 on a year --until 2023-01-16)")
    args = parser.parse_args(argv)
    if args.db.exists():
        parser.error(f"{args.db} exists")
    size = asyncio.run(generate_year(args.db, args.engineers, years=args.years, until=args.until))
    print(f"{args.db}: {size.engineers} engineers, {size.tickets} tickets, {size.urgent} urgent requests, "
          f"{size.checkins} check-ins in {size.seconds:.1f} s ({args.db.stat().st_size / 1_048_576:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
