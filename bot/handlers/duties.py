"""Contract duties in chat: staff changes (/staffchange, /replace), onboarding papers (/compliance, /papers),
emergency drills (/drills, /drill) and the approval buttons of staff changes and incident plans.

Incidents live in bot/handlers/incidents.py, the audit listing in bot/handlers/audit_log.py.
"""

from __future__ import annotations

from datetime import date

from bot.catalog import t
from bot.handlers.common import HandlerContext, button, command, message_args, reply
from bot.handlers.render.duties import scenario_label
from bot.services import compliance, drills, incidents, staff
from bot.services.callback_data import CallbackData
from bot.services.domain.people import Person, Role
from bot.services.errors import DomainError
from bot.transports.base import Inbound

CLIENT_SIDE = [Role.SUPERVISOR, Role.CONTACT]
PROJECT = [Role.ENGINEER, Role.LEAD, Role.SUPERVISOR, Role.CONTACT, Role.ADMIN]


# -- staff changes ------------------------------------------------------------------------------------------
def _open_changes_text(rows: list, lang: str) -> str:
    if not rows:
        return t("common.none", lang)
    lines = []
    for change, leaving, joining in rows:
        lines.append(t(f"staff.line.{change.status}", lang, id=change.id, leaving=leaving, joining=joining or "—",
                       start=change.start_date.isoformat() if change.start_date else "—",
                       release=change.release_date.isoformat() if change.release_date else "—"))
    return "\n".join(lines)


