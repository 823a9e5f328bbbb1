"""Queueing notifications in the outbox, rendered from the catalog in each recipient's language.

Services call these inside their unit of work, so a notification is stored in the same transaction
as the change that owes it; the delivery worker sends it afterwards and retries until Telegram says ok.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalog import t
from bot.services.callback_data import Action, to_callback_data
from bot.services.domain.media import CAN_WAIT
from bot.services.domain.people import Person, Role
from bot.textfit import CAPTION_LIMIT, DINGTALK_TEXT_LIMIT, MESSAGE_LIMIT, shorten, split_text
from storage.media import QuietHoursRepository
from storage.uow import UnitOfWork

# A button as services describe it: (catalog key of the label, what it does). The action is encoded to
# callback data here, at queue time (handlers may pass data they encoded themselves).
ButtonSpec = tuple[str, Action | str]

# The longest text one message may carry, per platform (DingTalk's markdown card is counted on our side).
TEXT_LIMITS = {"telegram": MESSAGE_LIMIT, "dingtalk": DINGTALK_TEXT_LIMIT}


def dingtalk_user(external_id: str) -> str:
    """The outbox chat key of one person on DingTalk (never numeric, so it stays text in the outbox)."""
    return f"user:{external_id}"


def dingtalk_group(conversation_id: str) -> str:
    return f"group:{conversation_id}"


class Notifier:
    """Renders and queues; wakes the delivery worker once the queueing unit of work commits."""

    def __init__(self, now: Callable[[], datetime], default_language: str = "zh_CN", *,
                 platforms: Sequence[str] = ("telegram",), dingtalk_group_id: str | None = None,
                 tz: tzinfo | None = None, heading: str | None = None) -> None:
        self.now = now  # the services' clock (Services.now)
        self.default_language = default_language
        self.platforms = tuple(platforms)  # where people are addressed (issue 17: Telegram, DingTalk or both)
        self.dingtalk_group_id = dingtalk_group_id  # the contract's DingTalk group (openConversationId)
        self.tz = tz or ZoneInfo("Asia/Shanghai")
        self.wakeup = asyncio.Event()
        self.heading = heading  # the contract's title in a deployment of several: the first line of every message

    def wake(self) -> None:
        """Wake the delivery worker (bot/delivery.py): rows were committed to the outbox."""
        self.wakeup.set()

    async def addresses(self, uow: UnitOfWork, person: Person) -> list[tuple[str, int | str]]:
        """(platform, chat key) for each platform this deployment runs on which the person is known."""
        if self.platforms == ("telegram",):
            return [("telegram", person.chat_id)]
        known = await uow.people.identities(person.id)
        found: list[tuple[str, int | str]] = []
        if "telegram" in self.platforms and "telegram" in known:
            found.append(("telegram", person.chat_id))
        if "dingtalk" in self.platforms and "dingtalk" in known:
            found.append(("dingtalk", dingtalk_user(known["dingtalk"])))
        return found

    def _buttons(self, rows: Sequence[Sequence[ButtonSpec]] | None, lang: str,
                 params: dict[str, Any]) -> list[list[tuple[str, str]]] | None:
        if not rows:
            return None
        return [[(t(label, lang, **params) if "{" in t(label, lang) else t(label, lang), to_callback_data(target))
                 for label, target in row] for row in rows]

    async def to_chat(self, uow: UnitOfWork, chat_id: int | str, key: str, *, kind: str, lang: str | None = None,
                      buttons: Sequence[Sequence[ButtonSpec]] | None = None, dedup: str | None = None,
                      not_before: datetime | None = None, document_path: str | None = None,
                      document_kind: str | None = None, platform: str = "telegram", **params: Any) -> int | None:
        """Queue one message; returns the outbox id (None if `dedup` was queued before).

        A text longer than a Telegram message is queued as several rows, split between lines, in order
        (the buttons on the last); a document's caption is shortened to fit instead.
        """
        language = lang or self.default_language
        held = False
        # what can wait is held for the person's quiet hours (Telegram private chats: positive numbers)
        if kind in CAN_WAIT and isinstance(chat_id, int) and chat_id > 0:
            quiet = await uow.repo(QuietHoursRepository).for_chat(chat_id)
            moment = max(not_before or self.now(), self.now())
            if quiet is not None and quiet.contains(moment.astimezone(self.tz)):
                held, not_before = True, quiet.ends_after(moment, self.tz)
        text = t(key, language, **params)
        if self.heading:
            text = t("contract.heading", language, title=self.heading) + "\n" + text
        pieces = [shorten(text, CAPTION_LIMIT)] if document_path else split_text(text, TEXT_LIMITS[platform])
        rendered = self._buttons(buttons, language, params)
        first_id: int | None = None
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            message_id = await uow.outbox.add(
                chat_id=chat_id, text=piece, kind=kind, now=self.now(), buttons=rendered if last else None,
                dedup_key=(f"{dedup}#{index + 1}" if index and dedup else dedup), not_before=not_before,
                document_path=document_path, document_kind=document_kind, platform=platform, held=held)
            if index == 0:
                if message_id is None:
                    return None  # queued before: so were its other pieces
                first_id = message_id
        uow.on_commit(self.wake)  # a rolled-back change wakes nothing; rows are there when the worker looks
        return first_id

    async def to_person(self, uow: UnitOfWork, person: Person, key: str, *, kind: str,
                        buttons: Sequence[Sequence[ButtonSpec]] | None = None, dedup: str | None = None,
                        not_before: datetime | None = None, **params: Any) -> int | None:
        first: int | None = None
        for platform, chat in await self.addresses(uow, person):
            suffix = "" if platform == "telegram" else f":{platform}"
            queued = await self.to_chat(uow, chat, key, kind=kind, lang=person.language, buttons=buttons,
                                        dedup=f"{dedup}:p{person.id}{suffix}" if dedup else None,
                                        not_before=not_before, platform=platform, **params)
            first = first if first is not None else queued
        return first

    async def to_people(self, uow: UnitOfWork, people: Iterable[Person], key: str, *, kind: str,
                        buttons: Sequence[Sequence[ButtonSpec]] | None = None, dedup: str | None = None,
                        **params: Any) -> int:
        """Queue for each person once (a person holding several roles gets one message)."""
        count, seen = 0, set()
        for person in people:
            if person.id in seen:
                continue
            seen.add(person.id)
            if await self.to_person(uow, person, key, kind=kind, buttons=buttons, dedup=dedup, **params):
                count += 1
        return count

    async def to_roles(self, uow: UnitOfWork, roles: Iterable[Role], key: str, *, kind: str,
                       buttons: Sequence[Sequence[ButtonSpec]] | None = None, dedup: str | None = None,
                       exclude: Iterable[int] = (), **params: Any) -> int:
        wanted = set(roles)
        skip = set(exclude)
        people = [p for p in await uow.people.all(include_left=False)
                  if p.roles & wanted and p.id not in skip]
        return await self.to_people(uow, people, key, kind=kind, buttons=buttons, dedup=dedup, **params)

    async def to_groups(self, uow: UnitOfWork, key: str, *, kind: str,
                        buttons: Sequence[Sequence[ButtonSpec]] | None = None, dedup: str | None = None,
                        document_path: str | None = None, document_kind: str | None = None,
                        exclude: Iterable[int | str] = (), **params: Any) -> int:
        """Queue for every bound project group (but those in `exclude`), in the contract's default language."""
        count = 0
        skip = set(exclude)
        groups: list[tuple[str, int | str]] = []
        if "telegram" in self.platforms:
            # A DingTalk conversation bound with /bindgroup is text: DingTalk's group is the configured one.
            groups += [("telegram", chat_id) for chat_id in await uow.chats.group_ids() if isinstance(chat_id, int)]
        if "dingtalk" in self.platforms and self.dingtalk_group_id:
            groups.append(("dingtalk", dingtalk_group(self.dingtalk_group_id)))
        for platform, chat_id in groups:
            if chat_id in skip or (platform == "dingtalk" and self.dingtalk_group_id in skip):
                continue  # a DingTalk group is excluded by its conversation id (the chat's id in an update)
            if await self.to_chat(uow, chat_id, key, kind=kind, buttons=buttons,
                                  dedup=f"{dedup}:g{chat_id}" if dedup else None, platform=platform,
                                  document_path=document_path, document_kind=document_kind, **params):
                count += 1
        return count
