"""Long replies through the real Application and a fake Bot API that refuses what Telegram refuses.

A busy contract year (Feb–Oct 2022, written through the repositories) is asked for through every command that
lists rows. Every message must fit Telegram's 4096 characters (the fake answers 400 otherwise, and records
it), and every row must be reachable: in the split messages, or by turning the pages with 下一页.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.offline.fake_telegram import SentMessage
from storage.attendance import AttendanceRepository
from storage.daily_log import DailyLogRepository
from storage.duties import IncidentRepository
from storage.scoring import ScoringRepository
from storage.tickets import TicketRepository
from storage.urgent import UrgentRepository
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR, Harness

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEXT, PREV = "下一页 ▶", "◀ 上一页"
LIMIT = 4096
FIRST, LAST = date(2022, 2, 1), date(2022, 10, 9)
YEAR = f"{FIRST.isoformat()} 至 {LAST.isoformat()}"
TICKETS, OPEN_TICKETS, UNSATISFIED, LATE = 1200, 300, 60, 80
URGENTS, DEDUCTIONS, INCIDENTS, FAQS, AUDITS = 240, 120, 90, 150, 2600


def at(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(hours=hour)


def ids(texts: list[str], prefix: str = "#") -> set[int]:
    return {int(n) for text in texts for n in re.findall(re.escape(prefix) + r"(\d+)", text)}


async def read_all(bot: Harness, user: int, command: str) -> list[str]:
    """Everything one command shows the user: each message it sent, and every page behind 下一页."""
    sent = [m for m in await bot.chat.send(user, command) if m.chat_id == user]
    assert sent, f"{command} answered nothing"
    texts: list[str] = []
    for message in sent:
        texts.append(message.text)
        page: SentMessage = message
        while NEXT in page.button_labels():
            [page] = [m for m in await bot.chat.press(user, page, NEXT) if m.chat_id == user]
            texts.append(page.text)
    return texts


def assert_fits(bot: Harness) -> None:
    """Nothing the bot sent was refused, and every text and toast is within Telegram's limits."""
    assert bot.api.refusals == []
    for call in bot.api.calls:
        if call.method in ("sendMessage", "editMessageText"):
            assert 0 < len(str(call.params["text"]).strip()) <= LIMIT
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            assert len(call.params["text"]) <= 200
    assert not [m for m in bot.api.sent if "出错" in m.text or "error" in m.text.lower()]


