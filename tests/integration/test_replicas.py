"""Two replicas on one PostgreSQL database (issue 18.2), in one test process: each replica is its own services
(its own connection pool, its own outbox worker and Bot API), as two processes would be.

- timer sweeps run by both at the same moments fire each deadline once: the same messages and audit entries as
  one replica alone;
- both outbox workers draining at once send every row once, each chat's rows in queue order, and a row claimed
  by a replica that died goes out once its claim has expired;
- the same update delivered to both (a webhook retry reaching the other replica) is applied once;
- the polling lease: one holder at a time, taken over only once it expired.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

from bot.delivery import OutboxDelivery
from bot.offline.fake_telegram import FakeBotAPI, UpdateFactory
from bot.services import access, urgent
from bot.services.clock import FakeClock
from bot.services.container import Services, open_services
from bot.services.schedule import run_all_due
from bot.services.timers import run_sweep
from bot.services.urgent_timers import URGENT_TIMER
from config.settings import Settings, settings_from_dict
from storage.base import chat_from_db
from storage.leases import LeaseRepository
from storage.reliability import ReliabilityRepository
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
    started_bot,
)

START = datetime(2022, 10, 10, 8, 50, tzinfo=SHANGHAI)


def replica_settings(tmp_path: Path, db: str) -> Settings:
    raw = base_config(tmp_path / "unused.db")
    raw["storage"] = {**raw.get("storage", {}), "db": db}
    return settings_from_dict(raw, apply_env=False)


@asynccontextmanager
async def replicas(settings: Settings, clock: FakeClock, count: int = 2) -> AsyncIterator[list[Services]]:
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(open_services(settings, clock)) for _ in range(count)]


async def person(services: Services, telegram_id: int) -> Any:
    found = await access.identify(services, telegram_id)
    assert found is not None
    return found


async def what_was_owed(services: Services) -> tuple[Counter[tuple[Any, str]], Counter[str]]:
    """Every queued message (chat, text) and every audit action, with how often (the daily backup left out: it is
    a copy of the SQLite file, and PostgreSQL's backups are another matter)."""
    async with services.db.uow(read_only=True) as uow:
        rows = await uow.outbox.fetchall("SELECT chat_id, text FROM outbox WHERE kind NOT LIKE 'data.backup%'")
        audit = await uow.audit.list(limit=100000)
    return (Counter((chat_from_db(r[0]), r[1]) for r in rows),
            Counter(e.action for e in audit if not e.action.startswith("data.backup")))


async def play_a_day(all_replicas: list[Services], clock: FakeClock) -> None:
    """Urgent requests and a day of deadlines (reminders, breaches, escalations, attendance reminders and
    summary, duty jobs), every sweep run by every replica at the same moment."""
    first = all_replicas[0]
    await access.bind_group(first, await person(first, SUPERVISOR), GROUP, "项目群")
    await asyncio.gather(*(run_all_due(s, clock.now()) for s in all_replicas))
    for n, who in enumerate((SUPERVISOR, CLIENT_CONTACT, SUPERVISOR)):
        await urgent.raise_urgent(first, await person(first, who), f"机房{n}号空调告警")
    for step in (timedelta(minutes=10), timedelta(minutes=16), timedelta(minutes=30), timedelta(minutes=20),
                 timedelta(minutes=45), timedelta(hours=1), timedelta(hours=3), timedelta(hours=5),
                 timedelta(hours=14)):
        clock.advance(step)
        await asyncio.gather(*(run_all_due(s, clock.now()) for s in all_replicas))


async def test_two_replicas_sweeping_together_fire_every_deadline_once(tmp_path: Path, pg_database: str) -> None:
    alone_clock, together_clock = FakeClock(START), FakeClock(START)
    alone_settings = replica_settings(tmp_path, str(tmp_path / "alone.db"))
    async with replicas(alone_settings, alone_clock, 1) as alone:
        await play_a_day(alone, alone_clock)
        expected_messages, expected_audit = await what_was_owed(alone[0])
    async with replicas(replica_settings(tmp_path, pg_database), together_clock) as both:
        await play_a_day(both, together_clock)
        messages, audit = await what_was_owed(both[0])
    assert expected_audit["urgent.reminder"] >= 3 and expected_audit["urgent.breach"] == 3
    assert expected_audit["urgent.escalate"] >= 3
    assert expected_audit["oncall.coverage_gaps"] == 1 and sum(expected_messages.values()) > 30
    assert audit == expected_audit
    assert messages == expected_messages


async def test_a_sweep_claimed_by_one_replica_is_skipped_by_the_other(tmp_path: Path, pg_database: str) -> None:
    clock = FakeClock(START)
    async with replicas(replica_settings(tmp_path, pg_database), clock) as (a, b):
        raised = await urgent.raise_urgent(a, await person(a, SUPERVISOR), "机房空调告警")
        clock.advance(timedelta(minutes=16))  # the first reminder is due
        async with a.db.uow() as uow:  # replica a is in the middle of this sweep
            assert await uow.try_claim(f"timer:{URGENT_TIMER.name}")
            assert not await run_sweep(b, URGENT_TIMER, clock.now())
        async with b.db.uow(read_only=True) as uow:
            assert await uow.outbox.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'urgent.reminder'") == 0
        assert await run_sweep(b, URGENT_TIMER, clock.now())  # a's transaction ended: b may sweep
        assert await run_sweep(a, URGENT_TIMER, clock.now())  # and a again, with nothing left to do
        async with a.db.uow(read_only=True) as uow:
            reminders = await uow.outbox.fetchall("SELECT chat_id FROM outbox WHERE kind = 'urgent.reminder'")
        assert reminders and len(reminders) == len({r[0] for r in reminders})  # one per engineer
        assert raised.request.id


async def fake_bot(api: FakeBotAPI) -> ExtBot:
    bot = ExtBot("123456789:OFFLINE-replica-token", request=api, get_updates_request=api)
    await bot.initialize()
    return bot


CHATS = [SUPERVISOR, CLIENT_CONTACT, VENDOR_CONTACT, ADMIN, LEAD, ENGINEER]


async def queue(services: Services, count: int, prefix: str) -> None:
    async with services.db.uow() as uow:
        for n in range(count):
            await uow.outbox.add(chat_id=CHATS[n % len(CHATS)], text=f"{prefix} {n}", kind="test.replica",
                                 now=services.now())
        await uow.commit()


def expected_order(count: int, prefix: str, chat: int) -> list[str]:
    return [f"{prefix} {n}" for n in range(count) if CHATS[n % len(CHATS)] == chat]


async def test_two_outbox_workers_send_every_row_once_in_queue_order(tmp_path: Path, pg_database: str) -> None:
    clock = FakeClock(START)
    apis = [FakeBotAPI(), FakeBotAPI()]
    sent: list[tuple[int, str]] = []  # both replicas' sends, in the order they happened
    for api in apis:
        api.listeners.append(lambda m: sent.append((m.chat_id, m.text)))
    async with replicas(replica_settings(tmp_path, pg_database), clock) as both:
        workers = [OutboxDelivery(s, await fake_bot(api)) for s, api in zip(both, apis, strict=True)]
        await queue(both[0], 120, "msg")
        await asyncio.gather(*(w.drain() for w in workers))
        async with both[1].db.uow(read_only=True) as uow:
            counts = await uow.outbox.counts()
    texts = Counter(text for _, text in sent)
    assert len(texts) == 120 and max(texts.values()) == 1, f"sent twice: {[t for t, n in texts.items() if n > 1]}"
    assert counts == {"sent": 120}
    for chat in CHATS:
        assert [text for to, text in sent if to == chat] == expected_order(120, "msg", chat)
    assert all(api.sent for api in apis)  # both replicas took a share


async def test_rows_claimed_by_a_replica_that_died_go_out_after_the_claim_expires(
        tmp_path: Path, pg_database: str) -> None:
    clock = FakeClock(START)
    api = FakeBotAPI()
    async with replicas(replica_settings(tmp_path, pg_database), clock, 1) as (survivor,):
        await queue(survivor, 6, "orphan")
        async with survivor.db.uow() as uow:  # a replica claimed every chat's rows, then was killed
            for chat in CHATS:
                async with uow.outbox.conn.execute("SELECT id FROM outbox WHERE chat_id = ?", (str(chat),)) as cur:
                    ids = [int(r[0]) for r in await cur.fetchall()]
                assert await uow.outbox.claim_chat(chat, ids, "dead-replica", 1.0)
            await uow.commit()
        worker = OutboxDelivery(survivor, await fake_bot(api))
        assert await worker.drain() == 0  # its claims are still live: nothing is sent twice meanwhile
        await asyncio.sleep(1.2)
        assert await worker.drain() == 6
    assert sorted(m.text for m in api.sent) == [f"orphan {n}" for n in range(6)]


async def test_the_same_update_at_two_replicas_is_applied_once(tmp_path: Path, pg_database: str) -> None:
    settings = replica_settings(tmp_path, pg_database)
    clock = FakeClock(datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI))
    payload = UpdateFactory().message(SUPERVISOR, "/urgent 机房空调告警，请立即到场",
                                      sent_at=clock.now())
    async with started_bot(settings, clock) as first, started_bot(settings, clock) as second:
        copies = [Update.de_json(json.loads(json.dumps(payload)), h.app.bot) for h in (first, second)]
        await asyncio.gather(*(h.app.process_update(u) for h, u in zip((first, second), copies, strict=True)))
        await asyncio.gather(first.chat.flush(), second.chat.flush())
        async with first.services.db.uow(read_only=True) as uow:
            raised = [e for e in await uow.audit.list(limit=1000) if e.action == "urgent.raise"]
            group_rows = await uow.outbox.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'urgent.raise'")
        confirmations = [m for h in (first, second) for m in h.to(SUPERVISOR) if "已发出" in m.text]
    assert len(raised) == 1
    assert len(confirmations) == 1
    assert group_rows in (0, None) or group_rows >= 1


