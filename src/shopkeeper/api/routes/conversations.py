"""`/api/conversations`: start a conversation, send a message (JSON or SSE), read the transcript.

A message answered with `Accept: text/event-stream` streams the turn's events as server-sent events
(`event: <type>`, `data: <event JSON>`), the last one `done`. `GET .../events` follows a conversation
while staff hold it: their messages (`staff`) and status changes (`status`) as they are written. A retry carrying the same `request_id`
returns the stored answer; the agent does not run the turn again. Errors go through `api.errors`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from shopkeeper.api import live, turns
from shopkeeper.api.deps import RateLimited, StateDep
from shopkeeper.api.errors import translate
from shopkeeper.api.schemas import (
    ConversationCreate,
    ConversationPublic,
    ErrorPublic,
    MessageCreate,
    ReplyPublic,
    TranscriptPublic,
    TurnPublic,
)
from shopkeeper.events import DoneEvent, Event

__all__ = ["router"]

router = APIRouter(prefix="/api/conversations", tags=["conversations"])
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorPublic, "description": "No such conversation"},
    409: {"model": ErrorPublic, "description": "Another message of this conversation is being answered"},
    413: {"model": ErrorPublic, "description": "Request body over the limit"},
    422: {"model": ErrorPublic, "description": "Malformed request or unusable message"},
}


@router.post("", status_code=status.HTTP_201_CREATED, responses={422: _ERRORS[422]})
async def create_conversation(
    state: StateDep, body: Annotated[ConversationCreate | None, Body()] = None
) -> ConversationPublic:
    channel = body.channel if body else "api"
    return ConversationPublic(id=await run_in_threadpool(state.agent.start, channel))


@router.post(
    "/{conversation_id}/messages",
    response_model=ReplyPublic,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "The reply (JSON), or its events as server-sent events",
        },
        **_ERRORS,
    },
    dependencies=[RateLimited],
)
async def send_message(
    conversation_id: ConversationId,
    body: MessageCreate,
    state: StateDep,
    accept: Annotated[str, Header()] = "application/json",
) -> ReplyPublic | StreamingResponse:
    if "text/event-stream" in accept:
        events = await turns.stream(state, conversation_id, body.text, body.request_id, "api")
        return StreamingResponse(
            _sse(events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    collected = await turns.collect(state, conversation_id, body.text, body.request_id, "api")
    return _reply(collected)


@router.get("/{conversation_id}", responses={404: _ERRORS[404]})
async def get_transcript(conversation_id: ConversationId, state: StateDep) -> TranscriptPublic:
    def load() -> TranscriptPublic:
        row = state.agent.sessions.load(conversation_id)
        turns_ = state.agent.sessions.transcript(conversation_id)
        return TranscriptPublic(
            id=conversation_id,
            status=row.status,
            turns=[TurnPublic(seq=t.seq, role=t.role, text=t.text, events=t.events, at=t.at) for t in turns_],
        )

    return await run_in_threadpool(load)


@router.get(
    "/{conversation_id}/events",
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}},
        404: _ERRORS[404],
    },
)
async def follow_conversation(
    conversation_id: ConversationId,
    state: StateDep,
    request: Request,
    after: Annotated[int | None, Query(ge=0)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Staff messages after turn `after` (default: from now) and status changes, as server-sent events."""
    sessions = state.agent.sessions
    known = await run_in_threadpool(sessions.transcript, conversation_id)  # 404 before the stream starts
    if last_event_id and last_event_id.isdigit():
        after = int(last_event_id)
    seen = after if after is not None else max((t.seq for t in known), default=0)

    def read() -> tuple[str, list[tuple[int, str, str]]]:
        row = sessions.load(conversation_id)
        news = [
            (t.seq, t.text, str(t.events[0].get("by", "")) if t.events else "")
            for t in sessions.transcript(conversation_id)
            if t.role == "staff" and t.seq > seen
        ]
        return row.status, news

    async def chunks() -> AsyncIterator[str]:
        nonlocal seen
        status_ = None
        async for current, news in live.follow(request, read):
            if current != status_:
                status_ = current
                yield live.event("status", {"status": current})
            for seq, text, by in news:
                if seq > seen:
                    seen = seq
                    yield live.event("staff", {"seq": seq, "text": text, "by": by}, id=seq)

    return live.stream(chunks())


def _reply(events: list[Event]) -> ReplyPublic:
    done = next(e for e in reversed(events) if isinstance(e, DoneEvent))
    return ReplyPublic(reply=done.reply, events=events, handoff=done.handoff)


async def _sse(events: AsyncIterator[Event]) -> AsyncIterator[str]:
    try:
        async for event in events:
            yield turns.sse(event.type, event.model_dump(mode="json"))
    except Exception as exc:  # the response has started: the error becomes the stream's last event
        _, body = translate(exc)
        yield turns.sse("error", body["error"])
