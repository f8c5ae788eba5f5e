"""One conversation between an agent and a customer (simulated or scripted), turn by turn.

The agent is anything with Shopkeeper's `Agent` surface (`start`, `respond` streaming events); the
customer is anything with `opening()` and either `answer(events)` (it reads the turn's events) or
`hear(text)` (it reads only the reply text, `Reply.text`); None ends the conversation. The loop
records each turn's text, events and wall-clock seconds, and stops when the customer is done, the
agent hands off, the turn limit is reached, or the agent raises. It knows nothing about stores or
scoring.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from shopkeeper.events import ActionEvent, DoneEvent, Event, HandoffEvent, TextEvent

__all__ = ["AgentLike", "Conversation", "CustomerLike", "Exchange", "TextCustomerLike", "converse"]

TURN_LIMIT = 30
Ending = Literal["customer", "handoff", "turn_limit", "agent_error"]


class AgentLike(Protocol):
    def start(self, channel: str = "api") -> str: ...

    def respond(self, conversation_id: str, text: str, request_id: str | None = None) -> Iterator[Event]: ...


class CustomerLike(Protocol):
    def opening(self) -> str: ...

    def answer(self, events: Sequence[Event]) -> str | None: ...


@runtime_checkable
class TextCustomerLike(Protocol):
    """A customer that reads only the reply text, as a person does."""

    def opening(self) -> str: ...

    def hear(self, text: str) -> str | None: ...


@dataclass
class Exchange:
    """One turn: what the customer said, what the agent replied, its events and how long it took."""

    customer: str
    reply: str
    events: list[Event]
    seconds: float


@dataclass
class Conversation:
    exchanges: list[Exchange] = field(default_factory=list)
    ended_by: Ending = "customer"
    error: str | None = None

    @property
    def turns(self) -> int:
        return len(self.exchanges)

    @property
    def actions(self) -> list[ActionEvent]:
        return [e for x in self.exchanges for e in x.events if isinstance(e, ActionEvent)]

    @property
    def writes(self) -> list[ActionEvent]:
        """Actions the store accepted."""
        return [a for a in self.actions if a.ok]

    @property
    def handoff(self) -> bool:
        return any(isinstance(e, HandoffEvent) for x in self.exchanges for e in x.events)

    def transcript(self, events: bool = True) -> str:
        lines: list[str] = []
        for x in self.exchanges:
            lines.append(f"customer: {x.customer}")
            lines.append(f"agent:    {x.reply}")
            if events:
                lines += [
                    f"          [{_brief(e)}]" for e in x.events if not isinstance(e, TextEvent | DoneEvent)
                ]
        if self.error:
            lines.append(f"(agent error: {self.error.strip().splitlines()[-1]})")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ended_by": self.ended_by,
            "error": self.error,
            "exchanges": [
                {
                    "customer": x.customer,
                    "reply": x.reply,
                    "seconds": round(x.seconds, 4),
                    "events": [e.model_dump() for e in x.events],
                }
                for x in self.exchanges
            ],
        }


def _brief(e: Event) -> str:
    data = e.model_dump(exclude={"type", "summary", "message"} if e.type == "proposal" else {"type"})
    return f"{e.type} " + ", ".join(f"{k}={v!r}" for k, v in data.items() if v not in ("", [], None))


def converse(
    agent: AgentLike, customer: CustomerLike | TextCustomerLike, turn_limit: int = TURN_LIMIT
) -> Conversation:
    conversation = Conversation()
    cid = agent.start(channel="eval")
    text: str | None = customer.opening()
    while text is not None:
        if conversation.turns >= turn_limit:
            conversation.ended_by = "turn_limit"
            break
        started = time.perf_counter()
        events: list[Event] = []
        try:
            for event in agent.respond(cid, text, request_id=f"eval-{conversation.turns}"):
                events.append(event)
        except Exception:
            conversation.ended_by, conversation.error = "agent_error", traceback.format_exc(limit=6)
            conversation.exchanges.append(Exchange(text, "", events, time.perf_counter() - started))
            break
        seconds = time.perf_counter() - started
        conversation.exchanges.append(Exchange(text, _reply(events), events, seconds))
        if any(isinstance(e, HandoffEvent) for e in events):
            conversation.ended_by = "handoff"
            break
        if isinstance(customer, TextCustomerLike):
            text = customer.hear(conversation.exchanges[-1].reply)
        else:
            text = customer.answer(events)
    return conversation


def _reply(events: list[Event]) -> str:
    done = next((e for e in reversed(events) if isinstance(e, DoneEvent)), None)
    if done is not None:
        return done.reply
    return "".join(e.text for e in events if isinstance(e, TextEvent))