async def test_an_update_another_replica_handled_is_known_as_handled(tmp_path: Path, pg_database: str) -> None:
    """Replica b opened before replica a handled update 900: b must still see it as handled (a redelivered /help
    is not answered twice), however new it is to b."""
    clock = FakeClock(START)
    async with replicas(replica_settings(tmp_path, pg_database), clock) as (a, b):
        async with b.db.uow(read_only=True) as uow:
            assert not await uow.repo(ReliabilityRepository).is_processed(800, "fp-800")
        async with a.db.uow() as uow:
            await uow.repo(ReliabilityRepository).mark_processed(900, "fp-900", clock.now())
            await uow.commit()
        async with b.db.uow(read_only=True) as uow:
            assert await uow.repo(ReliabilityRepository).is_processed(900, "fp-900")
            assert not await uow.repo(ReliabilityRepository).is_processed(901, "fp-901")


async def test_the_polling_lease_has_one_holder_and_is_taken_over_only_once_expired(services: Services) -> None:
    async def acquire(holder: str, ttl: float) -> bool:
        async with services.db.uow() as uow:
            taken = await uow.repo(LeaseRepository).acquire("telegram-polling:7", holder, ttl)
            await uow.commit()
        return taken

    assert await acquire("a", 0.6)
    assert not await acquire("b", 0.6)  # a holds it
    assert await acquire("a", 0.6)  # a renews
    async with services.db.uow(read_only=True) as uow:
        state = await uow.repo(LeaseRepository).state("telegram-polling:7")
    assert state is not None and state.holder == "a" and 0 < state.remaining <= 0.6
    await asyncio.sleep(0.8)  # a stopped renewing (paused, killed)
    assert await acquire("b", 0.6)
    assert not await acquire("a", 0.6)  # a's renewal fails: it must stop polling
    async with services.db.uow() as uow:
        assert not await uow.repo(LeaseRepository).release("telegram-polling:7", "a")
        assert await uow.repo(LeaseRepository).release("telegram-polling:7", "b")
        await uow.commit()
    assert await acquire("a", 0.6)  # released: free at once


async def test_check_ins_in_one_group_at_two_replicas_make_one_board(tmp_path: Path, pg_database: str) -> None:
    """Webhook updates of one group may reach both replicas at once: still one board of the day, edited in place,
    and the last edit shows everyone."""
    settings = replica_settings(tmp_path, pg_database)
    clock = FakeClock(datetime(2022, 10, 10, 8, 55, tzinfo=SHANGHAI))
    async with started_bot(settings, clock) as first, started_bot(settings, clock) as second:
        services = first.services
        await access.bind_group(services, await person(services, SUPERVISOR), GROUP, "项目群")
        names = [(await person(services, who)).name for who in (LEAD, ENGINEER)]
        await asyncio.gather(first.chat.send(LEAD, "签到", chat_id=GROUP),
                             second.chat.send(ENGINEER, "签到", chat_id=GROUP))
        shown = sorted((m for h in (first, second) for m in h.to(GROUP) if "签到" in m.text),
                       key=lambda m: m.method == "editMessageText")
    assert [m.method for m in shown].count("sendMessage") == 1, [m.method for m in shown]
    assert all(name in shown[-1].text for name in names)
