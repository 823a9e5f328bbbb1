"""Callback data: one versioned format, ≤ 64 bytes, forged or old data decodes to None."""

from __future__ import annotations

import pytest

from bot.services.callback_data import decode, encode


def test_round_trip() -> None:
    data = encode("urg", "ack", 17)
    assert data == "v1:urg:ack:17"
    decoded = decode(data)
    assert decoded is not None and (decoded.feature, decoded.action, decoded.int_arg()) == ("urg", "ack", 17)


@pytest.mark.parametrize("bad", [None, "", "ack:17", "v0:urg:ack:1", "v1:urg", "v1:u rg:ack", "v1:urg:ack:1;drop"])
def test_foreign_data_is_rejected(bad: str | None) -> None:
    assert decode(bad) is None


def test_too_long_or_unsafe_parts_are_refused_at_encoding() -> None:
    with pytest.raises(ValueError):
        encode("tk", "x" * 70)
    with pytest.raises(ValueError):
        encode("tk", "a:b")
