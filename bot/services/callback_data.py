"""The one format of inline-button data: `v1:<feature>:<action>[:<arg>...]`, at most 64 bytes.

Versioned so buttons already sitting in chats keep working after a change; decoded in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.errors import DomainError

VERSION = "v1"
MAX_ID = 2**63 - 1


class StaleButton(DomainError):
    """Callback data in our format whose arguments make no sense (missing, not a number, too large)."""

    key = "button.refused"

_SAFE = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True)
class CallbackData:
    feature: str
    action: str
    args: tuple[str, ...]

    def int_arg(self, index: int = 0) -> int:
        """The number at `index`; a missing, non-numeric or out-of-range one (an old or forged button) raises
        StaleButton, which every feature's presser reads as "this button is no longer valid"."""
        try:
            value = int(self.args[index])
        except (IndexError, ValueError):
            raise StaleButton() from None
        if not -MAX_ID <= value <= MAX_ID:  # SQLite integers are 64-bit
            raise StaleButton()
        return value


def encode(feature: str, action: str, *args: object) -> str:
    parts = [VERSION, feature, action, *(str(a) for a in args)]
    for part in parts:
        if not _SAFE.match(part):
            raise ValueError(f"callback part {part!r} has characters outside [A-Za-z0-9_.-]")
    data = ":".join(parts)
    if len(data.encode()) > 64:
        raise ValueError(f"callback data longer than 64 bytes: {data}")
    return data


@dataclass(frozen=True, init=False)
class Action:
    """What a button does, as a service describes it (`Action("urg", "ack", 42)`); the edge turns it into
    callback data with `to_callback_data` (the notifier when it queues, `reply` when it answers)."""

    feature: str
    verb: str
    args: tuple[object, ...]

    def __init__(self, feature: str, verb: str, *args: object) -> None:
        object.__setattr__(self, "feature", feature)
        object.__setattr__(self, "verb", verb)
        object.__setattr__(self, "args", args)


def to_callback_data(target: Action | str) -> str:
    """The `v1:...` data of a button: an Action encoded, or data a handler already encoded."""
    return encode(target.feature, target.verb, *target.args) if isinstance(target, Action) else target


def decode(data: str | None) -> CallbackData | None:
    """None for anything not in our format (old or forged buttons)."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != VERSION or not all(_SAFE.match(p) for p in parts):
        return None
    return CallbackData(parts[1], parts[2], tuple(parts[3:]))


def pattern(feature: str) -> str:
    """The regex a CallbackQueryHandler uses to receive one feature's buttons."""
    return rf"^{VERSION}:{re.escape(feature)}:"