async def seed_year(bot: Harness) -> dict[str, object]:
    """A busy year: tickets (some open, late or rated unsatisfied), urgent requests, deductions, logs, incidents,
    FAQ entries, audit rows and attendance with absent and late days. Returns what a test checks against."""
    services = bot.services
    async with services.db.uow() as uow:
        people = {p.telegram_id: p for p in await uow.people.all()}
        lead, engineer, contact = people[LEAD], people[ENGINEER], people[CLIENT_CONTACT]
        tickets: TicketRepository = uow.repo(TicketRepository)  # type: ignore[assignment]
        days = services.calendar.workdays_between(FIRST, LAST)
        ticket_ids: list[int] = []
        for n in range(TICKETS):
            day = days[n % (len(days) - 10)]  # all rated by now, the late ones too
            created = at(day, 9 + (n % 8))
            due = created + timedelta(days=3)
            ticket_id = await tickets.add(kind="ticket_service", text=f"社保卡系统第{n}号问题：制卡凭证打印失败，"
                                          "经办窗口反映多次重试仍然报错，需要现场排查打印服务和证书配置",
                                          system=None, region=None, urgent=False, requester_id=contact.id,
                                          source_chat_id=None, due_at=due, due_explicit=False, created_at=created)
            ticket_ids.append(ticket_id)
            if n < OPEN_TICKETS:
                await tickets.update(ticket_id, status="taken", assignee_id=engineer.id, taken_at=created)
                continue
            resolved = due + timedelta(hours=5) if n < OPEN_TICKETS + LATE else created + timedelta(hours=4)
            rating = "unsatisfied" if n < OPEN_TICKETS + UNSATISFIED else "satisfied"
            await tickets.update(ticket_id, status="closed", assignee_id=engineer.id, taken_at=created,
                                 resolved_at=resolved, resolution="已重新配置打印服务并验证通过",
                                 closed_at=resolved + timedelta(hours=2), rating=rating,
                                 rated_at=resolved + timedelta(hours=2), rated_by=contact.id)
        faq_numbers = []
        for n in range(FAQS):
            await tickets.add_faq(ticket_id=ticket_ids[-1 - n], question=f"常见问题{n}：个人参保证明下载失败怎么办？",
                                  answer="请先清除浏览器缓存，再从公服网办大厅重新登录下载；" * 4,
                                  added_by=lead.id, now=at(LAST, 10))
            faq_numbers.append(n)
        urgent: UrgentRepository = uow.repo(UrgentRepository)  # type: ignore[assignment]
        urgent_ids = []
        for n in range(URGENTS):
            started = at(days[n % len(days)], 10)
            request_id = await urgent.add(ticket_id=None, text=f"紧急请求{n}：统一经办门户全部窗口无法登录，"
                                          "大厅排队群众较多，请立即到场处理并同步省平台",
                                          raised_by=contact.id, raised_at=started, started_at=started,
                                          deadline_at=started + timedelta(hours=1))
            await urgent.acknowledge(request_id, engineer.id, started + timedelta(minutes=5))
            await urgent.arrive(request_id, engineer.id, started + timedelta(minutes=40))
            urgent_ids.append(request_id)
        scoring: ScoringRepository = uow.repo(ScoringRepository)  # type: ignore[assignment]
        deduction_ids = []
        for n in range(DEDUCTIONS):
            day = days[(n * 3) % len(days)]
            deduction_ids.append(await scoring.add_deduction(
                component="daily_maintenance", points=Decimal("0.1"),
                reason=f"第{n}次巡检记录不完整：机房温湿度、备份作业和证书有效期未逐项登记",
                day=day, now=at(day, 18), actor_telegram_id=CLIENT_CONTACT, actor_name="赵联络"))
        incidents: IncidentRepository = uow.repo(IncidentRepository)  # type: ignore[assignment]
        incident_ids = [await incidents.add(reporter_id=lead.id, summary=f"安全事件{n}：发现异常账号在非工作时间批量"
                                            "导出参保人员信息，已临时冻结账号并保留日志", now=at(days[n], 20))
                        for n in range(INCIDENTS)]
        attendance: AttendanceRepository = uow.repo(AttendanceRepository)  # type: ignore[assignment]
        absent, late = [], []
        for index, day in enumerate(days):
            if index % 7 == 3:
                absent.append(day)
                continue
            minutes = 25 if index % 5 == 1 else 0
            if minutes:
                late.append(day)
            await attendance.check_in(person_id=engineer.id, day=day, at=at(day, 9 + minutes / 60),
                                      chat_id=engineer.chat_id, late_minutes=minutes, holiday_duty=False)
        logs: DailyLogRepository = uow.repo(DailyLogRepository)  # type: ignore[assignment]
        today = services.today()
        log_texts = []
        for n in range(3):
            text = "\n".join(f"第{n}份记录第{line}行：已巡检社保卡系统、统一经办门户、公服网办大厅，运行正常，"
                             "备份作业完成，证书有效期正常" for line in range(40))[:2000]
            log_texts.append(text)
            await logs.add(day=today, person_id=engineer.id, text=text, now=at(today, 8 + n))
        audit_ids = []
        now = services.now()
        for n in range(AUDITS):
            await uow.audit.append(at=now - timedelta(minutes=3 * (AUDITS - n)), action="ticket.comment",
                                   entity="ticket", entity_id=100000 + n, actor_telegram_id=ENGINEER,
                                   actor_name="周小舟")
            audit_ids.append(100000 + n)
        await uow.commit()
    return {"tickets": ticket_ids, "urgents": urgent_ids, "deductions": deduction_ids, "incidents": incident_ids,
            "faq": faq_numbers, "absent": absent, "late": late, "logs": log_texts, "audit": audit_ids}


@pytest.fixture
def config_dict(config_dict: dict[str, Any]) -> dict[str, Any]:
    """A year the bot kept from the contract's first day (its record starts there, not at the test's first start)."""
    config_dict["contract"]["tracking_start"] = "2022-02-01"
    return config_dict


