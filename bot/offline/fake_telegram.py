"""An offline fake of the Telegram Bot API, and a chat driver that talks to the real Application.

`FakeBotAPI` is a `telegram.request.BaseRequest`: python-telegram-bot sends it every call it would
send to Telegram; it answers like Telegram and records each call, so tests and the console mode run
the real Application, handlers, scheduler and database with no token and no network. Failures
(timeouts, 5xx, 429 with retry_after, refused connections) can be injected per method. Like Telegram it
refuses (HTTP 400) texts over 4096 characters, captions over 1024, toasts over 200, callback data over
64 bytes and buttons without a label (`refuse`), so no reply can pass the tests and fail in production.
Telegram's flood limits (`FloodLimits`) can be switched on: then a send beyond them gets 429 with
`retry_after`, like Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.constants import ReactionEmoji
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.state import find_state

BOT_ID = 7000000001
BOT_USERNAME = "maintbot_demo_bot"
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


@dataclass
class ApiCall:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class SentMessage:
    """A message the bot sent (or edited), as a chat participant sees it."""

    chat_id: int
    message_id: int
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    method: str = "sendMessage"

    def button_labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]

    def data_for(self, label: str) -> str:
        for row in self.buttons:
            for text, data in row:
                if text == label:
                    return data
        raise KeyError(f"no button {label!r} in {self.button_labels()}")


@dataclass
class Failure:
    """An injected failure: `kind` is 'status' (HTTP status + optional retry_after), 'timeout' or 'refused'."""

    method: str
    kind: str = "status"
    status: int = 500
    retry_after: int | None = None
    description: str = "Internal Server Error"
    chat_id: int | None = None  # only calls to this chat (None: any)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's flood limits as the fake enforces them, as token buckets (a burst, then a sustained rate):
    about 30 messages a second overall, 1 a second per private chat with small bursts, 20 a minute per group.
    A message beyond them gets 429 "Too Many Requests" with `parameters.retry_after`, like Telegram."""

    overall_per_second: float = 30.0
    overall_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FloodLimits:
        return cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})


class _Bucket:
    def __init__(self, per_second: float, burst: int) -> None:
        self.rate = per_second
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.at = time.monotonic()

    def wait(self, now: float) -> float:
        """Seconds until one message fits (0: it fits now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class FloodControl:
    """Decides whether a send fits Telegram's limits; counts the refusals."""

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self.overall = _Bucket(limits.overall_per_second, limits.overall_burst)
        self.chats: dict[int, _Bucket] = {}
        self.refused = 0

    def retry_after(self, chat_id: int) -> int | None:
        """None when the message may go now; otherwise whole seconds to wait (at least 1), as Telegram says."""
        limits = self.limits
        bucket = self.chats.get(chat_id)
        if bucket is None:
            bucket = _Bucket(limits.private_per_second, limits.private_burst) if chat_id > 0 \
                else _Bucket(limits.group_per_minute / 60, limits.group_burst)
            self.chats[chat_id] = bucket
        now = time.monotonic()
        wait = max(bucket.wait(now), self.overall.wait(now))
        if wait > 0:
            self.refused += 1
            return max(1, math.ceil(wait))
        bucket.take()
        self.overall.take()
        return None


def _buttons(markup: Any) -> list[list[tuple[str, str]]]:
    if not markup:
        return []
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", [])
    return [[(b.get("text", ""), b.get("callback_data", "")) for b in row] for row in rows]


REACTION_EMOJI = frozenset(e.value for e in ReactionEmoji)
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
ANSWER_LIMIT = 200
CALLBACK_DATA_LIMIT = 64


def _markup_refusal(markup: Any) -> str | None:
    """Telegram's answer to an inline keyboard it cannot accept, or None."""
    if not markup:
        return None
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not str(button.get("text", "")).strip():
                return "Bad Request: BUTTON_TEXT_INVALID"
            data = button.get("callback_data")
            others = [k for k in button if k not in ("text", "callback_data")]
            if data is None and not others:
                return ("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
                        "inline keyboard")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


