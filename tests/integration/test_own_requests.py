"""Nobody decides a staff change they asked for or are part of, even holding the client contact's role."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.services import staff
from bot.services.container import Services
from bot.services.domain.people import Role
from bot.services.errors import DomainError
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD
from tests.integration.test_scoring_month import person


async def test_a_staff_change_is_not_decided_by_who_asked_for_it_or_who_leaves(services: Services) -> None:
    lead = await person(services, LEAD)
    # a made-up roster where the lead is also the client's contact (and the leaving engineer too, below)
    lead_as_client = dataclasses.replace(lead, roles=lead.roles | {Role.CONTACT}, party="client")
    change, _ = await staff.request_change(services, lead_as_client, "周小舟", staff.parse_joiner("郑新人:100003"),
                                           date(2022, 11, 1), "个人原因")
    engineer = await person(services, ENGINEER)
    leaving_as_client = dataclasses.replace(engineer, roles=engineer.roles | {Role.CONTACT}, party="client")
    for own in (lead_as_client, leaving_as_client):
        with pytest.raises(DomainError) as refused:
            await staff.decide_change(services, own, change.id, True)
        assert refused.value.key == "access.own_request"
    decided = await staff.decide_change(services, await person(services, CLIENT_CONTACT), change.id, True)
    assert decided.status == "handover"
