"""Server-sent events that follow the database: poll a read function, send what changed.

Any server process may have written the change (a staff reply, a new handoff), so the stream reads the
database rather than waiting on an in-process signal. `follow(request, read)` calls `read()` in a
worker thread every `interval` seconds and yields each value that differs from the previous one; it ends
when the client goes away or after `limit_s` (the browser's `EventSource` then reconnects by itself).
`event(name, data, id)` formats one event. Nothing here knows what is being followed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

__all__ = ["event", "follow", "stream"]

T = TypeVar("T")
_UNSET: Any = object()


async def follow(
    request: Request, read: Callable[[], T], *, interval: float = 1.0, limit_s: float = 300.0
) -> AsyncIterator[T]:
    previous: Any = _UNSET
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and not await request.is_disconnected():
        value = await run_in_threadpool(read)
        if value != previous:
            previous = value
            yield value
        await asyncio.sleep(interval)


def event(name: str, data: Any, id: int | None = None) -> str:
    head = f"id: {id}\n" if id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream(chunks: AsyncIterator[str]) -> StreamingResponse:
    """A text/event-stream response that proxies do not buffer; retry after 2 s when it ends."""

    async def body() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        async for chunk in chunks:
            yield chunk

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
