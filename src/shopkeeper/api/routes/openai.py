"""`/v1/chat/completions` and `/v1/models`: any OpenAI-compatible client or chat UI talks to the agent.

The model is `shopkeeper`. The last user message is the turn; earlier messages are ignored because the
conversation's state lives in the database. The conversation is keyed by the `X-Conversation-Id`
header, else by the `user` field; with neither, each request starts a new conversation. The id in use
is returned in the `X-Conversation-Id` response header (and as `conversation_id` in the body), so a
client can send it back. A key that is not an existing conversation id names a conversation created
on first use (id `oai-` + a hash of the key). `X-Request-Id` makes a retry idempotent.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from shopkeeper.api import turns
from shopkeeper.api.deps import AppState, RateLimited, StateDep
from shopkeeper.api.errors import translate
from shopkeeper.api.schemas import (
    ChatChoicePublic,
    ChatCompletionCreate,
    ChatCompletionPublic,
    ErrorPublic,
)
from shopkeeper.errors import ActionError
from shopkeeper.events import DoneEvent, Event, TextEvent
from shopkeeper.sessions import ConversationRow

__all__ = ["MODEL", "router"]

MODEL = "shopkeeper"
router = APIRouter(prefix="/v1", tags=["openai"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorPublic} for code in (404, 409, 413, 422, 429)
}


@router.get("/models")
async def list_models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "shopkeeper"}],
    }


@router.post(
    "/chat/completions",
    response_model=ChatCompletionPublic,
    responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}}, **_ERRORS},
    dependencies=[RateLimited],
)
async def chat_completions(
    body: ChatCompletionCreate,
    state: StateDep,
    x_conversation_id: Annotated[str | None, Header(max_length=200)] = None,
    x_request_id: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    if body.model != MODEL:
        raise ActionError("model_not_found", f"The model '{body.model[:80]}' does not exist; use '{MODEL}'.")
    text = next((m.text() for m in reversed(body.messages) if m.role == "user"), "")
    if not text.strip():
        raise ActionError("empty_message", "There is no user message with text to answer.")
    conversation_id = await run_in_threadpool(_conversation, state, x_conversation_id or body.user)
    headers = {"X-Conversation-Id": conversation_id}
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if body.stream:
        events = await turns.stream(state, conversation_id, text, x_request_id, "openai")
        return StreamingResponse(
            _chunks(events, completion_id, created),
            media_type="text/event-stream",
            headers={**headers, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    collected = await turns.collect(state, conversation_id, text, x_request_id, "openai")
    done = next(e for e in reversed(collected) if isinstance(e, DoneEvent))
    public = ChatCompletionPublic(
        id=completion_id,
        created=created,
        model=MODEL,
        choices=[ChatChoicePublic(message={"content": done.reply})],
        conversation_id=conversation_id,
        events=collected,
    )
    return JSONResponse(public.model_dump(mode="json"), headers=headers)


def _conversation(state: AppState, key: str | None) -> str:
    """The conversation id for `key` (created on first use), or a new conversation without a key."""
    sessions = state.agent.sessions
    if not key:
        return sessions.create("openai")
    if sessions.exists(key):
        return key
    derived = "oai-" + hashlib.sha256(key.encode()).hexdigest()[:40]
    if not sessions.exists(derived):
        try:
            with state.db.transaction() as s:
                s.add(ConversationRow(id=derived, state={}, status="open", channel="openai"))
        except IntegrityError:
            pass  # a concurrent first request created it
    return derived


def _chunk(completion_id: str, created: int, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


async def _chunks(events: AsyncIterator[Event], completion_id: str, created: int) -> AsyncIterator[str]:
    yield _data(_chunk(completion_id, created, {"role": "assistant", "content": ""}, None))
    try:
        async for event in events:
            if isinstance(event, TextEvent) and event.text:
                yield _data(_chunk(completion_id, created, {"content": event.text}, None))
    except Exception as exc:  # the response has started: report the error in the stream
        _, body = translate(exc)
        yield _data(body)
        return
    yield _data(_chunk(completion_id, created, {}, "stop"))
    yield "data: [DONE]\n\n"


def _data(payload: dict[str, Any]) -> str:
    import json

    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
