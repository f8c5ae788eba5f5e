"""Running one agent turn from async routes: the blocking work in a threadpool, events collected or streamed.

`collect(state, ...)` returns the turn's events. `stream(state, ...)` computes the first event before it
returns, so errors known up front (unknown conversation, empty message, busy) become ordinary error
responses; the rest is an async iterator. Both record the turn in the metrics when its `DoneEvent`
passes. `sse(name, data)` formats one server-sent event. Nothing here knows about URLs or schemas.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from pydantic import BaseModel
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from shopkeeper.api.deps import AppState
from shopkeeper.events import DoneEvent, Event

__all__ = ["collect", "sse", "stream"]

_END = object()


def _next(events: Iterator[Event]) -> Event | object:
    return next(events, _END)


async def collect(
    state: AppState, conversation_id: str, text: str, request_id: str | None, channel: str
) -> list[Event]:
    started = time.perf_counter()
    events = await run_in_threadpool(lambda: list(state.agent.respond(conversation_id, text, request_id)))
    state.metrics.record_turn(channel, events, time.perf_counter() - started)
    return events


async def stream(
    state: AppState, conversation_id: str, text: str, request_id: str | None, channel: str
) -> AsyncIterator[Event]:
    started = time.perf_counter()
    events = state.agent.respond(conversation_id, text, request_id)
    first = await run_in_threadpool(_next, events)  # raises here, before any byte is sent
    return _rest(state, first, events, started, channel)


async def _rest(
    state: AppState, first: Event | object, events: Iterator[Event], started: float, channel: str
) -> AsyncIterator[Event]:
    seen: list[Event] = []

    async def chained() -> AsyncIterator[Event]:
        if isinstance(first, BaseModel):
            yield first  # type: ignore[misc]
        async for event in iterate_in_threadpool(events):
            yield event

    async for event in chained():
        seen.append(event)
        yield event
        if isinstance(event, DoneEvent):
            state.metrics.record_turn(channel, seen, time.perf_counter() - started)


def sse(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
