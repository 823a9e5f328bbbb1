"""Property tests: any chat text is answered quickly and never raises."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.timeparse import parse_period, parse_when

T = TypeVar("T")
SH = ZoneInfo("Asia/Shanghai")
LIMIT_S = 0.05

TOKENS = [
    "今天", "明天", "后天", "大后天", "昨天", "前天", "明早", "今晚", "明晚", "上午", "中午", "下午", "晚上",
    "凌晨", "早上", "傍晚", "三", "十", "两", "半", "刻", "点", "时", "分", "小时", "分钟", "后", "前", "周",
    "星期", "礼拜", "一", "日", "天", "本周", "下周", "下下周", "上周", "月", "号", "年", "季度", "第", "本月",
    "上个月", "至", "到", "-", "~", "—", "to", ":", "：", "１", "０", "2022", "10", "1", "12", "25", "45",
    "Q3", "国庆", "春节", "元旦", "五一", "清明", "端午", "中秋", "tomorrow", "next", "last", "month",
    "week", "in", "hours", "am", "pm", "oct", " ", ".", "/", "😀", "\u3000", "ﷺ",
    # holiday-season phrases: lunar days, the first working day after a holiday, month and year edges
    "腊月", "正月", "农历", "初", "廿", "二十八", "十五", "三十", "除夕", "大年", "小年", "元宵", "七夕", "重阳",
    "节后", "年后", "后", "第一个", "工作日", "上班", "月底", "月初", "月末", "上旬", "下旬", "年底", "本年度",
    "全年", "monday", "friday",
]

nows = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31)).map(
    lambda d: d.replace(tzinfo=SH)
)
token_text = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map("".join)


def _timed(fn: Callable[[str, datetime], T], text: str, now: datetime) -> T:
    start = time.perf_counter()
    result = fn(text, now)
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT_S, f"{fn.__name__}({text!r}) took {elapsed * 1000:.1f} ms"
    return result


def _check(text: str, now: datetime) -> None:
    when = _timed(parse_when, text, now)
    assert when is None or (isinstance(when, datetime) and when.tzinfo is now.tzinfo)
    period = _timed(parse_period, text, now)
    if period is not None:
        first, last = period
        assert isinstance(first, date) and isinstance(last, date) and first <= last


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300), now=nows)
def test_random_text_never_raises_and_is_fast(text: str, now: datetime) -> None:
    _check(text, now)


@settings(max_examples=300, deadline=None)
@given(text=token_text, now=nows)
def test_chinese_token_soup_never_raises_and_is_fast(text: str, now: datetime) -> None:
    _check(text, now)


@settings(max_examples=200, deadline=None)
@given(
    day=st.sampled_from(["今天", "明天", "后天", "下周一", "周五", "10月1日", ""]),
    part=st.sampled_from(["上午", "下午", "晚上", "凌晨", "中午", ""]),
    hour=st.integers(min_value=0, max_value=30),
    minute=st.sampled_from(["", "半", "一刻", "15分", "05"]),
    now=nows,
)
def test_composed_phrases_are_valid_times(day: str, part: str, hour: int, minute: str, now: datetime) -> None:
    """Well-formed compositions give a result on the right minute, or None when impossible."""
    text = f"{day}{part}{hour}点{minute}"
    got = _timed(parse_when, text, now)
    if hour > 24:
        assert got is None
    if got is not None:
        assert got.tzinfo is now.tzinfo
        expected_minute = {"": 0, "半": 30, "一刻": 15, "15分": 15, "05": 5}[minute]
        assert got.minute == expected_minute
        if not day:  # no date: the next occurrence, within two days
            assert now < got <= now + timedelta(days=2)
