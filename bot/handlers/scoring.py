"""/score, /deduct, /deductions, /payments, /paid and /report (#7): thin handlers over the scoring,
payments and report services."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import BotContext, command, message_args, reply, reply_text
from bot.services import payments, report, scoring
from bot.services.domain.people import Person, Role
from bot.services.scoring import DEDUCTORS, SCORE_READERS, component_name, fmt_points


@command("score", SCORE_READERS)
async def score(update: Update, context: BotContext, person: Person) -> None:
    """The running score (or, with `why`, every lost point and what it cost)."""
    text = await scoring.score_text(context.services, person, message_args(update))
    await reply_text(update, text)


@command("deduct", DEDUCTORS, client_side=True)
async def deduct(update: Update, context: BotContext, person: Person) -> None:
    """Records a client deduction on one component, audited; the lead and contacts are told."""
    args = message_args(update)
    if not args:
        await reply(update, person, "score.deduct.usage")
        return
    recorded = await scoring.deduct(context.services, person, args)
    await reply(update, person, "score.deduct.done", id=recorded.id,
                component=component_name(recorded.component, person.language), points=fmt_points(recorded.points),
                day=recorded.day.isoformat(), reason=recorded.reason)


@command("deductions", SCORE_READERS)
async def deductions(update: Update, context: BotContext, person: Person) -> None:
    """Lists the client's deductions in a period (default: the contract so far)."""
    period = scoring.resolve_period(context.services, message_args(update))
    items = await scoring.list_deductions(context.services, period)
    await reply_text(update, scoring.render_deductions(period, items, person.language))


@command("payments", SCORE_READERS)
async def payments_command(update: Update, context: BotContext, person: Person) -> None:
    """Each payment milestone with its due date and status, and the projected final payment."""
    await reply_text(update, await payments.payments_text(context.services, person))


@command("paid", [Role.CONTACT], client_side=True)
async def paid(update: Update, context: BotContext, person: Person) -> None:
    """Records that a milestone was paid, or corrects a record (`/paid fix …`); the client side, audited."""
    args = message_args(update)
    if payments.is_correction(args):
        before, after = await payments.correct_payment(context.services, person, args)
        assert before.paid is not None and after.paid is not None and after.paid.paid_on is not None
        await reply(update, person, "pay.corrected", name=payments.milestone_name(after.key, person.language),
                    old_day=before.paid.paid_on.isoformat() if before.paid.paid_on else "—",
                    old_amount=before.paid.raw_amount if before.flagged else scoring.fmt_money(before.paid.amount),
                    day=after.paid.paid_on.isoformat(), amount=scoring.fmt_money(after.paid.amount))
        return
    status = await payments.record_payment(context.services, person, args)
    assert status.paid is not None and status.paid.paid_on is not None
    due = status.due.isoformat() if status.due else "—"
    await reply(update, person, "pay.recorded", name=payments.milestone_name(status.key, person.language),
                day=status.paid.paid_on.isoformat(), amount=scoring.fmt_money(status.paid.amount), due=due)


@command("report", SCORE_READERS)
async def report_command(update: Update, context: BotContext, person: Person) -> None:
    """Builds a month's report and sends the Excel workbook and the chart to the caller."""
    period = report.resolve_month(context.services, message_args(update))
    await report.send_report(context.services, person, period)
    await reply(update, person, "report.generated", month=period.month)
