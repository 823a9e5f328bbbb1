"""What every handler shares: the typed context, the role guard, replies rendered from the catalog.

A feature declares a command with `@command("name", roles)`; the guard identifies the caller, refuses
unknown users and wrong roles before any service runs, and turns a `DomainError` into its message.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
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

from bot.catalog import CATALOG, normalise_language, t
from bot.services import access, action_time
from bot.services.callback_data import CallbackData, decode, pattern
from bot.services.container import Services
from bot.services.domain.people import Person, Role, is_client_side
from bot.services.errors import DomainError
from bot.services.notify import ButtonSpec

log = logging.getLogger(__name__)

ANYONE: frozenset[Role] = frozenset()  # any roster member
# Commands that raise work for the project: in a group, only in the bound project group (else: how to bind).
BOUND_GROUP_ONLY = frozenset({"/ticket", "/urgent"})
ENGINEERS = frozenset({Role.ENGINEER, Role.LEAD})


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """The context handlers receive: `context.services` instead of dictionary look-ups."""

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

    @property
    def commands(self) -> Mapping[str, CommandSpec]:
        """Every command of this application (set by the composition root)."""
        return self.application.bot_data["commands"]


CommandFn = Callable[[Update, BotContext, Person], Awaitable[None]]
ButtonFn = Callable[[Update, BotContext, Person, CallbackData], Awaitable[str | None]]


@dataclass(frozen=True)
class CommandSpec:
    """A command, the roles allowed to call it (empty: anyone on the roster), and its guarded callback."""

    name: str
    roles: frozenset[Role]
    callback: Callable[[Update, BotContext], Awaitable[None]]
    menu: bool = True
    client_side: bool = False  # reserved to 甲方 (the contract's client side): never the vendor side

    def allowed(self, person: Person) -> bool:
        return role_allowed(self.roles, person) and party_allowed(self.client_side, person)


def role_allowed(roles: frozenset[Role], person: Person) -> bool:
    return not roles or bool(person.roles & roles)


def party_allowed(client_side: bool, person: Person) -> bool:
    """Least privilege by party: an action the contract reserves to the client side (deductions, payments,
    rulings, approvals) is refused to everyone else, whatever their role (`is_client_side`)."""
    return not client_side or is_client_side(person)


# A button feature's actions reserved to the client side: all of them (True), some (their action codes), none.
ClientSideActions = bool | frozenset[str]


def _client_side_action(client_side: ClientSideActions, action: str) -> bool:
    return client_side is True or (isinstance(client_side, frozenset) and action in client_side)


@dataclass(frozen=True)
class ButtonHandlerSpec:
    """One feature's inline-button handler (`v1:<feature>:...`) and the roles allowed to press."""

    feature: str
    roles: frozenset[Role]
    callback: Callable[[Update, BotContext], Awaitable[None]]
    client_side: ClientSideActions = False  # which of its actions are reserved to the client side


@dataclass(frozen=True)
class Declared:
    """The commands and buttons declared by a list of handler modules (collected by the composition root)."""

    commands: dict[str, CommandSpec]
    buttons: dict[str, ButtonHandlerSpec]


def declared_in(modules: Iterable[ModuleType]) -> Declared:
    """Collect what `@command` and `@button` marked in these modules; a name declared twice is an error."""
    commands: dict[str, CommandSpec] = {}
    buttons: dict[str, ButtonHandlerSpec] = {}
    for module in modules:
        for value in vars(module).values():
            spec = getattr(value, "command_spec", None)
            if isinstance(spec, CommandSpec):
                if spec.name in commands and commands[spec.name] is not spec:
                    raise RuntimeError(f"command /{spec.name} declared twice")
                commands[spec.name] = spec
            handler = getattr(value, "button_spec", None)
            if isinstance(handler, ButtonHandlerSpec):
                if handler.feature in buttons and buttons[handler.feature] is not handler:
                    raise RuntimeError(f"buttons of {handler.feature!r} declared twice")
                buttons[handler.feature] = handler
    return Declared(commands, buttons)


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
        chat = update.effective_chat
        if update.callback_query:
            await update.callback_query.answer(t("access.unknown_user", _telegram_language(update)),
                                               show_alert=True)
        elif chat is not None and chat.type != ChatType.PRIVATE:
            await _refuse_stranger_in_group(update, context, user.id)
        else:
            await reply(update, None, "access.unknown_user")
    return person


def action_moment(update: Update, services: Services) -> datetime:
    """When the person acted: the message's send time (`date`; for an edited message still the first send, not
    the edit), judged against the time the update reached the bot; a button press carries no send time, so it
    counts at its receipt (recorded by the polling loop / webhook before handling; now when nobody did)."""
    received = action_time.received_at() or services.now()
    if update.callback_query is not None:
        return received
    message = update.message or update.edited_message or update.channel_post or update.edited_channel_post
    return action_time.judge(message.date if message is not None else None, received)


STRANGER_REFUSAL_EVERY = timedelta(hours=24)  # in a group, a stranger is told once a day, not at every message


async def _refuse_stranger_in_group(update: Update, context: BotContext, user_id: int) -> None:
    """Tell a stranger who writes in a group, privately where possible, and at most once a day (kept in
    memory: a restart may tell them once more). The group does not see a refusal at every message."""
    told: dict[int, datetime] = context.application.bot_data.setdefault("strangers_told", {})
    now = context.services.now()
    last = told.get(user_id)
    if last is not None and now - last < STRANGER_REFUSAL_EVERY:
        return
    told[user_id] = now
    text = t("access.unknown_user", _telegram_language(update))
    try:
        await context.bot.send_message(user_id, text)
    except TelegramError:  # they never opened a private chat with the bot: answer in the group, this once
        await reply_text(update, text)


