"""Faults in the real process: SIGKILLs during bursts, with the project group at Telegram's flood limit.

Runs `run_bot.py --offline-spool DIR` (bot/offline/spool.py: real polling on a file-backed fake Telegram that
enforces Telegram's flood limits with 429s). Each round writes a burst — group `/ticket`s that push the group
past its 20 messages a minute, private `/urgent` requests and `/lang` switches — and SIGKILLs the bot in the
middle of it, then restarts it. At the end it waits for every update to be handled and prints:

- kills, updates written;
- lost: a /ticket or /urgent with no record in the database; applied twice: one with two records;
- delivered twice: the same message (same chat, same text naming a ticket or urgent request) seen twice;
- the delay from writing each private /urgent to its first ping reaching an engineer (worst, median), with the
  group at its limit — kills included (a ping owed at a SIGKILL waits for the restart).

Usage: python bench/bench_faults.py [--rounds 3] [--tickets 12] [--urgent 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ADMIN, CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR, sample_config
from bot.offline.fake_telegram import UpdateFactory
from bot.offline.spool import launch
from config.sample import write_toml

PINNED = datetime(2022, 10, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PING = re.compile(r"紧急请求 #\d+")




class Bot:
    """The bot process on a spool directory."""

    def __init__(self, work: Path) -> None:
        self.dir = work / "spool"
        self.dir.mkdir()
        self.db = work / "faults.db"
        config = sample_config(self.db)
        config["reports"] = {"monthly": False}
        config["reliability"] = {"alive_interval": "1s", "downtime_notice_after": "1s"}
        self.config_path = work / "faults.toml"
        write_toml(config, self.config_path)
        (self.dir / "clock_offset").write_text(str((PINNED - datetime.now(ZoneInfo("UTC"))).total_seconds()))
        (self.dir / "flood_limits").write_text("{}")  # Telegram's flood limits, enforced by the fake
        self.log = work / "bot.log"
        self.factory = UpdateFactory()
        self.process: subprocess.Popen[bytes] | None = None
        self.written: list[tuple[int, str, int, float]] = []  # update id, text, chat, wall time

    def start(self) -> None:
        self.process = launch(self.config_path, self.dir, self.log)
        self.wait_for(lambda: (self.dir / "ready").exists(), "start-up", 30)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.process is not None
        self.process.send_signal(sig)
        self.process.wait(timeout=60)
        self.process = None

    def send(self, user_id: int, text: str, *, chat_id: int | None = None) -> None:
        update = self.factory.message(user_id, text, chat_id=chat_id)
        with (self.dir / "updates.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(update, ensure_ascii=False) + "\n")
        self.written.append((update["update_id"], text, chat_id or user_id, time.time()))

    def sent(self) -> list[dict[str, Any]]:
        path = self.dir / "sent.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def confirmed(self) -> int:
        try:
            return int((self.dir / "offset").read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def wait_for(self, condition: Any, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process is not None and self.process.poll() is not None:
                raise SystemExit(f"the bot died waiting for {what}; see {self.log}")
            time.sleep(0.1)
        raise SystemExit(f"timed out waiting for {what}; see {self.log}")


def run(rounds: int, tickets: int, urgent: int, seed: int, work: Path) -> dict[str, Any]:
    rng = random.Random(seed)
    bot = Bot(work)
    bot.start()
    bot.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    bot.wait_for(lambda: any(m["chat_id"] == GROUP for m in bot.sent()), "the group binding", 30)
    ticket_tags, urgent_tags = [], []
    kills = 0
    for r in range(rounds):
        for n in range(tickets):
            tag = f"报修{r}-{n}："  # the colon ends the tag: 报修0-1 must not match 报修0-10
            ticket_tags.append(tag)
            bot.send(LEAD if n % 2 else ENGINEER, f"/ticket {tag}打印机卡纸", chat_id=GROUP)
            if n % max(tickets // max(urgent, 1), 1) == 0 and len(urgent_tags) < (r + 1) * urgent:
                utag = f"机房{r}-{n}号空调告警"
                urgent_tags.append(utag)
                bot.send(SUPERVISOR if n % 2 else CLIENT_CONTACT, f"/urgent {utag}")
            if n % 4 == 0:
                bot.send(ADMIN, "/lang en" if (r + n) % 8 else "/lang zh")
            time.sleep(0.05)
        time.sleep(rng.uniform(1.0, 2.5))
        bot.kill()
        kills += 1
        bot.start()
    last = bot.written[-1][0]
    bot.wait_for(lambda: bot.confirmed() > last, "every update to be handled", 600)
    bot.wait_for(lambda: all(any(utag in m["text"] and PING.search(m["text"]) and m["chat_id"] in (ENGINEER, LEAD)
                                 for m in bot.sent()) for utag in urgent_tags), "every urgent ping", 120)
    bot.kill(signal.SIGTERM)

    with sqlite3.connect(bot.db) as conn:
        stored_tickets = Counter(tag for (text,) in conn.execute("SELECT text FROM tickets")
                                 for tag in ticket_tags if tag in text)
        stored_urgent = Counter(tag for (text,) in conn.execute("SELECT text FROM urgent_requests")
                                for tag in urgent_tags if tag in text)
    actions = ticket_tags + urgent_tags
    stored = stored_tickets + stored_urgent
    sent = bot.sent()
    tags = ticket_tags + urgent_tags
    seen = Counter((m["chat_id"], m["text"]) for m in sent if any(tag in m["text"] for tag in tags))
    delays = []
    for _, text, _, at in bot.written:
        utag = next((u for u in urgent_tags if text == f"/urgent {u}"), None)
        if utag is None:
            continue
        first = min(m["at"] for m in sent if utag in m["text"] and PING.search(m["text"])
                    and m["chat_id"] in (ENGINEER, LEAD))
        delays.append(first - at)
    return {
        "kills": kills,
        "updates": len(bot.written),
        "actions": len(actions),
        "lost": sum(1 for tag in actions if stored[tag] == 0),
        "applied_twice": sum(1 for tag in actions if stored[tag] > 1),
        "delivered_twice": sum(1 for count in seen.values() if count > 1),
        "messages": len(sent),
        "group_messages": sum(1 for m in sent if m["chat_id"] == GROUP),
        "urgent_ping_worst_s": max(delays),
        "urgent_ping_median_s": statistics.median(delays),
        "urgent_ping_delays": [round(d, 1) for d in delays],
        "flood_429": "see bot.log",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=12, help="group /tickets per round")
    parser.add_argument("--urgent", type=int, default=3, help="private /urgent requests per round")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        started = time.monotonic()
        figures = run(args.rounds, args.tickets, args.urgent, args.seed, Path(tmp))
        log = (Path(tmp) / "bot.log").read_text(errors="replace")
        figures["flood_429"] = log.count("429 for chat") + log.count("RetryAfter")
        figures["seconds"] = round(time.monotonic() - started, 1)
    print(f"$ python bench/bench_faults.py --rounds {args.rounds} --tickets {args.tickets} --urgent {args.urgent}")
    print(f"kills {figures['kills']}, updates {figures['updates']} ({figures['actions']} tickets and urgent "
          f"requests), lost {figures['lost']}, applied twice {figures['applied_twice']}, delivered twice "
          f"{figures['delivered_twice']} (of {figures['messages']} messages, {figures['group_messages']} to the "
          f"group); worst delay to a private urgent ping {figures['urgent_ping_worst_s']:.1f} s (median "
          f"{figures['urgent_ping_median_s']:.1f} s) with the group at its limit; 429 answers "
          f"{figures['flood_429']}; {figures['seconds']} s")
    print(f"each private urgent ping, seconds after its /urgent was written: {figures['urgent_ping_delays']}")


if __name__ == "__main__":
    main()
