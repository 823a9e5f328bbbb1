"""Security incidents through the chat: the alert first, then the report section by section, approval, reminders."""

from __future__ import annotations

from datetime import timedelta

from bot.offline.fake_telegram import SentMessage
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, LEAD, SECOND_LINE, SUPERVISOR, VENDOR_CONTACT, Harness


async def say(bot: Harness, user: int, text: str, reply_to: SentMessage | None = None) -> list[SentMessage]:
    return [m for m in await bot.chat.send(user, text, reply_to=reply_to) if m.chat_id == user]


def _with(messages: list[SentMessage], needle: str) -> list[SentMessage]:
    """Messages sent (not edits) that contain `needle`."""
    return [m for m in messages if needle in m.text and m.method == "sendMessage"]


async def _report_until_plan(bot: Harness) -> None:
    await say(bot, ENGINEER, "/incident 发现数据库有异常登录")
    await say(bot, ENGINEER, "/incident 1 发现 巡检时在日志中发现")
    await say(bot, ENGINEER, "/incident 1 原因 弱口令")
    await say(bot, ENGINEER, "/incident 1 影响 未发现数据外泄")
    await say(bot, ENGINEER, "/incident 1 处置 立即修改口令并封禁来源IP")


async def test_incident_alerts_client_contact_supervisors_and_lead_at_once(bot: Harness) -> None:
    sent = await bot.chat.send(ENGINEER, "/incident 发现数据库有异常登录")
    for who in (CLIENT_CONTACT, SUPERVISOR, LEAD):
        [alert] = [m for m in sent if m.chat_id == who]
        assert "安全事件 #1" in alert.text and "发现数据库有异常登录" in alert.text and "周小舟" in alert.text
    assert not [m for m in sent if m.chat_id in (SECOND_LINE, ADMIN, VENDOR_CONTACT)]
    answers = [m for m in sent if m.chat_id == ENGINEER]
    assert "已立即通知 3 位" in answers[0].text
    assert "发现经过" in answers[1].text and "#INC" not in answers[1].text  # the first question


async def test_reporter_answers_by_replying_and_the_next_section_is_asked(bot: Harness) -> None:
    answers = await say(bot, ENGINEER, "/incident 发现数据库有异常登录")
    question = answers[-1]
    replies = await say(bot, ENGINEER, "巡检时在日志中发现", reply_to=question)
    assert "已记录事件 #1 的「发现经过」" in replies[0].text
    assert "原因分析" in replies[1].text and "#INC" not in replies[1].text
    [detail] = await say(bot, ENGINEER, "/incident 1")
    assert "发现经过：巡检时在日志中发现" in detail.text and "原因分析：—" in detail.text


async def test_handling_plan_needs_the_clients_approval_then_the_report_completes(bot: Harness) -> None:
    await _report_until_plan(bot)
    [plan] = _with(bot.to(CLIENT_CONTACT), "处置方案待您批准")
    assert "立即修改口令并封禁来源IP" in plan.text and plan.button_labels() == ["✅ 批准方案", "↩️ 退回修改"]
    await bot.chat.press(CLIENT_CONTACT, plan, "✅ 批准方案")
    assert _with(bot.to(ENGINEER), "已批准安全事件 #1 的处置方案")
    answers = await say(bot, ENGINEER, "/incident 1 改进 启用双因素认证")
    assert "报告已完整" in answers[-1].text
    [report] = _with(bot.to(CLIENT_CONTACT), "报告已完成")
    assert "弱口令" in report.text and "启用双因素认证" in report.text
    [listing] = await say(bot, SUPERVISOR, "/incidents")
    assert "#1" in listing.text and "已完成" in listing.text
    [closed] = await say(bot, ENGINEER, "/incident 1 原因 改一下")
    assert "不能再修改" in closed.text


