"""What the contract reserves to 甲方, and what /paid and /deduct record, through the real Application.

Issue 13 item 2 and issue 14 items 7 and 10: the vendor side cannot approve for the client; /paid and
/deduct refuse amounts and dates that cannot be right (nothing is stored); a bad payment stored before
validation existed is shown flagged, never a crash of /payments or /score.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from bot.catalog import t
from bot.services import scoring
from storage.scoring import ScoringRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT, Harness
from tests.integration.test_scoring_month import october_sources

INTERNAL_ERROR = t("error.internal", "zh_CN")


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scoring, "default_sources", october_sources)


async def _answers(bot: Harness, user: int, text: str) -> list[str]:
    return [m.text for m in await bot.chat.send(user, text) if m.chat_id == user]


async def _stored(bot: Harness, table: str) -> list[tuple]:
    async with bot.services.db.uow() as uow:
        return [tuple(r) for r in await uow.audit.fetchall(f"SELECT * FROM {table}")]


# -- /paid ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("/paid signing 2022-06-01 1e308", "超过了合同总额 ¥436,000.00"),
    ("/paid 首付款 2022-06-01 99999999999999999", "超过了合同总额 ¥436,000.00"),
    ("/paid 首付款 2022-06-01 NaN", "金额「NaN」不对"),
    ("/paid 首付款 2022-06-01 0.001", "最多两位小数"),
    ("/paid 首付款 2022-06-01 50000", "超过了首付款最多可付的 ¥43,600.00"),
    ("/paid 尾款 2022-09-27 436000", "早于尾款最早可付的 2023-02-01（服务期满后）"),
    ("/paid 中期款 2022-07-20", "早于中期款最早可付的 2022-08-01（服务满 6 个月后）"),
    ("/paid 中期款 2022-12-01", "还没到"),
])
async def test_paid_refuses_what_cannot_be_right_and_stores_nothing(bot: Harness, text: str, expected: str) -> None:
    [answer] = await _answers(bot, CLIENT_CONTACT, text)
    assert expected in answer
    assert await _stored(bot, "payments") == []
    [shown] = await _answers(bot, CLIENT_CONTACT, "/payments")
    assert "✅ 已付" not in shown and shown != INTERNAL_ERROR


async def test_a_second_paid_is_refused_and_paid_fix_corrects_it_audited(bot: Harness) -> None:
    [recorded] = await _answers(bot, CLIENT_CONTACT, "/paid 首付款 2022-02-10 43000")
    assert "首付款 于 2022-02-10 支付 ¥43,000.00" in recorded
    [refused] = await _answers(bot, CLIENT_CONTACT, "/paid 首付款 2022-02-11 43600")
    assert "已登记：2022-02-10 支付 ¥43,000.00" in refused and "/paid fix 首付款 2022-02-11 43600" in refused
    [shown] = await _answers(bot, LEAD, "/payments")
    assert "✅ 已付 ¥43,000.00（2022-02-10）" in shown  # not overwritten
    [fixed] = await _answers(bot, CLIENT_CONTACT, "/paid fix 首付款 2022-02-11 43600")
    assert "已更正：首付款 由 2022-02-10 支付 ¥43,000.00 改为 2022-02-11 支付 ¥43,600.00" in fixed
    [shown] = await _answers(bot, LEAD, "/payments")
    assert "✅ 已付 ¥43,600.00（2022-02-11）" in shown
    [audit] = await _answers(bot, CLIENT_CONTACT, "/audit")
    assert "更正付款登记" in audit
    [refused] = await _answers(bot, VENDOR_CONTACT, "/paid fix 首付款 2022-02-12 1")
    assert refused == t("access.client_side_only", "zh_CN", command="paid")


async def test_a_bad_payment_stored_earlier_is_flagged_by_payments_and_score(bot: Harness, fakes: None) -> None:
    """`/paid signing 2026-06-01 1e308` used to be stored and crash every /payments and /score."""
    bot.clock.set(datetime(2022, 11, 5, 10, 0, tzinfo=SHANGHAI))
    async with bot.services.db.uow() as uow:
        await uow.repo(ScoringRepository).record_payment(  # type: ignore[attr-defined]
            milestone="signing", paid_on=date(2026, 6, 1), amount=Decimal("1e308"), now=bot.services.now(),
            actor_telegram_id=CLIENT_CONTACT, actor_name="赵联络")
        await uow.commit()
    [payments] = await _answers(bot, LEAD, "/payments")
    assert "首付款（10%）¥43,600.00\n  应付日期 2022-02-15 · ⚠️ 登记的付款无效（金额「1E+308」" in payments
    assert "预计尾款 ¥174,400.00" in payments
    [score] = await _answers(bot, CLIENT_CONTACT, "/score 2022-10")
    assert "总分 83.48" in score and "预计尾款 ¥174,400.00" in score
    assert "⚠️ 有付款登记无效（首付款）" in score
    [fixed] = await _answers(bot, CLIENT_CONTACT, "/paid fix 首付款 2022-02-10")
    assert "改为 2022-02-10 支付 ¥43,600.00" in fixed
    [score] = await _answers(bot, CLIENT_CONTACT, "/score 2022-10")
    assert "付款登记无效" not in score


# -- /deduct --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("points", ["1e-9", "0.001", "NaN", "inf", "-2", "0", "31", "1e308"])
async def test_deduct_refuses_points_that_cannot_be_recorded_as_shown(bot: Harness, points: str) -> None:
    [answer] = await _answers(bot, SUPERVISOR, f"/deduct attendance {points} 迟到")
    assert f"扣分「{points}」不对" in answer and "/deduct 响应度 2" in answer
    assert await _stored(bot, "score_deductions") == []


async def test_deduct_of_a_cent_and_a_half_point_is_recorded(bot: Harness) -> None:
    [answer] = await _answers(bot, SUPERVISOR, "/deduct attendance 0.01 迟到")
    assert "出勤 扣 0.01 分" in answer
    [answer] = await _answers(bot, SUPERVISOR, "/deduct 出勤 1.50 早退")
    assert "出勤 扣 1.50 分" in answer


# -- approvals reserved to the client side -------------------------------------------------------------------
async def test_the_vendor_contact_cannot_approve_leave_with_the_button(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/leave 明天 看病")
    [ask] = [m for m in bot.to(SUPERVISOR) if "请假申请 #1" in m.text]
    assert await bot.chat.press(VENDOR_CONTACT, ask, "✅ 批准") == []
    alert = bot.chat.answers()[-1].params
    assert alert["show_alert"] and alert["text"] == t("access.client_side_button", "zh_CN")
    [request] = await _stored(bot, "attendance_requests")
    assert "pending" in request
    after = await bot.chat.press(SUPERVISOR, ask, "✅ 批准")
    assert any("已由 陈主管 批准" in m.text for m in after if m.chat_id == ENGINEER)
