"""Onboarding papers through the chat: /compliance, /papers, reminders before the due date, alerts after."""

from __future__ import annotations

from datetime import date, datetime

from bot.offline.fake_telegram import SentMessage
from bot.services.domain.people import Role
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT, Harness

JOINER = 100003


async def say(bot: Harness, user: int, text: str) -> list[SentMessage]:
    return [m for m in await bot.chat.send(user, text) if m.chat_id == user]


def _with(messages: list[SentMessage], needle: str) -> list[SentMessage]:
    return [m for m in messages if needle in m.text]


async def _joiner_starting_today(bot: Harness) -> None:
    """A new engineer on the project from Monday 2022-10-10 (as an approved staff change adds them)."""
    async with bot.services.db.uow() as uow:
        await uow.people.add(name="郑新人", telegram_id=JOINER, roles={Role.ENGINEER}, start=date(2022, 10, 10),
                             now=bot.clock.now(), status="handover", party="vendor")
        await uow.commit()


async def test_compliance_lists_every_engineer_with_due_dates_from_their_start(bot: Harness) -> None:
    [status] = await say(bot, SUPERVISOR, "/compliance")
    assert "林海" in status.text and "周小舟" in status.text and "陈主管" not in status.text
    # 15 working days after 2022-02-01 (Spring Festival in between) is 2022-02-25
    assert "安全保密承诺书：⚠️ 已逾期（应于 2022-02-25 前）" in status.text
    assert "逾期 6 项" in status.text


async def test_deadlines_that_passed_before_the_bot_started_are_not_nagged_about(bot: Harness) -> None:
    await bot.run_timers()
    assert not _with(bot.to(CLIENT_CONTACT), "已逾期") and not _with(bot.to(LEAD), "已逾期")


async def test_papers_records_receipt_and_compliance_shows_it(bot: Harness) -> None:
    [done] = await say(bot, LEAD, "/papers 周小舟 保密承诺 2022-02-15")
    assert "已登记：周小舟 的安全保密承诺书，2022-02-15" in done.text and "✅ 2022-02-15" in done.text
    [training] = await say(bot, CLIENT_CONTACT, "/papers 周小舟 安全培训 10月9日")
    assert "2022-10-09" in training.text and "下次 2023-04-07 前" in training.text  # every 180 days
    [status] = await say(bot, SUPERVISOR, "/compliance")
    block = status.text.split("周小舟")[1]
    assert "安全保密承诺书：✅ 2022-02-15" in block and "安全培训：✅ 2022-10-09（下次 2023-04-07 前）" in block
    assert "逾期 4 项" in status.text
    [again] = await say(bot, LEAD, "/papers 周小舟 保密承诺 2022-02-15")
    assert "已经登记过" in again.text
    async with bot.services.db.uow() as uow:
        assert [e.after["kind"] for e in await uow.audit.list(action_prefix="papers.")] == \
            ["confidentiality", "training"]


async def test_papers_refuses_future_dates_unknown_papers_and_people(bot: Harness) -> None:
    [future] = await say(bot, LEAD, "/papers 周小舟 保密承诺 2022-10-20")
    assert "还没到" in future.text
    [kind] = await say(bot, LEAD, "/papers 周小舟 体检报告 2022-10-09")
    assert "没看懂材料「体检报告」" in kind.text
    [nobody] = await say(bot, LEAD, "/papers 李不在 保密承诺 2022-10-09")
    assert "名单中没有「李不在」" in nobody.text
    [not_engineer] = await say(bot, LEAD, "/papers 陈主管 保密承诺 2022-10-09")
    assert "不是在岗的驻场工程师" in not_engineer.text
    [usage] = await say(bot, LEAD, "/papers 周小舟")
    assert "/papers 林海 保密承诺 2022-10-09" in usage.text  # the roster's first engineer


async def test_papers_refuses_tomorrow_next_monday_and_days_before_the_start(bot: Harness) -> None:
    """Relative days are read as said (never a year back): a future one is refused, nothing recorded."""
    [tomorrow] = await say(bot, LEAD, "/papers 周小舟 保密 明天")
    assert "日期 2022-10-11 还没到" in tomorrow.text
    [monday] = await say(bot, LEAD, "/papers 周小舟 保密 下周一")
    assert "日期 2022-10-17 还没到" in monday.text
    [later] = await say(bot, LEAD, "/papers 周小舟 保密 2022-12-01")
    assert "日期 2022-12-01 还没到" in later.text
    [before] = await say(bot, LEAD, "/papers 周小舟 保密 2022-01-20")
    assert "2022-01-20 早于 周小舟 的到岗日期 2022-02-01" in before.text
    [last_december] = await say(bot, LEAD, "/papers 周小舟 保密 12月1日")  # the latest 1 Dec: 2021, too early
    assert "2021-12-01 早于 周小舟 的到岗日期 2022-02-01" in last_december.text
    await _joiner_starting_today(bot)
    [joiner] = await say(bot, LEAD, "/papers 郑新人 保密 10月9日")  # the day before the joiner's own start
    assert "2022-10-09 早于 郑新人 的到岗日期 2022-10-10" in joiner.text
    [status] = await say(bot, SUPERVISOR, "/compliance")
    assert "安全保密承诺书：⚠️ 已逾期" in status.text.split("周小舟")[1]
    async with bot.services.db.uow() as uow:
        assert await uow.audit.list(action_prefix="papers.") == []


async def test_new_engineer_and_lead_are_reminded_three_working_days_before_the_due_date(bot: Harness) -> None:
    await _joiner_starting_today(bot)
    await bot.run_timers()
    bot.clock.set(datetime(2022, 10, 25, 17, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert not _with(bot.to(JOINER), "提醒")
    bot.clock.set(datetime(2022, 10, 26, 9, 0, tzinfo=SHANGHAI))  # 3 working days before 2022-10-31
    await bot.run_timers()
    await bot.run_timers()
    reminders = _with(bot.to(JOINER), "提醒：郑新人")
    assert len(reminders) == 3 and "安全保密承诺书应于 2022-10-31 前" in reminders[0].text
    assert len(_with(bot.to(LEAD), "提醒：郑新人")) == 3
    assert not _with(bot.to(ENGINEER), "提醒：郑新人")


async def test_contacts_are_alerted_the_working_day_after_a_missed_due_date(bot: Harness) -> None:
    await _joiner_starting_today(bot)
    await bot.run_timers()
    await say(bot, LEAD, "/papers 郑新人 保密承诺 2022-10-10")
    bot.clock.set(datetime(2022, 10, 31, 18, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert not _with(bot.to(CLIENT_CONTACT), "已逾期")  # the due day itself is still in time
    bot.clock.set(datetime(2022, 11, 1, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    await bot.run_timers()
    for who in (CLIENT_CONTACT, VENDOR_CONTACT, LEAD):
        alerts = _with(bot.to(who), "郑新人 的")
        overdue = [m.text for m in alerts if "已逾期" in m.text]
        assert len(overdue) == 2, who  # certificate and training; the commitment was received
        assert any("无犯罪记录证明已逾期（应于 2022-10-31 前）" in text for text in overdue)
        assert not any("安全保密承诺书已逾期" in text for text in overdue)
