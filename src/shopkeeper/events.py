"""What one agent turn emits, in order: text, questions, refusals, proposals, action results, handoff, done.

These are the agent's whole output contract: the terminal chat prints them, the HTTP API streams
them as server-sent events, the web chat renders them (proposals as confirm/cancel buttons,
citations as links), and the evaluation harness reads them. Plain data; no behaviour.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SLOTS",
    "ActionEvent",
    "CitationEvent",
    "DoneEvent",
    "Event",
    "HandoffEvent",
    "ProposalEvent",
    "QuestionEvent",
    "RefusalEvent",
    "TextEvent",
]

# What a question can ask for. A client may render a form field per slot; the simulated customer of
# the evaluation harness uses it to know what it was asked.
SLOTS = (
    "identity",  # email, or first name + last name + zip code
    "order_id",
    "items",  # which items of the order
    "new_items",  # which variant each item should become
    "payment_method",
    "reason",  # cancellation reason
    "address",
    "confirm",  # yes/no on the proposal just shown
    "choice",  # pick one of `options`
    "anything_else",
)


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class TextEvent(_Event):
    """A piece of the reply text (deltas concatenate to the reply)."""

    type: Literal["text"] = "text"
    text: str


class QuestionEvent(_Event):
    """The reply asks the customer for one thing."""

    type: Literal["question"] = "question"
    slot: str
    options: list[str] = Field(default_factory=list)


class ProposalEvent(_Event):
    """A write the agent will perform after an explicit yes; `summary` says exactly what happens."""

    type: Literal["proposal"] = "proposal"
    action: str
    arguments: dict[str, Any]
    summary: str


class RefusalEvent(_Event):
    """A request the store's policy or the order's status does not allow: explained in the reply,
    dropped, never proposed. `action` is the write it would have been; `code` the policy's reason code."""

    type: Literal["refusal"] = "refusal"
    action: str
    order_id: str | None = None
    code: str
    reason: str


class ActionEvent(_Event):
    """The outcome of a confirmed write."""

    type: Literal["action"] = "action"
    action: str
    ok: bool
    arguments: dict[str, Any]
    message: str
    code: str = "ok"


class CitationEvent(_Event):
    """A knowledge-base passage the reply relies on."""

    type: Literal["citation"] = "citation"
    document: str
    section: str
    anchor: str = ""


class HandoffEvent(_Event):
    """The conversation goes to a human; `summary` is what they need to pick it up."""

    type: Literal["handoff"] = "handoff"
    summary: str


class DoneEvent(_Event):
    """Last event of a turn: the full reply and how long the turn took."""

    type: Literal["done"] = "done"
    reply: str
    seconds: float
    handoff: bool = False


Event = Annotated[
    TextEvent
    | QuestionEvent
    | RefusalEvent
    | ProposalEvent
    | ActionEvent
    | CitationEvent
    | HandoffEvent
    | DoneEvent,
    Field(discriminator="type"),
]
