"""Escalation channels beside chat (issue 20): queue a phone call / SMS for people, in the outbox, inside the
caller's unit of work. The delivery worker hands the rows to the channel's sender (bot/channel_delivery.py).
A person without a phone number in the roster cannot be called: that is audited and the chat message stands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.catalog import Text
from bot.services.container import Services
from bot.services.domain.people import Person
from storage.channels import ChannelAttempt, ChannelRepository
from storage.uow import UnitOfWork


async def queue_calls(services: Services, uow: UnitOfWork, people: Iterable[Person], *, channel: str, key: str,
                      kind: str, subject: str, dedup: str, **params: Any) -> list[str]:
    """Queue one call / SMS per person with a phone number (idempotent by `dedup`); returns who was queued.
    People without a number are audited as not callable."""
    queued: list[str] = []
    missing: list[str] = []
    seen: set[int] = set()
    now = services.now()
    for person in people:
        if person.id in seen:
            continue
        seen.add(person.id)
        if not person.phone:
            missing.append(person.name)
            continue
        row = await uow.repo(ChannelRepository).add(
            channel=channel, address=person.phone, chat_id=person.chat_id, person_id=person.id,
            text=Text(key, **params).in_lang(person.language), kind=kind, subject=subject, now=now,
            dedup_key=f"{dedup}:{channel}:p{person.id}")
        if row is not None:
            queued.append(person.name)
    if missing:
        entity, _, entity_id = subject.partition(":")
        await uow.audit.append(at=now, action="channel.no_phone", entity=entity,
                               entity_id=int(entity_id) if entity_id.isdigit() else None,
                               after={"channel": channel, "people": missing})
    if queued:
        services.notifier.wakeup.set()
    return queued


async def attempts_for(services: Services, subjects: list[str]) -> dict[str, list[ChannelAttempt]]:
    async with services.db.uow(read_only=True) as uow:
        return await uow.repo(ChannelRepository).attempts(subjects)
