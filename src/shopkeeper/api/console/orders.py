"""Order changes from the console, beside the conversation: cancel an order, open a return.

They go through the same action layer and store as the assistant's writes (`shopkeeper.actions` over
the agent's `StoreBackend`, so Medusa's orders with `SHOPKEEPER_STORE=medusa`): policy checked on fresh
rows, one transaction, an audit entry under `staff:<name>` tied to the conversation, and
idempotent per form (a double submit replays the first outcome). Only the staff member holding the
conversation may change the verified customer's own orders; a refusal is shown on the page with 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shopkeeper.actions import Actions, Context
from shopkeeper.api.console.auth import Checked
from shopkeeper.api.console.inbox import ConversationId, conversation_page
from shopkeeper.api.deps import AppState, StateDep
from shopkeeper.errors import ActionError
from shopkeeper.staff import StaffSession

__all__ = ["router"]

router = APIRouter(prefix="/console/c/{conversation_id}/orders", include_in_schema=False)
OrderId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
RequestKey = Annotated[str, Form(min_length=8, max_length=200, pattern=r"^[A-Za-z0-9_#-]+$")]


def _context(
    state: AppState, session: StaffSession, conversation_id: str, order_id: str
) -> tuple[str, Context]:
    """The order's id once the staff member holds the conversation and the order is its customer's."""
    row = state.agent.sessions.load(conversation_id)
    if row.assignee != session.user.name:
        raise ActionError("conversation_not_held", "Take the conversation over before changing orders.")
    # The built-in store's order ids start with "#", which a URL cannot carry; Medusa's are numbers.
    store = state.agent.store
    try:
        order = store.get_order(order_id)
    except ActionError:
        order = store.get_order(f"#{order_id}")
    if order.customer_id != row.customer_id:
        raise ActionError("order_not_found", "That order does not belong to this conversation's customer.")
    return order.id, Context(actor=session.user.actor, conversation_id=conversation_id)


async def _run(
    request: Request, state: AppState, session: StaffSession, conversation_id: str, work: object, done: str
) -> Response:
    try:
        await run_in_threadpool(work)  # type: ignore[arg-type]
    except ActionError as exc:
        if exc.code == "conversation_not_found":
            raise
        return await conversation_page(request, state, session, conversation_id, error=exc.message)
    return RedirectResponse(f"/console/c/{conversation_id}?done={done}", status_code=303)


@router.post("/{order_id}/cancel")
async def cancel(
    request: Request,
    state: StateDep,
    session: Checked,
    conversation_id: ConversationId,
    order_id: OrderId,
    reason: Annotated[str, Form(max_length=40)],
    request_key: RequestKey,
) -> Response:
    def work() -> None:
        oid, ctx = _context(state, session, conversation_id, order_id)
        ctx = Context(ctx.actor, ctx.conversation_id, request_key)
        Actions(state.db, store=state.agent.store).cancel_order(oid, reason, ctx)

    return await _run(request, state, session, conversation_id, work, "cancelled")


@router.post("/{order_id}/return")
async def open_return(
    request: Request,
    state: StateDep,
    session: Checked,
    conversation_id: ConversationId,
    order_id: OrderId,
    payment_method_id: Annotated[str, Form(max_length=80)],
    request_key: RequestKey,
    item_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def work() -> None:
        oid, ctx = _context(state, session, conversation_id, order_id)
        if not item_ids:
            raise ActionError("invalid_arguments", "Choose at least one item to return.")
        ctx = Context(ctx.actor, ctx.conversation_id, request_key)
        Actions(state.db, store=state.agent.store).return_order_items(oid, item_ids, payment_method_id, ctx)

    return await _run(request, state, session, conversation_id, work, "returned")
