"""The outbound HTTP hook for an SMS / voice provider (issue 20), described entirely in config
(`[channels.http]`, config/settings.py HttpHookSettings): the request (URL, method, headers, a body template with
{phone} {text} {request_id} {name} {kind}) and the answer that means accepted (status codes, optionally a JSON field
and its value). `${NAME}` anywhere in the URL, headers or body is read from the environment when sending, so the
provider's key never sits in the repository."""

from __future__ import annotations

import json
import os
import re
from typing import Any
from urllib.parse import quote

import httpx

from bot.transports.channels import HTTP, ChannelCall, ChannelRejected, ChannelRetry
from config.settings import HttpHookSettings

_PLACEHOLDER = re.compile(r"\{(phone|text|request_id|name|kind)\}")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _env(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ChannelRejected(f"environment variable {name} is not set")
        return os.environ[name]
    return _ENV.sub(value, text)


def fill(template: str, values: dict[str, str], escape: str) -> str:
    """Fill the placeholders; `escape` is json (inside a JSON string), form / url (percent-encoded) or text."""
    def value(match: re.Match[str]) -> str:
        raw = values[match.group(1)]
        if escape == "json":
            return json.dumps(raw, ensure_ascii=False)[1:-1]
        if escape in ("form", "url"):
            return quote(raw, safe="")
        return raw
    return _PLACEHOLDER.sub(value, template)


def field(answer: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(answer, dict) or part not in answer:
            return None
        answer = answer[part]
    return answer


class HttpHookSender:
    name = HTTP

    def __init__(self, settings: HttpHookSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self._client = client

    async def send(self, call: ChannelCall) -> str:
        s = self.settings
        values = {"phone": call.address, "text": call.text, "request_id": call.request_id,
                  "name": call.person_name, "kind": call.kind}
        url = _env(fill(s.url, values, "url"))
        headers = {key: _env(fill(value, values, "text")) for key, value in s.headers.items()}
        body = _env(fill(s.body, values, s.body_format)) if s.body else None
        if body is not None and "content-type" not in {k.lower() for k in headers}:
            headers["Content-Type"] = {"json": "application/json", "form": "application/x-www-form-urlencoded",
                                       "text": "text/plain"}[s.body_format] + "; charset=utf-8"
        client = self._client or httpx.AsyncClient()
        try:
            response = await client.request(s.method, url, headers=headers,
                                            content=body.encode() if body is not None else None,
                                            timeout=s.timeout.total_seconds())
        except httpx.HTTPError as exc:  # timeouts, refused connections: may work later
            raise ChannelRetry(f"{type(exc).__name__}") from exc
        finally:
            if self._client is None:
                await client.aclose()
        summary = f"HTTP {response.status_code}"
        if response.status_code not in s.expect_status:
            if response.status_code == 429 or response.status_code >= 500:
                raise ChannelRetry(summary)
            raise ChannelRejected(f"{summary}: {response.text[:120]}")
        if s.expect_json_field:
            try:
                got = field(response.json(), s.expect_json_field)
            except ValueError as exc:
                raise ChannelRejected(f"{summary}: not JSON") from exc
            if s.expect_json_value is not None and str(got) != s.expect_json_value:
                raise ChannelRejected(f"{summary}: {s.expect_json_field}={got}")
            summary += f", {s.expect_json_field}={got}"
        return summary
