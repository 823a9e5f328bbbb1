"""Scoring rules without a database: points, deductions floor, loss costs, next-tier advice, rendering."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.handlers.render.scoring import ledger, render_score, render_why
from bot.services.domain.assessment import ComponentScore
from bot.services.domain.rates import ComponentRate, Loss
from bot.services.report import render_loss
from bot.services.scoring import Assessment, Period, next_tier_advice, parse_score_args
from config.settings import AssessmentSettings

D = Decimal
OCTOBER = Period(date(2022, 10, 1), date(2022, 10, 31), "month")


PAID_BEFORE_FINAL = D(218000)  # 10% + 40% of 436000


def assessment(components: dict[str, ComponentScore], paid_before: Decimal = PAID_BEFORE_FINAL) -> Assessment:
    return Assessment(OCTOBER, components, [], list(AssessmentSettings().tiers), D(436000), paid_before)


def component(name: str, weight: int, numerator: str, denominator: str, deductions: str = "0",
              losses: list[Loss] | None = None) -> ComponentScore:
    return ComponentScore(name, D(weight), ComponentRate(D(numerator), D(denominator), losses or []), D(deductions))


def test_points_are_weight_times_rate_minus_deductions() -> None:
    c = component("responsiveness", 10, "3", "6", deductions="2")
    assert c.points == D(3)
    assert c.lost == D(7)


def test_a_component_never_goes_below_zero() -> None:
    c = component("responsiveness", 10, "1", "6", deductions="5")
    assert c.points == D(0)
    assert c.lost == D(10)


def test_nothing_to_measure_scores_full_points() -> None:
    c = component("satisfaction", 20, "0", "0")
    assert c.points == D(20)


def test_each_loss_costs_weight_times_units_over_denominator() -> None:
    late = Loss("urg.loss.late", {"id": 12, "minutes": 72}, D(1), "2022-10-12")
    c = component("responsiveness", 10, "11", "12", losses=[late])
    assert c.loss_cost(late).quantize(D("0.01")) == D("0.83")


def test_ledger_lists_losses_deductions_and_what_was_not_itemised() -> None:
    absent = Loss("daily.loss.missing", {"day": "2022-10-12"}, D(1), "2022-10-12")
    a = assessment({"daily_maintenance": component("daily_maintenance", 20, "18", "20", losses=[absent])})
    lines = ledger(a, "zh_CN")
    # 2 days short but one itemised: 1.00 for 10-12 and 1.00 "not itemised"
    assert [line.cost for line in lines] == [D(1), D(1)]
    assert "2022-10-12" in lines[0].text
    assert "未逐条" in lines[1].text


def test_a_loss_whose_catalog_entry_is_missing_shows_its_key() -> None:
    loss = Loss("nobody.loss.unknown", {"id": 3}, D(1))
    assert render_loss(loss, "zh_CN") == "nobody.loss.unknown (id=3)"


def test_advice_counts_extra_units_on_each_denominator() -> None:
    # 81.48 points: A needs more than 85, i.e. 3.52 more.
    a = assessment({
        "daily_maintenance": component("daily_maintenance", 20, "20", "21"),
        "responsiveness": component("responsiveness", 10, "3", "6", deductions="2"),
        "completion": component("completion", 20, "18", "20"),
        "satisfaction": component("satisfaction", 20, "6", "10"),
        "attendance": component("attendance", 30, "412", "420"),
    })
    assert a.total.quantize(D("0.01")) == D("81.48")
    advice = next_tier_advice(a)
    assert advice is not None and advice.tier.label == "A"
    # satisfaction: 20 × n / 10 > 3.52 → n = 2; responsiveness: 10 × n / 6 > 3.52 → n = 3 (3 missing: ok);
    # attendance would need 50 more days of 8 missing, completion 4 of 2, daily 4 of 1: impossible alone.
    assert [(h.component, h.extra) for h in advice.hints] == [("satisfaction", 2), ("responsiveness", 3)]


def test_advice_sees_that_a_deduction_floored_component_needs_more() -> None:
    # responsiveness at 0 because 6 points were deducted from its 2.5: lifting it must first cover the floor.
    a = assessment({
        "responsiveness": component("responsiveness", 10, "1", "4", deductions="6"),
        "attendance": component("attendance", 30, "20", "20"),
        "completion": component("completion", 20, "20", "20"),
        "satisfaction": component("satisfaction", 20, "20", "20"),
    })
    assert a.total == D(70)  # exactly 70 is tier D; C needs more than 70
    advice = next_tier_advice(a)
    assert advice is not None and advice.tier.label == "C"
    # 10 × (1 + n) / 4 − 6 > 0 → n = 2 (4 − 1 − 6... 10 × 3/4 = 7.5 − 6 = 1.5 > 0)
    assert [(h.component, h.extra) for h in advice.hints] == [("responsiveness", 2)]


def test_no_advice_at_the_top_tier() -> None:
    a = assessment({"attendance": component("attendance", 100, "99", "100")})
    assert next_tier_advice(a) is None
    assert "最高档" in render_score(a, "zh_CN")


def test_score_text_is_phone_sized_and_has_counts_tier_and_projection() -> None:
    a = assessment({
        "daily_maintenance": component("daily_maintenance", 20, "20", "21"),
        "responsiveness": component("responsiveness", 10, "3", "6", deductions="2"),
        "completion": component("completion", 20, "18", "20"),
        "satisfaction": component("satisfaction", 20, "6", "10"),
        "attendance": component("attendance", 30, "412", "420"),
    })
    text = render_score(a, "zh_CN")
    assert "总分 81.48 / 100 · B 档 · 付款比例 90%" in text
    assert "出勤 29.43/30 · 98.1%（412/420 天）" in text
    assert "响应度 3.00/10 · 50.0%（3/6 次），甲方扣 2.00" in text
    assert "预计尾款 ¥174,400.00" in text  # 436000 × 0.90 − 218000
    assert "满意评价多 2 个" in text and "按时到岗的紧急请求多 3 次" in text
    assert max(len(line) for line in text.splitlines()) < 60
    english = render_score(a, "en")
    assert "Total 81.48 / 100 · tier B · pays 90%" in english


def test_why_names_each_loss_with_its_cost() -> None:
    late = Loss("urg.loss.late", {"id": 12, "minutes": 72}, D(1), "2022-10-12T10:00")
    a = assessment({"responsiveness": component("responsiveness", 10, "11", "12", losses=[late]),
                    "attendance": component("attendance", 30, "10", "10")})
    text = render_why(a, "zh_CN")
    assert "−0.83 响应度：" in text
    assert "出勤" not in text.split("\n", 1)[1]  # nothing lost there, nothing listed


def test_score_arguments() -> None:
    assert parse_score_args("").why is False
    assert parse_score_args("2022-10").period_text == "2022-10"
    request = parse_score_args("why 响应度 上个月")
    assert (request.why, request.component, request.period_text) == (True, "responsiveness", "上个月")
    request = parse_score_args("明细 2022-10")
    assert (request.why, request.component, request.period_text) == (True, None, "2022-10")


def test_why_overview_shows_every_losing_component_costliest_first_and_says_what_is_left() -> None:
    absent = [Loss("att.loss_absent", {"name": "周小舟", "date": f"2022-10-{day:02d}"}, D(1), f"2022-10-{day:02d}")
              for day in range(10, 31)]
    late = Loss("urg.loss.late", {"id": 12, "minutes": 72}, D(1), "2022-10-12T10:00")
    a = assessment({"attendance": component("attendance", 30, "20", "41", losses=absent),
                    "responsiveness": component("responsiveness", 10, "1", "2", losses=[late])})
    overview = render_why(a, "zh_CN")
    assert "【出勤】" in overview and "【响应度】" in overview  # 21 absent days do not crowd out the rest
    assert overview.count("出勤：") == 6
    assert "另有 15 条：/score why 出勤 查看更多" in overview
    only_attendance = render_why(a, "zh_CN", "attendance")
    assert only_attendance.count("出勤：") == 21 and "响应度" not in only_attendance


def test_responsiveness_shows_median_and_p90_minutes_to_acknowledge_and_to_arrive() -> None:
    details = {"count": 6, "in_time": 3, "missed": 3, "pending": 0, "ack_median_min": 4.5, "ack_p90_min": 12.0,
               "arrive_median_min": 38.0, "arrive_p90_min": 71.5}
    urgent = ComponentScore("responsiveness", D(10), ComponentRate(D(3), D(6), [], details))
    a = assessment({"responsiveness": urgent, "attendance": component("attendance", 30, "412", "420")})
    lines = render_score(a, "zh_CN").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("响应度 5.00/10"))
    assert lines[at + 1].strip() == "⏱ 确认：中位 4.5 分钟，90% 在 12 分钟内"
    assert lines[at + 2].strip() == "🚶 到岗：中位 38 分钟，90% 在 71.5 分钟内"
    assert max(len(line) for line in lines) < 60
    english = render_score(a, "en")
    assert "⏱ Acknowledged: median 4.5 min, 90% within 12 min" in english
    assert "🚶 Arrived: median 38 min, 90% within 71.5 min" in english


def test_no_urgent_request_no_time_lines() -> None:
    details = {"count": 0, "ack_median_min": None, "ack_p90_min": None, "arrive_median_min": None,
               "arrive_p90_min": None}
    urgent = ComponentScore("responsiveness", D(10), ComponentRate(D(0), D(0), [], details))
    text = render_score(assessment({"responsiveness": urgent}), "zh_CN")
    assert "确认：" not in text and "到岗：" not in text
