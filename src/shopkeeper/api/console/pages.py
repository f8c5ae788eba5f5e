"""Rendering console pages: one Jinja2 environment (autoescaped) over `templates/`, and the headers
every console response carries (no caching, no framing, scripts only from this server).

`render(request, name, session, status=200, **context)` fills a template with the signed-in person, the
CSRF token and the page's own values. Nothing here decides who may see a page.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from shopkeeper.staff import StaffSession

__all__ = ["SECURITY_HEADERS", "render"]

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("shopkeeper.api.console", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda cents: f"${(cents or 0) / 100:,.2f}"
    return env


def render(
    request: Request, name: str, session: StaffSession | None, status: int = 200, **context: Any
) -> HTMLResponse:
    html = (
        _environment()
        .get_template(name)
        .render(request=request, session=session, user=session.user if session else None, **context)
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
