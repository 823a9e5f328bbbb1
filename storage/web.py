"""The web page's signing secret (migration 014): generated once, then always the same."""

from __future__ import annotations

from datetime import datetime

from storage.base import Repository
from storage.timecodec import to_db


class WebSecretRepository(Repository):
    async def claim(self, secret: str, now: datetime) -> str:
        """Store `secret` unless one is stored already; return the stored one."""
        await self.execute("INSERT OR IGNORE INTO web_secret (contract_id, secret, created_at) VALUES (?,?,?)",
                           (self.contract_id, secret, to_db(now)))
        return str(await self.scalar("SELECT secret FROM web_secret WHERE contract_id = ?", (self.contract_id,)))
