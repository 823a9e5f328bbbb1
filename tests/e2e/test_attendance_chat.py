"""Attendance through the real Application and the fake Bot API: what engineers and supervisors see."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.app import build_application, running
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI
from bot.services.attendance_timers import REMINDERS
from bot.services.clock import FakeClock
from bot.state import app_state
from config.settings import Settings
from tests.conftest import (
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    SHANGHAI,
    STRANGER,
    SUPERVISOR,
    Harness,
)


async def test_engineer_checks_in_by_saying_qiandao(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "签到")
    assert answer.chat_id == ENGINEER
    assert "签到成功：2022-10-10 09:00" in answer.text
    assert "准时" in answer.text and "今天：签到 09:00，签退 —" in answer.text
    assert "发送位置" in answer.text


async def test_second_checkin_says_when_the_first_was(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/checkin")
    bot.clock.advance(timedelta(minutes=40))
    [answer] = await bot.chat.send(ENGINEER, "签到")
    assert "已在 2022-10-10 09:00 签到过了" in answer.text and "未作更改" in answer.text


async def test_late_checkin_in_the_group_shows_on_the_groups_board(bot: Harness) -> None:
    bot.clock.advance(timedelta(minutes=25))
    [board] = await bot.chat.send(LEAD, "check in", chat_id=GROUP)  # issue 16.5: the board, not a reply each
    assert board.chat_id == GROUP
    assert "林海 09:25（迟到 25 分钟）" in board.text
    assert [emoji for chat, _, emoji in bot.api.reactions if chat == GROUP] == ["👍"]


async def test_checkin_command_in_a_group_with_privacy_mode_on_hints_once_and_tells_admins(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    answers = await bot.chat.send(LEAD, "/checkin", chat_id=GROUP)
    in_group = [m.text for m in answers if m.chat_id == GROUP]
    assert "今日考勤" in in_group[0] and "BotFather" in in_group[1]
    assert any("BotFather" in m.text for m in bot.to(ADMIN))
    again = await bot.chat.send(ENGINEER, "/checkin", chat_id=GROUP)
    assert [m for m in again if "BotFather" in m.text] == []


async def test_checkout_without_checkin_and_then_an_early_checkout(bot: Harness) -> None:
    [refused] = await bot.chat.send(ENGINEER, "签退")
    assert "还没有签到" in refused.text and "/makeup" in refused.text
    await bot.chat.send(ENGINEER, "签到")
    bot.clock.advance(timedelta(hours=7))  # 16:00
    [answer] = await bot.chat.send(ENGINEER, "/checkout")
    assert "签退成功：2022-10-10 16:00" in answer.text and "早退 1 小时 30 分钟（下班时间 17:30）" in answer.text
    assert "今天：签到 09:00，签退 16:00（早退 1 小时 30 分钟）" in answer.text


async def test_forgotten_checkin_made_up_then_checkout_is_accepted(bot: Harness) -> None:
    bot.clock.advance(timedelta(hours=8, minutes=40))  # 17:40
    [advice] = await bot.chat.send(ENGINEER, "签退")
    assert "/makeup 今天 事由" in advice.text and "批准后再发送「签退」" in advice.text
    [filed] = [m for m in await bot.chat.send(ENGINEER, "/makeup 今天 忘了签到") if m.chat_id == ENGINEER]
    assert "补卡申请 #1 已提交：2022-10-10" in filed.text
    [waiting] = await bot.chat.send(ENGINEER, "签退")
    assert "#1 还在等待甲方审批" in waiting.text
    await bot.chat.press(SUPERVISOR, bot.to(SUPERVISOR)[-1], "✅ 批准")
    [answer] = await bot.chat.send(ENGINEER, "签退")
    assert "签退成功：2022-10-10 17:40" in answer.text and "按已批准的补卡 #1 计为出勤" in answer.text
    assert "今天：签到 补卡，签退 17:40" in answer.text
    [report] = await bot.chat.send(ENGINEER, "/attendance 今天")
    assert "周小舟：应出勤 1 天，出勤 1，迟到 0，请假 0，缺勤 0" in report.text


async def test_location_far_from_site_is_recorded_with_the_distance(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "签到")
    bot.clock.advance(timedelta(minutes=2))
    [answer] = await bot.chat.send_location(ENGINEER, 31.83, 119.97)
    assert "位置已记入" in answer.text
    assert "2.2 公里" in answer.text and "超出 500 米范围" in answer.text


async def test_location_alone_checks_in(bot: Harness) -> None:
    [answer] = await bot.chat.send_location(LEAD, 31.8101, 119.9702)
    assert "已按位置签到：2022-10-10 09:00" in answer.text and "在 500 米范围内" in answer.text


async def test_people_who_are_not_engineers_cannot_check_in(bot: Harness) -> None:
    [answer] = await bot.chat.send(SUPERVISOR, "签到")
    assert "无权" in answer.text
    [stranger] = await bot.chat.send(STRANGER, "签到")
    assert "不在本项目" in stranger.text
    [located] = await bot.chat.send_location(SUPERVISOR, 31.81, 119.97)  # not an attendance matter: said so
    assert "未作记录" in located.text


async def test_evening_location_is_not_a_checkin_and_the_engineer_is_told(bot: Harness) -> None:
    bot.clock.advance(timedelta(hours=12))  # 21:00
    [answer] = await bot.chat.send_location(ENGINEER, 31.81, 119.97)
    assert "未作记录" in answer.text and "签到成功" not in answer.text
    [report] = await bot.chat.send(ENGINEER, "/attendance 今天")
    assert "缺勤 1" in report.text


async def test_leave_is_approved_by_a_supervisor_and_the_engineer_cannot_approve_it(bot: Harness) -> None:
    [filed] = [m for m in await bot.chat.send(ENGINEER, "/leave 明天 看病") if m.chat_id == ENGINEER]
    assert "请假申请 #1 已提交：2022-10-11 至 2022-10-11（1 个工作日）" in filed.text
    [ask] = bot.to(SUPERVISOR)
    assert "周小舟" in ask.text and ask.button_labels() == ["✅ 批准", "❌ 驳回"]
    assert await bot.chat.press(ENGINEER, ask, "✅ 批准") == []
    refusal = bot.chat.answers()[-1].params
    assert refusal["show_alert"] and "无权" in refusal["text"]
    assert len(bot.to(ENGINEER)) == 1  # nothing new for the engineer: still pending
    after = await bot.chat.press(SUPERVISOR, ask, "✅ 批准")
    told = [m for m in after if m.chat_id == ENGINEER]
    assert len(told) == 1 and "已由 陈主管 批准" in told[0].text
    edited = [m for m in after if m.chat_id == SUPERVISOR]
    assert edited and "已批准：陈主管" in edited[-1].text and edited[-1].buttons == []
    [late_ask] = [m for m in bot.to(CLIENT_CONTACT) if "请假申请 #1" in m.text]  # other features may write too
    await bot.chat.press(CLIENT_CONTACT, late_ask, "❌ 驳回")
    alert = bot.chat.answers()[-1].params
    assert alert["show_alert"] and "已由 陈主管 处理" in alert["text"]


async def test_unparseable_leave_period_gets_a_clear_reply_with_examples(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "/leave 过几天 有事")
    assert "没看懂时间段「过几天」" in answer.text and "本月" in answer.text and "国庆" in answer.text
    [usage] = await bot.chat.send(ENGINEER, "/leave")
    assert "/leave 明天 看病" in usage.text


async def test_makeup_is_approved_and_counts_as_present(bot: Harness) -> None:
    [filed] = [m for m in await bot.chat.send(ENGINEER, "/makeup 昨天 手机没电") if m.chat_id == ENGINEER]
    assert "补卡申请 #1 已提交：2022-10-09" in filed.text
    ask = bot.to(SUPERVISOR)[-1]
    assert "本月第 1 次，上限 3 次" in ask.text
    await bot.chat.press(SUPERVISOR, ask, "✅ 批准")
    assert "计为出勤" in bot.to(ENGINEER)[-1].text
    [report] = await bot.chat.send(ENGINEER, "/attendance")
    assert "周小舟：应出勤 2 天，出勤 1，迟到 0，请假 0，缺勤 1" in report.text  # 8 Oct absent, 9 Oct made up


async def test_makeup_beyond_the_monthly_cap_says_the_limit(bot: Harness) -> None:
    bot.clock.set(datetime(2022, 10, 17, 9, 30, tzinfo=SHANGHAI))
    for day in (11, 12, 13):
        await bot.chat.send(ENGINEER, f"/makeup 10月{day}日 忘了")
    [answer] = await bot.chat.send(ENGINEER, "/makeup 10月14日 又忘了")
    assert "每人每月最多补卡 3 次" in answer.text and "2022-10 已申请 3 次" in answer.text


async def test_attendance_report_engineer_sees_own_supervisor_sees_everyone(bot: Harness) -> None:
    await bot.chat.send(LEAD, "签到")
    [own] = await bot.chat.send(ENGINEER, "/attendance")
    assert "周小舟" in own.text and "林海" not in own.text
    [everyone] = await bot.chat.send(SUPERVISOR, "/attendance 本月")
    assert "周小舟" in everyone.text and "林海" in everyone.text
    assert "2022-10-01 至 2022-10-10" in everyone.text
    [bad] = await bot.chat.send(SUPERVISOR, "/attendance 很久以前")
    assert "没看懂时间段" in bad.text and "上个月" in bad.text


async def test_checkin_reminder_at_the_configured_time(bot: Harness) -> None:
    await bot.chat.send(LEAD, "签到")
    bot.clock.advance(timedelta(minutes=15))
    await bot.run_timers()
    reminders = [m for m in bot.to(ENGINEER) if "还没有收到您的签到" in m.text]
    assert len(reminders) == 1
    assert not [m for m in bot.to(LEAD) if "还没有收到您的签到" in m.text]


async def test_reminder_survives_a_restart_in_the_middle_of_the_day(settings: Settings) -> None:
    """Stop the bot before 09:15, start a new one on the same database at 09:20: one reminder, once."""
    clock = FakeClock(datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI))
    at_start, after_sweeps = [], []
    for minutes in (0, 20, 25):
        clock.set(datetime(2022, 10, 10, 9, minutes, tzinfo=SHANGHAI))
        api = FakeBotAPI()
        app = build_application(settings, request=api, clock=clock)
        async with running(app):  # start-up rebuilds the timers from the database and sweeps once
            chat = ChatDriver(app, api)
            await chat.flush()
            at_start.append(len([m for m in api.messages_to(ENGINEER) if "还没有收到您的签到" in m.text]))
            await REMINDERS.sweep(app_state(app).running_services(), clock.now())
            await REMINDERS.sweep(app_state(app).running_services(), clock.now())
            await chat.flush()
            after_sweeps.append(len([m for m in api.messages_to(ENGINEER) if "还没有收到您的签到" in m.text]))
    assert at_start == [0, 1, 0]  # the start at 09:20 sends the missed 09:15 reminder
    assert after_sweeps == [0, 1, 0]  # and no later sweep or restart sends it again


async def test_half_day_leave_is_half_a_day_in_replies_approvals_and_the_report(bot: Harness) -> None:
    """Issue 13: 「/leave 明天下午 家里有事」 was a whole day with 下午 left in the reason."""
    [filed] = [m for m in await bot.chat.send(ENGINEER, "/leave 明天下午 家里有事") if m.chat_id == ENGINEER]
    assert "请假申请 #1 已提交：2022-10-11 下午（半天，计 0.5 个工作日），事由：家里有事。" in filed.text
    [ask] = bot.to(SUPERVISOR)
    assert "2022-10-11 下午（半天）" in ask.text and "事由：家里有事" in ask.text
    decided = await bot.chat.press(SUPERVISOR, ask, "✅ 批准")
    [told] = [m for m in decided if m.chat_id == ENGINEER]
    assert "（2022-10-11 下午）已由 陈主管 批准" in told.text
    # the other half of the same day may be asked for; the same half may not
    [again] = await bot.chat.send(ENGINEER, "/leave 明天下午 还是家里有事")
    assert "重叠" in again.text
    [morning] = [m for m in await bot.chat.send(ENGINEER, "/leave 10月11日上午 看病") if m.chat_id == ENGINEER]
    assert "请假申请 #2 已提交：2022-10-11 上午（半天" in morning.text and "事由：看病" in morning.text
    # the engineer works the morning of the 11th and checks in; the afternoon is the approved half day
    bot.clock.set(datetime(2022, 10, 11, 8, 55, tzinfo=SHANGHAI))
    await bot.chat.send(ENGINEER, "签到")
    bot.clock.set(datetime(2022, 10, 12, 9, 0, tzinfo=SHANGHAI))
    [report] = await bot.chat.send(ENGINEER, "/attendance 10月11日")
    assert "周小舟：应出勤 1 天，出勤 0.5，迟到 0，请假 0.5，缺勤 0，出勤率 50.0%" in report.text
    assert "半天假：10-11 下午" in report.text


async def test_half_day_leave_in_english(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/lang en")
    [filed] = [m for m in await bot.chat.send(ENGINEER, "/leave tomorrow morning dentist") if m.chat_id == ENGINEER]
    assert "Leave request #1 filed: 2022-10-11 morning (half a day, 0.5 working day), reason: dentist." in filed.text


async def test_leave_next_monday_to_next_wednesday_is_three_days(bot: Harness) -> None:
    """Issue 13: the English range was read as its first day only."""
    sent = await bot.chat.send(ENGINEER, "/leave next monday to next wednesday annual leave")
    [filed] = [m for m in sent if m.chat_id == ENGINEER]
    assert "请假申请 #1 已提交：2022-10-17 至 2022-10-19（3 个工作日），事由：annual leave。" in filed.text


async def test_leave_over_the_spring_festival_in_lunar_days(bot: Harness) -> None:
    """Issue 13, item 6: 腊月二十八 to 正月初八 is 2023-01-19 to 2023-01-29; working days on the calendar:
    19 and 20 January, and the substituted working weekend of 28 and 29 January."""
    sent = await bot.chat.send(ENGINEER, "/leave 腊月二十八至正月初八 回老家过年")
    [filed] = [m for m in sent if m.chat_id == ENGINEER]
    assert "请假申请 #1 已提交：2023-01-19 至 2023-01-29（4 个工作日），事由：回老家过年。" in filed.text
    [after] = [m for m in await bot.chat.send(LEAD, "/leave 节后第一天 处理私事") if m.chat_id == LEAD]
    assert "2023-01-03 至 2023-01-03" in after.text  # the next holiday is New Year's Day (31 Dec to 2 Jan)
