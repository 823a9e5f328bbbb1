"""Recurring inspections in chat (巡检计划, issue 20): `/inspections` lists them; the lead adds, pauses and
resumes them; an engineer marks a run done."""

from __future__ import annotations

from bot.catalog import t
from bot.handlers.common import ANYONE, HandlerContext, button, command, message_args, reply
from bot.services import inspections
from bot.services.callback_data import CallbackData
from bot.services.domain.people import Person, Role
from bot.transports.base import Inbound


def _line(ctx: HandlerContext, item: inspections.Listed, lang: str) -> str:
    task, run = item.inspection, item.latest
    when = t(inspections.every_label(task.every), lang, day=task.day) + " " + task.at.strftime("%H:%M")
    if task.paused:
        state = t("insp.state.paused", lang)
    elif run is None:
        state = t("insp.state.none", lang)
    elif run.done_at is not None:
        state = t("insp.state.done", lang, day=run.due_day.isoformat(), at=ctx.services.fmt(run.done_at))
    elif run.missed_at is not None:
        state = t("insp.state.missed", lang, day=run.due_day.isoformat())
    else:
        state = t("insp.state.open", lang, day=run.due_day.isoformat())
    kind = t("insp.creates.ticket" if task.creates == "ticket" else "insp.creates.checklist", lang)
    return t("insp.line", lang, id=task.id, name=task.name, when=when, kind=kind, state=state)


@command("inspections", [Role.LEAD, Role.ENGINEER])
async def inspections_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists the recurring inspections; add / pause / resume (the lead), done (an engineer)."""
    services = ctx.services
    action, _, rest = message_args(msg).strip().partition(" ")
    action = action.lower()
    if action in ("add", "添加", "新增"):
        task = await inspections.add(services, person, rest)
        when = t(inspections.every_label(task.every), person.language, day=task.day)
        await reply(ctx, person, "insp.added", id=task.id, name=task.name,
                    when=f"{when} {task.at.strftime('%H:%M')}")
    elif action in ("pause", "暂停", "resume", "恢复"):
        paused = action in ("pause", "暂停")
        task = await inspections.set_paused(services, person, rest, paused)
        await reply(ctx, person, "insp.paused" if paused else "insp.resumed", id=task.id, name=task.name)
    elif action in ("done", "完成"):
        done = await inspections.mark_done(services, person, rest)
        await reply(ctx, person, "insp.done_late" if done.late else "insp.done", id=done.task.id,
                    name=done.task.name, day=done.run.due_day.isoformat())
    elif action in ("", "list", "列表"):
        items = await inspections.list_inspections(services)
        lines = "\n".join(_line(ctx, item, person.language) for item in items)
        await reply(ctx, person, "insp.list" if items else "insp.list_empty", lines=lines)
    else:
        await reply(ctx, person, "insp.usage")


@button("insp", ANYONE)
async def inspection_button(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """已完成 on the day's inspection: the same as /inspections done N (an engineer or the lead)."""
    task_id = data.int_arg(0)  # a forged or stale button is "no longer valid" whoever presses it
    done = await inspections.mark_done(ctx.services, person, str(task_id))
    await reply(ctx, person, "insp.done_late" if done.late else "insp.done", id=done.task.id,
                name=done.task.name, day=done.run.due_day.isoformat())
    return t("insp.btn.done", person.language)
