"""Telegram at the edge: an `Update` becomes an `Inbound`, and a `TelegramResponder` answers through the Bot API.

python-telegram-bot stays the first adapter: its Application polls or receives webhooks and runs ONE handler,
`on_update`, which hands every update to the transport-neutral router (bot/handlers/router.py). Nothing below
this module sees a python-telegram-bot type.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
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
from telegram.ext import Application, CallbackContext, ExtBot, TypeHandler

from bot.catalog import normalise_language
from bot.handlers.common import CommandSpec, HandlerContext, Runtime, SharedState
from bot.handlers.router import Outcome, Router
from bot.services import action_time
from bot.services.domain.people import Person
from bot.transports.base import (
    Attachment,
    ButtonRows,
    Capabilities,
    Inbound,
    InboundKind,
    Quoted,
    ReplyNotDelivered,
    Sender,
)

if TYPE_CHECKING:
    from bot.services.container import Deployment, Services

log = logging.getLogger(__name__)

PLATFORM = "telegram"
REPLY_ATTEMPTS = 3
REPLY_BACKOFF = 0.5  # seconds before the second attempt, doubled each time
MAX_REPLY_WAIT = 5.0


def keyboard(rows: ButtonRows | None) -> InlineKeyboardMarkup | None:
    """Rendered (label, callback data) rows as Telegram's inline keyboard."""
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                 for row in rows])


def _command_of(message: Message, bot_username: str | None) -> tuple[str, str] | None:
    """(command, args) when the message starts with a bot command meant for this bot."""
    text = message.text or message.caption or ""
    entities = (message.entities if message.text is not None else message.caption_entities) or ()
    if not text.startswith("/") or not any(e.type == "bot_command" and e.offset == 0 for e in entities):
        return None
    parts = text.split(maxsplit=1)
    name, _, addressee = parts[0][1:].partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return ("", "")  # for another bot in the group: not ours
    return name.lower(), parts[1].strip() if len(parts) > 1 else ""


def attachments_of(message: Message) -> tuple[Attachment, ...]:
    """The photo (its largest size) or document of a message, as neutral attachments."""
    if message.photo:
        largest = message.photo[-1]
        return (Attachment("photo", largest.file_id, None, largest.file_size, "image/jpeg"),)
    if message.document is not None:
        doc = message.document
        return (Attachment("document", doc.file_id, doc.file_name, doc.file_size, doc.mime_type),)
    return ()


def inbound_from_update(update: Update, bot: ExtBot, received_at: datetime) -> Inbound | None:
    """The transport-neutral view of one Telegram update (None for kinds the bot does not take)."""
    user = update.effective_user
    if user is None:
        return None
    sender = Sender(PLATFORM, str(user.id), user.full_name, user.username, user.language_code)
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        text = getattr(query.message, "text", None) if query.message is not None else None
        return Inbound(PLATFORM, str(update.update_id), InboundKind.BUTTON, sender,
                       chat_id=str(chat.id if chat else user.id), private=chat is None or chat.type == ChatType.PRIVATE,
                       received_at=received_at, chat_title=getattr(chat, "title", None),
                       message_id=str(query.message.message_id) if query.message is not None else None,
                       button_data=query.data or "", button_message_text=text, extras={"query_id": query.id})
    message = update.message or update.edited_message
    if message is None:
        return None
    chat = message.chat
    quoted = None
    if message.reply_to_message is not None:
        replied = message.reply_to_message
        author = replied.from_user
        quoted = Quoted(str(replied.message_id), replied.text or replied.caption or "",
                        author is not None and author.id == bot.id,
                        Sender(PLATFORM, str(author.id), author.full_name, author.username, author.language_code)
                        if author is not None else None, bool(author and author.is_bot))
    text = message.text or message.caption or ""
    attachments = attachments_of(message)
    addressed = (quoted is not None and quoted.from_bot) or (
        bool(bot.username) and f"@{bot.username}".lower() in text.lower())
    common: dict[str, Any] = dict(
        chat_id=str(chat.id), private=chat.type == ChatType.PRIVATE, received_at=received_at,
        sent_at=message.date, chat_title=chat.title, message_id=str(message.message_id),
        edited=update.edited_message is not None, forwarded=message.forward_origin is not None, quoted=quoted,
        addressed=addressed, attachments=attachments)
    command = _command_of(message, bot.username)
    if command is not None:
        name, args = command
        kind = InboundKind.COMMAND if name else InboundKind.OTHER
        return Inbound(PLATFORM, str(update.update_id), kind, sender, text=text, command=name or None, args=args,
                       **common)
    if message.location is not None:
        return Inbound(PLATFORM, str(update.update_id), InboundKind.LOCATION, sender,
                       location=(message.location.latitude, message.location.longitude), **common)
    if message.text is not None:
        return Inbound(PLATFORM, str(update.update_id), InboundKind.TEXT, sender, text=text, **common)
    return Inbound(PLATFORM, str(update.update_id), InboundKind.OTHER, sender, text=message.caption or "", **common)


