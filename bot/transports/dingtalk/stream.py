"""Stream mode with the official SDK (`dingtalk-stream`): the bot opens an outbound WebSocket to DingTalk (no
public IP, no inbound port) and receives robot messages and card callbacks on it.

`MaintStreamClient` is the SDK's `DingTalkStreamClient` with three things of ours:
- the OpenAPI base is the configured endpoint (DINGTALK_OPENAPI_ENDPOINT wins, read at start-up; the SDK itself
  fixes it at import), and the local-IP look-up (the SDK's UDP probe towards a public address) is skipped when that
  endpoint is loopback — the offline fake and the tests never reach beyond 127.0.0.1;
- `run()` is a loop we can stop: reconnects with backoff (1 s doubling up to 60 s, as the SDK) and waits for the
  frames in flight before it returns;
- the frame handlers ack only what the router reports `Outcome.DONE` (`FrameHandler.raw_process` returns no
  ack otherwise, and the SDK then sends none): an unacknowledged frame is delivered again by DingTalk, and the
  processed marker makes sure it is applied once. A reconnect therefore neither loses nor repeats work.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import platform
from typing import Any
from urllib.parse import quote_plus, urlparse

import requests
import websockets
from dingtalk_stream import AckMessage, CallbackHandler, CallbackMessage, Credential, DingTalkStreamClient
from dingtalk_stream.frames import Headers
from dingtalk_stream.version import VERSION_STRING

from bot.handlers.router import Outcome
from bot.transports.dingtalk.adapter import CARD_TOPIC, MESSAGE_TOPIC, DingTalkPlatform

log = logging.getLogger(__name__)

BACKOFF_START = 1.0
BACKOFF_MAX = 60.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class FrameHandler(CallbackHandler):  # type: ignore[misc]
    """One topic's frames to the router; the ack (with the card callback's response) only after DONE."""

    def __init__(self, platform: DingTalkPlatform, topic: str) -> None:
        super().__init__()
        self.platform = platform
        self.topic = topic

    async def raw_process(self, callback_message: CallbackMessage) -> AckMessage | None:
        frame_id = str(callback_message.headers.message_id or "")
        outcome, response = await self.platform.handle_frame(self.topic, frame_id, callback_message.data or {})
        if outcome is not Outcome.DONE:
            log.info("frame %s left unacknowledged: DingTalk delivers it again", frame_id)
            return None
        ack = AckMessage()
        ack.code = AckMessage.STATUS_OK
        ack.headers.message_id = callback_message.headers.message_id
        ack.headers.content_type = Headers.CONTENT_TYPE_APPLICATION_JSON
        ack.data = {"response": response}
        return ack


class MaintStreamClient(DingTalkStreamClient):  # type: ignore[misc]
    def __init__(self, credential: Credential, endpoint: str) -> None:
        super().__init__(credential, logger=logging.getLogger("dingtalk_stream.client"))
        self.endpoint = endpoint.rstrip("/")
        self._stopping = asyncio.Event()
        self._frames: set[asyncio.Task[Any]] = set()
        self.connections = 0

    def get_host_ip(self) -> str:
        if (urlparse(self.endpoint).hostname or "") in LOOPBACK:
            return "127.0.0.1"
        return str(super().get_host_ip())

    def open_connection(self) -> dict[str, Any] | None:
        """The SDK's connection-open call, on our endpoint."""
        topics = [{"type": "CALLBACK", "topic": topic} for topic in self.callback_handler_map]
        body = json.dumps({"clientId": self.credential.client_id, "clientSecret": self.credential.client_secret,
                           "subscriptions": topics, "ua": f"dingtalk-sdk-python/v{VERSION_STRING}-union",
                           "localIp": self.get_host_ip()}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "User-Agent": f"DingTalkStream/1.0 SDK/{VERSION_STRING} Python/{platform.python_version()}"}
        try:
            response = requests.post(self.endpoint + "/v1.0/gateway/connections/open", headers=headers, data=body,
                                     timeout=15)
            response.raise_for_status()
            result: dict[str, Any] = response.json()
        except Exception as exc:  # refused, 4xx/5xx, not JSON: the loop retries with backoff
            log.error("DingTalk stream: opening a connection failed: %s", exc)
            return None
        return result

    async def run(self) -> None:
        """Connect, read frames (each handled in its own task, as the SDK does), reconnect until `stop()`."""
        self.pre_start()
        delay = BACKOFF_START
        while not self._stopping.is_set():
            connection = await asyncio.to_thread(self.open_connection)
            if connection:
                uri = f'{connection["endpoint"]}?ticket={quote_plus(connection["ticket"])}'
                try:
                    async with websockets.connect(uri, ping_interval=60) as websocket:
                        self.websocket = websocket
                        self.connections += 1
                        delay = BACKOFF_START
                        log.info("DingTalk stream connected")
                        reading = asyncio.ensure_future(self._read(websocket))
                        stopping = asyncio.ensure_future(self._stopping.wait())
                        await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
                        stopping.cancel()
                        if self._stopping.is_set():
                            await self._settle()  # let the frames in flight finish and ack
                            reading.cancel()
                        else:
                            reading.result()
                except (TimeoutError, OSError, websockets.exceptions.WebSocketException) as exc:
                    log.warning("DingTalk stream: connection lost (%s); reconnecting", exc)
            if self._stopping.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
            delay = min(delay * 2, BACKOFF_MAX)
        await self._settle()

    async def _read(self, websocket: Any) -> None:
        async for raw in websocket:
            task = asyncio.create_task(self.background_task(json.loads(raw)))
            self._frames.add(task)
            task.add_done_callback(self._frames.discard)

    async def _settle(self, timeout: float = 10.0) -> None:
        if self._frames:
            await asyncio.wait(set(self._frames), timeout=timeout)

    async def stop(self) -> None:
        self._stopping.set()


def stream_client(platform: DingTalkPlatform, *, client_id: str, client_secret: str,
                  endpoint: str) -> MaintStreamClient:
    client = MaintStreamClient(Credential(client_id, client_secret), endpoint)
    client.register_callback_handler(MESSAGE_TOPIC, FrameHandler(platform, MESSAGE_TOPIC))
    client.register_callback_handler(CARD_TOPIC, FrameHandler(platform, CARD_TOPIC))
    return client
