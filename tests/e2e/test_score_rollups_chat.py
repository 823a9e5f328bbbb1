"""/score with closed months rolled up (#16): a change in a closed month shows in the very next /score."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.services import scoring
from storage.scoring import ScoreRollupRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, SHANGHAI, SUPERVISOR, Harness


@pytest.fixture
def config_dict(config_dict: dict[str, Any]) -> dict[str, Any]:
    config_dict["contract"]["tracking_start"] = "2022-10-01"
    return config_dict


async def _rollups(bot: Harness) -> int:
    async with bot.services.db.uow(read_only=True) as uow:
        return await uow.repo(ScoreRollupRepository).count()  # type: ignore[attr-defined, no-any-return]


def _attendance_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("出勤"))


async def test_an_approved_makeup_for_last_month_changes_score_at_once(bot: Harness) -> None:
    bot.clock.set(datetime(2022, 11, 3, 10, 0, tzinfo=SHANGHAI))
    [before_msg] = await bot.chat.send(CLIENT_CONTACT, "/score 2022-10")
    assert await _rollups(bot) > 0  # October is closed: its rates were rolled up by that /score
    [before_contract_msg] = await bot.chat.send(CLIENT_CONTACT, "/score")

    filed = [m for m in await bot.chat.send(ENGINEER, "/makeup 2022-10-31 忘了签到") if m.chat_id == ENGINEER]
    assert "2022-10-31" in filed[0].text
    await bot.chat.press(SUPERVISOR, bot.to(SUPERVISOR)[-1], "✅ 批准")

    [after_msg] = await bot.chat.send(CLIENT_CONTACT, "/score 2022-10")
    [after_contract_msg] = await bot.chat.send(CLIENT_CONTACT, "/score")
    before, before_contract = before_msg.text, before_contract_msg.text
    after, after_contract = after_msg.text, after_contract_msg.text
    assert _attendance_line(before) != _attendance_line(after)
    assert _attendance_line(before_contract) != _attendance_line(after_contract)
    # the answer is what a live computation of the whole period (every loss counted afresh) gives
    for text, period_text in ((after, "2022-10"), (after_contract, "")):
        live = await scoring.compute_assessment(bot.services, scoring.resolve_period(bot.services, period_text))
        assert f"总分 {live.shown_total} / 100" in text
        assert _attendance_line(text).startswith(
            f"出勤 {scoring.fmt_points(live.components['attendance'].points)}/30")
