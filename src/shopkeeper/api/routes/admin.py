"""`/api/admin/`: the store's staff, with an API key (`Authorization: Bearer sk_admin_...`).

Search customers and orders, list and read conversations (with the handoff summary), take a
conversation over and write to the customer as staff, hand it back to the assistant, read the audit
log, and list, add or remove knowledge documents. Keys are created with `shopkeeper admin create-key`
and stored hashed (`api.keys`); a missing, unknown or revoked key gets 401. Every staff write is
recorded in the conversation (role `staff`); take over, reply and hand back go through `handoffs`, like the
staff console's, audited under `staff:key-<key name>`. Errors go through `api.errors`.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from shopkeeper import audit, handoffs
from shopkeeper.agent import MAX_MESSAGE_CHARS
from shopkeeper.api.deps import StateDep
from shopkeeper.api.keys import ApiKey
from shopkeeper.errors import ActionError
from shopkeeper.sessions import ConversationRow
from shopkeeper.staff import StaffUser

__all__ = ["router"]


def _admin(state: StateDep, authorization: Annotated[str | None, Header()] = None) -> ApiKey:
    scheme, _, token = (authorization or "").partition(" ")
    key = state.keys.verify(token.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        raise HTTPException(
            401,
            "A valid admin API key is required (Authorization: Bearer sk_admin_...); "
            "create one with `shopkeeper admin create-key`.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return key


Admin = Annotated[ApiKey, Depends(_admin)]
router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(_admin)])
ConversationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class StaffMessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class DocumentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filename: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_. -]{0,99}\.(md|txt|html)$")
    content: str = Field(min_length=1, max_length=200_000)


# ---- customers and orders -------------------------------------------------------------------------


@router.get("/customers")
async def find_customer(
    state: StateDep, email: Annotated[str, Query(min_length=3, max_length=200)]
) -> dict[str, Any]:
    def find() -> dict[str, Any]:
        store = state.agent.store
        customer = store.find_customer_by_email(email)
        return {
            "customer": customer.model_dump(mode="json"),
            "orders": [o.model_dump(mode="json") for o in store.list_orders(customer.id)],
        }

    return await run_in_threadpool(find)


@router.get("/orders/{order_id}")
async def get_order(state: StateDep, order_id: Annotated[str, Path(max_length=40)]) -> dict[str, Any]:
    def load() -> dict[str, Any]:
        # The built-in store's ids start with "#", which a URL cannot carry; Medusa's are plain numbers.
        store = state.agent.store
        try:
            return store.get_order(order_id).model_dump(mode="json")
        except ActionError:
            if order_id.startswith("#"):
                raise
            return store.get_order(f"#{order_id}").model_dump(mode="json")

    return await run_in_threadpool(load)


# ---- conversations ---------------------------------------------------------------------------------


@router.get("/conversations")
async def list_conversations(
    state: StateDep,
    conversation_status: Annotated[
        str | None, Query(alias="status", pattern="^(open|handoff|staff|closed)$")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    def load() -> list[dict[str, Any]]:
        with state.db.session() as s:
            q = select(ConversationRow).order_by(ConversationRow.updated_at.desc()).limit(limit)
            if conversation_status:
                q = q.where(ConversationRow.status == conversation_status)
            return [_summary(row) for row in s.scalars(q)]

    return await run_in_threadpool(load)


@router.get("/conversations/{conversation_id}")
async def read_conversation(state: StateDep, conversation_id: ConversationId) -> dict[str, Any]:
    def load() -> dict[str, Any]:
        row = state.agent.sessions.load(conversation_id)
        turns = state.agent.sessions.transcript(conversation_id)
        return {**_summary(row), "turns": [asdict(t) for t in turns]}

    return await run_in_threadpool(load)


def _holder(key: ApiKey) -> StaffUser:
    """A key acts like a console owner named `key-<name>` (so console and API share one take-over)."""
    return StaffUser(key.id, f"key-{key.name}"[:60], "owner")


@router.post("/conversations/{conversation_id}/takeover")
async def take_over(state: StateDep, conversation_id: ConversationId, key: Admin) -> dict[str, Any]:
    """Staff answer from now on; the assistant stays silent until the conversation is handed back.
    409 when someone else (a console user or another key) holds it."""
    await run_in_threadpool(handoffs.take_over, state.agent.sessions, conversation_id, _holder(key))
    return {"id": conversation_id, "status": "staff", "by": key.name}


@router.post("/conversations/{conversation_id}/messages", status_code=status.HTTP_201_CREATED)
async def staff_message(
    state: StateDep, conversation_id: ConversationId, body: StaffMessageCreate, key: Admin
) -> dict[str, Any]:
    def write() -> int:
        row = state.agent.sessions.load(conversation_id)
        if row.status != "staff" or row.assignee != _holder(key).name:
            raise HTTPException(409, "Take the conversation over first (POST .../takeover).")
        return handoffs.reply(state.agent.sessions, conversation_id, _holder(key), body.text)

    return {"seq": await run_in_threadpool(write)}


@router.post("/conversations/{conversation_id}/release")
async def hand_back(state: StateDep, conversation_id: ConversationId, key: Admin) -> dict[str, Any]:
    """Give the conversation back to the assistant (its handoff flag cleared, nobody holding it)."""
    await run_in_threadpool(handoffs.hand_back, state.agent.sessions, conversation_id, _holder(key))
    return {"id": conversation_id, "status": "open"}


def _summary(row: ConversationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "channel": row.channel,
        "customer_id": row.customer_id,
        "handoff_summary": row.handoff_summary,
        "assignee": row.assignee,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
    }


# ---- audit log and knowledge -----------------------------------------------------------------------


@router.get("/audit")
async def audit_log(
    state: StateDep,
    conversation_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    def load() -> dict[str, Any]:
        verification = audit.verify(state.db)
        return {
            "verified": asdict(verification),
            "entries": [
                asdict(e) for e in audit.entries(state.db, conversation_id=conversation_id, limit=limit)
            ],
        }

    return await run_in_threadpool(load)


@router.get("/knowledge")
async def list_documents(state: StateDep) -> list[dict[str, Any]]:
    docs = await run_in_threadpool(state.kb.list)
    return [{k: str(v) if not isinstance(v, int | str) else v for k, v in asdict(d).items()} for d in docs]


@router.post("/knowledge", status_code=status.HTTP_201_CREATED)
async def add_document(state: StateDep, body: DocumentCreate) -> dict[str, Any]:
    """Add or replace a document (Markdown, text or HTML) by file name; it is searchable at once."""

    def add() -> dict[str, Any]:
        folder = state.settings.store.data_dir / "knowledge"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / re.sub(r"\s+", "-", body.filename)
        path.write_text(body.content, encoding="utf-8")
        result = state.kb.add_file(path)
        return {"id": result.document_id, "status": result.status, "chunks": result.chunks}

    return await run_in_threadpool(add)


@router.delete("/knowledge/{document_id}")
async def remove_document(
    state: StateDep, document_id: Annotated[str, Path(max_length=200)]
) -> dict[str, Any]:
    if not await run_in_threadpool(state.kb.remove, document_id):
        raise ActionError("document_not_found", "No such document.")
    return {"id": document_id, "removed": True}
