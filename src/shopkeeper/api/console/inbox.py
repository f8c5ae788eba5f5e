"""The inbox and one conversation: handoffs arriving live, take over, transcript, reply, hand back, close.

`/console` lists the conversations waiting for a person, oldest first, and `/console/inbox/events`
pushes the list again (server-sent events) whenever it changes. `/console/c/{id}` shows the handoff
summary, the whole transcript with the assistant's proposals and actions, the customer's orders and
this conversation's audit entries; `/console/c/{id}/events` pushes new turns and status changes.
The posts go through `shopkeeper.handoffs` (atomic take-over, audited under the staff member's name);
a refusal is shown on the page with 409. Order changes are in `console.orders`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shopkeeper import audit, handoffs
from shopkeeper.agent import MAX_MESSAGE_CHARS
from shopkeeper.api import live
from shopkeeper.api.console.auth import Checked, SignedIn
from shopkeeper.api.console.pages import render
from shopkeeper.api.console.views import NOTES, summary_lines, turn_view
from shopkeeper.api.deps import AppState, StateDep
from shopkeeper.errors import ActionError
from shopkeeper.staff import StaffSession

__all__ = ["conversation_page", "router"]

router = APIRouter(prefix="/console", include_in_schema=False)
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def _inbox(state: AppState) -> list[dict[str, Any]]:
    return [w.as_dict() for w in handoffs.waiting(state.agent.sessions)]


@router.get("")
async def inbox(request: Request, state: StateDep, session: SignedIn) -> Response:
    items = await run_in_threadpool(_inbox, state)
    return render(request, "inbox.html", session, items=items, summary_lines=summary_lines)


@router.get("/inbox/events")
async def inbox_events(request: Request, state: StateDep, session: SignedIn) -> Response:
    async def chunks() -> AsyncIterator[str]:
        async for items in live.follow(request, lambda: _inbox(state)):
            for item in items:
                item["lines"] = summary_lines(item["summary"])
            yield live.event("inbox", items)

    return live.stream(chunks())


def _context(state: AppState, conversation_id: str) -> dict[str, Any]:
    sessions = state.agent.sessions
    row = sessions.load(conversation_id)
    turns = [v for v in (turn_view(t) for t in sessions.transcript(conversation_id)) if v]
    customer, orders = None, []
    if row.customer_id:
        customer = state.agent.store.get_customer(row.customer_id)
        orders = state.agent.store.list_orders(row.customer_id)
    entries = [asdict(e) for e in audit.entries(state.db, conversation_id=conversation_id, limit=200)]
    return {
        "row": row,
        "turns": turns,
        "last_seq": max((t["seq"] for t in turns), default=0),
        "summary": summary_lines(row.handoff_summary),
        "customer": customer,
        "orders": orders,
        "audit": entries,
        "form_key": uuid.uuid4().hex,  # one idempotency key per rendered order form
    }


async def conversation_page(
    request: Request,
    state: AppState,
    session: StaffSession,
    conversation_id: str,
    *,
    error: str | None = None,
    done: str | None = None,
) -> Response:
    """The conversation page; with `error`, a refusal shown with 409."""
    context = await run_in_threadpool(_context, state, conversation_id)
    row = context["row"]
    return render(
        request,
        "conversation.html",
        session,
        status=409 if error else 200,
        error=error,
        note=NOTES.get(done or ""),
        mine=row.assignee == session.user.name,
        max_chars=MAX_MESSAGE_CHARS,
        **context,
    )


@router.get("/c/{conversation_id}")
async def conversation(
    request: Request,
    state: StateDep,
    session: SignedIn,
    conversation_id: ConversationId,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return await conversation_page(request, state, session, conversation_id, done=done)


@router.get("/c/{conversation_id}/events")
async def conversation_events(
    request: Request,
    state: StateDep,
    session: SignedIn,
    conversation_id: ConversationId,
    after: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    sessions = state.agent.sessions
    await run_in_threadpool(sessions.load, conversation_id)  # 404 before the stream starts

    def read() -> tuple[str, str | None, int]:
        row = sessions.load(conversation_id)
        last = max((t.seq for t in sessions.transcript(conversation_id)), default=0)
        return row.status, row.assignee, last

    async def chunks() -> AsyncIterator[str]:
        seen, first = after, True
        async for status, assignee, last in live.follow(request, read):
            if not first:
                yield live.event("status", {"status": status, "assignee": assignee})
            first = False
            if last > seen:
                news = await run_in_threadpool(sessions.transcript, conversation_id)
                for turn in news:
                    view = turn_view(turn) if turn.seq > seen else None
                    if view:
                        yield live.event("turn", view, id=turn.seq)
                seen = last

    return live.stream(chunks())


async def _act(
    request: Request,
    state: AppState,
    session: StaffSession,
    conversation_id: str,
    work: Any,
    done: str,
    to_inbox: bool = False,
) -> Response:
    try:
        await run_in_threadpool(work)
    except ActionError as exc:
        if exc.code == "conversation_not_found":
            raise
        return await conversation_page(request, state, session, conversation_id, error=exc.message)
    target = "/console" if to_inbox else f"/console/c/{conversation_id}?done={done}"
    return RedirectResponse(target, status_code=303)


@router.post("/c/{conversation_id}/take-over")
async def take_over(
    request: Request, state: StateDep, session: Checked, conversation_id: ConversationId
) -> Response:
    sessions = state.agent.sessions
    return await _act(
        request,
        state,
        session,
        conversation_id,
        lambda: handoffs.take_over(sessions, conversation_id, session.user),
        "took",
    )


@router.post("/c/{conversation_id}/reply")
async def reply(
    request: Request,
    state: StateDep,
    session: Checked,
    conversation_id: ConversationId,
    text: Annotated[str, Form(min_length=1, max_length=MAX_MESSAGE_CHARS)],
) -> Response:
    sessions = state.agent.sessions
    return await _act(
        request,
        state,
        session,
        conversation_id,
        lambda: handoffs.reply(sessions, conversation_id, session.user, text),
        "replied",
    )


@router.post("/c/{conversation_id}/hand-back")
async def hand_back(
    request: Request, state: StateDep, session: Checked, conversation_id: ConversationId
) -> Response:
    sessions = state.agent.sessions
    return await _act(
        request,
        state,
        session,
        conversation_id,
        lambda: handoffs.hand_back(sessions, conversation_id, session.user),
        "handed_back",
    )


@router.post("/c/{conversation_id}/close")
async def close(
    request: Request, state: StateDep, session: Checked, conversation_id: ConversationId
) -> Response:
    sessions = state.agent.sessions
    return await _act(
        request,
        state,
        session,
        conversation_id,
        lambda: handoffs.close(sessions, conversation_id, session.user),
        "closed",
        to_inbox=True,
    )
