"""Tickets: /ticket /tickets /take /resolve /reopen /rate /comment /province /estimate /ruling /checklist /faq,
and the tk buttons (kind, system, region set-up; take; rating; checklist)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from bot.catalog import t
from bot.handlers.common import (
    ANYONE,
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
from bot.services import tickets as svc
from bot.services.callback_data import CallbackData, encode
from bot.services.domain.people import Person, Role
from bot.services.domain.tickets import Ticket
from bot.services.errors import BadInput, DomainError
from bot.textfit import shorten
from bot.transports.base import Inbound

log = logging.getLogger(__name__)

QUOTE_LIMIT = 300  # the ticket's text as quoted on its set-up card (a reminder; /ticket N shows it in full)
LIST_TEXT = 40     # the ticket's text on a /tickets line
KIND_KEYS = list(svc.TICKET_KINDS)


def _split(msg: Inbound, usage_key: str) -> tuple[int, str]:
    """'/cmd N rest…' -> (N, rest); a missing or non-numeric N is bad input with the usage example."""
    parts = message_args(msg).split(maxsplit=1)
    if not parts:
        raise BadInput(usage_key)
    return svc.parse_ticket_id(parts[0], usage_key), parts[1].strip() if len(parts) > 1 else ""


def _render(services: Any, key: str, ticket: Ticket, lang: str, people: dict[int, Person], *,
            quote: int | None = None, **extra: Any) -> str:
    """A message about one ticket; `quote` shortens the ticket's text (with an ellipsis) where it is a reminder."""
    params = svc.summary_params(services, ticket, people)
    if quote is not None:
        params["text"] = shorten(params["text"], quote)
    return t(key, lang, **params, **extra)


# --- raising ---------------------------------------------------------------------------------------------------

def _kind_buttons(ticket_id: int, lang: str) -> list[list[tuple[str, str]]]:
    buttons = [(t(label, lang), encode("tk", "k", ticket_id, index))
               for index, label in enumerate(svc.TICKET_KINDS.values())]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([(t("tk.btn.keep_kind", lang), encode("tk", "k", ticket_id, "x"))])
    return rows


def _choice_buttons(action: str, ticket_id: int, options: list[str], lang: str) -> list[list[tuple[str, str]]]:
    buttons = [(name, encode("tk", action, ticket_id, index)) for index, name in enumerate(options)]
    rows = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    rows.append([(t("tk.btn.skip", lang), encode("tk", action, ticket_id, "x"))])
    return rows


async def _show(msg: Inbound, ctx: HandlerContext, person: Person, ticket_id: int) -> None:
    services = ctx.services
    info = await svc.details(services, ticket_id)
    ticket, lang = info.ticket, person.language
    extra = ""
    if ticket.resolution:
        extra += t("tk.show.resolution", lang, resolution=ticket.resolution)
    if ticket.rating:
        note = t("tk.show.comment", lang, comment=ticket.rating_comment) if ticket.rating_comment else ""
        extra += t("tk.show.rating", lang, rating=t(svc.RATINGS[ticket.rating], lang), comment=note)
    if ticket.estimate_days is not None:
        extra += t("tk.show.estimate", lang, days=f"{ticket.estimate_days:g}")
    if ticket.ruling:
        extra += t("tk.show.ruling", lang, verdict=t(f"tk.ruling.{ticket.ruling}", lang))
    if ticket.kind == "bulk_processing":
        extra += t("tk.show.checklist", lang, done=len(info.checklist), total=len(svc.CHECKLIST_ITEMS))
    if ticket.waiting_since is not None and ticket.waiting_reason:
        extra += t("tk.show.waiting", lang, reason=t(f"tk.wait.reason.{ticket.waiting_reason}", lang),
                   since=services.fmt(ticket.waiting_since), note=ticket.waiting_note or "")
    if ticket.paused_seconds:
        extra += t("tk.show.paused", lang, paused=svc.format_duration(timedelta(seconds=ticket.paused_seconds), lang))
    history = "\n".join(_history_line(services, entry, lang) for entry in info.history)
    await reply(ctx, person, "tk.show", **svc.summary_params(services, ticket, info.people), extra=extra,
                history=history)


