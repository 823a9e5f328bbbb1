"""DingTalk's OpenAPI, the few calls the bot needs: the app's access token, robot messages to people (one-to-one
batch send) and to a group conversation, interactive cards (buttons) and their updates.

- The access token is cached and renewed `TOKEN_MARGIN` before it expires (and at once after a 401).
- Our side keeps DingTalk's limits (`RateWindow`): a group robot may send `group_per_minute` (20) messages a
  minute — beyond that DingTalk blocks it for ten minutes —, so a send that would exceed it is not made: it raises
  `SendRetry` with the wait and the outbox tries again then (nothing is dropped).
- Errors: a 429 / throttling code, a 5xx, a timeout or a refused connection → `SendRetry`; any other 4xx (an
  unknown user, a robot not in the group, a bad parameter) → `SendRefused` (the outbox tells the admins).
- Texts go as `sampleMarkdown`: DingTalk's markdown is not Telegram's HTML, so `to_markdown` escapes what its
  markdown would read as formatting and keeps line breaks (two spaces before each newline).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.transports.base import ButtonRows, SendRefused, SendRetry

log = logging.getLogger(__name__)

TOKEN_MARGIN = 300.0  # seconds before expiry a token is renewed
TIMEOUT = aiohttp.ClientTimeout(total=15)
CARD_TEMPLATE = "StandardCard"
CALLBACK_ROUTE = "maintbot"
_MARKDOWN_SPECIALS = ("\\", "`", "*", "_", "#", "[", "]", ">", "|")


def to_markdown(text: str) -> str:
    """Our plain catalog text as DingTalk markdown: special characters escaped, line breaks kept."""
    for ch in _MARKDOWN_SPECIALS:
        text = text.replace(ch, "\\" + ch)
    return "  \n".join(text.split("\n"))


def title_of(text: str) -> str:
    """The notification title DingTalk shows in the chat list: the first line, short."""
    first = text.strip().split("\n", 1)[0]
    return first if len(first) <= 20 else first[:19] + "…"


def card_data(text: str, buttons: ButtonRows | None) -> dict[str, Any]:
    """An interactive card: the text, then each row of buttons; a button's id is our callback data (`v1:…`),
    which DingTalk hands back in the press's `cardPrivateData.actionIds`."""
    contents: list[dict[str, Any]] = [{"type": "markdown", "text": to_markdown(text), "id": "text"}]
    for index, row in enumerate(buttons or []):
        contents.append({"type": "action", "id": f"row{index}", "actions": [
            {"type": "button", "label": {"type": "text", "text": label, "id": f"label-{data}"},
             "actionType": "request", "status": "normal", "id": data} for label, data in row]})
    return {"config": {"autoLayout": True, "enableForward": False}, "contents": contents}


