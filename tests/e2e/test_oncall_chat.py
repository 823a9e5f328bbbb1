"""The rota through the chat: /oncall set and show, /dutyplan approved with its button, /swap with both OKs."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, Harness


async def test_lead_sets_rota_and_anyone_sees_now_and_next_days(bot: Harness) -> None:
    [done] = await bot.chat.send(LEAD, "/oncall set 10月15日至10月16日 周小舟")
    assert "2022-10-15 至 2022-10-16" in done.text and "周小舟" in done.text
    [view] = await bot.chat.send(ENGINEER, "/oncall")
    assert "现在是工作时间" in view.text
    assert "2022-10-15 休息日：周小舟" in view.text and "2022-10-11 工作日：未排班" in view.text
    [refused] = await bot.chat.send(ENGINEER, "/oncall set 明天 周小舟")
    assert "无权" in refused.text
    [bad] = await bot.chat.send(LEAD, "/oncall set 明天 张三")
    assert "张三" in bad.text


async def test_duty_plan_is_approved_with_the_button_and_swapped_with_both_oks(bot: Harness) -> None:
    bot.clock.set(datetime(2022, 12, 26, 10, 0, tzinfo=SHANGHAI))
    answers = await bot.chat.send(SUPERVISOR, "/dutyplan 元旦")
    [shown] = [m for m in answers if m.chat_id == SUPERVISOR]
    assert any("批准" in m.text for m in bot.to(CLIENT_CONTACT))  # the other supervisor is asked too
    assert "2022-12-31 至 2023-01-02" in shown.text and "待主管批准" in shown.text
    assert shown.button_labels() == ["批准"]
    await bot.chat.press(SUPERVISOR, shown, "批准")
    [again] = [m for m in await bot.chat.send(LEAD, "/dutyplan 元旦") if m.chat_id == LEAD]
    assert "已批准" in again.text and again.button_labels() == []
    on_first = "林海" if "2022-12-31  林海" in again.text else "周小舟"
    asker, taker = (LEAD, ENGINEER) if on_first == "林海" else (ENGINEER, LEAD)
    taker_name = "周小舟" if taker == ENGINEER else "林海"
    [asked] = [m for m in await bot.chat.send(asker, f"/swap 12月31日 {taker_name}") if m.chat_id == asker]
    assert taker_name in asked.text and "主管批准" in asked.text
    [request] = [m for m in bot.to(taker) if "请您替其值" in m.text]
    await bot.chat.press(taker, request, "同意")
    [to_supervisor] = [m for m in bot.to(SUPERVISOR) if "换班申请" in m.text]
    await bot.chat.press(SUPERVISOR, to_supervisor, "批准")
    assert any("换班已由 陈主管 批准" in m.text for m in bot.to(asker))
    [view] = await bot.chat.send(LEAD, "/oncall")
    assert f"2022-12-31 元旦：{taker_name}" in view.text


async def test_unknown_oncall_argument_gets_the_usage_with_examples(bot: Harness) -> None:
    [usage] = await bot.chat.send(ENGINEER, "/oncall foo")
    assert "没看懂「foo」" in usage.text and "/oncall set 10月15日至10月16日" in usage.text
    assert "今后 7 天值班" not in usage.text


async def test_english_rota_joins_names_with_a_comma(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/lang en")
    [done] = await bot.chat.send(LEAD, "/oncall set 10月15日 林海 周小舟")
    assert "林海, 周小舟" in done.text and "、" not in done.text
    [view] = await bot.chat.send(LEAD, "/oncall")
    assert "Working hours now; on site: 林海, 周小舟" in view.text
    assert "2022-10-15 day off: 林海, 周小舟" in view.text and "、" not in view.text


async def test_on_call_tonight_runs_from_the_end_of_work_until_the_next_morning(bot: Harness) -> None:
    """Issue 13: 「/oncall set 今晚 周小舟」 was not understood; on-call periods need times."""
    [done] = await bot.chat.send(LEAD, "/oncall set 今晚 周小舟")
    assert "已设置值班：2022-10-10 17:30 至 2022-10-11 09:00，周小舟" in done.text
    [view] = await bot.chat.send(ENGINEER, "/oncall")
    assert "2022-10-10 工作日：周小舟 17:30–09:00" in view.text
    bot.clock.set(datetime(2022, 10, 10, 22, 0, tzinfo=SHANGHAI))
    [night] = await bot.chat.send(ENGINEER, "/oncall")
    assert "现在值班：周小舟" in night.text


async def test_on_call_span_with_times_covers_only_those_hours(bot: Harness) -> None:
    [done] = await bot.chat.send(SUPERVISOR, "/oncall set 今天18:00至明天09:00 林海")
    assert "已设置值班：2022-10-10 18:00 至 2022-10-11 09:00，林海" in done.text
    bot.clock.set(datetime(2022, 10, 10, 17, 45, tzinfo=SHANGHAI))  # after work, before the shift
    [early] = await bot.chat.send(ENGINEER, "/oncall")
    assert "现在无人排班" in early.text
    bot.clock.set(datetime(2022, 10, 11, 2, 0, tzinfo=SHANGHAI))
    [small_hours] = await bot.chat.send(ENGINEER, "/oncall")
    assert "现在值班：林海" in small_hours.text
    [bad] = await bot.chat.send(SUPERVISOR, "/oncall set 今天18:00至今天17:00 林海")
    assert "没看懂时间段" in bad.text and "今晚" in bad.text and "今天18:00至明天09:00" in bad.text
