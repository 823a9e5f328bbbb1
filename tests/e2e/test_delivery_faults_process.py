"""Delivery faults in the real process (`run_bot.py --offline-spool DIR`, see tests/e2e/test_crash_restart.py):
a database that cannot be written, and a project group at Telegram's flood limit (enforced by the fake)."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from bot.offline.spool import spool_clock
from config.settings import settings_from_dict
from storage.db import open_database
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR
from tests.e2e.test_crash_restart import Spool

NEW_TICKET = "🆕 新工单 #1（测试）：社保卡系统打印异常"
UNWRITABLE_ADMIN = "数据库无法写入"
UNWRITABLE_USER = "数据库暂时无法写入"
WRITABLE_AGAIN = "数据库已恢复可写"


def limited_spool(tmp_path: Path) -> Spool:
    spool = Spool(tmp_path)
    (spool.dir / "flood_limits").write_text("{}", encoding="utf-8")  # Telegram's limits, enforced by the fake
    return spool


def texts_to(spool: Spool, chat_id: int) -> list[str]:
    return [m["text"] for m in spool.sent() if m["chat_id"] == chat_id]


def outbox_status(spool: Spool, text: str) -> list[str]:
    with sqlite3.connect(spool.db) as conn:
        return [r[0] for r in conn.execute("SELECT status FROM outbox WHERE text = ?", (text,))]


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["full", "readonly"])
async def test_unwritable_database_sends_each_message_once_tells_admins_once_and_recovers(
        tmp_path: Path, fault: str) -> None:
    spool = limited_spool(tmp_path)
    spool.start()
    try:
        (spool.dir / "db_fault").write_text(fault, encoding="utf-8")  # the disk is full / the file read-only
        spool.wait_for(lambda: (spool.dir / "db_state").exists()
                       and (spool.dir / "db_state").read_text() == fault, "the database fault")

        # A notification is pending (queued by another writer, e.g. a CLI run, before the disk filled up).
        contract_id = settings_from_dict(spool.config, apply_env=False).contract.id
        settings_db = await open_database(spool.db, contract_id, check_integrity=False)
        try:
            async with settings_db.uow() as uow:
                for person in (LEAD, ENGINEER):
                    await uow.outbox.add(chat_id=person, text=NEW_TICKET, kind="tickets.new",
                                         now=spool_clock(spool.dir).now())
                await uow.commit()
        finally:
            await settings_db.close()
        spool.wait_for(lambda: all(NEW_TICKET in texts_to(spool, p) for p in (LEAD, ENGINEER)), "the notification")
        time.sleep(8)  # before the fix: the same message again every second
        for person in (LEAD, ENGINEER):
            assert texts_to(spool, person).count(NEW_TICKET) == 1, texts_to(spool, person)
        assert outbox_status(spool, NEW_TICKET) == ["pending", "pending"]  # not recorded yet, and not re-sent
        spool.wait_for(lambda: any(UNWRITABLE_ADMIN in t for t in texts_to(spool, ADMIN)), "the admin notice")

        # An action the bot cannot record is refused with a clear reply, not "internal error".
        spool.send(CLIENT_CONTACT, "/ticket 公服网办大厅无法登录")
        spool.wait_for(lambda: any(UNWRITABLE_USER in t for t in texts_to(spool, CLIENT_CONTACT)), "the refusal")
        assert not any("出了问题" in t or "✅ 已登记" in t for t in texts_to(spool, CLIENT_CONTACT))

        (spool.dir / "db_fault").unlink()  # space freed: the bot carries on by itself
        spool.wait_for(lambda: outbox_status(spool, NEW_TICKET) == ["sent", "sent"], "the sends to be recorded",
                       timeout=40)
        spool.wait_for(lambda: any(WRITABLE_AGAIN in t for t in texts_to(spool, ADMIN)), "the recovery notice")
        spool.send(CLIENT_CONTACT, "/ticket 公服网办大厅无法登录")
        spool.wait_for(lambda: any("✅ 已登记" in t for t in texts_to(spool, CLIENT_CONTACT)), "the ticket")
        for person in (LEAD, ENGINEER):
            assert texts_to(spool, person).count(NEW_TICKET) == 1
        assert sum(UNWRITABLE_ADMIN in t for t in texts_to(spool, ADMIN)) == 1  # told once
    finally:
        if spool.process is not None:
            spool.kill(signal.SIGKILL)


@pytest.mark.slow
def test_a_private_start_is_answered_at_once_behind_45_group_tickets(tmp_path: Path) -> None:
    spool = limited_spool(tmp_path)
    spool.start()
    try:
        spool.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
        spool.wait_for(lambda: texts_to(spool, GROUP), "the group binding")
        for n in range(45):
            spool.send(LEAD if n % 2 else ENGINEER, f"/ticket 群内报修第{n}号：打印机卡纸", chat_id=GROUP)
        time.sleep(2)  # the group's replies now wait for its 20-a-minute limit
        asked = time.time()
        spool.send(ADMIN, "/start")
        spool.wait_for(lambda: texts_to(spool, ADMIN), "the answer to /start", timeout=60)
        answered = next(m["at"] for m in spool.sent() if m["chat_id"] == ADMIN)
        assert answered - asked < 3, f"/start answered after {answered - asked:.1f} s"
        assert len(texts_to(spool, GROUP)) < 45  # the group really was held back by its limit
    finally:
        if spool.process is not None:
            spool.kill(signal.SIGKILL)


@pytest.mark.slow
def test_sigkills_during_bursts_lose_nothing_and_apply_nothing_twice(tmp_path: Path) -> None:
    """bench/bench_faults.py on a small size: the figures the closing note reports, asserted."""
    from bench.bench_faults import run

    figures = run(rounds=2, tickets=8, urgent=2, seed=3, work=tmp_path)
    assert figures["kills"] == 2 and figures["actions"] == 20
    assert (figures["lost"], figures["applied_twice"], figures["delivered_twice"]) == (0, 0, 0), figures
    assert figures["urgent_ping_worst_s"] < 10, figures