class TelegramResponder:
    """Answers one update through the Bot API: replies in its chat, answers and edits its button's message."""

    def __init__(self, update: Update) -> None:
        self.update = update
        self.answered = False

    async def reply(self, text: str, buttons: ButtonRows | None = None) -> str | None:
        """A 5xx, a timeout, a refused connection or a 429 is retried a few times at once, then raised as
        `ReplyNotDelivered` for the outbox to finish (refusals such as Forbidden/BadRequest are final)."""
        message = self.update.effective_message
        if message is None:
            return None
        markup = keyboard(buttons)
        error: TelegramError | None = None
        for attempt in range(REPLY_ATTEMPTS):
            try:
                sent = await message.reply_text(text, reply_markup=markup, do_quote=False)
                return str(sent.message_id)
            except (BadRequest, Forbidden, ChatMigrated):
                raise
            except RetryAfter as exc:
                error = exc
                value = getattr(exc, "_retry_after", None)
                wait = value.total_seconds() if isinstance(value, timedelta) else float(value or 1)
            except (TimedOut, NetworkError) as exc:  # may have arrived (timeout): twice beats never
                error = exc
                wait = REPLY_BACKOFF * 2 ** attempt
            log.warning("reply to %s failed (%s); attempt %d of %d", message.chat_id, error, attempt + 1,
                        REPLY_ATTEMPTS)
            if attempt + 1 < REPLY_ATTEMPTS:
                await asyncio.sleep(min(wait, MAX_REPLY_WAIT))
        assert error is not None
        raise ReplyNotDelivered(str(message.chat_id), text, buttons, error)

    async def answer_button(self, text: str | None = None, *, alert: bool = False) -> None:
        query = self.update.callback_query
        if query is None or self.answered:
            return
        self.answered = True
        await query.answer(text or None, show_alert=alert)

    async def edit_button_message(self, text: str | None, buttons: ButtonRows | None = None) -> bool:
        """False when the message can no longer be edited (too old, deleted): what was decided stands."""
        query = self.update.callback_query
        if query is None or query.message is None:
            return False
        try:
            if text is None:
                await query.edit_message_reply_markup(keyboard(buttons))
            else:
                await query.edit_message_text(text, reply_markup=keyboard(buttons))
        except TelegramError as exc:
            log.info("could not edit the message of a button: %s", exc)
            return False
        return True

    async def react(self, emoji: str) -> bool:
        """setMessageReaction on the person's message; False when Telegram refuses (the caller replies then)."""
        message = self.update.effective_message
        if message is None:
            return False
        try:
            await message.set_reaction(emoji)
        except TelegramError as exc:
            log.info("could not react to message %s: %s", message.message_id, exc)
            return False
        return True

    async def edit_message(self, message_id: str, text: str) -> bool:
        """Edit an earlier message of the bot in this chat (the group's attendance board)."""
        message = self.update.effective_message
        if message is None:
            return False
        try:
            await message.get_bot().edit_message_text(text, chat_id=message.chat_id, message_id=int(message_id))
        except RetryAfter as exc:  # flood wait on edits: the next check-in's edit carries the whole board
            log.info("board edit %s held back by a flood wait: %s", message_id, exc)
            return True
        except TelegramError as exc:
            if "not modified" in str(exc):
                return True
            log.info("could not edit message %s: %s", message_id, exc)
            return False
        return True


@dataclass
class TelegramIntake:
    """What `on_update` needs, built once by the composition root and kept in the Application."""

    router: Router
    commands: Mapping[str, CommandSpec]
    shared: SharedState
    services: Callable[[], Services | None]
    runtime: Runtime
    publish_menu: Callable[[ExtBot, Person], Any]
    unconfirmed: set[int]
    deployment: Callable[[], Deployment | None] = lambda: None  # every contract served (issue 18)


async def on_update(update: object, context: CallbackContext[Any, Any, Any, Any], intake: TelegramIntake) -> None:
    """The one python-telegram-bot handler: every update goes to the router."""
    if not isinstance(update, Update):
        return
    services = intake.services()
    if services is None:
        return
    bot = context.bot
    received = action_time.received_at() or services.now()
    msg = inbound_from_update(update, bot, received)
    if msg is None:
        return

    async def send_private(external_id: str, text: str) -> bool:
        try:
            await bot.send_message(int(external_id), text)
            return True
        except TelegramError:
            return False

    async def publish_menu(person: Person) -> None:
        await intake.publish_menu(bot, person)

    async def download(file_id: str) -> bytes:
        """A file the person sent, fetched again from Telegram (getFile, then the file itself)."""
        found = await bot.get_file(file_id)
        return bytes(await found.download_as_bytearray())

    ctx = HandlerContext(services=services, commands=intake.commands, responder=TelegramResponder(update),
                         capabilities=Capabilities(reads_group_messages=bool(bot.can_read_all_group_messages),
                                                   reactions=True),
                         shared=intake.shared, runtime=intake.runtime, publish_menu=publish_menu,
                         send_private=send_private, download=download,
                         sender_language=normalise_language(msg.sender.language),
                         deployment=intake.deployment())
    if await intake.router.handle(msg, ctx) is Outcome.RETRY:
        intake.unconfirmed.add(update.update_id)


def install(app: Application, intake: TelegramIntake) -> None:
    """Hand every update to the router (one handler: the router decides)."""
    async def handle(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        await on_update(update, context, intake)

    app.add_handler(TypeHandler(Update, handle))
