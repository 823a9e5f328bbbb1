"""iCalendar details phones and Outlook insist on (RFC 5545): escaping, folding at 75 octets, CRLF, UTC."""

from datetime import UTC, date, datetime, timedelta, timezone

from bot.web import ics

STAMP = datetime(2022, 10, 10, 1, 0, tzinfo=UTC)


def test_text_is_escaped() -> None:
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_a_chinese_character() -> None:
    line = "SUMMARY:" + "假期值班" * 30
    folded = ics.fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join(piece[1:] if i else piece for i, piece in enumerate(pieces)) == line


def test_a_timed_duty_is_in_utc_and_an_all_day_duty_is_a_date() -> None:
    start = datetime(2022, 10, 15, 18, 0, tzinfo=timezone(timedelta(hours=8)))
    text = ics.calendar("值班, 测试", [
        ics.Event("a", "值班：周小舟", date(2022, 10, 15), start, start + timedelta(hours=15)),
        ics.Event("b", "值班：林海", date(2022, 10, 16)),
    ], stamp=STAMP)
    assert "X-WR-CALNAME:值班\\, 测试\r\n" in text
    assert "DTSTART:20221015T100000Z\r\nDTEND:20221016T010000Z\r\n" in text
    assert "DTSTART;VALUE=DATE:20221016\r\nDTEND;VALUE=DATE:20221017\r\n" in text
    assert text.count("BEGIN:VEVENT") == 2 and "DTSTAMP:20221010T010000Z" in text
    assert "\n" not in text.replace("\r\n", "")
