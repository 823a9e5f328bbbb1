"""An urgent request is one piece of work: its ticket follows it (issue 13, item 3).

The request is judged under responsiveness (on site within the deadline); its ticket is the work order judged
under completion: the arrival resolves it at the arrival time, a cancel closes it and the completion rate
leaves it out. Before, the ticket stayed open for ever, sent overdue reminders and cost completion: Q3 came
out 1/3 although both urgent requests were handled.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.services import tickets, urgent
from bot.services.clock import FakeClock
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, Harness

Q3 = (date(2022, 7, 1), date(2022, 9, 30))


@pytest.fixture
def clock() -> FakeClock:
    """Monday 2022-09-05 09:00 in Changzhou: a working day in the third quarter."""
    return FakeClock(datetime(2022, 9, 5, 9, 0, tzinfo=SHANGHAI))


async def test_q3_completion_counts_both_handled_urgent_requests(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡打印机卡纸")                    # ticket #1, an ordinary one
    await bot.chat.send(ENGINEER, "/take 1")
    await bot.chat.send(ENGINEER, "/resolve 1 已清理卡纸")
    await bot.chat.send(CLIENT_CONTACT, "/urgent 养老保险系统无法登录")                 # urgent #1, ticket #2
    bot.clock.advance(timedelta(minutes=25))
    sent = await bot.chat.send(ENGINEER, "/arrived 1")
    [reply] = [m for m in sent if m.chat_id == ENGINEER]
    assert "已记录到岗：紧急请求 #1" in reply.text
    assert "工单 #2 已随到岗办结" in reply.text
    assert any(m.chat_id == CLIENT_CONTACT and "工单 #2" in m.text and "请评价" in m.text for m in sent)

    bot.clock.advance(timedelta(days=2))
    await bot.chat.send(SUPERVISOR, "/urgent 人力资源市场系统打印异常")                 # urgent #2, ticket #3
    bot.clock.advance(timedelta(minutes=40))
    sent = await bot.chat.send(LEAD, "/arrived 2")
    assert any("工单 #3 已随到岗办结" in m.text for m in sent if m.chat_id == LEAD)

    [ticket] = [m for m in await bot.chat.send(CLIENT_CONTACT, "/ticket 2") if m.chat_id == CLIENT_CONTACT]
    assert "已办结" in ticket.text and "周小舟 于 2022-09-05 09:25 到岗处理" in ticket.text

    # Weeks later: nothing reminds anyone about the urgent tickets, and Q3 completion is 3 of 3.
    bot.clock.set(datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI))
    before = len(bot.api.sent)
    await bot.run_timers()
    assert not [m for m in bot.api.sent[before:] if "超过截止时间" in m.text]
    completion = await tickets.completion_rate(bot.services, *Q3)
    assert (completion.numerator, completion.denominator) == (3, 3)
    responsiveness = await urgent.responsiveness_rate(bot.services, *Q3)
    assert (responsiveness.numerator, responsiveness.denominator) == (2, 2)
    [score] = await bot.chat.send(CLIENT_CONTACT, "/score 2022Q3")
    assert "完成率 20.00/20 · 100.0%" in score.text


async def test_a_late_arrival_costs_responsiveness_once_not_completion(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/urgent 社保卡系统制卡失败")                   # urgent #1, ticket #1
    bot.clock.advance(timedelta(minutes=70))
    await bot.run_timers()                                                             # the breach fires
    sent = await bot.chat.send(ENGINEER, "/arrived 1")
    [reply] = [m for m in sent if m.chat_id == ENGINEER]
    assert "超过时限" in reply.text and "工单 #1 已随到岗办结" in reply.text
    bot.clock.set(datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI))
    responsiveness = await urgent.responsiveness_rate(bot.services, *Q3)
    assert (responsiveness.numerator, responsiveness.denominator) == (0, 1)
    completion = await tickets.completion_rate(bot.services, *Q3)
    assert (completion.numerator, completion.denominator) == (1, 1)


async def test_a_cancelled_request_closes_its_ticket_and_completion_leaves_it_out(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 统一经办门户查询慢")                    # ticket #1
    await bot.chat.send(ENGINEER, "/resolve 1 已优化索引")
    await bot.chat.send(CLIENT_CONTACT, "/urgent 公服网办大厅无法访问")                  # urgent #1, ticket #2
    sent = await bot.chat.send(CLIENT_CONTACT, "/cancelurgent 1 误报，网络已恢复")
    [reply] = [m for m in sent if m.chat_id == CLIENT_CONTACT]
    assert "已取消紧急请求 #1" in reply.text and "工单 #2 已随之关闭，不计入工单完成率" in reply.text
    [ticket] = [m for m in await bot.chat.send(CLIENT_CONTACT, "/ticket 2") if m.chat_id == CLIENT_CONTACT]
    assert "已关闭" in ticket.text
    bot.clock.set(datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI))
    before = len(bot.api.sent)
    await bot.run_timers()
    assert not [m for m in bot.api.sent[before:] if "工单 #2" in m.text]
    completion = await tickets.completion_rate(bot.services, *Q3)
    assert (completion.numerator, completion.denominator) == (1, 1)
    [listed] = await bot.chat.send(CLIENT_CONTACT, "/tickets open")
    assert "#2" not in listed.text