def refuse(method: str, params: dict[str, Any]) -> str | None:
    """What Telegram answers (HTTP 400 description) to a call it refuses for its size limits, or None.

    Texts are counted as Telegram counts plain text, in characters, after stripping the surrounding
    whitespace (which Telegram drops): sendMessage over 4096 is "message is too long", an edit over 4096
    "MESSAGE_TOO_LONG", an empty text "message text is empty", a caption over 1024 "message caption is too
    long", a callback answer over 200 "MESSAGE_TOO_LONG"; callback data must be 1–64 bytes and a button needs
    a label.
    """
    if method in ("sendMessage", "editMessageText"):
        text = str(params.get("text", "")).strip()
        if not text:
            return "Bad Request: message text is empty"
        if len(text) > MESSAGE_LIMIT:
            return "Bad Request: message is too long" if method == "sendMessage" else "Bad Request: MESSAGE_TOO_LONG"
    if method in ("sendDocument", "sendPhoto") and len(str(params.get("caption") or "").strip()) > CAPTION_LIMIT:
        return "Bad Request: message caption is too long"
    if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > ANSWER_LIMIT:
        return "Bad Request: MESSAGE_TOO_LONG"
    if method == "setMessageReaction":  # only Telegram's own reaction set (✅ is not in it)
        reaction = params.get("reaction") or []
        reaction = json.loads(reaction) if isinstance(reaction, str) else reaction
        if any(item.get("emoji") not in REACTION_EMOJI for item in reaction):
            return "Bad Request: REACTION_INVALID"
    if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto"):
        return _markup_refusal(params.get("reply_markup"))
    return None


