"""The on-call rota and holiday duty: setting and showing it, balanced holiday plans over 2022, swaps with
both approvals, the rota's reminders and the coverage warning."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.catalog import render
from bot.services import access, oncall
from bot.services.clock import FakeClock
from bot.services.container import Services, open_services
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from bot.services.schedule import run_all_due
from config.settings import settings_from_dict
from storage.base import chat_key
from tests.conftest import ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, base_config


async def person(services: Services, telegram_id: int) -> Person:
    found = await access.identify(services, telegram_id)
    assert found is not None
    return found


async def queued(services: Services, chat_id: int, kind: str) -> list[dict[str, Any]]:
    async with services.db.uow() as uow:
        rows = await uow.outbox.fetchall("SELECT text, buttons FROM outbox WHERE chat_id = ? AND kind = ?"
                                         " ORDER BY id", (chat_key(chat_id), kind))
    return [{"text": r["text"], "buttons": [b["text"] for row in json.loads(r["buttons"] or "[]") for b in row]}
            for r in rows]


async def rota(services: Services, first: date, last: date) -> dict[date, list[str]]:
    view = await oncall.rota_view(services, days=(last - services.today()).days + 1)
    return {d.day: d.names for d in view.days if first <= d.day <= last}


async def test_lead_sets_the_rota_and_everyone_sees_it(services: Services) -> None:
    first, last, people = await oncall.set_rota(services, await person(services, LEAD), "10月15日至10月16日 周小舟")
    assert (first, last, [p.name for p in people]) == (date(2022, 10, 15), date(2022, 10, 16), ["周小舟"])
    view = await oncall.rota_view(services, days=7)
    by_day = {d.day: d for d in view.days}
    assert by_day[date(2022, 10, 15)].names == ["周小舟"] and not by_day[date(2022, 10, 15)].workday
    assert by_day[date(2022, 10, 11)].names == [] and by_day[date(2022, 10, 11)].workday
    assert view.now.source == "hours" and {p.name for p in view.now.people} == {"林海", "周小舟"}


async def test_engineer_cannot_set_the_rota_and_unknown_names_are_refused(services: Services) -> None:
    with pytest.raises(DomainError) as denied:
        await oncall.set_rota(services, await person(services, ENGINEER), "明天 周小舟")
    assert denied.value.key == "access.denied"
    with pytest.raises(DomainError) as unknown:
        await oncall.set_rota(services, await person(services, SUPERVISOR), "明天 张三")
    assert unknown.value.key == "error.unknown_person" and unknown.value.params["name"] == "张三"
    with pytest.raises(DomainError) as bad:
        await oncall.set_rota(services, await person(services, SUPERVISOR), "某天 周小舟")
    assert bad.value.key == "error.bad_period"


def _year_config(tmp_path: Path, engineers: int) -> dict[str, Any]:
    config = base_config(tmp_path / f"year-{engineers}.db")
    for entry in config["roster"]:
        entry.pop("start", None)  # on the project the whole of 2022
    if engineers == 3:
        config["roster"].append({"name": "郑工", "telegram_id": 100003, "roles": ["engineer"]})
    return config


@pytest.mark.parametrize("approve_at_once", [True, False], ids=["approved-one-by-one", "all-proposed-first"])
@pytest.mark.parametrize("engineers", [2, 3])
async def test_holiday_duty_plans_over_2022_stay_balanced(tmp_path: Path, engineers: int,
                                                          approve_at_once: bool) -> None:
    """Each holiday's plan is balanced on the days already assigned, approved or still proposed."""
    settings = settings_from_dict(_year_config(tmp_path, engineers), apply_env=False)
    clock = FakeClock(datetime(2021, 12, 1, 10, 0, tzinfo=SHANGHAI))
    async with open_services(settings, clock) as services:
        supervisor = await person(services, SUPERVISOR)
        periods = services.calendar.holiday_periods(date(2022, 1, 1), date(2022, 12, 31))
        assert [p.name for p in periods] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节", "元旦"]
        names = {p.id: p.name for p in await _people(services)}
        totals: Counter[str] = Counter()
        proposed = []
        for period in periods:
            view = await oncall.duty_plan_for(services, None, period)
            assert view.created and view.plan.status == "proposed"
            assert sorted(view.plan.days) == [period.first + timedelta(days=i) for i in range(period.days)]
            proposed.append(view.plan)
            if approve_at_once:
                await oncall.approve_plan(services, supervisor, view.plan.id)
            totals.update(names[pid] for pid in view.plan.days.values())
            assert max(totals.values()) - min(totals.values()) <= 1, (period.name, totals)
            assert dict(view.totals) == dict(totals)  # what /dutyplan shows: every day assigned so far
        for plan in proposed if not approve_at_once else []:
            await oncall.approve_plan(services, supervisor, plan.id)
        assert len(totals) == engineers
        assert sum(totals.values()) == sum(p.days for p in periods)  # 3+7+3+5+3+3+7+3 = 34 days
        async with services.db.uow() as uow:
            shifts = await oncall.repo(uow).shifts_between(date(2022, 10, 1), date(2022, 10, 7))
        assert [s.day for s in shifts] == [date(2022, 10, d) for d in range(1, 8)]  # approved = on the rota


