"""Tickets through the real Application and the fake Bot API: raising, set-up buttons (also stale or forged
ones), taking (also from the group), resolving, rating (twice; never by whoever worked on it), commenting,
history, reopening, bulk-processing checklist, custom development and the client side's ruling, FAQ."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.offline.fake_telegram import SentMessage
from storage.tickets import TicketRepository
from tests.conftest import (
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    SHANGHAI,
    SUPERVISOR,
    VENDOR_CONTACT,
    Harness,
    base_config,
)

SYSTEMS = ["社会保障卡系统", "统一经办门户"]
REGIONS = ["常州市本级", "武进区"]


@pytest.fixture
def config_dict(tmp_path: Path) -> dict[str, Any]:
    config = base_config(tmp_path / "maintbot-test.db")
    config["contract"].update(systems=SYSTEMS, regions=REGIONS)
    config["tickets"] = {"due_by_kind": {"data_fix": "2d"}, "default_due": "1d"}
    return config


def _to(sent: list[SentMessage], chat_id: int) -> list[SentMessage]:
    return [m for m in sent if m.chat_id == chat_id]


def _answer_text(bot: Harness) -> str:
    return bot.chat.answers()[-1].params.get("text") or ""


async def _ticket(bot: Harness, ticket_id: int) -> Any:
    async with bot.services.db.uow() as uow:
        return await uow.repo(TicketRepository).get(ticket_id)


async def _bind_group(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)


async def test_whole_lifecycle_with_buttons(bot: Harness) -> None:
    # Raised in the project group with a deadline in the text: the absolute time is echoed.
    await _bind_group(bot)
    sent = await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法登录 明天下午3点前", chat_id=GROUP)
    [created] = [m for m in sent if m.chat_id == GROUP]
    assert "已登记工单 #1" in created.text and "2022-10-11 15:00" in created.text
    assert "数据修正/导入" in created.button_labels() and "默认：工单服务" in created.button_labels()
    assert len(created.button_labels()) == 12
    [to_engineer] = [m for m in sent if m.chat_id == ENGINEER]
    assert "新工单" in to_engineer.text and "赵联络" in to_engineer.text and "我来受理" in to_engineer.button_labels()
    assert any(m.chat_id == LEAD for m in sent)

    # Kind, system, region: the same message is edited step by step.
    [step] = await bot.chat.press(CLIENT_CONTACT, created, "数据修正/导入")
    assert step.method == "editMessageText" and step.message_id == created.message_id
    assert "涉及哪个系统" in step.text and "跳过" in step.button_labels()
    [step] = await bot.chat.press(CLIENT_CONTACT, step, "社会保障卡系统")
    assert "哪个区域" in step.text and "武进区" in step.button_labels()
    [done] = await bot.chat.press(CLIENT_CONTACT, step, "武进区")
    assert "数据修正/导入" in done.text and "社会保障卡系统" in done.text and "武进区" in done.text
    assert "2022-10-11 15:00" in done.text  # the written deadline survives the kind change
    ticket = await _ticket(bot, 1)
    assert (ticket.kind, ticket.system, ticket.region) == ("data_fix", "社会保障卡系统", "武进区")
    assert ticket.status == "open"

    # The engineer takes it from the private notification; the requester hears about it.
    sent = await bot.chat.press(ENGINEER, to_engineer, "我来受理")
    assert "已受理 #1" in _answer_text(bot)
    assert any(m.chat_id == CLIENT_CONTACT and "周小舟 受理" in m.text for m in sent)
    again = await bot.chat.send(LEAD, "/take 1")
    assert "已由 周小舟 受理" in again[0].text

    # Resolving asks the requester to rate.
    bot.clock.advance(timedelta(hours=2))
    sent = await bot.chat.send(ENGINEER, "/resolve 1 已重置密码，用户可正常登录")
    [confirmation] = [m for m in sent if m.chat_id == ENGINEER]
    assert "已办结" in confirmation.text and "按时完成" in confirmation.text
    [ask] = [m for m in sent if m.chat_id == CLIENT_CONTACT]
    assert ask.button_labels() == ["满意", "基本满意", "不满意"] and "已重置密码" in ask.text

    # Rating twice: the second press changes nothing and says so.
    [edited] = await bot.chat.press(CLIENT_CONTACT, ask, "基本满意")
    assert "感谢评价" in _answer_text(bot) and "已评价：基本满意" in edited.text and edited.buttons == []
    await bot.chat.press(CLIENT_CONTACT, ask, "满意")
    assert "已评价过（基本满意）" in _answer_text(bot)
    ticket = await _ticket(bot, 1)
    assert (ticket.status, ticket.rating) == ("closed", "basically")

    # A reply to the rating prompt is the comment.
    [thanks] = await bot.chat.send(CLIENT_CONTACT, "希望下次能更快一些", reply_to=ask)
    assert "已记录您对工单 #1 的意见" in thanks.text
    assert (await _ticket(bot, 1)).rating_comment == "希望下次能更快一些"

    # The whole history.
    [shown] = await bot.chat.send(LEAD, "/ticket 1")
    for fragment in ("报告", "设定类别：数据修正/导入", "受理", "办结：已重置密码", "评价：基本满意",
                     "补充意见：希望下次能更快一些", "周小舟", "赵联络"):
        assert fragment in shown.text, fragment

    # Reopened with a reason: back to the assignee, rating cleared.
    sent = await bot.chat.send(CLIENT_CONTACT, "/reopen 1 又登录不上了")
    assert "已重新打开" in sent[0].text and "处理中" in sent[0].text
    assert any(m.chat_id == ENGINEER and "又登录不上了" in m.text for m in sent)
    ticket = await _ticket(bot, 1)
    assert (ticket.status, ticket.rating, ticket.assignee_id is not None) == ("taken", None, True)


async def test_reply_ticket_turns_a_message_into_a_work_order_for_its_author(bot: Harness) -> None:
    original = SentMessage(GROUP, 4242, "公服网办大厅上传附件失败")
    report = {"message_id": 4242, "date": 0, "chat": {"id": GROUP, "type": "supergroup", "title": "项目群"},
              "from": {"id": SUPERVISOR, "is_bot": False, "first_name": "陈"}, "text": original.text}
    await _bind_group(bot)
    sent = await bot.chat.send(ENGINEER, "/ticket", chat_id=GROUP, reply_to=report)
    [created] = [m for m in sent if m.chat_id == GROUP]
    assert "公服网办大厅上传附件失败" in created.text
    assert "按类别默认时限" in created.text and "2022-10-11 09:00" in created.text  # default_due 1d
    ticket = await _ticket(bot, 1)
    async with bot.services.db.uow() as uow:
        requester = await uow.people.by_id(ticket.requester_id)
    assert requester is not None and requester.name == "陈主管"


async def test_kind_choice_moves_a_default_due_time_and_strangers_cannot_choose(bot: Harness) -> None:
    [created] = _to(await bot.chat.send(CLIENT_CONTACT, "/ticket 养老保险系统缴费数据有误"), CLIENT_CONTACT)
    assert "2022-10-11 09:00" in created.text
    assert await bot.chat.press(VENDOR_CONTACT, created, "本地定制开发") == []
    refusal = bot.chat.answers()[-1].params
    assert "只有报告人" in refusal["text"] and refusal.get("show_alert") is True
    [step] = await bot.chat.press(CLIENT_CONTACT, created, "数据修正/导入")
    assert "2022-10-12 09:00" in step.text  # data_fix: 2 days


async def test_bad_input_gets_a_clear_reply_with_an_example(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "/take abc")
    assert "/take 12" in answer.text
    [answer] = await bot.chat.send(ENGINEER, "/resolve 999 已处理")
    assert "没有找到工单 #999" in answer.text and "/tickets" in answer.text
    [answer] = await bot.chat.send(ENGINEER, "/resolve 1")
    assert "/resolve 12" in answer.text
    [answer] = await bot.chat.send(CLIENT_CONTACT, "/ticket")
    assert "/ticket 社保卡系统无法登录" in answer.text
    [answer] = await bot.chat.send(CLIENT_CONTACT, "/tickets 火星时间")
    assert "/tickets overdue" in answer.text and "上个月" in answer.text
    [answer] = await bot.chat.send(CLIENT_CONTACT, "/take 1")
    assert "无权" in answer.text  # engineers and the lead only


async def test_only_requester_or_supervisor_rates(bot: Harness) -> None:
    await bot.chat.send(VENDOR_CONTACT, "/ticket 统一经办门户打印异常")
    await bot.chat.send(ENGINEER, "/take 1")
    await bot.chat.send(ENGINEER, "/resolve 1 已更换打印驱动")
    [refused] = await bot.chat.send(ENGINEER, "/rate 1 满意")
    assert "不能评价自己的工作" in refused.text
    [refused] = await bot.chat.send(LEAD, "/rate 1 满意")
    assert "只有报告人" in refused.text
    [rated] = _to(await bot.chat.send(SUPERVISOR, "/rate 1 不满意"), SUPERVISOR)
    assert "感谢评价" in rated.text
    ticket = await _ticket(bot, 1)
    assert ticket.rating == "unsatisfied"
    async with bot.services.db.uow() as uow:
        [entry] = await uow.audit.list(action_prefix="tickets.rate")
    assert entry.actor_name == "陈主管" and entry.after["on_behalf"] is True
    assert any("不满意" in m.text for m in bot.to(LEAD))  # the lead is told


async def test_an_engineers_own_ticket_is_rated_by_the_client_side(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/ticket 巡检发现统一经办门户证书将过期")
    sent = await bot.chat.send(ENGINEER, "/resolve 1 已更新证书")
    [confirmation] = _to(sent, ENGINEER)
    assert "已办结" in confirmation.text and "已请甲方（陈主管、赵联络）代为评价" in confirmation.text
    [ask] = _to(sent, SUPERVISOR)
    assert ask.button_labels() == ["满意", "基本满意", "不满意"] and "代为评价" in ask.text
    assert _to(sent, CLIENT_CONTACT) and not _to(sent, VENDOR_CONTACT)
    [refused] = await bot.chat.send(ENGINEER, "/rate 1 满意")
    assert "不能评价自己的工作" in refused.text
    assert (await _ticket(bot, 1)).rating is None
    await bot.chat.press(SUPERVISOR, ask, "基本满意")
    assert "感谢评价" in _answer_text(bot)
    ticket = await _ticket(bot, 1)
    assert (ticket.status, ticket.rating) == ("closed", "basically")


async def test_taking_in_the_group_works_without_a_private_chat_with_the_bot(bot: Harness) -> None:
    await _bind_group(bot)
    [created] = _to(await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法登录", chat_id=GROUP), GROUP)
    [step] = await bot.chat.press(CLIENT_CONTACT, created, "默认：工单服务")
    [step] = await bot.chat.press(CLIENT_CONTACT, step, "跳过")
    [done] = await bot.chat.press(CLIENT_CONTACT, step, "跳过")
    assert "我来受理" in done.button_labels()
    # An engineer who never opened a private chat with the bot would get 403 for any private message: the
    # press is answered with the toast and the edited group message, nothing is sent to the private chat.
    before = len(bot.api.calls)
    sent = await bot.chat.press(ENGINEER, done, "我来受理")
    answer = bot.chat.answers()[-1].params
    assert "已受理 #1" in answer["text"] and "2022-10-11 09:00" in answer["text"]
    assert not answer.get("show_alert")
    assert not [c for c in bot.api.calls[before:] if c.params.get("chat_id") == ENGINEER]
    assert any(m.chat_id == CLIENT_CONTACT and "周小舟 受理" in m.text for m in sent)
    [edited] = [m for m in sent if m.method == "editMessageText"]
    assert edited.message_id == done.message_id and "周小舟 已受理" in edited.text and edited.buttons == []
    ticket = await _ticket(bot, 1)
    assert (ticket.status, ticket.assignee_id is not None) == ("taken", True)


async def test_a_rating_stands_even_when_the_prompt_can_no_longer_be_edited(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 统一经办门户打印异常")
    [ask] = _to(await bot.chat.send(ENGINEER, "/resolve 1 已更换打印驱动"), CLIENT_CONTACT)
    bot.api.fail_next("editMessageText", status=400)  # e.g. the prompt is too old to edit
    await bot.chat.press(CLIENT_CONTACT, ask, "满意")
    answer = bot.chat.answers()[-1].params
    assert "感谢评价" in answer["text"] and not answer.get("show_alert")
    assert (await _ticket(bot, 1)).rating == "satisfied"


@pytest.mark.parametrize("data", ["v1:tk:k:1:99", "v1:tk:k:1:abc", "v1:tk:k:1", "v1:tk:k:xyz:1", "v1:tk:k",
                                  "v1:tk:s:1:7", "v1:tk:r:1:-1", "v1:tk:chk:1:bogus", "v1:tk:rate:1:z",
                                  "v1:tk:nope:1"])
async def test_stale_or_forged_buttons_are_refused_clearly(bot: Harness, data: str) -> None:
    [created] = _to(await bot.chat.send(CLIENT_CONTACT, "/ticket 养老保险系统缴费数据有误"), CLIENT_CONTACT)
    assert await bot.chat.press_data(CLIENT_CONTACT, created, data) == []
    answer = bot.chat.answers()[-1].params
    assert answer["text"] == "这个按钮已失效。" and answer.get("show_alert") is True
    ticket = await _ticket(bot, 1)
    assert (ticket.kind, ticket.system, ticket.region) == ("ticket_service", None, None)


async def test_bulk_processing_cannot_be_resolved_before_its_checklist(bot: Harness) -> None:
    [created] = _to(await bot.chat.send(CLIENT_CONTACT, "/ticket 按新政策批量调整待遇标准"), CLIENT_CONTACT)
    await bot.chat.press(CLIENT_CONTACT, created, "批量数据处理")
    await bot.chat.send(ENGINEER, "/take 1")
    [refused] = await bot.chat.send(ENGINEER, "/resolve 1 已批量调整")
    assert "还不能办结" in refused.text
    for item in ("已备份", "已测试", "已验证", "应急恢复方案已就绪"):
        assert item in refused.text
    assert (await _ticket(bot, 1)).status == "taken"

    [sheet] = await bot.chat.send(ENGINEER, "/checklist 1 备份")
    assert "☑ 已备份" in sheet.text and "☐ 已测试" in sheet.text
    [sheet] = await bot.chat.press(ENGINEER, sheet, "确认已测试")
    assert "☑ 已测试" in sheet.text
    [sheet] = await bot.chat.press(ENGINEER, sheet, "确认已验证")
    [refused] = await bot.chat.send(ENGINEER, "/resolve 1 已批量调整")
    assert "应急恢复方案已就绪" in refused.text and "已备份" not in refused.text
    [sheet] = await bot.chat.press(ENGINEER, sheet, "确认应急恢复方案已就绪")
    assert "全部确认" in sheet.text and sheet.buttons == []
    sent = await bot.chat.send(ENGINEER, "/resolve 1 已批量调整，抽查无误")
    assert "已办结" in sent[0].text


async def test_custom_development_estimate_warns_and_supervisor_rules(bot: Harness) -> None:
    [created] = _to(await bot.chat.send(CLIENT_CONTACT, "/ticket 开发本地就业补贴申报模块"), CLIENT_CONTACT)
    await bot.chat.press(CLIENT_CONTACT, created, "本地定制开发")
    [small] = await bot.chat.send(ENGINEER, "/estimate 1 15")
    assert "15 人天" in small.text and "超出" not in small.text
    sent = await bot.chat.send(ENGINEER, "/estimate 1 45")
    [warned] = _to(sent, ENGINEER)
    assert "超出合同免费范围" in warned.text and "/ruling 1" in warned.text
    assert "已请甲方（陈主管、赵联络）记录裁定" in warned.text and "钱经理" not in warned.text
    assert any(m.chat_id == SUPERVISOR and "45 人天" in m.text for m in sent)
    assert any(m.chat_id == CLIENT_CONTACT and "请监理方裁定" in m.text for m in sent)
    assert not _to(sent, VENDOR_CONTACT)  # the vendor's own contact is not asked to rule
    [refused] = await bot.chat.send(ENGINEER, "/ruling 1 in 监理确认")
    assert "无权" in refused.text
    [refused] = await bot.chat.send(VENDOR_CONTACT, "/ruling 1 in 属合同内")
    assert "由甲方（监理或甲方联系人）使用，乙方人员不能操作" in refused.text  # the party rule on /ruling
    assert (await _ticket(bot, 1)).ruling is None
    sent = await bot.chat.send(SUPERVISOR, "/ruling 1 out 监理认定超出2人月")
    [ruled] = _to(sent, SUPERVISOR)
    assert any(m.chat_id == LEAD and "合同外" in m.text for m in sent)
    assert "合同外" in ruled.text
    ticket = await _ticket(bot, 1)
    assert (ticket.estimate_days, ticket.ruling, ticket.ruling_note) == (45, "out", "监理认定超出2人月")
    await bot.chat.send(CLIENT_CONTACT, "/ticket 打印机卡纸")
    [refused] = await bot.chat.send(ENGINEER, "/estimate 2 3")
    assert "不是「本地定制开发」" in refused.text


async def test_province_number_list_and_faq(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 智慧人社APP人脸识别失败")
    await bot.chat.send(CLIENT_CONTACT, "/ticket 人力资源市场系统招聘会导出慢")
    [noted] = await bot.chat.send(ENGINEER, "/province 1 JS2022-10086")
    assert "JS2022-10086" in noted.text
    await bot.chat.send(ENGINEER, "/take 1")
    [listed] = await bot.chat.send(CLIENT_CONTACT, "/tickets")
    assert "#1" in listed.text and "#2" in listed.text and "周小舟" in listed.text
    [mine] = await bot.chat.send(ENGINEER, "/tickets mine")
    assert "#1" in mine.text and "#2" not in mine.text
    bot.clock.advance(timedelta(days=2))
    [late] = await bot.chat.send(LEAD, "/tickets overdue")
    assert "超期" in late.text and "#1" in late.text
    [period] = await bot.chat.send(LEAD, "/tickets 本月")
    assert "2022-10-01 至 2022-10-31" in period.text and "（2）" in period.text

    [refused] = await bot.chat.send(ENGINEER, "/faq add 1")
    assert "还没有办结" in refused.text
    await bot.chat.send(ENGINEER, "/resolve 1 指导用户在光线充足处重新采集")
    [added] = await bot.chat.send(ENGINEER, "/faq add 1")
    assert "常见问题" in added.text and "人脸识别失败" in added.text
    [again] = await bot.chat.send(ENGINEER, "/faq add 1")
    assert "已经收录" in again.text
    [faq] = await bot.chat.send(CLIENT_CONTACT, "/faq")
    assert "人脸识别失败" in faq.text and "光线充足" in faq.text
    [found] = await bot.chat.send(CLIENT_CONTACT, "/faq 人脸")
    assert "人脸识别失败" in found.text
    [none] = await bot.chat.send(CLIENT_CONTACT, "/faq 社保卡")
    assert "没有找到" in none.text
    [shown] = await bot.chat.send(CLIENT_CONTACT, "/ticket 1")
    assert "JS2022-10086" in shown.text and "收录为常见问题" in shown.text


async def test_monthly_faq_digest_goes_to_the_group_once(bot: Harness) -> None:
    await _bind_group(bot)
    await bot.chat.send(CLIENT_CONTACT, "/ticket 权限系统新增经办人流程")
    await bot.chat.send(ENGINEER, "/resolve 1 在权限系统中按角色模板授权")
    await bot.chat.send(ENGINEER, "/faq add 1")
    await bot.run_timers()
    assert not [m for m in bot.to(GROUP) if "常见问题汇编" in m.text]
    # 2022-11-01 is a Tuesday, a working day; the digest goes out at 10:00.
    bot.clock.set(datetime(2022, 11, 1, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert not [m for m in bot.to(GROUP) if "常见问题汇编" in m.text]
    bot.clock.advance(timedelta(hours=1, minutes=1))
    await bot.run_timers()
    await bot.run_timers()
    digests = [m for m in bot.to(GROUP) if "常见问题汇编" in m.text]
    assert len(digests) == 1 and "权限系统新增经办人流程" in digests[0].text and "2022-11" in digests[0].text