async def _group_not_bound(update: Update, context: BotContext, label: str) -> bool:
    """True when `label` may only be used in the project group and this is a group that was never bound."""
    chat = update.effective_chat
    if label not in BOUND_GROUP_ONLY or chat is None or chat.type == ChatType.PRIVATE:
        return False
    return not await access.is_bound_group(context.services, chat.id)


def guard(roles: Iterable[Role], label: str, fn: CommandFn, *,
          client_side: bool = False) -> Callable[[Update, BotContext], Awaitable[None]]:
    """Wrap a handler: identify, check the role and the party, run, map domain errors to their message."""
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
        if not party_allowed(client_side, person):
            await access.record_refusal(context.services, telegram_id=person.telegram_id, username=None,
                                        attempted=label, person=person)
            await reply(update, person, "access.client_side_only", command=label.lstrip("/"))
            return
        if await _group_not_bound(update, context, label):
            await reply(update, person, "intake.group_not_bound", command=label.lstrip("/"))
            return
        try:
            with action_time.acting(action_moment(update, context.services)):
                await fn(update, context, person)
        except DomainError as exc:
            await reply(update, person, exc.key, **exc.params)

    return guarded


def command(name: str, roles: Iterable[Role] = ANYONE, *, menu: bool = True,
            client_side: bool = False) -> Callable[[CommandFn], CommandFn]:
    """Declare a command: registered with the application by bot/app.py, listed in /help and the menu for
    its roles; `client_side=True` reserves it to the client side (甲方) whatever the role."""

    def decorate(fn: CommandFn) -> CommandFn:
        fn.command_spec = CommandSpec(name, frozenset(roles), guard(roles, f"/{name}", fn, client_side=client_side),  # type: ignore[attr-defined]
                                      menu, client_side)
        return fn

    return decorate


def button(feature: str, roles: Iterable[Role] = ANYONE, *,
           client_side: bool | Iterable[str] = False) -> Callable[[ButtonFn], ButtonFn]:
    """Declare the handler of one feature's inline buttons (`v1:<feature>:...`).

    `client_side`: True when every action is reserved to the client side (甲方), or the action codes that
    are (approvals). The handler returns an optional short toast; the query is always answered, and a
    refused press gets an alert.
    """
    allowed = frozenset(roles)
    party: ClientSideActions = client_side if isinstance(client_side, bool) else frozenset(client_side)

    def decorate(fn: ButtonFn) -> ButtonFn:

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
            if not party_allowed(_client_side_action(party, data.action), person):
                await access.record_refusal(context.services, telegram_id=person.telegram_id, username=None,
                                            attempted=f"button:{query.data}", person=person)
                await query.answer(t("access.client_side_button", person.language), show_alert=True)
                return
            try:
                with action_time.acting(action_moment(update, context.services)):
                    toast = await fn(update, context, person, data)
            except DomainError as exc:
                await query.answer(t(exc.key, person.language, **exc.params), show_alert=True)  # MaintBot fits it
                return
            await query.answer(toast or None)

        fn.button_spec = ButtonHandlerSpec(feature, allowed, guarded, party)  # type: ignore[attr-defined]
        return fn

    return decorate


async def edited_command(update: Update, context: BotContext) -> None:
    """An edited command is never run again: the sender is told how to correct it instead (once per edit)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    person = await access.identify(context.services, user.id)
    if person is None:
        return  # strangers were refused when they first sent it
    name = (message.text or "").split(maxsplit=1)[0].lstrip("/").split("@", 1)[0].lower()
    if name not in context.commands:
        return
    example_key = f"intake.edit_example.{name}"
    example = t(example_key if example_key in CATALOG else "intake.edit_example.default", person.language,
                command=name)
    await reply(update, person, "intake.edited_command", command=name, example=example)


def register_declared(app: Application, declared: Declared) -> None:
    """Add every declared command and button handler (called once by the composition root).

    Commands answer new messages only: an edited `/urgent …` would otherwise raise a second request."""
    from telegram.ext import CommandHandler, MessageHandler, filters

    for spec in declared.commands.values():
        app.add_handler(CommandHandler(spec.name, spec.callback, filters=~filters.UpdateType.EDITED))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.COMMAND, edited_command))
    for handler in declared.buttons.values():
        app.add_handler(CallbackQueryHandler(handler.callback, pattern=pattern(handler.feature)))


# The order people meet commands in /help and the menu: daily work first, contract paperwork last.
# A command not listed here still appears, after these.
MENU_ORDER = (
    "start", "help", "lang", "checkin", "checkout", "leave", "makeup", "attendance", "daily",
    "ticket", "tickets", "take", "resolve", "reopen", "rate", "comment", "province", "estimate", "ruling",
    "checklist", "faq", "urgent", "urgents", "ack", "arrived", "cancelurgent", "oncall", "dutyplan", "swap",
    "score", "deduct", "deductions", "payments", "paid", "report", "dashboard", "bindgroup", "staffchange", "replace",
    "compliance", "papers", "incident", "incidents", "drills", "drill", "audit", "health",
)


def commands_for(person: Person, commands: Mapping[str, CommandSpec]) -> list[CommandSpec]:
    """The commands a person may use, in MENU_ORDER."""
    allowed = [spec for spec in commands.values() if spec.menu and spec.allowed(person)]
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
