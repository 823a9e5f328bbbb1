"""DingTalk in the bot's process: started from `on_startup` when `[dingtalk]` lists it, stopped at shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from bot.features import DECLARED, build_router
from bot.handlers.common import Runtime
from bot.services.container import Services
from bot.transports.dingtalk.adapter import DingTalkPlatform
from bot.transports.dingtalk.openapi import DingTalkApi
from bot.transports.dingtalk.stream import MaintStreamClient, stream_client
from config.settings import DingTalkSettings

log = logging.getLogger(__name__)

ENDPOINT_ENV = "DINGTALK_OPENAPI_ENDPOINT"


def endpoint_of(cfg: DingTalkSettings) -> str:
    """The OpenAPI base: DINGTALK_OPENAPI_ENDPOINT (what the SDK reads) wins over the config."""
    return os.environ.get(ENDPOINT_ENV) or cfg.openapi_endpoint


@dataclass
class DingTalkRunning:
    platform: DingTalkPlatform
    client: MaintStreamClient
    task: asyncio.Task[None]

    async def stop_receiving(self) -> None:
        """No new frames; the ones in flight finish (and are acknowledged). Sending still works."""
        await self.client.stop()
        try:
            await asyncio.wait_for(self.task, timeout=15)
        except Exception:
            log.exception("DingTalk stream did not stop cleanly")


def start_dingtalk(services: Services, cfg: DingTalkSettings, runtime: Runtime) -> DingTalkRunning:
    endpoint = endpoint_of(cfg)
    secret = cfg.client_secret.get_secret_value() if cfg.client_secret else ""
    api = DingTalkApi(endpoint=endpoint, client_id=cfg.client_id, client_secret=secret, robot_code=cfg.robot_code,
                      group_per_minute=cfg.group_per_minute, private_per_second=cfg.private_per_second)
    platform = DingTalkPlatform(services, api, build_router(), DECLARED.commands, runtime)
    client = stream_client(platform, client_id=cfg.client_id, client_secret=secret, endpoint=endpoint)
    task = asyncio.create_task(client.run(), name="dingtalk-stream")
    return DingTalkRunning(platform, client, task)
