"""The console playing DingTalk (`run_bot.py --console --platform dingtalk`): the same console, but every line
goes in as a DingTalk Stream frame through the offline fake DingTalk (bot/offline/fake_dingtalk.py) and the
official SDK, and what the bot sends through DingTalk's OpenAPI is shown. Buttons are interactive cards; a press
is a card callback; a card update is shown as an edit. There is no location on DingTalk (`:loc` says so)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any, TextIO

from bot.offline.fake_dingtalk import CLIENT_ID, CLIENT_SECRET, GROUP_CID, ROBOT_CODE, FakeDingMessage, FakeDingTalk
from bot.offline.fake_telegram import ApiCall, SentMessage
from bot.state import app_state
from config.settings import DingTalkSettings, Settings

DEMO_GROUP_ID = -1009000000001


def console_staff_id(telegram_id: int, known: dict[int, str]) -> str:
    """The DingTalk id the console uses for a roster member (their `dingtalk_id`, else a made-up one)."""
    return known.get(telegram_id) or f"0{telegram_id}"


def with_fake_dingtalk(settings: Settings, fake: FakeDingTalk) -> Settings:
    """DingTalk only, on the fake: everyone gets a DingTalk id, the OpenAPI base is the fake's."""
    roster = [p if p.dingtalk_id else p.model_copy(update={"dingtalk_id": f"0{p.telegram_id}"})
              for p in settings.roster]
    ding = DingTalkSettings(client_id=fake.client_id, client_secret=fake.client_secret, robot_code=ROBOT_CODE,
                            group_conversation_id=GROUP_CID, platforms=["dingtalk"], openapi_endpoint=fake.url)
    os.environ["DINGTALK_OPENAPI_ENDPOINT"] = fake.url  # whatever the shell said: the console stays offline
    return settings.model_copy(update={"roster": roster, "dingtalk": ding})


def new_fake() -> FakeDingTalk:
    return FakeDingTalk(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


class DingTalkConsoleDriver:
    """What the console's `Console` needs from a driver, on DingTalk; also the `api` it listens to."""

    def __init__(self, app: Any, fake: FakeDingTalk, settings: Settings) -> None:
        self.app = app
        self.fake = fake
        self.staff = {p.telegram_id: p.dingtalk_id or "" for p in settings.roster}
        self.by_staff = {v: k for k, v in self.staff.items()}
        self.listeners: list[Callable[[SentMessage], None]] = []
        self.call_listeners: list[Callable[[ApiCall], None]] = []
        self.sent: list[SentMessage] = []
        self.cards: dict[int, FakeDingMessage] = {}
        self._shown = 0
        self._updates: dict[str, int] = {}
        self._ids = itertools.count(1)

    def _chat(self, address: str) -> int:
        kind, _, target = address.partition(":")
        if kind == "group":
            return DEMO_GROUP_ID
        return self.by_staff.get(target) or (int(target) if target.isdigit() else 0)

    def _emit(self, message: FakeDingMessage, method: str) -> None:
        sent = SentMessage(self._chat(message.address), next(self._ids), message.text,
                           [list(row) for row in message.buttons], method)
        self.cards[sent.message_id] = message
        self.sent.append(sent)
        for listener in self.listeners:
            listener(sent)

    async def flush(self) -> None:
        await app_state(self.app).delivery.drain()
        for message in self.fake.sent[self._shown:]:
            self._emit(message, "sendMessage")
            if message.track:
                self._updates[message.track] = message.updates
        self._shown = len(self.fake.sent)
        for track, card in self.fake.cards.items():
            if card.updates > self._updates.get(track, 0):
                self._updates[track] = card.updates
                self._emit(card, "card update")

    async def _deliver(self, frame_id: str) -> None:
        ack = await self.fake.wait_acked(frame_id)
        await self.flush()
        params = (((ack.get("data") or {}).get("response") or {}).get("cardPrivateData") or {}).get("params") or {}
        if params.get("toast"):
            call = ApiCall("answerCallbackQuery", {"text": params["toast"], "show_alert": params.get("alert")}, 0.0)
            for listener in self.call_listeners:
                listener(call)

    async def send(self, user_id: int, text: str, *, chat_id: int | None = None, reply_to: Any = None) -> None:
        staff = console_staff_id(user_id, self.staff)
        sent_at = int(app_state(self.app).clock.now().timestamp() * 1000)  # a person writes at the bot's clock
        await self._deliver(await self.fake.push_message(staff, text, group=GROUP_CID if chat_id else None,
                                                         created_at_ms=sent_at))

    async def send_location(self, user_id: int, latitude: float, longitude: float, *,
                            chat_id: int | None = None, out: TextIO | None = None) -> None:
        print("  (DingTalk robots receive no location: check in by sending 签到)")

    async def press_data(self, user_id: int, sent: SentMessage, data: str) -> None:
        card = self.cards[sent.message_id]
        staff = console_staff_id(user_id, self.staff)
        await self._deliver(await self.fake.push_press_data(staff, card, data))
