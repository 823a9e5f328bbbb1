"""Telegram's size limits, in one place: every text the bot sends is cut to fit here.

Telegram refuses a message text over 4096 characters, a caption over 1024 and a callback answer (toast or
alert) over 200. `split_text` cuts a long text into pieces at line boundaries (a single line longer than a
message is cut at a character boundary, never inside a character or an HTML entity); `shorten` ends a
text that is only a reminder (a quote of what someone wrote, a toast) with an ellipsis.

Lengths are counted in UTF-16 code units (what Telegram counts for entities; a character outside the
Basic Multilingual Plane, such as most emoji, is two). That is never less than the number of characters,
so a piece that fits by this count fits Telegram's plain-text count too. No Telegram imports: the bot
layer (`bot/transports/telegram/ext_bot.py`), the outbox (`bot/services/notify.py`) and the pager use the same rules.
"""

from __future__ import annotations

import re

MESSAGE_LIMIT = 4096
DINGTALK_TEXT_LIMIT = 3000  # a DingTalk robot message (sampleMarkdown/sampleText), kept well inside its limit
CAPTION_LIMIT = 1024
ANSWER_LIMIT = 200
ELLIPSIS = "…"

_OPEN_ENTITY = re.compile(r"&[#A-Za-z0-9]{0,10}$")
_OPEN_TAG = re.compile(r"<[^<>]{0,200}$")


def units(text: str) -> int:
    """Length as Telegram counts it for entities: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _count(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units (never splits a character)."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def _cut_long_line(line: str, limit: int, html: bool) -> list[str]:
    """A line longer than a message: cut at spaces where possible, else at a character boundary."""
    pieces: list[str] = []
    rest = line
    while units(rest) > limit:
        cut = _count(rest, limit)
        head = rest[:cut]
        space = head.rfind(" ")
        if space > cut // 2:
            cut = space + 1
            head = rest[:cut]
        if html:
            for pattern in (_OPEN_ENTITY, _OPEN_TAG):
                match = pattern.search(head)
                if match and match.start() > 0:
                    cut = match.start()
                    head = rest[:cut]
        pieces.append(head)
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


_CONTINUATION = (" ", "\t", "\u3000")  # an indented line belongs to the entry above it


def _group(lines: list[str], limit: int, html: bool) -> list[list[str]]:
    """Consecutive lines in groups whose joined text fits `limit` units; a too-long line is cut. An entry (a
    line and the indented lines under it) is kept together when it fits, moving to the next group whole."""
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for line in lines:
        for part in _cut_long_line(line, limit, html) if units(line) > limit else [line]:
            extra = units(part) + (1 if current else 0)
            if current and size + extra > limit:
                carry: list[str] = []
                if part.startswith(_CONTINUATION):
                    head = next((i for i in range(len(current) - 1, 0, -1)
                                 if not current[i].startswith(_CONTINUATION)), None)
                    if head is not None:
                        current, carry = current[:head], current[head:]
                groups.append(current)
                current = carry
                size = units("\n".join(current)) if current else 0
                extra = units(part) + (1 if current else 0)
                if current and size + extra > limit:  # the entry alone is longer than a group
                    groups.append(current)
                    current, size, extra = [], 0, units(part)
            current.append(part)
            size += extra
    if current:
        groups.append(current)
    return groups


def split_text(text: str, limit: int = MESSAGE_LIMIT, *, html: bool = False) -> list[str]:
    """The text as one or more pieces of at most `limit` units, split between lines, in order.

    An indented line stays with the entry above it where the entry fits. Blank lines at a cut are dropped
    (Telegram strips them and refuses an empty message); a text that fits comes back unchanged.
    """
    if units(text) <= limit:
        return [text]
    pieces = ["\n".join(group).strip("\n") for group in _group(text.split("\n"), limit, html)]
    return [piece for piece in pieces if piece.strip()] or [text[:_count(text, limit)]]


def shorten(text: str, limit: int) -> str:
    """The text, or its start ending in an ellipsis, within `limit` units (for quotes and toasts)."""
    if units(text) <= limit:
        return text
    return text[:_count(text, limit - units(ELLIPSIS))].rstrip() + ELLIPSIS


def pack_lines(lines: list[str], limit: int) -> list[list[str]]:
    """Group lines into consecutive pages whose joined text fits `limit` units (a too-long line is cut)."""
    return _group(lines, limit, False)
