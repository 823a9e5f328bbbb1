"""Human and JSON views of one month of the working calendar (the ``calendar`` CLI command).

Why: the site lead checks "which days do we work this month" before publishing the duty roster,
and the payment clerk needs exact working-day lists; both read it from the CLI.
"""

from __future__ import annotations

import argparse
import calendar as _stdcal
import json
import re
from datetime import date, datetime, timedelta
from typing import NoReturn, TextIO
from zoneinfo import ZoneInfo

from bot.services.calendar import WorkCalendar
from bot.services.timeparse import parse_period

__all__ = ["calendar_command", "month_json", "render_month"]

_TZ = ZoneInfo("Asia/Shanghai")
_MONTH_RE = re.compile(r"\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*")
_EXAMPLE = "calendar 2022-10 [--json] [--lang en]   (也可以: calendar 2022年10月)"

_GRID_HEAD_EN = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_WD_ZH = "一二三四五六日"
_WD_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_EN = _stdcal.month_name


def _is_en(lang: str) -> bool:
    return lang.lower().startswith("en")


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, _stdcal.monthrange(year, month)[1])


def _fmt_day(d: date, en: bool, ref_year: int) -> str:
    """Short day label; the year is shown only when it differs from the month being viewed."""
    if en:
        text = f"{_WD_EN[d.weekday()]} {d.day} {_MONTH_EN[d.month][:3]}"
        return f"{text} {d.year}" if d.year != ref_year else text
    text = f"{d.month}月{d.day}日（周{_WD_ZH[d.weekday()]}）"
    return f"{d.year}年{text}" if d.year != ref_year else text


def _cell_mark(cal: WorkCalendar, d: date, en: bool, off: set[date]) -> str:
    """休/* for days off in a holiday period, 班/+ for weekend working days, blank otherwise."""
    if d in off or cal.is_holiday(d):
        return "*" if en else "休"
    if cal.is_extra_workday(d):
        return "+" if en else "班"
    return " " if en else "\u3000"  # ideographic space keeps CJK columns aligned


def render_month(cal: WorkCalendar, year: int, month: int, lang: str = "zh_CN") -> str:
    """The month as a person reads it: Monday-first grid with marks, then holidays and counts."""
    en = _is_en(lang)
    first, last = _month_bounds(year, month)
    periods = cal.holiday_periods(first, last)
    off = {p.first + timedelta(days=i) for p in periods for i in range(p.days)}
    lines: list[str] = []
    if en:
        lines.append(f"{_MONTH_EN[month]} {year} — working calendar")
        lines.append(" ".join(f"{wd:>3}" for wd in _GRID_HEAD_EN))
    else:
        lines.append(f"{year}年{month}月 工作日历")
        lines.append(" ".join(f" {wd} " for wd in _WD_ZH).rstrip())
    blank = "   " if en else "    "
    for week in _stdcal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        cells = [
            f"{d.day:>2}{_cell_mark(cal, d, en, off)}" if d.month == month else blank for d in week
        ]
        lines.append(" ".join(cells).rstrip())
    lines.append("")
    if en:
        lines.append("Legend: * holiday (day off)   + substituted working day (weekend worked)"
                     "   unmarked Sat/Sun = ordinary weekend")
    else:
        lines.append("图例：休 = 节假日放假（含调休）  班 = 调休上班（周末上班）"
                     "  未标记的周六、周日 = 普通周末")
    lines.append("")
    lines.append("Holidays:" if en else "节假日：")
    if not periods:
        lines.append("  none" if en else "  无")
    for p in periods:
        a, b = _fmt_day(p.first, en, year), _fmt_day(p.last, en, year)
        if en:
            lines.append(f"  {p.name_en}: {a} – {b} ({p.days} days off)")
        else:
            lines.append(f"  {p.name}：{a}至{b}，共{p.days}天")

    extra = cal.extra_workdays(first, last)
    lines.append("Substituted working days:" if en else "调休上班：")
    if extra:
        sep = ", " if en else "、"
        lines.append("  " + sep.join(_fmt_day(d, en, year) for d in extra))
    else:
        lines.append("  none" if en else "  无")

    count = cal.count_workdays(first, last)
    lines.append(f"Working days: {count}" if en else f"工作日：{count}天")
    return "\n".join(lines) + "\n"


def month_json(cal: WorkCalendar, year: int, month: int) -> dict[str, list[str]]:
    """Machine-readable month: ISO dates of working days, statutory holidays, weekend workdays."""
    first, last = _month_bounds(year, month)
    return {
        "workdays": [d.isoformat() for d in cal.workdays_between(first, last)],
        "holidays": [d.isoformat() for d in cal.holidays_in(first, last)],
        "extra_workdays": [d.isoformat() for d in cal.extra_workdays(first, last)],
    }


class _UsageError(Exception):
    """argparse wanted to exit; carries the status (0 for --help)."""

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Parser(argparse.ArgumentParser):
    """ArgumentParser that writes to our stream and never calls sys.exit."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(prog="calendar", description="Show the working calendar of one month.",
                         epilog=f"example: {_EXAMPLE}")
        self._out = out

    def _print_message(self, message: str, file: object = None) -> None:
        if message:
            self._out.write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _UsageError(status, message or "")

    def error(self, message: str) -> NoReturn:
        raise _UsageError(2, message)


def _parse_month(text: str) -> tuple[int, int] | None:
    """"2022-10", "2022/10" or any parse_period phrase that is exactly one month ("2022年10月", "上个月")."""
    m = _MONTH_RE.fullmatch(text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        return (y, mo) if 1 <= mo <= 12 and 1 <= y <= 9999 else None
    period = parse_period(text, datetime.now(_TZ))
    if period is None:
        return None
    first, last = period
    if first.day != 1 or (first.year, first.month) != (last.year, last.month):
        return None
    if last != _month_bounds(first.year, first.month)[1]:
        return None
    return first.year, first.month


def calendar_command(argv: list[str], cal: WorkCalendar, out: TextIO) -> int:
    """``calendar [MONTH] [--json] [--lang en]``; writes to ``out``; returns an exit status."""
    parser = _Parser(out)
    parser.add_argument("month", nargs="?", help="month, e.g. 2022-10 or 2022年10月 (default: this month)")
    parser.add_argument("--json", action="store_true", help="print workdays/holidays/extra_workdays as JSON")
    parser.add_argument("--lang", default="zh_CN", help="zh_CN (default) or en")
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        if exc.status:
            out.write(f"error: {exc.message.strip()}\nexample: {_EXAMPLE}\n")
        return exc.status
    if args.month is None:
        today = datetime.now(_TZ).date()
        ym: tuple[int, int] | None = (today.year, today.month)
    else:
        ym = _parse_month(args.month)
    if ym is None:
        out.write(f"error: not a month: {args.month!r}\nexample: {_EXAMPLE}\n")
        return 2
    if not args.lang.lower().startswith(("zh", "en")):
        out.write(f"error: unknown --lang {args.lang!r} (zh_CN or en)\nexample: {_EXAMPLE}\n")
        return 2
    year, month = ym
    if args.json:
        out.write(json.dumps(month_json(cal, year, month), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_month(cal, year, month, lang=args.lang))
    return 0
