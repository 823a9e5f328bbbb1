"""The urgent-request clock, derived from the database: reminders, the breach, the escalation chain and the
second line's deadline.

- Reminders at `sla.reminder_offsets` after the start go to whoever was asked and has not acknowledged.
  A reminder overtaken by a later step is dropped, not sent late: after an outage only the latest due
  reminder is sent, and none once the deadline itself has come (the breach notice says it all). Each offset
  is still claimed once.
- When `sla.arrival_deadline` passes without 已到岗 the request is marked breached (`breach_detected_at`
  is when the bot noticed; the deadline stays as it was) and the group is told.
- Escalation step i fires at deadline + `escalation_steps[i].delay` (delays count from the deadline) to
  its target, until an acknowledgement or an arrival after the breach stops the chain.
- A second line called with 需要支援 that has not arrived by its deadline is reported to the lead and the
  contacts.
A cancelled request (bot/services/urgent.py `cancel`) has no clock: it is not read here, and every claim
refuses it, so a sweep that loaded it just before the cancel does nothing either.
Every action claims its row with a conditional UPDATE, so the precise job, the backstop sweep and a
restart never act twice; a deadline that passed while the bot was down fires at the first sweep.
"""

from __future__ import annotations

from datetime import datetime

from bot.services.channels import queue_calls
from bot.services.container import Services
from bot.services.domain.people import Person, Role
from bot.services.domain.urgent import TARGET_ROLES, UrgentRequest, call_due, due_times
from bot.services.timers import Timer
from bot.services.urgent import ack_buttons, duty_buttons, minutes, repo
from storage.uow import UnitOfWork


async def next_due(services: Services, now: datetime) -> datetime | None:
    async with services.db.uow() as uow:
        requests = await repo(uow).needing_attention()
    sla = services.settings.sla
    delays = [step.delay for step in sla.escalation_steps]
    moments = [moment for request in requests for moment in due_times(request, sla.reminder_offsets, delays)]
    calls = [step.after for step in sla.calls]
    moments += [m for m in (call_due(request, calls) for request in requests) if m is not None]
    return min(moments, default=None)


async def sweep(services: Services, now: datetime) -> None:
    async with services.db.uow() as uow:
        ids = [r.id for r in await repo(uow).needing_attention()]
    for request_id in ids:
        async with services.db.uow() as uow:
            await _process(services, uow, request_id, now)
            await uow.commit()


async def _process(services: Services, uow: UnitOfWork, request_id: int, now: datetime) -> None:
    request = await repo(uow).get(request_id)
    if request is None or request.cancelled:
        return
    if request.arrived_at is None:
        await _calls(services, uow, request, now)
        await _reminders(services, uow, request, now)
        await _breach(services, uow, request, now)
        request = await repo(uow).get(request_id)
        assert request is not None
        await _escalate(services, uow, request, now)
    await _second_line(services, uow, request, now)


async def _calls(services: Services, uow: UnitOfWork, request: UrgentRequest, now: datetime) -> None:
    """`sla.calls`: a phone call / SMS to the target while nobody has acknowledged (claimed step by step)."""
    steps = services.settings.sla.calls
    offsets = [step.after for step in steps]
    while (due := call_due(request, offsets)) is not None and due <= now:
        index = request.calls_done
        if not await repo(uow).claim_call(request.id, index):
            return
        step = steps[index]
        if step.target == "duty":
            waiting = [r.person_id for r in await repo(uow).recipients(request.id) if r.role == "duty"]
            people = [p for p in [await uow.people.by_id(pid) for pid in waiting] if p is not None]
        else:
            people = [p for p in await uow.people.all(include_left=False) if p.roles & TARGET_ROLES[step.target]]
        called = await queue_calls(services, uow, people, channel=step.channel, key="chan.urgent_call",
                                   kind="urgent.call", subject=f"urgent_request:{request.id}",
                                   dedup=f"urg:{request.id}:call{index}", id=request.id, text=request.text,
                                   deadline=services.fmt(request.deadline_at))
        await uow.audit.append(at=now, action="urgent.call", entity="urgent_request", entity_id=request.id,
                               after={"step": index + 1, "channel": step.channel, "target": step.target,
                                      "to": called})
        request = await repo(uow).get(request.id) or request


