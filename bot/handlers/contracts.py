"""/project (which contract a private chat belongs to) and /scores (every contract's score side by side): many
contracts in one deployment (issue 18, item 3). The router has already put the update's contract in
`ctx.services` (bot/services/contracts.py)."""

from __future__ import annotations

from bot.catalog import t
from bot.handlers.common import (
    CommandSpec,
    HandlerContext,
    button,
    command,
    command_args,
    guard,
    language_of,
    reply,
    reply_text,
)
from bot.handlers.render.contracts import render_scores
from bot.services import access, contracts
from bot.services.callback_data import CallbackData, encode
from bot.services.container import Deployment
from bot.services.domain.people import Person, Role
from bot.services.errors import DomainError
from bot.transports.base import Inbound

SCORES_ROLES = frozenset({Role.ADMIN})  # and the deployment's managers, who may be on no roster at all


def deployment_of(ctx: HandlerContext) -> Deployment:
    """The running deployment (a transport without one: this contract alone, with its managers)."""
    if ctx.deployment is not None:
        return ctx.deployment
    return Deployment({ctx.services.contract_id: ctx.services}, tuple(ctx.services.settings.managers))


@command("project")
async def project(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists the caller's projects with buttons (the current one marked), or switches with /project <id>."""
    deployment = deployment_of(ctx)
    if not deployment.several:
        await reply(ctx, person, "project.single", title=ctx.services.settings.contract.title)
        return
    wanted = command_args(msg)
    if wanted:
        chosen = await contracts.choose(deployment, msg.sender, person, wanted)
        title = chosen.settings.contract.title  # the reply is headed by the contract now current
        await reply_text(ctx, t("contract.heading", person.language, title=title) + "\n"
                         + t("project.chosen", person.language, title=title, id=chosen.contract_id))
        return
    options = await contracts.choices(deployment, msg.sender)
    lang = person.language
    lines = "\n".join(t("project.line", lang, mark="✅" if c.current else "▫️", id=c.contract_id, title=c.title)
                      for c in options)
    buttons = [[(("✅ " if c.current else "") + c.title, encode("proj", "set", c.contract_id))] for c in options]
    await reply_text(ctx, t("project.list", lang, lines=lines, example=options[0].contract_id if options else ""),
                     buttons)


@button("proj")
async def project_pressed(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """A project button of /project: that project becomes the caller's current one."""
    deployment = deployment_of(ctx)
    theirs = {svc.contract_id for svc in await contracts.contracts_of(deployment, msg.sender)}
    if data.action != "set" or not data.args or data.args[0] not in theirs or not deployment.several:
        raise DomainError("button.refused")  # an old or forged button
    chosen = await contracts.choose(deployment, msg.sender, person, data.args[0])
    await ctx.responder.edit_button_message(
        t("project.chosen", person.language, title=chosen.settings.contract.title, id=chosen.contract_id))
    return t("project.chosen_toast", person.language)


async def _scores_for_admin(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    shown = await contracts.visible_contracts(deployment_of(ctx), msg.sender)
    if not shown:
        await reply(ctx, person, "scores.none")
        return
    await reply_text(ctx, render_scores(await contracts.running_scores(shown), person.language))


_scores_guarded = guard(SCORES_ROLES, "/scores", _scores_for_admin)


async def _scores(msg: Inbound, ctx: HandlerContext) -> None:
    """Every contract's running score, tier and payment ratio, one line each: to a deployment manager all of
    them (managers need not be on any roster), to an admin the contracts they are admin on."""
    deployment = deployment_of(ctx)
    if contracts.is_manager(deployment, msg.sender):
        rows = await contracts.running_scores(deployment.all())
        person = await access.identify_sender(ctx.services, msg.sender)
        await reply_text(ctx, render_scores(rows, language_of(msg, person)))
        return
    await _scores_guarded(msg, ctx)


# Declared by hand rather than with @command: managers pass before the roster guard.
_scores.command_spec = CommandSpec("scores", SCORES_ROLES, _scores)  # type: ignore[attr-defined]