async def test_two_plans_proposed_before_either_is_approved_share_the_days_out(services: Services,
                                                                               clock: FakeClock) -> None:
    clock.set(datetime(2022, 9, 20, 10, 0, tzinfo=SHANGHAI))
    supervisor = await person(services, SUPERVISOR)
    national = await oncall.duty_plan(services, supervisor, "国庆")
    spring = await oncall.duty_plan(services, supervisor, "春节")
    assert (spring.plan.first_day, spring.plan.status) == (date(2023, 1, 21), "proposed")
    assert render(national.totals_text(), "zh_CN") == "林海 4、周小舟 3"
    assert render(spring.totals_text(), "zh_CN") == "林海 7、周小舟 7"  # not 林海 8、周小舟 6
    assert render(spring.totals_text(), "en") == "林海 7, 周小舟 7"
    for view in (national, spring):
        await oncall.approve_plan(services, supervisor, view.plan.id)
    again = await oncall.duty_plan(services, supervisor, "春节")
    assert dict(again.totals) == {"林海": 7, "周小舟": 7}


async def test_swapped_and_hand_set_holiday_days_count_for_the_next_plan(services: Services,
                                                                         clock: FakeClock) -> None:
    clock.set(datetime(2022, 9, 1, 10, 0, tzinfo=SHANGHAI))
    lead, engineer, supervisor = [await person(services, i) for i in (LEAD, ENGINEER, SUPERVISOR)]
    await oncall.set_rota(services, supervisor, "9月10日至9月12日 周小舟")  # Mid-Autumn set by hand
    national = await oncall.duty_plan(services, supervisor, "国庆")
    assert dict(national.totals) == {"林海": 5, "周小舟": 5}  # 周小舟 already had 3 holiday days
    await oncall.approve_plan(services, supervisor, national.plan.id)
    lead_day = min(d for d, pid in national.plan.days.items() if pid == lead.id)
    swap, _ = await oncall.request_swap(services, lead, f"{lead_day.isoformat()} 周小舟")
    await oncall.answer_swap(services, engineer, swap.id, True)
    await oncall.decide_swap(services, supervisor, swap.id, True)
    spring = await oncall.duty_plan(services, supervisor, "春节")  # 林海 4, 周小舟 6 before it
    assert dict(spring.totals) == {"林海": 8, "周小舟": 9}  # 17 days, one apart


