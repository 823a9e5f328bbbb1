"""Several replicas on one PostgreSQL database (issue 18.2): leases and claims that hold across processes.

- `claim_key(contract, name)`: the 64-bit key of a transaction-scoped advisory lock (`UnitOfWork.try_claim`), so
  one timer sweep (or one chat's outbox lane) runs in one replica at a time.
- `LeaseRepository`: a named lease with a holder and an expiry (`leases`, migration 024), such as polling one bot
  token. Times are the database server's (`clock_timestamp()` on PostgreSQL), never a replica's clock, so two
  machines whose clocks disagree still agree on who holds it. A lease belongs to the deployment's contract (the
  replicas of one deployment share its config, so its contract).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from storage.base import Repository

# The database server's time as seconds since the epoch, per dialect (the only SQL here that differs).
_NOW = {
    "postgresql": "extract(epoch from clock_timestamp())::float8",
    "sqlite": "((julianday('now') - 2440587.5) * 86400.0)",
}


def db_now(conn: object) -> str:
    """The SQL expression of the server's time in epoch seconds on `conn`'s backend."""
    return _NOW[getattr(conn, "dialect", "sqlite")]


def claim_key(contract_id: str, name: str) -> int:
    """A stable signed 64-bit key for `name` within `contract_id` (PostgreSQL's advisory lock space)."""
    digest = hashlib.blake2b(f"maintbot\0{contract_id}\0{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True)
class LeaseState:
    holder: str
    remaining: float  # seconds until it expires (negative: expired)


class LeaseRepository(Repository):
    """Take, keep and give back a named lease. `acquire` both takes a free or expired lease and renews one's own;
    it succeeds (True) only when the row now names `holder` with a fresh expiry."""

    async def acquire(self, name: str, holder: str, ttl: float) -> bool:
        now = db_now(self.conn)
        changed = await self.execute(
            f"INSERT INTO leases (contract_id, name, holder, expires, since) VALUES (?, ?, ?, {now} + ?, {now})"
            " ON CONFLICT (contract_id, name) DO UPDATE SET expires = excluded.expires,"
            " since = CASE WHEN leases.holder = excluded.holder THEN leases.since ELSE excluded.since END,"
            " holder = excluded.holder"
            f" WHERE leases.holder = excluded.holder OR leases.expires < {now}",
            (self.contract_id, name, holder, float(ttl)))
        return changed == 1

    async def release(self, name: str, holder: str) -> bool:
        """Give the lease back at once (a clean stop), if `holder` still has it."""
        return await self.execute("DELETE FROM leases WHERE contract_id = ? AND name = ? AND holder = ?",
                                  (self.contract_id, name, holder)) == 1

    async def state(self, name: str) -> LeaseState | None:
        row = await self.fetchone(
            f"SELECT holder, expires - {db_now(self.conn)} FROM leases WHERE contract_id = ? AND name = ?",
            (self.contract_id, name))
        return None if row is None else LeaseState(str(row[0]), float(row[1]))
