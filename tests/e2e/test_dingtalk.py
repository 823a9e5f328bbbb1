"""What only DingTalk has: acks withheld on RETRY, the access token cached and renewed, the group robot's limit kept
on our side, a refusal for good reported to the admins, no location, and the SDK kept on loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.handlers.router import Outcome
from bot.offline.fake_dingtalk import GROUP_CID
from bot.services.clock import FakeClock
from bot.state import app_state
from bot.transports.dingtalk.stream import MaintStreamClient
from storage.tickets import TicketRepository
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, SUPERVISOR
from tests.e2e.platforms import DingTalkSide, side_for, staff


@pytest.fixture
async def ding(tmp_path: Path, clock: FakeClock) -> AsyncIterator[DingTalkSide]:
    async with side_for("dingtalk", tmp_path, clock) as side:
        assert isinstance(side, DingTalkSide)
        yield side


async def test_a_frame_left_to_retry_is_not_acknowledged_and_comes_again(ding: DingTalkSide,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    router = ding.platform_.router
    real = router.handle
    calls: list[str] = []

    async def busy_once(msg: Any, ctx: Any) -> Outcome:
        calls.append(msg.update_id)
        if len(calls) == 1:
            return Outcome.RETRY  # storage was busy: nothing applied
        return await real(msg, ctx)

    monkeypatch.setattr(router, "handle", busy_once)
    opens = ding.fake.opens
    frame = await ding.fake.push_message(staff(CLIENT_CONTACT), "/ticket 打印机无法连接")
    while not calls:
        await asyncio.sleep(0.01)
    assert frame not in ding.fake.acks
    await ding.fake.drop_connections()  # DingTalk redelivers what was not acknowledged on the next connection
    await ding.deliver(frame)
    assert calls == [frame, frame] and ding.fake.opens > opens
    async with ding.services.db.uow() as uow:
        assert [t.id for t in await uow.repo(TicketRepository).list()] == [1]
    assert any("已登记工单 #1" in m.text for m in ding.to(CLIENT_CONTACT))


async def test_the_access_token_is_cached_and_renewed_after_a_401(ding: DingTalkSide) -> None:
    for _ in range(3):
        await ding.send(ENGINEER, "/help")
    assert ding.fake.token_calls == 1
    ding.fake.tokens.clear()  # DingTalk revoked it: the next call gets 401, a new token is fetched, nothing lost
    answers = await ding.send(ENGINEER, "签到")
    assert ding.fake.token_calls == 2
    assert any("签到成功" in m.text for m in answers + ding.to(ENGINEER))


async def test_the_group_robot_never_exceeds_twenty_a_minute_and_nothing_is_dropped(
        ding: DingTalkSide) -> None:
    moment = [1000.0]
    ding.platform_.api.group_window.now = ding.fake.monotonic = lambda: moment[0]
    async with ding.services.db.uow() as uow:
        for n in range(25):
            await ding.services.notifier.to_chat(uow, f"group:{GROUP_CID}", "error.admin_alert", kind="test.burst",
                                                 platform="dingtalk", error=f"burst {n}", update_id=n)
        await uow.commit()
    await ding.flush()
    assert len(ding.in_group()) == 20 and ding.fake.group_blocked == []
    moment[0] += 61
    ding.clock.advance(timedelta(seconds=61))
    await ding.flush()
    texts = [m.text for m in ding.in_group()]
    assert len(texts) == 25 and all(any(f"burst {n}" in t for t in texts) for n in range(25))
    assert [i for i, t in enumerate(texts) if "burst 0" in t] == [0]  # in order
    assert ding.fake.group_blocked == []


async def test_a_refusal_for_good_is_reported_to_the_admins(ding: DingTalkSide) -> None:
    ding.fake.known_users = {staff(p) for p in (ADMIN, CLIENT_CONTACT)}  # the engineer left the DingTalk org
    await ding.send(CLIENT_CONTACT, "/ticket 打印机无法连接")
    assert not ding.to(ENGINEER)
    report = [m.text for m in ding.to(ADMIN)]
    assert any(f"user:{staff(ENGINEER)}" in t for t in report), report


async def test_no_location_on_dingtalk_the_checkin_hint_says_so(ding: DingTalkSide) -> None:
    [answer] = await ding.send(ENGINEER, "签到")
    assert "签到成功" in answer.text and "发送位置" not in answer.text


def test_the_sdk_never_probes_a_public_address_for_a_loopback_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    from dingtalk_stream import Credential

    def refuse(*args: Any, **kwargs: Any) -> Callable[..., Any]:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    client = MaintStreamClient(Credential("id", "secret"), "http://127.0.0.1:9")
    assert client.get_host_ip() == "127.0.0.1"


async def test_group_commands_give_no_telegram_privacy_hint_and_group_news_stays_on_dingtalk(
        ding: DingTalkSide) -> None:
    answers = await ding.send(SUPERVISOR, "/bindgroup", group=True)
    assert answers and all("隐私" not in m.text and "privacy" not in m.text.lower() for m in answers)
    answers = await ding.send(ENGINEER, "/checkin", group=True)
    assert any("签到成功" in m.text for m in answers)
    assert all("隐私" not in m.text for m in answers)
    await ding.send(SUPERVISOR, "/urgent 统一经办门户打不开", group=True)
    assert any("紧急请求 #1" in m.text for m in ding.in_group())
    assert not app_state(ding.app).delivery.failed_count
