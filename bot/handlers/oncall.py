"""/oncall (show or set the rota), /dutyplan (holiday duty plans), /swap, and their buttons."""

from __future__ import annotations

import re

from bot.catalog import t
from bot.handlers.common import (
    ANYONE,
    ENGINEERS,
    HandlerContext,
    button,
    command,
    message_args,
    party_allowed,
    reply,
)
from bot.services import (
    oncall,
    oncall_timers,  # noqa: F401  (registers the rota's daily jobs)
)
from bot.services.callback_data import CallbackData
from bot.services.domain.people import Person, Role
from bot.transports.base import Inbound

_SET = re.compile(r"^(?:set|设置|排班)\s*", re.IGNORECASE)


def _now_line(view: oncall.RotaView, lang: str) -> str:
    names = t("role.separator", lang).join(p.name for p in view.now.people) or t("oc.unassigned", lang)
    return t(f"oc.now_{view.now.source}", lang, names=names)


def _day_line(day: oncall.RotaDay, lang: str) -> str:
    plain = t("oc.label.workday" if day.workday else "oc.label.restday", lang)
    label = day.holiday.in_lang(lang) if day.holiday else plain
    names = t("role.separator", lang).join(day.names) or t("oc.unassigned", lang)
    return t("oc.day_line", lang, day=day.day.isoformat(), label=label, names=names)


@command("oncall")
async def oncall_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Shows who is on duty now and the next 7 days; `/oncall set <period> <names>` sets the rota."""
    text = message_args(msg)
    match = _SET.match(text)
    if match:
        done = await oncall.set_duty(ctx.services, person, text[match.end():])
        names = t("role.separator", person.language).join(p.name for p in done.people)
        if done.start is not None:
            await reply(ctx, person, "oc.set_done_span", start=ctx.services.fmt(done.start),
                        end=ctx.services.fmt(done.end), names=names)
        else:
            await reply(ctx, person, "oc.set_done", first=done.first.isoformat(), last=done.last.isoformat(),
                        names=names)
        return
    if text:
        await reply(ctx, person, "oc.usage", text=text)
        return
    view = await oncall.rota_view(ctx.services, days=7)
    lines = "\n".join(_day_line(day, person.language) for day in view.days)
    await reply(ctx, person, "oc.view", now=_now_line(view, person.language), days=7, lines=lines)


@command("dutyplan")
async def dutyplan_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Shows (or proposes) the duty plan of the next holiday, or of the one named: /dutyplan 国庆."""
    view = await oncall.duty_plan(ctx.services, person, message_args(msg))
    plan = view.plan
    approver = person.has(Role.SUPERVISOR) and party_allowed(True, person)  # the client side's approval
    buttons = oncall.approve_buttons(plan) if plan.status == "proposed" and approver else None
    await reply(ctx, person, "oc.plan_view", buttons=buttons, holiday=oncall.holiday_title(plan),
                first=plan.first_day.isoformat(), last=plan.last_day.isoformat(),
                status=t(f"oc.plan_status.{plan.status}", person.language), lines=view.lines,
                totals=view.totals_text())


@command("swap", ENGINEERS)
async def swap_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Asks another engineer to take one of my duty days (their OK, then a supervisor's)."""
    text = message_args(msg)
    if not text:
        await reply(ctx, person, "oc.swap_usage")
        return
    swap, other = await oncall.request_swap(ctx.services, person, text)
    await reply(ctx, person, "oc.swap_requested", name=other.name, day=swap.day.isoformat())


@button("oc", ANYONE, client_side=("ap", "ss"))  # approvals: the client side's
async def oncall_button(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """批准 a duty plan; 同意 / 拒绝 a swap (the other engineer, then a supervisor)."""
    services = ctx.services
    if data.action == "ap":
        plan = await oncall.approve_plan(services, person, data.int_arg(0))
        await reply(ctx, person, "oc.plan_approved", holiday=oncall.holiday_title(plan))
        return t("oc.toast.approved", person.language)
    if data.action in ("sp", "ss"):
        agree = data.args[1] == "1" if len(data.args) > 1 else False
        if data.action == "sp":
            await oncall.answer_swap(services, person, data.int_arg(0), agree)
            return t("oc.toast.agreed" if agree else "oc.toast.declined", person.language)
        await oncall.decide_swap(services, person, data.int_arg(0), agree)
        return t("oc.toast.approved" if agree else "oc.toast.declined", person.language)
    return t("button.refused", person.language)
