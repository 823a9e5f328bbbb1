"""Long replies page by page: a reply over a few messages long is stored and shown one page at a time.

`MaintBot.send_message` hands a text that would take more than `MAX_SPLIT` messages to `Pager.start`, which
stores its pages (a snapshot of the list as the command produced it) and sends the first one with
「上一页」/「下一页」 buttons; `bot/handlers/paging.py` turns the pages when they are pressed. Pages are cut
between lines (`bot.textfit.split_text`) and each, with its footer, fits one Telegram message.
"""

from __future__ import annotations

from datetime import timedelta

from bot.catalog import t
from bot.services.callback_data import encode
from bot.services.container import Services
from bot.textfit import MESSAGE_LIMIT, split_text
from storage.pages import PagedReply, PagesRepository

MAX_SPLIT = 3                 # up to this many messages a long reply is simply split; beyond it, paged
FOOTER_ROOM = 120             # the page footer and the blank line before it
KEEP = timedelta(days=30)     # snapshots older than this are pruned (their buttons then say so)

Rows = list[list[tuple[str, str]]]


class Pager:
    def __init__(self, services: Services) -> None:
        self.services = services

    def needs_paging(self, pieces: int) -> bool:
        return pieces > MAX_SPLIT

    async def _language(self, uow: object, chat_id: int) -> str:
        person = await uow.people.by_telegram_id(chat_id) if chat_id > 0 else None  # type: ignore[attr-defined]
        return person.language if person else self.services.settings.contract.default_language

    async def store(self, chat_id: int, text: str, buttons: Rows) -> PagedReply:
        """Store the pages of `text` for `chat_id` (and prune old snapshots)."""
        pages = split_text(text, MESSAGE_LIMIT - FOOTER_ROOM)
        now = self.services.now()
        async with self.services.db.uow() as uow:
            repo: PagesRepository = uow.repo(PagesRepository)  # type: ignore[assignment]
            await repo.prune(now - KEEP)
            lang = await self._language(uow, chat_id)
            reply_id = await repo.add(chat_id=chat_id, lang=lang, pages=pages, buttons=buttons, now=now)
            await uow.commit()
        return PagedReply(reply_id, chat_id, lang, pages, buttons)

    async def load(self, reply_id: int) -> PagedReply | None:
        async with self.services.db.uow(read_only=True) as uow:
            repo: PagesRepository = uow.repo(PagesRepository)  # type: ignore[assignment]
            return await repo.get(reply_id)


def render_page(paged: PagedReply, page: int) -> tuple[str, Rows]:
    """Page `page` (1-based, clamped) with its footer, and its buttons: the navigation row, then the reply's own."""
    count = len(paged.pages)
    page = min(max(page, 1), count)
    text = f"{paged.pages[page - 1]}\n\n{t('page.footer', paged.lang, page=page, pages=count)}"
    nav: list[tuple[str, str]] = []
    if page > 1:
        nav.append((t("page.prev", paged.lang), encode("pg", "go", paged.id, page - 1)))
    if page < count:
        nav.append((t("page.next", paged.lang), encode("pg", "go", paged.id, page + 1)))
    return text, ([nav] if nav else []) + [list(row) for row in paged.buttons]
