"""One e2e suite, two platforms: a `Side` drives the real bot on Telegram (the fake Bot API) or on DingTalk (the
offline fake DingTalk over loopback, with the official Stream SDK), and hands back what people saw.

People are the sample roster's; on DingTalk each has the made-up staff id `0<telegram id>` (a leading zero: the
ids must stay text all the way).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from bot.app import build_application, running
from bot.offline.fake_dingtalk import CLIENT_ID, CLIENT_SECRET, GROUP_CID, ROBOT_CODE, FakeDingMessage, FakeDingTalk
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI, SentMessage
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.state import app_state
from config.settings import Settings, settings_from_dict
from tests.conftest import GROUP, SUPERVISOR, base_config


def staff(person: int) -> str:
    return f"0{person}"


@dataclass
class Seen:
    """A message as the person saw it, on either platform."""

    text: str
    labels: list[str]
    chat: int | str
    raw: Any


class Side(Protocol):
    platform: str
    clock: FakeClock

    @property
    def services(self) -> Services: ...
    async def send(self, who: int, text: str, *, group: bool = False) -> list[Seen]: ...
    async def press(self, who: int, message: Seen, label: str) -> list[Seen]: ...
    def to(self, who: int) -> list[Seen]: ...
    def in_group(self) -> list[Seen]: ...
    async def run_timers(self) -> None: ...
    async def bind_group(self) -> None: ...
    async def send_lost_ack(self, who: int, text: str) -> tuple[list[Seen], list[Seen]]: ...


class TelegramSide:
    platform = "telegram"

    def __init__(self, app: Any, api: FakeBotAPI, clock: FakeClock) -> None:
        self.app, self.api, self.clock = app, api, clock
        self.chat = ChatDriver(app, api)

    @property
    def services(self) -> Services:
        return app_state(self.app).running_services()

    @staticmethod
    def _seen(messages: list[SentMessage]) -> list[Seen]:
        return [Seen(m.text, m.button_labels(), m.chat_id, m) for m in messages]

    async def send(self, who: int, text: str, *, group: bool = False) -> list[Seen]:
        return self._seen(await self.chat.send(who, text, chat_id=GROUP if group else None))

    async def press(self, who: int, message: Seen, label: str) -> list[Seen]:
        seen = self._seen(await self.chat.press(who, message.raw, label))
        answers = self.chat.answers()
        toast = answers[-1].params.get("text") if answers else None
        return seen + ([Seen(toast, [], who, None)] if toast else [])

    def to(self, who: int) -> list[Seen]:
        return self._seen(self.api.messages_to(who))

    def in_group(self) -> list[Seen]:
        return self._seen(self.api.messages_to(GROUP))

    async def run_timers(self) -> None:
        from bot.services.schedule import run_all_due

        await run_all_due(self.services, self.clock.now())
        await self.chat.flush()

    async def bind_group(self) -> None:
        await self.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)

    async def send_lost_ack(self, who: int, text: str) -> tuple[list[Seen], list[Seen]]:
        """The update is handled, the offset never confirmed: getUpdates hands the same update again."""
        from telegram import Update

        payload = self.chat.factory.message(who, text, sent_at=self.clock.now())
        seen = []
        for _ in range(2):
            before = len(self.api.sent)
            await self.app.process_update(Update.de_json(payload, self.app.bot))
            await self.chat.flush()
            seen.append(self._seen(self.api.sent[before:]))
        return seen[0], seen[1]


class DingTalkSide:
    platform = "dingtalk"

    def __init__(self, app: Any, fake: FakeDingTalk, clock: FakeClock) -> None:
        self.app, self.fake, self.clock = app, fake, clock

    @property
    def services(self) -> Services:
        return app_state(self.app).running_services()

    @staticmethod
    def _seen(messages: list[FakeDingMessage]) -> list[Seen]:
        return [Seen(m.text, [label for row in m.buttons for label, _ in row], _who(m.address), m)
                for m in messages]

    async def flush(self) -> None:
        await app_state(self.app).delivery.drain()

    async def deliver(self, frame_id: str) -> dict[str, Any]:
        ack = await self.fake.wait_acked(frame_id)
        await self.flush()
        return ack

    async def send(self, who: int, text: str, *, group: bool = False) -> list[Seen]:
        before = len(self.fake.sent)
        await self.deliver(await self.fake.push_message(staff(who), text, group=GROUP_CID if group else None,
                                                        created_at_ms=int(self.clock.now().timestamp() * 1000)))
        return self._seen(self.fake.sent[before:])

    async def press(self, who: int, message: Seen, label: str) -> list[Seen]:
        card: FakeDingMessage = message.raw
        before, updates = len(self.fake.sent), card.updates
        ack = await self.deliver(await self.fake.push_press(staff(who), card, label))
        seen = self._seen(self.fake.sent[before:])
        if card.updates > updates:
            seen = self._seen([card]) + seen
        toast = (((ack.get("data") or {}).get("response") or {}).get("cardPrivateData") or {}).get("params", {})
        if toast.get("toast"):
            seen.append(Seen(toast["toast"], [], who, None))
        return seen

    def to(self, who: int) -> list[Seen]:
        return self._seen(self.fake.to(f"user:{staff(who)}"))

    def in_group(self) -> list[Seen]:
        return self._seen(self.fake.to(f"group:{GROUP_CID}"))

    async def run_timers(self) -> None:
        from bot.services.schedule import run_all_due

        await run_all_due(self.services, self.clock.now())
        await self.flush()

    async def bind_group(self) -> None:
        return None  # DingTalk's group is the configured one

    async def send_lost_ack(self, who: int, text: str) -> tuple[list[Seen], list[Seen]]:
        """The frame is handled and committed, then the connection dies before its ack leaves (the SDK cannot
        send it); the client reconnects and DingTalk delivers the unacknowledged frame again."""
        before = len(self.fake.sent)
        handled = self.platform_.handled
        opens = self.fake.opens
        self.fake.lose_next_ack = True
        frame = await self.fake.push_message(staff(who), text, created_at_ms=int(self.clock.now().timestamp() * 1000))
        while self.platform_.handled == handled:
            await asyncio.sleep(0.01)
        await self.flush()
        first = self._seen(self.fake.sent[before:])
        assert frame not in self.fake.acks
        middle = len(self.fake.sent)
        await self.deliver(frame)  # after the reconnect (the SDK's backoff) the frame came again and was acked
        assert self.fake.opens > opens
        return first, self._seen(self.fake.sent[middle:])

    @property
    def platform_(self) -> Any:
        return app_state(self.app).dingtalk.platform


def _who(address: str) -> int | str:
    kind, _, target = address.partition(":")
    return int(target) if kind == "user" and target.isdigit() else target


def dingtalk_config(db_path: Path, fake: FakeDingTalk, *, platforms: tuple[str, ...] = ("dingtalk",)
                    ) -> dict[str, Any]:
    config = base_config(db_path)
    for person in config["roster"]:
        person["dingtalk_id"] = staff(person["telegram_id"])
    config["dingtalk"] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "robot_code": ROBOT_CODE,
                          "group_conversation_id": GROUP_CID, "platforms": list(platforms),
                          "openapi_endpoint": fake.url}
    return config


@asynccontextmanager
async def side_for(platform: str, tmp_path: Path, clock: FakeClock,
                   tweak: Any = None) -> AsyncIterator[Side]:
    api = FakeBotAPI()
    if platform == "telegram":
        config = base_config(tmp_path / "maintbot-test.db")
        if tweak:
            tweak(config)
        app = build_application(settings_from_dict(config, apply_env=False), request=api, clock=clock)
        async with running(app):
            yield TelegramSide(app, api, clock)
        return

    def settings_for(fake: FakeDingTalk) -> Settings:
        config = dingtalk_config(tmp_path / "maintbot-test.db", fake)
        if tweak:
            tweak(config)
        return settings_from_dict(config, apply_env=False)

    async with dingtalk_side(clock, settings_for) as side:
        yield side


@asynccontextmanager
async def dingtalk_side(clock: FakeClock, settings_for: Callable[[FakeDingTalk], Settings]
                        ) -> AsyncIterator[DingTalkSide]:
    """The real Application on DingTalk only, against a started offline fake (`settings_for` makes the settings
    that point at it); nothing may go out on Telegram."""
    fake = await FakeDingTalk().start()
    try:
        api = FakeBotAPI()
        app = build_application(settings_for(fake), request=api, clock=clock)
        async with running(app):
            await fake.wait_connected()
            yield DingTalkSide(app, fake, clock)
        assert not api.sent, "a DingTalk-only deployment sent something on Telegram"
    finally:
        await fake.stop()


STEP = timedelta(minutes=1)
