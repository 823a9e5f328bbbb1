"""Payment milestones (第四条): due dates in working days, /paid records, the projected final payment."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

import pytest

from bot.handlers.render.payments import render_overview
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from bot.services.payments import (
    correct_payment,
    payment_schedule,
    payments_overview,
    record_payment,
    six_months_of_service,
)
from bot.services.scoring import RateSource, compute_assessment, resolve_period
from tests.conftest import CLIENT_CONTACT, SHANGHAI
from tests.integration.test_scoring_month import october_sources, person

D = Decimal


async def payments_text(services: Services, person: Person,
                        sources: Mapping[str, RateSource] | None = None) -> str:
    """/payments as the person reads it (the service's overview, rendered)."""
    return render_overview(services, await payments_overview(services, person, sources), person.language)


def test_six_months_of_service_end_the_day_before_the_seventh_month() -> None:
    assert six_months_of_service(date(2022, 2, 1)) == date(2022, 7, 31)
    assert six_months_of_service(date(2022, 8, 31)) == date(2023, 2, 27)


async def test_due_dates_count_working_days_of_the_chinese_calendar(services: Services) -> None:
    schedule = {m.key: m for m in await payment_schedule(services)}
    # Signed Thu 2022-01-20; Sat 29 and Sun 30 Jan were working days, 31 Jan – 6 Feb the Spring Festival:
    # 21, 24–28, 29, 30 Jan (8), 7–11 Feb (13), 14, 15 Feb → the 15th working day is 2022-02-15.
    assert schedule["signing"].due == date(2022, 2, 15)
    # Six months end 2022-07-31; August has 23 working days, then 1, 2, 5–9 Sep → 2022-09-09.
    assert schedule["midterm"].due == date(2022, 9, 9)
    assert schedule["final"].due is None and schedule["final"].is_final
    assert [m.amount for m in schedule.values()] == [D("43600.00"), D("174400.00"), D("218000.00")]


async def test_paid_records_default_amount_and_corrections_are_audited(services: Services) -> None:
    """A second /paid on a recorded milestone is refused (it used to overwrite silently); `/paid fix` corrects
    it, and the audit keeps what it was and what it became."""
    contact = await person(services, CLIENT_CONTACT)
    first = await record_payment(services, contact, "首付款 2022-02-10")
    assert first.paid is not None and first.paid.amount == D("43600.00") and first.paid.paid_on == date(2022, 2, 10)
    with pytest.raises(DomainError) as refused:
        await record_payment(services, contact, "1 2022-02-11 43,000")
    assert refused.value.key == "pay.already_recorded" and refused.value.params["args"] == "1 2022-02-11 43,000"
    assert (await payment_schedule(services))[0].paid_amount == D("43600.00")  # unchanged
    before, corrected = await correct_payment(services, contact, "fix 1 2022-02-11 43,000")
    assert before.paid_amount == D("43600.00")
    assert corrected.paid is not None and corrected.paid.amount == D(43000)
    assert corrected.paid.paid_on == date(2022, 2, 11)
    async with services.db.uow() as uow:
        entries = await uow.audit.list(action_prefix="pay.")
    assert [(e.action, e.after["amount"]) for e in entries] == [("pay.record", "43600.00"), ("pay.correct", "43000")]
    assert entries[1].before == {"paid_on": "2022-02-10", "amount": "43600.00"}


async def test_a_milestone_not_recorded_cannot_be_corrected(services: Services) -> None:
    contact = await person(services, CLIENT_CONTACT)
    with pytest.raises(DomainError) as refused:
        await correct_payment(services, contact, "fix 中期款 2022-09-01 174400")
    assert refused.value.key == "pay.nothing_to_fix"
    assert (await payment_schedule(services))[1].paid is None


@pytest.mark.parametrize(("args", "key"), [
    ("首付款", "pay.usage"),
    ("订金 2022-02-10", "pay.unknown_milestone"),
    ("中期款 2022-12-01", "pay.future_date"),
    ("中期款 某天", "error.bad_time"),
    ("2 2022-09-01 -5", "pay.bad_amount"),
    ("1 2022-03-01 abc", "pay.bad_amount"),
    ("1 2022-03-01 0", "pay.bad_amount"),
    ("signing 2022-03-01 1e308", "pay.over_contract"),
    ("signing 2022-03-01 99999999999999999", "pay.over_contract"),
    ("signing 2022-03-01 NaN", "pay.bad_amount"),
    ("signing 2022-03-01 Infinity", "pay.bad_amount"),
    ("signing 2022-03-01 1e-9", "pay.bad_amount"),
    ("signing 2022-03-01 100.005", "pay.bad_amount"),
    ("signing 2022-03-01 43600.01", "pay.over_due"),      # more than its 10% share
    ("中期款 2022-09-01 174400.01", "pay.over_due"),
    ("signing 2022-01-19", "pay.too_early"),              # the day before signing
    ("中期款 2022-07-31", "pay.too_early"),                # six months of service end that day
    ("尾款 2022-09-27 436000", "pay.too_early"),           # the service period has not ended
])
async def test_bad_payment_records_are_refused(services: Services, args: str, key: str) -> None:
    contact = await person(services, CLIENT_CONTACT)
    with pytest.raises(DomainError) as refused:
        await record_payment(services, contact, args)
    assert refused.value.key == key
    assert all(m.paid is None for m in await payment_schedule(services))  # nothing half-written


async def test_projection_subtracts_what_was_actually_paid(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2022, 11, 5, 10, 0, tzinfo=SHANGHAI))
    contact = await person(services, CLIENT_CONTACT)
    await record_payment(services, contact, "首付款 2022-02-10")
    await record_payment(services, contact, "中期款 2022-09-01 170000")
    a = await compute_assessment(services, resolve_period(services, "2022-10"), october_sources())
    # 436000 × 0.90 − (43600 + 170000)
    assert a.projected_payment == D("178800.00")


