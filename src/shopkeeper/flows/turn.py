"""One turn's working set: the store, the state, what the message says, and the reply being built.

Flows receive a `Turn`, read facts through it (the verified customer, their orders, products, each
product read once per turn) and add to the reply with `say()` / `ask()` / `propose()`. What the
message says comes from the understanding layer: `u` (with the requests it makes, `u.requests`), and
`about(text)` for a part of it or an earlier message, read by the one entry point the agent hands
over (`reread`). Flows never read raw text for requests. Nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

from shopkeeper.domain import Customer, Order, Product
from shopkeeper.events import CitationEvent, Event, ProposalEvent, QuestionEvent
from shopkeeper.flows.state import Proposal, State
from shopkeeper.store.backend import StoreBackend
from shopkeeper.store.db import Database
from shopkeeper.understanding import Understanding

__all__ = ["Turn"]


@dataclass
class Turn:
    db: Database
    conversation_id: str
    state: State
    text: str
    u: Understanding
    reread: Callable[[str, State], Understanding]  # the understanding layer, with the conversation's context
    store: StoreBackend  # every read of customers, orders and products goes through it
    products: dict[str, Product] = field(default_factory=dict)  # read once per turn
    parts: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    task_at_start: str | None = None  # the active request as the turn found it (JSON)

    def __post_init__(self) -> None:
        if self.task_at_start is None:
            self.task_at_start = self._task_now()

    def _task_now(self) -> str:
        return self.state.task.model_dump_json() if self.state.task else ""

    def about(self, text: str) -> Turn:
        """The same turn reading another message (an earlier one that described a queued request)."""
        other = replace(self, text=text, u=self.reread(text, self.state))
        other.parts, other.events = self.parts, self.events
        return other

    # ---- facts -------------------------------------------------------------------------

    @cached_property
    def customer(self) -> Customer | None:
        if not self.state.customer_id:
            return None
        return self.store.get_customer(self.state.customer_id)

    @cached_property
    def orders(self) -> list[Order]:
        if not self.state.customer_id:
            return []
        return self.store.list_orders(self.state.customer_id)

    def order(self, order_id: str | None) -> Order | None:
        """The verified customer's order with this id (None for anyone else's: never reveal it exists)."""
        return next((o for o in self.orders if o.id == order_id), None)

    @cached_property
    def catalog(self) -> list[Product]:
        return self.store.list_products()

    def product(self, product_id: str) -> Product:
        if product_id not in self.products:
            self.products[product_id] = self.store.get_product(product_id)
        return self.products[product_id]

    def next_task(self) -> None:
        """The active request is finished or dropped: the next queued one becomes active."""
        self.state.task = self.state.queue.pop(0) if self.state.queue else None

    def refresh(self) -> None:
        """Forget cached facts after a write."""
        self.__dict__.pop("customer", None)
        self.__dict__.pop("orders", None)
        self.products.clear()

    # ---- the reply ---------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Add `text` to the reply, once: a sentence already said in this reply is not said again
        (two readings of one message may both notice the same thing)."""
        if text and text.strip() not in (p.strip() for p in self.parts):
            self.parts.append(text)

    def ask(self, text: str, slot: str, options: list[str] | None = None) -> None:
        """Ask for `slot`; a question just asked in the same words is asked differently instead:
        what did not match, then the options numbered to pick from, or how to write the answer."""
        # the same question again, though this message filled something else ("the lamp should be
        # red", asked about the mug) or asked a question of its own, is no failure to match
        progressed = self._task_now() != self.task_at_start
        again = text == self.state.last_question
        repeated = again and not progressed and not self.u.questions
        self.state.repeats = self.state.repeats + 1 if repeated else 0
        if repeated:  # after a sentence that said what did not match, no second "sorry"
            self.parts.append(
                _narrowed(text, slot, list(options or []), self.state.repeats, sorry=not self.parts)
            )
        elif again:
            self.parts.append(f"{'Got it.' if progressed else 'Back to your request:'} {text}")
        else:
            self.parts.append(text)
        self.state.last_question = text
        self.state.asked = slot
        self.state.options = list(options or [])
        self.events.append(QuestionEvent(slot=slot, options=list(options or [])))

    def asked_now(self, slot: str) -> bool:
        """Whether this turn has asked for `slot` already (a second question for it would repeat it)."""
        return any(isinstance(e, QuestionEvent) and e.slot == slot for e in self.events)

    def propose(self, proposal: Proposal) -> None:
        self.state.proposal = proposal
        self.parts.append(proposal.summary + " Shall I go ahead? (yes/no)")
        self.state.asked = "confirm"
        self.state.options = []
        self.events.append(
            ProposalEvent(action=proposal.action, arguments=proposal.arguments, summary=proposal.summary)
        )

    def cite(self, document: str, section: str, anchor: str = "") -> None:
        self.events.append(CitationEvent(document=document, section=section, anchor=anchor))

    @property
    def reply(self) -> str:
        return " ".join(p.strip() for p in self.parts if p.strip())


_HOW = {
    "identity": "Please write the email on your account (like name@example.com), or your first name, last "
    "name and zip code (like Jane Doe, 12345).",
    "order_id": "The order number starts with #W and has 7 digits, like #W1234567.",
    "address": "Please write it in one line, like: 12 Main Street, Apt 3, Springfield, IL 62704, USA.",
    "reason": "Just say 'no longer needed' or 'ordered by mistake'.",
}


def _narrowed(text: str, slot: str, options: list[str], repeats: int, *, sorry: bool = True) -> str:
    """The question `text`, asked for the `repeats`-th time in a row, in other words (never the same
    words as the time before); the first time without its apology when `sorry` is false (the reply
    already said what did not match)."""
    which = 0 if repeats == 1 else 1 + repeats % 2
    if options:
        numbered = "; ".join(f"{k}) {o}" for k, o in enumerate(options, 1))
        return [
            ("Sorry, I couldn't match that to one of the choices. " if sorry else "")
            + f"Reply with the number you want: {numbered}. (Or say 'never mind' to drop it.)",
            f"I still can't tell which one you mean. Just the number is enough: {numbered}. "
            "If you'd rather talk to a person, say so.",
            f"None of the choices matches that, sorry. Pick one by its number ({numbered}), say 'never mind', "
            "or ask for a person.",
        ][which]
    how = _HOW.get(slot, "Could you say it in other words?")
    return [
        ("Sorry, I still couldn't read that. " if sorry else "") + f"{how} (Or say 'never mind' to drop it.)",
        f"I'm still not getting it, sorry. {how} If you'd rather talk to a person, just say so.",
        f"That still doesn't work for me, sorry. {how} Or say 'never mind', or ask for a person.",
    ][which]
