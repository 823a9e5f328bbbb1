"""Keeping within Telegram's flood limits: python-telegram-bot's AIORateLimiter, plus what it lacks.

AIORateLimiter paces all requests (30 a second) and each group (20 a minute), but has no limit per private
chat (Telegram: about one message a second), and on a 429 it stops *every* request for `retry_after`, so one
private chat's flood wait would stall all the others. `ChatRateLimiter` adds a limiter per private chat and
waits out a 429 only in the request that got it. Its rates sit a little below Telegram's, so the bot does not
hit 429 in the first place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

OVERALL_PER_SECOND = 29  # Telegram: about 30; at 25 a fan-out took 1.17x the floor (bench_fanout.py), at 29 1.01x
GROUP_PER_MINUTE = 18  # Telegram: 20
PRIVATE_BURST = 2  # Telegram: 1 a second, with small bursts
PRIVATE_PERIOD = 2.2  # seconds for PRIVATE_BURST messages: a little under one a second, sustained
MAX_PRIVATE_LIMITERS = 1024
# Not new messages, so outside a group's 20 a minute (still within the overall rate): the check-in reaction and
# the attendance board's edits (issue 16.5), or fifty check-ins would wait 2.5 minutes for their 👍.
UNPACED_IN_GROUPS = frozenset({"setMessageReaction", "editMessageText"})


class ChatRateLimiter(AIORateLimiter):
    """AIORateLimiter with a per-private-chat limit and per-request (not global) waits on 429."""

    def __init__(self, *, max_retries: int, overall_per_second: float = OVERALL_PER_SECOND,
                 group_per_minute: float = GROUP_PER_MINUTE, private_burst: int = PRIVATE_BURST,
                 private_period: float = PRIVATE_PERIOD, pace_private_chats: bool = True) -> None:
        super().__init__(overall_max_rate=overall_per_second, overall_time_period=1,
                         group_max_rate=group_per_minute, group_time_period=60, max_retries=max_retries)
        self._private_burst = private_burst
        self._private_period = private_period
        self._private: dict[int, AsyncLimiter] = {}
        self._pace_private = pace_private_chats

    def _private_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._private) > MAX_PRIVATE_LIMITERS:
            for key, limiter in list(self._private.items()):
                if limiter.has_capacity(limiter.max_rate):
                    del self._private[key]
        limiter = self._private.get(chat_id)
        if limiter is None:
            limiter = self._private[chat_id] = AsyncLimiter(self._private_burst, self._private_period)
        return limiter

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        max_retries = rate_limit_args or self._max_retries
        chat_id: Any = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        group: int | str | bool = chat_id if ((isinstance(chat_id, int) and chat_id < 0)
                                             or isinstance(chat_id, str)) and endpoint not in UNPACED_IN_GROUPS \
            else False
        private = self._private_limiter(chat_id) if self._pace_private and isinstance(chat_id, int) \
            and chat_id > 0 else None
        for attempt in range(max_retries + 1):
            try:
                async with private or contextlib.nullcontext():
                    return await self._run_request(
                        chat=chat_id is not None, group=group,
                        allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                        callback=callback, args=args, kwargs=kwargs)
            except RetryAfter as exc:
                if attempt == max_retries:
                    raise
                value = getattr(exc, "_retry_after", None)
                wait = value.total_seconds() if isinstance(value, timedelta) else float(value or 1)
                log.info("429 for chat %s (%s): this request waits %.1f s", chat_id, endpoint, wait)
                await asyncio.sleep(wait + 0.1)
        return None