async def test_payments_text_shows_due_dates_status_and_projection(services: Services) -> None:
    # Default clock Monday 2022-10-10: the mid-term payment (due 2022-09-09) is unpaid and past due.
    contact = await person(services, CLIENT_CONTACT)
    await record_payment(services, contact, "首付款 2022-02-10")
    text = await payments_text(services, contact, october_sources())
    assert "首付款（10%）¥43,600.00\n  应付日期 2022-02-15 · ✅ 已付 ¥43,600.00（2022-02-10）" in text
    assert "中期款（40%）¥174,400.00\n  应付日期 2022-09-09 · ⚠️ 未付，已过应付日期" in text
    assert "尾款（按考核结果）¥174,400.00\n  应付日期 服务期满终评后 · 未付" in text
    assert "预计尾款 ¥174,400.00" in text and "B 档" in text


async def test_a_bad_amount_is_called_a_bad_amount_with_an_example(services: Services) -> None:
    from bot.catalog import t

    contact = await person(services, CLIENT_CONTACT)
    with pytest.raises(DomainError) as refused:
        await record_payment(services, contact, "2 2022-09-01 -5")
    text = t(refused.value.key, "zh_CN", **refused.value.params)
    assert "金额「-5」" in text and "/paid 中期款 2022-09-01 174400" in text and "时间" not in text
    english = t(refused.value.key, "en", **refused.value.params)
    assert "“-5”" in english and "/paid" in english
    assert (await payment_schedule(services))[1].paid is None  # nothing recorded


async def test_projection_shows_the_score_it_was_tiered_on(services: Services) -> None:
    """Exactly 85.004 pays tier A: /payments must not show it as 85.00 (which would be tier B)."""
    from bot.services.domain.rates import ComponentRate
    from tests.integration.test_scoring_month import fake_sources

    contact = await person(services, CLIENT_CONTACT)
    sources = fake_sources({"attendance": ComponentRate(D(1), D(1)), "completion": ComponentRate(D(1), D(1)),
                            "satisfaction": ComponentRate(D(1), D(1)),
                            "daily_maintenance": ComponentRate(D(15004), D(20000)),
                            "responsiveness": ComponentRate(D(0), D(1))})
    text = await payments_text(services, contact, sources)
    assert "按合同至今得分 85.004（A 档，付 100%）" in text


async def test_the_final_payment_is_at_most_the_tier_ratio_less_what_was_paid_before(
        services: Services, clock: FakeClock) -> None:
    """After the period, at the contract-to-date score 83.48 (B, 90%): 436000 × 0.9 − 43600 − 174400 = 174400."""
    clock.set(datetime(2023, 3, 6, 10, 0, tzinfo=SHANGHAI))
    contact = await person(services, CLIENT_CONTACT)
    await record_payment(services, contact, "首付款 2022-02-10")
    await record_payment(services, contact, "中期款 2022-09-01")
    with pytest.raises(DomainError) as refused:
        await record_payment(services, contact, "尾款 2023-02-20 218000", october_sources())
    assert refused.value.key == "pay.over_due" and refused.value.params["max"] == "¥174,400.00"
    assert "B 档" in str(refused.value.params["basis"])  # a Text: rendered in the reader's language
    final = await record_payment(services, contact, "尾款 2023-02-20", october_sources())
    assert final.paid_amount == D("174400.00")


async def test_a_bad_stored_payment_is_flagged_not_crashed_on(services: Services) -> None:
    """Rows stored before /paid validated its input (1e308, text) must not break /payments or /score."""
    from storage.scoring import ScoringRepository

    contact = await person(services, CLIENT_CONTACT)
    async with services.db.uow() as uow:
        repo = uow.repo(ScoringRepository)
        await repo.record_payment(milestone="signing", paid_on=date(2022, 6, 1), amount=D("1e308"),
                                  now=services.now(), actor_telegram_id=None, actor_name=None)
        await repo.record_payment(milestone="midterm", paid_on=date(2022, 9, 1), amount="a lot",  # type: ignore[arg-type]
                                  now=services.now(), actor_telegram_id=None, actor_name=None)
        await uow.commit()
    text = await payments_text(services, contact, october_sources())
    assert "⚠️ 登记的付款无效（金额「1E+308」，日期 2022-06-01）" in text
    assert "⚠️ 登记的付款无效（金额「a lot」，日期 2022-09-01）" in text
    # scheduled amounts are used instead of the unreadable ones
    assert "预计尾款 ¥174,400.00（已扣前期各期款项 ¥218,000.00，已付未付均计）" in text
    a = await compute_assessment(services, resolve_period(services, "2022-10"), october_sources())
    assert a.paid_before == D("218000.00") and a.flagged_payments == ("signing", "midterm")
    before, fixed = await correct_payment(services, contact, "fix 首付款 2022-02-10 43600")
    assert before.flagged and fixed.paid_amount == D(43600) and not fixed.flagged
