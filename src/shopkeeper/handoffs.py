"""Staff work on conversations: the queue of handoffs, taking one over, replying, handing back, closing.

A conversation waits for a person while its status is `handoff`; a staff member takes it over with one
conditional UPDATE (`status='staff', assignee=<name>` only where nobody holds it), so of two people
pressing "Take over" at once exactly one gets it and the other gets `ActionError("conversation_taken")`.
While a person holds it the assistant stays silent (`Agent.respond`); `hand_back` clears the handoff
flag and gives it to the assistant again, `close` ends it. Each change runs under the conversation's
turn lease (never half-way through an assistant turn) and commits together with its audit entry,
recorded under the staff member's name. Nothing here knows about HTTP or HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from shopkeeper.errors import ActionError
from shopkeeper.flows.state import State
from shopkeeper.sessions import ConversationRow, Sessions, StoredTurn, TurnRow
from shopkeeper.staff import StaffUser, record

__all__ = ["WAITING", "Waiting", "close", "hand_back", "reply", "take_over", "waiting"]

WAITING = ("handoff", "staff")


@dataclass(frozen=True)
class Waiting:
    """One conversation in the inbox."""

    id: str
    status: str
    assignee: str | None
    customer_id: str | None
    summary: str
    since: str  # when it was handed off (ISO, UTC)
    channel: str

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _stamp(at: datetime | None) -> str:
    return at.replace(tzinfo=None).isoformat(timespec="seconds") if at else ""


def handed_off_at(turns: list[StoredTurn]) -> str:
    """When the latest handoff happened: the assistant turn that carried the handoff event."""
    for turn in reversed(turns):
        if any(e.get("type") == "handoff" for e in turn.events):
            return turn.at[:19]
    return ""


def waiting(sessions: Sessions) -> list[Waiting]:
    """Conversations waiting for or held by a person, the longest waiting first."""
    with sessions.db.session() as s:
        rows = s.scalars(select(ConversationRow).where(ConversationRow.status.in_(WAITING))).all()
        out = []
        for row in rows:
            turns = s.scalars(
                select(TurnRow).where(TurnRow.conversation_id == row.id).order_by(TurnRow.seq)
            ).all()
            stored = [StoredTurn(t.seq, t.role, t.text, list(t.events), _stamp(t.at)) for t in turns]
            out.append(
                Waiting(
                    row.id,
                    row.status,
                    row.assignee,
                    row.customer_id,
                    row.handoff_summary or "Taken over by staff (no handoff summary).",
                    handed_off_at(stored) or _stamp(row.updated_at),
                    row.channel,
                )
            )
    return sorted(out, key=lambda w: (w.since, w.id))


def take_over(sessions: Sessions, conversation_id: str, user: StaffUser) -> None:
    """Hold the conversation for `user`; refused when someone else already holds it."""
    with sessions.lease(conversation_id), sessions.db.transaction() as s:
        got = s.execute(  # type: ignore[attr-defined]
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id, ConversationRow.assignee.is_(None))
            .values(status="staff", assignee=user.name, updated_at=_now())
        ).rowcount
        if got:
            record(s, user.actor, "conversation.take_over", conversation_id=conversation_id)
            return
        row = s.get(ConversationRow, conversation_id)
        if row is None:
            raise ActionError("conversation_not_found", "That conversation doesn't exist.")
        if row.assignee == user.name:
            return  # already ours: taking over again changes nothing
        holder = row.assignee
    raise ActionError("conversation_taken", f"{holder} has already taken over this conversation.")


def _held(s: Any, conversation_id: str, user: StaffUser, *, strict: bool) -> ConversationRow:
    row: ConversationRow | None = s.get(ConversationRow, conversation_id)
    if row is None:
        raise ActionError("conversation_not_found", "That conversation doesn't exist.")
    mine = row.assignee == user.name
    if strict and not mine:
        raise ActionError("conversation_not_held", "Take the conversation over before you reply.")
    if row.assignee and not mine and not user.is_owner:
        raise ActionError("conversation_taken", f"{row.assignee} holds this conversation.")
    return row


def reply(sessions: Sessions, conversation_id: str, user: StaffUser, text: str) -> int:
    """Write to the customer as staff; returns the turn's sequence number."""
    text = text.strip()
    if not text:
        raise ActionError("empty_message", "Write something first.")
    with sessions.db.transaction() as s:
        _held(s, conversation_id, user, strict=True)
        record(s, user.actor, "conversation.reply", {"chars": len(text)}, conversation_id=conversation_id)
    return sessions.append(conversation_id, "staff", text, [{"type": "staff", "by": user.name}])


def _release(sessions: Sessions, conversation_id: str, user: StaffUser, status: str, action: str) -> None:
    with sessions.lease(conversation_id), sessions.db.transaction() as s:
        row = _held(s, conversation_id, user, strict=False)
        state = State.model_validate(row.state or {})
        state.handoff = False
        row.state = state.model_dump(mode="json")
        row.status, row.assignee, row.updated_at = status, None, _now()
        record(s, user.actor, action, conversation_id=conversation_id)


def hand_back(sessions: Sessions, conversation_id: str, user: StaffUser) -> None:
    """The assistant answers this conversation again (its handoff flag cleared)."""
    _release(sessions, conversation_id, user, "open", "conversation.hand_back")


def close(sessions: Sessions, conversation_id: str, user: StaffUser) -> None:
    """Done: out of the inbox; if the customer writes again the assistant answers."""
    _release(sessions, conversation_id, user, "closed", "conversation.close")
