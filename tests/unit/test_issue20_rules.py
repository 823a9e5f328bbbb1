"""Pure rules of issue 20: when a recurring inspection falls, when an urgent request's call is due, and how the
HTTP hook fills its body template."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from bot.services.domain.inspections import occurrences
from bot.services.domain.urgent import UrgentRequest, call_due
from bot.transports.http_hook import fill

WEEKEND = {5, 6}
HOLIDAYS = {date(2022, 10, 3)}


def workday(d: date) -> bool:
    return d.weekday() not in WEEKEND and d not in HOLIDAYS


def test_a_monthly_task_on_a_saturday_moves_to_monday() -> None:
    assert occurrences("monthly", 15, date(2022, 10, 1), date(2022, 10, 31), workday) == [date(2022, 10, 17)]


def test_day_31_is_the_last_day_of_a_short_month() -> None:
    assert occurrences("monthly", 31, date(2022, 11, 1), date(2022, 11, 30), workday) == [date(2022, 11, 30)]


def test_quarterly_falls_in_january_april_july_october_only() -> None:
    got = occurrences("quarterly", 3, date(2022, 1, 1), date(2022, 12, 31), workday)
    assert [d.month for d in got] == [1, 4, 7, 10]
    assert got[-1] == date(2022, 10, 4)  # the 3rd is a holiday: the next working day


def test_daily_is_every_working_day_and_weekly_its_weekday() -> None:
    assert occurrences("daily", 1, date(2022, 10, 1), date(2022, 10, 9), workday) == [
        date(2022, 10, 4), date(2022, 10, 5), date(2022, 10, 6), date(2022, 10, 7)]
    assert occurrences("weekly", 1, date(2022, 10, 1), date(2022, 10, 16), workday) == [
        date(2022, 10, 4), date(2022, 10, 10)]  # Monday the 3rd is a holiday


def _request(**changes: object) -> UrgentRequest:
    start = datetime(2022, 10, 10, 14, 0, tzinfo=UTC)
    values: dict[str, object] = {f: None for f in UrgentRequest.__dataclass_fields__}
    values.update(id=1, text="x", raised_by=1, raised_at=start, started_at=start,
                  deadline_at=start + timedelta(hours=1), reminders_done=0, escalation_next_step=0, calls_done=0)
    values.update(changes)
    return UrgentRequest(**values)  # type: ignore[arg-type]


def test_calls_fall_from_the_start_and_stop_once_acknowledged() -> None:
    offsets = [timedelta(minutes=10), timedelta(minutes=20)]
    request = _request()
    assert call_due(request, offsets) == request.started_at + timedelta(minutes=10)
    assert call_due(_request(calls_done=1), offsets) == request.started_at + timedelta(minutes=20)
    assert call_due(_request(calls_done=2), offsets) is None
    assert call_due(_request(acknowledged_at=request.started_at), offsets) is None
    assert call_due(_request(cancelled_at=request.started_at), offsets) is None


def test_a_json_body_stays_json_whatever_the_text_holds() -> None:
    body = fill('{"to": "{phone}", "msg": "{text}"}', {"phone": "+86-100-0000-0001", "text": 'a "quoted"\nline',
                                                       "request_id": "1", "name": "n", "kind": "k"}, "json")
    assert json.loads(body) == {"to": "+86-100-0000-0001", "msg": 'a "quoted"\nline'}
    assert fill("to={phone}&m={text}", {"phone": "+86 1", "text": "紧急", "request_id": "", "name": "", "kind": ""},
                "form") == "to=%2B86%201&m=%E7%B4%A7%E6%80%A5"
