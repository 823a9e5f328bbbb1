"""Quiet hours through the chat (#20 item 7): what can wait is held and comes as one digest when they end;
urgent requests always go through; /quiet off and bad input."""

from __future__ import annotations

from datetime import date, datetime

from bot.offline.fake_telegram import SentMessage
from bot.services.domain.people import Role
from tests.conftest import ENGINEER, LEAD, SHANGHAI, SUPERVISOR, Harness

JOINER = 100003


def _with(messages: list[SentMessage], needle: str) -> list[SentMessage]:
    return [m for m in messages if needle in m.text]


async def _joiner_starting_today(bot: Harness) -> None:
    async with bot.services.db.uow() as uow:
        await uow.people.add(name="郑新人", telegram_id=JOINER, roles={Role.ENGINEER}, start=date(2022, 10, 10),
                             now=bot.clock.now(), status="handover", party="vendor")
        await uow.commit()


async def test_paper_reminders_wait_for_the_end_of_quiet_hours_and_come_as_one_digest(bot: Harness) -> None:
    await _joiner_starting_today(bot)
    await bot.run_timers()
    [set_answer] = await bot.chat.send(LEAD, "/quiet 08:30-10:00")
    assert "08:30-10:00" in set_answer.text and "紧急请求" in set_answer.text
    bot.clock.set(datetime(2022, 10, 26, 9, 0, tzinfo=SHANGHAI))  # papers are reminded 3 working days before
    await bot.run_timers()
    assert len(_with(bot.to(JOINER), "提醒：郑新人")) == 3  # the joiner has no quiet hours
    assert not _with(bot.to(LEAD), "提醒：郑新人")  # held for the lead

    # An urgent request during the lead's quiet hours goes through at once.
    await bot.chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录")
    assert _with(bot.to(LEAD), "紧急请求 #1")

    bot.clock.set(datetime(2022, 10, 26, 9, 59, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert not _with(bot.to(LEAD), "提醒：郑新人")
    bot.clock.set(datetime(2022, 10, 26, 10, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    [digest] = _with(bot.to(LEAD), "免打扰期间为您保留的 3 条通知")
    assert digest.text.count("提醒：郑新人") == 3
    await bot.run_timers()  # a second sweep sends nothing twice
    assert len(_with(bot.to(LEAD), "免打扰期间")) == 1


async def test_switching_quiet_hours_off_delivers_what_was_held_at_once(bot: Harness) -> None:
    await _joiner_starting_today(bot)
    await bot.run_timers()
    await bot.chat.send(LEAD, "/quiet 08:30-18:00")
    bot.clock.set(datetime(2022, 10, 26, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert not _with(bot.to(LEAD), "提醒：郑新人")
    await bot.chat.send(LEAD, "/quiet off")
    await bot.run_timers()
    [digest] = _with(bot.to(LEAD), "免打扰期间为您保留的 3 条通知")
    assert digest.text.count("提醒：郑新人") == 3


async def test_quiet_show_off_and_bad_input_in_both_languages(bot: Harness) -> None:
    [none] = await bot.chat.send(ENGINEER, "/quiet")
    assert "没有设置免打扰时段" in none.text and "/quiet 22:00-08:00" in none.text
    [bad] = await bot.chat.send(ENGINEER, "/quiet 晚上")
    assert "例如：/quiet 22:00-08:00" in bad.text
    [bad_hour] = await bot.chat.send(ENGINEER, "/quiet 25:00-08:00")
    assert "例如：/quiet 22:00-08:00" in bad_hour.text
    await bot.chat.send(ENGINEER, "/quiet 22:00-08:00")
    [shown] = await bot.chat.send(ENGINEER, "/quiet")
    assert "22:00-08:00" in shown.text
    [off] = await bot.chat.send(ENGINEER, "/quiet off")
    assert "已关闭免打扰时段" in off.text
    [none_again] = await bot.chat.send(ENGINEER, "/quiet")
    assert "没有设置" in none_again.text
    await bot.chat.send(ENGINEER, "/lang en")
    [english] = await bot.chat.send(ENGINEER, "/quiet 23:00～07:30")
    assert "Quiet hours set: 23:00-07:30" in english.text
    async with bot.services.db.uow() as uow:
        assert [e.after for e in await uow.audit.list(action_prefix="quiet.")] == \
            ["22:00-08:00", None, "23:00-07:30"]
