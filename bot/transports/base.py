"""What a chat platform hands the bot and what the bot hands back, with no chat library in sight.

A transport adapter (Telegram, DingTalk, the in-memory one of the tests) turns each platform update into an
`Inbound` and gives the handlers a `Responder` bound to it; everything below the adapter sees only these.
Ids are text (`platform`, `external_id`): Telegram's integers and DingTalk's staff ids alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

# Rendered buttons: rows of (label, callback data).
ButtonRows = Sequence[Sequence[tuple[str, str]]]


class InboundKind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    LOCATION = "location"
    OTHER = "other"  # a sticker, a photo or file (then `attachments` says which)…


@dataclass(frozen=True)
class Sender:
    platform: str
    external_id: str
    name: str | None = None
    username: str | None = None
    language: str | None = None  # what the platform says the person's language is ("en-US", "zh-hans")


@dataclass(frozen=True)
class Quoted:
    """The message this one replies to (rating prompts and incident questions are answered by replying)."""

    message_id: str
    text: str
    from_bot: bool  # this bot wrote it (a question or prompt of ours)
    author: Sender | None = None  # who wrote it, when the platform says
    author_is_bot: bool = False


@dataclass(frozen=True)
class Attachment:
    """A photo or file that came with a message (the platform keeps it; `platform_file_id` fetches it again)."""

    kind: str  # photo | document
    platform_file_id: str
    name: str | None = None
    size: int | None = None  # bytes, when the platform says
    mime: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One thing a person did in a chat: a command, a text, a button press or a shared location."""

    platform: str
    update_id: str
    kind: InboundKind
    sender: Sender
    chat_id: str
    private: bool
    received_at: datetime  # when the update reached the bot (recorded before handling)
    sent_at: datetime | None = None  # the platform's message date; None for button presses
    chat_title: str | None = None
    message_id: str | None = None
    text: str = ""
    command: str | None = None  # without the slash and without @botname
    args: str = ""  # the text after the command word, spacing kept
    button_data: str | None = None
    button_message_text: str | None = None  # the text of the message the pressed button sits on
    location: tuple[float, float] | None = None
    edited: bool = False
    forwarded: bool = False
    quoted: Quoted | None = None
    addressed: bool = False  # in a group: the bot was mentioned or replied to
    attachments: tuple[Attachment, ...] = ()  # photos and files; `text` is then their caption
    extras: dict[str, str] = field(default_factory=dict)  # platform details a handler never needs (query id…)

    @property
    def chat_key(self) -> int | str:
        """The chat id as storage keys it: Telegram's numbers stay numbers, other platforms' ids stay text."""
        return chat_key(self.chat_id)


def chat_key(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


class SendRetry(Exception):
    """A platform send that may succeed later (rate limit, 5xx, network): the outbox retries after `wait` seconds
    when `exact` (a rate limit says when), else after its usual backoff."""

    def __init__(self, wait: float, reason: str, *, exact: bool = False) -> None:
        super().__init__(reason)
        self.wait = wait
        self.exact = exact
        self.reason = reason


class SendRefused(Exception):
    """A platform refused a send for good (unknown user, robot not in the group): the admins are told."""


class ReplyNotDelivered(Exception):
    """A direct reply still failed after its quick retries; the router hands it to the outbox, which keeps trying
    until the platform says ok (the reply is never dropped, and never called "not saved")."""

    def __init__(self, chat_id: str, text: str, buttons: ButtonRows | None, cause: Exception, *,
                 platform: str = "telegram") -> None:
        super().__init__(f"reply to {chat_id} not delivered: {type(cause).__name__}: {cause}")
        self.platform = platform
        self.chat_key: int | str = chat_key(chat_id) if platform == "telegram" else chat_id
        self.text = text
        self.buttons = [list(row) for row in buttons or []]


class Responder(Protocol):
    """How a handler answers the person, on whatever platform the update came from."""

    async def reply(self, text: str, buttons: ButtonRows | None = None) -> str | None:
        """Send `text` to the chat of the update; returns the platform's message id."""

    async def answer_button(self, text: str | None = None, *, alert: bool = False) -> None:
        """Acknowledge a button press (a toast, or an alert the person must dismiss)."""

    async def edit_button_message(self, text: str | None, buttons: ButtonRows | None = None) -> bool:
        """Change the message the pressed button sits on (text None: only its buttons); False when the platform
        no longer lets it be edited (what was decided stands)."""

    async def react(self, emoji: str) -> bool:
        """Put a reaction on the person's message (optional: `Capabilities.reactions`); False when not done."""

    async def edit_message(self, message_id: str, text: str) -> bool:
        """Change the text of a message the bot sent earlier in this chat; False when the platform refuses."""


@dataclass(frozen=True)
class Capabilities:
    """What a platform can do; handlers ask instead of assuming Telegram."""

    reads_group_messages: bool = True  # Telegram's privacy mode off / DingTalk only sees @mentions
    edits_messages: bool = True
    locations: bool = True
    command_menus: bool = True
    group_privacy_setting: bool = True  # Telegram: privacy mode can be turned off; DingTalk: only @ messages, always
    reactions: bool = False  # a reaction on the person's message (Telegram setMessageReaction); DingTalk has none
    binds_groups: bool = True  # Telegram: /bindgroup makes a group the project's; DingTalk: groups are configured
