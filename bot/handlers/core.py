"""/start, /help, /lang, /bindgroup and the fallback for what the bot does not understand."""

from __future__ import annotations

from collections.abc import Mapping

from bot.catalog import t
from bot.handlers.common import (
    CommandSpec,
    HandlerContext,
    button,
    command,
    command_args,
    commands_for,
    reply,
    reply_text,
)
from bot.services import access, contracts
from bot.services.callback_data import CallbackData, encode
from bot.services.container import Services
from bot.services.domain.people import Person, Role
from bot.services.errors import DomainError
from bot.transports.base import Inbound

ROLE_ORDER = [Role.LEAD, Role.ENGINEER, Role.SUPERVISOR, Role.CONTACT, Role.ESCALATION, Role.ADMIN]


def describe_commands(person: Person, commands: Mapping[str, CommandSpec]) -> str:
    lines = [t("help.line", person.language, command=spec.name, description=t(f"cmd.{spec.name}", person.language))
             for spec in commands_for(person, commands)]
    return "\n".join(lines)


def describe_roles(person: Person) -> str:
    names = [t(f"role.{role.value}", person.language) for role in ROLE_ORDER if role in person.roles]
    return t("role.separator", person.language).join(names)


@command("start")
async def start(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Greets the caller and lists the commands of their roles."""
    await reply(ctx, person, "start.greeting", name=person.name, roles=describe_roles(person),
                project=ctx.services.settings.contract.title, commands=describe_commands(person, ctx.commands))


@command("help")
async def help_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists the commands the caller may use, in their language."""
    await reply(ctx, person, "help.title", commands=describe_commands(person, ctx.commands))


@command("lang")
async def lang(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Switches the caller's language (zh / en)."""
    choice = command_args(msg).lower()
    language = {"zh": "zh_CN", "zh_cn": "zh_CN", "cn": "zh_CN", "中文": "zh_CN", "en": "en", "english": "en",
                "英文": "en"}.get(choice)
    if language is None:
        await reply(ctx, person, "lang.usage")
        return
    await access.set_language(ctx.services, person, language)
    updated = await access.identify_sender(ctx.services, msg.sender) or person
    await reply(ctx, updated, "lang.set")
    if ctx.publish_menu is not None:
        await ctx.publish_menu(updated)


@command("bindgroup", [Role.ADMIN, Role.LEAD, Role.SUPERVISOR])  # = BINDERS
async def bindgroup(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Binds the group this is sent in as the project group."""
    if msg.private:
        await reply(ctx, person, "group.only_in_group")
        return
    if not ctx.capabilities.binds_groups:  # DingTalk: a group is named in the config, never bound by a command
        await _configured_group(msg, ctx, person)
        return
    services = ctx.services
    deployment = ctx.deployment
    if deployment is not None and deployment.several:  # issue 18: which contract the group belongs to
        bound = await contracts.bound_contract(deployment, msg.chat_key)
        wanted = command_args(msg)
        if bound is None and not wanted:
            theirs = await contracts.contracts_of(deployment, msg.sender)
            if len(theirs) > 1:
                buttons = [[(svc.settings.contract.title, encode("bind", "g", svc.contract_id))] for svc in theirs]
                await reply_text(ctx, t("group.choose_contract", person.language, example=theirs[0].contract_id),
                                 buttons)
                return
        if wanted:
            services = await contracts.one_of_theirs(deployment, msg.sender, wanted, "group.bind_unknown")
        if bound is not None and bound is not services:
            await reply(ctx, person, "group.bound_other", project=bound.settings.contract.title)
            return
    await _bind(msg, ctx, services, person)


BINDERS = frozenset({Role.ADMIN, Role.LEAD, Role.SUPERVISOR})


async def _configured_group(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """/bindgroup on a platform whose groups are configured: say whose group this is, or the line to add."""
    if await access.is_bound_group(ctx.services, msg.chat_key):
        await reply(ctx, person, "group.configured", project=ctx.services.settings.contract.title)
        return
    await reply(ctx, person, "group.configure_in_file", group_id=msg.chat_id)


async def _bind(msg: Inbound, ctx: HandlerContext, services: Services, person: Person) -> None:
    binder = await access.identify_sender(services, msg.sender)  # their record in that contract
    if binder is None or not binder.roles & BINDERS:
        await reply(ctx, person, "access.denied", command="bindgroup")
        return
    created = await access.bind_group(services, binder, msg.chat_key, msg.chat_title)
    await reply(ctx, binder, "group.bound" if created else "group.already_bound",
                project=services.settings.contract.title)
    if not ctx.capabilities.reads_group_messages and ctx.capabilities.group_privacy_setting:
        await reply(ctx, binder, "group.privacy_hint")


@button("bind", [Role.ADMIN, Role.LEAD, Role.SUPERVISOR])  # = BINDERS
async def bind_pressed(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """A contract button of /bindgroup (a binder on several contracts): binds the group to that contract."""
    deployment = ctx.deployment
    if deployment is None or not deployment.several or msg.private or data.action != "g" or not data.args:
        raise DomainError("button.refused")  # an old or forged button
    services = await contracts.one_of_theirs(deployment, msg.sender, data.args[0], "group.bind_unknown")
    bound = await contracts.bound_contract(deployment, msg.chat_key)
    if bound is not None and bound is not services:
        raise DomainError("group.bound_other", project=bound.settings.contract.title)
    await _bind(msg, ctx, services, person)
    return None


async def unknown_command(msg: Inbound, ctx: HandlerContext) -> None:
    """An unknown command: a hint in private chats; quiet in groups unless addressed."""
    if not msg.private and not msg.addressed:
        return
    person = await access.identify_sender(ctx.services, msg.sender)
    if person is None:
        await reply(ctx, None, "access.unknown_user")
        return
    await reply(ctx, person, "fallback.unknown_command")


async def not_understood(msg: Inbound, ctx: HandlerContext) -> None:
    """Plain text the bot cannot place: a hint in private chats; quiet in groups unless addressed."""
    if not msg.private and not msg.addressed:
        return
    person = await access.identify_sender(ctx.services, msg.sender)
    if person is None:
        await access.record_refusal(ctx.services, sender=msg.sender, attempted="text")
        await reply(ctx, None, "access.unknown_user")
        return
    await reply(ctx, person, "fallback.not_understood")
