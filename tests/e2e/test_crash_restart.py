"""SIGKILL in the middle of a burst, restart, SIGTERM: what the users saw confirmed is stored, deadlines fire.

The bot runs as a child process (`run_bot.py --offline-spool DIR`): real polling on a file-backed fake
Telegram (bot/offline/spool.py). Its clock is pinned to Monday 2022-10-10 08:50 in Changzhou (running
at real speed); urgent requests get a 6-second arrival deadline so their breach fires within the test.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.offline.fake_telegram import UpdateFactory
from bot.offline.spool import launch, spool_clock
from bot.services.clock import SystemClock
from bot.services.container import open_services
from config.sample import write_toml
from config.settings import settings_from_dict
from storage.db import open_database
from tests.conftest import (
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    SHANGHAI,
    SUPERVISOR,
    VENDOR_CONTACT,
    base_config,
)

ROOT = Path(__file__).parents[2]
PINNED = datetime(2022, 10, 10, 8, 50, tzinfo=SHANGHAI)
RAISED = re.compile(r"紧急请求 #(\d+) 已发出")
BREACHED = re.compile(r"紧急请求 #(\d+) 已超过到岗时限")
GROUP_NOTICE = re.compile(r"紧急请求 #(\d+)：")  # the group notice is always in the contract's language
LANG_SET = {"好的，以后我用中文和您交流。": "zh_CN", "OK, I will speak English with you from now on.": "en"}




class Spool:
    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path / "spool"
        self.dir.mkdir()
        self.db = tmp_path / "crash.db"
        self.config = {**base_config(self.db),
                       "sla": {"arrival_deadline": "6s", "reminder_offsets": ["3s"]},
                       "reliability": {"alive_interval": "1s", "downtime_notice_after": "1s"}}
        self.config_path = tmp_path / "crash.toml"
        write_toml(self.config, self.config_path)
        offset = (PINNED - SystemClock().now()).total_seconds()
        (self.dir / "clock_offset").write_text(str(offset), encoding="utf-8")
        self.factory = UpdateFactory()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tmp_path / "bot.log"

    def start(self) -> None:
        self.process = launch(self.config_path, self.dir, self.log)
        self.wait_for(lambda: (self.dir / "ready").exists(), "the bot to start")

    def send(self, user_id: int, text: str, *, chat_id: int | None = None) -> None:
        update = self.factory.message(user_id, text, chat_id=chat_id)
        with (self.dir / "updates.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(update, ensure_ascii=False) + "\n")

    def sent(self) -> list[dict[str, Any]]:
        path = self.dir / "sent.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def wait_for(self, condition: Any, what: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            assert self.process is None or self.process.poll() is None, \
                f"the bot died while waiting for {what}:\n{self.log.read_text(errors='replace')[-3000:]}"
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}:\n{self.log.read_text(errors='replace')[-3000:]}")

    def kill(self, sig: int) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(timeout=20)
        self.process = None
        return code


URGENT_IN_BURST = 10


def burst(spool: Spool) -> None:
    """Check-ins, urgent requests, language switches and a group binding, interleaved like a busy morning."""
    spool.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    spool.send(LEAD, "签到")
    spool.send(ENGINEER, "签到")
    people = [SUPERVISOR, CLIENT_CONTACT, VENDOR_CONTACT, ADMIN, LEAD, ENGINEER]
    for n in range(URGENT_IN_BURST):
        spool.send(SUPERVISOR if n % 2 else CLIENT_CONTACT, f"/urgent 机房{n}号空调告警，请立即到场")
        for person in people[n % 3: n % 3 + 3]:
            spool.send(person, "/lang en" if (n + person) % 2 else "/lang zh")


async def wait_until_outbox_drained(spool: Spool, contract_id: str, clock: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db = await open_database(spool.db, contract_id, check_integrity=False)
        try:
            async with db.uow(read_only=True) as uow:
                due = (await uow.outbox.backlog(clock.now())).due_now
        finally:
            await db.close()
        if due == 0:
            return
        time.sleep(0.5)
    raise AssertionError("the outbox did not drain")


@pytest.mark.slow
async def test_sigkill_mid_burst_loses_nothing_confirmed_and_every_deadline_fires(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    started = time.monotonic()
    spool.start()
    burst(spool)
    spool.wait_for(lambda: sum(bool(RAISED.search(m["text"])) for m in spool.sent()) >= 2, "two confirmations")
    assert spool.kill(signal.SIGKILL) == -signal.SIGKILL
    seen_before_kill = len(spool.sent())

    spool.start()
    raised = lambda: {int(i) for m in spool.sent() for i in RAISED.findall(m["text"])}  # noqa: E731
    breached = lambda: {int(i) for m in spool.sent() if m["chat_id"] == GROUP  # noqa: E731
                        for i in BREACHED.findall(m["text"])}
    # At-least-once polling: updates in flight at the SIGKILL were not confirmed, so they come again.
    noticed = lambda: {int(i) for m in spool.sent() if m["chat_id"] == GROUP  # noqa: E731
                       for i in GROUP_NOTICE.findall(m["text"])}
    spool.wait_for(lambda: len(noticed()) == URGENT_IN_BURST, "every urgent request of the burst", timeout=20)
    spool.wait_for(lambda: raised() and raised() <= breached(), "every urgent deadline to fire", timeout=20)
    notices = [m["text"] for m in spool.sent() if m["chat_id"] == ADMIN
               and ("意外中断" in m["text"] or "stopped unexpectedly" in m["text"])]  # the burst switches languages
    assert len(notices) == 1  # the admins learn about the crash, once

    # SIGTERM: a graceful stop flushes the outbox (rows queued just before the signal still go out).
    settings = settings_from_dict(spool.config, apply_env=False)
    bot_clock = spool_clock(spool.dir)
    # The burst owes the lead ~40 messages; at Telegram's one a second per chat they take a while to go out.
    await wait_until_outbox_drained(spool, settings.contract.id, bot_clock)
    db = await open_database(spool.db, settings.contract.id)
    flush_chats = [SUPERVISOR, CLIENT_CONTACT, VENDOR_CONTACT, ADMIN, LEAD, ENGINEER]
    async with db.uow() as uow:  # spread over the roster: Telegram allows about one message a second per chat
        for n in range(20):
            await uow.outbox.add(chat_id=flush_chats[n % len(flush_chats)], text=f"flush {n}", kind="test.flush",
                                 now=bot_clock.now())
        await uow.commit()
    await db.close()
    assert spool.kill(signal.SIGTERM) == 0
    elapsed = time.monotonic() - started

    sent = spool.sent()
    for chat in flush_chats:  # every one flushed, in order within each chat
        assert [m["text"] for m in sent if m["text"].startswith("flush ") and m["chat_id"] == chat] == \
            [f"flush {n}" for n in range(20) if flush_chats[n % len(flush_chats)] == chat]
    async with (open_services(settings, bot_clock, seed=False, db_path=str(spool.db)) as services,
                services.db.uow() as uow):
        assert (await uow.outbox.counts()).get("pending", 0) == 0
        audit = await uow.audit.list(limit=10000)

    stored_urgent = {int(e.entity_id) for e in audit if e.action == "urgent.raise"}
    assert len([e for e in audit if e.action == "urgent.raise"]) == URGENT_IN_BURST  # none lost, none twice
    stored_breach = {int(e.entity_id) for e in audit if e.action == "urgent.breach"}
    assert raised() <= stored_urgent and raised() <= stored_breach
    checked_in = {m["chat_id"] for m in sent if m["text"].startswith("✅ 签到成功")}
    assert checked_in <= {e.actor_telegram_id for e in audit if e.action == "attendance.checkin"}
    if any("已绑定为" in m["text"] for m in sent):
        assert any(e.action == "group.bind" for e in audit)
    confirmed_lang = Counter((m["chat_id"], LANG_SET[m["text"]]) for m in sent if m["text"] in LANG_SET)
    stored_lang = Counter((e.actor_telegram_id, e.after["language"]) for e in audit if e.action == "person.language")
    assert sum(confirmed_lang.values()) > 0 and len(raised()) >= 2 and checked_in
    missing = {key: count for key, count in confirmed_lang.items() if stored_lang[key] < count}
    assert not missing, f"confirmed but not stored: {missing}"
    assert seen_before_kill < len(sent)
    assert elapsed < 90
    print(f"crash test: {seen_before_kill} messages before SIGKILL, {len(sent)} in all, "
          f"{len(raised())} urgent requests confirmed, {elapsed:.1f} s")


def test_spool_clock_offset_pins_the_contract_day(tmp_path: Path) -> None:
    (tmp_path / "clock_offset").write_text(str((PINNED - SystemClock().now()).total_seconds()), encoding="utf-8")
    assert abs(spool_clock(tmp_path).now() - PINNED) < timedelta(seconds=2)