@command("staffchange", [Role.LEAD])
async def staffchange(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Asks the client's contact to approve replacing an engineer (hand-over of at least 20 days)."""
    parts = message_args(msg).split(maxsplit=3)
    services = ctx.services
    if len(parts) < 4:
        rows = await staff.open_changes(services)
        await reply(ctx, person, "staff.change_usage", days=services.settings.duties.handover_days,
                    open=_open_changes_text(rows, person.language), example=await staff.example_name(services))
        return
    leaving, joiner_text, day_text, reason = parts
    joiner = staff.parse_joiner(joiner_text)
    start = staff.parse_day(services, day_text)
    change, asked = await staff.request_change(services, person, leaving, joiner, start, reason)
    await reply(ctx, person, "staff.change_requested", id=change.id, leaving=leaving, joining=joiner.name,
                start=start.isoformat(), release=staff.release_day(services, start).isoformat(), asked=asked)


@command("replace", CLIENT_SIDE, client_side=True)
async def replace(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """The client demands that an engineer be replaced; the lead is asked to name the joiner."""
    parts = message_args(msg).split(maxsplit=1)
    if len(parts) < 2:
        await reply(ctx, person, "staff.replace_usage", example=await staff.example_name(ctx.services))
        return
    change = await staff.demand_replacement(ctx.services, person, parts[0], parts[1])
    await reply(ctx, person, "staff.replace_done", id=change.id, name=parts[0])


# -- onboarding papers ----------------------------------------------------------------------------------------
def _paper_state(ob: compliance.Obligation, today: date, lang: str) -> str:
    state = ob.state(today)
    received = ob.received.isoformat() if ob.received else "—"
    due = ob.due.isoformat() if ob.due else "—"
    if state == "done" and ob.due is not None:
        state = "done_next"
    return t(f"papers.state.{state}", lang, received=received, due=due)


@command("compliance", PROJECT)
async def compliance_status(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Shows every engineer's confidentiality commitment, certificate and security training status."""
    services = ctx.services
    obligations = await compliance.compliance_status(services)
    lang, today = person.language, services.today()
    blocks, by_person = [], {}
    for ob in obligations:
        by_person.setdefault(ob.person.id, []).append(ob)
    for obs in by_person.values():
        head = t("papers.person", lang, name=obs[0].person.name, start=obs[0].start.isoformat())
        lines = [t("papers.item", lang, paper=t(f"papers.kind.{ob.kind}", lang),
                   state=_paper_state(ob, today, lang)) for ob in obs]
        blocks.append("\n".join([head, *lines]))
    overdue = sum(1 for ob in obligations if ob.state(today) == "overdue")
    await reply(ctx, person, "papers.status", people="\n\n".join(blocks) or t("common.none", lang),
                overdue=overdue)


@command("papers", [Role.LEAD, Role.SUPERVISOR, Role.CONTACT, Role.ADMIN])
async def papers(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records receipt of a paper: /papers <name> <保密承诺|无犯罪记录|安全培训> <date>."""
    parts = message_args(msg).split()
    if len(parts) != 3:
        await reply(ctx, person, "papers.usage", example=await staff.example_name(ctx.services))
        return
    name, which, day_text = parts
    kind = compliance.paper_kind(which)
    day = staff.parse_day(ctx.services, day_text, past=True)
    ob = await compliance.record_paper(ctx.services, person, name, kind, day)
    await reply(ctx, person, "papers.recorded", name=ob.person.name,
                paper=t(f"papers.kind.{kind}", person.language), date=day.isoformat(),
                state=_paper_state(ob, ctx.services.today(), person.language))


# -- emergency drills ---------------------------------------------------------------------------------------
@command("drills", PROJECT)
async def drills_list(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists the drill plan: scenarios, dates, results, and contract scenarios not yet planned."""
    lang = person.language
    plan = await drills.plan(ctx.services)
    lines = []
    for d in plan.drills:
        lines.append(t(f"drill.line.{d.status}", lang, id=d.id, date=d.planned_on.isoformat(),
                       scenario=scenario_label(d.scenario, lang), result=d.result or ""))
    missing = [t("drill.unscheduled_line", lang, code=f"S{drills.BUILTIN_SCENARIOS.index(k) + 1}",
                 scenario=scenario_label(k, lang)) for k in plan.unscheduled]
    await reply(ctx, person, "drill.plan", drills="\n".join(lines) or t("common.none", lang),
                unscheduled="\n".join(missing) or t("common.none", lang))


@command("drill", [Role.LEAD, Role.ADMIN])
async def drill(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """/drill plan <scenario> <date> plans a drill; /drill done <N> <result> records how it went."""
    services = ctx.services
    args = message_args(msg)
    words = args.split()
    if len(words) >= 3 and words[0].lower() in ("plan", "计划", "安排"):
        day = staff.parse_day(services, words[-1])
        planned = await drills.plan_drill(services, person, " ".join(words[1:-1]), day)
        await reply(ctx, person, "drill.planned", id=planned.id, date=planned.planned_on.isoformat(),
                    scenario=scenario_label(planned.scenario, person.language))
        return
    parts = args.split(maxsplit=2)
    if len(parts) == 3 and parts[0].lower() in ("done", "完成") and parts[1].lstrip("#").isdigit():
        done = await drills.record_result(services, person, int(parts[1].lstrip("#")), parts[2])
        await reply(ctx, person, "drill.recorded", id=done.id,
                    scenario=scenario_label(done.scenario, person.language), result=parts[2])
        return
    await reply(ctx, person, "drill.usage")


# -- approval buttons (staff changes, incident handling plans) -------------------------------------------------
@button("duty", CLIENT_SIDE, client_side=True)
async def duty_button(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """Approve / reject a staff change; approve / return an incident's handling plan."""
    services = ctx.services
    if data.action in ("sc_ok", "sc_no"):
        change = await staff.decide_change(services, person, data.int_arg(), data.action == "sc_ok")
        key = "staff.approved_reply" if change.status == "handover" else "staff.rejected_reply"
        await ctx.responder.edit_button_message(None)
        await reply(ctx, person, key, id=change.id, joining=change.joining_name or "—",
                    start=change.start_date.isoformat() if change.start_date else "—",
                    release=change.release_date.isoformat() if change.release_date else "—")
        return t("duty.done_toast", person.language)
    if data.action in ("inc_ok", "inc_no"):
        incident = await incidents.decide_plan(services, person, data.int_arg(), data.action == "inc_ok")
        await ctx.responder.edit_button_message(None)
        await reply(ctx, person, "incident.plan_approved_reply" if data.action == "inc_ok"
                    else "incident.plan_returned_reply", id=incident.id)
        return t("duty.done_toast", person.language)
    raise DomainError("button.refused")


