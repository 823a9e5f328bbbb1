"""Update intake under faults and bad input (issue 14), through the real Application and the fake Bot API:
edited commands, concurrent redeliveries, malformed buttons, unbound groups and strangers in the group."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from tests.conftest import CLIENT_CONTACT, GROUP, SUPERVISOR, Harness


async def process_raw(bot: Harness, payload: dict[str, Any]) -> list[str]:
    before = len(bot.api.sent)
    await bot.app.process_update(Update.de_json(payload, bot.app.bot))
    await bot.chat.flush()
    return [m.text for m in bot.api.sent[before:]]


async def audited(bot: Harness, prefix: str) -> int:
    async with bot.services.db.uow() as uow:
        return len(await uow.audit.list(action_prefix=prefix))


# -- 1. an edited command never applies twice -------------------------------------------------------------

async def test_editing_an_urgent_request_raises_no_second_request_and_says_how_to_correct(bot: Harness) -> None:
    factory = bot.chat.factory
    original = factory.message(CLIENT_CONTACT, "/urgent 机房空调故障")
    await process_raw(bot, original)
    assert await audited(bot, "urgent.raise") == 1
    answer = await process_raw(bot, factory.edited(original, "/urgent 机房空调故障（更正：3楼）"))
    assert await audited(bot, "urgent.raise") == 1
    assert len(answer) == 1
    assert "修改后的命令不会再执行一次" in answer[0] and "/cancelurgent 编号 原因" in answer[0]
    # a second edit is a new update: told again, once, and still nothing applied
    again = await process_raw(bot, factory.edited(original, "/urgent 机房空调故障（更正：4楼）"))
    assert len(again) == 1 and await audited(bot, "urgent.raise") == 1


async def test_editing_a_deduction_records_no_second_deduction(bot: Harness) -> None:
    factory = bot.chat.factory
    original = factory.message(SUPERVISOR, "/deduct daily 2 漏巡检")
    await process_raw(bot, original)
    assert await audited(bot, "score.deduct") == 1
    [answer] = await process_raw(bot, factory.edited(original, "/deduct daily 3 漏巡检"))
    assert await audited(bot, "score.deduct") == 1
    assert "/deductions" in answer and "/deduct daily 2" in answer


# -- 5. concurrent redeliveries are applied once ------------------------------------------------------------

async def test_the_same_update_handled_three_times_at_once_creates_one_ticket(bot: Harness) -> None:
    payload = bot.chat.factory.message(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
    updates = [Update.de_json(payload, bot.app.bot) for _ in range(3)]
    await asyncio.gather(*(bot.app.process_update(u) for u in updates))
    await bot.chat.flush()
    assert await audited(bot, "tickets.open") == 1
    texts = [m.text for m in bot.to(CLIENT_CONTACT)]
    assert sum("已经处理过了" in text for text in texts) == 2


async def test_a_second_commit_in_the_same_update_is_not_mistaken_for_a_redelivery(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)  # binds (one commit) and may hint (read only)
    answers = await bot.chat.send(CLIENT_CONTACT, "/ticket 打印机卡纸", chat_id=GROUP)
    assert not any("已经处理过了" in m.text for m in answers)
    assert await audited(bot, "tickets.open") == 1
