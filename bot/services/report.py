"""The monthly report (#7): an Excel workbook (openpyxl) and a PNG chart (matplotlib, Agg).

Sheets: the score (the same numbers as /score), attendance, tickets (completion and satisfaction),
daily maintenance, urgent requests, the client's deductions, and the contract's monitoring indicators.
Per-feature rows come only from each component's `ComponentRate` (its `details` and `losses`) and from
`bot.services.tickets.ticket_indicators` when that exists: no SQL against other features' tables.

The chart shows each component's points month by month (stacked, with the total), from up to twelve
months before the report month. Chinese labels need a CJK font; without one the chart is labelled in
English so no glyph is lost.

Every label in the workbook comes from the catalog in the workbook's language: the components' figures
as `report.detail.<component>.<key>`, the tickets feature's indicators as `report.indicator.tickets.<key>`
(a key nobody has labelled yet is shown as it is rather than dropped). The numbers are computed once
(`gather_report`) and written once per language (`write_report`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.catalog import render, t
from bot.services import tickets
from bot.services.domain.assessment import ComponentScore
from bot.services.domain.people import Person, Role
from bot.services.domain.rates import Loss
from bot.services.errors import DomainError
from bot.services.scoring import (
    CENT,
    COMPONENTS,
    Assessment,
    Period,
    RateSource,
    compute_assessment,
    fmt_ratio,
    month_bounds,
    resolve_period,
)

if TYPE_CHECKING:
    from bot.services.container import Services

log = logging.getLogger(__name__)

# Which components each per-feature sheet shows.
SHEETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("attendance", ("attendance",)),
    ("tickets", ("completion", "satisfaction")),
    ("daily", ("daily_maintenance",)),
    ("urgent", ("responsiveness",)),
)
CHART_MONTHS = 12
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC")


# Figures shown as percentages (fractions 0 … 1).
PERCENT_INDICATORS = frozenset({"resolution_rate", "timely_completion_rate"})


@dataclass(frozen=True)
class ReportData:
    """What a report shows, computed once: the month, the months of the chart, the tickets' indicators."""

    period: Period
    assessment: Assessment
    history: list[Assessment]
    indicators: dict[str, Any] | None


@dataclass(frozen=True)
class MonthlyReport:
    period: Period
    assessment: Assessment
    workbook_path: Path
    chart_path: Path


def report_dir(services: Services) -> Path:
    configured = services.settings.reports.dir
    return configured if configured is not None else Path(services.settings.storage.db).parent / "reports"


def resolve_month(services: Services, text: str | None) -> Period:
    """The month a report covers, clamped to the contract's service period and to today.

    What the user typed: that month (outside the contract or still to come: refused, as /score refuses
    it). Nothing: last month; this month so far while the contract is in its first month; the contract's
    last month once it has ended. Before the service starts there is nothing to report (refused)."""
    raw = (text or "").strip()
    contract = services.settings.contract
    today = services.today()
    if raw:
        day = resolve_period(services, raw).start
    else:
        day = month_bounds(today)[0] - timedelta(days=1)
        if day < contract.start:
            day = today
        day = min(day, contract.end)
    first, last = month_bounds(day)
    start, end = max(first, contract.start), min(last, contract.end, today)
    if start > end:
        raise DomainError("score.period_outside", start=first.isoformat(), end=last.isoformat(),
                          contract_start=contract.start.isoformat(), contract_end=contract.end.isoformat())
    return Period(start, end, "month")


def _months_before(period: Period, services: Services) -> list[Period]:
    """The months of the chart, oldest first, ending with the report month (within the contract)."""
    months: list[Period] = []
    cursor = period.start
    while len(months) < CHART_MONTHS:
        first, last = month_bounds(cursor)
        start = max(first, services.settings.contract.start)
        end = min(last, period.end)
        if start > end:
            break
        months.append(Period(start, end, "month"))
        cursor = first - timedelta(days=1)
    return list(reversed(months))


async def _indicators(services: Services, period: Period) -> dict[str, Any] | None:
    """The tickets feature's monitoring indicators, when it provides them."""
    result = await tickets.ticket_indicators(services, period.start, period.end)
    return dict(result) if isinstance(result, Mapping) else {"value": result}


async def gather_report(services: Services, period: Period,
                        sources: Mapping[str, RateSource] | None = None) -> ReportData:
    """Compute the month, the chart's earlier months and the tickets' indicators (no files yet)."""
    assessment = await compute_assessment(services, period, sources)
    history: list[Assessment] = []
    for month in _months_before(period, services):
        history.append(assessment if month == period else await compute_assessment(services, month, sources))
    return ReportData(period, assessment, history, await _indicators(services, period))


