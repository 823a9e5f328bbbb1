"""The scenarios that matter, on Telegram and on DingTalk from one suite (tests/e2e/platforms.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.clock import FakeClock
from tests.conftest import ENGINEER, STRANGER
from tests.e2e.platforms import Side, side_for


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
