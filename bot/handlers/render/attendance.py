"""The /attendance report as text, in the reader's language."""

from __future__ import annotations

from bot.catalog import render, t
from bot.services.attendance import AttendanceBoard, AttendanceReport, fmt_number, half_label, percent, short_dates


def render_report(report: AttendanceReport, lang: str) -> str:
    """The /attendance answer: one line per engineer (with absent and late dates), the total and the rules."""
    lines = [t("att.report_title", lang, first=report.first.isoformat(), last=report.last.isoformat())]
    if not report.denominator:
        lines.append(t("att.report_nothing", lang))
        return "\n".join(lines)
    for stats in report.engineers:
        if not stats.expected:
            continue
        lines.append(t("att.report_line", lang, name=stats.person.name, expected=len(stats.expected),
                       present=fmt_number(stats.days(stats.present)), late=len(stats.late),
                       leave=fmt_number(stats.days(stats.leave)), absent=fmt_number(stats.days(stats.absent)),
                       rate=percent(stats.rate)))
        if stats.half_leave:
            halves = t("role.separator", lang).join(f"{d:%m-%d} {render(half_label(h), lang)}"
                                                    for d, h in sorted(stats.half_leave.items()))
            lines.append(t("att.report_half_days", lang, dates=halves))
        if stats.absent:
            lines.append(t("att.report_absent_dates", lang, dates=short_dates(stats.absent)))
        if stats.late:
            lines.append(t("att.report_late_dates", lang, dates=short_dates(stats.late)))
    lines.append(t("att.report_total", lang, rate=percent(report.rate), numerator=fmt_number(report.numerator),
                   denominator=fmt_number(report.denominator)))
    leave_rule = t("att.rule_leave_present" if report.leave_counts_as_present else "att.rule_leave_absent", lang)
    late_rule = t("att.rule_late_weight", lang, value=fmt_number(1 - report.late_weight)) if report.late_weight \
        else t("att.rule_late_reported", lang)
    lines.append(t("att.report_rules", lang, leave_rule=leave_rule, late_rule=late_rule))
    if report.today_pending:
        lines.append(t("att.report_today_pending", lang, cutoff=report.today_pending))
    return "\n".join(lines)


def render_board(board: AttendanceBoard, lang: str) -> str:
    """The group's attendance board: one line per check-in (late marked), then who is missing."""
    lines = [t("att.board_title", lang, date=board.day.isoformat(), present=len(board.present),
               total=len(board.present) + len(board.missing))]
    for entry in board.present:
        line = t("att.board_line_late", lang, name=entry.name, time=entry.checkin, minutes=entry.late_minutes) \
            if entry.late_minutes else t("att.board_line", lang, name=entry.name, time=entry.checkin)
        if entry.checkout:
            line += t("att.board_checkout", lang, time=entry.checkout)
        lines.append(line)
    lines.append(t("att.board_missing", lang, names=t("att.board_name_separator", lang).join(board.missing))
                 if board.missing else t("att.board_all_present", lang))
    return "\n".join(lines)