async def write_report(services: Services, data: ReportData, *, lang: str, out: Path | None = None
                       ) -> MonthlyReport:
    """Write the workbook and the chart of `data` in `lang` (default file: one per month and language)."""
    period = data.period
    workbook_path = out or report_dir(services) / f"report-{services.contract_id}-{period.month}-{lang}.xlsx"
    chart_path = workbook_path.with_suffix(".png")
    workbook_path.parent.mkdir(parents=True, exist_ok=True)
    generated = services.fmt(services.now())
    title = t("report.title", lang, project=services.settings.contract.title, month=period.month)
    await asyncio.to_thread(write_workbook, workbook_path, data.assessment, data.indicators, lang, title, generated)
    await asyncio.to_thread(write_chart, chart_path, data.history, lang)
    return MonthlyReport(period, data.assessment, workbook_path, chart_path)


async def build_report(services: Services, period: Period, *, out: Path | None = None, lang: str | None = None,
                       sources: Mapping[str, RateSource] | None = None) -> MonthlyReport:
    """Compute the month (and the chart's earlier months), then write the workbook and the chart."""
    data = await gather_report(services, period, sources)
    return await write_report(services, data, lang=lang or services.settings.contract.default_language, out=out)


# ------------------------------------------------------------------------------------------------
# the workbook
# ------------------------------------------------------------------------------------------------
def render_loss(loss: Loss, lang: str) -> str:
    """A loss in words via its catalog key (owned by its feature); the key itself if it is missing."""
    try:
        return t(loss.key, lang, **loss.params)
    except (KeyError, IndexError, ValueError):
        params = ", ".join(f"{k}={v}" for k, v in loss.params.items())
        return f"{loss.key} ({params})" if params else loss.key