class RateWindow:
    """At most `limit` sends per `period` seconds per key (a sliding window, on the monotonic clock)."""

    def __init__(self, limit: int, period: float, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self.now = now
        self._sent: dict[str, deque[float]] = {}

    def wait(self, key: str) -> float:
        """Seconds until one more send to `key` is allowed (0: now)."""
        sent = self._sent.setdefault(key, deque())
        moment = self.now()
        while sent and sent[0] <= moment - self.period:
            sent.popleft()
        return 0.0 if len(sent) < self.limit else sent[0] + self.period - moment

    def take(self, key: str) -> None:
        self._sent.setdefault(key, deque()).append(self.now())


@dataclass
class Sent:
    """What DingTalk answered to a send: its query key (for cards: our out-track id)."""

    message_id: str


class DingTalkApi:
    """One app's OpenAPI client (aiohttp); the Stream client uses its own connection."""

    def __init__(self, *, endpoint: str, client_id: str, client_secret: str, robot_code: str,
                 group_per_minute: int = 20, private_per_second: int = 20,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.robot_code = robot_code
        self.group_window = RateWindow(group_per_minute, 60.0, monotonic)
        self.private_window = RateWindow(private_per_second, 1.0, monotonic)
        self._monotonic = monotonic
        self._token: tuple[str, float] | None = None  # (token, monotonic time it must be renewed)
        self._token_lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def token(self) -> str:
        async with self._token_lock:
            if self._token is not None and self._monotonic() < self._token[1]:
                return self._token[0]
            body = await self._call("POST", "/v1.0/oauth2/accessToken",
                                    {"appKey": self.client_id, "appSecret": self.client_secret}, auth=False)
            token = str(body["accessToken"])
            lifetime = float(body.get("expireIn", 7200))
            self._token = (token, self._monotonic() + max(lifetime - TOKEN_MARGIN, lifetime / 2))
            return token

    async def _call(self, method: str, path: str, payload: dict[str, Any], *, auth: bool = True) -> dict[str, Any]:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["x-acs-dingtalk-access-token"] = await self.token()
        try:
            async with self._http().request(method, self.endpoint + path, json=payload, headers=headers) as resp:
                status = resp.status
                text = await resp.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SendRetry(2.0, f"{type(exc).__name__}: {exc}") from exc
        try:
            body: dict[str, Any] = json.loads(text) if text else {}
        except ValueError:
            body = {"message": text[:200]}
        if status == 401 and auth:
            self._token = None  # renewed on the next call
            raise SendRetry(1.0, f"401 {body.get('code', '')}: token refused, renewed")
        code = str(body.get("code", ""))
        if status == 429 or "throttl" in code.lower() or "qpslimit" in code.lower():
            raise SendRetry(float(body.get("retryAfter", 60)), f"{status} {code}: DingTalk rate limit", exact=True)
        if status >= 500:
            raise SendRetry(2.0, f"{status} {code}: {body.get('message', '')}")
        if status >= 400:
            raise SendRefused(f"{status} {code}: {body.get('message', '')}")
        return body

    def _limit(self, window: RateWindow, key: str) -> None:
        wait = window.wait(key)
        if wait > 0:
            raise SendRetry(wait, f"our side of DingTalk's limit for {key}: {window.limit} per {window.period:.0f}s",
                            exact=True)

    async def send_text(self, address: str, text: str) -> Sent:
        """A markdown message to `user:<id>` (robot one-to-one batch send) or `group:<cid>` (group message)."""
        kind, _, target = address.partition(":")
        param = json.dumps({"title": title_of(text), "text": to_markdown(text)}, ensure_ascii=False)
        if kind == "group":
            self._limit(self.group_window, address)
            body = await self._call("POST", "/v1.0/robot/groupMessages/send", {
                "robotCode": self.robot_code, "openConversationId": target, "msgKey": "sampleMarkdown",
                "msgParam": param})
            self.group_window.take(address)
        else:
            self._limit(self.private_window, "private")
            body = await self._call("POST", "/v1.0/robot/oToMessages/batchSend", {
                "robotCode": self.robot_code, "userIds": [target], "msgKey": "sampleMarkdown", "msgParam": param})
            self.private_window.take("private")
            if target in (body.get("invalidStaffIdList") or []) or target in (body.get("flowControlledStaffIdList")
                                                                             or []):
                if target in (body.get("flowControlledStaffIdList") or []):
                    raise SendRetry(60.0, f"DingTalk flow control for {target}", exact=True)
                raise SendRefused(f"DingTalk does not know the user {target}")
        return Sent(str(body.get("processQueryKey") or next(self._ids)))

    async def send_card(self, address: str, text: str, buttons: ButtonRows) -> Sent:
        """An interactive card with our buttons; its out-track id is the message id (cards are updated by it)."""
        kind, _, target = address.partition(":")
        track = f"mb-{uuid.uuid4().hex[:24]}"
        payload: dict[str, Any] = {
            "cardTemplateId": CARD_TEMPLATE, "cardBizId": track, "robotCode": self.robot_code,
            "callbackRouteKey": CALLBACK_ROUTE, "cardData": json.dumps(card_data(text, buttons), ensure_ascii=False),
            "pullStrategy": False}
        if kind == "group":
            self._limit(self.group_window, address)
            payload["openConversationId"] = target
        else:
            self._limit(self.private_window, "private")
            payload["singleChatReceiver"] = json.dumps({"userId": target})
        await self._call("POST", "/v1.0/im/v1.0/robot/interactiveCards/send", payload)
        (self.group_window if kind == "group" else self.private_window).take(address if kind == "group"
                                                                             else "private")
        return Sent(track)

    async def send(self, address: str, text: str, buttons: ButtonRows | None = None) -> Sent:
        return await (self.send_card(address, text, buttons) if buttons else self.send_text(address, text))

    async def update_card(self, track: str, text: str, buttons: ButtonRows | None) -> None:
        await self._call("PUT", "/v1.0/im/robots/interactiveCards", {
            "cardBizId": track, "cardData": json.dumps(card_data(text, buttons), ensure_ascii=False)})
