"""Urgent requests through the real Application and the fake Bot API: the buttons and location in a chat,
and the clock surviving a real restart (a new Application on the same database file)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.app import build_application, running
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI, SentMessage
from bot.services.clock import SystemClock
from bot.state import app_state
from config.settings import settings_from_dict
from storage.urgent import UrgentRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR, VENDOR_CONTACT, Harness


async def test_urgent_request_in_chat_with_buttons_and_location(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    answers = await bot.chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录", chat_id=GROUP)
    assert any("紧急请求 #1 已发出" in a.text and "2022-10-10 10:00" in a.text for a in answers)
    [ping] = [m for m in bot.to(ENGINEER) if "紧急请求 #1" in m.text]
    assert ping.button_labels() == ["收到", "已到岗", "需要支援"]
    assert [m for m in bot.to(GROUP) if "紧急请求 #1" in m.text] == [a for a in answers if a.chat_id == GROUP]

    [ack] = await bot.chat.press(ENGINEER, ping, "收到")
    assert "已确认收到紧急请求 #1" in ack.text
    bot.clock.advance(timedelta(minutes=25))
    arrived = await bot.chat.press(ENGINEER, ping, "已到岗")
    assert any("用时 25 分钟" in m.text and "位置" in m.text for m in arrived)
    assert any("周小舟" in m.text and "已于 2022-10-10 09:25 到岗" in m.text for m in bot.to(GROUP))
    answers = await bot.chat.send_location(ENGINEER, 31.8101, 119.9701)  # attendance may answer too
    assert any("位置已核验" in a.text and "紧急请求 #1" in a.text and "在现场范围内" in a.text for a in answers)
    [listing] = await bot.chat.send(LEAD, "/urgents 今天")
    assert "#1" in listing.text and "已到岗：周小舟，用时 25 分钟" in listing.text
    [open_list] = await bot.chat.send(LEAD, "/urgents")
    assert "没有未完成" in open_list.text


async def test_text_commands_and_refusals(bot: Harness) -> None:
    [usage] = await bot.chat.send(SUPERVISOR, "/urgent")
    assert "/urgent" in usage.text and "发现" in usage.text
    await bot.chat.send(CLIENT_CONTACT, "/urgent 养老保险系统报错")
    [ack] = await bot.chat.send(LEAD, "/ack")          # the newest request the lead was called to
    assert "#1" in ack.text
    [refused] = await bot.chat.send(SUPERVISOR, "/arrived 1")
    assert "无权" in refused.text
    # The arrival also resolves the request's ticket, so its requester is asked to rate it (a second message).
    [arrived, rate_ask] = await bot.chat.send(LEAD, "/arrived #1")
    assert "已记录到岗" in arrived.text and arrived.chat_id == LEAD
    assert rate_ask.chat_id == CLIENT_CONTACT
    [again] = await bot.chat.send(ENGINEER, "/arrived 1")
    assert "已由 林海" in again.text
    [missing] = await bot.chat.send(ENGINEER, "/ack 99")
    assert "#99" in missing.text


async def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


def _texts(api: FakeBotAPI, chat_id: int, needle: str) -> list[SentMessage]:
    return [m for m in api.messages_to(chat_id) if needle in m.text]


async def test_deadline_and_escalation_fire_after_a_real_restart(config_dict: dict[str, Any]) -> None:
    """Seconds instead of an hour: raise, stop the bot, start a new Application on the same database before the
    deadline; the rebuilt timers mark the breach and run the escalation steps on time."""
    config_dict["sla"] = {"arrival_deadline": "3s", "reminder_offsets": ["1s"],
                          "escalation_steps": [{"target": "lead", "delay": "0s"},
                                               {"target": "contacts", "delay": "1s"}],
                          "second_line_arrival": "1h"}
    config_dict["sweep_interval"] = "60s"  # the backstop stays out of the way: the precise jobs must do it
    settings = settings_from_dict(config_dict, apply_env=False)

    first_api = FakeBotAPI()
    first = build_application(settings, request=first_api, clock=SystemClock())
    async with running(first):
        chat = ChatDriver(first, first_api)
        await chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
        answers = await chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录", chat_id=GROUP)
        assert any("紧急请求 #1 已发出" in a.text for a in answers)
        assert _texts(first_api, LEAD, "紧急请求 #1")  # the lead is called (on duty, or the fallback)
    assert _texts(first_api, LEAD, "升级") == []          # stopped well before the 3 s deadline

    second_api = FakeBotAPI()
    second = build_application(settings, request=second_api, clock=SystemClock())
    async with running(second):
        services = app_state(second).running_services()
        async with services.db.uow() as uow:
            request = await uow.repo(UrgentRepository).get(1)  # type: ignore[attr-defined]
        assert request.breach_detected_at is None and services.now() < request.deadline_at  # a real restart
        assert await _wait_for(lambda: bool(_texts(second_api, LEAD, "第 1 级")), 6)
        assert _texts(second_api, GROUP, "超过到岗时限")
        assert await _wait_for(lambda: bool(_texts(second_api, CLIENT_CONTACT, "第 2 级")), 4)
        assert _texts(second_api, VENDOR_CONTACT, "第 2 级")
        assert [m for m in second_api.sent if "⏰" in m.text]  # the 1 s reminder fired in the new process
        async with services.db.uow() as uow:
            repo = uow.repo(UrgentRepository)
            stored = await repo.get(1)  # type: ignore[attr-defined]
            steps = await repo.steps(1)  # type: ignore[attr-defined]
    assert stored.deadline_at == stored.started_at + timedelta(seconds=3)  # the true deadline is kept
    assert stored.deadline_at <= stored.breach_detected_at < stored.deadline_at + timedelta(seconds=3)
    assert [s["target"] for s in steps] == ["lead", "contacts"]
    assert all(s["due_at"] <= s["fired_at"] < s["due_at"] + timedelta(seconds=3) for s in steps)
    assert steps[1]["due_at"] - steps[0]["due_at"] == timedelta(seconds=1)


async def test_arrival_shared_978_km_away_is_flagged_in_the_list_and_told_to_lead_and_raiser(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录")
    [ping] = [m for m in bot.to(ENGINEER) if "紧急请求 #1" in m.text]
    bot.clock.advance(timedelta(minutes=15))
    await bot.chat.press(ENGINEER, ping, "已到岗")
    answers = await bot.chat.send_location(ENGINEER, 40.6058, 119.97)
    [flagged] = [a for a in answers if a.chat_id == ENGINEER and "紧急请求 #1" in a.text]
    assert "距离现场 978050 米" in flagged.text and "不算未到岗" in flagged.text and "不在现场" in flagged.text
    for who in (LEAD, SUPERVISOR):
        assert [m for m in bot.to(who) if "不在现场" in m.text and "978050 米" in m.text], who
    [listing] = await bot.chat.send(LEAD, "/urgents 今天")
    assert "已到岗：周小舟，用时 15 分钟；⚠️ 到岗位置不在现场（距离 978050 米）" in listing.text


async def test_english_replies_join_names_with_a_comma(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/lang en")
    [raised] = [m for m in await bot.chat.send(SUPERVISOR, "/urgent card system login fails")
                if m.chat_id == SUPERVISOR]
    assert "Notified: 林海, 周小舟" in raised.text and "、" not in raised.text


async def test_cancel_in_chat_needs_a_reason_refuses_others_and_answers_a_repeat(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    await bot.chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录", chat_id=GROUP)
    [ping] = [m for m in bot.to(ENGINEER) if "紧急请求 #1" in m.text]
    [usage] = await bot.chat.send(SUPERVISOR, "/cancelurgent 1")
    assert "原因必填" in usage.text and "/cancelurgent 12 误报" in usage.text
    [refused] = await bot.chat.send(ENGINEER, "/cancelurgent 1 误报")
    assert "只有紧急请求 #1 的提出人、监理或甲方联系人可以取消" in refused.text
    [done] = [m for m in await bot.chat.send(SUPERVISOR, "/cancelurgent #1 误报，系统已远程恢复")
              if m.chat_id == SUPERVISOR]
    assert "已取消紧急请求 #1" in done.text and "提醒和升级已停止" in done.text
    assert any("#1 已取消" in m.text and "误报，系统已远程恢复" in m.text for m in bot.to(ENGINEER))
    assert any("已由 陈主管" in m.text for m in bot.to(GROUP))
    [again] = [m for m in await bot.chat.send(SUPERVISOR, "/cancelurgent #1 误报，系统已远程恢复")  # repeated
               if m.chat_id == SUPERVISOR]
    assert "已于 2022-10-10 09:00 由 陈主管 取消" in again.text and "无需再次取消" in again.text
    await bot.chat.press(ENGINEER, ping, "收到")                      # an old button: told, nothing recorded
    alert = bot.chat.answers()[-1].params
    assert alert["show_alert"] and "由 陈主管 取消" in alert["text"] and "无需处理" in alert["text"]
    bot.clock.advance(timedelta(hours=2))


    def about_it() -> list[str]:
        return [m.text for who in (ENGINEER, LEAD, GROUP) for m in bot.to(who) if "紧急请求 #1" in m.text]

    before = about_it()
    await bot.run_timers()                                      # past the deadline: no reminder, no breach
    assert about_it() == before
    [listing] = await bot.chat.send(LEAD, "/urgents 今天")
    assert "已取消：陈主管" in listing.text and "原因：误报，系统已远程恢复" in listing.text
