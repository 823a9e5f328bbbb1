"""Templates (files in bot/web/templates, autoescaped) rendered in the viewer's language from the catalog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from bot.catalog import Localized, t
from bot.services.container import Services

ENV = Environment(loader=PackageLoader("bot.web", "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)

NAV = ("assessment", "attendance", "tickets", "urgent", "duty", "payments")


def translator(lang: str) -> Callable[..., str]:
    def tr(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    return tr


def local_text(value: Localized | str | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Localized):
        return value.in_lang(lang)
    return str(value)


def page(template: str, *, services: Services, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    def fmt(moment: datetime | None) -> str:
        return services.fmt(moment)

    html = ENV.get_template(template).render(tr=translator(lang), lang=lang, fmt=fmt, nav=NAV,
                                             html_lang="en" if lang == "en" else "zh-CN",
                                             as_of=services.fmt(services.now()),
                                             localized=lambda v: local_text(v, lang),
                                             # a deployment of several contracts: the header names this one
                                             contract_title=services.settings.contract.title
                                             if len(services.settings.deployment) > 1 else None, **context)
    return HTMLResponse(html, status_code=status)
