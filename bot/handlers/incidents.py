"""Security incidents in chat: /incident to report (the client is alerted at once) and to complete the
report section by section, replies to the bot's questions, and /incidents to list them."""

from __future__ import annotations

import re

from bot.catalog import t
from bot.handlers.common import ANYONE, HandlerContext, TextRoute, command, guard, message_args, reply
from bot.services import incidents
from bot.services.container import Services
from bot.services.domain.duties import Incident, missing, next_question
from bot.services.domain.people import Person, Role
from bot.textfit import shorten
from bot.transports.base import Inbound

PROJECT = [Role.ENGINEER, Role.LEAD, Role.SUPERVISOR, Role.CONTACT, Role.ADMIN]
_TAG = re.compile(incidents.TAG_PATTERN)


async def _ask_next(ctx: HandlerContext, person: Person, incident: Incident) -> None:
    """Ask for the next missing section, or say the report is complete."""
    if incident.status == "closed":
        await reply(ctx, person, "incident.report_complete", id=incident.id)
        return
    section = next_question(incident)
    if section is None:
        await reply(ctx, person, "incident.waiting_approval", id=incident.id)
        return
    await reply(ctx, person, f"incident.ask.{section}", id=incident.id, tag=incidents.tag(incident.id, section))


def _status_text(incident: Incident, lang: str) -> str:
    if incident.status == "closed":
        return t("incident.status.closed", lang)
    gaps = [t(f"incident.section.{s}", lang) for s in missing(incident)]
    return t("incident.status.open", lang, missing=t("role.separator", lang).join(gaps))


@command("incident", ANYONE)
async def incident(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Reports a security incident (alerts the client at once) or adds a section: /incident N 原因 …"""
    services: Services = ctx.services
    text = message_args(msg)
    if not text:
        await reply(ctx, person, "incident.usage")
        return
    asked = await incidents.read_command(services, text)
    if asked.action == "show" and asked.incident_id is not None:
        await _show(ctx, person, await incidents.get(services, asked.incident_id))
        return
    if asked.action == "section_usage":
        await reply(ctx, person, "incident.section_usage", id=asked.incident_id)
        return
    if asked.action == "fill" and asked.incident_id is not None and asked.section is not None:
        updated = await incidents.fill_section(services, person, asked.incident_id, asked.section, asked.text)
        await reply(ctx, person, "incident.section_saved", id=asked.incident_id,
                    section=t(f"incident.section.{asked.section}", person.language))
        await _ask_next(ctx, person, updated)
        return
    reported, alerted = await incidents.report(services, person, text)
    await reply(ctx, person, "incident.reported", id=reported.id, alerted=alerted)
    await _ask_next(ctx, person, reported)


async def _show(ctx: HandlerContext, person: Person, found: Incident) -> None:
    lang = person.language
    sections = "\n".join(t("incident.detail_line", lang, section=t(f"incident.section.{s}", lang),
                           text=found.sections[s] or "—") for s in found.sections)
    approval = t(f"incident.approval.{found.approval}", lang)
    await reply(ctx, person, "incident.detail", id=found.id, summary=found.summary, sections=sections,
                approval=approval, status=_status_text(found, lang))


@command("incidents", PROJECT)
async def incidents_list(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists security incidents with their status (newest last)."""
    services: Services = ctx.services
    views = await incidents.list_incidents(services)
    lang = person.language
    lines = [t("incident.line", lang, id=v.incident.id, at=services.fmt(v.incident.created_at), reporter=v.reporter,
               summary=shorten(v.incident.summary, 60), status=_status_text(v.incident, lang)) for v in views]
    await reply(ctx, person, "incident.list", incidents="\n".join(lines) or t("common.none", lang))


async def _answer(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """A reply to one of the bot's incident questions fills that section."""
    question = _question_in(msg.quoted.text) if msg.quoted is not None else None
    assert question is not None  # the route's test guarantees it
    incident_id, section = question
    updated = await incidents.fill_section(ctx.services, person, incident_id, section, msg.text)
    await reply(ctx, person, "incident.section_saved", id=incident_id,
                section=t(f"incident.section.{section}", person.language))
    await _ask_next(ctx, person, updated)


def _replies_to_a_question(msg: Inbound) -> bool:
    """Text replying to a bot message that carries an incident question (it names /incident N <section>)."""
    return msg.quoted is not None and msg.quoted.from_bot and _question_in(msg.quoted.text) is not None


def _question_in(text: str) -> tuple[int, str] | None:
    """The incident and section a bot question asks for, from the command it names (/incident 3 原因 …)."""
    for match in _TAG.finditer(text):
        section = incidents.section_of(match.group(2))
        if section is not None:
            return int(match.group(1)), section
    return None


# Answers to the bot's incident questions, before any other text route.
TEXT_ROUTES = (TextRoute("incident.reply", _replies_to_a_question, guard(ANYONE, "incident.reply", _answer)),)
