"""A reminder whose moment has been overtaken by a later step is dropped, not sent late (issue 13, item 5).

After downtime or a clock jump the start-up sweep used to send "已过 45 分钟，您尚未确认" just before the breach
notice. Every reminder family now checks that its next step has not come yet: urgent reminders (the
deadline), ticket overdue reminders (the lead's step), the check-in reminder (the day's summary) and the
on-call morning reminder (the duty day's start).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, Harness


def _texts(bot: Harness, chat_id: int, needle: str) -> list[str]:
    return [m.text for m in bot.to(chat_id) if needle in m.text]


async def test_urgent_reminders_overtaken_by_the_deadline_are_not_sent(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    await bot.chat.send(CLIENT_CONTACT, "/urgent 统一经办门户无法访问")             # on site by 10:00
    bot.clock.advance(timedelta(minutes=61))                                      # down through every reminder
    await bot.run_timers()
    assert _texts(bot, GROUP, "已超过到岗时限")                                    # the breach is reported
    assert not _texts(bot, ENGINEER, "您尚未确认收到") and not _texts(bot, LEAD, "您尚未确认收到")


async def test_an_urgent_reminder_still_due_before_the_deadline_is_sent(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/urgent 统一经办门户无法访问")
    bot.clock.advance(timedelta(minutes=46))                                      # 15, 30 and 45 min passed
    await bot.run_timers()
    [reminder] = _texts(bot, ENGINEER, "您尚未确认收到")
    assert "已过 45 分钟" in reminder


async def test_ticket_reminder_overtaken_by_the_leads_step_goes_only_to_the_lead(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 统一经办门户打不开 明天上午10点前")
    await bot.chat.send(ENGINEER, "/take 1")
    bot.clock.set(datetime(2022, 10, 11, 15, 0, tzinfo=SHANGHAI))                # due 10:00 + 4 h grace passed
    await bot.run_timers()
    assert not _texts(bot, ENGINEER, "已超过截止时间")
    assert _texts(bot, LEAD, "#1")


async def test_checkin_reminder_overtaken_by_the_summary_is_not_sent(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    bot.clock.set(datetime(2022, 10, 10, 10, 30, tzinfo=SHANGHAI))               # first sweep after 10:00
    await bot.run_timers()
    assert [m for m in bot.to(GROUP) if "2022-10-10" in m.text]                   # the day's summary went out
    assert not _texts(bot, ENGINEER, "今天还没有收到您的签到")


async def test_checkin_reminder_before_the_summary_is_still_sent(bot: Harness) -> None:
    bot.clock.set(datetime(2022, 10, 10, 9, 40, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert _texts(bot, ENGINEER, "今天还没有收到您的签到")


async def test_oncall_morning_reminder_overtaken_by_the_duty_start_is_not_sent(bot: Harness) -> None:
    bot.clock.set(datetime(2022, 10, 14, 18, 0, tzinfo=SHANGHAI))
    await bot.chat.send(LEAD, "/oncall set 明天 周小舟")                            # Saturday 10-15
    bot.clock.set(datetime(2022, 10, 15, 9, 30, tzinfo=SHANGHAI))                # down over 08:30 and 09:00
    await bot.run_timers()
    assert not _texts(bot, ENGINEER, "由您值班")
    bot.clock.set(datetime(2022, 10, 15, 18, 0, tzinfo=SHANGHAI))
    await bot.chat.send(LEAD, "/oncall set 明天 周小舟")                            # Sunday 10-16
    bot.clock.set(datetime(2022, 10, 16, 8, 40, tzinfo=SHANGHAI))                # before the start: sent
    await bot.run_timers()
    assert _texts(bot, ENGINEER, "由您值班")
