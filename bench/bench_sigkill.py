#!/usr/bin/env python3
"""SIGKILL in the middle of a stream of work orders, many times: nothing lost, nothing applied twice.

The real process (`run_bot.py --offline-spool DIR`, real polling on a file-backed fake Telegram, as in
tests/e2e/test_crash_restart.py) takes `/ticket` updates, 5 per round; after a random 0.05–0.8 s it is killed
with SIGKILL and started again. At the end every ticket must be stored exactly once, and every confirmation a
user saw must be stored. Prints the counts and the "already handled" answers (a kill between the commit and the
reply: the redelivered update is recognised, not applied again).

Run: ``python bench/bench_sigkill.py`` (90 kills), ``--kills 10`` for a quick look.
"""

from __future__ import annotations

import argparse
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import CLIENT_CONTACT
from tests.e2e.test_crash_restart import Spool

REGISTERED = "✅ 已登记"
ALREADY = "已经处理过了"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=90)
    parser.add_argument("--per-round", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        spool = Spool(Path(tmp))
        sent = 0
        started = time.monotonic()
        spool.start()
        for _ in range(args.kills):
            for _ in range(args.per_round):
                spool.send(CLIENT_CONTACT, f"/ticket 故障{sent:05d}")
                sent += 1
            time.sleep(rng.uniform(0.05, 0.8))
            spool.kill(signal.SIGKILL)
            spool.start()

        def answered() -> int:
            return sum(m["chat_id"] == CLIENT_CONTACT and (m["text"].startswith(REGISTERED) or ALREADY in m["text"])
                       for m in spool.sent())

        spool.wait_for(lambda: answered() >= sent, "every ticket update answered", timeout=120)
        time.sleep(2)
        spool.kill(signal.SIGTERM)
        with sqlite3.connect(spool.db) as conn:
            stored = Counter(row[0] for row in conn.execute("SELECT text FROM tickets"))
        expected = [f"故障{i:05d}" for i in range(sent)]
        lost = [text for text in expected if not stored[text]]
        twice = [text for text, count in stored.items() if count > 1]
        confirmed = {found for m in spool.sent() if m["text"].startswith(REGISTERED)
                     for found in re.findall(r"故障\d{5}", m["text"])}
        print(f"$ python bench/bench_sigkill.py --kills {args.kills} --per-round {args.per_round} --seed {args.seed}")
        print(f"{args.kills} SIGKILLs, {sent} /ticket updates in {time.monotonic() - started:.0f} s: "
              f"stored {sum(stored.values())}, lost {len(lost)}, applied twice {len(twice)}, "
              f"confirmed but not stored {len(confirmed - set(stored))}, "
              f"'already handled' answers {sum(ALREADY in m['text'] for m in spool.sent())}")
        return 0 if not lost and not twice and confirmed <= set(stored) else 1


if __name__ == "__main__":
    raise SystemExit(main())
