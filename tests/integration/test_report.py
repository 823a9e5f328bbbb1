"""The monthly report: the workbook holds the same numbers as /score, the chart is a PNG, and the report
goes to the contacts by itself on the first working day of the month, once."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.catalog import t
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.rates import ComponentRate
from bot.services.errors import DomainError
from bot.services.report import build_report, resolve_month, send_monthly_report
from bot.services.report_timers import MONTHLY_REPORT
from bot.services.schedule import run_all_due
from bot.services.scoring import assessment_json, compute_assessment, deduct
from tests.conftest import CLIENT_CONTACT, SHANGHAI, VENDOR_CONTACT, base_config
from tests.integration.test_scoring_month import OCTOBER_RATES, fake_sources, october_sources, person, score_text

D = Decimal


@pytest.fixture
def config_dict(tmp_path: Path) -> dict[str, Any]:
    """The test contract with the automatic monthly report on (the shared test config turns it off)."""
    config = base_config(tmp_path / "maintbot-test.db")
    config["reports"] = {"monthly": True}
    return config


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
    assert deductions[0][2] == "扣分"                                   # points taken off, not points earned
    assert deductions[1][:4] == ["2022-10-20", "完成率", 1, "月报迟交"]
    indicators = rows(wb[t("report.sheet.indicators")])
    labels = {row[0]: row[1] for row in indicators}
    assert D(str(labels[t("report.indicator.failures")])) == 6          # urgent requests of the month
    assert D(str(labels[t("report.indicator.completion_rate")])) == D("0.9")
    assert labels[t("report.indicator.tickets.tickets")] == 0            # from tickets.ticket_indicators
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


async def test_a_report_missed_while_down_is_sent_at_start_up_later_that_month(services: Services,
                                                                             clock: FakeClock) -> None:
    """Down on Tue 1 and Wed 2 November: the October report goes out at start-up on Thursday, once."""
    clock.set(datetime(2022, 11, 3, 10, 0, tzinfo=SHANGHAI))
    await run_all_due(services, services.now())
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        sent = [m for m in await uow.outbox.due(services.now()) if m.kind.startswith("report.")]
    assert _sent_reports(sent) == {CLIENT_CONTACT: {"document", "photo"}, VENDOR_CONTACT: {"document", "photo"}}
    assert len(sent) == 4 and all("2022-10" in m.text for m in sent)
    assert await MONTHLY_REPORT.next_due(services, services.now()) == datetime(2022, 12, 1, 9, 30,
                                                                               tzinfo=SHANGHAI)


async def test_a_missed_report_still_unsent_is_sent_on_the_last_day_of_the_month(services: Services,
                                                                                 clock: FakeClock) -> None:
    clock.set(datetime(2022, 11, 30, 17, 0, tzinfo=SHANGHAI))
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        audit = await uow.audit.list(action_prefix="report.monthly")
    assert [e.entity_id for e in audit] == ["2022-10"]


async def test_the_last_contract_month_is_reported_and_nothing_after_it(services: Services,
                                                                       clock: FakeClock) -> None:
    clock.set(datetime(2023, 2, 10, 10, 0, tzinfo=SHANGHAI))  # the January report was missed: sent now
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        audit = await uow.audit.list(action_prefix="report.monthly")
    assert [e.entity_id for e in audit] == ["2023-01"]
    assert await MONTHLY_REPORT.next_due(services, services.now()) is None
    clock.set(datetime(2023, 3, 6, 10, 0, tzinfo=SHANGHAI))
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        assert len(await uow.audit.list(action_prefix="report.monthly")) == 1
    assert await MONTHLY_REPORT.next_due(services, services.now()) is None


# -- the month a report covers ---------------------------------------------------------------------------
async def test_report_without_a_month_after_the_contract_covers_its_last_month(services: Services,
                                                                               clock: FakeClock) -> None:
    clock.set(datetime(2023, 3, 6, 10, 0, tzinfo=SHANGHAI))
    period = resolve_month(services, "")
    assert (period.month, period.start, period.end) == ("2023-01", date(2023, 1, 1), date(2023, 1, 31))


async def test_a_month_outside_the_contract_is_refused_as_score_refuses_it(services: Services,
                                                                            clock: FakeClock) -> None:
    clock.set(datetime(2023, 3, 6, 10, 0, tzinfo=SHANGHAI))
    with pytest.raises(DomainError) as outside:
        resolve_month(services, "2023-02")
    assert outside.value.key == "score.period_outside"
    clock.set(datetime(2022, 1, 25, 10, 0, tzinfo=SHANGHAI))  # signed, but the service starts 2022-02-01
    with pytest.raises(DomainError) as early:
        resolve_month(services, "")
    assert early.value.key == "score.period_outside"


async def test_in_the_first_contract_month_the_report_covers_it_so_far(services: Services,
                                                                       clock: FakeClock) -> None:
    clock.set(datetime(2022, 2, 20, 10, 0, tzinfo=SHANGHAI))
    period = resolve_month(services, "")
    assert (period.start, period.end) == (date(2022, 2, 1), date(2022, 2, 20))


# -- labels: no raw keys in the workbook -------------------------------------------------------------------
RAW_KEY = re.compile(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)*")


def raw_keys(wb: object) -> list[tuple[str, object]]:
    """Cells that hold a bare lower-case identifier (a key nobody translated); the score sheet's 代码
    column holds component keys on purpose."""
    found = []
    for sheet in wb.worksheets:  # type: ignore[attr-defined]
        for row in sheet.iter_rows(values_only=True):
            for index, value in enumerate(row):
                if sheet.title == t("report.sheet.score") and index == 1:
                    continue
                if isinstance(value, str) and RAW_KEY.fullmatch(value):
                    found.append((sheet.title, value))
    return found


URGENT_DETAILS = {"count": 6, "in_time": 3, "missed": 3, "pending": 0, "ack_median_min": 4.5,
                  "ack_p90_min": 12.0, "arrive_median_min": 38.0, "arrive_p90_min": 71.5}


async def test_details_and_indicators_are_labelled_in_the_workbook_language(services: Services,
                                                                             november: FakeClock,
                                                                             tmp_path: Path) -> None:
    """Real attendance, tickets and daily sources (their real detail keys), urgent times from a fake."""
    from bot.services.scoring import default_sources

    sources = default_sources()
    sources["responsiveness"] = fake_sources({"responsiveness": ComponentRate(
        D(3), D(6), OCTOBER_RATES["responsiveness"].losses, URGENT_DETAILS)})["responsiveness"]
    period = resolve_month(services, "2022-10")
    zh = load_workbook((await build_report(services, period, out=tmp_path / "zh.xlsx", sources=sources))
                       .workbook_path)
    assert raw_keys(zh) == []
    urgent = {row[0]: row[1] for row in rows(zh[t("report.sheet.urgent")])}
    assert urgent["确认用时中位数（分钟）"] == 4.5 and urgent["到岗用时90分位（分钟）"] == 71.5
    attendance = {row[0]: row[1] for row in rows(zh[t("report.sheet.attendance")])}
    assert attendance["应出勤人天"] == 36
    indicators = {row[0]: row[1] for row in rows(zh[t("report.sheet.indicators")])}
    assert "工单数（工单服务）" in indicators and "受理用时90分位（分钟）" in indicators
    en = load_workbook((await build_report(services, period, out=tmp_path / "en.xlsx", lang="en", sources=sources))
                       .workbook_path)
    assert en.sheetnames[0] == "Score"
    urgent_en = {row[0]: row[1] for row in rows(en["Urgent requests"])}
    assert urgent_en["Median minutes to acknowledge"] == 4.5
    indicators_en = {row[0] for row in rows(en["Monitoring indicators"])}
    assert "Tickets (Ticket service)" in indicators_en
    assert rows(en["Deductions"])[0][2] == "Points deducted"
    labels_en = [row[0] for sheet in en.worksheets for row in sheet.iter_rows(values_only=True)
                 if isinstance(row[0], str)]
    assert not [label for label in labels_en if re.search(r"[\u4e00-\u9fff]", label)
                and label not in ("林海", "周小舟") and "测试维保项目" not in label]  # names and title are data


# -- the automatic report in each contact's language ------------------------------------------------------
async def test_monthly_report_is_built_once_per_language_of_the_contacts(services: Services, clock: FakeClock,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services import report as report_service

    written: list[str] = []
    original = report_service.write_workbook

    def counting(path: Path, *args: object, **kwargs: object) -> None:
        written.append(str(path))
        original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(report_service, "write_workbook", counting)
    async with services.db.uow() as uow:
        vendor = await uow.people.by_telegram_id(VENDOR_CONTACT)
        assert vendor is not None
        await uow.people.set_language(vendor.id, "en")
        await uow.commit()
    clock.set(datetime(2022, 11, 1, 9, 31, tzinfo=SHANGHAI))
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        sent = {(m.chat_id, m.document_kind): m for m in await uow.outbox.due(services.now())
                if m.kind.startswith("report.")}
    assert len(written) == 2
    zh_book = load_workbook(sent[(CLIENT_CONTACT, "document")].document_path)
    en_book = load_workbook(sent[(VENDOR_CONTACT, "document")].document_path)
    assert zh_book.sheetnames[0] == "考核得分" and en_book.sheetnames[0] == "Score"
    assert "monthly report" in sent[(VENDOR_CONTACT, "document")].text
    assert sent[(CLIENT_CONTACT, "photo")].document_path != sent[(VENDOR_CONTACT, "photo")].document_path


async def test_contacts_sharing_a_language_share_one_build(services: Services, clock: FakeClock,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services import report as report_service

    written: list[str] = []
    original = report_service.write_workbook
    monkeypatch.setattr(report_service, "write_workbook",
                        lambda path, *args: (written.append(str(path)), original(path, *args))[1])
    clock.set(datetime(2022, 11, 1, 9, 31, tzinfo=SHANGHAI))
    await run_all_due(services, services.now())
    assert len(written) == 1


async def test_no_automatic_report_when_switched_off(services: Services, clock: FakeClock) -> None:
    services.settings.reports.monthly = False
    clock.set(datetime(2022, 11, 1, 9, 31, tzinfo=SHANGHAI))
    assert await MONTHLY_REPORT.next_due(services, services.now()) is None
    await run_all_due(services, services.now())
    async with services.db.uow() as uow:
        assert await uow.audit.list(action_prefix="report.monthly") == []
