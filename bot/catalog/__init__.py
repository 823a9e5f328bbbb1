"""The one catalog of every text the bot sends, in zh_CN (default) and en.

Each feature keeps its entries in a module of this package (`MESSAGES = {key: {"zh_CN": ..., "en": ...}}`),
listed in `PARTS` below; they are merged here, and a key defined twice is an error. Texts use str.format
placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from types import ModuleType
from typing import Any

from bot.catalog import (
    attendance,
    audit_actions,
    contracts,
    core,
    duties,
    inspections,
    intake,
    media,
    oncall,
    outbox_kinds,
    pages,
    reliability,
    scoring,
    tickets,
    urgent,
    waiting,
    web,
)

LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"



def _merge(parts: tuple[ModuleType, ...]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in parts:
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"catalog key {key!r} defined twice (again in {module.__name__})")
            merged[key] = texts
    return merged


# Every part of the catalog, listed once.
PARTS: tuple[ModuleType, ...] = (attendance, audit_actions, contracts, core, duties, inspections, intake, media, oncall,
                                 outbox_kinds, pages, reliability, scoring, tickets, urgent, waiting, web)
CATALOG: dict[str, dict[str, str]] = _merge(PARTS)


def normalise_language(lang: str | None) -> str:
    """Map what Telegram or a person says ("en-US", "zh-hans", "EN") to a catalog language."""
    if not lang:
        return DEFAULT_LANGUAGE
    lowered = lang.lower().replace("-", "_")
    if lowered.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Localized:
    """A value with a name in each language (a holiday: 国庆节 / National Day); as a `t()` parameter it is
    shown in the message's language, so one notification fanned out to several people names it for each."""

    zh_CN: str
    en: str

    def in_lang(self, lang: str | None) -> str:
        return self.en if normalise_language(lang) == "en" and self.en else self.zh_CN

    def __str__(self) -> str:
        return self.zh_CN


class Text:
    """A catalog key with its parameters, as services return it: rendered later, in the reader's language
    (`t()` renders one given as a parameter, like Localized). Parameters may be Text, Joined or Localized too."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params

    def in_lang(self, lang: str | None) -> str:
        return t(self.key, lang, **self.params)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.key, self.params) == (other.key, other.params)

    def __repr__(self) -> str:
        return f"Text({self.key!r}, **{self.params!r})"

    def __str__(self) -> str:
        return self.in_lang(DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class Joined:
    """Parts (text, Text, Localized) joined by `sep` (text or a Text such as `Text("role.separator")`) when
    rendered."""

    parts: tuple[Any, ...]
    sep: Any = ""

    def in_lang(self, lang: str | None) -> str:
        return render(self.sep, lang).join(render(part, lang) for part in self.parts)

    def __str__(self) -> str:
        return self.in_lang(DEFAULT_LANGUAGE)


def render(value: Any, lang: str | None) -> str:
    """A catalog value (Text, Joined, Localized) in `lang`; anything else as str."""
    return value.in_lang(lang) if isinstance(value, (Text, Joined, Localized)) else str(value)


def t(key: str, lang: str | None = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The text for `key` in `lang` (falling back to zh_CN), formatted with `params`."""
    texts = CATALOG.get(key)
    if texts is None:
        raise KeyError(f"no catalog entry {key!r}")
    template = texts.get(normalise_language(lang)) or texts[DEFAULT_LANGUAGE]
    if not params:
        return template
    return template.format(**{k: v.in_lang(lang) if isinstance(v, (Localized, Text, Joined)) else v
                              for k, v in params.items()})


def placeholders(template: str) -> set[str]:
    """The named fields a template uses (tests check both languages agree)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(template) if name}


