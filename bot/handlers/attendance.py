"""Attendance in chat: /checkin, /checkout (or 签到 / 签退 / a shared location), /leave, /makeup, /attendance,
and the supervisors' approve / reject buttons."""

from __future__ import annotations

import asyncio
import logging
import re

from bot.catalog import t
from bot.handlers.common import (
    ENGINEERS,
    HandlerContext,
    TextRoute,
    button,
    command,
    guard,
    message_args,
    reply,
    reply_text,
)
from bot.handlers.render.attendance import render_board, render_report
from bot.services import attendance
from bot.services.callback_data import CallbackData
from bot.services.container import Services
from bot.services.domain.attendance import AttendanceDay
from bot.services.domain.people import Person, Role
from bot.services.errors import DomainError
from bot.services.timeparse import PERIOD_EXAMPLES, parse_past_period
from bot.transports.base import Inbound

log = logging.getLogger(__name__)

CHECKIN_TEXT = re.compile(r"^\s*(?:签到|上班打卡|check[\s-]?in)\s*[!！.。]?\s*$", re.IGNORECASE)
CHECKOUT_TEXT = re.compile(r"^\s*(?:签退|下班打卡|check[\s-]?out)\s*[!！.。]?\s*$", re.IGNORECASE)
ACK_EMOJI = "👍"  # a group check-in's acknowledgement (Telegram's reaction set has no ✅)
REPORT_ROLES = [Role.ENGINEER, Role.LEAD, Role.SUPERVISOR, Role.CONTACT]


