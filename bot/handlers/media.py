"""Photos and files on records (#20 item 3): a photo captioned "/ticket 12" (or /daily, /incident N, /urgent N),
or sent as a reply to the bot's message about a record, is kept with that record; one sent alone in a private
chat gets a short question which record it belongs to (buttons)."""

from __future__ import annotations

import logging
import re

from bot.catalog import t
from bot.handlers.common import ANYONE, HandlerContext, TextRoute, button, guard, reply, reply_text
from bot.services import media as svc
from bot.services.callback_data import CallbackData, StaleButton, encode
from bot.services.domain.people import Person
from bot.services.errors import BadInput
from bot.transports.base import Inbound, InboundKind

log = logging.getLogger(__name__)

CAPTION_RECORDS = {"ticket": "ticket", "daily": "daily", "incident": "incident", "urgent": "urgent"}
CODES = {"t": "ticket", "d": "daily", "i": "incident", "u": "urgent"}
_NUMBER = re.compile(r"^[#＃]?(\d{1,9})\b")
_MENTION = re.compile(r"[#＃](\d{1,9})")


def _takes(msg: Inbound) -> bool:
    """A photo or file: in a private chat always; in a group only with a command caption or as a reply to us."""
    if not msg.attachments:
        return False
    return msg.private or msg.kind is InboundKind.COMMAND or bool(msg.quoted and msg.quoted.from_bot)


def _incoming(msg: Inbound) -> svc.IncomingFile:
    first = msg.attachments[0]
    caption = msg.text
    if msg.kind is InboundKind.COMMAND:  # "/ticket 12 the error screen": the caption is what follows the record
        args = msg.args.strip()
        number = _NUMBER.match(args)
        caption = args[number.end():].strip() if number is not None else args
    return svc.IncomingFile(first.kind, msg.platform, first.platform_file_id, first.name, first.size, first.mime,
                            caption or None, msg.chat_id)


def _target(msg: Inbound) -> tuple[str, int | None] | None:
    """(record type, id) named by the caption or the replied-to message; None: ask."""
    if msg.kind is InboundKind.COMMAND:
        record_type = CAPTION_RECORDS.get(msg.command or "")
        if record_type is None:
            raise BadInput("media.usage")
        if record_type == "daily":
            return record_type, None
        match = _NUMBER.match(msg.args.strip())
        if match is None:
            raise BadInput("media.usage")
        return record_type, int(match.group(1))
    quoted = msg.quoted
    if quoted is not None and quoted.from_bot:
        match = _MENTION.search(quoted.text)
        if match is not None:
            text = quoted.text.lower()
            kind = "urgent" if ("紧急请求" in text or "urgent" in text) else \
                "incident" if ("安全事件" in text or "incident" in text) else "ticket"
            return kind, int(match.group(1))
    return None


async def _keep_copy(ctx: HandlerContext, filed: svc.Filed, file_id: str, name: str | None) -> None:
    """The local copy, when configured: fetched through the platform; a failure leaves the platform's file."""
    if not filed.keep_local or ctx.download is None:
        return
    try:
        data = await ctx.download(file_id)
        await svc.keep_local_copy(ctx.services, filed.attachment_id, name, data)
    except Exception:  # the record already holds the platform's file id
        log.warning("could not keep a local copy of attachment %s", filed.attachment_id, exc_info=True)


async def _confirm(ctx: HandlerContext, person: Person, filed: svc.Filed, kind: str) -> None:
    lang = person.language
    record = t(f"media.record.{filed.record_type}", lang, **filed.record_params)
    what = t(f"media.kind.{kind}", lang)
    if filed.over_limit:
        await reply(ctx, person, "media.too_large", what=what, record=record, size=_size(filed.size or 0),
                    limit=_size(ctx.services.settings.media.max_bytes))
    else:
        await reply(ctx, person, "media.attached", what=what, record=record)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


async def attachment_received(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Keeps a photo or file with the record it names, or asks which record it belongs to."""
    incoming = _incoming(msg)
    target = _target(msg)
    if target is not None:
        filed = await svc.attach(ctx.services, person, incoming, *target)
        await _keep_copy(ctx, filed, incoming.platform_file_id, incoming.name)
        await _confirm(ctx, person, filed, incoming.kind)
        return
    choices = await svc.receive_unfiled(ctx.services, person, incoming)
    lang = person.language
    aid = choices.attachment_id
    rows = [[(t("media.btn.ticket", lang, id=n), encode("media", "t", aid, n))] for n in choices.tickets]
    rows += [[(t("media.btn.urgent", lang, id=n), encode("media", "u", aid, n))] for n in choices.urgent]
    if choices.daily_today:
        rows.append([(t("media.btn.daily", lang), encode("media", "d", aid, 0))])
    await reply_text(ctx, t("media.which", lang, what=t(f"media.kind.{incoming.kind}", lang)), rows or None)


@button("media")
async def media_button(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """Files a photo or file sent alone with the record the sender tapped."""
    record_type = CODES.get(data.action)
    if record_type is None:
        raise StaleButton()
    attachment_id = data.int_arg(0)
    record_id = data.int_arg(1) if record_type != "daily" else None
    filed, stored = await svc.file_unfiled(ctx.services, person, attachment_id, record_type, record_id)
    await _keep_copy(ctx, filed, stored.platform_file_id, stored.name)
    lang = person.language
    text = t("media.attached", lang, what=t(f"media.kind.{stored.kind}", lang),
             record=t(f"media.record.{filed.record_type}", lang, **filed.record_params))
    await ctx.responder.edit_button_message(text, None)
    return None


TEXT_ROUTES = (TextRoute("media.attachment", _takes, guard(ANYONE, "📎", attachment_received)),)
