"""Pure rules of the domain (bot/services/domain) that had no unit test of their own: who is the client side,
who is on the project on a day, a component rate's arithmetic, a timed shift, an incident report's gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.services.domain.duties import INCIDENT_TEXT_SECTIONS, Incident, missing, next_question
from bot.services.domain.oncall import Shift, engineers_on
from bot.services.domain.people import Party, Person, Role, client_contacts, is_client_side
from bot.services.domain.rates import ComponentRate


def someone(pid: int, *roles: Role, party: str | None = None, start: date | None = None, end: date | None = None,
            status: str = "active") -> Person:
    return Person(id=pid, name=f"测试{pid}", telegram_id=9000 + pid, roles=frozenset(roles), language="zh_CN",
                  party=party, start_date=start, end_date=end, status=status)


def test_the_client_side_is_a_supervisor_or_the_clients_contact_never_the_vendor() -> None:
    assert is_client_side(someone(1, Role.SUPERVISOR))
    assert is_client_side(someone(2, Role.CONTACT, party=Party.CLIENT))
    assert is_client_side(someone(3, Role.CONTACT, party="client"))  # as stored
    assert not is_client_side(someone(4, Role.CONTACT, party="vendor"))
    assert not is_client_side(someone(5, Role.SUPERVISOR, party="vendor"))  # least privilege by party
    assert not is_client_side(someone(6, Role.LEAD, Role.ADMIN))


def test_supervisors_stand_in_when_no_client_contact_is_on_the_roster() -> None:
    supervisor, vendor_contact = someone(1, Role.SUPERVISOR), someone(2, Role.CONTACT, party="vendor")
    client = someone(3, Role.CONTACT, party="client")
    assert client_contacts([supervisor, vendor_contact, client]) == [client]
    assert client_contacts([supervisor, vendor_contact]) == [supervisor]
    assert client_contacts([someone(4, Role.CONTACT, party="client", status="left")]) == []


def test_on_the_project_from_start_to_end_both_included() -> None:
    joined = someone(1, Role.ENGINEER, start=date(2022, 10, 10), end=date(2022, 10, 14))
    assert not joined.assigned_on(date(2022, 10, 9))
    assert joined.assigned_on(date(2022, 10, 10)) and joined.assigned_on(date(2022, 10, 14))
    assert not joined.assigned_on(date(2022, 10, 15))
    assert not someone(2, Role.ENGINEER, status="left").assigned_on(date(2022, 10, 10))
    lead, supervisor = someone(3, Role.LEAD), someone(4, Role.SUPERVISOR)
    assert engineers_on([joined, lead, supervisor], date(2022, 10, 15)) == [lead]


def test_a_rate_is_numerator_over_denominator_and_its_empty_rate_with_nothing_to_measure() -> None:
    assert ComponentRate(Decimal(19), Decimal(20)).rate == Decimal("0.95")
    assert ComponentRate(Decimal(0), Decimal(0)).rate == Decimal(1)
    assert ComponentRate(Decimal(0), Decimal(0), empty_rate=Decimal(0)).rate == Decimal(0)


def test_a_timed_shift_covers_its_hours_only_an_untimed_one_the_whole_day() -> None:
    start, end = datetime(2022, 10, 10, 10, 0, tzinfo=UTC), datetime(2022, 10, 11, 1, 0, tzinfo=UTC)
    timed = Shift(date(2022, 10, 10), 1, "rota", None, start, end)
    assert timed.covers(start) and not timed.covers(end)
    assert not timed.covers(datetime(2022, 10, 10, 9, 59, tzinfo=UTC))
    assert Shift(date(2022, 10, 10), 1, "rota", None).covers(end)


def incident(approval: str = "pending", **sections: str) -> Incident:
    filled = {s: sections.get(s) for s in INCIDENT_TEXT_SECTIONS}
    at = datetime(2022, 10, 10, 1, 0, tzinfo=UTC)
    return Incident(1, 7, "门户被篡改", filled, approval, None, None, "open", at, None, None)


def test_an_incident_report_asks_for_its_sections_in_the_contracts_order() -> None:
    assert missing(incident()) == ["discovery", "cause", "impact", "handling", "approval", "improvements"]
    assert next_question(incident()) == "discovery"
    planned = incident(discovery="巡检发现", cause="弱口令", impact="首页", handling="恢复并改密")
    assert missing(planned) == ["approval", "improvements"]
    assert next_question(planned) == "improvements"  # the approval is the client's: not asked of the reporter
    assert next_question(incident("returned", discovery="a", cause="b", impact="c", handling="d")) == "handling"
    assert missing(incident("approved", discovery="a", cause="b", impact="c", handling="d", improvements="e")) == []