async def test_returned_plan_is_asked_again_and_a_reply_resubmits_it(bot: Harness) -> None:
    await _report_until_plan(bot)
    [plan] = _with(bot.to(SUPERVISOR), "处置方案待您批准")
    await bot.chat.press(SUPERVISOR, plan, "↩️ 退回修改")  # a supervisor may decide too
    [returned] = _with(bot.to(ENGINEER), "退回了安全事件 #1")
    await say(bot, ENGINEER, "先隔离数据库服务器，再修改口令", reply_to=returned)
    plans = _with(bot.to(CLIENT_CONTACT), "处置方案待您批准")
    assert len(plans) == 2 and "先隔离数据库服务器" in plans[-1].text
    [listing] = await say(bot, LEAD, "/incidents")
    assert "甲方批准处置方案" in listing.text and "改进措施" in listing.text


async def test_engineer_cannot_approve_a_plan(bot: Harness) -> None:
    await _report_until_plan(bot)
    [plan] = _with(bot.to(CLIENT_CONTACT), "处置方案待您批准")
    await bot.chat.press_data(ENGINEER, plan, plan.data_for("✅ 批准方案"))
    assert "无权" in bot.chat.answers()[-1].params["text"]
    [detail] = await say(bot, LEAD, "/incident 1")
    assert "待甲方批准" in detail.text


async def test_reporter_is_reminded_daily_until_the_report_is_complete(bot: Harness) -> None:
    await say(bot, ENGINEER, "/incident 发现数据库有异常登录")
    bot.clock.advance(timedelta(hours=23))
    await bot.run_timers()
    assert not _with(bot.to(ENGINEER), "报告尚未完成")
    bot.clock.advance(timedelta(hours=1))
    await bot.run_timers()
    await bot.run_timers()
    [reminder] = _with(bot.to(ENGINEER), "报告尚未完成")
    assert "发现经过" in reminder.text
    await say(bot, ENGINEER, "巡检时在日志中发现", reply_to=reminder)  # answering the reminder works too
    bot.clock.advance(timedelta(days=1))
    await bot.run_timers()
    assert "原因分析" in _with(bot.to(ENGINEER), "报告尚未完成")[-1].text


async def test_someone_else_cannot_write_into_anothers_report(bot: Harness) -> None:
    await say(bot, ENGINEER, "/incident 发现数据库有异常登录")
    [refused] = await say(bot, SUPERVISOR, "/incident 1 原因 我来写")
    assert "只有报告人" in refused.text
    [ok] = (await say(bot, LEAD, "/incident 1 原因 弱口令"))[:1]
    assert "已记录" in ok.text


async def test_usage_a_section_without_text_and_an_unknown_number_are_explained(bot: Harness) -> None:
    [usage] = await say(bot, ENGINEER, "/incident")
    assert "/incident 3 原因" in usage.text
    await say(bot, ENGINEER, "/incident 发现数据库有异常登录")
    [hint] = await say(bot, ENGINEER, "/incident 1 原因")
    assert "/incident 1 发现|原因|影响|处置|改进 内容" in hint.text
    [unknown] = await say(bot, ENGINEER, "/incident 9")
    assert "没有安全事件 #9" in unknown.text


async def test_a_report_starting_with_a_number_is_a_new_incident_and_alerts_the_client(bot: Harness) -> None:
    await say(bot, ENGINEER, "/incident 发现数据库有异常登录")
    sent = await bot.chat.send(ENGINEER, "/incident 2 台服务器疑似被入侵")  # not "add to incident #2"
    [answer, *_] = [m for m in sent if m.chat_id == ENGINEER]
    assert "已登记安全事件 #2" in answer.text and "已立即通知 3 位" in answer.text
    for who in (CLIENT_CONTACT, SUPERVISOR, LEAD):
        assert [m for m in sent if m.chat_id == who and "安全事件 #2" in m.text and "2 台服务器疑似被入侵" in m.text]
    sent = await bot.chat.send(ENGINEER, "/incident 1 台服务器宕机")  # #1 exists, but 台服务器宕机 is no section
    assert [m for m in sent if m.chat_id == CLIENT_CONTACT and "安全事件 #3" in m.text]
    sent = await bot.chat.send(ENGINEER, "/incident 7 原因 有人扫描端口")  # no incident #7: a new report
    assert [m for m in sent if m.chat_id == CLIENT_CONTACT and "安全事件 #4" in m.text]
    [filled, *_] = await say(bot, ENGINEER, "/incident 1 原因 弱口令")  # #1 exists and 原因 is a section
    assert "已记录事件 #1 的「原因分析」" in filled.text
