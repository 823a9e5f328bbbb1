"""Urgent requests with a fake clock: acknowledged in time, arrived in time, breached and escalated step by
step, 需要支援, a deadline missed while the bot was down, who is called, locations, responsiveness."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.handlers.render.urgent import describe
from bot.services import access, oncall, urgent
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.people import Person
from bot.services.domain.urgent import UrgentRequest
from bot.services.errors import DomainError
from bot.services.schedule import run_all_due
from storage.base import chat_from_db
from storage.urgent import UrgentRepository
from tests.conftest import (
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    SECOND_LINE,
    SHANGHAI,
    SUPERVISOR,
    VENDOR_CONTACT,
)

SITE = (31.81, 119.97)
FAR = (31.90, 119.97)  # about 10 km north of the site


@dataclass
class Queued:
    chat_id: int
    text: str
    buttons: list[str]
    kind: str


async def outbox(services: Services) -> list[Queued]:
    async with services.db.uow() as uow:
        rows = await uow.outbox.fetchall("SELECT chat_id, text, buttons, kind FROM outbox ORDER BY id")
    return [Queued(chat_from_db(r["chat_id"]), r["text"],
                   [b["text"] for row in json.loads(r["buttons"] or "[]") for b in row], r["kind"]) for r in rows]


async def to(services: Services, chat_id: int, kind: str | None = None) -> list[Queued]:
    return [m for m in await outbox(services) if m.chat_id == chat_id and (kind is None or m.kind == kind)]


async def person(services: Services, telegram_id: int) -> Person:
    found = await access.identify(services, telegram_id)
    assert found is not None
    return found


async def bind_group(services: Services) -> None:
    await access.bind_group(services, await person(services, SUPERVISOR), GROUP, "项目群")


async def record(services: Services, request_id: int) -> UrgentRequest:
    async with services.db.uow() as uow:
        return await uow.repo(UrgentRepository).get(request_id)  # type: ignore[attr-defined]


async def tick(services: Services, clock: FakeClock, delta: timedelta) -> None:
    clock.advance(delta)
    await run_all_due(services, clock.now())


async def test_raise_calls_every_engineer_with_three_buttons_and_tells_group_the_deadline(
        services: Services) -> None:
    await bind_group(services)
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    assert raised.source == "hours"
    for engineer in (LEAD, ENGINEER):
        [ping] = await to(services, engineer, "urgent.ping")
        assert "社保卡系统无法登录" in ping.text and "2022-10-10 10:00" in ping.text
        assert ping.buttons == ["收到", "已到岗", "需要支援"]
    [notice] = await to(services, GROUP)
    assert "2022-10-10 10:00" in notice.text and "林海" in notice.text and "周小舟" in notice.text
    assert raised.request.ticket_id is not None  # it is a ticket too
    async with services.db.uow() as uow:
        urgent_flag = await uow.outbox.scalar("SELECT urgent FROM tickets WHERE id = ?", (raised.request.ticket_id,))
    assert urgent_flag == 1


async def test_reminders_go_only_to_whoever_has_not_acknowledged(services: Services, clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "公服网办大厅打不开")
    await tick(services, clock, timedelta(minutes=5))
    result = await urgent.acknowledge(services, await person(services, ENGINEER), raised.request.id)
    assert result.first and not result.stopped_escalation
    await tick(services, clock, timedelta(minutes=10))   # 15 min after the request
    await run_all_due(services, clock.now())              # a second sweep sends nothing twice
    assert len(await to(services, LEAD, "urgent.reminder")) == 1
    assert await to(services, ENGINEER, "urgent.reminder") == []
    reminder = (await to(services, LEAD, "urgent.reminder"))[0]
    assert "15 分钟" in reminder.text and reminder.buttons == ["收到", "已到岗", "需要支援"]


async def test_arrival_in_time_is_no_breach_and_counts_as_responsive(services: Services, clock: FakeClock) -> None:
    await bind_group(services)
    raised = await urgent.raise_urgent(services, await person(services, CLIENT_CONTACT), "养老保险系统报错")
    await tick(services, clock, timedelta(minutes=3))
    await urgent.acknowledge(services, await person(services, LEAD), raised.request.id)
    await tick(services, clock, timedelta(minutes=37))
    arrived = await urgent.arrive(services, await person(services, LEAD), raised.request.id)
    assert arrived.minutes == 40 and not arrived.late
    await tick(services, clock, timedelta(hours=3))
    stored = await record(services, raised.request.id)
    assert stored.breach_detected_at is None and stored.escalation_next_step == 0
    assert await to(services, LEAD, "urgent.escalation") == []
    assert any("40 分钟" in m.text for m in await to(services, GROUP))
    rate = await urgent.responsiveness_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert rate.rate == Decimal(1) and rate.losses == []
    assert rate.details["ack_median_min"] == 3.0 and rate.details["arrive_median_min"] == 40.0


async def test_breach_escalates_to_lead_then_contacts_then_escalation_group(services: Services,
                                                                            clock: FakeClock) -> None:
    await bind_group(services)
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡制卡接口中断")
    request_id = raised.request.id
    await tick(services, clock, timedelta(minutes=59))
    assert (await record(services, request_id)).breach_detected_at is None
    await tick(services, clock, timedelta(minutes=1))     # the deadline: step 1 (lead) at once
    stored = await record(services, request_id)
    assert stored.breach_detected_at == stored.deadline_at == raised.request.started_at + timedelta(hours=1)
    assert any("超过到岗时限" in m.text for m in await to(services, GROUP))
    [to_lead] = await to(services, LEAD, "urgent.escalation")
    assert "第 1 级" in to_lead.text and to_lead.buttons == ["收到"]
    assert await to(services, CLIENT_CONTACT, "urgent.escalation") == []
    await tick(services, clock, timedelta(minutes=14))
    assert await to(services, CLIENT_CONTACT, "urgent.escalation") == []
    await tick(services, clock, timedelta(minutes=1))     # deadline + 15 min: both parties' contacts
    assert len(await to(services, CLIENT_CONTACT, "urgent.escalation")) == 1
    assert len(await to(services, VENDOR_CONTACT, "urgent.escalation")) == 1
    assert await to(services, SECOND_LINE, "urgent.escalation") == []
    await tick(services, clock, timedelta(minutes=15))    # deadline + 30 min: the escalation group
    [to_second_line] = await to(services, SECOND_LINE, "urgent.escalation")
    assert "第 3 级" in to_second_line.text
    async with services.db.uow() as uow:
        steps = await uow.repo(UrgentRepository).steps(request_id)  # type: ignore[attr-defined]
    assert [(s["target"], s["fired_at"] - stored.deadline_at) for s in steps] == [
        ("lead", timedelta(0)), ("contacts", timedelta(minutes=15)), ("escalation", timedelta(minutes=30))]
    rate = await urgent.responsiveness_rate(services, date(2022, 10, 10), date(2022, 10, 10))
    assert rate.rate == Decimal(0) and [loss.key for loss in rate.losses] == ["urg.loss.open"]


async def test_acknowledgement_after_breach_stops_the_chain(services: Services, clock: FakeClock) -> None:
    await bind_group(services)
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "统一经办门户无法访问")
    await tick(services, clock, timedelta(minutes=70))    # breached, lead told
    result = await urgent.acknowledge(services, await person(services, LEAD), raised.request.id)
    assert result.stopped_escalation
    await tick(services, clock, timedelta(hours=2))
    assert await to(services, CLIENT_CONTACT, "urgent.escalation") == []
    assert await to(services, SECOND_LINE, "urgent.escalation") == []
    stored = await record(services, raised.request.id)
    lead = await person(services, LEAD)
    assert stored.escalation_stopped_by == lead.id
    assert stored.escalation_stopped_at == raised.request.started_at + timedelta(minutes=70)
    assert any("林海" in m.text and "升级停止" in m.text for m in await to(services, GROUP))
    async with services.db.uow() as uow:
        acks = await uow.audit.list(action_prefix="urgent.ack")
    assert acks[-1].after["stopped_escalation"] is True and acks[-1].after["after_breach"] is True


async def test_ack_before_breach_does_not_stop_the_chain(services: Services, clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "人力资源市场系统卡顿")
    await urgent.acknowledge(services, await person(services, ENGINEER), raised.request.id)
    await tick(services, clock, timedelta(minutes=75))
    assert len(await to(services, LEAD, "urgent.escalation")) == 1
    assert len(await to(services, CLIENT_CONTACT, "urgent.escalation")) == 1


async def test_needs_support_calls_the_second_line_at_once_with_its_own_deadline(services: Services,
                                                                                 clock: FakeClock) -> None:
    await bind_group(services)
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "数据库主从同步中断")
    await tick(services, clock, timedelta(minutes=10))
    updated = await urgent.request_support(services, await person(services, ENGINEER), raised.request.id)
    assert updated.second_line_deadline_at == clock.now() + timedelta(hours=4)
    assert updated.acknowledged_at == clock.now()  # asking for help acknowledges
    [call] = await to(services, SECOND_LINE, "urgent.support")
    assert "2022-10-10 13:10" in call.text and call.buttons == ["收到", "已到岗"]
    assert any("二线" in m.text and "13:10" in m.text for m in await to(services, GROUP))
    with pytest.raises(DomainError):
        await urgent.request_support(services, await person(services, LEAD), raised.request.id)
    await urgent.arrive(services, await person(services, ENGINEER), raised.request.id)
    await tick(services, clock, timedelta(hours=4))       # the second line's deadline passes
    stored = await record(services, raised.request.id)
    assert stored.second_line_breach_detected_at == clock.now()
    assert any("二线支援未在" in m.text for m in await to(services, LEAD))
    assert any("二线支援未在" in m.text for m in await to(services, CLIENT_CONTACT))


async def test_second_line_arriving_in_time_is_recorded(services: Services, clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "接口联调失败")
    await urgent.request_support(services, await person(services, LEAD), raised.request.id)
    await tick(services, clock, timedelta(hours=2))
    result = await urgent.second_line_arrive(services, await person(services, SECOND_LINE), raised.request.id)
    assert result.minutes == 120 and not result.late
    await tick(services, clock, timedelta(hours=3))
    assert (await record(services, raised.request.id)).second_line_breach_detected_at is None


async def test_deadline_missed_while_down_fires_at_once_and_keeps_true_times(services: Services,
                                                                             clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "开放平台证书过期")
    clock.advance(timedelta(hours=3))                     # nobody swept for three hours
    await run_all_due(services, clock.now())
    stored = await record(services, raised.request.id)
    assert stored.deadline_at == raised.request.started_at + timedelta(hours=1)
    assert stored.breach_detected_at == raised.request.started_at + timedelta(hours=3)
    assert stored.escalation_next_step == 3               # every step was due: all fired at once
    assert len(await to(services, SECOND_LINE, "urgent.escalation")) == 1
    # every reminder was overtaken by the deadline: none is sent late (the breach and escalation say it all)
    assert await to(services, ENGINEER, "urgent.reminder") == []


async def test_discovery_time_starts_the_clock(services: Services) -> None:
    raised = await urgent.raise_urgent(services, await person(services, ENGINEER), "发现 8:40 社保卡系统无法登录")
    assert raised.request.text == "社保卡系统无法登录"
    assert raised.request.started_at == datetime(2022, 10, 10, 8, 40, tzinfo=SHANGHAI)
    assert raised.request.deadline_at == datetime(2022, 10, 10, 9, 40, tzinfo=SHANGHAI)


async def test_without_text_the_usage_is_explained(services: Services) -> None:
    with pytest.raises(DomainError) as caught:
        await urgent.raise_urgent(services, await person(services, SUPERVISOR), "   ")
    assert caught.value.key == "urg.usage"


async def test_night_request_calls_the_oncall_engineer_and_without_rota_the_lead(services: Services,
                                                                                clock: FakeClock) -> None:
    clock.set(datetime(2022, 10, 10, 22, 0, tzinfo=SHANGHAI))
    await oncall.set_rota(services, await person(services, LEAD), "今天 周小舟")
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "夜间批处理失败")
    assert [p.telegram_id for p in raised.notified] == [ENGINEER] and raised.source == "rota"
    clock.set(datetime(2022, 10, 11, 3, 0, tzinfo=SHANGHAI))  # still the evening's duty day
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "凌晨接口超时")
    assert [p.telegram_id for p in raised.notified] == [ENGINEER]
    clock.set(datetime(2022, 10, 11, 22, 0, tzinfo=SHANGHAI))  # nobody on the rota
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "小程序无法登录")
    assert [p.telegram_id for p in raised.notified] == [LEAD] and raised.source == "lead"


async def test_engineer_on_approved_leave_is_not_called(services: Services, monkeypatch) -> None:
    from bot.services import attendance

    engineer = await person(services, ENGINEER)

    async def on_leave(uow: object, person_id: int, day: date) -> bool:
        return person_id == engineer.id and day == date(2022, 10, 10)

    monkeypatch.setattr(attendance, "on_leave", on_leave, raising=False)
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "权限系统异常")
    assert [p.telegram_id for p in raised.notified] == [LEAD]


async def test_location_after_arrival_is_checked_against_the_site(services: Services, clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    engineer = await person(services, ENGINEER)
    await tick(services, clock, timedelta(minutes=30))
    await urgent.arrive(services, engineer, raised.request.id)
    checked = await urgent.share_location(services, engineer, *FAR)
    assert checked is not None and not checked.on_site and checked.distance_m > 9000
    stored = await record(services, raised.request.id)
    assert stored.arrival_on_site is False and stored.arrival_distance_m > 9000
    assert stored.arrived_at == raised.request.started_at + timedelta(minutes=30)  # the arrival itself stands


async def test_location_instead_of_button_counts_only_on_site(services: Services, clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    engineer = await person(services, ENGINEER)
    await tick(services, clock, timedelta(minutes=20))
    far = await urgent.share_location(services, engineer, *FAR)
    assert far is not None and not far.counted_as_arrival
    assert (await record(services, raised.request.id)).arrived_at is None
    await tick(services, clock, timedelta(minutes=15))
    near = await urgent.share_location(services, engineer, *SITE)
    assert near is not None and near.counted_as_arrival and near.on_site
    stored = await record(services, raised.request.id)
    assert stored.arrived_at == raised.request.started_at + timedelta(minutes=35)
    assert stored.arrival_distance_m is not None and stored.arrival_distance_m < 1


async def test_location_unrelated_to_urgent_requests_is_ignored(services: Services) -> None:
    assert await urgent.share_location(services, await person(services, ENGINEER), *SITE) is None


async def test_responsiveness_counts_late_and_open_requests_as_missed(services: Services, clock: FakeClock) -> None:
    supervisor = await person(services, SUPERVISOR)
    lead = await person(services, LEAD)
    in_time = await urgent.raise_urgent(services, supervisor, "请求一")
    late = await urgent.raise_urgent(services, supervisor, "请求二")
    still_open = await urgent.raise_urgent(services, supervisor, "请求三")
    await tick(services, clock, timedelta(minutes=10))
    await urgent.acknowledge(services, lead, in_time.request.id)
    await urgent.acknowledge(services, lead, late.request.id)
    await tick(services, clock, timedelta(minutes=20))
    await urgent.arrive(services, lead, in_time.request.id)
    await tick(services, clock, timedelta(minutes=42))    # 72 minutes after the request
    await urgent.arrive(services, lead, late.request.id)
    clock.set(datetime(2022, 10, 10, 11, 0, tzinfo=SHANGHAI))
    not_yet_due = await urgent.raise_urgent(services, supervisor, "请求四")
    await tick(services, clock, timedelta(minutes=5))
    rate = await urgent.responsiveness_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert (rate.numerator, rate.denominator) == (1, 3)   # 请求四 is still within its hour: not counted
    assert rate.details["pending"] == 1 and not_yet_due.request.id == 4
    texts = {loss.params["id"]: loss for loss in rate.losses}
    assert set(texts) == {late.request.id, still_open.request.id}
    from bot.catalog import t

    assert t(texts[late.request.id].key, "en", **texts[late.request.id].params) == \
        f"urgent request #{late.request.id} arrived after 72 min"
    assert rate.details["arrive_median_min"] == 51.0      # 30 and 72 minutes
    assert rate.details["arrive_p90_min"] == 72.0
    assert rate.details["ack_median_min"] == 10.0


async def test_responsiveness_is_full_without_requests(services: Services) -> None:
    rate = await urgent.responsiveness_rate(services, date(2022, 9, 1), date(2022, 9, 30))
    assert rate.rate == Decimal(1) and rate.denominator == 0 and rate.details["count"] == 0


async def test_open_list_shows_status_and_period_list_includes_arrived(services: Services,
                                                                       clock: FakeClock) -> None:
    supervisor = await person(services, SUPERVISOR)
    first = await urgent.raise_urgent(services, supervisor, "请求一")
    await urgent.raise_urgent(services, supervisor, "请求二")
    await urgent.arrive(services, await person(services, LEAD), first.request.id)
    open_items = await urgent.list_requests(services)
    assert [item.request.text for item in open_items] == ["请求二"]
    assert urgent.status_key(open_items[0].request, clock.now()) == "urg.status.waiting"
    everything = await urgent.list_requests(services, (date(2022, 10, 10), date(2022, 10, 10)))
    assert [(item.request.text, item.arrived_by) for item in everything] == [("请求一", "林海"), ("请求二", None)]


async def test_arrival_located_far_from_the_site_is_flagged_and_the_lead_and_raiser_are_told(
        services: Services, clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    engineer = await person(services, ENGINEER)
    await tick(services, clock, timedelta(minutes=20))
    await urgent.arrive(services, engineer, raised.request.id)
    checked = await urgent.share_location(services, engineer, 40.6058, 119.97)  # about 978 km north
    assert checked is not None and checked.off_site_arrival and checked.notified == 2
    stored = await record(services, raised.request.id)
    assert stored.arrival_on_site is False and round(stored.arrival_distance_m) == 978050
    for who in (LEAD, SUPERVISOR):
        [notice] = await to(services, who, "urgent.off_site")
        assert "紧急请求 #1" in notice.text and "978050 米" in notice.text and "周小舟" in notice.text
    assert await to(services, ENGINEER, "urgent.off_site") == []  # the engineer gets the reply instead
    [item] = await urgent.list_requests(services, (date(2022, 10, 10), date(2022, 10, 10)))
    line = describe(services, item, "zh_CN")
    assert "已到岗：周小舟，用时 20 分钟" in line and "到岗位置不在现场（距离 978050 米）" in line
    assert "arrival location off-site (978050 m away)" in describe(services, item, "en")
    rate = await urgent.responsiveness_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert (rate.numerator, rate.denominator) == (1, 1)  # still counted as arrived in time, but flagged
    assert rate.details["off_site"] == 1 and rate.details["off_site_ids"] == "#1"


async def test_arrival_located_on_site_is_not_flagged(services: Services, clock: FakeClock) -> None:
    raised = await urgent.raise_urgent(services, await person(services, SUPERVISOR), "社保卡系统无法登录")
    engineer = await person(services, ENGINEER)
    await urgent.arrive(services, engineer, raised.request.id)
    checked = await urgent.share_location(services, engineer, *SITE)
    assert checked is not None and not checked.off_site_arrival and checked.notified == 0
    assert await to(services, LEAD, "urgent.off_site") == []
    [item] = await urgent.list_requests(services, (date(2022, 10, 10), date(2022, 10, 10)))
    assert "不在现场" not in describe(services, item, "zh_CN")
    rate = await urgent.responsiveness_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert rate.details["off_site"] == 0


def test_listing_period_reads_open_words_and_periods_and_refuses_nonsense(services: Services) -> None:
    assert urgent.listing_period(services, "") is None and urgent.listing_period(services, "未完成") is None
    assert urgent.listing_period(services, "今天") == (date(2022, 10, 10), date(2022, 10, 10))
    with pytest.raises(DomainError) as bad:
        urgent.listing_period(services, "某个时候")
    assert bad.value.key == "error.bad_period"
