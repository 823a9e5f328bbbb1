"""The daily maintenance log on a real database: the rate over working days and the afternoon reminder."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.services import daily_log
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from bot.services.schedule import run_all_due
from storage.base import chat_key
from tests.conftest import ENGINEER, LEAD, SHANGHAI, SUPERVISOR


async def _person(services: Services, telegram_id: int) -> Person:
    async with services.db.uow() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
    assert person is not None
    return person


async def _reminders(services: Services, chat_id: int) -> list[str]:
    async with services.db.uow() as uow:
        rows = await uow.outbox.fetchall("SELECT text FROM outbox WHERE chat_id = ? AND kind = 'daily.reminder'",
                                         (chat_key(chat_id),))
    return [r["text"] for r in rows]


async def test_rate_counts_working_days_with_a_log(services: Services, clock: FakeClock) -> None:
    # October 2022: 1-7 National Day; Saturday 8 and Sunday 9 are make-up working days.
    engineer = await _person(services, ENGINEER)
    clock.set(datetime(2022, 10, 8, 10, 0, tzinfo=SHANGHAI))
    await daily_log.record(services, engineer, "巡检统一经办门户、社保卡系统，运行正常")
    await daily_log.record(services, await _person(services, LEAD), "复查备份任务")  # two logs, one day
    clock.set(datetime(2022, 10, 12, 11, 0, tzinfo=SHANGHAI))
    await daily_log.record(services, engineer, "巡检权限系统")
    rate = await daily_maintenance_rate_october(services)
    # Working days up to today: 8, 9, 10, 11, 12 -> logged 8 and 12.
    assert (rate.numerator, rate.denominator) == (Decimal(2), Decimal(5))
    assert [loss.params["day"] for loss in rate.losses] == ["2022-10-09", "2022-10-10", "2022-10-11"]


async def daily_maintenance_rate_october(services: Services) -> object:
    return await daily_log.daily_maintenance_rate(services, date(2022, 10, 1), date(2022, 10, 31))


async def test_today_counts_only_once_logged_or_over(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2022, 10, 10, 10, 0, tzinfo=SHANGHAI))
    morning = await daily_log.daily_maintenance_rate(services, date(2022, 10, 10), date(2022, 10, 10))
    assert morning.denominator == 0 and morning.rate == Decimal(1)
    clock.set(datetime(2022, 10, 10, 18, 0, tzinfo=SHANGHAI))
    evening = await daily_log.daily_maintenance_rate(services, date(2022, 10, 10), date(2022, 10, 10))
    assert (evening.numerator, evening.denominator) == (0, 1)


async def test_upto_limits_the_days_counted(services: Services) -> None:
    rate = await daily_log.daily_maintenance_rate(services, date(2022, 10, 1), date(2022, 10, 31),
                                                  upto=date(2022, 10, 9))
    assert rate.denominator == 2 and len(rate.losses) == 2


async def test_only_engineers_record_and_empty_text_is_explained(services: Services) -> None:
    with pytest.raises(DomainError) as refused:
        await daily_log.record(services, await _person(services, SUPERVISOR), "看了一眼")
    assert refused.value.key == "daily.engineers_only"
    with pytest.raises(DomainError) as empty:
        await daily_log.record(services, await _person(services, ENGINEER), "  ")
    assert empty.value.key == "daily.usage"


async def test_reminder_on_a_working_day_without_a_log_once(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2022, 10, 10, 16, 29, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    assert await _reminders(services, ENGINEER) == []
    assert await daily_log.next_reminder(services, clock.now()) == datetime(2022, 10, 10, 16, 30, tzinfo=SHANGHAI)
    clock.advance(timedelta(minutes=1))
    await run_all_due(services, clock.now())
    await run_all_due(services, clock.now())
    assert len(await _reminders(services, ENGINEER)) == 1 and len(await _reminders(services, LEAD)) == 1
    assert await _reminders(services, SUPERVISOR) == []
    assert await daily_log.next_reminder(services, clock.now()) == datetime(2022, 10, 11, 16, 30, tzinfo=SHANGHAI)


async def test_no_reminder_when_logged_or_on_a_day_off(services: Services, clock: FakeClock) -> None:
    await daily_log.record(services, await _person(services, ENGINEER), "巡检完成")
    clock.set(datetime(2022, 10, 10, 17, 0, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())
    clock.set(datetime(2022, 10, 15, 17, 0, tzinfo=SHANGHAI))  # Saturday
    await run_all_due(services, clock.now())
    assert await _reminders(services, ENGINEER) == []
    assert await daily_log.next_reminder(services, clock.now()) == datetime(2022, 10, 17, 16, 30, tzinfo=SHANGHAI)
