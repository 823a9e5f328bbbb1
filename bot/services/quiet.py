"""Quiet hours for what can wait (#20 item 7): each person may set a daily span (`/quiet 22:00-08:00`).

While it lasts, notifications of the kinds listed in `bot.services.domain.media.CAN_WAIT` are queued in the outbox
as held rows (the notifier decides, in the caller's transaction); urgent requests, escalations and hand-overs are
never listed there and always go through. When the quiet hours end, the digest timer turns a person's held rows
into one digest message (rows with buttons or a document go out as they are, right after it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from bot.catalog import Joined, Text
from bot.services.container import Services
from bot.services.domain.media import QuietHours
from bot.services.domain.people import Person
from bot.services.errors import BadInput
from bot.services.timers import Timer
from storage.media import QuietHoursRepository

OFF_WORDS = frozenset({"off", "关", "关闭", "取消", "无"})


async def current(services: Services, person: Person) -> QuietHours | None:
    async with services.db.uow(read_only=True) as uow:
        return await uow.repo(QuietHoursRepository).get(person.id)


async def set_quiet(services: Services, person: Person, text: str) -> QuietHours | None:
    """'22:00-08:00' sets the person's quiet hours, 'off' ends them; returns what is in force now."""
    words = text.strip()
    now = services.acted_at()
    async with services.db.uow() as uow:
        repo = uow.repo(QuietHoursRepository)
        before = await repo.get(person.id)
        if words.lower() in OFF_WORDS:
            hours = None
            await repo.clear(person.id)
            await repo.end_hold(person.chat_id, services.now())  # what was held comes as the digest now
        else:
            hours = QuietHours.parse(words)
            if hours is None:
                raise BadInput("quiet.usage")
            await repo.set(person.id, hours, now)
        await uow.audit.append(at=now, action="quiet.set", entity="person", entity_id=person.id, actor=person,
                               before=_describe(before), after=_describe(hours))
        services.poke_timers(uow)
        await uow.commit()
    return hours


def _describe(hours: QuietHours | None) -> str | None:
    return f"{hours.start:%H:%M}-{hours.end:%H:%M}" if hours is not None else None


async def release_held(services: Services, now: datetime) -> int:
    """Quiet hours ended: each chat's held rows become one digest (stand-alone rows go out as they are)."""
    sent = 0
    async with services.db.uow() as uow:
        repo = uow.repo(QuietHoursRepository)
        folded: dict[int | str, list[str]] = defaultdict(list)
        for outbox_id, chat_id, text, stand_alone in await repo.held_due(now):
            if stand_alone:
                await repo.release(outbox_id, now)
            elif await repo.fold(outbox_id, now):
                folded[chat_id].append(text)
        languages: dict[int | str, str] = {p.chat_id: p.language for p in await uow.people.all()}
        for chat_id, texts in folded.items():
            lang = languages.get(chat_id, services.notifier.default_language)
            items = Joined(tuple(Text("quiet.digest_item", text=text) for text in texts), "\n\n")
            await services.notifier.to_chat(uow, chat_id, "quiet.digest", kind="quiet.digest", lang=lang,
                                            count=len(texts), items=items)
            sent += 1
        await uow.commit()
    return sent


async def _next_due(services: Services, now: datetime) -> datetime | None:
    async with services.db.uow(read_only=True) as uow:
        return await uow.repo(QuietHoursRepository).next_release()


DIGEST_TIMER = Timer("quiet.digest", release_held, _next_due)