def _history_line(services: Any, entry: Any, lang: str) -> str:
    verb = entry.action.removeprefix("tickets.")
    after = entry.after or {}
    value: str | None = None
    if verb == "kind" and after.get("kind") in svc.TICKET_KINDS:
        value = t(svc.TICKET_KINDS[after["kind"]], lang)
    elif verb == "rate" and after.get("rating") in svc.RATINGS:
        value = t(svc.RATINGS[after["rating"]], lang) + (t("tk.act.auto", lang) if after.get("auto") else "")
    elif verb == "ruling" and after.get("ruling") in ("in", "out"):
        value = t(f"tk.ruling.{after['ruling']}", lang) + (f" {after['note']}" if after.get("note") else "")
    elif verb == "checklist" and after.get("item") in svc.CHECKLIST_ITEMS:
        value = t(svc.CHECKLIST_ITEMS[after["item"]], lang)
    elif verb == "wait" and after.get("reason") in svc.WAIT_CODES.values():
        value = t(f"tk.wait.reason.{after['reason']}", lang) + (f" {after['note']}" if after.get("note") else "")
    elif verb == "resume" and after.get("due_at"):
        minutes = int(after.get("paused_minutes") or 0)
        value = f"{svc.format_duration(timedelta(minutes=minutes), lang)} → {after['due_at']}"
    else:
        for field in ("text", "file", "resolution", "reason", "province_no", "estimate_days", "comment", "system",
                      "region", "assignee"):
            if after.get(field):
                value = str(after[field])
                break
    action = t(f"tk.act.{verb}", lang) if f"tk.act.{verb}" in _ACTIONS else verb
    return t("tk.hist.line", lang, at=services.fmt(entry.at), actor=entry.actor_name or "🤖", action=action,
             detail=t("tk.hist.detail", lang, value=value) if value else "")


_ACTIONS = {f"tk.act.{v}" for v in ("open", "kind", "system", "region", "take", "resolve", "reopen", "province",
                                    "estimate", "ruling", "checklist", "rate", "comment", "faq",
                                    "overdue_reminded", "lead_reminded", "wait", "resume", "attach")}


