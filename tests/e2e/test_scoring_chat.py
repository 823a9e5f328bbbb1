"""/score, /deduct, /deductions, /payments, /paid and /report through the real Application and the
fake Bot API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.services import scoring
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT, Harness
from tests.integration.test_scoring_month import october_sources


@pytest.fixture
def config_dict(config_dict: dict[str, Any]) -> dict[str, Any]:
    """A bot that has kept the record since the contract began (its tracking start is the contract's start)."""
    config_dict["contract"]["tracking_start"] = "2022-02-01"
    return config_dict


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scoring, "default_sources", october_sources)


@pytest.fixture
def november(bot: Harness) -> Harness:
    bot.clock.set(datetime(2022, 11, 5, 10, 0, tzinfo=SHANGHAI))
    return bot


async def test_contact_reads_the_score_of_a_month(november: Harness, fakes: None) -> None:
    [answer] = await november.chat.send(CLIENT_CONTACT, "/score 2022-10")
    assert "总分 83.48 / 100 · B 档 · 付款比例 90%" in answer.text
    assert "出勤 29.43/30 · 98.1%（412/420 天）" in answer.text
    assert "较上月 ±0.00" in answer.text
    assert "预计尾款 ¥174,400.00" in answer.text
    assert "进入 A 档（付 100%）需超过 85 分" in answer.text


async def test_lead_and_supervisor_may_read_it_too(november: Harness, fakes: None) -> None:
    for reader in (LEAD, SUPERVISOR):
        [answer] = await november.chat.send(reader, "/score 2022-10")
        assert "总分 83.48" in answer.text


async def test_engineer_is_refused_the_score(november: Harness, fakes: None) -> None:
    [answer] = await november.chat.send(ENGINEER, "/score")
    assert "无权" in answer.text and "/score" in answer.text
    assert "83.48" not in answer.text


async def test_deduct_then_score_why_shows_the_deduction_and_its_cost(november: Harness, fakes: None) -> None:
    answers = await november.chat.send(SUPERVISOR, "/deduct 响应度 2 2022-10-12 故障未按时到岗")
    mine = [m for m in answers if m.chat_id == SUPERVISOR]
    assert "响应度 扣 2.00 分（计入 2022-10-12）" in mine[0].text
    assert any("陈主管" in m.text and "故障未按时到岗" in m.text for m in november.to(LEAD))
    [why] = await november.chat.send(VENDOR_CONTACT, "/score why 响应度 2022-10")
    assert "−2.00 响应度：甲方扣分（陈主管，2022-10-12）：故障未按时到岗" in why.text
    assert "−1.67 响应度" in why.text
    [listed] = await november.chat.send(LEAD, "/deductions 2022-10")
    assert "#1 2022-10-12 响应度 −2.00：故障未按时到岗（陈主管）" in listed.text


async def test_engineer_cannot_deduct(november: Harness) -> None:
    [answer] = await november.chat.send(ENGINEER, "/deduct 出勤 5 不喜欢")
    assert "无权" in answer.text


async def test_deduct_without_arguments_explains_with_an_example(november: Harness) -> None:
    [answer] = await november.chat.send(CLIENT_CONTACT, "/deduct")
    assert "/deduct 响应度 2" in answer.text


async def test_contact_records_a_payment_and_sees_the_schedule(november: Harness, fakes: None) -> None:
    [recorded] = await november.chat.send(CLIENT_CONTACT, "/paid 首付款 2022-02-10")
    assert "首付款 于 2022-02-10 支付 ¥43,600.00" in recorded.text
    [shown] = await november.chat.send(LEAD, "/payments")
    assert "✅ 已付 ¥43,600.00（2022-02-10）" in shown.text
    assert "已过应付日期" in shown.text  # mid-term was due 2022-09-09
    [refused] = await november.chat.send(LEAD, "/paid 中期款 2022-09-01")
    assert "无权" in refused.text


async def test_report_sends_the_workbook_and_the_chart(november: Harness, fakes: None) -> None:
    answers = await november.chat.send(CLIENT_CONTACT, "/report 2022-10")
    methods = [m.method for m in answers if m.chat_id == CLIENT_CONTACT]
    assert "sendDocument" in methods and "sendPhoto" in methods
    document = next(m for m in answers if m.method == "sendDocument")
    assert "2022-10 月度报告｜总分 83.48（B 档，付 90%）" in document.text
    assert any(name == "document" for name, _ in november.api.files)


async def test_unknown_component_source_is_explained_not_crashed(november: Harness,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    without_attendance = {name: source for name, source in october_sources().items() if name != "attendance"}
    monkeypatch.setattr(scoring, "default_sources", lambda: without_attendance)
    [answer] = await november.chat.send(CLIENT_CONTACT, "/score 2022-10")
    assert "「出勤」的数据暂时无法取得" in answer.text


async def test_score_with_the_real_components_on_an_empty_project(bot: Harness) -> None:
    """Nobody checked in and no log was written since the start: attendance and daily maintenance are 0;
    nothing was due, rated or urgent, so those three are full: 50 points, tier F."""
    [answer] = await bot.chat.send(CLIENT_CONTACT, "/score")
    assert "合同至今（2022-02-01 至 2022-10-10）" in answer.text
    assert "总分 50.00 / 100 · F 档 · 付款比例 50%" in answer.text
    assert "出勤 0.00/30" in answer.text and "响应度 10.00/10" in answer.text


async def test_paid_with_a_negative_amount_says_the_amount_is_wrong(november: Harness) -> None:
    [answer] = await november.chat.send(CLIENT_CONTACT, "/paid 2 2022-09-01 -5")
    assert "金额「-5」" in answer.text and "没看懂时间" not in answer.text
    [answer] = await november.chat.send(CLIENT_CONTACT, "/paid 1 2022-03-01 abc")
    assert "金额「abc」" in answer.text


async def test_report_after_the_contract_ended_covers_its_last_month(november: Harness, fakes: None) -> None:
    november.clock.set(datetime(2023, 3, 6, 10, 0, tzinfo=SHANGHAI))
    answers = await november.chat.send(CLIENT_CONTACT, "/report")
    document = next(m for m in answers if m.method == "sendDocument")
    assert "📑 2023-01 月度报告｜总分 83.48" in document.text
    [refused] = await november.chat.send(CLIENT_CONTACT, "/report 2023-02")
    assert "不在合同服务期" in refused.text



async def test_deduct_reads_the_day_as_people_write_it(november: Harness, fakes: None) -> None:
    await november.chat.send(SUPERVISOR, "/deduct 响应度 1 10月12日 故障未按时到岗")
    [listed] = await november.chat.send(LEAD, "/deductions 2022-10")
    assert "2022-10-12" in listed.text and "故障未按时到岗" in listed.text and "10月12日" not in listed.text
