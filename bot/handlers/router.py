"""One update in, whatever the platform: skip a redelivery, dispatch to the feature that takes it, survive faults.

The path of an update: the transport adapter turns it into an `Inbound` (with when it was received) and calls
`Router.handle`. Here:
1. a redelivered update (same id and content, already processed) is answered "already handled" and dropped;
2. the update is put in `storage.uow.current_update`: its handler's first commit claims it as processed in the same
   transaction as its changes, so a redelivery can never apply them twice (`UpdateAlreadyProcessed` when a
   concurrent copy won);
   (In a deployment of several contracts the update first goes to its contract: bot/services/contracts.py.)
3. dispatch: an edited command gets "edits are not applied"; a button goes to its feature, a command to its
   handler (or the unknown-command hint), a location to the location handler, a text to the first text route that
   takes it (or the not-understood hint);
4. faults: a transient storage error (locked, busy) leaves the update unconfirmed (`Outcome.RETRY`, the sender is
   asked to wait once); a reply that could not be delivered goes to the outbox; anything else gets "may not have
   been saved" only when nothing was committed, and the admins are told;
5. read-only updates are recorded as processed after they ran.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from enum import Enum

from bot.catalog import LANGUAGES, t
from bot.handlers.common import Declared, Guarded, HandlerContext, edited_command, language_of
from bot.services import access, contracts, health
from bot.services.callback_data import VERSION
from bot.services.domain.people import Role
from bot.transports.base import ButtonRows, Inbound, InboundKind, ReplyNotDelivered, Responder
from storage.db import DatabaseUnwritable, is_transient, is_unwritable
from storage.timecodec import to_db
from storage.uow import UpdateAlreadyProcessed, UpdateMarker, current_update

log = logging.getLogger(__name__)


class Outcome(Enum):
    DONE = "done"  # handled (or refused, or failed for good): confirm it to the platform
    RETRY = "retry"  # not handled because storage was busy: leave it unconfirmed so it comes again


def update_key(msg: Inbound) -> int:
    """The processed-updates key of an update: Telegram's numeric id, or a stable 63-bit digest of another
    platform's id (DingTalk message ids are text)."""
    try:
        return int(msg.update_id)
    except ValueError:
        return int(health.fingerprint({"platform": msg.platform, "id": msg.update_id})[:15], 16)


def fingerprint(msg: Inbound) -> str:
    """What tells a redelivery (identical) from a reused id: who, where, which message, when, what."""
    return health.fingerprint({
        "platform": msg.platform, "user": msg.sender.external_id, "chat": msg.chat_id, "message": msg.message_id,
        "date": msg.sent_at.timestamp() if msg.sent_at else None, "text": msg.text or None,
        "location": list(msg.location) if msg.location else None,
        "query": [msg.extras.get("query_id"), msg.button_data] if msg.button_data is not None else None,
        **({"files": [a.platform_file_id for a in msg.attachments]} if msg.attachments else {})})