@command("ticket")
async def ticket_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Raises a work order from the text (or the replied-to message); '/ticket N' shows one with its history."""
    services = ctx.services
    text = message_args(msg)
    quoted = msg.quoted
    if quoted is None and re.fullmatch(r"[#＃]?\d{1,9}", text):
        await _show(msg, ctx, person, int(text.lstrip("#＃")))
        return
    requester = None
    if quoted is not None:
        quoted_text = quoted.text.strip()
        if quoted_text:
            text = f"{text}\n{quoted_text}".strip() if text else quoted_text
        author = quoted.author
        if author is not None and not quoted.author_is_bot and author.external_id != msg.sender.external_id:
            from bot.services import access

            requester = await access.identify_sender(services, author)
    if not text:
        raise BadInput("tk.usage.ticket")
    ticket = await svc.create_ticket(services, person, text, requester=requester,
                                     source_chat_id=msg.chat_key)
    people = await svc.roster(services)
    lang = person.language
    due_note = t("tk.due.from_text" if ticket.due_explicit else "tk.due.default", lang)
    await reply_text(ctx, _render(services, "tk.created", ticket, lang, people, quote=QUOTE_LIMIT,
                                             due_note=due_note),
                     _kind_buttons(ticket.id, lang))


async def _setup_step(msg: Inbound, ctx: HandlerContext, person: Person, ticket: Ticket, after: str) -> None:
    """Edit the set-up message to the next question (system, region) or the final summary."""
    services = ctx.services
    contract = services.settings.contract
    lang = person.language
    people = await svc.roster(services)
    steps = [("s", "tk.setup.system", contract.systems), ("r", "tk.setup.region", contract.regions)]
    order = ["k", "s", "r"]
    for action, key, options in steps:
        if order.index(action) <= order.index(after) or not options:
            continue
        await ctx.responder.edit_button_message(_render(services, key, ticket, lang, people, quote=QUOTE_LIMIT),
                                                _choice_buttons(action, ticket.id, options, lang))
        return
    done = [[(t("tk.btn.take", lang), encode("tk", "take", ticket.id))]] if ticket.status == "open" else None
    await ctx.responder.edit_button_message(
        _render(services, "tk.setup.done", ticket, lang, people, quote=QUOTE_LIMIT), done)


def _choice(data: CallbackData, options: int) -> int | None:
    """The option index of a set-up button (None: skip); anything else is a stale or forged button."""
    choice = data.args[1] if len(data.args) > 1 else ""
    if choice == "x":
        return None
    if not choice.isdigit() or int(choice) >= options:
        raise DomainError("button.refused")
    return int(choice)


@button("tk")
async def ticket_button(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """Set-up choices, taking, rating and checklist steps.

    Everything shown after the service call (the toast, an edit of the pressed message) cannot fail the
    press: nothing is sent to a private chat the presser may never have opened.
    """
    services = ctx.services
    if not data.args or not data.args[0].isdigit() or len(data.args[0]) > 9:
        raise DomainError("button.refused")
    ticket_id = data.int_arg(0)
    choice = data.args[1] if len(data.args) > 1 else ""
    lang = person.language
    original = msg.button_message_text or ""
    if data.action == "k":
        index = _choice(data, len(KIND_KEYS))
        if index is None:
            ticket = await svc.get_ticket(services, ticket_id)
        else:
            ticket = await svc.set_kind(services, person, ticket_id, KIND_KEYS[index])
        await _setup_step(msg, ctx, person, ticket, "k")
        return t("tk.setup.saved", lang)
    if data.action in ("s", "r"):
        field = "system" if data.action == "s" else "region"
        options = services.settings.contract.systems if field == "system" else services.settings.contract.regions
        index = _choice(data, len(options))
        if index is None:
            ticket = await svc.get_ticket(services, ticket_id)
        else:
            ticket = await svc.set_field(services, person, ticket_id, field, options[index])
        await _setup_step(msg, ctx, person, ticket, data.action)
        return t("tk.setup.saved", lang)
    if data.action == "take":
        ticket = await svc.take(services, person, ticket_id)
        await ctx.responder.edit_button_message(t("tk.taken.edit", lang, text=original, name=person.name, id=ticket.id,
                             due=services.fmt(ticket.due_at)))
        return t("tk.taken_toast", lang, id=ticket.id, due=services.fmt(ticket.due_at))
    if data.action == "rate":
        rating = svc.RATING_CODES.get(choice)
        if rating is None:
            raise DomainError("button.refused")
        result = await svc.rate(services, person, ticket_id, rating)
        label = t(svc.RATINGS[result.ticket.rating], lang) if result.ticket.rating else ""
        if not result.changed:
            return t("tk.rated.already", lang, id=ticket_id, rating=label)
        await ctx.responder.edit_button_message(t("tk.rated.edit", lang, text=original, rating=label))
        return t("tk.rated", lang, id=ticket_id, rating=label)
    if data.action == "chk":
        if choice not in svc.CHECKLIST_ITEMS:
            raise DomainError("button.refused")
        ticket, confirmed = await svc.confirm_checklist(services, person, ticket_id, choice)
        text, buttons = _checklist_view(ticket, confirmed, lang)
        await ctx.responder.edit_button_message(text, buttons)
        return t(svc.CHECKLIST_ITEMS[choice], lang)
    if data.action == "w":
        reason = svc.WAIT_CODES.get(choice)
        if reason is None:
            raise DomainError("button.refused")
        ticket = await svc.start_waiting(services, person, ticket_id, reason, "")
        await ctx.responder.edit_button_message(_waiting_text(services, ticket, lang))
        return t(f"tk.wait.reason.{reason}", lang)
    if data.action == "res":
        ended = await svc.end_waiting(services, person, ticket_id)
        text = _resumed_text(services, ended, lang)
        await ctx.responder.edit_button_message(f"{original}\n\n{text}" if original else text)
        return t("tk.act.resume", lang)
    raise DomainError("button.refused")


# --- waiting time that does not count ---------------------------------------------------------------------

def _waiting_text(services: Any, ticket: Ticket, lang: str) -> str:
    return t("tk.waiting", lang, id=ticket.id, reason=t(f"tk.wait.reason.{ticket.waiting_reason}", lang),
             since=services.fmt(ticket.waiting_since))


def _resumed_text(services: Any, ended: svc.WaitEnded, lang: str) -> str:
    return t("tk.resumed", lang, id=ended.ticket.id, paused=svc.format_duration(ended.paused, lang),
             total=svc.format_duration(ended.total_paused, lang), due=services.fmt(ended.ticket.due_at))


@command("wait", ENGINEERS)
async def wait_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Puts a ticket on hold for the client, a third party or parts (its clock pauses): /wait N 待备件 note.

    Without a reason the engineer chooses it with a button."""
    ticket_id, rest = _split(msg, "tk.usage.wait")
    lang = person.language
    if not rest:
        await svc.get_ticket(ctx.services, ticket_id)  # an unknown number is told at once
        buttons = [[(t(f"tk.wait.reason.{reason}", lang), encode("tk", "w", ticket_id, code))
                    for code, reason in svc.WAIT_CODES.items()]]
        await reply_text(ctx, t("tk.wait.ask", lang, id=ticket_id), buttons)
        return
    reason, note = svc.parse_wait_reason(rest)
    ticket = await svc.start_waiting(ctx.services, person, ticket_id, reason, note)
    await reply_text(ctx, _waiting_text(ctx.services, ticket, lang))