async def _privacy_hint(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """In a group where privacy mode hides plain 签到 / 签退, say once how to change it (admins are told too)."""
    if msg.private or ctx.capabilities.reads_group_messages or not ctx.capabilities.group_privacy_setting \
            or not msg.text.startswith("/"):
        return
    if await attendance.privacy_notice_due(ctx.services, msg.chat_key):
        await reply(ctx, person, "group.privacy_hint")


def _checkin_status(services: Services, record: AttendanceDay, holiday_name: object, lang: str) -> str:
    if holiday_name is not None:
        return t("att.status_holiday", lang, holiday=holiday_name)
    start = services.settings.working_hours.start.strftime("%H:%M")
    if record.late_minutes:
        return t("att.status_late", lang, duration=attendance.duration_text(record.late_minutes), start=start)
    return t("att.status_on_time", lang, start=start)


async def _acknowledged_in_group(msg: Inbound, ctx: HandlerContext) -> bool:
    """In a group on a platform with reactions: ✅ on the person's message and the day's board edited, instead of a
    new message per person (a group gets 20 messages a minute). False: answer with the full reply."""
    if msg.private or not ctx.capabilities.reactions or not await ctx.responder.react(ACK_EMOJI):
        return False
    services = ctx.services
    lock = ctx.shared.board_locks.setdefault(msg.chat_id, asyncio.Lock())
    # one board per (chat, day): never two sent at once, in this process nor by another replica (webhook updates
    # of one group may reach two replicas at the same time)
    async with lock, services.db.exclusive(f"board:{msg.chat_id}"):
        board = await attendance.board(services, msg.chat_id)
        text = render_board(board, services.settings.contract.default_language)
        if board.message_id is not None and await ctx.responder.edit_message(board.message_id, text):
            return True
        sent = await ctx.responder.reply(text)  # the first of the day, or the edit failed: a new board
        if sent is not None:
            await attendance.remember_board(services, msg.chat_id, board.day, sent)
    return True


@command("checkin", ENGINEERS)
async def checkin(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Checks the engineer in for today and shows today's picture."""
    services = ctx.services
    lang = person.language
    result = await attendance.check_in(services, person, chat_id=msg.chat_key)
    today = attendance.describe_day(services, result.record)
    if not result.created:
        await reply(ctx, person, "att.already_checked_in", time=services.fmt(result.record.checkin_at),
                    today=today)
        return
    if await _acknowledged_in_group(msg, ctx):
        await _privacy_hint(msg, ctx, person)
        return
    window = int(services.settings.attendance.location_window.total_seconds() // 60)
    await reply(ctx, person, "att.checked_in", time=services.fmt(result.record.checkin_at),
                status=_checkin_status(services, result.record, result.holiday_name, lang), today=today,
                hint=t("att.location_hint", lang, minutes=window) if window and ctx.capabilities.locations else "")
    await _privacy_hint(msg, ctx, person)


@command("checkout", ENGINEERS)
async def checkout(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Checks the engineer out for today (the latest check-out counts)."""
    services = ctx.services
    lang = person.language
    result = await attendance.check_out(services, person)
    record = result.record
    if await _acknowledged_in_group(msg, ctx):
        await _privacy_hint(msg, ctx, person)
        return
    if record.holiday_duty:
        status = t("att.checkout_holiday", lang)
    elif record.early_minutes:
        status = t("att.checkout_early", lang, duration=attendance.duration_text(record.early_minutes),
                   end=services.settings.working_hours.end.strftime("%H:%M"))
    else:
        status = t("att.checkout_on_time", lang, end=services.settings.working_hours.end.strftime("%H:%M"))
    before = services.fmt(result.previous_checkout, with_date=False) if result.previous_checkout else None
    if before is not None and before != services.fmt(record.checkout_at, with_date=False):  # not "moved" 17:45→17:45
        status += t("att.checkout_updated", lang, before=before)
    if result.makeup_id is not None:
        status += t("att.checkout_made_up", lang, id=result.makeup_id)
    await reply(ctx, person, "att.checked_out", time=services.fmt(record.checkout_at), status=status,
                today=attendance.describe_day(services, record))
    await _privacy_hint(msg, ctx, person)


async def answer_location(ctx: HandlerContext, services: Services, person: Person,
                          result: attendance.LocationResult) -> None:
    """The reply to a location that counted for attendance (bot/handlers/location.py routes locations)."""
    today = attendance.describe_day(services, result.record)
    if result.checked_in_now:
        status = _checkin_status(services, result.record, result.holiday_name, person.language)
        await reply(ctx, person, "att.location_checked_in", time=services.fmt(result.record.checkin_at),
                    status=status, today=today)
    else:
        await reply(ctx, person, "att.location_recorded", today=today)


@command("leave", ENGINEERS)
async def leave(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Files a leave request for a period; the supervisors get approve / reject buttons."""
    result = await attendance.request_leave(ctx.services, person, message_args(msg))
    request = result.request
    if request.half:
        text = t("att.leave_submitted_half", person.language, id=request.id,
                 period=attendance.request_period(request), reason=request.reason)
    else:
        text = t("att.leave_submitted", person.language, id=request.id, first=request.first_day.isoformat(),
                 last=request.last_day.isoformat(), days=result.workdays, reason=request.reason)
    await reply_text(ctx, text + ("" if result.approvers else t("att.no_approvers", person.language)))


@command("makeup", ENGINEERS)
async def makeup(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Files a make-up (补卡) request for a forgotten check-in."""
    result = await attendance.request_makeup(ctx.services, person, message_args(msg))
    request = result.request
    text = t("att.makeup_submitted", person.language, id=request.id, date=request.first_day.isoformat(),
             reason=request.reason)
    await reply_text(ctx, text + ("" if result.approvers else t("att.no_approvers", person.language)))


@command("attendance", REPORT_ROLES)
async def attendance_report(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Attendance per engineer for a period (default this month); engineers see their own."""
    services = ctx.services
    text = message_args(msg)
    today = services.today()
    if text:
        period = parse_past_period(text, services.local_now(), calendar=services.calendar)
        if period is None:
            raise DomainError("error.bad_period", text=text, examples="、".join(PERIOD_EXAMPLES))
    else:
        period = (today.replace(day=1), today)
    sees_everyone = person.has(Role.LEAD, Role.SUPERVISOR, Role.CONTACT)
    report = await attendance.attendance_report(services, *period,
                                                person_id=None if sees_everyone else person.id)
    await reply_text(ctx, render_report(report, person.language))


@button(attendance.CALLBACK, [Role.SUPERVISOR, Role.CONTACT], client_side=True)
async def decide(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """Approve (ok) or reject (no) a leave or make-up request; the message keeps the decision, not the buttons."""
    if data.action not in ("ok", "no") or not data.args or not data.args[0].isdigit():
        raise DomainError("button.refused")
    services = ctx.services
    decision = await attendance.decide_request(services, person, data.int_arg(), approve=data.action == "ok")
    lang = person.language
    if msg.button_message_text is not None:
        note = t("att.decided_note", lang, status=t(f"att.status_{decision.request.status}", lang),
                 by=person.name, time=services.fmt(services.now()))
        await ctx.responder.edit_button_message(f"{msg.button_message_text}\n\n{note}")
    return t("att.toast_approved" if decision.approved else "att.toast_rejected", lang)


# Plain 签到 / 签退 (private chat, or a group where the platform shows the bot every message).
TEXT_ROUTES = (
    TextRoute("checkin", lambda msg: bool(CHECKIN_TEXT.match(msg.text)), guard(ENGINEERS, "/checkin", checkin)),
    TextRoute("checkout", lambda msg: bool(CHECKOUT_TEXT.match(msg.text)), guard(ENGINEERS, "/checkout", checkout)),
)