async def _reminders(services: Services, uow: UnitOfWork, request: UrgentRequest, now: datetime) -> None:
    offsets = services.settings.sla.reminder_offsets
    done = request.reminders_done
    latest: int | None = None
    while done < len(offsets) and request.started_at + offsets[done] <= now:
        if not await repo(uow).claim_reminder(request.id, done):
            return
        latest = done
        done += 1
    if latest is None:
        return
    if request.deadline_at <= now:  # overtaken by the breach: "已过 45 分钟，您尚未确认" would come late
        await uow.audit.append(at=now, action="urgent.reminder_dropped", entity="urgent_request",
                               entity_id=request.id, after={"offset_min": minutes(offsets[latest]),
                                                            "deadline_at": services.fmt(request.deadline_at)})
        return
    waiting = [r.person_id for r in await repo(uow).recipients(request.id)
               if r.role == "duty" and r.acknowledged_at is None]
    people = [p for p in [await uow.people.by_id(pid) for pid in waiting] if p is not None]
    await services.notifier.to_people(uow, people, "urg.reminder", kind="urgent.reminder",
                                      buttons=duty_buttons(request.id), dedup=f"urg:{request.id}:rem{latest}",
                                      id=request.id, text=request.text, deadline=services.fmt(request.deadline_at),
                                      minutes=minutes(offsets[latest]))
    await uow.audit.append(at=now, action="urgent.reminder", entity="urgent_request", entity_id=request.id,
                           after={"offset_min": minutes(offsets[latest]), "to": [p.name for p in people]})


async def _breach(services: Services, uow: UnitOfWork, request: UrgentRequest, now: datetime) -> None:
    if request.breach_detected_at is not None or request.deadline_at > now:
        return
    if not await repo(uow).claim_breach(request.id, now):
        return
    await uow.audit.append(at=now, action="urgent.breach", entity="urgent_request", entity_id=request.id,
                           after={"deadline_at": services.fmt(request.deadline_at),
                                  "detected_at": services.fmt(now)})
    await services.notifier.to_groups(uow, "urg.breached_group", kind="urgent.group",
                                      dedup=f"urg:{request.id}:breach", id=request.id, text=request.text,
                                      deadline=services.fmt(request.deadline_at))


async def _escalate(services: Services, uow: UnitOfWork, request: UrgentRequest, now: datetime) -> None:
    steps = services.settings.sla.escalation_steps
    step = request.escalation_next_step
    while (request.escalating and step < len(steps)
           and request.deadline_at + steps[step].delay <= now):
        if not await repo(uow).claim_escalation_step(request.id, step):
            return
        target = steps[step].target
        wanted = TARGET_ROLES[target]
        people: list[Person] = [p for p in await uow.people.all(include_left=False) if p.roles & wanted]
        for person in people:
            await repo(uow).add_recipient(request.id, person.id, f"escalation:{target}", now)
        count = await services.notifier.to_people(
            uow, people, "urg.escalation", kind="urgent.escalation", buttons=ack_buttons(request.id),
            dedup=f"urg:{request.id}:esc{step}", id=request.id, text=request.text, level=step + 1,
            deadline=services.fmt(request.deadline_at), overdue=minutes(now - request.deadline_at))
        for channel in steps[step].channels:
            await queue_calls(services, uow, people, channel=channel, key="chan.urgent_call", kind="urgent.call",
                              subject=f"urgent_request:{request.id}", dedup=f"urg:{request.id}:esc{step}",
                              id=request.id, text=request.text, deadline=services.fmt(request.deadline_at))
        due = request.deadline_at + steps[step].delay
        await repo(uow).record_step(request.id, step, target, due, now, count)
        await uow.audit.append(at=now, action="urgent.escalate", entity="urgent_request", entity_id=request.id,
                               after={"step": step + 1, "target": target, "due_at": services.fmt(due),
                                      "notified": [p.name for p in people]})
        step += 1


async def _second_line(services: Services, uow: UnitOfWork, request: UrgentRequest, now: datetime) -> None:
    deadline = request.second_line_deadline_at
    if (deadline is None or deadline > now or request.second_line_arrived_at is not None
            or request.second_line_breach_detected_at is not None):
        return
    if not await repo(uow).claim_second_line_breach(request.id, now):
        return
    await uow.audit.append(at=now, action="urgent.second_line_breach", entity="urgent_request",
                           entity_id=request.id, after={"deadline_at": services.fmt(deadline),
                                                        "detected_at": services.fmt(now)})
    await services.notifier.to_roles(uow, [Role.LEAD, Role.CONTACT], "urg.second_line_late", kind="urgent.escalation",
                                     dedup=f"urg:{request.id}:late2", id=request.id, text=request.text,
                                     deadline=services.fmt(deadline))
    await services.notifier.to_groups(uow, "urg.second_line_late", kind="urgent.group",
                                      dedup=f"urg:{request.id}:late2", id=request.id, text=request.text,
                                      deadline=services.fmt(deadline))


URGENT_TIMER = Timer("urgent.clock", sweep, next_due)