@command("resume", [Role.CONTACT, Role.ENGINEER, Role.LEAD, Role.SUPERVISOR])
async def resume_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Ends a ticket's wait (the client side, or the vendor when what it waited for arrived): /resume N."""
    ticket_id, _ = _split(msg, "tk.usage.resume")
    ended = await svc.end_waiting(ctx.services, person, ticket_id)
    await reply_text(ctx, _resumed_text(ctx.services, ended, person.language))


# --- lifecycle commands --------------------------------------------------------------------------------------

@command("take", ENGINEERS)
async def take_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Takes a ticket: /take N."""
    ticket_id, _ = _split(msg, "tk.usage.take")
    ticket = await svc.take(ctx.services, person, ticket_id)
    await reply(ctx, person, "tk.taken", id=ticket.id, due=ctx.services.fmt(ticket.due_at))


@command("resolve", ENGINEERS)
async def resolve_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Resolves a ticket with what was done: /resolve N text."""
    ticket_id, text = _split(msg, "tk.usage.resolve")
    if not text:
        raise BadInput("tk.usage.resolve")
    resolved = await svc.resolve(ctx.services, person, ticket_id, text)
    ticket, lang = resolved.ticket, person.language
    on_time = ticket.resolved_at is not None and ticket.resolved_at <= ticket.due_at
    timing = t("tk.resolved.on_time", lang) if on_time else \
        t("tk.resolved.late", lang, due=ctx.services.fmt(ticket.due_at))
    if not resolved.on_behalf:
        asked = t("tk.resolved.asked_requester", lang)
    elif resolved.raters:
        asked = t("tk.resolved.asked_client", lang, names=t("tk.list_separator", lang).join(resolved.raters))
    else:
        asked = t("tk.resolved.asked_nobody", lang)
    await reply(ctx, person, "tk.resolved", id=ticket.id, timing=timing, asked=asked)


