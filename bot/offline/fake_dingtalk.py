"""An offline fake of DingTalk over loopback: the Stream gateway, the token endpoint and the robot send endpoints.

The official SDK (and our OpenAPI client) are pointed at it through the OpenAPI base (`DINGTALK_OPENAPI_ENDPOINT`,
or `[dingtalk] openapi_endpoint`): the connection-open call is answered with a local `ws://127.0.0.1:PORT`
endpoint, robot messages and card callbacks are pushed as Stream frames, acks are recorded, and a frame that was
not acknowledged is delivered again on the next connection (as DingTalk does). The send endpoints record what
the bot sent, check the access token (401 for an unknown one), refuse unknown users and enforce DingTalk's own
group limit (20 a minute, then blocked) — our side must never reach it. Failures can be injected (`fail_next`).
Nothing here opens a socket beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

CLIENT_ID = "dingoffline0001"
CLIENT_SECRET = "offline-secret-not-real"
ROBOT_CODE = "dingoffline0001"
GROUP_CID = "cidOFFLINEgroup0001=="
GROUP_LIMIT = 20  # DingTalk: a group robot may send 20 messages a minute, then it is blocked for 10 minutes


def plain(markdown: str) -> str:
    """What a person reads of our markdown (escapes and hard breaks undone)."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n"))


@dataclass
class FakeDingMessage:
    """What the bot sent: to `user:<id>` or `group:<cid>`; a card has buttons and a track id."""

    address: str
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    track: str | None = None
    updates: int = 0

    def data_for(self, label: str) -> str:
        for row in self.buttons:
            for text, data in row:
                if text == label:
                    return data
        raise KeyError(f"no button {label!r} in {[t for row in self.buttons for t, _ in row]}")


def _card(card_data: str) -> tuple[str, list[list[tuple[str, str]]]]:
    data = json.loads(card_data)
    text, rows = "", []
    for part in data.get("contents", []):
        if part.get("type") == "markdown":
            text = plain(part["text"])
        elif part.get("type") == "action":
            rows.append([(a["label"]["text"], a["id"]) for a in part["actions"]])
    return text, rows