@pytest.mark.slow
async def test_every_list_command_fits_telegram_and_shows_every_row_of_a_busy_year(bot: Harness) -> None:
    seeded = await seed_year(bot)
    tickets: list[int] = seeded["tickets"]  # type: ignore[assignment]

    open_list = await read_all(bot, CLIENT_CONTACT, "/tickets")
    assert f"（{OPEN_TICKETS}）" in open_list[0]
    assert ids(open_list) == set(tickets[:OPEN_TICKETS])
    year_list = await read_all(bot, CLIENT_CONTACT, f"/tickets {YEAR}")
    assert len(year_list) > 10  # paged, not a flood of messages
    assert ids(year_list) == set(tickets)

    urgents = await read_all(bot, CLIENT_CONTACT, f"/urgents {YEAR}")
    assert ids(urgents) == set(seeded["urgents"])  # type: ignore[arg-type]

    deductions = await read_all(bot, CLIENT_CONTACT, "/deductions")
    assert ids(deductions) == set(seeded["deductions"])  # type: ignore[arg-type]

    why = await read_all(bot, CLIENT_CONTACT, "/score why 满意率")
    assert ids(why, "工单 #") == set(tickets[OPEN_TICKETS:OPEN_TICKETS + UNSATISFIED])
    why_late = await read_all(bot, CLIENT_CONTACT, "/score why 完成率")
    assert set(tickets[OPEN_TICKETS:OPEN_TICKETS + LATE]) <= ids(why_late, "工单 #")

    incidents = await read_all(bot, CLIENT_CONTACT, "/incidents")
    assert ids(incidents) == set(seeded["incidents"])  # type: ignore[arg-type]

    faq = await read_all(bot, CLIENT_CONTACT, "/faq")
    assert {int(n) for text in faq for n in re.findall(r"常见问题(\d+)：", text)} == set(seeded["faq"])  # type: ignore[arg-type]

    attendance = "\n".join(await read_all(bot, CLIENT_CONTACT, f"/attendance {YEAR}"))
    absent_line = next(line for line in attendance.splitlines() if "缺勤日期" in line)
    late_line = next(line for line in attendance.splitlines() if "迟到日期" in line)
    assert all(f"{d:%m-%d}" in absent_line for d in seeded["absent"])  # type: ignore[attr-defined]
    assert all(f"{d:%m-%d}" in late_line for d in seeded["late"])  # type: ignore[attr-defined]

    daily = await read_all(bot, CLIENT_CONTACT, "/daily")
    assert len(daily) >= 2
    shown = "\n".join(daily)
    for text in seeded["logs"]:  # type: ignore[attr-defined]
        assert all(line in shown for line in text.splitlines())

    audit = await read_all(bot, ADMIN, "/audit")
    first_seen = ids(audit, "工单#")
    assert "请缩短时间段查看，例如 /audit " in audit[0]
    narrower = re.search(r"例如 (/audit \S+ 至 \S+)）", audit[0])
    assert narrower is not None
    earlier = ids(await read_all(bot, ADMIN, narrower.group(1)), "工单#")
    assert first_seen | earlier == set(seeded["audit"])  # type: ignore[arg-type]

    for user, command in [(CLIENT_CONTACT, "/oncall"), (CLIENT_CONTACT, "/dutyplan"), (CLIENT_CONTACT, "/payments"),
                          (CLIENT_CONTACT, "/score"), (CLIENT_CONTACT, "/score why"), (LEAD, "/drills"),
                          (LEAD, "/compliance"), (SUPERVISOR, "/papers"), (LEAD, "/tickets mine"),
                          (LEAD, "/tickets overdue"), (ENGINEER, "/attendance"), (CLIENT_CONTACT, "/urgents"),
                          (CLIENT_CONTACT, "/help"), (ADMIN, "/help")]:
        assert await read_all(bot, user, command)
    assert_fits(bot)


async def test_pages_turn_back_and_forth_in_place_and_keep_to_their_chat(bot: Harness) -> None:
    async with bot.services.db.uow() as uow:
        contact = await uow.people.by_telegram_id(CLIENT_CONTACT)
        assert contact is not None
        repo: IncidentRepository = uow.repo(IncidentRepository)  # type: ignore[assignment]
        for n in range(200):
            await repo.add(reporter_id=contact.id, summary=f"事件{n}：" + "账号异常登录，" * 12, now=bot.clock.now())
        await uow.commit()
    [first] = await bot.chat.send(CLIENT_CONTACT, "/incidents")
    assert first.button_labels() == [NEXT] and "第 1/" in first.text
    [second] = await bot.chat.press(CLIENT_CONTACT, first, NEXT)
    assert second.method == "editMessageText" and second.message_id == first.message_id
    assert second.button_labels() == [PREV, NEXT] and "第 2/" in second.text
    [back] = await bot.chat.press(CLIENT_CONTACT, second, PREV)
    assert back.text == first.text
    # The same button pressed from another chat does not show that chat's list there.
    stranger_copy = SentMessage(LEAD, first.message_id, first.text, first.buttons)
    assert await bot.chat.press(LEAD, stranger_copy, NEXT) == []
    [alert] = [c for c in bot.chat.answers() if c.params.get("show_alert")]
    assert "已过期" in alert.params["text"]
    assert_fits(bot)


async def test_the_monthly_faq_digest_fits_and_points_to_faq_for_the_rest(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    async with bot.services.db.uow() as uow:
        contact = await uow.people.by_telegram_id(CLIENT_CONTACT)
        lead = await uow.people.by_telegram_id(LEAD)
        assert contact is not None and lead is not None
        tickets: TicketRepository = uow.repo(TicketRepository)  # type: ignore[assignment]
        for n in range(80):
            ticket_id = await tickets.add(kind="ticket_service", text=f"常见问题{n}：参保证明下载失败", system=None,
                                          region=None, urgent=False, requester_id=contact.id, source_chat_id=None,
                                          due_at=bot.clock.now(), due_explicit=False, created_at=bot.clock.now())
            await tickets.add_faq(ticket_id=ticket_id, question=f"常见问题{n}：参保证明下载失败怎么办？",
                                  answer="请先清除浏览器缓存，再从公服网办大厅重新登录下载。" * 3, added_by=lead.id,
                                  now=bot.clock.now())
        await uow.commit()
    bot.clock.set(datetime(2022, 11, 1, 10, 1, tzinfo=SHANGHAI))  # after the first working day's digest time
    await bot.run_timers()
    digest = [m for m in bot.to(GROUP) if "常见问题汇编" in m.text or "另有" in m.text]
    assert digest and all(len(m.text) <= LIMIT for m in bot.to(GROUP))
    assert "另有 50 条，发送 /faq 查看全部" in digest[-1].text
    everything = await read_all(bot, CLIENT_CONTACT, "/faq")
    assert {int(n) for text in everything for n in re.findall(r"常见问题(\d+)：", text)} == set(range(80))
    assert_fits(bot)