@command("reopen")
async def reopen_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Reopens a resolved ticket with the reason: /reopen N why."""
    ticket_id, reason = _split(msg, "tk.usage.reopen")
    if not reason:
        raise BadInput("tk.usage.reopen")
    ticket = await svc.reopen(ctx.services, person, ticket_id, reason)
    await reply(ctx, person, "tk.reopened", id=ticket.id,
                status=t(f"tk.status.{ticket.status}", person.language))


_RATING_WORDS = {"满意": "satisfied", "satisfied": "satisfied", "基本满意": "basically", "basically": "basically",
                 "不满意": "unsatisfied", "unsatisfied": "unsatisfied"}


@command("rate")
async def rate_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Rates a resolved ticket (the requester, or the client side on their behalf): /rate N 满意."""
    ticket_id, word = _split(msg, "tk.usage.rate")
    rating = _RATING_WORDS.get(word.split()[0].lower() if word else "")
    if rating is None:
        raise BadInput("tk.usage.rate")
    result = await svc.rate(ctx.services, person, ticket_id, rating)
    label = t(svc.RATINGS[result.ticket.rating], person.language) if result.ticket.rating else ""
    await reply(ctx, person, "tk.rated" if result.changed else "tk.rated.already", id=ticket_id, rating=label)


@command("comment")
async def comment_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Adds a comment to a rating: /comment N text."""
    ticket_id, text = _split(msg, "tk.usage.comment")
    if not text:
        raise BadInput("tk.usage.comment")
    await svc.comment(ctx.services, person, ticket_id, text)
    await reply(ctx, person, "tk.commented", id=ticket_id)


def _replies_to_a_rating_prompt(msg: Inbound) -> bool:
    """A reply to the bot's rating prompt (⭐ … #N …)."""
    quoted = msg.quoted
    return bool(quoted is not None and quoted.from_bot and quoted.text.startswith("⭐")
                and re.search(r"#(\d+)", quoted.text))


