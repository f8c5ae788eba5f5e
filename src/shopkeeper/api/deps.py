"""What routes depend on: the app's state (`StateDep`), the rate limit, and the request-size guard.

`AppState` is built in `create_app`'s lifespan and lives on `app.state.shopkeeper`; routes receive it
through `StateDep` and never import globals. `RateLimited` is a dependency for the turn endpoints.
`BodyLimit` is ASGI middleware that counts the bytes a route reads and raises 413 past the limit, so
the error goes through the one translator in `errors`. Nothing here knows what a route does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from shopkeeper.agent import Agent
from shopkeeper.api.keys import KeyStore
from shopkeeper.api.metrics import Metrics
from shopkeeper.api.settings import ServeSettings
from shopkeeper.knowledge import KnowledgeBase
from shopkeeper.store.db import Database

__all__ = ["AppState", "BodyLimit", "RateLimited", "StateDep", "get_state"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass
class AppState:
    settings: ServeSettings
    db: Database
    kb: KnowledgeBase
    agent: Agent
    metrics: Metrics
    keys: KeyStore
    model_status: str = "disabled"  # disabled | loading | ready | failed
    warm: threading.Event = field(default_factory=threading.Event)
    _windows: dict[str, tuple[int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, client: str) -> bool:
        """Fixed one-minute window per client address; always true when the limit is off."""
        limit = self.settings.rate_limit_per_minute
        if not limit:
            return True
        minute = int(time.time() // 60)
        with self._lock:
            window, count = self._windows.get(client, (minute, 0))
            if window != minute:
                window, count = minute, 0
                if len(self._windows) > 10_000:
                    self._windows.clear()
            self._windows[client] = (window, count + 1)
            return count < limit


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.shopkeeper
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def _rate_limited(request: Request, state: StateDep) -> None:
    client = request.client.host if request.client else "unknown"
    if not state.allow(client):
        raise HTTPException(429, "Too many messages; please wait a minute.", headers={"Retry-After": "60"})


RateLimited = Depends(_rate_limited)


class BodyLimit:
    """Reject request bodies over `max_bytes` (declared or actually sent) with 413."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = declared is not None and (not declared.isdigit() or int(declared) > limit)
        seen = 0

        async def guarded() -> Message:
            nonlocal seen
            if too_big:
                raise HTTPException(413, f"The request body is too large (limit {limit} bytes).")
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, f"The request body is too large (limit {limit} bytes).")
            return message

        await self.app(scope, guarded, send)
