"""Two replicas on one PostgreSQL database, SIGKILL the one that polls in the middle of a burst (issue 18.2).

Two real bot processes (`run_bot.py --offline-spool DIR`) share one PostgreSQL database and one file-backed fake
Telegram (bot/offline/spool.py: a second concurrent poller gets 409 Conflict, as on Telegram). Their clock is
pinned to Monday 2022-10-10 08:50 in Changzhou (running at real speed, the same offset in both), with short SLA
times so the reminder, the arrival deadline and the escalation fall within the test. The replica that polls is
killed while urgent requests keep coming from several people; the survivor must take over polling within seconds,
and in the end every /urgent is one urgent request, every message went out once (at most the sends the killed
replica had in flight: Telegram accepted them, the kill came before they were marked sent), and every deadline
fired once.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import time
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.offline.fake_telegram import UpdateFactory
from bot.offline.spool import launch, spool_clock
from bot.services.clock import SystemClock
from bot.services.container import open_services
from config.sample import write_toml
from config.settings import settings_from_dict
from tests.conftest import CLIENT_CONTACT, GROUP, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT, base_config

PINNED = datetime(2022, 10, 10, 8, 50, tzinfo=SHANGHAI)
RAISED = re.compile(r"紧急请求 #(\d+) 已发出")
GROUP_NOTICE = re.compile(r"紧急请求 #(\d+)：")
BREACHED = re.compile(r"紧急请求 #(\d+) 已超过到岗时限")
BEFORE_KILL, AFTER_KILL = 6, 6
REQUESTERS = (SUPERVISOR, CLIENT_CONTACT, VENDOR_CONTACT)
TAKEOVER_BOUND = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Replicas:
    def __init__(self, tmp_path: Path, db: str) -> None:
        self.dir = tmp_path / "spool"
        self.dir.mkdir()
        self.tmp = tmp_path
        self.config = {**base_config(tmp_path / "unused.db"),
                       # the first escalation step (the lead, at the deadline) falls within the test; the next, 15 min
                       # later, does not
                       "sla": {"arrival_deadline": "25s", "reminder_offsets": ["10s"]},
                       "reliability": {"alive_interval": "1s", "downtime_notice_after": "5s"}}
        self.config["storage"] = {**self.config.get("storage", {}), "db": db}
        offset = (PINNED - SystemClock().now()).total_seconds()
        (self.dir / "clock_offset").write_text(str(offset), encoding="utf-8")
        self.factory = UpdateFactory()
        self.processes: dict[str, Any] = {}
        self.ports: dict[str, int] = {}
        self.sent_urgent: list[str] = []

    def start(self, name: str) -> None:
        port = self.ports[name] = free_port()
        config = {**self.config, "reliability": {**self.config["reliability"], "health_port": port}}
        path = self.tmp / f"{name}.toml"
        write_toml(config, path)
        self.processes[name] = launch(path, self.dir, self.log(name))
        self.wait_for(lambda: (self.dir / "ready").exists() and self.health(name) is not None, f"{name} to start")

    def log(self, name: str) -> Path:
        return self.tmp / f"{name}.log"

    def health(self, name: str) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports[name]}/health", timeout=2) as answer:
                return dict(json.loads(answer.read()))
        except urllib.error.HTTPError as refused:  # 503 "trouble" still has the body
            return dict(json.loads(refused.read()))
        except OSError:
            return None

    def polls(self, name: str) -> bool:
        body = self.health(name) or {}
        return bool(body.get("replica", {}).get("polls"))

    def send(self, user_id: int, text: str, *, chat_id: int | None = None) -> int:
        update = self.factory.message(user_id, text, chat_id=chat_id)
        with (self.dir / "updates.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(update, ensure_ascii=False) + "\n")
        return int(update["update_id"])

    def urgent(self, n: int) -> None:
        text = f"机房{n}号空调告警，请立即到场"
        self.sent_urgent.append(text)
        self.send(REQUESTERS[n % len(REQUESTERS)], f"/urgent {text}")

    def lines(self, name: str) -> list[dict[str, Any]]:
        path = self.dir / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def sent(self) -> list[dict[str, Any]]:
        return self.lines("sent.jsonl")

    def wait_for(self, condition: Any, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            for name, process in self.processes.items():
                assert process is None or process.poll() is None, \
                    f"{name} died while waiting for {what}:\n{self.log(name).read_text(errors='replace')[-3000:]}"
            time.sleep(0.05)
        logs = "\n".join(f"--- {n}:\n{self.log(n).read_text(errors='replace')[-2000:]}" for n in self.processes)
        raise AssertionError(f"timed out waiting for {what}:\n{logs}")

    def stop(self, name: str, sig: int) -> int:
        process = self.processes[name]
        process.send_signal(sig)
        code = int(process.wait(timeout=30))
        self.processes[name] = None
        return code


def numbers(pattern: re.Pattern[str], messages: list[dict[str, Any]], chat: int | None = None) -> Counter[int]:
    return Counter(int(n) for m in messages if chat is None or m["chat_id"] == chat for n in pattern.findall(m["text"]))


@pytest.mark.slow
async def test_sigkill_of_the_polling_replica_loses_nothing_and_sends_nothing_twice(
        tmp_path: Path, pg_database: str) -> None:
    replicas = Replicas(tmp_path, pg_database)
    replicas.start("a")
    replicas.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    replicas.wait_for(lambda: any("已绑定" in m["text"] for m in replicas.sent()), "the group to be bound")
    replicas.start("b")
    assert replicas.polls("a") and not replicas.polls("b")  # one poller; b runs timers and the outbox

    for n in range(BEFORE_KILL):
        replicas.urgent(n)
    replicas.wait_for(lambda: sum(numbers(RAISED, replicas.sent()).values()) >= 2, "two confirmations")
    killed_pid = replicas.processes["a"].pid
    assert replicas.stop("a", signal.SIGKILL) == -signal.SIGKILL
    killed_at = time.time()
    for n in range(BEFORE_KILL, BEFORE_KILL + AFTER_KILL):
        replicas.urgent(n)

    # The survivor takes over polling: its first getUpdates, and the first answer to an update sent after the kill.
    replicas.wait_for(lambda: any(p["pid"] != killed_pid for p in replicas.lines("polls.jsonl")
                                  if p["at"] > killed_at), "the survivor to poll", timeout=40)
    takeover = min(p["at"] for p in replicas.lines("polls.jsonl") if p["pid"] != killed_pid) - killed_at
    raised = lambda: numbers(RAISED, replicas.sent())  # noqa: E731
    total = BEFORE_KILL + AFTER_KILL
    replicas.wait_for(lambda: len(numbers(GROUP_NOTICE, replicas.sent(), GROUP)) == total,
                      "every urgent request of the burst in the group", timeout=60)
    first_answer = min(m["at"] for m in replicas.sent() if m["pid"] != killed_pid and m["at"] > killed_at
                       and RAISED.search(m["text"]))
    assert replicas.polls("b")

    # Every deadline: the 10 s reminder, the 25 s breach in the group, the escalation to the lead.
    replicas.wait_for(lambda: len(numbers(BREACHED, replicas.sent(), GROUP)) == total, "every breach", timeout=90)
    settings = settings_from_dict({**replicas.config}, apply_env=False)
    clock = spool_clock(replicas.dir)

    async def pending() -> int:
        async with (open_services(settings, clock, seed=False) as services, services.db.uow() as uow):
            return int((await uow.outbox.counts()).get("pending", 0))

    deadline = time.monotonic() + 90
    while await pending() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert await pending() == 0
    time.sleep(1.0)
    assert replicas.stop("b", signal.SIGTERM) == 0

    sent = replicas.sent()
    async with (open_services(settings, clock, seed=False) as services, services.db.uow() as uow):
        audit = await uow.audit.list(limit=100000)
        rows = await uow.outbox.fetchall("SELECT kind, chat_id, text, status FROM outbox")
        confirmed = int((replicas.dir / "offset").read_text(encoding="utf-8"))
    actions = Counter(e.action for e in audit)
    stored = sorted(e.after["text"] for e in audit if e.action == "urgent.raise")

    # Every update the fake saw confirmed is applied exactly once: one urgent request per /urgent.
    assert confirmed > replicas.factory.next_update_id() - 1
    assert stored == sorted(replicas.sent_urgent), "an /urgent lost or applied twice"
    # Every deadline fired once per request.
    assert actions["urgent.breach"] == total and actions["urgent.escalate"] == total
    reminders = Counter(m["text"] for m in sent if "尚未确认" in m["text"] or "not acknowledged" in m["text"])
    assert actions["urgent.reminder"] == total and max(reminders.values()) == 1
    assert numbers(BREACHED, sent, GROUP) == Counter({n: 1 for n in numbers(BREACHED, sent, GROUP)})
    escalations = Counter(m["text"] for m in sent if m["chat_id"] == LEAD and "升级" in m["text"])
    assert len(escalations) == total and max(escalations.values()) == 1
    # Every outbox row went out; no message twice, except a send the killed replica had in flight (Telegram took
    # it, the kill came before it was marked sent: at-least-once), which is then its last send to that chat.
    assert all(r["status"] == "sent" for r in rows)
    copies: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for message in sent:  # messages about one request (the same general line follows each /urgent, rightly)
        if message["method"] == "sendMessage" and re.search(r"#\d+", message["text"]):
            copies.setdefault((message["chat_id"], message["text"]), []).append(message)
    twice = {key: found for key, found in copies.items() if len(found) > 1}
    last_of_killed = {}
    for message in sent:
        if message["pid"] == killed_pid:
            last_of_killed[message["chat_id"]] = message
    in_flight = [key for key, found in twice.items() if len(found) == 2 and found[0]["pid"] == killed_pid
                 and found[1]["pid"] != killed_pid and last_of_killed.get(key[0]) is found[0]]
    unexplained = {key: [m["pid"] for m in found] for key, found in twice.items() if key not in in_flight}
    assert not unexplained, f"sent twice: {unexplained}"
    assert len(in_flight) <= 3
    # Polling: never two pollers (no 409), and the survivor took over within seconds.
    assert replicas.lines("conflicts.jsonl") == []
    assert takeover < TAKEOVER_BOUND and first_answer - killed_at < TAKEOVER_BOUND + 5
    assert max(raised().values()) == 1  # each request confirmed to its sender once
    print(f"replicas kill test: takeover {takeover:.1f} s after SIGKILL "
          f"(first answer {first_answer - killed_at:.1f} s), "
          f"{len(stored)} urgent requests for {total} /urgent, {actions['urgent.reminder']} reminders, "
          f"{actions['urgent.breach']} breaches, {actions['urgent.escalate']} escalations, {len(sent)} messages, "
          f"{len(in_flight)} in-flight resend(s), {len(replicas.lines('conflicts.jsonl'))} conflicts")


@pytest.mark.slow
async def test_a_paused_poller_stops_polling_and_the_other_replica_takes_over(tmp_path: Path, pg_database: str) -> None:
    """SIGSTOP the replica that polls (a VM freeze, a long pause): the other takes the lease once it expired and
    answers; the paused one, resumed, finds its lease gone and never polls again (its last call, opened while it
    held the lease, only ends)."""
    replicas = Replicas(tmp_path, pg_database)
    replicas.start("a")
    replicas.start("b")
    assert replicas.polls("a") and not replicas.polls("b")
    paused = replicas.processes["a"]
    paused.send_signal(signal.SIGSTOP)
    paused_at = time.time()
    try:
        replicas.urgent(0)
        replicas.wait_for(lambda: replicas.polls("b"), "b to take the lease", timeout=40)
        took_over = time.time() - paused_at
    finally:
        paused.send_signal(signal.SIGCONT)
    resumed_at = time.time()
    replicas.wait_for(lambda: sum(numbers(RAISED, replicas.sent()).values()) == 1, "the first request's answer")
    replicas.wait_for(lambda: replicas.health("a") is not None and not replicas.polls("a"), "a to know it lost it")
    replicas.urgent(1)
    replicas.wait_for(lambda: sum(numbers(RAISED, replicas.sent()).values()) == 2, "the second request's answer")
    time.sleep(2 * 2.0)  # two renewal rounds: a must stay out
    assert not replicas.polls("a") and replicas.polls("b")
    polls_of_a = [p for p in replicas.lines("polls.jsonl") if p["pid"] == paused.pid and p["at"] > paused_at]
    assert polls_of_a == []
    # 409 only while a was frozen in the middle of its last call; none once it resumed
    assert all(c["pid"] != paused.pid and c["at"] < resumed_at + 1.0 for c in replicas.lines("conflicts.jsonl"))
    assert {m["pid"] for m in replicas.sent() if RAISED.search(m["text"])} == {replicas.processes["b"].pid}
    assert took_over < TAKEOVER_BOUND
    assert replicas.stop("a", signal.SIGTERM) == 0 and replicas.stop("b", signal.SIGTERM) == 0
    print(f"paused poller: b polled {took_over:.1f} s after a was paused")
