"""Snapshots of long replies shown page by page (`bot/pager.py`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from storage.base import Repository
from storage.timecodec import to_db

Buttons = list[list[tuple[str, str]]]


@dataclass(frozen=True)
class PagedReply:
    id: int
    chat_id: int
    lang: str
    pages: list[str]
    buttons: Buttons


class PagesRepository(Repository):
    async def add(self, *, chat_id: int, lang: str, pages: list[str], buttons: Buttons | None,
                  now: datetime) -> int:
        return await self.insert(
            "INSERT INTO reply_pages (contract_id, chat_id, lang, pages, buttons, created_at) VALUES (?,?,?,?,?,?)",
            (self.contract_id, chat_id, lang, json.dumps(pages, ensure_ascii=False),
             json.dumps(buttons, ensure_ascii=False) if buttons else None, to_db(now)))

    async def get(self, reply_id: int) -> PagedReply | None:
        row = await self.fetchone("SELECT * FROM reply_pages WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, reply_id))
        if row is None:
            return None
        buttons = [[(label, data) for label, data in r] for r in json.loads(row["buttons"])] if row["buttons"] else []
        return PagedReply(row["id"], row["chat_id"], row["lang"], json.loads(row["pages"]), buttons)

    async def prune(self, before: datetime) -> int:
        return await self.execute("DELETE FROM reply_pages WHERE contract_id = ? AND created_at < ?",
                                  (self.contract_id, to_db(before)))
