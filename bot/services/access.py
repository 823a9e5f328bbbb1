"""Who is calling: the roster look-up and the audit of refused attempts (least privilege)."""

from __future__ import annotations

from typing import Protocol

from bot.services.container import Services
from bot.services.domain.people import Person


async def identify(services: Services, telegram_id: int) -> Person | None:
    """The roster member with this Telegram id, or None (people who left are unknown too)."""
    async with services.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(telegram_id)
    if person is None or person.status == "left":
        return None
    return person


class SenderIdentity(Protocol):
    """Who sent an update, as any platform names them: the platform and their id there (text)."""

    @property
    def platform(self) -> str: ...
    @property
    def external_id(self) -> str: ...
    @property
    def username(self) -> str | None: ...


def telegram_id_of(sender: SenderIdentity) -> int | None:
    """The numeric Telegram id of a Telegram sender (people are keyed by it on that platform)."""
    if sender.platform != "telegram":
        return None
    try:
        return int(sender.external_id)
    except ValueError:
        return None


async def identify_sender(services: Services, sender: SenderIdentity) -> Person | None:
    """The roster member who sent an update on any platform, or None (people who left are unknown too)."""
    telegram_id = telegram_id_of(sender)
    if telegram_id is not None:
        return await identify(services, telegram_id)
    async with services.db.uow(read_only=True) as uow:
        person = await uow.people.by_identity(sender.platform, sender.external_id)
    if person is None or person.status == "left":
        return None
    return person


async def record_refusal(services: Services, *, attempted: str, sender: SenderIdentity | None = None,
                         telegram_id: int | None = None, username: str | None = None,
                         person: Person | None = None) -> None:
    """Unknown users and refused commands are audited; nothing else about them is revealed."""
    if sender is not None:
        telegram_id = telegram_id_of(sender)
        username = username or sender.username
        if telegram_id is None and person is None:
            username = f"{sender.platform}:{sender.external_id}" + (f" ({username})" if username else "")
    async with services.db.uow() as uow:
        await uow.audit.append(
            at=services.now(), action="access.refused" if person else "access.unknown_user", entity="access",
            entity_id=telegram_id, actor_telegram_id=telegram_id, actor_name=person.name if person else username,
            after={"attempted": attempted[:100]})
        await uow.commit()


async def is_bound_group(services: Services, chat_id: int | str) -> bool:
    """True when `chat_id` is a group bound to this contract with /bindgroup, or the contract's DingTalk group as
    the config names it (`[contract] dingtalk_group`, else `[dingtalk] group_conversation_id`: DingTalk groups are
    configured, not bound)."""
    if isinstance(chat_id, str):
        return chat_id == services.settings.dingtalk_group_id
    async with services.db.uow(read_only=True) as uow:
        return await uow.chats.is_bound(chat_id)


async def set_language(services: Services, person: Person, language: str) -> None:
    async with services.db.uow() as uow:
        await uow.people.set_language(person.id, language)
        await uow.audit.append(at=services.now(), action="person.language", entity="person", entity_id=person.id,
                               actor=person,
                               before={"language": person.language}, after={"language": language})
        await uow.commit()


async def bind_group(services: Services, person: Person, chat_id: int, title: str | None) -> bool:
    """Bind a group chat to the contract; returns False when it was bound already."""
    async with services.db.uow() as uow:
        created = await uow.chats.bind_group(chat_id, title, person.telegram_id, services.now())
        if created:
            await uow.audit.append(at=services.now(), action="group.bind", entity="chat", entity_id=chat_id,
                                   actor=person,
                                   after={"title": title})
        await uow.commit()
    return created