async def test_only_the_lead_or_a_supervisor_proposes_a_plan_but_anyone_sees_one(services: Services,
                                                                                  clock: FakeClock) -> None:
    clock.set(datetime(2022, 12, 20, 10, 0, tzinfo=SHANGHAI))
    with pytest.raises(DomainError) as refused:
        await oncall.duty_plan(services, await person(services, ENGINEER), "元旦")
    assert refused.value.key == "oc.plan_none_yet"
    assert await queued(services, SUPERVISOR, "oncall.plan") == []
    async with services.db.uow() as uow:
        assert await oncall.repo(uow).plans() == []
        assert await uow.audit.list(action_prefix="oncall.plan") == []
    made = await oncall.duty_plan(services, await person(services, LEAD), "元旦")
    shown = await oncall.duty_plan(services, await person(services, ENGINEER), "元旦")
    assert made.created and not shown.created and shown.plan.id == made.plan.id


async def test_night_duty_checks_leave_of_the_duty_day_not_of_the_calendar_date(
        services: Services, clock: FakeClock, monkeypatch) -> None:
    from bot.services import attendance

    engineer = await person(services, ENGINEER)
    await oncall.set_rota(services, await person(services, SUPERVISOR), "10月15日 周小舟")
    leave_days: set[date] = {date(2022, 10, 16)}  # leave on Sunday; the Saturday duty runs until 09:00

    async def on_leave(uow: object, person_id: int, day: date) -> bool:
        return person_id == engineer.id and day in leave_days

    monkeypatch.setattr(attendance, "on_leave", on_leave, raising=False)
    night = datetime(2022, 10, 16, 2, 0, tzinfo=SHANGHAI)  # duty day 2022-10-15
    async with services.db.uow() as uow:
        duty = await oncall.duty_at(services, uow, night)
    assert (duty.source, [p.name for p in duty.people]) == ("rota", ["周小舟"])
    leave_days.clear()
    leave_days.add(date(2022, 10, 15))  # leave on the duty day itself: nobody from the rota at 02:00
    async with services.db.uow() as uow:
        duty = await oncall.duty_at(services, uow, night)
    assert duty.source == "lead" and [p.name for p in duty.people] == ["林海"]


async def _people(services: Services) -> list[Person]:
    async with services.db.uow() as uow:
        return await uow.people.all()


async def test_plan_is_proposed_to_supervisors_and_approved_with_a_button(services: Services,
                                                                          clock: FakeClock) -> None:
    await access.bind_group(services, await person(services, SUPERVISOR), GROUP, "项目群")
    clock.set(datetime(2022, 12, 20, 10, 0, tzinfo=SHANGHAI))
    view = await oncall.duty_plan(services, await person(services, LEAD), "元旦")
    assert (view.plan.first_day, view.plan.last_day) == (date(2022, 12, 31), date(2023, 1, 2))
    [ask] = await queued(services, SUPERVISOR, "oncall.plan")
    assert ask["buttons"] == ["批准"] and "2022-12-31" in ask["text"]
    with pytest.raises(DomainError):
        await oncall.approve_plan(services, await person(services, LEAD), view.plan.id)  # not a supervisor
    approved = await oncall.approve_plan(services, await person(services, SUPERVISOR), view.plan.id)
    assert approved.status == "approved"
    assert any("批准" in m["text"] for m in await queued(services, GROUP, "oncall.plan"))
    again = await oncall.duty_plan(services, await person(services, LEAD), "元旦")
    assert not again.created and again.plan.status == "approved"


