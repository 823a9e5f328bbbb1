"""The score of a month, worked out by hand: first with fake component sources, then with the real ones
fed by real check-ins and daily logs; deductions and their floor; the period rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.handlers.render.scoring import render_score_answer
from bot.services import attendance, daily_log
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.people import Person
from bot.services.domain.rates import ComponentRate, Loss
from bot.services.errors import DomainError
from bot.services.scoring import (
    RateSource,
    compute_assessment,
    deduct,
    list_deductions,
    resolve_period,
    score_answer,
)
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR


async def score_text(services: Services, person: Person, args: str,
                     sources: Mapping[str, RateSource] | None = None) -> str:
    """The /score answer as the person reads it (the service's answer, rendered)."""
    return render_score_answer(await score_answer(services, person, args, sources), person.language)

D = Decimal


def fake_sources(rates: dict[str, ComponentRate], calls: list[tuple[str, date, date]] | None = None
                 ) -> dict[str, RateSource]:
    """A rate function per component that returns a fixed ComponentRate and records the period asked."""
    def make(name: str) -> RateSource:
        async def source(services: Services, start: date, end: date) -> ComponentRate:
            if calls is not None:
                calls.append((name, start, end))
            return rates[name]
        return source
    return {name: make(name) for name in rates}


# October 2022 as the fakes report it (the same month the e2e and CLI tests use).
OCTOBER_RATES: dict[str, ComponentRate] = {
    "attendance": ComponentRate(D(412), D(420), [
        Loss("att.loss_absent", {"name": "周小舟", "date": "2022-10-12"}, D(1), "2022-10-12")]),
    "completion": ComponentRate(D(18), D(20)),
    "satisfaction": ComponentRate(D(6), D(10)),
    "daily_maintenance": ComponentRate(D(20), D(21), [
        Loss("daily.loss.missing", {"day": "2022-10-19"}, D(1), "2022-10-19")]),
    "responsiveness": ComponentRate(D(3), D(6), [
        Loss("urg.loss.late", {"id": 12, "minutes": 72}, D(1), "2022-10-12T10:00")]),
}


def october_sources(calls: list[tuple[str, date, date]] | None = None) -> dict[str, RateSource]:
    return fake_sources(OCTOBER_RATES, calls)


async def person(services: Services, telegram_id: int) -> Person:
    async with services.db.uow() as uow:
        found = await uow.people.by_telegram_id(telegram_id)
    assert found is not None
    return found


@pytest.fixture
def november(clock: FakeClock) -> FakeClock:
    clock.set(datetime(2022, 11, 5, 10, 0, tzinfo=SHANGHAI))
    return clock


async def test_synthetic_october_worked_out_by_hand(services: Services, november: FakeClock) -> None:
    calls: list[tuple[str, date, date]] = []
    a = await compute_assessment(services, resolve_period(services, "2022-10"), october_sources(calls))
    # attendance 30 × 412/420 = 29.428571…; completion 20 × 18/20 = 18; satisfaction 20 × 6/10 = 12;
    # daily maintenance 20 × 20/21 = 19.047619…; responsiveness 10 × 3/6 = 5 → 83.476190…, shown as 83.48
    assert a.total.quantize(D("0.0001")) == D("83.4762")
    assert a.shown_total == "83.48"
    assert a.components["attendance"].points.quantize(D("0.01")) == D("29.43")
    assert a.tier.label == "B" and a.payment_ratio == D("0.90")
    # 436000 × 0.90 − (43600 + 174400 scheduled before the final payment)
    assert a.projected_payment == D("174400.00")
    assert {(name, start, end) for name, start, end in calls} == {
        (name, date(2022, 10, 1), date(2022, 10, 31)) for name in OCTOBER_RATES}


async def test_deduction_lowers_its_component_and_is_audited_and_announced(services: Services,
                                                                            november: FakeClock) -> None:
    supervisor = await person(services, SUPERVISOR)
    recorded = await deduct(services, supervisor, "响应度 2 2022-10-12 故障未按时到岗")
    assert (recorded.component, recorded.points, recorded.day) == ("responsiveness", D(2), date(2022, 10, 12))
    a = await compute_assessment(services, resolve_period(services, "2022-10"), october_sources())
    assert a.components["responsiveness"].points == D(3)
    assert a.total.quantize(D("0.01")) == D("81.48")
    async with services.db.uow() as uow:
        [entry] = await uow.audit.list(action_prefix="score.deduct")
        pending = await uow.outbox.due(services.now())
    assert entry.actor_name == "陈主管" and entry.after["points"] == "2"
    told = {m.chat_id for m in pending if m.kind == "score.deduction"}
    assert LEAD in told and CLIENT_CONTACT in told and SUPERVISOR not in told
    assert any("陈主管" in m.text and "响应度" in m.text for m in pending)


async def test_deductions_never_take_a_component_below_zero(services: Services, november: FakeClock) -> None:
    contact = await person(services, CLIENT_CONTACT)
    await deduct(services, contact, "响应度 4 2022-10-12 第一次")
    await deduct(services, contact, "responsiveness 4 2022-10-13 second")
    a = await compute_assessment(services, resolve_period(services, "2022-10"), october_sources())
    assert a.components["responsiveness"].points == D(0)  # 5 − 8 floors at 0
    assert a.components["responsiveness"].deductions == D(8)
    assert a.total.quantize(D("0.01")) == D("78.48")  # 83.48 − 5, not − 8


async def test_a_deduction_counts_in_the_month_of_its_day(services: Services, november: FakeClock) -> None:
    contact = await person(services, CLIENT_CONTACT)
    await deduct(services, contact, "出勤 1 2022-09-30 九月的事")
    october = await compute_assessment(services, resolve_period(services, "2022-10"), october_sources())
    september = await compute_assessment(services, resolve_period(services, "2022-09"), october_sources())
    assert october.components["attendance"].deductions == 0
    assert september.components["attendance"].deductions == 1
    listed = await list_deductions(services, resolve_period(services, "合同至今"))
    assert [d.reason for d in listed] == ["九月的事"]


@pytest.mark.parametrize(("args", "key"), [
    ("响应度 2", "score.deduct.usage"),
    ("速度 2 太慢", "score.deduct.bad_component"),
    ("响应度 0 零分", "score.deduct.bad_points"),
    ("响应度 11 超过满分", "score.deduct.bad_points"),
    ("响应度 abc 不是数", "score.deduct.bad_points"),
])
async def test_bad_deductions_are_refused_with_a_reason(services: Services, args: str, key: str) -> None:
    contact = await person(services, CLIENT_CONTACT)
    with pytest.raises(DomainError) as refused:
        await deduct(services, contact, args)
    assert refused.value.key == key
    assert await list_deductions(services, resolve_period(services, "")) == []


async def test_change_since_last_month_is_shown(services: Services, november: FakeClock) -> None:
    contact = await person(services, CLIENT_CONTACT)
    await deduct(services, contact, "完成率 1.5 2022-10-20 月报迟交")
    text = await score_text(services, contact, "2022-10", october_sources())
    # September (same fakes, no deduction) 83.48 → October 81.98
    assert "总分 81.98 / 100" in text
    assert "较上月 −1.50" in text


async def test_score_why_lists_each_loss_and_deduction_with_its_cost(services: Services,
                                                                      november: FakeClock) -> None:
    contact = await person(services, CLIENT_CONTACT)
    await deduct(services, contact, "响应度 2 2022-10-12 故障未按时到岗")
    text = await score_text(services, contact, "why 响应度 2022-10", october_sources())
    assert "−1.67 响应度" in text            # 10 × 1 / 6 for the late arrival
    assert "−2.00 响应度：甲方扣分（赵联络，2022-10-12）：故障未按时到岗" in text
    assert "出勤" not in text                  # only the component asked for


async def test_periods_are_clamped_to_the_contract_and_today(services: Services) -> None:
    # Default clock: Monday 2022-10-10.
    assert resolve_period(services, "本月").end == date(2022, 10, 10)
    whole = resolve_period(services, "")
    assert (whole.start, whole.end, whole.kind) == (date(2022, 2, 1), date(2022, 10, 10), "contract")
    quarter = resolve_period(services, "2022Q1")  # only the contract's part of the quarter
    assert (quarter.start, quarter.end) == (date(2022, 2, 1), date(2022, 3, 31))
    with pytest.raises(DomainError) as outside:
        resolve_period(services, "2021-10")
    assert outside.value.key == "score.period_outside"
    with pytest.raises(DomainError) as unreadable:
        resolve_period(services, "whenever")
    assert unreadable.value.key == "error.bad_period"


async def test_real_sources_for_a_week_worked_out_by_hand(services: Services, clock: FakeClock) -> None:
    """Mon 10 – Fri 14 Oct 2022: two engineers, 10 person-days expected; the lead misses Wednesday;
    daily logs on 3 of the 5 days; no tickets, no urgent requests."""
    lead, engineer = await person(services, LEAD), await person(services, ENGINEER)
    monday = datetime(2022, 10, 10, 8, 50, tzinfo=SHANGHAI)
    for offset in range(5):
        clock.set(monday + timedelta(days=offset))
        await attendance.check_in(services, engineer)
        if offset != 2:
            await attendance.check_in(services, lead)
        if offset in (0, 1, 3):
            clock.advance(timedelta(hours=7))
            await daily_log.record(services, lead, "巡检：各系统运行正常")
    clock.set(datetime(2022, 10, 15, 10, 0, tzinfo=SHANGHAI))
    a = await compute_assessment(services, resolve_period(services, "2022-10-10至2022-10-14"))
    points = {name: c.points for name, c in a.components.items()}
    assert (a.components["attendance"].rate.numerator, a.components["attendance"].rate.denominator) == (9, 10)
    assert points == {"attendance": D(27), "daily_maintenance": D(12), "completion": D(20),
                      "satisfaction": D(20), "responsiveness": D(10)}
    assert a.total == D(89) and a.tier.label == "A"
    contact = await person(services, CLIENT_CONTACT)
    why = await score_text(services, contact, "why 出勤 2022-10-10至2022-10-14")
    assert "−3.00 出勤" in why and "林海" in why and "2022-10-12" in why


async def test_score_shows_real_urgent_response_times_beside_responsiveness(services: Services,
                                                                          clock: FakeClock) -> None:
    """Two urgent requests on Mon 10 Oct: acknowledged after 5 and 15 minutes, reached after 40 and 70."""
    from bot.services import urgent

    supervisor, lead = await person(services, SUPERVISOR), await person(services, LEAD)
    for start, ack, arrive in ((datetime(2022, 10, 10, 10, 0, tzinfo=SHANGHAI), 5, 40),
                               (datetime(2022, 10, 10, 14, 0, tzinfo=SHANGHAI), 15, 70)):
        clock.set(start)
        raised = await urgent.raise_urgent(services, supervisor, "社保卡系统无法登录")
        clock.set(start + timedelta(minutes=ack))
        await urgent.acknowledge(services, lead, raised.request.id)
        clock.set(start + timedelta(minutes=arrive))
        await urgent.arrive(services, lead, raised.request.id)
    clock.set(datetime(2022, 10, 11, 9, 0, tzinfo=SHANGHAI))
    contact = await person(services, CLIENT_CONTACT)
    text = await score_text(services, contact, "2022-10-10至2022-10-10")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("响应度 5.00/10"))  # one of two in time
    assert lines[at + 1].strip() == "⏱ 确认：中位 10 分钟，90% 在 15 分钟内"
    assert lines[at + 2].strip() == "🚶 到岗：中位 55 分钟，90% 在 70 分钟内"
