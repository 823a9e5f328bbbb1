"""When an action counts: the message's send time, judged against the time it reached the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.action_time import MAX_AGE, acted_at, acting, judge, received_at, receiving

RECEIVED = datetime(2022, 10, 10, 3, 28, 10, tzinfo=UTC)


def test_a_plausible_send_time_counts() -> None:
    sent = RECEIVED - timedelta(seconds=72)
    assert judge(sent, RECEIVED) == sent


def test_without_a_send_time_the_receipt_counts() -> None:
    assert judge(None, RECEIVED) == RECEIVED


def test_a_send_time_in_the_future_is_clamped_to_the_receipt() -> None:
    assert judge(RECEIVED + timedelta(seconds=3), RECEIVED) == RECEIVED
    assert judge(RECEIVED + timedelta(days=400), RECEIVED) == RECEIVED


def test_a_send_time_older_than_the_platform_keeps_updates_is_not_trusted() -> None:
    assert judge(RECEIVED - MAX_AGE, RECEIVED) == RECEIVED - MAX_AGE
    assert judge(RECEIVED - MAX_AGE - timedelta(seconds=1), RECEIVED) == RECEIVED


def test_the_moments_hold_only_inside_their_blocks() -> None:
    assert received_at() is None and acted_at() is None
    with receiving(RECEIVED), acting(RECEIVED - timedelta(seconds=5)):
        assert received_at() == RECEIVED and acted_at() == RECEIVED - timedelta(seconds=5)
    assert received_at() is None and acted_at() is None
