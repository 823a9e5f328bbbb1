"""Staff changes through the chat: request, the client's approval, the hand-over, the release, /replace."""

from __future__ import annotations

from datetime import date, datetime

from bot.offline.fake_telegram import SentMessage
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT, Harness

JOINER = 100003
REQUEST = "/staffchange 周小舟 郑新人:100003 2022-11-01 个人原因"


def _last_with(messages: list[SentMessage], needle: str) -> SentMessage:
    found = [m for m in messages if needle in m.text]
    assert found, f"no message with {needle!r} in {[m.text for m in messages]}"
    return found[-1]


async def say(bot: Harness, user: int, text: str) -> list[SentMessage]:
    """What the bot answered `user` in their own chat (notifications to others are left out)."""
    return [m for m in await bot.chat.send(user, text) if m.chat_id == user]


async def _request_and_approve(bot: Harness) -> None:
    await say(bot, LEAD, REQUEST)
    approval = _last_with(bot.to(CLIENT_CONTACT), "人员变更申请 #1")
    await bot.chat.press(CLIENT_CONTACT, approval, "✅ 同意")


async def _person(bot: Harness, name: str):
    async with bot.services.db.uow() as uow:
        return await uow.people.by_name(name)


async def test_lead_request_goes_to_the_client_contact_with_approve_and_reject_buttons(bot: Harness) -> None:
    [answer] = await say(bot, LEAD, REQUEST)
    assert "人员变更 #1" in answer.text and "2022-11-21" in answer.text and "1 位甲方联系人" in answer.text
    approval = _last_with(bot.to(CLIENT_CONTACT), "人员变更申请 #1")
    assert approval.button_labels() == ["✅ 同意", "❌ 不同意"]
    assert "周小舟" in approval.text and "郑新人" in approval.text and "交接 20 天" in approval.text
    assert not [m for m in bot.to(VENDOR_CONTACT) if "人员变更申请" in m.text]  # the vendor does not approve
    assert await _person(bot, "郑新人") is None  # nobody is added before the client approves


async def test_approval_puts_the_joiner_on_the_roster_in_handover_and_tells_everyone(bot: Harness) -> None:
    await _request_and_approve(bot)
    joiner = await _person(bot, "郑新人")
    assert joiner is not None and joiner.status == "handover" and joiner.start_date == date(2022, 11, 1)
    assert joiner.is_engineer and joiner.telegram_id == JOINER
    leaver = await _person(bot, "周小舟")
    assert leaver.status == "active" and leaver.end_date is None
    assert "2022-11-20" in _last_with(bot.to(LEAD), "已同意人员变更 #1").text
    assert "欢迎加入" in _last_with(bot.to(JOINER), "欢迎").text
    assert "已同意人员变更 #1" in bot.to(CLIENT_CONTACT)[-1].text  # the confirmation under the request
    [start] = await say(bot, JOINER, "/start")
    assert "郑新人" in start.text  # the joiner can use the bot