class Router:
    """Dispatches `Inbound`s to the declared handlers; holds which updates must be retried and who was told to
    wait (in memory, per process)."""

    def __init__(self, declared: Declared, *, unknown_command: Guarded, not_understood: Guarded) -> None:
        self.declared = declared
        self.unknown_command = unknown_command
        self.not_understood = not_understood
        self._told_to_wait: set[int] = set()
        self.queue_reply: Callable[[HandlerContext, ReplyNotDelivered], Awaitable[None]] = _queue_reply

    async def handle(self, msg: Inbound, ctx: HandlerContext) -> Outcome:
        if ctx.deployment is not None and ctx.deployment.several:  # issue 18: the update's own contract
            pressed = msg.message_id if msg.kind is InboundKind.BUTTON and msg.platform == "telegram" else None
            try:
                found = await contracts.route(ctx.deployment, msg.sender, msg.chat_key, msg.private,
                                              pressed=int(pressed) if pressed and pressed.isdigit() else None)
            except Exception as exc:  # the look-up could not read the database
                if is_transient(exc) and not is_unwritable(exc):
                    log.warning("update %s: its contract could not be looked up (%s): left unconfirmed",
                                msg.update_id, exc)
                    return Outcome.RETRY
                raise
            responder = ctx.responder
            if found.named:  # someone on several contracts: each reply names the contract it went to
                lang = ctx.sender_language
                titles = tuple(each.settings.contract.title for each in ctx.deployment.all())
                responder = HeadedResponder(responder, t("contract.heading", lang,
                                                         title=found.services.settings.contract.title),
                                            contract_headings(titles))
            ctx = dataclasses.replace(ctx, services=found.services, responder=responder)
        key = update_key(msg)
        digest = fingerprint(msg)
        services = ctx.services
        if await health.already_processed(services, key, digest):
            log.info("update %s was handled before: skipped", msg.update_id)
            await say_already_handled(msg, ctx)
            return Outcome.DONE
        marker = UpdateMarker(key, digest, to_db(services.now()))
        token = current_update.set(marker)
        try:
            await self.dispatch(msg, ctx)
        except UpdateAlreadyProcessed:
            current_update.reset(token)
            log.info("update %s: another copy was applied first; this one was rolled back", msg.update_id)
            await say_already_handled(msg, ctx)
            return Outcome.DONE
        except Exception as exc:  # every fault gets its policy; nothing escapes to the platform
            current_update.reset(token)
            if is_transient(exc) and not is_unwritable(exc):
                log.warning("update %s not handled, storage busy (%s): left unconfirmed to be retried",
                            msg.update_id, exc)
                if key not in self._told_to_wait:
                    self._told_to_wait.add(key)
                    await _ask_to_wait(msg, ctx)
                return Outcome.RETRY
            await self._on_error(msg, ctx, exc, saved=marker.marked)
        else:
            current_update.reset(token)
        self._told_to_wait.discard(key)
        if not marker.marked:  # read-only updates (nothing committed) are remembered now
            try:
                await health.mark_processed(services, key, digest)
            except DatabaseUnwritable as exc:  # the user had their answer; a redelivery is answered again
                log.warning("update %s not recorded as processed: %s", msg.update_id, exc)
        return Outcome.DONE

    async def dispatch(self, msg: Inbound, ctx: HandlerContext) -> None:
        if msg.edited:
            if msg.kind is InboundKind.COMMAND:
                await edited_command(msg, ctx)
            return  # an edited text or location is never applied again
        if msg.attachments:  # a photo or file (a command caption names its record): the routes that take files
            for route in self.declared.text_routes:
                if route.matches(msg):
                    await route.callback(msg, ctx)
                    return
        if msg.kind is InboundKind.BUTTON:
            handler = self.declared.buttons.get(_feature_of(msg.button_data))
            if handler is not None:
                await handler.callback(msg, ctx)
            else:
                await ctx.responder.answer_button(t("button.refused", language_of(msg, None)), alert=True)
        elif msg.kind is InboundKind.COMMAND:
            spec = self.declared.commands.get(msg.command or "")
            await (spec.callback if spec is not None else self.unknown_command)(msg, ctx)
        elif msg.kind is InboundKind.LOCATION:
            if self.declared.location is not None:
                await self.declared.location(msg, ctx)
        elif msg.kind is InboundKind.TEXT:
            for route in self.declared.text_routes:
                if route.matches(msg):
                    await route.callback(msg, ctx)
                    return
            await self.not_understood(msg, ctx)

    async def _on_error(self, msg: Inbound, ctx: HandlerContext, error: Exception, *, saved: bool) -> None:
        """Tell the user what happened to their action; tell the admins. "May not have been saved" only when
        nothing of this update was committed; an undeliverable reply goes out through the outbox instead."""
        if isinstance(error, ReplyNotDelivered):
            await self.queue_reply(ctx, error)
            return
        log.error("error while handling update %s", msg.update_id, exc_info=error)
        services = ctx.services
        person = None
        with contextlib.suppress(Exception):
            person = await access.identify_sender(services, msg.sender)
        lang = language_of(msg, person)
        unwritable = is_unwritable(error)
        key = "error.internal_after_save" if saved else "error.db_unwritable" if unwritable else "error.internal"
        try:
            if msg.button_data is not None:
                await ctx.responder.answer_button(t(key, lang), alert=True)
            else:
                await ctx.responder.reply(t(key, lang))
        except Exception:
            log.exception("could not tell the user about the error")
        if unwritable:
            return  # the delivery worker tells the admins, once
        try:
            async with services.db.uow() as uow:
                await services.notifier.to_roles(uow, [Role.ADMIN], "error.admin_alert", kind="error.alert",
                                                 error=f"{type(error).__name__}: {error}"[:300],
                                                 update_id=msg.update_id)
                await uow.commit()
        except Exception:
            log.exception("could not queue the error alert for the admins")


