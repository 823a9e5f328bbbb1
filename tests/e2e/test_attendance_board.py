"""Issue 16, point 5: check-ins in the group are acknowledged with a 👍 reaction and ONE attendance board message a
day, edited as people check in (a group gets 20 messages a minute); private check-ins keep the full reply."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.offline.fake_telegram import FakeBotAPI, FloodLimits
from bot.services.clock import FakeClock
from config.settings import Settings, settings_from_dict
from tests.conftest import ENGINEER, GROUP, LEAD, SUPERVISOR, Harness, started_bot


def _group_sends(bot: Harness) -> list[Any]:
    return [m for m in bot.to(GROUP) if m.method == "sendMessage"]


async def test_group_checkins_get_a_reaction_and_edit_one_board(bot: Harness) -> None:
    first = await bot.chat.send(LEAD, "签到", chat_id=GROUP)
    assert [m.method for m in first] == ["sendMessage"]
    board_id = first[0].message_id
    assert "林海 09:00" in first[0].text and "未签到：周小舟" in first[0].text
    bot.clock.advance(timedelta(minutes=12))
    second = await bot.chat.send(ENGINEER, "/checkin", chat_id=GROUP)
    assert next((m.method, m.message_id) for m in second if m.chat_id == GROUP) == ("editMessageText", board_id)
    edited = second[0].text
    assert "林海 09:00" in edited and "周小舟 09:12（迟到 12 分钟）" in edited and "全部已签到" in edited
    assert len(bot.api.reactions) == 2 and {e for _, _, e in bot.api.reactions} == {"👍"}
    bot.clock.advance(timedelta(hours=9))
    out = await bot.chat.send(ENGINEER, "签退", chat_id=GROUP)
    assert out[0].method == "editMessageText" and "签退 18:12" in out[0].text
    assert len(_group_sends(bot)) == 1  # one board message all day


async def test_errors_in_the_group_still_get_a_reply_and_private_checkins_the_full_reply(bot: Harness) -> None:
    await bot.chat.send(LEAD, "签到", chat_id=GROUP)
    [again] = await bot.chat.send(LEAD, "签到", chat_id=GROUP)
    assert "签到过了" in again.text
    [refused] = await bot.chat.send(SUPERVISOR, "签到", chat_id=GROUP)
    assert refused.method == "sendMessage" and "今日考勤" not in refused.text
    [private] = await bot.chat.send(ENGINEER, "签到")
    assert private.chat_id == ENGINEER and "签到成功" in private.text
    assert len(bot.api.reactions) == 1


async def test_a_restart_keeps_editing_the_same_board(settings: Settings, clock: FakeClock) -> None:
    async with started_bot(settings, clock) as bot:
        [board] = await bot.chat.send(LEAD, "签到", chat_id=GROUP)
    clock.advance(timedelta(minutes=5))
    async with started_bot(settings, clock) as bot:
        sent = await bot.chat.send(ENGINEER, "签到", chat_id=GROUP)
    [edit] = [m for m in sent if m.chat_id == GROUP]
    assert edit.method == "editMessageText" and edit.message_id == board.message_id


async def test_the_board_falls_back_to_a_new_message_when_the_edit_fails(bot: Harness) -> None:
    [board] = await bot.chat.send(LEAD, "签到", chat_id=GROUP)
    bot.api.fail_next("editMessageText", status=400)
    sent = await bot.chat.send(ENGINEER, "签到", chat_id=GROUP)
    [fresh] = [m for m in sent if m.method == "sendMessage"]
    assert fresh.message_id != board.message_id and "周小舟" in fresh.text
    bot.clock.advance(timedelta(minutes=1))
    await bot.chat.send(LEAD, "签退", chat_id=GROUP)
    assert bot.to(GROUP)[-1].method == "editMessageText" and bot.to(GROUP)[-1].message_id == fresh.message_id


async def test_the_board_in_english(config_dict: dict[str, Any], clock: FakeClock) -> None:
    config_dict["contract"]["default_language"] = "en"
    async with started_bot(settings_from_dict(config_dict), clock) as bot:
        [board] = await bot.chat.send(LEAD, "check in", chat_id=GROUP)
    assert "Attendance 2022-10-10 (1/2 checked in)" in board.text and "Not checked in: 周小舟" in board.text


@pytest.mark.slow
async def test_fifty_group_checkins_within_telegrams_limits(config_dict: dict[str, Any], clock: FakeClock) -> None:
    engineers = [7_100_000_000 + n for n in range(50)]  # made-up Telegram ids
    config_dict["roster"] += [{"name": f"工程师{n:02d}", "telegram_id": tid, "roles": ["engineer"],
                               "start": "2022-02-01"} for n, tid in enumerate(engineers)]
    api = FakeBotAPI(flood_limits=FloodLimits())
    async with started_bot(settings_from_dict(config_dict), clock, api) as bot:
        for tid in engineers:
            await bot.chat.send(tid, "签到", chat_id=GROUP)
        assert len(_group_sends(bot)) <= 2
        assert len([r for r in api.reactions if r[0] == GROUP]) == 50
        assert api.flood is not None and api.flood.refused == 0
        assert "已签到 50/52" in bot.to(GROUP)[-1].text
