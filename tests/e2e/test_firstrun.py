"""Issue 13 (items 4 and 5): a first run, a contract already under way or over, and wording defects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.services.clock import FakeClock
from config.settings import settings_from_dict
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, Harness, started_bot


async def _harness(config: dict[str, Any], clock: FakeClock) -> AsyncIterator[Harness]:
    async with started_bot(settings_from_dict(config, apply_env=False), clock) as harness:
        yield harness


@pytest.fixture
async def english_bot(config_dict: dict[str, Any], clock: FakeClock) -> AsyncIterator[Harness]:
    """The sample contract with English as its default language; nobody has chosen a language."""
    config_dict["contract"]["default_language"] = "en"
    async for harness in _harness(config_dict, clock):
        yield harness


# -- the contract's default language ------------------------------------------------------------------
async def test_contract_default_language_english_answers_people_without_a_language_in_english(
        english_bot: Harness) -> None:
    [answer] = await english_bot.chat.send(ENGINEER, "/help")
    assert "Commands you can use" in answer.text
    [checkin, *_] = await english_bot.chat.send(LEAD, "签到")
    assert "Checked in" in checkin.text or "checked in" in checkin.text


# -- downtime said in days and hours ---------------------------------------------------------------------
async def test_a_long_downtime_is_told_in_days_and_hours_not_thousands_of_minutes(
        config_dict: dict[str, Any], clock: FakeClock) -> None:
    async for _first in _harness(config_dict, clock):
        pass  # a first run that stops cleanly
    clock.advance(timedelta(minutes=9180))  # 6 days 9 hours
    async for harness in _harness(config_dict, clock):
        await harness.chat.flush()
        [notice] = harness.to(ADMIN)
        assert "约 6 天 9 小时" in notice.text
        assert "9180" not in notice.text


# -- a second check-out ------------------------------------------------------------------------------------
async def test_a_moved_check_out_reads_as_a_sentence_and_the_same_minute_is_not_a_move(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/lang en")
    await bot.chat.send(ENGINEER, "签到")
    bot.clock.set(datetime(2022, 10, 10, 17, 45, 5, tzinfo=SHANGHAI))
    await bot.chat.send(ENGINEER, "签退")
    bot.clock.advance(timedelta(seconds=30))
    [same_minute, *_] = await bot.chat.send(ENGINEER, "签退")
    assert "moved" not in same_minute.text
    bot.clock.advance(timedelta(minutes=5))
    [moved, *_] = await bot.chat.send(ENGINEER, "签退")
    assert "Thank you! (Check-out moved from 17:45;" in moved.text


# -- an open ticket nobody has taken ------------------------------------------------------------------------
async def test_a_ticket_nobody_took_says_so_in_the_list(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/ticket 打印机卡纸")
    [listing, *_] = await bot.chat.send(LEAD, "/tickets")
    line = next(x for x in listing.text.splitlines() if x.startswith("#1 "))
    assert "— —" not in line
    assert "尚无处理人" in line


# -- /oncall: as many days as it says ---------------------------------------------------------------------
async def test_oncall_lists_exactly_the_seven_days_it_announces(bot: Harness) -> None:
    [answer, *_] = await bot.chat.send(LEAD, "/oncall")
    assert "今后 7 天" in answer.text
    days = [line for line in answer.text.splitlines() if line[:4] == "2022" and line[4] == "-"]
    assert len(days) == 7
    assert days[0].startswith("2022-10-10") and days[-1].startswith("2022-10-16")


# -- holiday names in English -------------------------------------------------------------------------------
async def test_english_messages_name_the_holiday_in_english(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/lang en")
    bot.clock.set(datetime(2022, 9, 28, 9, 0, tzinfo=SHANGHAI))
    [plan, *_] = await bot.chat.send(LEAD, "/dutyplan 国庆")
    assert "National Day" in plan.text and "国庆节" not in plan.text
    [rota, *_] = await bot.chat.send(LEAD, "/oncall")
    assert "National Day" in rota.text and "国庆节" not in rota.text
    supervisor_copy = next(m for m in bot.to(SUPERVISOR) if "国庆节" in m.text)  # Chinese for the supervisor
    assert "National Day" not in supervisor_copy.text


# -- /dutyplan after an approved swap ---------------------------------------------------------------------
async def test_dutyplan_shows_who_is_on_duty_after_an_approved_swap(bot: Harness) -> None:
    bot.clock.set(datetime(2022, 12, 26, 10, 0, tzinfo=SHANGHAI))
    [shown] = [m for m in await bot.chat.send(SUPERVISOR, "/dutyplan 元旦") if m.chat_id == SUPERVISOR]
    await bot.chat.press(SUPERVISOR, shown, "批准")
    [plan] = [m for m in await bot.chat.send(LEAD, "/dutyplan 元旦") if m.chat_id == LEAD]
    asker, taker, taker_name = ((LEAD, ENGINEER, "周小舟") if "2022-12-31  林海" in plan.text
                                else (ENGINEER, LEAD, "林海"))
    await bot.chat.send(asker, f"/swap 12月31日 {taker_name}")
    [request] = [m for m in bot.to(taker) if "请您替其值" in m.text]
    await bot.chat.press(taker, request, "同意")
    [to_supervisor] = [m for m in bot.to(SUPERVISOR) if "换班申请" in m.text]
    await bot.chat.press(SUPERVISOR, to_supervisor, "批准")
    [after] = [m for m in await bot.chat.send(LEAD, "/dutyplan 元旦") if m.chat_id == LEAD]
    assert f"2022-12-31  {taker_name}" in after.text


# -- /score why <component> as the bot prints it -----------------------------------------------------------
@pytest.mark.parametrize("typed", ["Daily maintenance", "daily maintenance", "DailyMaintenance", "日常维护",
                                   "日常 维护", "Responsiveness", "Completion", "Satisfaction", "Attendance", "出勤",
                                   "完成率", "满意率", "响应度"])
async def test_score_why_accepts_every_component_name_the_bot_prints(bot: Harness, typed: str) -> None:
    await bot.chat.send(LEAD, "/lang en")
    bot.clock.advance(timedelta(days=3))  # three working days without a maintenance log or check-ins
    [answer, *_] = await bot.chat.send(LEAD, f"/score why {typed}")
    assert answer.text.startswith("🔎 Lost points"), answer.text
    assert "could not read the period" not in answer.text
    if "维护" in typed or "aint" in typed:
        assert "[Daily maintenance]" in answer.text and "[Attendance]" not in answer.text


# -- incident questions without a raw tag ---------------------------------------------------------------------
async def test_incident_questions_show_no_raw_tag_and_a_reply_still_fills_the_section(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/lang en")
    sent = await bot.chat.send(ENGINEER, "/incident odd logins on the database")
    question = [m for m in sent if m.chat_id == ENGINEER][-1]
    assert "discovery" in question.text and "#INC" not in question.text
    replies = await bot.chat.send(ENGINEER, "found in the logs during the daily check", reply_to=question)
    assert "Saved the discovery of incident #1" in replies[0].text
    assert "#INC" not in replies[1].text and "cause" in replies[1].text


# -- an urgent request raised in the group ---------------------------------------------------------------------
async def test_an_urgent_request_raised_in_the_group_is_announced_there_once(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    before = len(bot.to(GROUP))
    await bot.chat.send(CLIENT_CONTACT, "/urgent 社保卡系统无法登录", chat_id=GROUP)
    await bot.chat.flush()
    about_it = [m for m in bot.to(GROUP)[before:] if "紧急请求 #1" in m.text]
    assert len(about_it) == 1
    assert any("紧急请求 #1" in m.text for m in bot.to(LEAD))  # the people on duty are still asked


# -- /score in English when nothing was paid -------------------------------------------------------------------
async def test_english_score_does_not_claim_money_was_paid_when_none_was(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/lang en")
    [answer, *_] = await bot.chat.send(LEAD, "/score")
    assert "paid before" not in answer.text
    assert "earlier instalments ¥218,000.00, paid or still due" in answer.text


# -- a new database in a contract already under way ------------------------------------------------------------
async def test_a_new_database_mid_contract_counts_no_absence_before_its_first_day(bot: Harness) -> None:
    [first_day, *_] = await bot.chat.send(CLIENT_CONTACT, "/score")
    assert "从 2022-10-10 起计" in first_day.text
    assert "F 档" not in first_day.text  # was 35.31 / 50.00 · F on day one
    assert "较上月" not in first_day.text  # no comparison with a month the bot did not see
    bot.clock.set(datetime(2022, 10, 13, 18, 0, tzinfo=SHANGHAI))  # Mon–Thu: nobody checked in
    [why, *_] = await bot.chat.send(CLIENT_CONTACT, "/score why 出勤")
    absences = [line for line in why.text.splitlines() if line.endswith("缺勤")]
    assert len(absences) == 8  # Mon–Thu × 2 engineers, not 316 absences since February
    assert all("2022-10-1" in line for line in absences)
    assert "另有" not in why.text


async def test_the_tracking_start_is_recorded_once_and_kept_across_restarts(
        config_dict: dict[str, Any], clock: FakeClock) -> None:
    async for _first in _harness(config_dict, clock):
        pass
    clock.set(datetime(2022, 10, 20, 9, 0, tzinfo=SHANGHAI))
    async for harness in _harness(config_dict, clock):
        # the admins' downtime notice (queued at start-up, woken after its commit) may come in the same moment
        sent = await harness.chat.send(CLIENT_CONTACT, "/score")
        [answer] = [m for m in sent if m.chat_id == CLIENT_CONTACT and not m.text.startswith("ℹ️")]
        assert "从 2022-10-10 起计" in answer.text


async def test_a_configured_tracking_start_is_used_and_shown(config_dict: dict[str, Any], clock: FakeClock) -> None:
    config_dict["contract"]["tracking_start"] = "2022-09-01"
    async for harness in _harness(config_dict, clock):
        [answer, *_] = await harness.chat.send(CLIENT_CONTACT, "/score")
        assert "从 2022-09-01 起计" in answer.text
        assert "F 档" in answer.text  # nobody checked in all September: those absences count


async def test_a_new_database_does_not_send_last_months_report_at_once(
        config_dict: dict[str, Any], clock: FakeClock) -> None:
    config_dict["reports"] = {"monthly": True}  # September's report was due Sat 8 Oct (a working day)
    async for harness in _harness(config_dict, clock):
        await harness.run_timers()
        assert not [m for m in harness.to(CLIENT_CONTACT) if "2022-09 月度报告" in m.text]
        assert not harness.api.calls_of("sendDocument")


async def test_last_months_report_still_goes_out_when_the_bot_saw_that_month(
        config_dict: dict[str, Any], clock: FakeClock) -> None:
    config_dict["reports"] = {"monthly": True}
    config_dict["contract"]["tracking_start"] = "2022-09-01"
    async for harness in _harness(config_dict, clock):
        await harness.run_timers()
        assert [m for m in harness.to(CLIENT_CONTACT) if "2022-09 月度报告" in m.text]


# -- attendance outside the service period ---------------------------------------------------------------------
async def test_a_check_in_after_the_service_period_is_refused_and_nothing_is_recorded(bot: Harness) -> None:
    bot.clock.set(datetime(2023, 2, 4, 10, 0, tzinfo=SHANGHAI))  # a Saturday after the contract ended
    [answer, *_] = await bot.chat.send(LEAD, "签到")
    assert "不在合同服务期（2022-02-01 至 2023-01-31）内" in answer.text
    assert "节假日值班" not in answer.text.replace("也不算节假日值班", "")
    async with bot.services.db.uow() as uow:
        assert await uow.audit.list(action_prefix="attendance.") == []


async def test_no_check_in_reminder_after_the_service_period(bot: Harness) -> None:
    bot.clock.set(datetime(2023, 2, 6, 9, 20, tzinfo=SHANGHAI))  # a Monday after the contract ended
    await bot.run_timers()
    assert not [m for m in bot.to(ENGINEER) if "签到" in m.text]
    bot.clock.set(datetime(2023, 1, 30, 9, 20, tzinfo=SHANGHAI))  # the last Monday inside it still reminds
    await bot.run_timers()
    assert [m for m in bot.to(ENGINEER) if "签到" in m.text]


async def test_a_database_first_started_after_the_contract_has_no_score_to_show(
        config_dict: dict[str, Any]) -> None:
    late = FakeClock(datetime(2023, 3, 6, 9, 0, tzinfo=SHANGHAI))  # first start: after the contract ended
    async for harness in _harness(config_dict, late):
        [answer, *_] = await harness.chat.send(CLIENT_CONTACT, "/score")
        assert "尚未开始记录（从 2023-03-06 起记录）" in answer.text
        assert "A 档" not in answer.text and "F 档" not in answer.text