@functools.lru_cache(maxsize=4)
def contract_headings(titles: tuple[str, ...]) -> frozenset[str]:
    """Every contract's heading line in every language (made once per deployment, not once per update)."""
    return frozenset(t("contract.heading", lang, title=title) for title in titles for lang in LANGUAGES)


class HeadedResponder:
    """A responder whose replies start with a heading line (the contract's name, issue 18)."""

    def __init__(self, inner: Responder, heading: str, headings: frozenset[str]) -> None:
        self.inner = inner
        self.heading = heading
        self.headings = headings  # every contract's heading: a reply that starts with one names its contract

    async def reply(self, text: str, buttons: ButtonRows | None = None) -> str | None:
        if text.split("\n", 1)[0] not in self.headings:  # not already named (/score, a /project switch)
            text = f"{self.heading}\n{text}"
        return await self.inner.reply(text, buttons)

    async def answer_button(self, text: str | None = None, *, alert: bool = False) -> None:
        await self.inner.answer_button(text, alert=alert)

    async def edit_button_message(self, text: str | None, buttons: ButtonRows | None = None) -> bool:
        return await self.inner.edit_button_message(text, buttons)

    async def react(self, emoji: str) -> bool:
        return await self.inner.react(emoji)

    async def edit_message(self, message_id: str, text: str) -> bool:
        return await self.inner.edit_message(message_id, text)


def _feature_of(data: str | None) -> str:
    parts = (data or "").split(":")
    return parts[1] if len(parts) >= 3 and parts[0] == VERSION else ""


async def say_already_handled(msg: Inbound, ctx: HandlerContext) -> None:
    """The second delivery gets a sensible answer: it was handled once and nothing was recorded twice.

    In groups only commands are answered (plain chatter never was)."""
    person = await access.identify_sender(ctx.services, msg.sender)
    if person is None:
        return
    if msg.button_data is not None:
        await ctx.responder.answer_button(t("rel.already_handled_button", person.language))
        return
    if not msg.private and msg.kind is not InboundKind.COMMAND:
        return
    text = msg.text
    excerpt = text if len(text) <= 30 else text[:29] + "…"
    await ctx.responder.reply(t("rel.already_handled", person.language, text=excerpt or "📍"))


async def _ask_to_wait(msg: Inbound, ctx: HandlerContext) -> None:
    """"Please wait" in the sender's language (reading works while another process holds the write lock)."""
    lang = language_of(msg, None)
    # The connection may be queued behind other work waiting for the same lock: don't keep the answer waiting.
    with contextlib.suppress(Exception):
        person = await asyncio.wait_for(access.identify_sender(ctx.services, msg.sender), timeout=0.5)
        lang = language_of(msg, person)
    text = msg.text if len(msg.text) <= 30 else msg.text[:29] + "…"
    try:
        if msg.button_data is not None:
            await ctx.responder.answer_button(t("intake.storage_busy", lang, text="🔘"), alert=True)
        else:
            await ctx.responder.reply(t("intake.storage_busy", lang, text=text))
    except Exception:
        log.exception("could not ask the user to wait")


async def _queue_reply(ctx: HandlerContext, undelivered: ReplyNotDelivered) -> None:
    """The outbox retries a reply that failed its quick retries until the platform says ok."""
    services = ctx.services
    try:
        async with services.db.uow() as uow:
            await uow.outbox.add(chat_id=undelivered.chat_key, text=undelivered.text, kind="reply.retry",
                                 now=services.now(), buttons=undelivered.buttons or None,
                                 platform=undelivered.platform)
            uow.on_commit(services.notifier.wake)
            await uow.commit()
    except Exception:
        log.exception("could not queue an undelivered reply to %s", undelivered.chat_key)
