"""Quiet hours as a rule (bot/services/domain/media.py): spans past midnight, the end is not quiet, parsing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.domain.media import CAN_WAIT, QuietHours

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_span_past_midnight_is_quiet_on_both_sides_and_not_at_its_end() -> None:
    night = QuietHours.parse("22:00-08:00")
    assert night is not None
    assert night.contains(datetime(2022, 10, 10, 23, 30)) and night.contains(datetime(2022, 10, 11, 7, 59))
    assert night.contains(datetime(2022, 10, 10, 22, 0))
    assert not night.contains(datetime(2022, 10, 11, 8, 0)) and not night.contains(datetime(2022, 10, 10, 12, 0))


def test_the_end_after_a_moment_is_the_next_morning_or_the_same_morning() -> None:
    night = QuietHours.parse("22:00-08:00")
    assert night is not None
    evening = datetime(2022, 10, 10, 23, 0, tzinfo=SHANGHAI)
    assert night.ends_after(evening, SHANGHAI) == datetime(2022, 10, 11, 8, 0, tzinfo=SHANGHAI)
    early = datetime(2022, 10, 11, 6, 0, tzinfo=SHANGHAI)
    assert night.ends_after(early, SHANGHAI) == datetime(2022, 10, 11, 8, 0, tzinfo=SHANGHAI)


def test_parsing_takes_chat_spellings_and_refuses_nonsense() -> None:
    assert QuietHours.parse("22：00至07：30") == QuietHours(22 * 60, 7 * 60 + 30)
    assert QuietHours.parse("9:00 ~ 12:00") == QuietHours(9 * 60, 12 * 60)
    for bad in ("晚上", "25:00-08:00", "22:00-22:00", "22:60-08:00", ""):
        assert QuietHours.parse(bad) is None, bad


def test_urgent_escalation_and_handover_kinds_never_wait() -> None:
    assert not {k for k in CAN_WAIT if k.startswith("urgent.")}
    assert "oncall.handover" not in CAN_WAIT and "error.alert" not in CAN_WAIT
