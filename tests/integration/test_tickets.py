"""Tickets on a real database: the rating arithmetic, who may rate and rule, the completion rate, overdue
reminders (also across a restart, audited), automatic rating, the FAQ digest after downtime, deadlines read
from the report, the monitoring indicators."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.app import build_application, running
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI
from bot.services import ticket_timers, tickets
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from bot.services.schedule import run_all_due
from bot.state import app_state
from config.settings import Settings
from storage.base import chat_key
from storage.tickets import TicketRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT


async def _person(services: Services, telegram_id: int) -> Person:
    async with services.db.uow() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
    assert person is not None
    return person


async def _raise(services: Services, text: str = "社保卡系统无法登录", **kwargs: object) -> int:
    requester = await _person(services, CLIENT_CONTACT)
    return (await tickets.create_ticket(services, requester, text, **kwargs)).id  # type: ignore[arg-type]


async def _outbox_texts(services: Services, chat_id: int) -> list[str]:
    async with services.db.uow() as uow:
        rows = await uow.outbox.fetchall("SELECT text FROM outbox WHERE chat_id = ? ORDER BY id", (chat_key(chat_id),))
    return [r["text"] for r in rows]


async def _resolve_and_rate(services: Services, clock: FakeClock, rating: str) -> int:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    await tickets.resolve(services, engineer, ticket_id, "已处理")
    await tickets.rate(services, await _person(services, CLIENT_CONTACT), ticket_id, rating)
    return ticket_id


# --- open_ticket inside a caller's unit of work (the urgent-request feature's entry point) ---------------------

async def test_open_ticket_rolls_back_with_its_caller(services: Services) -> None:
    requester = await _person(services, SUPERVISOR)
    async with services.db.uow():
        ticket_id = await tickets.open_ticket(services, requester=requester, text="机房断电", urgent=True)
    with pytest.raises(DomainError):
        await tickets.get_ticket(services, ticket_id)  # the caller did not commit: gone
    async with services.db.uow() as uow:
        ticket_id = await tickets.open_ticket(services, requester=requester, text="机房断电", urgent=True,
                                              due_at=services.now() + timedelta(hours=1))
        await uow.commit()
    ticket = await tickets.get_ticket(services, ticket_id)
    assert ticket.urgent and ticket.kind == "ticket_service" and ticket.due_at == services.now() + timedelta(hours=1)
    async with services.db.uow() as uow:
        [entry] = await uow.audit.list(action_prefix="tickets.open")
    assert entry.actor_name == "陈主管" and entry.after["urgent"] is True


def test_the_contract_has_eleven_kinds() -> None:
    assert len(tickets.TICKET_KINDS) == 11
    assert list(tickets.TICKET_KINDS)[5] == "custom_dev" and list(tickets.TICKET_KINDS)[8] == "bulk_processing"


# --- deadlines in the report text ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "body", "due"), [
    ("社保卡系统无法登录 明天下午3点前", "社保卡系统无法登录", datetime(2022, 10, 11, 15, 0, tzinfo=SHANGHAI)),
    ("导出参保名单，截止 10月12日", "导出参保名单", datetime(2022, 10, 12, 17, 30, tzinfo=SHANGHAI)),
    ("统计本月缴费人数 周五前", "统计本月缴费人数", datetime(2022, 10, 14, 17, 30, tzinfo=SHANGHAI)),
    ("打印 3 份报表", "打印 3 份报表", None),
    ("系统登录失败 3", "系统登录失败 3", None),
])
async def test_due_time_read_only_when_marked_as_a_deadline(services: Services, text: str, body: str,
                                                            due: datetime | None) -> None:
    assert tickets.due_from_text(services, text) == (body, due)


async def test_a_deadline_in_the_past_is_refused_with_the_time_understood(services: Services) -> None:
    with pytest.raises(DomainError) as refused:
        await _raise(services, "补录数据 今天上午8点前")
    assert refused.value.key == "tk.due_past" and refused.value.params["due"] == "2022-10-10 08:00"


# --- satisfaction ----------------------------------------------------------------------------------------------

async def test_satisfaction_counts_basically_satisfied_as_half(services: Services, clock: FakeClock) -> None:
    for rating in ("satisfied", "satisfied", "basically", "unsatisfied"):
        await _resolve_and_rate(services, clock, rating)
    rate = await tickets.satisfaction_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert (rate.numerator, rate.denominator) == (Decimal("2.5"), Decimal(4))
    assert rate.rate == Decimal("0.625")
    assert sorted((loss.key, loss.units) for loss in rate.losses) == [
        ("tk.loss.basically", Decimal("0.5")), ("tk.loss.unsatisfied", Decimal(1))]


async def test_satisfaction_weight_is_configurable(services: Services, settings: Settings,
                                                  clock: FakeClock) -> None:
    services = replace(services, settings=settings.model_copy(update={"tickets": settings.tickets.model_copy(
        update={"basically_satisfied_weight": Decimal("0.8")})}))
    await _resolve_and_rate(services, clock, "basically")
    rate = await tickets.satisfaction_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert rate.rate == Decimal("0.8")


async def test_no_ratings_means_full_satisfaction_and_unrated_do_not_count(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    await tickets.resolve(services, engineer, ticket_id, "已处理")
    rate = await tickets.satisfaction_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert rate.denominator == 0 and rate.rate == Decimal(1)


async def test_ratings_count_in_the_month_they_were_given(services: Services, clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    await tickets.resolve(services, engineer, ticket_id, "已处理")
    clock.set(datetime(2022, 11, 1, 0, 30, tzinfo=SHANGHAI))  # 16:30 UTC on 31 October
    await tickets.rate(services, await _person(services, CLIENT_CONTACT), ticket_id, "unsatisfied")
    october = await tickets.satisfaction_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    november = await tickets.satisfaction_rate(services, date(2022, 11, 1), date(2022, 11, 30))
    assert october.denominator == 0 and november.rate == Decimal(0)


async def test_rating_twice_changes_nothing(services: Services, clock: FakeClock) -> None:
    ticket_id = await _resolve_and_rate(services, clock, "satisfied")
    again = await tickets.rate(services, await _person(services, CLIENT_CONTACT), ticket_id, "unsatisfied")
    assert not again.changed and again.ticket.rating == "satisfied"


async def test_auto_rating_only_when_configured(services: Services, settings: Settings, clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    first = await _raise(services)
    await tickets.resolve(services, engineer, first, "已处理")
    clock.advance(timedelta(days=30))
    await run_all_due(services, clock.now())
    assert (await tickets.get_ticket(services, first)).rating is None  # default: stays unrated

    services = replace(services, settings=settings.model_copy(update={"tickets": settings.tickets.model_copy(
        update={"auto_rate_after_days": 7})}))
    second = await _raise(services)
    await tickets.resolve(services, engineer, second, "已处理")
    clock.advance(timedelta(days=6))
    await run_all_due(services, clock.now())
    assert (await tickets.get_ticket(services, second)).rating is None
    clock.advance(timedelta(days=1, minutes=1))
    await run_all_due(services, clock.now())
    rated = await tickets.get_ticket(services, second)
    assert (rated.rating, rated.status, rated.rated_by) == ("satisfied", "closed", None)


async def test_an_engineer_never_rates_a_ticket_they_raised_and_resolved(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = (await tickets.create_ticket(services, engineer, "巡检发现统一经办门户证书将过期")).id
    resolved = await tickets.resolve(services, engineer, ticket_id, "已更新证书")
    assert resolved.on_behalf and sorted(resolved.raters) == ["赵联络", "陈主管"]
    assert not any(text.startswith("⭐") for text in await _outbox_texts(services, ENGINEER))
    assert any(text.startswith("⭐") and "代为评价" in text for text in await _outbox_texts(services, SUPERVISOR))
    with pytest.raises(DomainError) as refused:
        await tickets.rate(services, engineer, ticket_id, "satisfied")
    assert refused.value.key == "tk.rate_own_work"
    with pytest.raises(DomainError) as no_comment:
        await tickets.comment(services, engineer, ticket_id, "处理得很好")
    assert no_comment.value.key == "tk.rate_own_work"
    rated = await tickets.rate(services, await _person(services, SUPERVISOR), ticket_id, "basically")
    assert rated.changed and rated.ticket.rating == "basically"
    satisfaction = await tickets.satisfaction_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert satisfaction.rate == Decimal("0.5")  # the supervisor's rating, not a self-awarded 满意


async def test_whoever_took_the_ticket_cannot_rate_it_even_when_a_colleague_resolved_it(services: Services) -> None:
    engineer, lead = await _person(services, ENGINEER), await _person(services, LEAD)
    ticket_id = (await tickets.create_ticket(services, engineer, "医保接口对账差异")).id
    await tickets.take(services, engineer, ticket_id)
    resolved = await tickets.resolve(services, lead, ticket_id, "已重新对账")
    assert resolved.on_behalf
    for person in (engineer, lead):
        with pytest.raises(DomainError) as refused:
            await tickets.rate(services, person, ticket_id, "satisfied")
        assert refused.value.key == "tk.rate_own_work"


async def test_the_requester_who_did_not_work_on_it_is_still_the_one_asked(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    resolved = await tickets.resolve(services, engineer, ticket_id, "已处理")
    assert not resolved.on_behalf and resolved.raters == ["赵联络"]
    assert not any(text.startswith("⭐") for text in await _outbox_texts(services, SUPERVISOR))


# --- completion ------------------------------------------------------------------------------------------------

async def test_completion_counts_on_time_late_and_still_open(services: Services, clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    on_time = await _raise(services, "甲")
    late = await _raise(services, "乙")
    still_open = await _raise(services, "丙")
    not_due_yet = await _raise(services, "丁 10月31日前")
    await tickets.resolve(services, engineer, on_time, "已处理")
    clock.advance(timedelta(days=4))  # default_due is 3 days
    await tickets.resolve(services, engineer, late, "已处理")
    rate = await tickets.completion_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert (rate.numerator, rate.denominator) == (Decimal(1), Decimal(3))
    by_ticket = {loss.params["ticket_id"]: loss for loss in rate.losses}
    assert set(by_ticket) == {late, still_open}
    assert by_ticket[late].key == "tk.loss.late" and by_ticket[late].params["resolved_at"] == "2022-10-14 09:00"
    assert by_ticket[still_open].key == "tk.loss.still_open" and by_ticket[still_open].params["resolved_at"] is None
    assert by_ticket[late].params["due"] == "2022-10-13 09:00"
    assert rate.details["not_yet_due"] == 1 and not_due_yet not in by_ticket


async def test_completion_uses_local_due_dates(services: Services, clock: FakeClock) -> None:
    # Due 2022-11-01 00:30 in Changzhou (still 31 October in UTC): a November ticket.
    requester = await _person(services, CLIENT_CONTACT)
    async with services.db.uow() as uow:
        await tickets.open_ticket(services, requester=requester, text="跨月",
                                  due_at=datetime(2022, 11, 1, 0, 30, tzinfo=SHANGHAI))
        await uow.commit()
    clock.set(datetime(2022, 11, 2, 9, 0, tzinfo=SHANGHAI))
    october = await tickets.completion_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    november = await tickets.completion_rate(services, date(2022, 11, 1), date(2022, 11, 30))
    assert october.denominator == 0 and (november.numerator, november.denominator) == (0, 1)


async def test_reopened_ticket_is_not_completed_until_resolved_again(services: Services, clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    await tickets.resolve(services, engineer, ticket_id, "已处理")
    await tickets.reopen(services, await _person(services, CLIENT_CONTACT), ticket_id, "仍有问题")
    clock.advance(timedelta(days=4))
    rate = await tickets.completion_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert (rate.numerator, rate.denominator) == (0, 1)


# --- overdue reminders ----------------------------------------------------------------------------------------

async def test_overdue_reminds_assignee_then_lead_after_grace_once_each(services: Services,
                                                                       clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    await tickets.take(services, engineer, ticket_id)
    clock.advance(timedelta(days=3, minutes=1))
    await run_all_due(services, clock.now())
    await run_all_due(services, clock.now())
    assert sum("已超过截止时间" in text for text in await _outbox_texts(services, ENGINEER)) == 1
    assert not any("超期仍未办结" in text for text in await _outbox_texts(services, LEAD))
    clock.advance(timedelta(hours=4))  # overdue_grace
    await run_all_due(services, clock.now())
    await run_all_due(services, clock.now())
    assert sum("超期仍未办结" in text and "周小舟" in text for text in await _outbox_texts(services, LEAD)) == 1
    assert sum("已超过截止时间" in text for text in await _outbox_texts(services, ENGINEER)) == 1
    # Each claimed reminder is in the audit trail once, by the bot (no person).
    async with services.db.uow() as uow:
        entries = [e for e in await uow.audit.list(action_prefix="tickets.") if "reminded" in e.action]
    assert [(e.action, e.entity_id, e.actor_name) for e in entries] == [
        ("tickets.overdue_reminded", str(ticket_id), None), ("tickets.lead_reminded", str(ticket_id), None)]
    assert entries[0].after["reminded"] == ["周小舟"]
    history = await tickets.details(services, ticket_id)
    assert [h.action for h in history.history][-2:] == ["tickets.overdue_reminded", "tickets.lead_reminded"]


async def test_next_due_points_at_the_next_reminder(services: Services, clock: FakeClock) -> None:
    next_overdue = ticket_timers.next_overdue
    assert await next_overdue(services, clock.now()) is None
    await _raise(services)
    assert await next_overdue(services, clock.now()) == clock.now() + timedelta(days=3)
    clock.advance(timedelta(days=3))
    await run_all_due(services, clock.now())
    assert await next_overdue(services, clock.now()) == clock.now() + timedelta(hours=4)


async def test_ticket_that_became_due_during_a_restart_is_reminded_after_it(settings: Settings,
                                                                          clock: FakeClock) -> None:
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock)
    async with running(app):
        chat = ChatDriver(app, api)
        await chat.send(CLIENT_CONTACT, "/ticket 统一经办门户打不开 明天上午10点前")
        await chat.send(ENGINEER, "/take 1")
    assert not [m for m in api.messages_to(ENGINEER) if "已超过截止时间" in m.text]

    # the bot is down while the ticket falls due (10-11 10:00), back before the lead's step (due + 4 h grace)
    clock.set(datetime(2022, 10, 11, 11, 0, tzinfo=SHANGHAI))
    api2 = FakeBotAPI()
    app2 = build_application(settings, request=api2, clock=clock)
    async with running(app2):
        chat2 = ChatDriver(app2, api2)
        await chat2.flush()
        reminders = [m for m in api2.messages_to(ENGINEER) if "已超过截止时间" in m.text]
        assert len(reminders) == 1 and "#1" in reminders[0].text and "2022-10-11 10:00" in reminders[0].text
        await run_all_due(app_state(app2).running_services(), clock.now())
        await chat2.flush()
        assert len([m for m in api2.messages_to(ENGINEER) if "已超过截止时间" in m.text]) == 1


# --- the monthly FAQ digest ---------------------------------------------------------------------------------

async def test_faq_digest_missed_on_the_first_working_day_is_sent_once_on_the_third(services: Services,
                                                                                   clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    async with services.db.uow() as uow:
        await uow.chats.bind_group(GROUP, "项目群", engineer.telegram_id, clock.now())
        await uow.commit()
    ticket_id = await _raise(services, "权限系统新增经办人流程")
    await tickets.resolve(services, engineer, ticket_id, "按角色模板授权")
    await tickets.add_faq(services, engineer, ticket_id)
    # The bot is down on Tuesday 1 November (the first working day) and back on Thursday 3 November.
    clock.set(datetime(2022, 11, 3, 8, 30, tzinfo=SHANGHAI))
    await run_all_due(services, clock.now())  # the start-up sweep
    await run_all_due(services, clock.now())  # a backstop sweep
    clock.advance(timedelta(days=1))
    await run_all_due(services, clock.now())
    digests = [text for text in await _outbox_texts(services, GROUP) if "常见问题汇编" in text]
    assert len(digests) == 1 and "2022-11" in digests[0] and "权限系统新增经办人流程" in digests[0]


async def test_faq_digest_is_not_sent_for_a_month_whose_faq_was_empty_on_its_day(services: Services,
                                                                                clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    async with services.db.uow() as uow:
        await uow.chats.bind_group(GROUP, "项目群", engineer.telegram_id, clock.now())
        await uow.commit()
    clock.set(datetime(2022, 11, 2, 9, 0, tzinfo=SHANGHAI))  # after 1 November's digest time, FAQ empty then
    ticket_id = await _raise(services, "权限系统新增经办人流程")
    await tickets.resolve(services, engineer, ticket_id, "按角色模板授权")
    await tickets.add_faq(services, engineer, ticket_id)
    await run_all_due(services, clock.now())
    assert not [text for text in await _outbox_texts(services, GROUP) if "常见问题汇编" in text]
    clock.set(datetime(2022, 12, 1, 10, 1, tzinfo=SHANGHAI))  # the next month's digest carries it
    await run_all_due(services, clock.now())
    assert len([text for text in await _outbox_texts(services, GROUP) if "常见问题汇编" in text]) == 1


# --- custom development and the checklist (service level) --------------------------------------------------------

async def test_estimate_at_the_limit_is_outside_the_contract(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    await tickets.set_kind(services, await _person(services, CLIENT_CONTACT), ticket_id, "custom_dev")
    below = await tickets.estimate(services, engineer, ticket_id, Decimal("39.5"))
    assert not below.outside and below.asked == []
    at_limit = await tickets.estimate(services, engineer, ticket_id, Decimal(40))
    assert at_limit.outside


async def test_the_ruling_request_goes_to_the_client_side_only(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services, "开发本地就业补贴申报模块")
    await tickets.set_kind(services, engineer, ticket_id, "custom_dev")
    result = await tickets.estimate(services, engineer, ticket_id, Decimal(45))
    assert sorted(result.asked) == ["赵联络", "陈主管"]  # not the vendor's contact 钱经理
    assert any("请监理方裁定" in text for text in await _outbox_texts(services, SUPERVISOR))
    assert any("请监理方裁定" in text for text in await _outbox_texts(services, CLIENT_CONTACT))
    assert not await _outbox_texts(services, VENDOR_CONTACT)


async def test_a_vendor_contact_cannot_record_the_ruling(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services, "开发本地就业补贴申报模块")
    await tickets.set_kind(services, engineer, ticket_id, "custom_dev")
    with pytest.raises(DomainError) as refused:
        await tickets.rule(services, await _person(services, VENDOR_CONTACT), ticket_id, "in", "属合同内")
    assert refused.value.key == "tk.rulers_only"
    assert (await tickets.get_ticket(services, ticket_id)).ruling is None
    ruled = await tickets.rule(services, await _person(services, CLIENT_CONTACT), ticket_id, "out", "超出2人月")
    assert ruled.ruling == "out"


async def test_checklist_blocks_resolving_bulk_processing(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services, "批量调整缴费基数")
    await tickets.set_kind(services, engineer, ticket_id, "bulk_processing")
    for item in ("备份", "测试", "验证"):
        await tickets.confirm_checklist(services, engineer, ticket_id, item)
    with pytest.raises(DomainError) as refused:
        await tickets.resolve(services, engineer, ticket_id, "已完成")
    assert refused.value.key == "tk.checklist_missing" and str(refused.value.params["items"]) == "应急恢复方案已就绪"
    await tickets.confirm_checklist(services, engineer, ticket_id, "recovery")
    assert (await tickets.resolve(services, engineer, ticket_id, "已完成")).ticket.status == "resolved"


# --- indicators -------------------------------------------------------------------------------------------------

async def test_indicators_for_the_monthly_report(services: Services, clock: FakeClock) -> None:
    engineer = await _person(services, ENGINEER)
    first = await _raise(services, "甲")
    second = await _raise(services, "乙")
    await _raise(services, "丙")
    clock.advance(timedelta(minutes=10))
    await tickets.take(services, engineer, first)
    clock.advance(timedelta(minutes=20))
    await tickets.take(services, engineer, second)
    clock.advance(timedelta(minutes=30))
    await tickets.resolve(services, engineer, first, "已处理")
    found = await tickets.ticket_indicators(services, date(2022, 10, 1), date(2022, 10, 31))
    assert found["tickets"] == 3 and found["failures"] == 3 and found["resolved"] == 1
    assert found["resolution_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert found["take_minutes_median"] == 20.0 and found["take_minutes_p90"] == 30.0
    assert found["resolve_minutes_median"] == 60.0
    assert found["timely_completion_rate"] == 1.0 and found["due"] == 1  # the others are not due yet
    assert found["by_kind"]["ticket_service"] == 3


async def test_repository_history_follows_the_audit(services: Services) -> None:
    engineer = await _person(services, ENGINEER)
    ticket_id = await _raise(services)
    await tickets.take(services, engineer, ticket_id)
    async with services.db.uow() as uow:
        history = await uow.repo(TicketRepository).history(ticket_id)
    assert [h.action for h in history] == ["tickets.open", "tickets.take"]
    assert history[1].actor_name == "周小舟"
