"""What every handler shares: the typed context, the role guard, replies rendered from the catalog.

A feature declares a command with `@command("name", roles)`; the guard identifies the caller, refuses
unknown users and wrong roles before any service runs, and turns a `DomainError` into its message.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, CallbackContext, CallbackQueryHandler, ExtBot

from bot.catalog import normalise_language, t
from bot.services import access
from bot.services.callback_data import CallbackData, decode, pattern
from bot.services.container import Services
from bot.services.errors import DomainError
from bot.services.notify import ButtonSpec
from bot.services.people import Person, Role

log = logging.getLogger(__name__)

ANYONE: frozenset[Role] = frozenset()  # any roster member
ENGINEERS = frozenset({Role.ENGINEER, Role.LEAD})


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The context handlers receive: `context.services` instead of dictionary look-ups."""

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]


CommandFn = Callable[[Update, BotContext, Person], Awaitable[None]]
ButtonFn = Callable[[Update, BotContext, Person, CallbackData], Awaitable[str | None]]


@dataclass(frozen=True)
class CommandSpec:
    """A command, the roles allowed to call it (empty: anyone on the roster), and its guarded callback."""

    name: str
    roles: frozenset[Role]
    callback: Callable[[Update, BotContext], Awaitable[None]]
    menu: bool = True

    def allowed(self, person: Person) -> bool:
        return not self.roles or bool(person.roles & self.roles)


COMMANDS: dict[str, CommandSpec] = {}
BUTTONS: dict[str, tuple[frozenset[Role], Callable[[Update, BotContext], Awaitable[None]]]] = {}


def keyboard(rows: Sequence[Sequence[tuple[str, str]]] | None) -> InlineKeyboardMarkup | None:
    """Rendered (label, callback data) rows as Telegram's inline keyboard."""
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                 for row in rows])


def render_buttons(rows: Sequence[Sequence[ButtonSpec]] | None, lang: str) -> list[list[tuple[str, str]]]:
    return [[(t(label, lang), data) for label, data in row] for row in rows or []]


async def reply(update: Update, person: Person | None, key: str, *,
                buttons: Sequence[Sequence[ButtonSpec]] | None = None, **params: Any) -> Message | None:
    """Answer the user's message with the catalog text `key` in their language."""
    lang = person.language if person else _telegram_language(update)
    return await reply_text(update, t(key, lang, **params), render_buttons(buttons, lang))


REPLY_ATTEMPTS = 3
REPLY_BACKOFF = 0.5  # seconds before the second attempt, doubled each time
MAX_REPLY_WAIT = 5.0


class ReplyNotDelivered(Exception):
    """A direct reply still failed after its quick retries; the error handler hands it to the outbox, which
    keeps trying until Telegram says ok (the reply is never dropped, and never called "not saved")."""

    def __init__(self, chat_id: int, text: str, buttons: Sequence[Sequence[tuple[str, str]]] | None,
                 cause: TelegramError) -> None:
        super().__init__(f"reply to {chat_id} not delivered: {type(cause).__name__}: {cause}")
        self.chat_id = chat_id
        self.text = text
        self.buttons = [list(row) for row in buttons or []]


async def reply_text(update: Update, text: str,
                     buttons: Sequence[Sequence[tuple[str, str]]] | None = None) -> Message | None:
    """Send the reply; a 5xx, a timeout, a refused connection or a 429 is retried a few times at once, then
    raised as `ReplyNotDelivered` for the outbox to finish (refusals such as Forbidden/BadRequest are final)."""
    message = update.effective_message
    if message is None:
        return None
    markup = keyboard(buttons)
    for attempt in range(REPLY_ATTEMPTS):
        try:
            return await message.reply_text(text, reply_markup=markup, do_quote=False)
        except (BadRequest, Forbidden, ChatMigrated):
            raise
        except RetryAfter as exc:
            error: TelegramError = exc
            value = getattr(exc, "_retry_after", None)
            wait = value.total_seconds() if isinstance(value, timedelta) else float(value or 1)
        except (TimedOut, NetworkError) as exc:  # may have arrived (timeout): twice beats never
            error = exc
            wait = REPLY_BACKOFF * 2 ** attempt
        log.warning("reply to %s failed (%s); attempt %d of %d", message.chat_id, error, attempt + 1,
                    REPLY_ATTEMPTS)
        if attempt + 1 < REPLY_ATTEMPTS:
            await asyncio.sleep(min(wait, MAX_REPLY_WAIT))
    raise ReplyNotDelivered(message.chat_id, text, buttons, error)


def _telegram_language(update: Update) -> str:
    user = update.effective_user
    return normalise_language(user.language_code if user else None)


