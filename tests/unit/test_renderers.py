"""Renderers at the edge: services hand over Text (catalog key + parameters) and Actions; these turn them into
what each reader sees, in the reader's language, and into the callback data buttons already in chats carry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bot.catalog import Joined, Text, render, t
from bot.handlers.common import render_buttons
from bot.handlers.render.duties import scenario_label
from bot.handlers.render.payments import milestone_name
from bot.handlers.render.scoring import component_name, render_deductions
from bot.services.callback_data import Action, decode, encode, to_callback_data
from bot.services.domain.assessment import Deduction
from bot.services.drills import scenario_text
from bot.services.health import describe_kinds, fmt_downtime
from bot.services.scoring import Period, component_label

OCTOBER = Period(date(2022, 10, 1), date(2022, 10, 31), "month")


def test_a_text_renders_in_each_readers_language_also_as_a_parameter() -> None:
    label = component_label("attendance")
    assert render(label, "zh_CN") == "出勤" and render(label, "en") == "Attendance"
    assert t("score.deductions.none", "en", period=OCTOBER.title) == \
        "No client deductions in 2022-10 (2022-10-01 to 2022-10-31)."
    assert t("score.deductions.none", "zh_CN", period=OCTOBER.title) == \
        "2022-10（2022-10-01 至 2022-10-31） 没有甲方扣分。"


def test_joined_parts_take_the_readers_separator() -> None:
    days = Joined(("10-11", "10-12", component_label("attendance")), Text("role.separator"))
    assert render(days, "zh_CN") == "10-11、10-12、出勤"
    assert render(days, "en") == "10-11, 10-12, Attendance"
    assert render(Joined(()), "en") == "" and render("plain", "en") == "plain"


def test_texts_compare_by_key_and_parameters() -> None:
    assert Text("att.minutes", m=5) == Text("att.minutes", m=5) != Text("att.minutes", m=6)


def test_an_action_encodes_to_the_v1_data_buttons_in_chats_already_carry() -> None:
    assert to_callback_data(Action("urg", "ack", 42)) == encode("urg", "ack", 42) == "v1:urg:ack:42"
    assert to_callback_data(Action("oc", "sp", 7, 0)) == "v1:oc:sp:7:0"
    assert to_callback_data("v1:pg:go:3:2") == "v1:pg:go:3:2"  # data a handler encoded itself passes through
    pressed = decode(to_callback_data(Action("tk", "rate", 9, "s")))
    assert pressed is not None and (pressed.feature, pressed.action, pressed.args) == ("tk", "rate", ("9", "s"))


def test_reply_buttons_render_labels_and_encode_actions() -> None:
    rows = [[("urg.btn.ack", Action("urg", "ack", 5)), ("urg.btn.arrived", "v1:urg:arr:5")]]
    assert render_buttons(rows, "zh_CN") == [[("收到", "v1:urg:ack:5"), ("已到岗", "v1:urg:arr:5")]]


def test_deductions_list_names_the_component_and_period_in_the_readers_language() -> None:
    taken = Deduction(3, "attendance", Decimal("1.5"), "迟到未报备", date(2022, 10, 12),
                      datetime(2022, 10, 12, 2, tzinfo=UTC), "赵联络", 900003)
    english = render_deductions(OCTOBER, [taken], "en")
    assert "Client deductions | 2022-10 (2022-10-01 to 2022-10-31)" in english
    assert "#3 2022-10-12 Attendance −1.50: 迟到未报备 (赵联络)" in english
    assert "#3 2022-10-12 出勤 −1.50：迟到未报备（赵联络）" in render_deductions(OCTOBER, [taken], "zh_CN")


def test_names_from_the_catalog_fall_back_to_what_was_typed() -> None:
    assert scenario_label("exit_bankruptcy", "en") == "vendor goes bankrupt"
    assert scenario_label("机房断电", "en") == "机房断电" and scenario_text("机房断电") == "机房断电"
    assert milestone_name("not_in_catalog", "en") == "not_in_catalog"
    assert component_name("attendance", "en") == "Attendance"


def test_downtime_notice_parts_render_per_admin() -> None:
    down = fmt_downtime(timedelta(hours=2, minutes=5))
    assert render(down, "en") == "2 h 5 min" and render(down, "zh_CN") == "2 小时 5 分钟"
    assert render(describe_kinds({"tickets.overdue": 2}), "en") == "overdue ticket reminder ×2"
