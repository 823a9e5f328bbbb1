"""Actions count at the time the person sent them, not the time the bot handled them (issue 14, item 3).

Updates wait at Telegram while the bot is down or busy; `message.date` is when the person sent the message
(second precision, UTC). A date in the future is clamped to the receipt, one older than a day is not trusted,
and a button press (no date of its own) counts from when the update reached the bot.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update

from bot.handlers.common import action_moment
from bot.offline.fake_telegram import UpdateFactory
from bot.services import action_time, urgent
from bot.transports.telegram.adapter import inbound_from_update
from bot.transports.telegram.polling import handle_received
from storage.attendance import AttendanceRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, Harness


async def _checkin_at(bot: Harness, person_telegram_id: int) -> datetime | None:
    async with bot.services.db.uow() as uow:
        person = await uow.people.by_telegram_id(person_telegram_id)
        assert person is not None
        record = await uow.repo(AttendanceRepository).day_of(person.id, bot.services.today())
    return record.checkin_at if record else None


async def test_arrival_sent_before_the_deadline_counts_in_time_though_handled_after(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    await bot.chat.send(CLIENT_CONTACT, "/urgent 社保卡系统无法登录")            # 09:00, on site by 10:00
    sent = bot.clock.now() + timedelta(minutes=59, seconds=59)
    bot.clock.advance(timedelta(minutes=61, seconds=10))                          # handled 70 s late
    replies = await bot.chat.send(ENGINEER, "/arrived 1", sent_at=sent)
    [reply] = [m for m in replies if m.chat_id == ENGINEER]
    assert "已记录到岗：紧急请求 #1，用时 60 分钟" in reply.text and "超过时限" not in reply.text
    assert any("已于 2022-10-10 09:59 到岗" in m.text for m in bot.to(GROUP))
    await bot.run_timers()
    assert not [m for m in bot.api.sent if "已超过到岗时限" in m.text or "升级" in m.text]
    async with bot.services.db.uow() as uow:
        request = await urgent.repo(uow).get(1)
    assert request is not None and request.arrived_at == sent and request.arrived_in_time()


async def test_checkin_is_recorded_at_the_time_it_was_sent(bot: Harness) -> None:
    sent = datetime(2022, 10, 10, 8, 59, 58, tzinfo=SHANGHAI)
    bot.clock.set(datetime(2022, 10, 10, 9, 1, 10, tzinfo=SHANGHAI))
    [reply] = await bot.chat.send(ENGINEER, "签到", sent_at=sent)
    assert "✅ 签到成功：2022-10-10 08:59" in reply.text and "准时" in reply.text
    assert await _checkin_at(bot, ENGINEER) == sent


async def test_a_date_in_the_future_is_clamped_to_the_receipt(bot: Harness) -> None:
    received = bot.clock.now()
    [reply] = await bot.chat.send(ENGINEER, "签到", sent_at=received + timedelta(hours=2))
    assert "✅ 签到成功：2022-10-10 09:00" in reply.text
    assert await _checkin_at(bot, ENGINEER) == received


async def test_a_date_older_than_a_day_is_not_trusted(bot: Harness) -> None:
    bot.clock.set(datetime(2022, 10, 10, 9, 30, tzinfo=SHANGHAI))
    received = bot.clock.now()
    [reply] = await bot.chat.send(LEAD, "签到", sent_at=received - timedelta(hours=25))
    assert "✅ 签到成功：2022-10-10 09:30" in reply.text and "迟到" in reply.text
    assert await _checkin_at(bot, LEAD) == received


async def test_a_button_press_counts_from_its_receipt_not_from_its_handling(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    await bot.chat.send(CLIENT_CONTACT, "/urgent 机关事业单位养老保险系统报错")
    [ping] = [m for m in bot.to(ENGINEER) if "紧急请求 #1" in m.text]
    received = bot.clock.now() + timedelta(minutes=59, seconds=30)
    bot.clock.advance(timedelta(minutes=61))                      # the press waited in the bot's queue
    payload = UpdateFactory().callback(ENGINEER, ping, ping.data_for("已到岗"))
    await handle_received(bot.app, Update.de_json(payload, bot.app.bot), received)
    await bot.chat.flush()
    assert any("已于 2022-10-10 09:59 到岗，用时 60 分钟" in m.text for m in bot.to(GROUP))
    async with bot.services.db.uow() as uow:
        request = await urgent.repo(uow).get(1)
    assert request is not None and request.arrived_at == received


def test_an_edited_message_counts_from_its_first_send_not_the_edit(bot: Harness) -> None:
    sent = datetime(2022, 10, 10, 9, 0, 5, tzinfo=SHANGHAI)
    payload = UpdateFactory().message(ENGINEER, "/arrived 1", sent_at=sent)
    message = payload.pop("message")
    payload["edited_message"] = {**message, "edit_date": int((sent + timedelta(minutes=3)).timestamp())}
    update = Update.de_json(payload, bot.app.bot)
    received = sent + timedelta(minutes=4)
    msg = inbound_from_update(update, bot.app.bot, received)
    assert msg is not None and msg.edited
    with action_time.receiving(received):
        assert action_moment(msg, bot.services) == sent