class FakeBotAPI(BaseRequest):
    """Answers Bot API methods in-process and records them."""

    def __init__(self, *, can_read_all_group_messages: bool = False, flood_limits: FloodLimits | None = None) -> None:
        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.failures: deque[Failure] = deque()
        self.refusals: list[tuple[str, str]] = []  # (method, Telegram's description) of every call refused
        self.updates: asyncio.Queue[dict[str, Any]] | None = None
        self.listeners: list[Callable[[SentMessage], None]] = []
        self.call_listeners: list[Callable[[ApiCall], None]] = []
        self.can_read_all_group_messages = can_read_all_group_messages
        self.reactions: list[tuple[int, int, str]] = []  # (chat id, message id, emoji) of setMessageReaction
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self._ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self.files: list[tuple[str, bytes]] = []
        # Files people "sent" (file id → bytes): getFile and the file download serve them offline.
        self.stored_files: dict[str, bytes] = {}
        # Optional hook for benchmarks: decide a 429 per call (returns retry_after seconds or None).
        self.limiter: Callable[[str, dict[str, Any]], int | None] | None = None
        self._polling = False
        # Telegram's flood limits (off unless given: most tests send a few messages and need no pacing).
        self.flood: FloodControl | None = FloodControl(flood_limits) if flood_limits is not None else None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        if self.updates is None:
            self.updates = asyncio.Queue()

    async def shutdown(self) -> None:
        return None

    # -- test helpers -------------------------------------------------------------------------------
    def fail_next(self, method: str, kind: str = "status", *, status: int = 500, retry_after: int | None = None,
                  times: int = 1, chat_id: int | None = None) -> None:
        for _ in range(times):
            self.failures.append(Failure(method, kind, status, retry_after, chat_id=chat_id))

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def calls_of(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    # -- the API ---------------------------------------------------------------------------------------
    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download (after getFile): served from what people sent
            content = self.stored_files.get(url.rsplit("/", 1)[-1])
            return (200, content) if content is not None else self._error(404, "Not Found")
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            for name, value in request_data.multipart_data.items():
                content = value[1] if isinstance(value, tuple) else value
                self.files.append((name, content if isinstance(content, bytes) else b""))
        if api_method != "getUpdates":
            call = ApiCall(api_method, params, time.monotonic())
            self.calls.append(call)
            for call_listener in self.call_listeners:
                call_listener(call)
        failure = self._take_failure(api_method, params.get("chat_id"))
        if failure is not None:
            return self._fail(failure)
        if self.limiter is not None and api_method.startswith("send"):
            retry_after = self.limiter(api_method, params)
            if retry_after is not None:
                return self._error(429, f"Too Many Requests: retry after {retry_after}",
                                   {"retry_after": retry_after})
        refusal = refuse(api_method, params)
        if refusal is not None:
            self.refusals.append((api_method, refusal))
            return self._error(400, refusal)
        if self.flood is not None and api_method.startswith("send") and "chat_id" in params:
            retry_after = self.flood.retry_after(int(params["chat_id"]))
            if retry_after is not None:
                return self._error(429, f"Too Many Requests: retry after {retry_after}",
                                   {"retry_after": retry_after})
        if api_method == "getFile" and str(params.get("file_id")) not in self.stored_files:
            return self._error(400, "Bad Request: invalid file_id")
        handler = getattr(self, f"_api_{api_method}", None)
        if handler is None:
            return self._ok(True)
        if api_method == "getUpdates":  # like Telegram: one poller per token at a time
            if not self._claim_poller():
                return self._error(409, CONFLICT)
            try:
                return self._ok(await handler(params))
            finally:
                self._release_poller()
        result = handler(params)
        if asyncio.iscoroutine(result):
            result = await result
        return self._ok(result)

    def _claim_poller(self) -> bool:
        """False while another getUpdates call is in progress (the second poller gets 409 Conflict)."""
        if self._polling:
            return False
        self._polling = True
        return True

    def _release_poller(self) -> None:
        self._polling = False

    def _take_failure(self, method: str, chat_id: Any = None) -> Failure | None:
        for failure in list(self.failures):
            if failure.method in (method, "*") and (failure.chat_id is None or str(failure.chat_id) == str(chat_id)):
                self.failures.remove(failure)
                return failure
        return None

    def _fail(self, failure: Failure) -> tuple[int, bytes]:
        if failure.kind == "timeout":
            raise TimedOut("fake timeout")
        if failure.kind == "refused":
            raise NetworkError("fake: connection refused")
        extra = {"retry_after": failure.retry_after} if failure.retry_after else None
        if failure.status == 429 and extra is None:
            extra = {"retry_after": 1}
        return self._error(failure.status, failure.description, extra)

    @staticmethod
    def _ok(result: Any) -> tuple[int, bytes]:
        return 200, json.dumps({"ok": True, "result": result}).encode()

    @staticmethod
    def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> tuple[int, bytes]:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return status, json.dumps(body).encode()

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "maintbot", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": self.can_read_all_group_messages,
                "supports_inline_queries": False}

    def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_user()

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert self.updates is not None
        timeout = float(params.get("timeout") or 0)
        items: list[dict[str, Any]] = []
        try:
            first = await asyncio.wait_for(self.updates.get(), timeout=min(timeout, 0.2) or 0.01)
            items.append(first)
        except TimeoutError:
            return []
        while not self.updates.empty() and len(items) < 100:
            items.append(self.updates.get_nowait())
        return items

    def _record(self, chat_id: int, text: str, markup: Any, method: str,
                message_id: int | None = None) -> dict[str, Any]:
        mid = message_id if message_id is not None else next(self._ids[chat_id])
        message = SentMessage(chat_id, mid, text, _buttons(markup), method)
        self.sent.append(message)
        for listener in self.listeners:
            listener(message)
        chat_type = "private" if chat_id > 0 else "supergroup"
        payload: dict[str, Any] = {"message_id": mid, "date": int(time.time()),
                                   "chat": {"id": chat_id, "type": chat_type}, "from": self._bot_user(),
                                   "text": text}
        if markup:
            payload["reply_markup"] = markup if isinstance(markup, dict) else json.loads(markup)
        return payload

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._record(int(params["chat_id"]), str(params.get("text", "")), params.get("reply_markup"),
                            "sendMessage")

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._record(int(params["chat_id"]), str(params.get("text", "")), params.get("reply_markup"),
                            "editMessageText", int(params["message_id"]))

    def _api_setMessageReaction(self, params: dict[str, Any]) -> bool:
        reaction = params.get("reaction") or []
        if isinstance(reaction, str):
            reaction = json.loads(reaction)
        emojis = [str(item.get("emoji", "")) for item in reaction]
        self.reactions += [(int(params["chat_id"]), int(params["message_id"]), emoji) for emoji in emojis]
        return True

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        previous = next((m for m in reversed(self.sent) if m.chat_id == int(params["chat_id"])
                         and m.message_id == int(params["message_id"])), None)
        return self._record(int(params["chat_id"]), previous.text if previous else "", params.get("reply_markup"),
                            "editMessageReplyMarkup", int(params["message_id"]))

    def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._record(int(params["chat_id"]), f"[document] {params.get('caption', '')}", None,
                            "sendDocument")

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._record(int(params["chat_id"]), f"[photo] {params.get('caption', '')}", None, "sendPhoto")

    def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.stored_files[file_id]),
                "file_path": f"files/{file_id}"}

    def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        key = json.dumps(scope, sort_keys=True)
        self.commands[key] = list(params.get("commands", []))
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}


