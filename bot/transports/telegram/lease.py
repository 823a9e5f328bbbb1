"""Polling one bot token from one replica at a time (issue 18.2: several replicas on one PostgreSQL database).

Telegram lets one `getUpdates` poller per token (a second gets 409 Conflict). The replicas share a lease row in
the database (`leases`, storage/leases.py), named after the bot (its id, never the token):
- the holder renews it every `RENEW_EVERY` seconds for `TTL` seconds (the database server's time, so replicas
  with different clocks agree); a replica without it tries to take it at the same pace, and gets it once it has
  expired (a holder killed by SIGKILL never gives it back: the survivor polls within about `TTL` seconds);
- the holder counts its lease as valid only until `TTL - SAFETY` seconds after it *sent* its last successful
  renewal (monotonic clock), and every `getUpdates` it makes ends before that moment: a holder that stops
  renewing (paused, cut off from the database) has stopped polling `SAFETY` seconds before anyone else may start;
- a clean stop gives the lease back at once.
On SQLite there is no lease: one process per database (bot/instance_lock.py) is the only poller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from storage.db import DATABASE_ERRORS, Database
from storage.leases import LeaseRepository

log = logging.getLogger(__name__)

TTL = 12.0
RENEW_EVERY = 2.0
SAFETY = 4.0


def lease_name(token: str) -> str:
    """The lease of one bot: `telegram-polling:<bot id>` (the token's public part before the colon)."""
    return f"telegram-polling:{token.split(':', 1)[0]}"


class PollingLease:
    """This replica's view of the polling lease; `holds` says whether it may poll right now."""

    def __init__(self, db: Database, name: str, *, ttl: float = TTL, renew_every: float = RENEW_EVERY,
                 safety: float = SAFETY) -> None:
        self.db = db
        self.name = name
        self.holder = db.replica
        self.ttl = ttl
        self.renew_every = renew_every
        self.safety = safety
        self._valid_until = 0.0  # monotonic
        self.changed = asyncio.Event()  # set whenever `holds` may have changed
        self.acquired = 0  # how many times this replica took the lease (not counting renewals)
        self.announced = False  # the start-up line said whether it polls; later changes are logged here

    @property
    def holds(self) -> bool:
        return time.monotonic() < self._valid_until

    def remaining(self) -> float:
        """Seconds this replica may still poll (0 when it does not hold the lease)."""
        return max(0.0, self._valid_until - time.monotonic())

    async def renew(self) -> bool:
        """Take or renew the lease once; True when this replica holds it now. A database error leaves the local
        validity as it was (it runs out by itself if the database stays out of reach)."""
        held_before = self.holds
        try:
            async with self.db.detached_uow() as uow:
                sent = time.monotonic()
                taken = await uow.repo(LeaseRepository).acquire(self.name, self.holder, self.ttl)
                await uow.commit()
        except DATABASE_ERRORS as exc:
            log.warning("polling lease: could not renew (%s)", exc)
            return self.holds
        self._valid_until = sent + self.ttl - self.safety if taken else 0.0
        if taken and not held_before:
            self.acquired += 1
            if self.announced:
                log.warning("this replica (%s) took the polling lease %s: it polls Telegram now", self.holder,
                            self.name)
        elif held_before and not taken:
            log.warning("this replica (%s) lost the polling lease %s: it stops polling", self.holder, self.name)
        if taken != held_before:
            self.changed.set()
        return taken

    async def keep(self, stop: asyncio.Event) -> None:
        """Renew (or try to take) the lease every `renew_every` seconds until `stop`; wakes the poller when this
        replica's local validity runs out between two renewals."""
        while not stop.is_set():
            await self.renew()
            wait = self.renew_every
            if self.holds:
                wait = min(wait, self.remaining())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(wait, 0.05))
            if not self.holds:
                self.changed.set()

    async def release(self) -> None:
        """A clean stop: give the lease back so another replica polls at once."""
        if not self.holds:
            return
        self._valid_until = 0.0
        try:
            async with self.db.detached_uow() as uow:
                await uow.repo(LeaseRepository).release(self.name, self.holder)
                await uow.commit()
        except DATABASE_ERRORS as exc:  # it expires by itself
            log.warning("polling lease: could not give it back (%s)", exc)