def _two(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _rate(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _cell(value: Any, lang: str) -> Any:
    """A JSON-ish value as something a cell holds (yes/no in words; lists and tables as JSON)."""
    if isinstance(value, bool):
        return t("report.yes" if value else "report.no", lang)
    if value is None or isinstance(value, (int, float, str, Decimal)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _label(key: str, lang: str, fallback: str, **params: Any) -> str:
    """The catalog label of a figure; the figure's own key when nobody has labelled it yet."""
    try:
        return t(key, lang, **params)
    except KeyError:
        return fallback


def _detail_label(component: str, key: str, lang: str) -> str:
    return _label(f"report.detail.{component}.{key}", lang, key)


def _ticket_kind(kind: str, lang: str) -> str:
    return _label(f"tk.kind.{kind}", lang, kind)


def _header(ws: Any, row: list[str]) -> None:
    from openpyxl.styles import Font

    ws.append(row)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def write_workbook(path: Path, a: Assessment, indicators: dict[str, Any] | None, lang: str, title: str,
                   generated: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook opens on its first sheet
    ws.title = t("report.sheet.score", lang)
    _score_sheet(ws, a, lang, title, generated)
    for sheet_key, names in SHEETS:
        sheet = wb.create_sheet(t(f"report.sheet.{sheet_key}", lang))
        for name in names:
            if name in a.components:
                _component_block(sheet, a.components[name], lang)
    _deductions_sheet(wb.create_sheet(t("report.sheet.deductions", lang)), a, lang)
    _indicators_sheet(wb.create_sheet(t("report.sheet.indicators", lang)), a, indicators, lang)
    for sheet in wb.worksheets:
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 48
        for column in "CDEFGH":
            sheet.column_dimensions[column].width = 14
    wb.save(path)


def _score_sheet(ws: Any, a: Assessment, lang: str, title: str, generated: str) -> None:
    from openpyxl.styles import Font

    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    rows = [
        ("report.field.period", render(a.period.title, lang)),
        ("report.field.total", Decimal(a.shown_total)),
        ("report.field.tier", a.tier.label),
        ("report.field.ratio", _two(a.payment_ratio)),
        ("report.field.projected", _two(a.projected_payment)),
        ("report.field.generated", generated),
    ]
    for key, value in rows:
        ws.append([t(key, lang), value])
    ws.append([])
    _header(ws, [t(f"report.col.{key}", lang) for key in
                 ("component", "key", "points", "max", "rate", "numerator", "denominator", "deductions")])
    for name, c in a.components.items():
        ws.append([t(f"score.component.{name}", lang), name, _two(c.points), _two(c.weight), _rate(c.ratio),
                   _two(c.rate.numerator), _two(c.rate.denominator), _two(c.deductions)])
        ws.cell(ws.max_row, 5).number_format = "0.00%"


def _component_block(ws: Any, c: ComponentScore, lang: str) -> None:
    _header(ws, [t("report.col.component", lang), t("report.col.points", lang), t("report.col.max", lang),
                 t("report.col.rate", lang), t("report.col.numerator", lang), t("report.col.denominator", lang),
                 t("report.col.deductions", lang)])
    ws.append([t(f"score.component.{c.name}", lang), _two(c.points), _two(c.weight), _rate(c.ratio),
               _two(c.rate.numerator), _two(c.rate.denominator), _two(c.deductions)])
    ws.cell(ws.max_row, 4).number_format = "0.00%"
    tables = {key: value for key, value in c.rate.details.items()
              if isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value)}
    if c.rate.details:
        _header(ws, [t("report.section.details", lang), t("report.col.value", lang)])
        for key, value in c.rate.details.items():
            if key not in tables:
                ws.append([_detail_label(c.name, str(key), lang), _cell(value, lang)])
    for key, items in tables.items():  # e.g. attendance per engineer: one row each, labelled columns
        columns = list(dict.fromkeys(column for item in items for column in item))
        _header(ws, [_detail_label(c.name, f"{key}.{column}", lang) for column in columns])
        for item in items:
            ws.append([_cell(item.get(column), lang) for column in columns])
    _header(ws, [t("report.section.losses", lang), t("report.col.item", lang), t("report.col.units", lang),
                 t("report.col.cost", lang)])
    for loss in sorted(c.rate.losses, key=lambda item: item.when or ""):
        ws.append([loss.when or "", render_loss(loss, lang), _two(Decimal(loss.units)), _two(c.loss_cost(loss))])
    ws.append([])


def _deductions_sheet(ws: Any, a: Assessment, lang: str) -> None:
    _header(ws, [t(f"report.col.{key}", lang) for key in ("day", "component", "deducted", "reason", "actor")])
    for d in a.deductions:
        ws.append([d.day.isoformat(), t(f"score.component.{d.component}", lang), _two(d.points), d.reason,
                   d.actor_name or ""])


def _indicators_sheet(ws: Any, a: Assessment, indicators: dict[str, Any] | None, lang: str) -> None:
    _header(ws, [t("report.col.item", lang), t("report.col.value", lang)])
    computed: list[tuple[str, Any, bool]] = []
    if "responsiveness" in a.components:
        urgent = a.components["responsiveness"]
        computed += [("failures", _two(urgent.rate.denominator), False), ("response_rate", _rate(urgent.ratio), True)]
    if "completion" in a.components:
        completion = a.components["completion"]
        computed += [("tickets_due", _two(completion.rate.denominator), False),
                     ("completion_rate", _rate(completion.ratio), True)]
    if "satisfaction" in a.components:
        computed.append(("satisfaction_rate", _rate(a.components["satisfaction"].ratio), True))
    for key, value, percent in computed:
        ws.append([t(f"report.indicator.{key}", lang), value])
        if percent:
            ws.cell(ws.max_row, 2).number_format = "0.00%"
    ws.append([])
    if indicators is None:
        ws.append([t("report.indicator.missing_note", lang)])
        return
    ws.append([t("report.indicator.source_note", lang)])
    for key, value in indicators.items():
        prefix = f"report.indicator.tickets.{key}"
        if isinstance(value, Mapping):
            for sub_key, sub_value in value.items():  # by_kind: one row per ticket kind
                name = _ticket_kind(str(sub_key), lang)
                ws.append([_label(prefix, lang, f"{key}.{sub_key}", kind=name), _cell(sub_value, lang)])
        else:
            ws.append([_label(prefix, lang, str(key)), _cell(value, lang)])
            if key in PERCENT_INDICATORS and isinstance(value, (int, float, Decimal)):
                ws.cell(ws.max_row, 2).number_format = "0.00%"


# ------------------------------------------------------------------------------------------------
# the chart
# ------------------------------------------------------------------------------------------------
def _chart_font() -> str | None:
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def write_chart(path: Path, history: list[Assessment], lang: str) -> None:
    """Stacked bars of each component's points per month, and the total above each bar."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = _chart_font()
    chart_lang = lang if font is not None or lang == "en" else "en"
    months = [a.period.month for a in history]
    figure = Figure(figsize=(max(6.0, 0.8 * len(months) + 3), 4.5), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    font_kwargs: dict[str, Any] = {"fontfamily": font} if font else {}
    bottoms = [0.0] * len(history)
    for name in COMPONENTS:
        values = [float(a.components[name].points) if name in a.components else 0.0 for a in history]
        axes.bar(months, values, bottom=bottoms, label=t(f"score.component.{name}", chart_lang))
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for index, a in enumerate(history):
        axes.text(index, bottoms[index] + 1, a.shown_total, ha="center", fontsize=8)
    axes.set_ylim(0, 125)  # room above the bars for the totals and the legend
    axes.set_title(t("report.chart.title", chart_lang), **font_kwargs)
    legend = axes.legend(loc="upper center", fontsize=7, ncols=len(COMPONENTS), frameon=False)
    if font:
        for text in legend.get_texts():
            text.set_fontfamily(font)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    figure.tight_layout()
    figure.savefig(path, format="png")


# ------------------------------------------------------------------------------------------------
# sending
# ------------------------------------------------------------------------------------------------
def _caption_params(built: MonthlyReport) -> dict[str, Any]:
    a = built.assessment
    return {"month": built.period.month, "total": a.shown_total, "tier": a.tier.label,
            "ratio": fmt_ratio(a.payment_ratio)}


async def send_report(services: Services, person: Person, period: Period,
                      sources: Mapping[str, RateSource] | None = None) -> MonthlyReport:
    """/report: build the month's report and queue the workbook and the chart to the caller."""
    built = await build_report(services, period, lang=person.language, sources=sources)
    params = _caption_params(built)
    async with services.db.uow() as uow:
        await services.notifier.to_chat(uow, person.chat_id, "report.caption.workbook", kind="report.workbook",
                                        lang=person.language, document_path=str(built.workbook_path),
                                        document_kind="document", **params)
        await services.notifier.to_chat(uow, person.chat_id, "report.caption.chart", kind="report.chart",
                                        lang=person.language, document_path=str(built.chart_path),
                                        document_kind="photo", **params)
        await uow.audit.append(at=services.now(), action="report.send", entity="report", entity_id=period.month,
                               actor=person,
                               after={"total": built.assessment.shown_total})
        await uow.commit()
    return built


async def send_monthly_report(services: Services, period: Period,
                              sources: Mapping[str, RateSource] | None = None) -> bool:
    """The automatic monthly report to every contact, in each contact's language, once per month (claimed;
    dedup keys per month). Computed once, written once per language. Returns False when another run had
    already sent it."""
    from storage.scoring import ScoringRepository

    async with services.db.uow() as uow:
        if await uow.repo(ScoringRepository).report_sent(period.month):
            return False
        contacts = [p for p in await uow.people.all(include_left=False) if Role.CONTACT in p.roles]
    data = await gather_report(services, period, sources)
    default = services.settings.contract.default_language
    languages = sorted({contact.language for contact in contacts}, key=lambda lang: (lang != default, lang)) or [
        default]
    books = {lang: await write_report(services, data, lang=lang) for lang in languages}
    async with services.db.uow() as uow:
        if not await uow.repo(ScoringRepository).claim_report(period.month, services.now()):
            return False
        contacts = [p for p in await uow.people.all(include_left=False) if Role.CONTACT in p.roles]
        for contact in contacts:  # (one whose language changed meanwhile gets the first language's book)
            built = books.get(contact.language) or books[languages[0]]
            params = _caption_params(built)
            await services.notifier.to_chat(uow, contact.chat_id, "report.caption.workbook", kind="report.workbook",
                                            lang=contact.language, dedup=f"report:{period.month}:xlsx:p{contact.id}",
                                            document_path=str(built.workbook_path), document_kind="document",
                                            **params)
            await services.notifier.to_chat(uow, contact.chat_id, "report.caption.chart", kind="report.chart",
                                            lang=contact.language, dedup=f"report:{period.month}:png:p{contact.id}",
                                            document_path=str(built.chart_path), document_kind="photo", **params)
        await uow.audit.append(at=services.now(), action="report.monthly", entity="report", entity_id=period.month,
                               after={"total": data.assessment.shown_total, "contacts": len(contacts)})
        await uow.commit()
    return True


def reported_month(first_of_month: date) -> date:
    """The month a report sent in the month of `first_of_month` covers: the one before."""
    return (first_of_month - timedelta(days=1)).replace(day=1)
