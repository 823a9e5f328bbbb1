"""/urgent, /urgents, /ack, /arrived, /cancelurgent, the 收到 / 已到岗 / 需要支援 buttons and arrival locations."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.catalog import t
from bot.handlers.common import ANYONE, HandlerContext, button, command, message_args, reply, reply_text
from bot.handlers.render.urgent import describe, render_timeline
from bot.services import urgent
from bot.services.callback_data import CallbackData, encode
from bot.services.container import Services
from bot.services.domain.people import Person, Role
from bot.services.domain.urgent import UrgentRequest
from bot.transports.base import Inbound

RAISERS = [Role.LEAD, Role.ENGINEER, Role.SUPERVISOR, Role.CONTACT]
_NUMBER = re.compile(r"^#?\s*(\d{1,9})$")
_NUMBER_AND_REASON = re.compile(r"^#?\s*(\d{1,9})(?:\s+(.*))?$", re.DOTALL)
# Handlers in this group run besides any other feature's location handler (attendance check-ins).


@command("urgent", RAISERS)
async def urgent_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Raises an urgent request: engineers on duty are called, the group is told the deadline."""
    text = message_args(msg)
    if not text:
        await reply(ctx, person, "urg.usage")
        return
    raised = await urgent.raise_urgent(ctx.services, person, text, chat_id=msg.chat_key)
    services = ctx.services
    names = t("role.separator", person.language).join(p.name for p in raised.notified) or "—"
    request = raised.request
    await reply(ctx, person, "urg.raised", id=request.id, ticket=request.ticket_id or "—",
                start=services.fmt(request.started_at), deadline=services.fmt(request.deadline_at), names=names)
    if raised.source == "lead":
        await reply(ctx, person, "urg.raised_fallback")


@command("urgents")
async def urgents_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists open urgent requests, or those raised in a period (/urgents 本月)."""
    services = ctx.services
    number = message_args(msg).strip().lstrip("#")
    if number.isdigit():  # /urgents 17: one request and its timeline (calls and SMS included)
        found = await urgent.request_detail(services, int(number))
        if found is None:
            await reply(ctx, person, "urg.detail_not_found", id=number)
            return
        item, names = found
        status = describe(services, item, person.language)
        await reply(ctx, person, "urg.detail", id=item.request.id, text=item.request.text, status=status,
                    timeline="\n".join(f"{at} — {what}" for at, what in
                                        render_timeline(services, item, names, person.language)))
        return
    period = urgent.listing_period(services, message_args(msg))
    items = await urgent.list_requests(services, period)
    lines = "\n".join(describe(services, item, person.language) for item in items)
    if period is None:
        await reply(ctx, person, "urg.list_open" if items else "urg.list_empty_open", lines=lines)
    else:
        first, last = (d.isoformat() for d in period)
        await reply(ctx, person, "urg.list_period" if items else "urg.list_empty_period", lines=lines,
                    first=first, last=last)


async def _request_id(msg: Inbound, ctx: HandlerContext, person: Person, command_name: str) -> int | None:
    """The number after the command, or the newest open request this person was called to."""
    text = message_args(msg)
    if text:
        match = _NUMBER.match(text)
        if match is None:
            await reply(ctx, person, "urg.bad_number", command=command_name)
            return None
        return int(match.group(1))
    request = await urgent.latest_open_for(ctx.services, person)
    if request is None:
        await reply(ctx, person, "urg.no_open")
        return None
    return request.id


ETA_CHOICES = (10, 20, 30, 45)  # minutes offered as buttons after 收到


def _eta_buttons(request_id: int) -> list[list[tuple[str, str]]]:
    return [[("urg.btn.eta." + str(m), encode("urg", "eta", request_id, m)) for m in ETA_CHOICES]]


async def _reply_ack(msg: Inbound, ctx: HandlerContext, person: Person, request_id: int, note: str = "",
                     eta_minutes: int | None = None) -> None:
    """收到 (with a note and an estimate when given); an engineer without an estimate is offered buttons."""
    services = ctx.services
    eta = urgent.parse_estimate(services, note) if note else None
    if eta_minutes is not None:
        eta = services.acted_at() + timedelta(minutes=eta_minutes)
    result = await urgent.acknowledge(services, person, request_id, note, eta)
    key = "urg.acked_stopped" if result.stopped_escalation else ("urg.acked" if result.first else "urg.acked_again")
    if eta is not None or note:
        await reply(ctx, person, "urg.acked_eta" if eta else "urg.acked_note", id=request_id,
                    eta=urgent.eta_text(services, eta) if eta else "", note=note,
                    deadline=services.fmt(result.request.deadline_at))
        return
    lang = person.language
    text = t(key, lang, id=request_id, deadline=services.fmt(result.request.deadline_at))
    if person.is_engineer and result.request.arrived_at is None and result.request.ack_eta is None:
        rows = [[(t(label, lang), data) for label, data in row] for row in _eta_buttons(request_id)]
        await reply_text(ctx, text + "\n" + t("urg.eta_hint", lang, id=request_id), rows)
        return
    await reply_text(ctx, text)


async def _reply_arrived(msg: Inbound, ctx: HandlerContext, person: Person, request_id: int) -> None:
    result = await urgent.arrive(ctx.services, person, request_id)
    await reply(ctx, person, "urg.arrived_late" if result.late else "urg.arrived", id=request_id,
                minutes=result.minutes, ticket_note=_ticket_note(person, result.request, result.ticket_resolved))


def _ticket_note(person: Person, request: UrgentRequest, resolved: bool) -> str:
    """What happened to the request's ticket with the arrival (nothing if it was resolved before)."""
    if not resolved or request.ticket_id is None:
        return ""
    return t("urg.ticket_resolved_note", person.language, ticket=request.ticket_id)


