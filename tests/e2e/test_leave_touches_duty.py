"""Leave that touches duty (issue 20, item 6), through the real Application and the fake Bot API: an approved
leave on a day the person is on duty starts the swap flow with who could cover (their OK, then a supervisor's),
or warns the lead and the supervisors of the gap, instead of leaving the rota silently wrong."""

from __future__ import annotations

from bot.services.domain.oncall import could_cover
from bot.services.domain.people import Person, Role
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SUPERVISOR, Harness


async def _approve_leave(bot: Harness, user: int, text: str) -> None:
    await bot.chat.send(user, text)
    ask = [m for m in bot.to(SUPERVISOR) if "请假" in m.text and m.button_labels() == ["✅ 批准", "❌ 驳回"]][-1]
    await bot.chat.press(SUPERVISOR, ask, "✅ 批准")


async def test_approved_leave_on_a_duty_day_proposes_a_swap_that_both_sides_approve(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/oncall set 10月15日 周小舟")            # Saturday's duty
    await _approve_leave(bot, ENGINEER, "/leave 10月14日至10月17日 家里有事")
    [asked] = [m for m in bot.to(LEAD) if "请您替其值 2022-10-15 的班" in m.text]
    assert "周小舟 的请假已批准" in asked.text and asked.button_labels() == ["同意", "拒绝"]
    assert any("已请 林海 替班" in m.text for m in bot.to(ENGINEER))
    await bot.chat.press(LEAD, asked, "同意")
    [to_supervisor] = [m for m in bot.to(SUPERVISOR) if "换班申请" in m.text]
    await bot.chat.press(SUPERVISOR, to_supervisor, "批准")
    [view] = await bot.chat.send(ENGINEER, "/oncall")
    assert "2022-10-15 休息日：林海" in view.text


async def test_approved_leave_with_nobody_to_cover_warns_of_the_gap(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/oncall set 10月15日 周小舟")
    await _approve_leave(bot, LEAD, "/leave 10月14日至10月17日 出差")      # the only other engineer is away too
    await _approve_leave(bot, ENGINEER, "/leave 10月14日至10月17日 家里有事")
    assert not [m for m in bot.to(LEAD) if "请您替其值" in m.text]
    [lead_warned] = [m for m in bot.to(LEAD) if "值班缺口" in m.text]
    assert "周小舟 请假，2022-10-15 原由其值班" in lead_warned.text and "/oncall set 2022-10-15" in lead_warned.text
    assert any("值班缺口" in m.text for m in bot.to(CLIENT_CONTACT))   # the supervisors too
    assert any("目前没有人可替班" in m.text for m in bot.to(ENGINEER))
    [listing] = await bot.chat.send(CLIENT_CONTACT, "/audit")
    assert "无人可替班" in listing.text


async def test_leave_on_days_without_duty_changes_nothing_on_the_rota(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/oncall set 10月22日 周小舟")
    await _approve_leave(bot, ENGINEER, "/leave 10月14日 看病")
    assert not [m for m in bot.api.sent if "替其值" in m.text or "值班缺口" in m.text]


def test_who_could_cover_is_whoever_is_free_with_the_fewest_duty_days_first() -> None:
    from collections import Counter

    people = [Person(i, f"工程师{i}", 1000 + i, frozenset({Role.ENGINEER}), "zh_CN") for i in (1, 2, 3, 4)]
    assert [p.id for p in could_cover(people, 1, busy={3}, prior=Counter({2: 5, 4: 1}))] == [4, 2]