@dataclass(frozen=True)
class FakeFile:
    """A photo or file a person sends (its bytes are served by getFile and the download)."""

    file_id: str
    content: bytes
    name: str | None = None
    mime: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)


class UpdateFactory:
    """Builds Telegram update payloads as a user's client would send them."""

    def __init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(100000))

    def next_update_id(self) -> int:
        return next(self._update_ids)

    @staticmethod
    def user(user_id: int, name: str = "user", language: str = "zh-hans") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": language}

    @staticmethod
    def chat(chat_id: int, title: str | None = None) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "user"}
        return {"id": chat_id, "type": "supergroup", "title": title or "项目群"}

    def message(self, user_id: int, text: str | None = None, *, chat_id: int | None = None,
                location: tuple[float, float] | None = None, reply_to: dict[str, Any] | None = None,
                language: str = "zh-hans", sent_at: datetime | None = None,
                photo: FakeFile | None = None, document: FakeFile | None = None,
                caption: str | None = None) -> dict[str, Any]:
        """`sent_at`: the message's date (when the person sent it), default the real time now. `photo` /
        `document` with a `caption` (a command caption gets its bot_command entity) as a client sends them."""
        chat = chat_id if chat_id is not None else user_id
        date = int(sent_at.timestamp()) if sent_at is not None else int(time.time())
        message: dict[str, Any] = {"message_id": next(self._message_ids[chat]), "date": date,
                                   "chat": self.chat(chat), "from": self.user(user_id, language=language)}
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split()[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if photo is not None:
            message["photo"] = [{"file_id": f"{photo.file_id}-s", "file_unique_id": f"u{photo.file_id}-s",
                                 "width": 90, "height": 90, "file_size": min(photo.size, 1000)},
                                {"file_id": photo.file_id, "file_unique_id": f"u{photo.file_id}",
                                 "width": 1280, "height": 960, "file_size": photo.size}]
        if document is not None:
            message["document"] = {"file_id": document.file_id, "file_unique_id": f"u{document.file_id}",
                                   "file_name": document.name, "mime_type": document.mime,
                                   "file_size": document.size}
        if caption is not None:
            message["caption"] = caption
            if caption.startswith("/"):
                message["caption_entities"] = [{"type": "bot_command", "offset": 0,
                                                "length": len(caption.split()[0])}]
        if location is not None:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"update_id": self.next_update_id(), "message": message}

    def edited(self, original: dict[str, Any], text: str) -> dict[str, Any]:
        """The same message after its author edited it: Telegram sends a new update with `edited_message`."""
        message = {**original["message"], "text": text, "edit_date": int(time.time())}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        else:
            message.pop("entities", None)
        return {"update_id": self.next_update_id(), "edited_message": message}

    def callback(self, user_id: int, sent: SentMessage, data: str, language: str = "zh-hans") -> dict[str, Any]:
        message = {"message_id": sent.message_id, "date": int(time.time()), "chat": self.chat(sent.chat_id),
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "maintbot", "username": BOT_USERNAME},
                   "text": sent.text}
        return {"update_id": self.next_update_id(),
                "callback_query": {"id": str(self.next_update_id()), "from": self.user(user_id, language=language),
                                   "chat_instance": str(sent.chat_id), "message": message, "data": data}}

    @staticmethod
    def bot_message(sent: SentMessage) -> dict[str, Any]:
        """A message the bot sent, as it appears in `reply_to_message`."""
        return {"message_id": sent.message_id, "date": int(time.time()),
                "chat": UpdateFactory.chat(sent.chat_id),
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "maintbot", "username": BOT_USERNAME},
                "text": sent.text}


