"""The real process on DingTalk: `run_bot.py` with `[dingtalk] platforms = ["dingtalk"]` against the offline fake
DingTalk (this test's loopback server). SIGKILL after the bot committed a frame's work but before its ack reached
DingTalk; the restarted bot gets the frame again and applies it once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.offline.fake_dingtalk import FakeDingTalk
from bot.services.clock import SystemClock
from bot.services.container import build_services
from config.settings import settings_from_dict
from storage.db import open_database
from storage.tickets import TicketRepository
from tests.conftest import CLIENT_CONTACT
from tests.e2e.platforms import dingtalk_config, staff
from tests.e2e.test_crash_restart import write_toml

ROOT = Path(__file__).parents[2]


def _start(config: Path, db: Path, secret: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DINGTALK_OPENAPI_ENDPOINT"}
    env.update(MAINTBOT_DINGTALK_CLIENT_SECRET=secret, MAINTBOT_DB=str(db))
    return subprocess.Popen([sys.executable, "run_bot.py", "--config", str(config)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
async def test_sigkill_between_commit_and_ack_the_frame_is_applied_once(tmp_path: Path) -> None:
    fake = await FakeDingTalk().start()
    db = tmp_path / "ding.db"
    raw = dingtalk_config(db, fake)
    raw["contract"]["end"] = "2099-01-31"  # the real clock is inside the service period
    secret = raw["dingtalk"].pop("client_secret")  # from the environment, as in production
    config = tmp_path / "maintbot.toml"
    write_toml(raw, config)
    first = _start(config, db, secret)
    second = None
    try:
        await fake.wait_connected(timeout=60)
        killed = asyncio.Event()

        def crash(frame_id: str) -> bool:  # the ack is on the wire: the process dies before DingTalk records it
            first.send_signal(signal.SIGKILL)
            killed.set()
            return True

        fake.on_ack = crash
        frame = await fake.push_message(staff(CLIENT_CONTACT), "/ticket 打印机无法连接")
        await asyncio.wait_for(killed.wait(), 60)
        await asyncio.to_thread(first.wait, 30)
        assert first.returncode == -signal.SIGKILL and frame not in fake.acks
        fake.on_ack = None
        replies_before = len(fake.to(f"user:{staff(CLIENT_CONTACT)}"))

        second = _start(config, db, secret)
        ack = await fake.wait_acked(frame, timeout=60)  # redelivered on the new connection, acknowledged now
        assert ack["code"] == 200
        for _ in range(200):
            texts = [m.text for m in fake.to(f"user:{staff(CLIENT_CONTACT)}")][replies_before:]
            if any("已经处理过了" in t for t in texts):
                break
            await asyncio.sleep(0.05)
        assert any("已经处理过了" in t for t in texts), texts
        second.send_signal(signal.SIGTERM)
        await asyncio.to_thread(second.wait, 30)
        assert second.returncode == 0, second.stderr.read() if second.stderr else ""
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        await fake.stop()
    settings = settings_from_dict(raw, apply_env=False)
    database = await open_database(db, settings.contract.id)
    try:
        services = build_services(settings, database, SystemClock())
        async with services.db.uow() as uow:
            tickets = await uow.repo(TicketRepository).list()
    finally:
        await database.close()
    assert [t.text for t in tickets] == ["打印机无法连接"]
