"""Many contracts in one deployment (issue 18, item 3): the look-ups that span the deployment's contracts.

Every other repository works inside one contract. These answer "which contract": the contracts a person is on,
the contract a group is bound to, the contract a person chose for their private chat (migration 025). Each query
names the deployment's contracts (`contract_id IN (…)`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.base import Repository, chat_key
from storage.timecodec import to_db


def _marks(values: Sequence[str]) -> str:
    return ",".join("?" for _ in values)


class DeploymentRepository(Repository):
    async def contracts_of_person(self, contracts: Sequence[str], platform: str, external_id: str) -> list[str]:
        """The contracts (of `contracts`) on whose roster this platform identity is, not counting people who left."""
        if platform == "telegram" and external_id.isdigit():
            rows = await self.fetchall(
                f"SELECT DISTINCT contract_id FROM people WHERE contract_id IN ({_marks(contracts)})"
                " AND telegram_id = ? AND status != 'left'", (*contracts, int(external_id)))
            return [str(r[0]) for r in rows]
        rows = await self.fetchall(
            "SELECT DISTINCT i.contract_id FROM person_identities i JOIN people p"
            " ON p.id = i.person_id AND p.contract_id = i.contract_id"
            f" WHERE i.contract_id IN ({_marks(contracts)}) AND i.platform = ? AND i.external_id = ?"
            " AND p.status != 'left'", (*contracts, platform, external_id))
        return [str(r[0]) for r in rows]

    async def contract_of_group(self, contracts: Sequence[str], chat_id: int | str) -> str | None:
        """The contract a group chat is bound to (/bindgroup), or None."""
        found = await self.scalar(
            f"SELECT contract_id FROM chats WHERE contract_id IN ({_marks(contracts)}) AND chat_id = ?"
            " ORDER BY bound_at LIMIT 1", (*contracts, chat_key(chat_id)))
        return None if found is None else str(found)

    async def contract_of_message(self, contracts: Sequence[str], chat_id: int | str, message_id: int) -> str | None:
        """The contract whose outbox sent message `message_id` to this chat (a notification's buttons), or None."""
        found = await self.scalar(
            f"SELECT contract_id FROM outbox WHERE contract_id IN ({_marks(contracts)}) AND chat_id = ?"
            " AND message_id = ? AND status = 'sent' ORDER BY id DESC LIMIT 1",
            (*contracts, chat_key(chat_id), message_id))
        return None if found is None else str(found)

    async def chosen(self, contracts: Sequence[str], person_key: str) -> str | None:
        found = await self.scalar(
            f"SELECT contract_id FROM contract_choices WHERE contract_id IN ({_marks(contracts)}) AND person_key = ?",
            (*contracts, person_key))
        return None if found is None else str(found)

    async def choose(self, person_key: str, contract_id: str, now: datetime) -> None:
        await self.execute(
            "INSERT INTO contract_choices (person_key, contract_id, chosen_at) VALUES (?,?,?)"
            " ON CONFLICT (person_key) DO UPDATE SET contract_id = excluded.contract_id,"
            " chosen_at = excluded.chosen_at", (person_key, contract_id, to_db(now)))
