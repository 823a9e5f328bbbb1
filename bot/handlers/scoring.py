"""/score, /deduct, /deductions, /payments, /paid and /report (#7): thin handlers over the scoring,
payments and report services."""

from __future__ import annotations

from bot.catalog import t
from bot.handlers.common import HandlerContext, command, message_args, reply, reply_text
from bot.handlers.render.payments import render_overview
from bot.handlers.render.scoring import render_deductions, render_score_answer
from bot.services import payments, report, scoring
from bot.services.domain.people import Person, Role
from bot.services.scoring import DEDUCTORS, SCORE_READERS, component_label, fmt_points
from bot.transports.base import Inbound


@command("score", SCORE_READERS)
async def score(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """The running score (or, with `why`, every lost point and what it cost)."""
    answer = await scoring.score_answer(ctx.services, person, message_args(msg))
    text = render_score_answer(answer, person.language)
    if ctx.services.heading:  # a deployment of several contracts: say whose score this is
        text = t("contract.heading", person.language, title=ctx.services.heading) + "\n" + text
    await reply_text(ctx, text)


@command("deduct", DEDUCTORS, client_side=True)
async def deduct(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records a client deduction on one component, audited; the lead and contacts are told."""
    args = message_args(msg)
    if not args:
        await reply(ctx, person, "score.deduct.usage")
        return
    recorded = await scoring.deduct(ctx.services, person, args)
    await reply(ctx, person, "score.deduct.done", id=recorded.id,
                component=component_label(recorded.component), points=fmt_points(recorded.points),
                day=recorded.day.isoformat(), reason=recorded.reason)


@command("deductions", SCORE_READERS)
async def deductions(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists the client's deductions in a period (default: the contract so far)."""
    period = scoring.resolve_period(ctx.services, message_args(msg))
    items = await scoring.list_deductions(ctx.services, period)
    await reply_text(ctx, render_deductions(period, items, person.language))


@command("payments", SCORE_READERS)
async def payments_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Each payment milestone with its due date and status, and the projected final payment."""
    overview = await payments.payments_overview(ctx.services, person)
    await reply_text(ctx, render_overview(ctx.services, overview, person.language))


@command("paid", [Role.CONTACT], client_side=True)
async def paid(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records that a milestone was paid, or corrects a record (`/paid fix …`); the client side, audited."""
    args = message_args(msg)
    if payments.is_correction(args):
        before, after = await payments.correct_payment(ctx.services, person, args)
        assert before.paid is not None and after.paid is not None and after.paid.paid_on is not None
        await reply(ctx, person, "pay.corrected", name=payments.milestone_label(after.key),
                    old_day=before.paid.paid_on.isoformat() if before.paid.paid_on else "—",
                    old_amount=before.paid.raw_amount if before.flagged else scoring.fmt_money(before.paid.amount),
                    day=after.paid.paid_on.isoformat(), amount=scoring.fmt_money(after.paid.amount))
        return
    status = await payments.record_payment(ctx.services, person, args)
    assert status.paid is not None and status.paid.paid_on is not None
    due = status.due.isoformat() if status.due else "—"
    await reply(ctx, person, "pay.recorded", name=payments.milestone_label(status.key),
                day=status.paid.paid_on.isoformat(), amount=scoring.fmt_money(status.paid.amount), due=due)


@command("report", SCORE_READERS)
async def report_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Builds a month's report and sends the Excel workbook and the chart to the caller."""
    period = report.resolve_month(ctx.services, message_args(msg))
    await report.send_report(ctx.services, person, period)
    await reply(ctx, person, "report.generated", month=period.month)
