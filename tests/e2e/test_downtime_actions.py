"""Fault test: the bot is down while an /arrived and a 签到 wait at Telegram (issue 14, item 3).

The real `run_bot.py --offline-spool` process: an urgent request is raised, the bot stops, the engineer sends
/arrived one second later and the lead checks in, the arrival deadline passes while the bot is still down,
then the bot starts again. Both actions are recorded at the time they were sent (their message date), the
pending updates are handled before the start-up sweep judges the deadline, so there is no breach, no
escalation and no late reminder.
"""

from __future__ import annotations

import json
import re
import signal
import time
from datetime import datetime
from pathlib import Path

import pytest

from bot.offline.spool import spool_clock
from bot.services.container import open_services
from config.settings import settings_from_dict
from storage.attendance import AttendanceRepository
from storage.db import open_database
from storage.urgent import UrgentRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR
from tests.e2e.test_crash_restart import Spool, write_toml

RAISED = re.compile(r"紧急请求 #(\d+) 已发出")
DEADLINE_S = 8


def send_at(spool: Spool, user_id: int, text: str, sent_at: datetime, *, chat_id: int | None = None) -> None:
    """A message as the person's client sent it at `sent_at` (on the bot's clock), waiting in the spool."""
    update = spool.factory.message(user_id, text, chat_id=chat_id, sent_at=sent_at)
    with (spool.dir / "updates.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(update, ensure_ascii=False) + "\n")


@pytest.mark.slow
async def test_actions_sent_while_the_bot_is_down_count_at_their_send_time(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.config["sla"] = {"arrival_deadline": f"{DEADLINE_S}s", "reminder_offsets": ["4s", "6s"]}
    write_toml(spool.config, spool.config_path)
    bot_clock = spool_clock(spool.dir)
    spool.start()
    send_at(spool, SUPERVISOR, "/bindgroup", bot_clock.now(), chat_id=GROUP)
    send_at(spool, CLIENT_CONTACT, "/urgent 社保卡系统无法登录，请立即到场", bot_clock.now())
    spool.wait_for(lambda: any(RAISED.search(m["text"]) for m in spool.sent()), "the request to be raised")
    assert spool.kill(signal.SIGTERM) == 0                                     # the bot goes down
    settings = settings_from_dict(spool.config, apply_env=False)
    db = await open_database(spool.db, settings.contract.id)
    async with db.uow() as uow:
        request = await uow.repo(UrgentRepository).get(1)                      # type: ignore[attr-defined]
    await db.close()
    assert request is not None

    time.sleep(1)
    arrived_sent = bot_clock.now().replace(microsecond=0)                      # message dates are whole seconds
    send_at(spool, ENGINEER, "/arrived 1", arrived_sent)
    checkin_sent = bot_clock.now().replace(microsecond=0)
    send_at(spool, LEAD, "签到", checkin_sent)
    while bot_clock.now() < request.deadline_at + (request.deadline_at - request.started_at) / 4:
        time.sleep(0.2)                                                        # the deadline passes while down
    down_until = bot_clock.now()
    spool.start()
    spool.wait_for(lambda: any(m["chat_id"] == LEAD and "签到成功" in m["text"] for m in spool.sent()),
                   "the pending check-in to be answered")
    time.sleep(1.5)                                                            # the start-up sweep and a tick
    assert spool.kill(signal.SIGTERM) == 0

    sent = spool.sent()
    [arrival] = [m["text"] for m in sent if m["chat_id"] == ENGINEER and "已记录到岗" in m["text"]]
    assert "超过时限" not in arrival
    assert not [m for m in sent if "已超过到岗时限" in m["text"] or "升级" in m["text"]]
    assert not [m for m in sent if m["chat_id"] == ENGINEER and "尚未确认" in m["text"]]

    async with (open_services(settings, bot_clock, seed=False, db_path=str(spool.db)) as services,
                services.db.uow() as uow):
        stored = await uow.repo(UrgentRepository).get(1)                   # type: ignore[attr-defined]
        lead = await uow.people.by_telegram_id(LEAD)
        assert lead is not None
        day = await uow.repo(AttendanceRepository).day_of(  # type: ignore[attr-defined]
            lead.id, services.local(checkin_sent).date())
        audit = await uow.audit.list(limit=1000)
    assert stored is not None and stored.arrived_at == arrived_sent and stored.breach_detected_at is None
    assert stored.arrived_at < stored.deadline_at < down_until
    assert day is not None and day.checkin_at == checkin_sent
    assert not [e for e in audit if e.action in ("urgent.breach", "urgent.escalate")]
