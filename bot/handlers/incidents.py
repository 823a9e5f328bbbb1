"""Security incidents in chat: /incident to report (the client is alerted at once) and to complete the
report section by section, replies to the bot's questions, and /incidents to list them."""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot.catalog import t
from bot.handlers.common import ANYONE, BotContext, command, guard, message_args, reply
from bot.services import incidents
from bot.services.container import Services
from bot.services.domain.duties import Incident, missing, next_question
from bot.services.domain.people import Person, Role
from bot.textfit import shorten

PROJECT = [Role.ENGINEER, Role.LEAD, Role.SUPERVISOR, Role.CONTACT, Role.ADMIN]
_TAG = re.compile(incidents.TAG_PATTERN)


async def _ask_next(update: Update, person: Person, incident: Incident) -> None:
    """Ask for the next missing section, or say the report is complete."""
    if incident.status == "closed":
        await reply(update, person, "incident.report_complete", id=incident.id)
        return
    section = next_question(incident)
    if section is None:
        await reply(update, person, "incident.waiting_approval", id=incident.id)
        return
    await reply(update, person, f"incident.ask.{section}", id=incident.id, tag=incidents.tag(incident.id, section))


def _status_text(incident: Incident, lang: str) -> str:
    if incident.status == "closed":
        return t("incident.status.closed", lang)
    gaps = [t(f"incident.section.{s}", lang) for s in missing(incident)]
    return t("incident.status.open", lang, missing=t("role.separator", lang).join(gaps))


@command("incident", ANYONE)
async def incident(update: Update, context: BotContext, person: Person) -> None:
    """Reports a security incident (alerts the client at once) or adds a section: /incident N 原因 …"""
    services: Services = context.services
    text = message_args(update)
    if not text:
        await reply(update, person, "incident.usage")
        return
    asked = await incidents.read_command(services, text)
    if asked.action == "show" and asked.incident_id is not None:
        await _show(update, person, await incidents.get(services, asked.incident_id))
        return
    if asked.action == "section_usage":
        await reply(update, person, "incident.section_usage", id=asked.incident_id)
        return
    if asked.action == "fill" and asked.incident_id is not None and asked.section is not None:
        updated = await incidents.fill_section(services, person, asked.incident_id, asked.section, asked.text)
        await reply(update, person, "incident.section_saved", id=asked.incident_id,
                    section=t(f"incident.section.{asked.section}", person.language))
        await _ask_next(update, person, updated)
        return
    reported, alerted = await incidents.report(services, person, text)
    await reply(update, person, "incident.reported", id=reported.id, alerted=alerted)
    await _ask_next(update, person, reported)


async def _show(update: Update, person: Person, found: Incident) -> None:
    lang = person.language
    sections = "\n".join(t("incident.detail_line", lang, section=t(f"incident.section.{s}", lang),
                           text=found.sections[s] or "—") for s in found.sections)
    approval = t(f"incident.approval.{found.approval}", lang)
    await reply(update, person, "incident.detail", id=found.id, summary=found.summary, sections=sections,
                approval=approval, status=_status_text(found, lang))


@command("incidents", PROJECT)
async def incidents_list(update: Update, context: BotContext, person: Person) -> None:
    """Lists security incidents with their status (newest last)."""
    services: Services = context.services
    views = await incidents.list_incidents(services)
    lang = person.language
    lines = [t("incident.line", lang, id=v.incident.id, at=services.fmt(v.incident.created_at), reporter=v.reporter,
               summary=shorten(v.incident.summary, 60), status=_status_text(v.incident, lang)) for v in views]
    await reply(update, person, "incident.list", incidents="\n".join(lines) or t("common.none", lang))


async def _answer(update: Update, context: BotContext, person: Person) -> None:
    """A reply to one of the bot's incident questions fills that section."""
    message: Message = update.effective_message  # type: ignore[assignment]
    question = _question_in(message.reply_to_message.text or "")  # type: ignore[union-attr]
    assert question is not None  # the filter guarantees it
    incident_id, section = question
    updated = await incidents.fill_section(context.services, person, incident_id, section, message.text or "")
    await reply(update, person, "incident.section_saved", id=incident_id,
                section=t(f"incident.section.{section}", person.language))
    await _ask_next(update, person, updated)


class _ReplyToIncidentQuestion(filters.MessageFilter):
    """Text replying to a bot message that carries an incident question tag (#INC3-cause)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.is_bot and replied.text
                    and _question_in(replied.text))


def _question_in(text: str) -> tuple[int, str] | None:
    """The incident and section a bot question asks for, from the command it names (/incident 3 原因 …)."""
    for match in _TAG.finditer(text):
        section = incidents.section_of(match.group(2))
        if section is not None:
            return int(match.group(1)), section
    return None


_guarded_answer = guard(ANYONE, "incident.reply", _answer)


async def _answer_and_stop(update: Update, context: BotContext) -> None:
    await _guarded_answer(update, context)
    raise ApplicationHandlerStop  # handled: the fallbacks must not also answer


def register(app: Application) -> None:
    """Replies to incident questions, in group -1 so no other feature's reply handler takes them first."""
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED
                                   & _ReplyToIncidentQuestion(), _answer_and_stop),
                    group=-1)
