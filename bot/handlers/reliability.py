"""/health for admins, and the guard that keeps a redelivered update from being applied twice.

Where the "processed" marker is written (the choice, and why):
- group -1000 (`skip_redelivered`, before any feature's group): an update whose id *and* content were handled
  before is dropped (ApplicationHandlerStop), so no later group sees it again.
- while the handler runs, `storage.uow.current_update` holds the update: the handler's own commit writes the
  marker in the same transaction as its state change. A crash before that commit loses nothing (the update
  is not confirmed to Telegram either — the polling loop confirms only handled updates — so it comes again
  and is applied normally); a crash after it finds the marker and skips. The state change and the marker
  can never disagree, so a redelivered /urgent never raises a second request.
- group 1000 (`remember_processed`): read-only updates (no commit) are remembered after they ran, and the
  context variable is cleared. An update whose handler raised is remembered too: it is not retried for ever.
  A handler that commits twice is covered from its first commit on; features keep their transitions
  conditional anyway (bindgroup answers "already bound", a claim is an UPDATE … WHERE status = 'open').
The content fingerprint tells a true redelivery (identical) from a reused id (the console and tests number
updates from 1 on every run; Telegram picks a random id after a week without updates).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.catalog import t
from bot.handlers.common import BotContext, command, reply
from bot.services import access, health
from bot.services.domain.people import Person, Role
from storage.db import DatabaseUnwritable
from storage.timecodec import to_db
from storage.uow import UpdateMarker, current_update

log = logging.getLogger(__name__)

SKIP_GROUP = -1000  # before every feature's own early group (incident replies use -1)
REMEMBER_GROUP = 1000


def _digest(update: Update) -> str:
    """What tells a redelivery (identical) from a reused id: who, where, which message, when, what."""
    message = update.effective_message
    user = update.effective_user
    query = update.callback_query
    return health.fingerprint({
        "user": user.id if user else None, "chat": message.chat_id if message else None,
        "message": message.message_id if message else None,
        "date": message.date.timestamp() if message and message.date else None,
        "text": (message.text or message.caption) if message else None,
        "location": [message.location.latitude, message.location.longitude] if message and message.location
        else None,
        "query": [query.id, query.data] if query else None})


async def skip_redelivered(update: Update, context: BotContext) -> None:
    """Drop an update that was handled before (Telegram redelivers after a crash), and say so."""
    if "services" not in context.application.bot_data:
        return
    services = context.services
    digest = _digest(update)
    if await health.already_processed(services, update.update_id, digest):
        current_update.set(None)
        log.info("update %s was handled before: skipped", update.update_id)
        await say_already_handled(update, context)
        raise ApplicationHandlerStop
    current_update.set(UpdateMarker(update.update_id, digest, to_db(services.now())))


async def say_already_handled(update: Update, context: BotContext) -> None:
    """The second delivery gets a sensible answer: it was handled once and nothing was recorded twice.

    In groups only commands are answered (plain chatter never was)."""
    user = update.effective_user
    person = await access.identify(context.services, user.id) if user else None
    if person is None:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(t("rel.already_handled_button", person.language))
        return
    message = update.effective_message
    chat = update.effective_chat
    text = (message.text or "") if message else ""
    if message is None or (chat is not None and chat.type != ChatType.PRIVATE and not text.startswith("/")):
        return
    excerpt = text if len(text) <= 30 else text[:29] + "…"
    await reply(update, person, "rel.already_handled", text=excerpt or "📍")


async def remember_processed(update: Update, context: BotContext) -> None:
    """Runs after every other group: the update's handler has finished. Updates whose handler committed are
    recorded already; read-only ones are recorded here."""
    marker = current_update.get()
    current_update.set(None)
    if marker is not None and marker.update_id == update.update_id and marker.marked:
        return
    if "services" in context.application.bot_data:
        digest = marker.fingerprint if marker is not None and marker.update_id == update.update_id \
            else _digest(update)
        try:
            await health.mark_processed(context.services, update.update_id, digest)
        except DatabaseUnwritable as exc:  # the user had their answer; a redelivery is answered again
            log.warning("update %s not recorded as processed: %s", update.update_id, exc)


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, skip_redelivered), group=SKIP_GROUP)
    app.add_handler(TypeHandler(Update, remember_processed), group=REMEMBER_GROUP)


def _duration(lang: str, seconds: float) -> str:
    minutes = int(seconds // 60)
    return t("health.duration", lang, days=minutes // 1440, hours=minutes // 60 % 24, minutes=minutes % 60)


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"


@command("health", [Role.ADMIN])
async def health_command(update: Update, context: BotContext, person: Person) -> None:
    """Shows uptime, database, outbox backlog, the next timers and the HTTP health endpoint."""
    services = context.services
    scheduler = context.application.bot_data.get("scheduler")
    report = await health.health_report(services, getattr(scheduler, "next_runs", None), thorough=True)
    lang = person.language
    if report.ok:
        status = t("health.status.ok", lang)
    else:
        problems = t("role.separator", lang).join(t(f"health.problem.{p}", lang) for p in report.problems)
        status = t("health.status.trouble", lang, problems=problems)
    database = t("health.database.ok", lang) if report.database_ok \
        else t("health.database.bad", lang, detail=report.database_detail)
    counts = report.outbox.by_status
    outbox = t("health.outbox", lang, pending=counts.get("pending", 0), due=report.outbox.due_now,
               sent=counts.get("sent", 0), failed=counts.get("failed", 0))
    age = report.oldest_pending_age
    oldest = t("health.oldest.none", lang) if age is None \
        else t("health.oldest.some", lang, minutes=int(age.total_seconds() // 60))
    timers = "\n".join(t("health.timer_line", lang, name=name,
                         when=services.fmt(due) if due else t("health.timer_idle", lang))
                       for name, due in report.next_timers.items()) or t("health.no_timers", lang)
    server = context.application.bot_data.get("health_server")
    port = getattr(server, "port", None)
    http = t("health.http.on", lang, port=port) if port else t("health.http.off", lang)
    await reply(update, person, "health.report", status=status, uptime=_duration(lang, report.uptime.total_seconds()),
                started=services.fmt(report.started_at), database=database, size=_size(report.database_bytes),
                outbox=outbox, oldest=oldest, last_alive=services.fmt(report.last_alive), http=http, timers=timers)
