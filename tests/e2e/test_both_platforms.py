"""The scenarios that matter, on Telegram and on DingTalk from one suite (tests/e2e/platforms.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.services.clock import FakeClock
from storage.tickets import TicketRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, STRANGER, SUPERVISOR
from tests.e2e.platforms import Seen, Side, side_for


@pytest.fixture(params=["telegram", "dingtalk"])
async def side(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> AsyncIterator[Side]:
    async with side_for(request.param, tmp_path, clock) as running_side:
        yield running_side


async def test_check_in_by_saying_qiandao(side: Side) -> None:
    [answer] = await side.send(ENGINEER, "签到")
    assert answer.chat == ENGINEER
    assert "签到成功：2022-10-10 09:00" in answer.text and "准时" in answer.text


async def test_a_stranger_is_refused(side: Side) -> None:
    answers = await side.send(STRANGER, "/ticket 打印机坏了")
    assert answers and all(a.chat == STRANGER for a in answers)
    assert "名单" in answers[0].text or "roster" in answers[0].text


def _one(messages: list[Seen], fragment: str) -> Seen:
    found = [m for m in messages if fragment in m.text]
    assert found, f"nothing with {fragment!r} in {[m.text for m in messages]}"
    return found[-1]


async def test_ticket_with_buttons_and_rating(side: Side) -> None:
    await side.send(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
    offer = _one(side.to(ENGINEER), "新工单")
    assert "我来受理" in offer.labels
    taken = await side.press(ENGINEER, offer, "我来受理")
    assert any("已受理 #1" in m.text for m in taken)
    assert any("周小舟 受理" in m.text for m in side.to(CLIENT_CONTACT))

    side.clock.advance(timedelta(hours=2))
    await side.send(ENGINEER, "/resolve 1 已重置密码，用户可正常登录")
    ask = _one(side.to(CLIENT_CONTACT), "已重置密码")
    assert ask.labels == ["满意", "基本满意", "不满意"]
    rated = await side.press(CLIENT_CONTACT, ask, "基本满意")
    edited = _one(rated, "已评价：基本满意")
    assert edited.labels == []  # the rating buttons are gone from the message (Telegram: edit; DingTalk: card)
    assert any("感谢评价" in m.text for m in rated)
    async with side.services.db.uow() as uow:
        ticket = await uow.repo(TicketRepository).get(1)
    assert (ticket.status, ticket.rating) == ("closed", "basically")


async def test_urgent_request_acknowledged_arrived_and_another_escalated(side: Side) -> None:
    await side.bind_group()
    answers = await side.send(SUPERVISOR, "/urgent 社保卡系统无法登录", group=True)
    assert any("紧急请求 #1 已发出" in a.text and "2022-10-10 10:00" in a.text for a in answers)
    ping = _one(side.to(ENGINEER), "紧急请求 #1")
    assert ping.labels == ["收到", "已到岗", "需要支援"]
    acked = await side.press(ENGINEER, ping, "收到")
    assert any("已确认收到紧急请求 #1" in m.text for m in acked)
    side.clock.advance(timedelta(minutes=25))
    arrived = await side.press(ENGINEER, ping, "已到岗")
    assert any("用时 25 分钟" in m.text for m in arrived)
    assert any("已于 2022-10-10 09:25 到岗" in m.text for m in side.in_group())

    await side.send(SUPERVISOR, "/urgent 统一经办门户打不开", group=True)
    side.clock.advance(timedelta(hours=1, minutes=1))
    await side.run_timers()
    assert any("超过到岗时限" in m.text for m in side.in_group())
    assert any("紧急请求 #2" in m.text and "第 1 级" in m.text for m in side.to(LEAD))


async def test_score_is_read_by_the_contact_and_refused_to_an_engineer(side: Side) -> None:
    [answer] = await side.send(CLIENT_CONTACT, "/score")
    assert "总分" in answer.text and "付款比例" in answer.text
    [refused] = await side.send(ENGINEER, "/score")
    assert "总分" not in refused.text and refused.chat == ENGINEER


async def test_a_crash_between_handling_and_acknowledging_applies_the_message_once(side: Side) -> None:
    """The bot committed the ticket, then died before telling the platform (Telegram: the offset was not confirmed;
    DingTalk: the frame's ack never left). The platform delivers it again: one ticket, and the sender is told it
    was handled already."""
    first, second = await side.send_lost_ack(CLIENT_CONTACT, "/ticket 打印机无法连接")
    assert any("已登记工单 #1" in m.text for m in first)
    assert any("已经处理过了" in m.text for m in second)
    async with side.services.db.uow() as uow:
        tickets = await uow.repo(TicketRepository).list()
    assert [t.id for t in tickets] == [1]
