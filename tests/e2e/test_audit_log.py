"""/audit through the chat: admins and contacts read who did what, newest last, capped."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.offline.fake_telegram import SentMessage
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, LEAD, Harness


@pytest.fixture
def config_dict(config_dict: dict[str, Any]) -> dict[str, Any]:
    config_dict["duties"] = {"audit_limit": 3}
    return config_dict


async def say(bot: Harness, user: int, text: str) -> list[SentMessage]:
    return [m for m in await bot.chat.send(user, text) if m.chat_id == user]


async def _five_actions(bot: Harness) -> None:
    for i, (who, text) in enumerate([(ENGINEER, "/lang en"), (ENGINEER, "/lang zh"), (LEAD, "/lang en"),
                                     (LEAD, "/lang zh"), (ENGINEER, "/lang en")]):
        bot.clock.advance(timedelta(minutes=1 + i))
        await say(bot, who, text)


async def test_audit_lists_the_newest_entries_last_and_says_how_many_there_are(bot: Harness) -> None:
    await _five_actions(bot)
    [listing] = await say(bot, ADMIN, "/audit")
    assert "2022-10-04 至 2022-10-10" in listing.text and "共 5 条，显示最近 3 条" in listing.text
    lines = listing.text.splitlines()[1:]
    assert lines == ["10-10 09:06 林海 切换语言 人员#1", "10-10 09:10 林海 切换语言 人员#1",
                     "10-10 09:15 周小舟 切换语言 人员#2"]


async def test_audit_names_each_action_in_the_readers_language(bot: Harness) -> None:
    await say(bot, ENGINEER, "/incident 发现数据库有异常登录")
    [listing] = await say(bot, ADMIN, "/audit")
    assert listing.text.splitlines()[-1].endswith("报告安全事件 安全事件#1")
    assert "incident.report" not in listing.text
    await say(bot, CLIENT_CONTACT, "/lang en")
    [english] = await say(bot, CLIENT_CONTACT, "/audit")
    assert "reported a security incident incident#1" in english.text


async def test_audit_shows_an_action_without_a_catalog_name_by_its_code(bot: Harness) -> None:
    async with bot.services.db.uow() as uow:
        await uow.audit.append(at=bot.clock.now(), action="future.feature", entity="gizmo", entity_id=3,
                               actor_name="林海")
        await uow.commit()
    [listing] = await say(bot, ADMIN, "/audit")
    assert listing.text.splitlines()[-1].endswith("林海 future.feature gizmo#3")


async def test_audit_filters_by_period_and_person(bot: Harness) -> None:
    await _five_actions(bot)
    [mine] = await say(bot, CLIENT_CONTACT, "/audit 本月 林海")
    assert "2022-10-01 至 2022-10-31（林海）：共 2 条" in mine.text and "周小舟" not in mine.text
    [only_person] = await say(bot, CLIENT_CONTACT, "/audit 周小舟")
    assert "共 3 条" in only_person.text
    [empty] = await say(bot, ADMIN, "/audit 上个月")
    assert "2022-09-01 至 2022-09-30（所有人）没有操作记录" in empty.text


async def test_audit_explains_an_unreadable_period(bot: Harness) -> None:
    [answer] = await say(bot, ADMIN, "/audit 很久以前")
    assert "没看懂时间段「很久以前」" in answer.text and "上个月" in answer.text


async def test_engineers_cannot_read_the_audit_trail(bot: Harness) -> None:
    [answer] = await say(bot, ENGINEER, "/audit")
    assert "无权" in answer.text
