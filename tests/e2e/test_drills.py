"""Emergency drills through the chat: the plan with the contract's scenarios, reminders, recorded results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.offline.fake_telegram import SentMessage
from bot.services import drills
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.schedule import run_all_due
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT, Harness


@pytest.fixture
def config_dict(config_dict: dict[str, Any]) -> dict[str, Any]:
    """One drill from the config already held in June, one in the config planned for Thursday 2022-10-20."""
    config_dict["drills"] = [{"scenario": "关键人员流失", "date": "2022-06-15"},
                             {"scenario": "数据库主备切换", "date": "2022-10-20"}]
    return config_dict


async def say(bot: Harness, user: int, text: str) -> list[SentMessage]:
    return [m for m in await bot.chat.send(user, text) if m.chat_id == user]


def _with(messages: list[SentMessage], needle: str) -> list[SentMessage]:
    return [m for m in messages if needle in m.text]


async def test_drills_lists_the_plan_and_the_contract_scenarios_still_unplanned(bot: Harness) -> None:
    [plan] = await say(bot, ENGINEER, "/drills")
    assert "#1 2022-06-15 关键人员流失（待演练）" in plan.text
    assert "#2 2022-10-20 数据库主备切换（待演练）" in plan.text
    unplanned = plan.text.split("尚未安排的场景")[1]
    assert "关键人员流失" not in unplanned  # planned through the config
    for code, name in (("S2", "乙方主动退出服务"), ("S3", "乙方丧失资质退出服务"), ("S4", "乙方被收购退出服务"),
                       ("S5", "乙方合并退出服务"), ("S6", "乙方破产退出服务")):
        assert f"{code} {name}" in unplanned


async def test_lead_plans_a_contract_scenario_by_its_code(bot: Harness) -> None:
    [planned] = await say(bot, LEAD, "/drill plan S6 2022-11-16")
    async with bot.services.db.uow(read_only=True) as uow:  # #3 on SQLite; PostgreSQL's ids may skip numbers
        drill_id = await uow.audit.scalar("SELECT MAX(id) FROM duty_drills")
    assert f"已安排演练 #{drill_id}：2022-11-16 乙方破产退出服务" in planned.text
    [plan] = await say(bot, SUPERVISOR, "/drills")
    assert "S6" not in plan.text.split("尚未安排的场景")[1]
    [past] = await say(bot, LEAD, "/drill plan S2 2022-10-01")
    assert "已经过去" in past.text


async def test_reminders_before_and_on_the_day_then_the_result_goes_to_the_client(bot: Harness) -> None:
    await bot.run_timers()
    assert not _with(bot.to(LEAD), "关键人员流失")  # the June drill is listed, not nagged about
    bot.clock.set(datetime(2022, 10, 17, 9, 0, tzinfo=SHANGHAI))  # 3 working days before 2022-10-20
    await bot.run_timers()
    await bot.run_timers()
    for who in (LEAD, CLIENT_CONTACT, VENDOR_CONTACT):
        assert len(_with(bot.to(who), "定于 2022-10-20")) == 1, who
    bot.clock.set(datetime(2022, 10, 20, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert _with(bot.to(LEAD), "今天（2022-10-20）进行应急演练 #2")
    [recorded] = await say(bot, LEAD, "/drill done 2 切换用时 8 分钟，业务无中断")
    assert "已登记演练 #2" in recorded.text
    [notice] = _with(bot.to(CLIENT_CONTACT), "已完成，林海 登记结果")
    assert "切换用时 8 分钟" in notice.text
    assert _with(bot.to(SUPERVISOR), "已完成，林海 登记结果")
    bot.clock.set(datetime(2022, 10, 21, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    assert not _with(bot.to(LEAD), "还没有登记结果")
    [plan] = await say(bot, ENGINEER, "/drills")
    assert "#2 2022-10-20 数据库主备切换 ✅ 切换用时 8 分钟" in plan.text
    [twice] = await say(bot, LEAD, "/drill done 2 再记一次")
    assert "已经登记过" in twice.text


async def test_a_drill_without_result_is_flagged_the_next_working_day(bot: Harness) -> None:
    await bot.run_timers()
    bot.clock.set(datetime(2022, 10, 21, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    await bot.run_timers()
    flagged = _with(bot.to(LEAD), "还没有登记结果")
    assert len(flagged) == 1 and "/drill done 2" in flagged[0].text
    assert not _with(bot.to(LEAD), "定于 2022-10-20")  # late: only the latest message, not the missed ones


async def test_drill_usage_and_unknown_drill(bot: Harness) -> None:
    [usage] = await say(bot, LEAD, "/drill")
    assert "/drill done 编号 结果" in usage.text
    [unknown] = await say(bot, LEAD, "/drill done 9 结果")
    assert "没有演练 #9" in unknown.text


async def test_configured_drills_join_the_plan_in_the_sweep_with_audit_rows_and_reading_writes_nothing(
        services: Services, clock: FakeClock) -> None:
    assert (await drills.plan(services)).drills == []  # /drills reads; it never inserts
    async with services.db.uow() as uow:
        assert await uow.audit.list(action_prefix="drill.") == []
    await run_all_due(services, clock.now())  # what the start-up sweep does
    await run_all_due(services, clock.now())
    planned = (await drills.plan(services)).drills
    assert [(d.planned_on.isoformat(), d.source) for d in planned] == [("2022-06-15", "config"),
                                                                         ("2022-10-20", "config")]
    async with services.db.uow() as uow:
        entries = await uow.audit.list(action_prefix="drill.")
    assert [(e.action, e.actor_name, e.entity_id, e.after["source"]) for e in entries] == [
        ("drill.plan", "maintbot", str(d.id), "config") for d in planned]  # once each, by the bot


async def test_a_reminder_names_the_contract_scenario_in_the_readers_language(bot: Harness) -> None:
    """The scenario's name follows each recipient's language (it used to be Chinese in every reminder)."""
    [planned] = await say(bot, LEAD, "/drill plan S6 2022-11-16")
    assert "#3" in planned.text
    await bot.chat.send(LEAD, "/lang en")
    bot.clock.set(datetime(2022, 11, 16, 9, 0, tzinfo=SHANGHAI))
    await bot.run_timers()
    [english] = _with(bot.to(LEAD), "Emergency drill #3")
    assert "“vendor goes bankrupt”" in english.text and "乙方破产退出服务" not in english.text
    [chinese] = _with(bot.to(CLIENT_CONTACT), "应急演练 #3")
    assert "「乙方破产退出服务」" in chinese.text
