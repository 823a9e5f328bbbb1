"""When a person acted: the moment check-ins, acknowledgements, arrivals, ratings and anything a deadline
judges are stamped with, instead of the moment the bot got round to handling the update.

Updates wait at Telegram while the bot is down (or busy), so the handling time charges the bot's downtime to
whoever acted. The receiving side records two moments and the services read one:

- `received_at`: when the update reached the bot (set by the polling loop / webhook before handling;
  `receiving(...)`);
- `acted_at`: when the person acted, fed by the handler guard (`acting(...)`) from the message's send time
  (`sent_at`, the platform's message date, second precision) judged by `judge`: a send time in the future is
  clamped to the receive time (clock skew beyond it is logged), and one older than `MAX_AGE` (the platform keeps
  updates about a day; older means a forwarded/old message, or a forged date) is not trusted: the receive time
  is used. Button presses carry no send time: their receive time is used.

Services never see a transport object: they call `services.acted_at()` (bot/services/container.py), which is
this moment while a person's update is being handled and the clock's now otherwise (timers, CLI).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

MAX_SKEW = timedelta(seconds=30)   # a send time later than the receive time by more than this is logged
MAX_AGE = timedelta(hours=24)      # the platform keeps pending updates about a day; older is not trusted

_received: ContextVar[datetime | None] = ContextVar("update_received_at", default=None)
_acted: ContextVar[datetime | None] = ContextVar("acted_at", default=None)


def judge(sent_at: datetime | None, received_at: datetime) -> datetime:
    """The moment an action counts at: its send time when plausible, else the time it was received."""
    if sent_at is None:
        return received_at
    if sent_at > received_at:
        if sent_at - received_at > MAX_SKEW:
            log.warning("message date %s is %s ahead of its receipt: the receive time is used",
                        sent_at.isoformat(), sent_at - received_at)
        return received_at
    if received_at - sent_at > MAX_AGE:
        log.warning("message date %s is older than %s: the receive time is used", sent_at.isoformat(), MAX_AGE)
        return received_at
    return sent_at


@contextmanager
def receiving(at: datetime) -> Iterator[None]:
    """Around the handling of one update: it reached the bot `at` (polling loop, webhook)."""
    token = _received.set(at)
    try:
        yield
    finally:
        _received.reset(token)


def received_at() -> datetime | None:
    """When the update being handled reached the bot, if the receiving side recorded it."""
    return _received.get()


@contextmanager
def acting(at: datetime) -> Iterator[None]:
    """Around one handler: the person acted `at` (the handler guard)."""
    token = _acted.set(at)
    try:
        yield
    finally:
        _acted.reset(token)


def acted_at() -> datetime | None:
    """When the person behind the update being handled acted; None outside a person's update."""
    return _acted.get()
