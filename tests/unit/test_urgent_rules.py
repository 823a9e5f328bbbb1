"""Pure rules behind urgent requests: the one-hour deadline, on time, the escalation steps' moments, who may
cancel, distance to the site, minutes, percentiles."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.services.domain.people import Person, Role
from bot.services.domain.urgent import (
    ARRIVAL_WITHIN,
    UrgentOutcome,
    UrgentRequest,
    arrival_deadline,
    arrived_on_time,
    counted_as_missed,
    due_times,
    may_cancel,
)
from bot.services.geo import distance_m, within_site
from bot.services.urgent import minutes, percentile


def test_one_degree_of_longitude_at_the_equator_is_about_111_km() -> None:
    assert distance_m(0, 0, 0, 1) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(31.81, 119.97, 31.81, 119.97) == 0


def test_within_site_uses_the_configured_radius() -> None:
    settings = SimpleNamespace(site=SimpleNamespace(latitude=31.81, longitude=119.97, radius_m=500))
    inside, near = within_site(settings, 31.813, 119.97)     # about 333 m north
    outside, far = within_site(settings, 31.815, 119.97)     # about 556 m north
    assert inside and near == pytest.approx(333.6, abs=1)
    assert not outside and far == pytest.approx(556.0, abs=1)


def test_minutes_round_up_so_a_late_arrival_is_never_rounded_into_time() -> None:
    assert minutes(timedelta(minutes=60, seconds=20)) == 61
    assert minutes(timedelta(minutes=60)) == 60
    assert minutes(timedelta(seconds=-5)) == 0


def test_nearest_rank_percentile() -> None:
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.9) == 9.0
    assert percentile(values, 0.5) == 5.0
    assert percentile([72.0], 0.9) == 72.0
    assert percentile([], 0.9) is None


START = datetime(2022, 10, 10, 1, 0, tzinfo=UTC)  # Monday 09:00 Asia/Shanghai
REMINDERS = [timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=45)]
STEPS = [timedelta(0), timedelta(minutes=15), timedelta(minutes=30)]  # lead, contacts, escalation group


def request(**changes: object) -> UrgentRequest:
    blank = {f.name: None for f in fields(UrgentRequest)}
    blank.update(id=1, ticket_id=None, text="机房空调告警", raised_by=7, raised_at=START, started_at=START,
                 deadline_at=arrival_deadline(START), reminders_done=0, escalation_next_step=0)
    return replace(UrgentRequest(**blank), **changes)  # type: ignore[arg-type]


def test_the_contract_gives_one_hour_from_the_start() -> None:
    assert timedelta(hours=1) == ARRIVAL_WITHIN
    assert arrival_deadline(START) == START + timedelta(hours=1)
    assert arrival_deadline(START, timedelta(minutes=90)) == START + timedelta(minutes=90)


def test_arriving_exactly_at_the_deadline_is_on_time_a_second_later_is_not() -> None:
    deadline = arrival_deadline(START)
    assert arrived_on_time(deadline, deadline)
    assert not arrived_on_time(deadline + timedelta(seconds=1), deadline)
    assert not arrived_on_time(None, deadline)
    assert request(arrived_at=deadline).arrived_in_time()
    outcome = UrgentOutcome(1, START, deadline, None, deadline + timedelta(seconds=1))
    assert not outcome.arrived_in_time()


def test_before_the_breach_the_next_reminder_and_the_deadline_are_due() -> None:
    assert due_times(request(), REMINDERS, STEPS) == [START + timedelta(minutes=15), START + timedelta(hours=1)]
    assert due_times(request(reminders_done=3), REMINDERS, STEPS) == [START + timedelta(hours=1)]


def test_after_the_breach_each_escalation_step_counts_from_the_deadline() -> None:
    deadline = START + timedelta(hours=1)
    breached = request(reminders_done=3, breach_detected_at=deadline)
    assert due_times(breached, REMINDERS, STEPS) == [deadline]
    assert due_times(replace(breached, escalation_next_step=1), REMINDERS, STEPS) == [deadline + timedelta(minutes=15)]
    assert due_times(replace(breached, escalation_next_step=2), REMINDERS, STEPS) == [deadline + timedelta(minutes=30)]
    assert due_times(replace(breached, escalation_next_step=3), REMINDERS, STEPS) == []


def test_an_acknowledgement_or_an_arrival_stops_the_chain_but_not_the_second_lines_deadline() -> None:
    deadline = START + timedelta(hours=1)
    breached = request(reminders_done=3, breach_detected_at=deadline, escalation_next_step=1)
    assert due_times(replace(breached, escalation_stopped_at=deadline), REMINDERS, STEPS) == []
    second = deadline + timedelta(hours=4)
    arrived = replace(breached, arrived_at=deadline + timedelta(minutes=5), second_line_deadline_at=second)
    assert due_times(arrived, REMINDERS, STEPS) == [second]
    assert due_times(replace(arrived, second_line_arrived_at=second), REMINDERS, STEPS) == []


def test_cancelled_after_the_deadline_with_nobody_on_site_still_counts_as_missed() -> None:
    deadline = START + timedelta(hours=1)
    assert not counted_as_missed(request(cancelled_at=deadline))
    assert counted_as_missed(request(cancelled_at=deadline + timedelta(minutes=1)))
    assert not counted_as_missed(request(cancelled_at=deadline + timedelta(minutes=1), arrived_at=deadline))


def test_the_raiser_a_supervisor_or_the_clients_contact_may_cancel_a_vendor_contact_may_not() -> None:
    def someone(pid: int, *roles: Role, party: str | None = None) -> Person:
        return Person(id=pid, name=f"测试{pid}", telegram_id=100 + pid, roles=frozenset(roles), language="zh_CN",
                      party=party)

    assert may_cancel(someone(7, Role.ENGINEER), request())
    assert not may_cancel(someone(8, Role.ENGINEER, Role.LEAD), request())
    assert may_cancel(someone(9, Role.SUPERVISOR), request())
    assert may_cancel(someone(10, Role.CONTACT, party="client"), request())
    assert not may_cancel(someone(11, Role.CONTACT, party="vendor"), request())
