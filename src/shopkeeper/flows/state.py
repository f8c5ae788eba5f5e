"""Conversation state the flows own: who is verified, the request being served, what awaits a yes.

Serialised as JSON into the conversation row after every turn (see `sessions`), so any process can
serve the next turn. Plain data with no behaviour; flows read and change it.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, Field

from shopkeeper.understanding.intents import RequestKind

__all__ = ["WRITE_KINDS", "Proposal", "State", "Task", "TaskKind"]

TaskKind = RequestKind  # the kinds of request the understanding layer reads (`REQUEST_KINDS`)
WRITE_KINDS: tuple[TaskKind, ...] = tuple(k for k in get_args(RequestKind) if k != "order_status")


class Task(BaseModel):
    """One request of the customer, with the slots gathered so far."""

    kind: TaskKind
    order_id: str | None = None
    item_ids: list[str] = Field(default_factory=list)
    new_item_ids: list[str | None] = Field(default_factory=list)  # aligned with item_ids
    payment_method_id: str | None = None
    reason: str | None = None
    address: dict[str, str] | None = None
    hint: str = ""  # the message that asked for it, read again for details when the request starts
    # the order an earlier request of the same message named, when this one names none ("return the
    # lamp from #W1 and exchange the mug too")
    named_before: str | None = None
    # one of several orders taken by one request ("cancel all my pending orders"): the reason, address
    # or payment method given for the first serves this one too (each is still proposed on its own)
    together: bool = False


class Proposal(BaseModel):
    """A write spelled out to the customer, waiting for an explicit yes."""

    action: str
    arguments: dict[str, Any]
    summary: str
    key: str  # idempotency key: the same proposal is never executed twice
    unclear_replies: int = 0  # replies neither yes nor no so far: each gets a differently worded question
    shown_again: bool = False  # asked for again as proposed: shown once more in full (only once)


class State(BaseModel):
    customer_id: str | None = None
    identity: dict[str, str] = Field(default_factory=dict)  # partial: email, first_name, last_name, zip
    identity_failures: int = 0
    task: Task | None = None
    queue: list[Task] = Field(default_factory=list)
    proposal: Proposal | None = None
    asked: str | None = None
    options: list[str] = Field(default_factory=list)
    last_question: str = ""  # the question asked last, in the words the flow chose
    repeats: int = 0  # how many times in a row it was asked again (each time in other words)
    last_order_id: str | None = None
    done: list[str] = Field(default_factory=list)  # what was done, for a handoff summary
    requests: list[str] = Field(default_factory=list)  # what was asked, for a handoff summary
    proposals_made: int = 0
    handoff: bool = False
    questions: list[str] = Field(default_factory=list)  # about own orders, asked before verification
