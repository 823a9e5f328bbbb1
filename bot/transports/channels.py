"""Escalation channels beside chat (issue 20): the interface a channel sender implements.

An outbox row with a `channel` ('http' for the SMS / voice provider's HTTP hook, 'ding' reserved for DingTalk's
DING) is handed by the delivery worker (bot/delivery.py → bot/channel_delivery.py) to the sender registered under
that name. A sender raises `ChannelRetry` for what may work later (timeouts, 5xx, 429, refused connections) and
`ChannelRejected` for what never will (a 4xx, the provider's refusal, a missing secret); the worker retries with
backoff up to `channels.max_attempts`, paces each channel at `channels.per_minute`, records every attempt for the
request's timeline and tells the admins of a failure for good.

DingTalk's DING sender (bot/transports/dingtalk/) registers as `DING` with the same interface: `call.address` is
the person's phone number; its DingTalk user id can be looked up from `call.person_id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

HTTP = "http"
DING = "ding"
CHANNEL_NAMES = (HTTP, DING)


@dataclass(frozen=True)
class ChannelCall:
    """One call / SMS to make."""

    outbox_id: int
    channel: str
    address: str  # the phone number from the roster
    text: str  # rendered in the person's language
    kind: str  # the outbox kind (urgent.call)
    subject: str | None  # 'urgent_request:17'
    person_id: int | None
    person_name: str

    @property
    def request_id(self) -> str:
        return self.subject.rsplit(":", 1)[-1] if self.subject else ""


class ChannelRetry(Exception):
    """Not delivered now; may work later."""


class ChannelRejected(Exception):
    """Not delivered, and retrying cannot help."""


class ChannelSender(Protocol):
    name: str

    async def send(self, call: ChannelCall) -> str:
        """Deliver; return what the provider answered (kept on the timeline, short). Raise ChannelRetry /
        ChannelRejected otherwise."""
        ...