async def test_leaver_is_released_only_after_twenty_days_of_handover(bot: Harness) -> None:
    await _request_and_approve(bot)
    bot.clock.set(datetime(2022, 11, 20, 18, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert (await _person(bot, "周小舟")).status == "active"  # day 20 of the hand-over: still on the project
    bot.clock.set(datetime(2022, 11, 21, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    await bot.run_timers()  # a second sweep changes nothing
    leaver, joiner = await _person(bot, "周小舟"), await _person(bot, "郑新人")
    assert leaver.status == "left" and leaver.end_date == date(2022, 11, 20)
    assert joiner.status == "active"
    released = [m for m in bot.to(LEAD) if "人员变更 #1 完成" in m.text]
    assert len(released) == 1 and "交接 20 天已满" in released[0].text
    assert _last_with(bot.to(CLIENT_CONTACT), "人员变更 #1 完成")
    [refused] = await say(bot, ENGINEER, "/start")
    assert "不在本项目" in refused.text  # released people are off the roster


async def test_attendance_counts_the_joiner_from_start_and_the_leaver_until_the_end(bot: Harness) -> None:
    await _request_and_approve(bot)
    bot.clock.set(datetime(2022, 11, 21, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    leaver, joiner = await _person(bot, "周小舟"), await _person(bot, "郑新人")
    assert not joiner.assigned_on(date(2022, 10, 31)) and joiner.assigned_on(date(2022, 11, 1))
    assert leaver.assigned_on(date(2022, 11, 20)) and not leaver.assigned_on(date(2022, 11, 21))
    both_on = [d for d in (date(2022, 11, 1), date(2022, 11, 20)) if leaver.assigned_on(d) and joiner.assigned_on(d)]
    assert len(both_on) == 2  # both on the project through the hand-over


async def test_client_contact_rejects_and_the_lead_is_told(bot: Harness) -> None:
    await say(bot, LEAD, REQUEST)
    approval = _last_with(bot.to(CLIENT_CONTACT), "人员变更申请 #1")
    await bot.chat.press(CLIENT_CONTACT, approval, "❌ 不同意")
    assert "未同意人员变更 #1" in _last_with(bot.to(LEAD), "未同意").text
    assert await _person(bot, "郑新人") is None
    again = await bot.chat.press(CLIENT_CONTACT, approval, "✅ 同意")  # a stale button changes nothing
    assert again == [] or all("欢迎" not in m.text for m in again)
    assert "已处理过" in bot.chat.answers()[-1].params["text"]


async def test_vendor_contact_cannot_approve_a_staff_change(bot: Harness) -> None:
    await say(bot, LEAD, REQUEST)
    approval = _last_with(bot.to(CLIENT_CONTACT), "人员变更申请 #1")
    await bot.chat.press_data(VENDOR_CONTACT, approval, approval.data_for("✅ 同意"))
    # refused by the party rule declared on the approval buttons (the vendor side never decides for 甲方)
    assert "甲方" in bot.chat.answers()[-1].params["text"] and bot.chat.answers()[-1].params["show_alert"]
    assert await _person(bot, "郑新人") is None


async def test_client_demands_a_replacement_and_the_lead_names_the_joiner(bot: Harness) -> None:
    [answer] = await say(bot, SUPERVISOR, "/replace 周小舟 多次未按时到岗")
    assert "更换要求 #1" in answer.text
    demand = _last_with(bot.to(LEAD), "要求更换驻场工程师 周小舟")
    assert "多次未按时到岗" in demand.text
    assert "/staffchange 周小舟 郑新人:100003 2022-10-11 多次未按时到岗" in demand.text  # next working day
    [requested] = await say(bot, LEAD, "/staffchange 周小舟 郑新人:100003 下周一 甲方要求更换")
    assert "人员变更 #1" in requested.text and "2022-10-17" in requested.text  # the same change continues
    approval = _last_with(bot.to(CLIENT_CONTACT), "人员变更申请 #1")
    await bot.chat.press(CLIENT_CONTACT, approval, "✅ 同意")
    assert (await _person(bot, "郑新人")).status == "handover"


async def test_second_request_for_the_same_engineer_is_refused(bot: Harness) -> None:
    await say(bot, LEAD, REQUEST)
    [answer] = await say(bot, LEAD, "/staffchange 周小舟 王新人:100004 2022-11-02 再换一个")
    assert "已有进行中的人员变更 #1" in answer.text


async def test_usage_bad_joiner_past_date_and_unknown_names_are_explained(bot: Harness) -> None:
    [usage] = await say(bot, LEAD, "/staffchange")  # the example names the roster's first engineer
    assert "/staffchange 林海 郑新人:100003 2022-11-01" in usage.text and "20 天" in usage.text
    [bad] = await say(bot, LEAD, "/staffchange 周小舟 郑新人 2022-11-01 个人原因")
    assert "姓名:TelegramID" in bad.text
    [past] = await say(bot, LEAD, "/staffchange 周小舟 郑新人:100003 2022-10-01 个人原因")
    assert "已经过去" in past.text
    [nobody] = await say(bot, LEAD, "/staffchange 李不在 郑新人:100003 2022-11-01 个人原因")
    assert "名单中没有「李不在」" in nobody.text
    [taken] = await say(bot, LEAD, "/staffchange 周小舟 陈主管:100005 2022-11-01 个人原因")
    assert "已有「陈主管」" in taken.text
    [time_bad] = await say(bot, LEAD, "/staffchange 周小舟 郑新人:100003 某天 个人原因")
    assert "没看懂日期「某天」" in time_bad.text and "下周一" in time_bad.text
    await say(bot, LEAD, "/lang en")
    [english] = await say(bot, LEAD, "/staffchange 周小舟 郑新人:100003 someday personal")
    assert "could not read the date “someday”" in english.text and "next monday, tomorrow" in english.text
    [replace_usage] = await say(bot, SUPERVISOR, "/replace")
    assert "/replace 林海 多次未按时到岗" in replace_usage.text


async def test_staff_change_steps_are_audited(bot: Harness) -> None:
    await _request_and_approve(bot)
    async with bot.services.db.uow() as uow:
        actions = [e.action for e in await uow.audit.list(action_prefix="staff.")]
    assert actions == ["staff.request", "staff.approve"]


async def test_attendance_report_expects_the_leaver_until_the_end_and_the_joiner_from_the_start(bot: Harness) -> None:
    from bot.services.attendance import attendance_report

    await _request_and_approve(bot)
    bot.clock.set(datetime(2022, 12, 1, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    report = await attendance_report(bot.services, date(2022, 11, 1), date(2022, 11, 30))
    expected = {row.person.name: row.expected for row in report.engineers}
    calendar = bot.services.calendar
    assert expected["周小舟"] == calendar.workdays_between(date(2022, 11, 1), date(2022, 11, 20))
    assert expected["郑新人"] == calendar.workdays_between(date(2022, 11, 1), date(2022, 11, 30))
    assert len(expected["周小舟"]) == 14 and len(expected["郑新人"]) == 22
