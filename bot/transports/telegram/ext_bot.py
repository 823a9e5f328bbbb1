"""The bot object every send goes through, made to respect Telegram's size limits by construction.

`MaintBot` is python-telegram-bot's `ExtBot` with four methods wrapped, so no caller (a handler's reply,
the outbox worker, an edited card, a button's toast) can send what Telegram would refuse:
- `send_message`: a text over 4096 characters goes out as several messages, split between lines
  (`bot.textfit.split_text`), in order; the buttons ride on the last piece, a reply-to on the first; the
  last message is returned. A text that would take more than `bot.pager.MAX_SPLIT` messages is paged
  instead: the first page goes out with 「上一页」/「下一页」 buttons (`bot/pager.py`).
- `edit_message_text`: the message becomes the first piece; the rest follows as new messages.
- `answer_callback_query`: the toast or alert is shortened to 200 characters with an ellipsis.
- `send_document` / `send_photo`: the caption is shortened to 1024 characters.

`MaintApplicationBuilder` builds this class where PTB would build a plain ExtBot (same arguments).
"""

from __future__ import annotations

import inspect
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram._utils.defaultvalue import DefaultValue
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ExtBot
from telegram.ext._utils.types import BD

from bot.pager import Pager, render_page
from bot.textfit import ANSWER_LIMIT, CAPTION_LIMIT, shorten, split_text

_FIRST_ONLY = ("reply_parameters", "reply_to_message_id", "allow_sending_without_reply")


def _is_html(parse_mode: Any) -> bool:
    return DefaultValue.get_value(parse_mode) in (ParseMode.HTML, "HTML")


def _keywords(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any], *, skip: int) -> dict[str, Any]:
    """Positional arguments after the first `skip` parameters (self included) as keywords."""
    if not args:
        return kwargs
    names = list(inspect.signature(method).parameters)[skip:]
    return {**dict(zip(names, args, strict=False)), **kwargs}


def _rows(markup: Any) -> list[list[tuple[str, str]]]:
    """(label, callback data) rows of an inline keyboard (other keyboards are not kept on pages)."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    return [[(b.text, str(b.callback_data)) for b in row if b.callback_data is not None]
            for row in markup.inline_keyboard]


class MaintBot(ExtBot[BD]):
    """ExtBot whose texts always fit Telegram's limits (see the module docstring)."""

    _pager: Pager | None = None

    def use_pager(self, pager: Pager | None) -> None:
        """Page replies longer than a few messages (set at start-up, once the database is open)."""
        with self._unfrozen():
            self._pager = pager

    async def send_message(self, chat_id: int | str, text: str, *args: Any, **kwargs: Any) -> Message:
        kwargs = _keywords(ExtBot.send_message, args, kwargs, skip=3)
        if kwargs.get("entities"):  # explicit entities carry offsets into the whole text: not ours to split
            return await super().send_message(chat_id, text, **kwargs)
        html = _is_html(kwargs.get("parse_mode"))
        pieces = split_text(text, html=html)
        if len(pieces) == 1:
            return await super().send_message(chat_id, pieces[0], **kwargs)
        markup = kwargs.pop("reply_markup", None)
        if self._pager is not None and not html and self._pager.needs_paging(len(pieces)) \
                and isinstance(chat_id, int) and (markup is None or isinstance(markup, InlineKeyboardMarkup)):
            paged = await self._pager.store(chat_id, text, _rows(markup))
            first, rows = render_page(paged, 1)
            return await super().send_message(chat_id, first, reply_markup=keyboard(rows), **kwargs)
        sent: Message | None = None
        for index, piece in enumerate(pieces):
            extra = dict(kwargs)
            if index > 0:
                for name in _FIRST_ONLY:
                    extra.pop(name, None)
            if index == len(pieces) - 1:
                extra["reply_markup"] = markup
            sent = await super().send_message(chat_id, piece, **extra)
        assert sent is not None
        return sent

    async def edit_message_text(self, text: str, *args: Any, **kwargs: Any) -> Message | bool:
        kwargs = _keywords(ExtBot.edit_message_text, args, kwargs, skip=2)
        if kwargs.get("entities"):
            return await super().edit_message_text(text, **kwargs)
        html = _is_html(kwargs.get("parse_mode"))
        pieces = split_text(text, html=html)
        result = await super().edit_message_text(pieces[0], **kwargs)
        chat_id = kwargs.get("chat_id")
        if chat_id is None and isinstance(result, Message):
            chat_id = result.chat_id
        if chat_id is not None:
            parse_mode = kwargs.get("parse_mode")
            for piece in pieces[1:]:
                if parse_mode is not None:
                    await super().send_message(chat_id, piece, parse_mode=parse_mode)
                else:
                    await super().send_message(chat_id, piece)
        return result

    async def answer_callback_query(self, callback_query_id: str, text: str | None = None, *args: Any,
                                    **kwargs: Any) -> bool:
        return await super().answer_callback_query(callback_query_id, shorten(text, ANSWER_LIMIT) if text else text,
                                                   *args, **kwargs)

    async def send_document(self, *args: Any, **kwargs: Any) -> Message:
        if kwargs.get("caption"):
            kwargs["caption"] = shorten(kwargs["caption"], CAPTION_LIMIT)
        return await super().send_document(*args, **kwargs)

    async def send_photo(self, *args: Any, **kwargs: Any) -> Message:
        if kwargs.get("caption"):
            kwargs["caption"] = shorten(kwargs["caption"], CAPTION_LIMIT)
        return await super().send_photo(*args, **kwargs)


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                 for row in rows])


class MaintApplicationBuilder(ApplicationBuilder):
    """An ApplicationBuilder that builds `MaintBot` (PTB 22's `_build_ext_bot`, same arguments)."""

    def _build_ext_bot(self) -> ExtBot:
        if isinstance(self._token, DefaultValue):
            raise RuntimeError("No bot token was set.")
        return MaintBot(
            token=self._token,
            base_url=DefaultValue.get_value(self._base_url),
            base_file_url=DefaultValue.get_value(self._base_file_url),
            private_key=DefaultValue.get_value(self._private_key),
            private_key_password=DefaultValue.get_value(self._private_key_password),
            defaults=DefaultValue.get_value(self._defaults),
            arbitrary_callback_data=DefaultValue.get_value(self._arbitrary_callback_data),
            request=self._build_request(get_updates=False),
            get_updates_request=self._build_request(get_updates=True),
            rate_limiter=DefaultValue.get_value(self._rate_limiter),
            local_mode=DefaultValue.get_value(self._local_mode),
        )
