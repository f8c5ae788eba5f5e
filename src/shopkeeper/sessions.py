"""Conversations as data: one row per conversation (its state), one row per turn (text and events).

Any process can serve the next turn of any conversation, and a restart loses nothing. A turn holds a
short lease on its conversation row (an atomic conditional UPDATE, valid on SQLite and PostgreSQL
alike), so two messages to one conversation are served one after the other, even from two servers.
A customer message with a `request_id` already seen returns the stored turn instead of running again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.errors import ActionError
from shopkeeper.store.db import Database
from shopkeeper.store.schema import Base

__all__ = ["ConversationRow", "Sessions", "StoredTurn", "TurnRow"]

LEASE_SECONDS = 120


class ConversationRow(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | handoff | staff | closed
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    handoff_summary: Mapped[str | None] = mapped_column(Text)
    lease_token: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(40), default="api")
    assignee: Mapped[str | None] = mapped_column(String(64))  # the staff member holding it (`handoffs`)


class TurnRow(Base):
    __tablename__ = "conversation_turns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))  # customer | assistant | staff
    text: Mapped[str] = mapped_column(Text)
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)
    request_id: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (UniqueConstraint("conversation_id", "request_id", name="uq_turn_request"),)


@dataclass(frozen=True)
class StoredTurn:
    seq: int
    role: str
    text: str
    events: list[dict[str, Any]]
    at: str


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def conversation_not_found() -> ActionError:
    return ActionError("conversation_not_found", "That conversation doesn't exist.")


class Sessions:
    """Create, load, lock and append to conversations in the store's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, channel: str = "api") -> str:
        cid = uuid.uuid4().hex
        with self.db.transaction() as s:
            s.add(ConversationRow(id=cid, state={}, status="open", channel=channel[:40]))
        return cid

    def exists(self, conversation_id: str) -> bool:
        with self.db.session() as s:
            return s.get(ConversationRow, conversation_id) is not None

    def load(self, conversation_id: str) -> ConversationRow:
        with self.db.session() as s:
            row = s.get(ConversationRow, conversation_id)
            if row is None:
                raise conversation_not_found()
            s.expunge(row)
            return row

    def save(
        self,
        conversation_id: str,
        *,
        state: dict[str, Any],
        customer_id: str | None,
        status: str,
        handoff_summary: str | None,
    ) -> None:
        with self.db.transaction() as s:
            row = s.get(ConversationRow, conversation_id)
            if row is None:
                raise conversation_not_found()
            row.state, row.customer_id, row.status = state, customer_id, status
            row.handoff_summary = handoff_summary
            row.updated_at = _now()

    def set_status(self, conversation_id: str, status: str) -> None:
        with self.db.transaction() as s:
            row = s.get(ConversationRow, conversation_id)
            if row is None:
                raise conversation_not_found()
            row.status, row.updated_at = status, _now()

    @contextmanager
    def lease(self, conversation_id: str, wait_s: float = 60.0) -> Iterator[None]:
        """Hold the conversation for one turn; waits for another turn in progress to finish."""
        token, deadline = uuid.uuid4().hex, time.monotonic() + wait_s
        while True:
            now = _now()
            with self.db.transaction() as s:
                got = s.execute(  # type: ignore[attr-defined]
                    update(ConversationRow)
                    .where(ConversationRow.id == conversation_id)
                    .where(or_(ConversationRow.lease_until.is_(None), ConversationRow.lease_until < now))
                    .values(lease_token=token, lease_until=now + timedelta(seconds=LEASE_SECONDS))
                ).rowcount
            if got:
                break
            if not self.exists(conversation_id):
                raise conversation_not_found()
            if time.monotonic() > deadline:
                raise ActionError(
                    "conversation_busy", "I'm still working on your previous message; please try again."
                )
            time.sleep(0.05)
        try:
            yield
        finally:
            with self.db.transaction() as s:
                s.execute(
                    update(ConversationRow)
                    .where(ConversationRow.id == conversation_id, ConversationRow.lease_token == token)
                    .values(lease_token=None, lease_until=None)
                )

    def append(
        self,
        conversation_id: str,
        role: str,
        text: str,
        events: list[dict[str, Any]] | None = None,
        request_id: str | None = None,
    ) -> int:
        with self.db.transaction() as s:
            last = s.scalar(select(func.max(TurnRow.seq)).where(TurnRow.conversation_id == conversation_id))
            seq = (last or 0) + 1
            s.add(
                TurnRow(
                    conversation_id=conversation_id,
                    seq=seq,
                    role=role,
                    text=text,
                    events=events or [],
                    request_id=request_id,
                )
            )
        return seq

    def find_reply(self, conversation_id: str, request_id: str) -> StoredTurn | None:
        """The assistant turn that answered the customer message carrying `request_id`, if any."""
        with self.db.session() as s:
            asked = s.scalars(
                select(TurnRow).where(
                    TurnRow.conversation_id == conversation_id, TurnRow.request_id == request_id
                )
            ).first()
            if asked is None:
                return None
            reply = s.scalars(
                select(TurnRow)
                .where(
                    TurnRow.conversation_id == conversation_id,
                    TurnRow.seq > asked.seq,
                    TurnRow.role == "assistant",
                )
                .order_by(TurnRow.seq)
            ).first()
            return _stored(reply) if reply is not None else None

    def transcript(self, conversation_id: str) -> list[StoredTurn]:
        with self.db.session() as s:
            if s.get(ConversationRow, conversation_id) is None:
                raise conversation_not_found()
            rows = s.scalars(
                select(TurnRow).where(TurnRow.conversation_id == conversation_id).order_by(TurnRow.seq)
            )
            return [_stored(r) for r in rows]


def _stored(row: TurnRow) -> StoredTurn:
    return StoredTurn(row.seq, row.role, row.text, list(row.events), row.at.isoformat() if row.at else "")
