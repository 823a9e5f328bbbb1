"""Cancelling an urgent request nobody needed to attend: the clock stops, the people called and the group are
told, it is audited, and the responsiveness rate leaves it out unless the deadline had already passed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.handlers.render.urgent import describe
from bot.services import urgent, urgent_timers
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.errors import DomainError
from bot.services.schedule import run_all_due
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR, VENDOR_CONTACT
from tests.integration.test_urgent import bind_group, outbox, person, record, tick, to

OCTOBER = (date(2022, 10, 1), date(2022, 10, 31))


async def _audit(services: Services, action: str) -> list[dict]:
    async with services.db.uow() as uow:
        rows = await uow.audit.fetchall("SELECT actor_name, entity_id, before, after FROM audit"
                                        " WHERE action = ? ORDER BY id", (action,))
    return [dict(r) for r in rows]


async def test_cancel_before_the_deadline_stops_every_reminder_and_is_left_out_of_the_rate(
        services: Services, clock: FakeClock) -> None:
    await bind_group(services)
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    request_id = raised.request.id
    await tick(services, clock, timedelta(minutes=5))
    result = await urgent.cancel(services, await person(services, SUPERVISOR), request_id, "误报，系统已远程恢复")
    assert result.first and not result.counted_as_missed and result.notified == 2

    for engineer in (LEAD, ENGINEER):  # both were called; both learn nobody needs to come
        [notice] = await to(services, engineer, "urgent.cancel")
        assert "#1 已取消" in notice.text and "误报，系统已远程恢复" in notice.text and "陈主管" in notice.text
    assert any("已由 陈主管" in m.text and "误报，系统已远程恢复" in m.text for m in await to(services, GROUP))
    [audited] = await _audit(services, "urgent.cancel")
    assert audited["actor_name"] == "陈主管" and "误报，系统已远程恢复" in audited["after"]

    sent_before = [m for m in await outbox(services) if m.kind.startswith("urgent.")]
    assert await urgent_timers.next_due(services, clock.now()) is None   # no clock left to run
    await tick(services, clock, timedelta(hours=3))                      # far past the deadline
    await run_all_due(services, clock.now())
    assert [m for m in await outbox(services) if m.kind.startswith("urgent.")] == sent_before  # none of ours
    assert (await record(services, request_id)).breach_detected_at is None

    rate = await urgent.responsiveness_rate(services, *OCTOBER)
    assert rate.denominator == 0 and rate.rate == Decimal(1) and rate.losses == []
    assert rate.details["cancelled"] == 1 and rate.details["missed"] == 0


async def test_cancel_after_the_breach_still_counts_as_missed_and_stops_further_escalation(
        services: Services, clock: FakeClock) -> None:
    await bind_group(services)
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡制卡接口中断")
    await tick(services, clock, timedelta(minutes=61))          # breached; step 1 (lead) fired
    assert len(await to(services, LEAD, "urgent.escalation")) == 1
    result = await urgent.cancel(services, await person(services, CLIENT_CONTACT), raised.request.id,
                                 "已远程处理")
    assert result.first and result.counted_as_missed
    assert any("仍计为未按时到岗" in m.text for m in await to(services, GROUP))
    await tick(services, clock, timedelta(hours=2))             # the contacts' step would be due by now
    assert await to(services, CLIENT_CONTACT, "urgent.escalation") == []
    assert len(await to(services, LEAD, "urgent.escalation")) == 1

    rate = await urgent.responsiveness_rate(services, *OCTOBER)
    assert (rate.numerator, rate.denominator) == (0, 1)
    [loss] = rate.losses
    assert loss.key == "urg.loss.cancelled_late" and loss.params["id"] == raised.request.id


async def test_only_the_raiser_a_supervisor_or_the_client_contact_may_cancel(services: Services) -> None:
    raised = await urgent.raise_urgent(services, await person(services, CLIENT_CONTACT), "养老保险系统报错")
    for refused in (ENGINEER, LEAD, VENDOR_CONTACT):
        with pytest.raises(DomainError) as error:
            await urgent.cancel(services, await person(services, refused), raised.request.id, "误报")
        assert error.value.key == "urg.cancel_refused"
    assert (await record(services, raised.request.id)).cancelled_at is None
    assert await _audit(services, "urgent.cancel") == []

    own = await urgent.raise_urgent(services, await person(services, ENGINEER), "打印服务器宕机")
    assert (await urgent.cancel(services, await person(services, ENGINEER), own.request.id, "提错了")).first


async def test_a_repeated_cancel_changes_nothing_and_says_who_cancelled(services: Services) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "公服网办大厅打不开")
    await urgent.cancel(services, await person(services, SUPERVISOR), raised.request.id, "误报")
    queued = len(await outbox(services))
    again = await urgent.cancel(services, await person(services, CLIENT_CONTACT), raised.request.id, "另一原因")
    assert not again.first and again.cancelled_by == "陈主管" and again.request.cancel_reason == "误报"
    assert len(await outbox(services)) == queued and len(await _audit(services, "urgent.cancel")) == 1
    with pytest.raises(DomainError) as error:            # an old 收到 button on the cancelled request
        await urgent.acknowledge(services, await person(services, ENGINEER), raised.request.id)
    assert error.value.key == "urg.is_cancelled"


async def test_a_reason_is_required_and_an_arrived_request_cannot_be_cancelled(services: Services) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    with pytest.raises(DomainError) as error:
        await urgent.cancel(services, await person(services, SUPERVISOR), raised.request.id, "  ")
    assert error.value.key == "urg.cancel_usage"
    await urgent.arrive(services, await person(services, ENGINEER), raised.request.id)
    with pytest.raises(DomainError) as error:
        await urgent.cancel(services, await person(services, SUPERVISOR), raised.request.id, "误报")
    assert error.value.key == "urg.cancel_arrived"


async def test_lists_show_a_cancelled_request_with_its_reason_only_in_the_period(services: Services) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    await urgent.cancel(services, await person(services, SUPERVISOR), raised.request.id, "误报，无需到场")
    assert await urgent.list_requests(services) == []
    [item] = await urgent.list_requests(services, (date(2022, 10, 10), date(2022, 10, 10)))
    line = describe(services, item, "zh_CN")
    assert "已取消：陈主管" in line and "原因：误报，无需到场" in line
