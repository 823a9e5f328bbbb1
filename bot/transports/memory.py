"""An in-memory chat platform: the second adapter, which proves the handlers need no chat library.

Tests (and anyone curious) drive the real router, handlers, services and database with it: `send` a text or a
command as someone, `press` a button of a message the bot sent, `share_location`; every answer is recorded as a
`MemoryMessage` in the order the bot sent it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from bot.catalog import normalise_language
from bot.handlers.common import CommandSpec, HandlerContext, Runtime, SharedState
from bot.handlers.router import Outcome, Router
from bot.services import action_time
from bot.services.container import Services
from bot.transports.base import ButtonRows, Capabilities, Inbound, InboundKind, Sender

PLATFORM = "memory"


@dataclass
class MemoryMessage:
    """What the bot sent into a chat (or the alert/toast it answered a press with)."""

    chat_id: str
    message_id: str
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    kind: str = "message"  # message | edit | toast | alert

    def data_for(self, label: str) -> str:
        for row in self.buttons:
            for text, data in row:
                if text == label:
                    return data
        raise KeyError(f"no button {label!r} in {[text for row in self.buttons for text, _ in row]}")


class MemoryResponder:
    def __init__(self, transport: MemoryTransport, msg: Inbound) -> None:
        self.transport = transport
        self.msg = msg

    async def reply(self, text: str, buttons: ButtonRows | None = None) -> str | None:
        return self.transport.record(self.msg.chat_id, text, buttons).message_id

    async def answer_button(self, text: str | None = None, *, alert: bool = False) -> None:
        if text:
            self.transport.record(self.msg.chat_id, text, None, kind="alert" if alert else "toast")

    async def edit_button_message(self, text: str | None, buttons: ButtonRows | None = None) -> bool:
        edited = self.transport.by_id.get(self.msg.message_id or "")
        if edited is None:
            return False
        if text is not None:
            edited.text = text
        edited.buttons = [list(row) for row in buttons or []]
        self.transport.record(self.msg.chat_id, edited.text, buttons, kind="edit")
        return True

    async def react(self, emoji: str) -> bool:
        """Recorded as a message of kind "reaction" whose text is the emoji."""
        if not self.transport.capabilities.reactions:
            return False
        self.transport.record(self.msg.chat_id, emoji, None, kind="reaction")
        return True

    async def edit_message(self, message_id: str, text: str) -> bool:
        edited = self.transport.by_id.get(message_id)
        if edited is None or edited.chat_id != self.msg.chat_id:
            return False
        edited.text = text
        self.transport.record(self.msg.chat_id, text, None, kind="edit")
        return True


class MemoryTransport:
    """People talk to the bot through method calls; the bot's answers land in `sent`."""

    def __init__(self, services: Services, router: Router, commands: Mapping[str, CommandSpec], *,
                 capabilities: Capabilities | None = None) -> None:
        self.services = services
        self.router = router
        self.commands = commands
        self.capabilities = capabilities or Capabilities(locations=True, command_menus=False)
        self.shared = SharedState()
        self.sent: list[MemoryMessage] = []
        self.by_id: dict[str, MemoryMessage] = {}
        self._ids = itertools.count(1)

    def record(self, chat_id: str, text: str, buttons: ButtonRows | None, *, kind: str = "message") -> MemoryMessage:
        message = MemoryMessage(chat_id, str(next(self._ids)), text, [list(row) for row in buttons or []], kind)
        self.sent.append(message)
        if kind == "message":
            self.by_id[message.message_id] = message
        return message

    async def deliver(self, msg: Inbound) -> list[MemoryMessage]:
        """Hand one inbound to the router; returns what the bot answered to it."""
        before = len(self.sent)
        ctx = HandlerContext(services=self.services, commands=self.commands, responder=MemoryResponder(self, msg),
                             capabilities=self.capabilities, shared=self.shared, runtime=Runtime(),
                             sender_language=normalise_language(msg.sender.language))
        with action_time.receiving(msg.received_at):
            outcome = await self.router.handle(msg, ctx)
        assert outcome is Outcome.DONE, f"update {msg.update_id} was left to be retried"
        return self.sent[before:]

    def _inbound(self, sender: str, chat: str | None, kind: InboundKind, **fields: object) -> Inbound:
        now: datetime = self.services.now()
        update_id = str(next(self._ids))
        return Inbound(PLATFORM, update_id, kind, Sender(PLATFORM, sender), chat_id=chat or sender,
                       private=chat is None, received_at=now, sent_at=now, message_id=update_id,
                       **fields)  # type: ignore[arg-type]

    async def send(self, sender: str, text: str, *, chat: str | None = None) -> list[MemoryMessage]:
        if text.startswith("/"):
            word, _, args = text.partition(" ")
            return await self.deliver(self._inbound(sender, chat, InboundKind.COMMAND, text=text,
                                                    command=word[1:].lower(), args=args.strip()))
        return await self.deliver(self._inbound(sender, chat, InboundKind.TEXT, text=text))

    async def press(self, sender: str, message: MemoryMessage, label: str) -> list[MemoryMessage]:
        msg = self._inbound(sender, None if message.chat_id == sender else message.chat_id, InboundKind.BUTTON,
                            button_data=message.data_for(label), button_message_text=message.text)
        msg = Inbound(**{**msg.__dict__, "message_id": message.message_id, "sent_at": None})
        return await self.deliver(msg)

    async def share_location(self, sender: str, latitude: float, longitude: float) -> list[MemoryMessage]:
        return await self.deliver(self._inbound(sender, None, InboundKind.LOCATION, location=(latitude, longitude)))