_ACK = re.compile(r"^[#＃]?\s*(\d{1,9})(?:[\s，,:：]+(.*))?$", re.DOTALL)


@command("ack")
async def ack_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Acknowledges an urgent request (the text form of 收到), optionally with a note and an estimated
    arrival: /ack 12 收到，预计 20 分钟到."""
    text = message_args(msg).strip()
    match = _ACK.match(text)
    if match is not None:
        await _reply_ack(msg, ctx, person, int(match.group(1)), (match.group(2) or "").strip())
        return
    if not text:
        request_id = await _request_id(msg, ctx, person, "ack")
        if request_id is not None:
            await _reply_ack(msg, ctx, person, request_id)
        return
    request = await urgent.latest_open_for(ctx.services, person)  # "/ack 预计20分钟到": the newest one called to
    if request is None:
        await reply(ctx, person, "urg.no_open")
        return
    await _reply_ack(msg, ctx, person, request.id, text)


@command("arrived", [Role.ENGINEER, Role.LEAD])
async def arrived_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records the engineer's arrival at the post (the text form of 已到岗)."""
    request_id = await _request_id(msg, ctx, person, "arrived")
    if request_id is not None:
        await _reply_arrived(msg, ctx, person, request_id)


@command("cancelurgent", RAISERS)
async def cancel_urgent_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Cancels an urgent request nobody needs to attend (/cancelurgent 12 误报): its clock stops, people are told."""
    match = _NUMBER_AND_REASON.match(message_args(msg))
    reason = (match.group(2) or "").strip() if match else ""
    if match is None or not reason:
        await reply(ctx, person, "urg.cancel_usage")
        return
    services = ctx.services
    result = await urgent.cancel(services, person, int(match.group(1)), reason)
    request = result.request
    if not result.first:
        await reply(ctx, person, "urg.cancelled_already", id=request.id, name=result.cancelled_by,
                    at=services.fmt(request.cancelled_at), reason=request.cancel_reason or "")
        return
    note = t("urg.ticket_closed_note", person.language, ticket=request.ticket_id) \
        if result.ticket_closed and request.ticket_id is not None else ""
    await reply(ctx, person, "urg.cancelled_late" if result.counted_as_missed else "urg.cancelled",
                id=request.id, reason=reason, deadline=services.fmt(request.deadline_at), ticket_note=note)


@button("urg", ANYONE)
async def urgent_button(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """收到 / 已到岗 / 需要支援 on an urgent request, and the second line's 已到岗."""
    request_id = data.int_arg(0)
    services = ctx.services
    if data.action == "ack":
        await _reply_ack(msg, ctx, person, request_id)
        return t("urg.btn.ack", person.language)
    if data.action == "eta":
        minutes = data.int_arg(1)
        if minutes not in ETA_CHOICES:
            return t("button.refused", person.language)
        await _reply_ack(msg, ctx, person, request_id, t("urg.eta_note", person.language, minutes=minutes),
                         eta_minutes=minutes)
        await ctx.responder.edit_button_message(None)  # the estimate is given: its buttons go
        return t("urg.btn.eta." + str(minutes), person.language)
    if data.action == "arr":
        await _reply_arrived(msg, ctx, person, request_id)
        return t("urg.btn.arrived", person.language)
    if data.action == "sup":
        request = await urgent.request_support(services, person, request_id)
        await reply(ctx, person, "urg.support_requested", id=request_id,
                    deadline=services.fmt(request.second_line_deadline_at))
        return t("urg.btn.support", person.language)
    if data.action == "arr2":
        result = await urgent.second_line_arrive(services, person, request_id)
        await reply(ctx, person, "urg.second_line_arrived", id=request_id, minutes=result.minutes)
        return t("urg.btn.arrived", person.language)
    return t("button.refused", person.language)


async def answer_location(ctx: HandlerContext, services: Services, person: Person,
                          checked: urgent.LocationChecked) -> None:
    """The reply to a location that concerned an urgent request (bot/handlers/location.py routes locations)."""
    request = checked.request
    distance = round(checked.distance_m)
    radius = round(services.settings.site.radius_m)
    if checked.counted_as_arrival:
        await reply(ctx, person, "urg.location_arrived", id=request.id, distance=distance,
                    minutes=urgent.minutes(request.arrived_at - request.started_at),  # type: ignore[operator]
                    ticket_note=_ticket_note(person, request, checked.ticket_resolved))
    elif request.arrived_by != person.id:
        await reply(ctx, person, "urg.location_not_arrived", id=request.id, distance=distance, radius=radius)
    elif checked.on_site:
        await reply(ctx, person, "urg.location_on_site", id=request.id, distance=distance)
    else:
        await reply(ctx, person, "urg.location_off_site", id=request.id, distance=distance, radius=radius,
                    notified=checked.notified)