async def comment_by_reply(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """A reply to the rating prompt becomes the comment of that ticket."""
    match = re.search(r"#(\d+)", msg.quoted.text if msg.quoted is not None else "")
    assert match is not None
    ticket_id = int(match.group(1))
    await svc.comment(ctx.services, person, ticket_id, msg.text)
    await reply(ctx, person, "tk.commented", id=ticket_id)


@command("province", ENGINEERS)
async def province_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records the province platform's ticket number: /province N number."""
    ticket_id, number = _split(msg, "tk.usage.province")
    ticket = await svc.set_province(ctx.services, person, ticket_id, number)
    await reply(ctx, person, "tk.province.set", id=ticket.id, number=ticket.province_no)


@command("estimate", ENGINEERS)
async def estimate_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records a custom development's estimate in person-days: /estimate N days."""
    ticket_id, text = _split(msg, "tk.usage.estimate")
    days = svc.parse_person_days(text)
    result = await svc.estimate(ctx.services, person, ticket_id, days)
    limit = ctx.services.settings.tickets.custom_dev_limit_person_days
    lang = person.language
    if not result.outside:
        await reply(ctx, person, "tk.estimate.set", id=ticket_id, days=f"{days.normalize():f}", limit=limit)
        return
    told = t("tk.estimate.told", lang, id=ticket_id, names=t("tk.list_separator", lang).join(result.asked)) \
        if result.asked else t("tk.estimate.told_nobody", lang, id=ticket_id)
    await reply(ctx, person, "tk.estimate.outside", id=ticket_id, days=f"{days.normalize():f}", limit=limit,
                told=told)


@command("ruling", [Role.SUPERVISOR, Role.CONTACT], client_side=True)
async def ruling_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records the supervising engineer's ruling on a custom development: /ruling N in|out note.

    Reserved to the client side: a vendor-side contact is refused by the guard (and the service).
    """
    ticket_id, rest = _split(msg, "tk.usage.ruling")
    parts = rest.split(maxsplit=1)
    if not parts:
        raise BadInput("tk.usage.ruling")
    ticket = await svc.rule(ctx.services, person, ticket_id, parts[0], parts[1] if len(parts) > 1 else "")
    await reply(ctx, person, "tk.ruling.set", id=ticket.id,
                verdict=t(f"tk.ruling.{ticket.ruling}", person.language))


def _checklist_view(ticket: Ticket, confirmed: set[str], lang: str) -> tuple[str, list[list[tuple[str, str]]]]:
    lines = "\n".join(t("tk.checklist.line", lang, mark="☑" if item in confirmed else "☐", label=t(label, lang))
                      for item, label in svc.CHECKLIST_ITEMS.items())
    missing = [item for item in svc.CHECKLIST_ITEMS if item not in confirmed]
    footer = t("tk.checklist.pending" if missing else "tk.checklist.complete", lang, id=ticket.id)
    buttons = [[(t("tk.btn.check", lang, label=t(svc.CHECKLIST_ITEMS[item], lang)),
                 encode("tk", "chk", ticket.id, item))] for item in missing]
    return t("tk.checklist.show", lang, id=ticket.id, lines=lines, footer=footer), buttons


@command("checklist", ENGINEERS)
async def checklist_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Shows or confirms the bulk-processing checklist: /checklist N [备份|测试|验证|恢复]."""
    ticket_id, item = _split(msg, "tk.usage.checklist")
    if item:
        ticket, confirmed = await svc.confirm_checklist(ctx.services, person, ticket_id, item)
    else:
        ticket, confirmed = await svc.checklist_state(ctx.services, ticket_id)
    await reply_text(ctx, *_checklist_view(ticket, confirmed, person.language))


# --- listing ----------------------------------------------------------------------------------------------------

@command("tickets")
async def tickets_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists tickets: open (default), mine, overdue, or raised in a period."""
    services = ctx.services
    found = await svc.list_tickets(services, person, message_args(msg))
    people = await svc.roster(services)
    lang = person.language
    now = services.now()
    lines = [t("tk.list.line", lang, **{**svc.summary_params(services, ticket, people),
                                        "text": shorten(ticket.text, LIST_TEXT)},
               late=t("tk.list.late", lang) if ticket.is_overdue(now) else
               t("tk.list.waiting", lang) if ticket.is_open and ticket.is_waiting else "")
             for ticket in found.tickets]
    await reply(ctx, person, f"tk.list.{found.selector}", count=len(found.tickets),
                lines="\n".join(lines) or t("tk.list.none", lang),
                start=found.start.isoformat() if found.start else "", end=found.end.isoformat() if found.end else "")


# --- FAQ ---------------------------------------------------------------------------------------------------------

def _faq_lines(entries: list[Any], lang: str) -> str:
    return "\n".join(t("faq.line", lang, number=e.id, question=e.question, answer=e.answer) for e in entries)


@command("faq")
async def faq_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """The FAQ: /faq lists, /faq words searches, /faq add N adds a resolved ticket."""
    services = ctx.services
    args = message_args(msg)
    parts = args.split(maxsplit=1)
    if parts and parts[0].lower() in ("add", "添加", "收录"):
        ticket_id = svc.parse_ticket_id(parts[1] if len(parts) > 1 else "", "faq.usage_add")
        entry = await svc.add_faq(services, person, ticket_id)
        await reply(ctx, person, "faq.added", id=ticket_id, number=entry.id, question=entry.question)
        return
    if not args:
        entries = await svc.list_faq(services)
        if not entries:
            await reply(ctx, person, "faq.empty")
            return
        await reply(ctx, person, "faq.list", count=len(entries), lines=_faq_lines(entries, person.language))
        return
    found = await svc.search_faq(services, args)
    if not found:
        await reply(ctx, person, "faq.search_none", words=args)
        return
    await reply(ctx, person, "faq.search", words=args, count=len(found), lines=_faq_lines(found, person.language))


# A reply to the rating prompt is a comment on that ticket.
TEXT_ROUTES = (TextRoute("tk.comment_reply", _replies_to_a_rating_prompt,
                         guard(ANYONE, "tk.comment_reply", comment_by_reply)),)
