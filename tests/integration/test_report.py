"""The monthly report: the workbook holds the same numbers as /score, the chart is a PNG, and the report
goes to the contacts by itself on the first working day of the month, once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import bot.services.report_timers  # noqa: F401  (registers the timer, as the handler module does)
from bot.catalog import t
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.report import build_report, resolve_month, send_monthly_report
from bot.services.report_timers import MONTHLY_REPORT
from bot.services.scoring import assessment_json, compute_assessment, deduct, score_text
from bot.services.timers import run_all_due
from tests.conftest import CLIENT_CONTACT, SHANGHAI, VENDOR_CONTACT
from tests.integration.test_scoring_month import october_sources, person

D = Decimal


@pytest.fixture
def november(clock: FakeClock) -> FakeClock:
    clock.set(datetime(2022, 11, 5, 10, 0, tzinfo=SHANGHAI))
    return clock


def rows(sheet: object) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


async def test_workbook_holds_the_same_numbers_as_score(services: Services, november: FakeClock,
                                                        tmp_path: Path) -> None:
    contact = await person(services, CLIENT_CONTACT)
    await deduct(services, contact, "响应度 2 2022-10-12 故障未按时到岗")
    period = resolve_month(services, "2022-10")
    built = await build_report(services, period, out=tmp_path / "october.xlsx", sources=october_sources())
    wb = load_workbook(built.workbook_path)
    assert wb.sheetnames == [t(f"report.sheet.{key}") for key in
                             ("score", "attendance", "tickets", "daily", "urgent", "deductions", "indicators")]
    score = rows(wb[t("report.sheet.score")])
    fields = {row[0]: row[1] for row in score[1:7]}
    expected = assessment_json(await compute_assessment(services, period, october_sources()))
    assert D(str(fields[t("report.field.total")])) == D(expected["total"]) == D("81.48")
    assert fields[t("report.field.tier")] == "B"
    assert D(str(fields[t("report.field.projected")])) == D(expected["projected_payment"])
    by_key = {row[1]: row for row in score[9:14]}
    for name, numbers in expected["components"].items():
        row = by_key[name]
        assert [D(str(v)) for v in row[2:8]] == [D(numbers[k]) for k in
                                                 ("points", "max", "rate", "numerator", "denominator", "deductions")]
    text = await score_text(services, contact, "2022-10", october_sources())
    assert f"总分 {expected['total']} / 100" in text and "出勤 29.43/30" in text


async def test_sheets_explain_losses_deductions_and_indicators(services: Services, november: FakeClock,
                                                               tmp_path: Path) -> None:
    contact = await person(services, CLIENT_CONTACT)
    await deduct(services, contact, "完成率 1 2022-10-20 月报迟交")
    built = await build_report(services, resolve_month(services, "2022-10"), out=tmp_path / "r.xlsx",
                               sources=october_sources())
    wb = load_workbook(built.workbook_path)
    attendance = rows(wb[t("report.sheet.attendance")])
    absent = next(row for row in attendance if row[0] == "2022-10-12")
    assert D(str(absent[3])) == D("0.07")            # 30 × 1 / 420
    deductions = rows(wb[t("report.sheet.deductions")])
    assert deductions[1][:4] == ["2022-10-20", "完成率", 1, "月报迟交"]
    indicators = rows(wb[t("report.sheet.indicators")])
    labels = {row[0]: row[1] for row in indicators}
    assert D(str(labels[t("report.indicator.failures")])) == 6          # urgent requests of the month
    assert D(str(labels[t("report.indicator.completion_rate")])) == D("0.9")
    assert "tickets" in labels                                           # from tickets.ticket_indicators
    png = built.chart_path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000


async def test_report_month_defaults_to_last_month(services: Services, november: FakeClock) -> None:
    assert resolve_month(services, "").month == "2022-10"
    assert resolve_month(services, "2022-09").month == "2022-09"


def _sent_reports(rows_: list[object]) -> dict[int, set[str]]:
    got: dict[int, set[str]] = {}
    for message in rows_:
        got.setdefault(message.chat_id, set()).add(message.document_kind)  # type: ignore[attr-defined]
    return got


async def test_monthly_report_goes_to_contacts_on_the_first_working_day_once(services: Services,
                                                                             clock: FakeClock) -> None:
    """Real component sources on an empty database. Tue 2022-11-01 is the first working day of November."""
    clock.set(datetime(2022, 11, 1, 8, 0, tzinfo=SHANGHAI))
    assert await MONTHLY_REPORT.next_due(services, services.now()) == datetime(2022, 11, 1, 9, 30,
                                                                               tzinfo=SHANGHAI)
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        assert not [m for m in await uow.outbox.due(services.now()) if m.kind.startswith("report.")]
    clock.set(datetime(2022, 11, 1, 9, 31, tzinfo=SHANGHAI))
    await run_all_due(services, services.now())
    await run_all_due(services, services.now())  # a second sweep sends nothing more
    async with services.db.uow() as uow:
        sent = [m for m in await uow.outbox.due(services.now()) if m.kind.startswith("report.")]
        audit = await uow.audit.list(action_prefix="report.monthly")
    assert _sent_reports(sent) == {CLIENT_CONTACT: {"document", "photo"}, VENDOR_CONTACT: {"document", "photo"}}
    assert all("2022-10" in m.text for m in sent)
    assert [e.entity_id for e in audit] == ["2022-10"]
    assert await MONTHLY_REPORT.next_due(services, services.now()) == datetime(2022, 12, 1, 9, 30,
                                                                               tzinfo=SHANGHAI)
    assert await send_monthly_report(services, resolve_month(services, "2022-10")) is False


async def test_a_report_missed_by_a_day_is_left_to_report_command(services: Services, clock: FakeClock) -> None:
    clock.set(datetime(2022, 11, 2, 10, 0, tzinfo=SHANGHAI))
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        assert not [m for m in await uow.outbox.due(services.now()) if m.kind.startswith("report.")]
    assert await MONTHLY_REPORT.next_due(services, services.now()) == datetime(2022, 12, 1, 9, 30,
                                                                               tzinfo=SHANGHAI)


async def test_no_monthly_report_after_the_contract_month_that_ends_it(services: Services,
                                                                       clock: FakeClock) -> None:
    clock.set(datetime(2023, 2, 10, 10, 0, tzinfo=SHANGHAI))
    assert await MONTHLY_REPORT.next_due(services, services.now()) is None
