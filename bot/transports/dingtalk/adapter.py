"""DingTalk at the edge: a Stream frame becomes an `Inbound`, and a `DingTalkResponder` answers through the
OpenAPI (never only through the message's expiring `sessionWebhook`).

- Robot messages (topic `/v1.0/im/bot/messages/get`, private and group; in a group the robot only receives
  messages that @ it) → command (text starting with "/") | text | other (pictures). No location exists on
  DingTalk: check-ins are the plain 签到 the handlers already take.
- Card callbacks (topic `/v1.0/card/instances/callback`): a press of one of our card buttons; the button's id is our
  `v1:…` callback data (`cardPrivateData.actionIds`). The card's out-track id stands for the message id.
- Ids are text: `senderStaffId` (the roster's `dingtalk_id`), `conversationId`; the update id is the frame's
  message id (the processed marker skips a redelivered frame).
- A frame is acknowledged only when the router returned `Outcome.DONE` (handled and committed); on
  `Outcome.RETRY`, or when anything fails before that, no ack is sent and DingTalk delivers the frame again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.catalog import normalise_language
from bot.handlers.common import CommandSpec, HandlerContext, Runtime, SharedState
from bot.handlers.router import Outcome, Router
from bot.services import action_time
from bot.services.notify import dingtalk_group, dingtalk_user
from bot.textfit import DINGTALK_TEXT_LIMIT, split_text
from bot.transports.base import (
    ButtonRows,
    Capabilities,
    Inbound,
    InboundKind,
    ReplyNotDelivered,
    Sender,
    SendRefused,
    SendRetry,
)
from bot.transports.dingtalk.openapi import DingTalkApi

if TYPE_CHECKING:
    from bot.services.container import Deployment, Services
    from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)

PLATFORM = "dingtalk"
MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"
CAPABILITIES = Capabilities(reads_group_messages=False, edits_messages=True, locations=False, command_menus=False,
                            group_privacy_setting=False, binds_groups=False)
REPLY_ATTEMPTS = 3
CARDS_REMEMBERED = 2000


def _moment(millis: Any, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(millis) / 1000, UTC)
    except (TypeError, ValueError):
        return fallback


def _text_of(data: Mapping[str, Any]) -> str:
    if data.get("msgtype") == "text":
        return str((data.get("text") or {}).get("content") or "").strip()
    if data.get("msgtype") == "richText":
        parts = (data.get("content") or {}).get("richText") or []
        return "".join(str(p.get("text", "")) for p in parts if isinstance(p, dict)).strip()
    return ""


def inbound_from_message(data: Mapping[str, Any], frame_id: str, received_at: datetime) -> Inbound:
    """A robot message (ChatbotMessage's JSON) as the transport-neutral `Inbound`."""
    staff = str(data.get("senderStaffId") or data.get("senderId") or "")
    sender = Sender(PLATFORM, staff, data.get("senderNick"))
    private = str(data.get("conversationType", "1")) == "1"
    conversation = str(data.get("conversationId") or staff)
    address = dingtalk_user(staff) if private else dingtalk_group(conversation)
    text = _text_of(data)
    common: dict[str, Any] = dict(
        chat_id=conversation, private=private, received_at=received_at,
        sent_at=_moment(data.get("createAt"), received_at), chat_title=data.get("conversationTitle"),
        message_id=str(data.get("msgId") or frame_id), addressed=not private,
        extras={"address": address, "webhook": str(data.get("sessionWebhook") or "")})
    if data.get("msgtype") not in ("text", "richText"):
        return Inbound(PLATFORM, frame_id, InboundKind.OTHER, sender, **common)
    if text.startswith("/"):
        word, _, args = text.partition(" ")
        return Inbound(PLATFORM, frame_id, InboundKind.COMMAND, sender, text=text, command=word[1:].lower(),
                       args=args.strip(), **common)
    return Inbound(PLATFORM, frame_id, InboundKind.TEXT, sender, text=text, **common)


def inbound_from_card(data: Mapping[str, Any], frame_id: str, received_at: datetime,
                      card_text: str | None) -> Inbound:
    """A card button press as a button `Inbound` (its data is the button's id, our `v1:…`)."""
    user = str(data.get("userId") or "")
    content = data.get("content") or "{}"
    content = json.loads(content) if isinstance(content, str) else content
    private_data = content.get("cardPrivateData") or {}
    action_ids = private_data.get("actionIds") or []
    button = str(action_ids[0]) if action_ids else str((private_data.get("params") or {}).get("action", ""))
    conversation = data.get("openConversationId")
    private = not conversation
    return Inbound(PLATFORM, frame_id, InboundKind.BUTTON, Sender(PLATFORM, user),
                   chat_id=str(conversation or user), private=private, received_at=received_at,
                   message_id=str(data.get("outTrackId") or ""), button_data=button,
                   button_message_text=card_text,
                   extras={"address": dingtalk_user(user) if private else dingtalk_group(str(conversation)),
                           "query_id": frame_id})


class DingTalkResponder:
    """Answers one frame: replies in its conversation through the OpenAPI, answers a press in the card callback's
    response (an alert is also sent privately: a card cannot pop one up), edits a card by updating it."""

    def __init__(self, platform: DingTalkPlatform, msg: Inbound) -> None:
        self.platform = platform
        self.msg = msg
        self.answer: dict[str, Any] | None = None

    async def reply(self, text: str, buttons: ButtonRows | None = None) -> str | None:
        address = self.msg.extras["address"]
        pieces = split_text(text, DINGTALK_TEXT_LIMIT)
        sent_id: str | None = None
        for index, piece in enumerate(pieces):
            rows = buttons if index == len(pieces) - 1 else None
            sent_id = await self._send(address, piece, rows)
        return sent_id

    async def _send(self, address: str, text: str, buttons: ButtonRows | None) -> str:
        error: Exception | None = None
        for attempt in range(REPLY_ATTEMPTS):
            try:
                sent = await self.platform.api.send(address, text, buttons)
                self.platform.remember_card(sent.message_id, text, buttons)
                return sent.message_id
            except SendRetry as exc:
                error = exc
                if exc.exact:
                    break  # a rate limit: the outbox waits it out
                await asyncio.sleep(min(0.2 * 2 ** attempt, 2.0))
        assert error is not None
        raise ReplyNotDelivered(address, text, buttons, error, platform=PLATFORM)

    async def answer_button(self, text: str | None = None, *, alert: bool = False) -> None:
        if self.answer is not None:
            return
        self.answer = {"cardPrivateData": {"params": {"toast": text or "", "alert": alert}}}
        if alert and text:
            with contextlib.suppress(SendRetry, SendRefused):
                await self.platform.api.send_text(dingtalk_user(self.msg.sender.external_id), text)

    async def edit_button_message(self, text: str | None, buttons: ButtonRows | None = None) -> bool:
        track = self.msg.message_id or ""
        known = self.platform.cards.get(track)
        if text is None:
            if known is None:
                return False  # a card sent before a restart: its text is not known here; what was decided stands
            text = known
        try:
            await self.platform.api.update_card(track, text, buttons)
        except (SendRetry, SendRefused) as exc:
            log.info("could not update the card %s: %s", track, exc)
            return False
        self.platform.remember_card(track, text, buttons)
        return True

    async def react(self, emoji: str) -> bool:
        return False  # DingTalk has no reactions: the handler replies instead

    async def edit_message(self, message_id: str, text: str) -> bool:
        return False


@dataclass
class DingTalkPlatform:
    """DingTalk in this process: the Stream client feeding the router, the OpenAPI for replies and the outbox."""

    services: Services
    api: DingTalkApi
    router: Router
    commands: Mapping[str, CommandSpec]
    runtime: Runtime = field(default_factory=Runtime)
    deployment: Deployment | None = None  # every contract served (issue 18): the router picks the update's
    shared: SharedState = field(default_factory=SharedState)
    cards: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _lanes: dict[str, asyncio.Lock] = field(default_factory=dict)
    handled: int = 0

    def remember_card(self, track: str, text: str, buttons: ButtonRows | None) -> None:
        if not buttons:
            return
        self.cards[track] = text
        self.cards.move_to_end(track)
        while len(self.cards) > CARDS_REMEMBERED:
            self.cards.popitem(last=False)

    async def send_row(self, message: OutboxMessage) -> str | None:
        """The outbox worker's sender for DingTalk rows."""
        sent = await self.api.send(str(message.chat_id), message.text, message.buttons or None)
        self.remember_card(sent.message_id, message.text, message.buttons)
        return sent.message_id

    async def handle_frame(self, topic: str, frame_id: str, data: Mapping[str, Any]) -> tuple[Outcome, Any]:
        """Route one frame; returns the outcome and what the ack carries (the card callback's response)."""
        received = self.services.now()
        if topic == CARD_TOPIC:
            track = str(data.get("outTrackId") or "")
            msg = inbound_from_card(data, frame_id, received, self.cards.get(track))
        else:
            msg = inbound_from_message(data, frame_id, received)
            groups = {each.dingtalk_group_id for each in self.services.settings.deployment}
            if not msg.private and msg.chat_id not in groups:
                log.warning("DingTalk group %r (%s) is no contract's configured group (contract.dingtalk_group / "
                            "dingtalk.group_conversation_id)", msg.chat_title, msg.chat_id)
        responder = DingTalkResponder(self, msg)

        async def send_private(external_id: str, text: str) -> bool:
            try:
                await self.api.send_text(dingtalk_user(external_id), text)
            except (SendRetry, SendRefused):
                return False
            return True

        ctx = HandlerContext(services=self.services, commands=self.commands, responder=responder,
                             capabilities=CAPABILITIES, shared=self.shared, runtime=self.runtime,
                             send_private=send_private, sender_language=normalise_language(msg.sender.language),
                             deployment=self.deployment)
        lane = self._lanes.setdefault(msg.chat_id, asyncio.Lock())  # one conversation's frames in order
        async with lane:
            with action_time.receiving(received):
                outcome = await self.router.handle(msg, ctx)
        if outcome is Outcome.DONE:
            self.handled += 1
        return outcome, responder.answer or {}