async def test_swap_needs_the_other_engineer_and_a_supervisor(services: Services) -> None:
    lead, engineer, supervisor = [await person(services, i) for i in (LEAD, ENGINEER, SUPERVISOR)]
    await oncall.set_rota(services, supervisor, "10月15日 林海")
    swap, other = await oncall.request_swap(services, lead, "10月15日 周小舟")
    assert other.name == "周小舟" and swap.day == date(2022, 10, 15)
    [ask] = await queued(services, ENGINEER, "oncall.swap")
    assert ask["buttons"] == ["同意", "拒绝"] and "林海" in ask["text"]
    with pytest.raises(DomainError):
        await oncall.decide_swap(services, supervisor, swap.id, True)  # the engineer has not agreed yet
    await oncall.answer_swap(services, engineer, swap.id, True)
    assert await rota(services, date(2022, 10, 15), date(2022, 10, 15)) == {date(2022, 10, 15): ["林海"]}
    [to_supervisor] = await queued(services, SUPERVISOR, "oncall.swap")
    assert to_supervisor["buttons"] == ["批准", "拒绝"]
    await oncall.decide_swap(services, supervisor, swap.id, True)
    assert await rota(services, date(2022, 10, 15), date(2022, 10, 15)) == {date(2022, 10, 15): ["周小舟"]}
    assert any("批准" in m["text"] for m in await queued(services, LEAD, "oncall.swap"))


async def test_swap_of_a_day_not_on_duty_is_refused(services: Services) -> None:
    with pytest.raises(DomainError) as refused:
        await oncall.request_swap(services, await person(services, LEAD), "10月15日 周小舟")
    assert refused.value.key == "oc.swap_not_on_duty"