class ChatDriver:
    """Talk to the running Application like people in a chat; each call returns what the bot sent."""

    def __init__(self, app: Application, api: FakeBotAPI) -> None:
        self.app = app
        self.api = api
        self.factory = UpdateFactory()

    async def _process(self, payload: dict[str, Any]) -> list[SentMessage]:
        before = len(self.api.sent)
        update = Update.de_json(payload, self.app.bot)
        await self.app.process_update(update)
        await self.flush()
        return self.api.sent[before:]

    async def flush(self) -> None:
        """Deliver what the outbox owes right now (the worker would do it within a second)."""
        state = find_state(self.app)
        delivery = state.delivery if state is not None else None
        if delivery is not None:
            await delivery.drain()

    async def send(self, user_id: int, text: str, *, chat_id: int | None = None,
                   reply_to: SentMessage | dict[str, Any] | None = None,
                   language: str = "zh-hans", sent_at: datetime | None = None) -> list[SentMessage]:
        reply = UpdateFactory.bot_message(reply_to) if isinstance(reply_to, SentMessage) else reply_to
        return await self._process(self.factory.message(user_id, text, chat_id=chat_id, reply_to=reply,
                                                        language=language, sent_at=sent_at or self._now()))

    async def send_file(self, user_id: int, file: FakeFile, *, photo: bool = True, caption: str | None = None,
                        chat_id: int | None = None,
                        reply_to: SentMessage | dict[str, Any] | None = None) -> list[SentMessage]:
        """A photo (or, `photo=False`, a document) with an optional caption, as a client sends it."""
        self.api.stored_files[file.file_id] = file.content
        reply = UpdateFactory.bot_message(reply_to) if isinstance(reply_to, SentMessage) else reply_to
        return await self._process(self.factory.message(
            user_id, None, chat_id=chat_id, reply_to=reply, sent_at=self._now(), caption=caption,
            photo=file if photo else None, document=None if photo else file))

    def _now(self) -> datetime | None:
        """A message is sent at the application's clock (the fake clock in tests), as a person would."""
        state = find_state(self.app)
        return state.clock.now() if state is not None else None

    async def send_location(self, user_id: int, latitude: float, longitude: float, *,
                            chat_id: int | None = None) -> list[SentMessage]:
        return await self._process(self.factory.message(user_id, None, chat_id=chat_id,
                                                        location=(latitude, longitude), sent_at=self._now()))

    async def press(self, user_id: int, sent: SentMessage, label: str) -> list[SentMessage]:
        return await self._process(self.factory.callback(user_id, sent, sent.data_for(label)))

    async def press_data(self, user_id: int, sent: SentMessage, data: str) -> list[SentMessage]:
        return await self._process(self.factory.callback(user_id, sent, data))

    def answers(self) -> list[ApiCall]:
        return self.api.calls_of("answerCallbackQuery")
