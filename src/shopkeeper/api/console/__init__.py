"""The staff console at `/console`: server-rendered pages with a little JavaScript (`static/console.js`).

One router per concern: `auth` (sign in and out, the guards), `inbox` (handoffs live, one conversation,
take over, reply, hand back, close), `orders` (order changes beside a conversation), `dashboard` (charts and CSV), and for owners `knowledge` (documents, try a
question) and `team` (users, admin API keys). Pages are Jinja2
templates in `templates/`; `pages.render` adds the security headers.
"""

from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.api.console import auth, dashboard, inbox, knowledge, orders, team

__all__ = ["router"]

router = APIRouter()
for _part in (auth, inbox, orders, dashboard, knowledge, team):
    router.include_router(_part.router)
