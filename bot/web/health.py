"""GET /health (and /healthz): the health report as JSON, 200 when healthy, 503 otherwise — for monitors and
webhook deployments. Served by the bot's one HTTP server (bot/web/server.py) on every address it listens on."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.services import health
from bot.services.container import Services

NextRuns = Mapping[str, datetime | None]
# What the endpoint reports on, read at each request: the running services (None while starting) and the timers'
# next runs (None before they started).
HealthSource = Callable[[], tuple[Services | None, NextRuns | None]]


async def health_response(services: Services | None, next_runs: NextRuns | None) -> tuple[int, dict[str, Any]]:
    """The health report as (HTTP status, JSON body): 200 when healthy, 503 otherwise."""
    if services is None:
        return 503, {"status": "starting"}
    report = await health.health_report(services, next_runs)
    return (200 if report.ok else 503), health.health_json(report)


def health_routes(source: HealthSource, replica: Callable[[], dict[str, Any] | None] = lambda: None) -> list[Route]:
    """`replica`: what this process is among several replicas (issue 18.2: its id, whether it polls), if any."""
    async def endpoint(request: Request) -> JSONResponse:
        status, body = await health_response(*source())
        about = replica()
        if about is not None:
            body["replica"] = about
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    return [Route(path, endpoint, methods=["GET", "HEAD"]) for path in ("/health", "/healthz")]
