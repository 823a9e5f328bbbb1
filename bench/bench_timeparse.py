#!/usr/bin/env python3
"""Calls per second of parse_when / parse_period over a mix of 50 chat phrases (2 s each).

Why: every chat message that may carry a time goes through these parsers; this keeps an eye on
the cost of the regex layer and the dateparser fallback.  Run: ``python bench/bench_timeparse.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.services.timeparse import parse_period, parse_when

PHRASES: list[str] = [
    "明天下午3点", "今晚8点", "明早", "下周一上午10点", "三点半", "十点一刻", "两小时后", "30分钟后", "半小时后",
    "10月1日 9:00", "10月1号", "10.1", "2022/10/8", "2022-10-08", "2022年10月8日下午2点半", "周五", "星期天",
    "本周五", "下下周一", "凌晨2点", "中午12点", "12点", "１０月１日", "3天后", "国庆", "春节", "元旦", "五一",
    "本月", "上个月", "2022-10", "2022年10月", "10月", "10月1日至10月7日", "10.1-10.7",
    "2022-10-01 to 2022-10-07", "2022Q3", "第三季度", "本季度", "今年", "本周", "最近7天",
    "tomorrow 9am", "in 2 hours", "today 3pm", "next Friday", "2022-10-05 14:30", "Oct 1", "last month",
    "13月45日",
]
assert len(PHRASES) == 50


def bench(fn: Callable[[str, datetime], object], seconds: float = 2.0) -> float:
    """Cycle through PHRASES for ``seconds``; return calls per second."""
    now = datetime(2022, 10, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    calls = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for phrase in PHRASES:
            fn(phrase, now)
        calls += len(PHRASES)
    return calls / (time.perf_counter() - start)


def main() -> int:
    for fn in (parse_when, parse_period):
        print(f"{fn.__name__:>12}: {bench(fn):,.0f} calls/s over {len(PHRASES)} phrases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