async def _identify(update: Update, context: BotContext, attempted: str) -> Person | None:
    """The caller if on the roster; otherwise refuse politely, audit, and return None."""
    user = update.effective_user
    if user is None:
        return None
    person = await access.identify(context.services, user.id)
    if person is None:
        await access.record_refusal(context.services, telegram_id=user.id, username=user.username,
                                    attempted=attempted)
        if update.callback_query:
            await update.callback_query.answer(t("access.unknown_user", _telegram_language(update)),
                                               show_alert=True)
        else:
            await reply(update, None, "access.unknown_user")
    return person


def guard(roles: Iterable[Role], label: str, fn: CommandFn) -> Callable[[Update, BotContext], Awaitable[None]]:
    """Wrap a handler: identify, check the role, run, map domain errors to their message."""
    allowed = frozenset(roles)

    @functools.wraps(fn)
    async def guarded(update: Update, context: BotContext) -> None:
        person = await _identify(update, context, label)
        if person is None:
            return
        if allowed and not person.roles & allowed:
            await access.record_refusal(context.services, telegram_id=person.telegram_id, username=None,
                                        attempted=label, person=person)
            await reply(update, person, "access.denied", command=label.lstrip("/"))
            return
        try:
            await fn(update, context, person)
        except DomainError as exc:
            await reply(update, person, exc.key, **exc.params)

    return guarded


def command(name: str, roles: Iterable[Role] = ANYONE, *, menu: bool = True) -> Callable[[CommandFn], CommandFn]:
    """Declare a command: registered with the application by bot/app.py, listed in /help for its roles."""

    def decorate(fn: CommandFn) -> CommandFn:
        if name in COMMANDS:
            raise RuntimeError(f"command /{name} declared twice")
        COMMANDS[name] = CommandSpec(name, frozenset(roles), guard(roles, f"/{name}", fn), menu)
        return fn

    return decorate


def button(feature: str, roles: Iterable[Role] = ANYONE) -> Callable[[ButtonFn], ButtonFn]:
    """Declare the handler of one feature's inline buttons (`v1:<feature>:...`).

    The handler returns an optional short toast; the query is always answered, and a refused press
    gets an alert.
    """
    allowed = frozenset(roles)

    def decorate(fn: ButtonFn) -> ButtonFn:
        if feature in BUTTONS:
            raise RuntimeError(f"buttons of {feature!r} declared twice")

        async def guarded(update: Update, context: BotContext) -> None:
            query: CallbackQuery = update.callback_query  # type: ignore[assignment]
            person = await _identify(update, context, f"button:{query.data}")
            if person is None:
                return
            data = decode(query.data)
            if data is None:
                await query.answer(t("button.refused", person.language), show_alert=True)
                return
            if allowed and not person.roles & allowed:
                await access.record_refusal(context.services, telegram_id=person.telegram_id, username=None,
                                            attempted=f"button:{query.data}", person=person)
                await query.answer(t("access.denied_button", person.language), show_alert=True)
                return
            try:
                toast = await fn(update, context, person, data)
            except DomainError as exc:
                await query.answer(t(exc.key, person.language, **exc.params)[:200], show_alert=True)
                return
            await query.answer(toast[:200] if toast else None)

        BUTTONS[feature] = (allowed, guarded)
        return fn

    return decorate


def register_declared(app: Application) -> None:
    """Add every declared command and button handler (called once by the composition root)."""
    from telegram.ext import CommandHandler

    for spec in COMMANDS.values():
        app.add_handler(CommandHandler(spec.name, spec.callback))
    for feature, (_, callback) in BUTTONS.items():
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern(feature)))


# The order people meet commands in /help and the menu: daily work first, contract paperwork last.
# A command not listed here still appears, after these.
MENU_ORDER = (
    "start", "help", "lang", "checkin", "checkout", "leave", "makeup", "attendance", "daily",
    "ticket", "tickets", "take", "resolve", "reopen", "rate", "comment", "province", "estimate", "ruling",
    "checklist", "faq", "urgent", "urgents", "ack", "arrived", "cancelurgent", "oncall", "dutyplan", "swap",
    "score", "deduct", "deductions", "payments", "paid", "report", "bindgroup", "staffchange", "replace",
    "compliance", "papers", "incident", "incidents", "drills", "drill", "audit", "health",
)


def commands_for(person: Person) -> list[CommandSpec]:
    """The commands a person may use, in MENU_ORDER."""
    allowed = [spec for spec in COMMANDS.values() if spec.menu and spec.allowed(person)]
    return sorted(allowed, key=lambda spec: MENU_ORDER.index(spec.name) if spec.name in MENU_ORDER
                  else len(MENU_ORDER))


def command_args(context: BotContext) -> str:
    """The text after the command, as one string (people type free text after commands)."""
    return " ".join(context.args or []).strip()


def message_args(update: Update) -> str:
    """Text after the command word, keeping the user's own spacing and line breaks."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""