async def test_holiday_reminders_before_each_morning_and_on_the_last_evening(services: Services,
                                                                            clock: FakeClock) -> None:
    await access.bind_group(services, await person(services, SUPERVISOR), GROUP, "项目群")
    clock.set(datetime(2022, 9, 20, 11, 0, tzinfo=SHANGHAI))
    view = await oncall.duty_plan(services, await person(services, SUPERVISOR), "国庆")
    await oncall.approve_plan(services, await person(services, SUPERVISOR), view.plan.id)
    lead_id = (await person(services, LEAD)).id
    lead_days = sorted(d for d, pid in view.plan.days.items() if pid == lead_id)
    clock.set(datetime(2022, 9, 30, 15, 59, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    assert await queued(services, LEAD, "oncall.holiday") == []
    clock.set(datetime(2022, 9, 30, 16, 0, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    await run_all_due(services, clock.now())
    [days] = await queued(services, LEAD, "oncall.holiday")
    assert all(d.isoformat() in days["text"] for d in lead_days)
    [plan] = await queued(services, GROUP, "oncall.holiday")
    assert "2022-10-01" in plan["text"] and "2022-10-07" in plan["text"]
    on_first = view.plan.days[date(2022, 10, 1)]
    first_person = LEAD if on_first == (await person(services, LEAD)).id else ENGINEER
    clock.set(datetime(2022, 10, 1, 8, 30, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    [morning] = await queued(services, first_person, "oncall.morning")
    assert "2022-10-01" in morning["text"]
    on_last = view.plan.days[date(2022, 10, 7)]
    last_person = LEAD if on_last == (await person(services, LEAD)).id else ENGINEER
    clock.set(datetime(2022, 10, 7, 20, 0, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    [handover] = await queued(services, last_person, "oncall.handover")
    assert "交接" in handover["text"] and "2022-10-08" in handover["text"]


async def test_coverage_gaps_warn_lead_and_supervisors_a_day_ahead(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2022, 10, 10, 10, 0, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    [warning] = await queued(services, LEAD, "oncall.coverage")
    assert "2022-10-10 17:30 — 2022-10-11 09:00" in warning["text"]
    assert "2022-10-14 17:30 — 2022-10-17 09:00" in warning["text"]  # Friday evening to Monday morning
    assert len(await queued(services, SUPERVISOR, "oncall.coverage")) == 1
    assert await queued(services, ENGINEER, "oncall.coverage") == []
    await oncall.set_rota(services, await person(services, SUPERVISOR), "10月11日至10月18日 周小舟")
    clock.set(datetime(2022, 10, 11, 10, 0, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    assert len(await queued(services, LEAD, "oncall.coverage")) == 1  # fully covered: no new warning


async def test_person_on_leave_leaves_a_gap(services: Services, clock: FakeClock, monkeypatch) -> None:
    from bot.services import attendance

    engineer = await person(services, ENGINEER)

    async def on_leave(uow: object, person_id: int, day: date) -> bool:
        return person_id == engineer.id and day == date(2022, 10, 15)

    monkeypatch.setattr(attendance, "on_leave", on_leave, raising=False)
    await oncall.set_rota(services, await person(services, SUPERVISOR), "10月10日至10月17日 周小舟")
    async with services.db.uow() as uow:
        gaps = await oncall.coverage_gaps(services, uow, clock.now(), clock.now() + timedelta(days=7))
    # the duty day 2022-10-15 runs from 09:00 to 09:00 the next morning
    assert [(services.fmt(a), services.fmt(b)) for a, b in gaps] == [("2022-10-15 09:00", "2022-10-16 09:00")]


async def test_plan_is_proposed_automatically_ahead_of_a_holiday(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2022, 9, 22, 10, 0, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    [ask] = await queued(services, SUPERVISOR, "oncall.plan")
    assert "国庆节" in ask["text"] and ask["buttons"] == ["批准"]


async def test_holiday_days_reach_an_english_reader_with_commas_and_the_english_name(services: Services,
                                                                                    clock: FakeClock) -> None:
    lead = await person(services, LEAD)
    await access.set_language(services, lead, "en")
    clock.set(datetime(2022, 9, 20, 11, 0, tzinfo=SHANGHAI))
    view = await oncall.duty_plan(services, await person(services, SUPERVISOR), "国庆")
    await oncall.approve_plan(services, await person(services, SUPERVISOR), view.plan.id)
    lead_days = sorted(d for d, pid in view.plan.days.items() if pid == lead.id)
    clock.set(datetime(2022, 9, 30, 16, 0, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    [days] = await queued(services, LEAD, "oncall.holiday")
    assert "The National Day holiday starts tomorrow" in days["text"]
    assert ", ".join(d.isoformat() for d in lead_days) in days["text"] and "、" not in days["text"]


async def test_a_span_with_times_leaves_exactly_the_uncovered_minutes_as_a_gap(services: Services,
                                                                             clock: FakeClock) -> None:
    clock.set(datetime(2022, 10, 10, 8, 0, tzinfo=SHANGHAI))
    done = await oncall.set_duty(services, await person(services, SUPERVISOR), "今天18:30至明天09:00 周小舟")
    assert (services.fmt(done.start), services.fmt(done.end)) == ("2022-10-10 18:30", "2022-10-11 09:00")
    async with services.db.uow() as uow:
        gaps = await oncall.coverage_gaps(services, uow, datetime(2022, 10, 10, 10, 0, tzinfo=SHANGHAI),
                                          datetime(2022, 10, 11, 12, 0, tzinfo=SHANGHAI))
    assert [(services.fmt(a), services.fmt(b)) for a, b in gaps] == [("2022-10-10 17:30", "2022-10-10 18:30")]
    clock.set(datetime(2022, 10, 10, 8, 30, tzinfo=SHANGHAI))  # the rota's morning reminder
    await run_all_due(services, clock.now())
    [morning] = await queued(services, ENGINEER, "oncall.morning")
    assert "2022-10-10 18:30 至 2022-10-11 09:00" in morning["text"]


async def test_a_swap_keeps_the_times_of_the_shift(services: Services) -> None:
    lead, engineer, supervisor = [await person(services, i) for i in (LEAD, ENGINEER, SUPERVISOR)]
    await oncall.set_duty(services, supervisor, "10月15日晚上 林海")
    swap, _other = await oncall.request_swap(services, lead, "10月15日 周小舟")
    await oncall.answer_swap(services, engineer, swap.id, True)
    await oncall.decide_swap(services, supervisor, swap.id, True)
    assert await rota(services, date(2022, 10, 15), date(2022, 10, 15)) == {date(2022, 10, 15): ["周小舟 17:30–09:00"]}
