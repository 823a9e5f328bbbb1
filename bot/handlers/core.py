"""/start, /help, /lang, /bindgroup and the fallback for what the bot does not understand."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, MessageHandler, filters

from bot.catalog import t
from bot.handlers.common import (
    BotContext,
    CommandSpec,
    command,
    command_args,
    commands_for,
    reply,
)
from bot.services import access
from bot.services.domain.people import Person, Role

ROLE_ORDER = [Role.LEAD, Role.ENGINEER, Role.SUPERVISOR, Role.CONTACT, Role.ESCALATION, Role.ADMIN]


def describe_commands(person: Person, commands: Mapping[str, CommandSpec]) -> str:
    lines = [t("help.line", person.language, command=spec.name, description=t(f"cmd.{spec.name}", person.language))
             for spec in commands_for(person, commands)]
    return "\n".join(lines)


def describe_roles(person: Person) -> str:
    names = [t(f"role.{role.value}", person.language) for role in ROLE_ORDER if role in person.roles]
    return t("role.separator", person.language).join(names)


@command("start")
async def start(update: Update, context: BotContext, person: Person) -> None:
    """Greets the caller and lists the commands of their roles."""
    await reply(update, person, "start.greeting", name=person.name, roles=describe_roles(person),
                project=context.services.settings.contract.title, commands=describe_commands(person, context.commands))


@command("help")
async def help_command(update: Update, context: BotContext, person: Person) -> None:
    """Lists the commands the caller may use, in their language."""
    await reply(update, person, "help.title", commands=describe_commands(person, context.commands))


@command("lang")
async def lang(update: Update, context: BotContext, person: Person) -> None:
    """Switches the caller's language (zh / en)."""
    choice = command_args(context).lower()
    language = {"zh": "zh_CN", "zh_cn": "zh_CN", "cn": "zh_CN", "中文": "zh_CN", "en": "en", "english": "en",
                "英文": "en"}.get(choice)
    if language is None:
        await reply(update, person, "lang.usage")
        return
    await access.set_language(context.services, person, language)
    updated = await access.identify(context.services, person.telegram_id)
    await reply(update, updated, "lang.set")
    from bot.transports.telegram.menus import publish_menu_for

    await publish_menu_for(context.bot, updated, context.commands)  # type: ignore[arg-type]


@command("bindgroup", [Role.ADMIN, Role.LEAD, Role.SUPERVISOR])
async def bindgroup(update: Update, context: BotContext, person: Person) -> None:
    """Binds the group this is sent in as the project group."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        await reply(update, person, "group.only_in_group")
        return
    created = await access.bind_group(context.services, person, chat.id, chat.title)
    await reply(update, person, "group.bound" if created else "group.already_bound",
                project=context.services.settings.contract.title)
    if not context.bot.can_read_all_group_messages:
        await reply(update, person, "group.privacy_hint")


def _addressed_to_bot(update: Update, context: BotContext) -> bool:
    """In groups the bot answers only when mentioned or replied to."""
    message = update.effective_message
    if message is None:
        return False
    if message.reply_to_message and message.reply_to_message.from_user \
            and message.reply_to_message.from_user.id == context.bot.id:
        return True
    return f"@{context.bot.username}".lower() in (message.text or "").lower()


async def unknown_command(update: Update, context: BotContext) -> None:
    """An unknown command: a hint in private chats; quiet in groups unless addressed."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE and not _addressed_to_bot(update, context):
        return
    person = await access.identify(context.services, update.effective_user.id) if update.effective_user else None
    if person is None:
        await reply(update, None, "access.unknown_user")
        return
    await reply(update, person, "fallback.unknown_command")


async def not_understood(update: Update, context: BotContext) -> None:
    """Plain text the bot cannot place: a hint in private chats; quiet in groups unless addressed."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE and not _addressed_to_bot(update, context):
        return
    user = update.effective_user
    person = await access.identify(context.services, user.id) if user else None
    if person is None:
        if user is not None:
            await access.record_refusal(context.services, telegram_id=user.id, username=user.username,
                                        attempted="text")
        await reply(update, None, "access.unknown_user")
        return
    await reply(update, person, "fallback.not_understood")


def register_fallbacks(app: Application) -> None:
    """Added last in group 0, after every feature's handlers, so they only catch what nobody else took."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, not_understood))