class FakeDingTalk:
    def __init__(self, *, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET,
                 token_lifetime: int = 7200, known_users: set[str] | None = None) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.known_users = known_users  # None: everyone exists
        self.port = 0
        self.sent: list[FakeDingMessage] = []
        self.cards: dict[str, FakeDingMessage] = {}
        self.acks: dict[str, dict[str, Any]] = {}
        self.frames: dict[str, dict[str, Any]] = {}  # every frame pushed, by id
        self.opens = 0
        self.token_calls = 0
        self.tokens: set[str] = set()
        self.group_sends: dict[str, deque[float]] = {}
        self.group_blocked: list[str] = []
        self.failures: dict[str, deque[tuple[int, str]]] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._tickets: set[str] = set()
        self._ids = itertools.count(1)
        self._acked = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.monotonic = time.monotonic  # the clock of DingTalk's own group limit (tests move it)
        self.lose_next_ack = False  # the next ack never arrives: the connection drops as it is sent
        self.on_ack: Any = None  # called with the frame id before an ack is recorded; True: the ack is lost

    # -- server -----------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeDingTalk:
        app = web.Application()
        app.router.add_post("/v1.0/gateway/connections/open", self._open)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_post("/v1.0/oauth2/accessToken", self._token)
        app.router.add_post("/v1.0/robot/oToMessages/batchSend", self._batch_send)
        app.router.add_post("/v1.0/robot/groupMessages/send", self._group_send)
        app.router.add_post("/v1.0/im/v1.0/robot/interactiveCards/send", self._card_send)
        app.router.add_put("/v1.0/im/robots/interactiveCards", self._card_update)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        await self.drop_connections()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def fail_next(self, path: str, status: int, code: str = "fault", times: int = 1) -> None:
        """The next `times` calls to `path` answer `status` with DingTalk's error body."""
        self.failures.setdefault(path, deque()).extend([(status, code)] * times)

    def _failure(self, request: web.Request) -> web.Response | None:
        queue = self.failures.get(request.path)
        if queue:
            status, code = queue.popleft()
            return web.json_response({"code": code, "message": f"injected {status}"}, status=status)
        return None

    def _authorised(self, request: web.Request) -> web.Response | None:
        if request.headers.get("x-acs-dingtalk-access-token") not in self.tokens:
            return web.json_response({"code": "InvalidAuthentication", "message": "token invalid"}, status=401)
        return self._failure(request)

    async def _open(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("clientId") != self.client_id or body.get("clientSecret") != self.client_secret:
            return web.json_response({"code": "InvalidAuthentication", "message": "bad credentials"}, status=401)
        failed = self._failure(request)
        if failed is not None:
            return failed
        self.opens += 1
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return web.json_response({"endpoint": f"ws://127.0.0.1:{self.port}/gateway", "ticket": ticket})

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("ticket") not in self._tickets:
            return web.Response(status=403)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        for frame_id, frame in list(self.frames.items()):  # what was never acknowledged comes again
            if frame_id not in self.acks:
                await ws.send_str(json.dumps(frame))
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            ack = json.loads(message.data)
            frame_id = ack.get("headers", {}).get("messageId")
            if frame_id and self.on_ack is not None and self.on_ack(frame_id):
                await ws.close()
                break
            if frame_id and self.lose_next_ack:
                self.lose_next_ack = False
                await ws.close()
                break
            if frame_id:
                async with self._acked:
                    data = ack.get("data")
                    self.acks[frame_id] = {"code": ack.get("code"),
                                           "data": json.loads(data) if isinstance(data, str) else data}
                    self._acked.notify_all()
        if ws in self._sockets:
            self._sockets.remove(ws)
        return ws

    async def _token(self, request: web.Request) -> web.Response:
        body = await request.json()
        failed = self._failure(request)
        if failed is not None:
            return failed
        if body.get("appKey") != self.client_id or body.get("appSecret") != self.client_secret:
            return web.json_response({"code": "invalidClientIdOrSecret", "message": "bad app secret"}, status=400)
        self.token_calls += 1
        token = f"tok-{next(self._ids)}"
        self.tokens.add(token)
        return web.json_response({"accessToken": token, "expireIn": self.token_lifetime})

    def _group_allowed(self, cid: str) -> bool:
        window = self.group_sends.setdefault(cid, deque())
        now = self.monotonic()
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= GROUP_LIMIT:
            self.group_blocked.append(cid)
            return False
        window.append(now)
        return True

    async def _batch_send(self, request: web.Request) -> web.Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        body = await request.json()
        param = json.loads(body["msgParam"])
        invalid = [u for u in body["userIds"] if self.known_users is not None and u not in self.known_users]
        for user in body["userIds"]:
            if user not in invalid:
                self.sent.append(FakeDingMessage(f"user:{user}", plain(param.get("text", param.get("content", "")))))
        return web.json_response({"processQueryKey": f"q{next(self._ids)}", "invalidStaffIdList": invalid,
                                  "flowControlledStaffIdList": []})

    async def _group_send(self, request: web.Request) -> web.Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        body = await request.json()
        if not self._group_allowed(body["openConversationId"]):
            return web.json_response({"code": "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                                      "message": "group robot over 20 a minute"}, status=429)
        param = json.loads(body["msgParam"])
        self.sent.append(FakeDingMessage(f"group:{body['openConversationId']}", plain(param.get("text", ""))))
        return web.json_response({"processQueryKey": f"q{next(self._ids)}"})

    async def _card_send(self, request: web.Request) -> web.Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        body = await request.json()
        if body.get("openConversationId"):
            if not self._group_allowed(body["openConversationId"]):
                return web.json_response({"code": "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
                                          "message": "group robot over 20 a minute"}, status=429)
            address = f"group:{body['openConversationId']}"
        else:
            user = json.loads(body["singleChatReceiver"])["userId"]
            if self.known_users is not None and user not in self.known_users:
                return web.json_response({"code": "invalidParameter.userId", "message": "no such user"}, status=400)
            address = f"user:{user}"
        text, rows = _card(body["cardData"])
        message = FakeDingMessage(address, text, rows, body["cardBizId"])
        self.sent.append(message)
        self.cards[body["cardBizId"]] = message
        return web.json_response({"processQueryKey": body["cardBizId"]})

    async def _card_update(self, request: web.Request) -> web.Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        body = await request.json()
        card = self.cards.get(body["cardBizId"])
        if card is None:
            return web.json_response({"code": "card.notFound", "message": "no such card"}, status=404)
        card.text, card.buttons = _card(body["cardData"])
        card.updates += 1
        return web.json_response({"success": True})

    # -- pushing frames ---------------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return bool(self._sockets)

    async def wait_connected(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not self._sockets:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not connect to the fake DingTalk stream")
            await asyncio.sleep(0.01)

    async def drop_connections(self) -> None:
        """The network drops: every stream connection is closed (the SDK reconnects)."""
        for ws in list(self._sockets):
            await ws.close()
        self._sockets.clear()

    async def _push(self, topic: str, payload: dict[str, Any]) -> str:
        frame_id = f"frame-{uuid.uuid4().hex[:16]}"
        frame = {"specVersion": "1.0", "type": "CALLBACK",
                 "headers": {"appId": "offline-app", "connectionId": "c1", "contentType": "application/json",
                             "messageId": frame_id, "time": str(int(time.time() * 1000)), "topic": topic},
                 "data": json.dumps(payload, ensure_ascii=False)}
        self.frames[frame_id] = frame
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(frame))
            break
        return frame_id

    async def push_message(self, staff_id: str, text: str, *, group: str | None = None, nick: str = "",
                           created_at_ms: int | None = None, msgtype: str = "text") -> str:
        """A robot message (private, or in `group` where it @-mentions the robot); returns the frame id."""
        msg_id = f"msg{next(self._ids)}"
        payload: dict[str, Any] = {
            "conversationId": group or f"cidPRIVATE-{staff_id}", "conversationType": "2" if group else "1",
            "msgId": msg_id, "senderNick": nick or staff_id, "senderStaffId": staff_id,
            "senderId": f"$:LWCP_v1:${staff_id}", "isAdmin": False, "robotCode": ROBOT_CODE,
            "chatbotUserId": "$:LWCP_v1:$robot", "sessionWebhook": f"{self.url}/robot/sendBySession?s={msg_id}",
            "sessionWebhookExpiredTime": int(time.time() * 1000) + 5400_000,
            "createAt": created_at_ms or int(time.time() * 1000), "msgtype": msgtype, "isInAtList": bool(group)}
        if msgtype == "text":
            payload["text"] = {"content": (" " + text) if group else text}
        else:
            payload["content"] = {"downloadCode": "dl-offline"}
        if group:
            payload["conversationTitle"] = "测试维保群"
        return await self._push("/v1.0/im/bot/messages/get", payload)

    async def push_press(self, staff_id: str, card: FakeDingMessage, label: str) -> str:
        """A press of the card button labelled `label` by `staff_id`; returns the frame id."""
        return await self.push_press_data(staff_id, card, card.data_for(label))

    async def push_press_data(self, staff_id: str, card: FakeDingMessage, data: str) -> str:
        payload: dict[str, Any] = {
            "corpId": "dingcorpOFFLINE", "userId": staff_id, "outTrackId": card.track, "type": "actionCallback",
            "content": json.dumps({"cardPrivateData": {"actionIds": [data], "params": {}}}),
            "extension": "{}"}
        if card.address.startswith("group:"):
            payload["openConversationId"] = card.address.removeprefix("group:")
        return await self._push("/v1.0/card/instances/callback", payload)

    async def wait_acked(self, frame_id: str, timeout: float = 10.0) -> dict[str, Any]:
        async with self._acked:
            await asyncio.wait_for(self._acked.wait_for(lambda: frame_id in self.acks), timeout)
        return self.acks[frame_id]

    def to(self, address: str) -> list[FakeDingMessage]:
        return [m for m in self.sent if m.address == address]
