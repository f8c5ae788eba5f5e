"""One turn of the conversation: understand -> decide -> act -> respond, streamed as events.

`Agent.respond(conversation_id, text)` loads the conversation's state, reads the message through the
understanding layer (which only proposes), lets the flows decide (identity first, one request at a
time, explicit yes before any write), performs confirmed writes through `actions`, and builds the
reply from facts the system holds. State and turns are persisted before the last event is yielded,
so a restarted process continues the conversation. This module knows nothing about HTTP or terminals.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from pydantic import BaseModel, TypeAdapter

from shopkeeper.domain import Product
from shopkeeper.errors import ActionError, BackendUnavailable
from shopkeeper.events import DoneEvent, Event, HandoffEvent, TextEvent
from shopkeeper.flows import identity, info, questions, requests
from shopkeeper.flows.slots import line_candidates, variant_candidates
from shopkeeper.flows.small_talk import model_phrase
from shopkeeper.flows.state import State
from shopkeeper.flows.turn import Turn
from shopkeeper.knowledge import KnowledgeBase
from shopkeeper.sessions import Sessions
from shopkeeper.store.backend import StoreBackend
from shopkeeper.store.db import Database
from shopkeeper.store.sql import SqlStore
from shopkeeper.understanding import Intent, OrderCandidate, Understanding, UnderstandingContext, understand
from shopkeeper.understanding.choices import pick_option
from shopkeeper.understanding.intents import HANDOFF_INTENTS, POLICY_INTENTS, REQUEST_KINDS
from shopkeeper.understanding.models import Pending
from shopkeeper.understanding.proposal_reply import only_withdraws
from shopkeeper.understanding.requests import read_requests

__all__ = ["MAX_MESSAGE_CHARS", "Agent", "Reply"]

_log = logging.getLogger(__name__)
_SORRY = (
    "Sorry, something went wrong on my side while handling that. Nothing was changed. "
    "Could you say it again, or ask for a person if you'd prefer?"
)

MAX_MESSAGE_CHARS = 4000
SMALL_TALK = {
    Intent.GREETING: "greeting",
    Intent.THANKS: "thanks",
    Intent.GOODBYE: "goodbye",
    Intent.OUT_OF_SCOPE: "out_of_scope",
    Intent.PLACE_ORDER: "place_order",
}


class Reply(BaseModel):
    text: str
    events: list[Event]
    handoff: bool


class Agent:
    """The support agent over one store. `db` is Shopkeeper's own database (conversations, audit log);
    `store` holds customers, orders and products (default: the built-in store in `db`). `llm` phrases
    small talk; `kb` answers policy questions."""

    def __init__(
        self,
        db: Database,
        *,
        llm: Any | None = None,
        kb: KnowledgeBase | None = None,
        store: StoreBackend | None = None,
    ) -> None:
        self.db = db
        self.store: StoreBackend = store if store is not None else SqlStore(db)
        self.llm = llm
        self.kb = kb
        self.sessions = Sessions(db)
        self._product_names: tuple[str, ...] | None = None
        reads = _llm_reads_intents(llm)
        self._fallback = self._choose if reads else None
        self._model_reading = self._read_json if reads else None

    def start(self, channel: str = "api") -> str:
        return self.sessions.create(channel)

    def reply(self, conversation_id: str, text: str, request_id: str | None = None) -> Reply:
        events = list(self.respond(conversation_id, text, request_id))
        done = next(e for e in reversed(events) if isinstance(e, DoneEvent))
        return Reply(text=done.reply, events=events, handoff=done.handoff)

    def respond(self, conversation_id: str, text: str, request_id: str | None = None) -> Iterator[Event]:
        """Serve one customer message; yields the turn's events, the last one a `DoneEvent`."""
        started = time.perf_counter()
        text = _check_message(text)
        with self.sessions.lease(conversation_id):
            if request_id and (stored := self.sessions.find_reply(conversation_id, request_id)) is not None:
                # a retried message (possibly one that waited for its first attempt): the stored reply
                yield from TypeAdapter(list[Event]).validate_python(stored.events)
                return
            row = self.sessions.load(conversation_id)
            state = State.model_validate(row.state or {})
            self.sessions.append(conversation_id, "customer", text, request_id=request_id)
            if row.status == "staff":
                events: list[Event] = [
                    DoneEvent(reply="", seconds=time.perf_counter() - started, handoff=True)
                ]
                self.sessions.append(conversation_id, "assistant", "", [e.model_dump() for e in events])
                yield from events
                return
            # "2" after numbered options reads as the second option
            said = pick_option(text, state.options) if state.asked and state.options else None
            products: dict[str, Product] = {}  # read once per turn, by the reader and the flows
            reading = self._understand(said or text, state, whole=True, products=products)
            reread = partial(self._understand, products=products)  # a part of it, or an earlier message
            turn = Turn(self.db, conversation_id, state, said or text, reading, reread, self.store, products)
            before = state.model_copy(deep=True)
            try:
                summary = self._run(turn)
            except BackendUnavailable as exc:  # the store did not answer: say so, change nothing
                _log.warning("store unavailable in conversation %s: %s", conversation_id, exc.reason)
                state, summary = before, None
                turn.parts, turn.events = [exc.message], []
            except Exception:  # a bug must cost the customer one apology, never the conversation
                _log.exception("turn failed in conversation %s", conversation_id)
                state, summary = before, None
                turn.parts, turn.events = [_SORRY], []
            reply = turn.reply
            events = [TextEvent(text=reply), *turn.events]
            if summary:
                events.append(HandoffEvent(summary=summary))
            events.append(
                DoneEvent(reply=reply, seconds=time.perf_counter() - started, handoff=state.handoff)
            )
            self.sessions.append(conversation_id, "assistant", reply, [e.model_dump() for e in events])
            self.sessions.save(
                conversation_id,
                state=state.model_dump(mode="json"),
                customer_id=state.customer_id,
                status="handoff" if state.handoff else row.status,
                handoff_summary=summary or row.handoff_summary,
            )
        yield from events

    # ---- one turn ----------------------------------------------------------------------

    def _run(self, turn: Turn) -> str | None:
        state = turn.state
        if state.handoff:
            turn.say("A member of our support team will reply here shortly.")
            return None
        verified_before = identity.verified(turn)
        identity.collect_identity(turn)
        verified_now = not verified_before and identity.verified(turn)
        if _leaves(turn):  # "that's all, thanks" instead of answering our question: drop it, say so
            state.task, state.queue, state.asked, state.options = None, [], None, []
            turn.say("Okay, I'll leave it there; nothing was changed. Thanks for contacting us!")
            return None
        if _withdraws(turn):  # "never mind" instead of answering our question: drop this request
            state.asked, state.options = None, []
            turn.next_task()
            turn.say("Okay, I've dropped that; nothing was changed.")
            if state.task is None:
                turn.say("Is there anything else I can help you with?")
            else:
                requests.advance(turn)
            return None
        # The requests are read once identity is settled: a customer verified by this message has orders.
        context = self._context(state, turn.products)
        turn.u = turn.u.model_copy(
            update={"requests": read_requests(turn.u, context, fallback=self._fallback)}
        )
        reading, asked = questions.split(turn, [(r.intent, r.part) for r in turn.u.requests])
        intents = [i for i, _ in reading]
        if state.handoff:
            return info.summary_for_human(turn, "identity could not be verified")
        if any(i in HANDOFF_INTENTS for i in intents):
            return info.hand_off(turn, "the customer asked for a person")
        asked_for = [(REQUEST_KINDS[i], part) for i, part in reading if i in REQUEST_KINDS]
        if state.proposal is not None and requests.answer_proposal(turn, [k for k, _ in asked_for]):
            questions.answer(turn, asked, [], self.kb, POLICY_INTENTS)  # "no - and how long do refunds take?"
            return None
        requests.add_tasks(turn, asked_for)
        own = questions.answer(turn, asked, intents, self.kb, POLICY_INTENTS)
        if Intent.RECOMMENDATION in intents and not own:
            info.recommend(turn)
        if Intent.COMPLAINT in intents:
            turn.say(
                "I'm sorry about that. Tell me what went wrong and I'll do what I can; "
                "if you'd rather talk to a person, just say so."
            )
        asked_before, options_before = state.asked, list(state.options)
        requests.advance(turn)
        if state.handoff:
            return info.summary_for_human(turn, "identity could not be verified")
        if not turn.parts:
            top = turn.u.intent
            if top in SMALL_TALK:
                info.small_talk(turn, SMALL_TALK[top], model_phrase(self.llm) if self.llm else None)
            elif asked_before and asked_before != "confirm":
                question = "Sorry, I didn't catch that. " + _repeat_question(asked_before)
                turn.ask(question, asked_before, options_before)
            else:
                turn.say(
                    "How can I help you today? I can check an order, cancel or change it, start a return "
                    "or exchange, or answer questions about our products and policies."
                )
        elif (
            state.task is None
            and state.proposal is None
            and not any(e.type == "question" for e in turn.events)
            and verified_now
            and len(turn.parts) == 1
        ):  # only the details were given: say what comes next rather than fall silent
            turn.say("What can I help you with today?")
        elif (
            state.task is None
            and state.proposal is None
            and not any(e.type == "question" for e in turn.events)
            and state.done
            and turn.events
            and turn.events[-1].type == "action"
        ):
            turn.say("Is there anything else I can help you with?")
        if not any(e.type == "question" for e in turn.events):
            state.last_question, state.repeats = "", 0  # a question asked later is not a repeat
        if state.task is None and state.proposal is None:
            state.asked = None if not any(e.type == "question" for e in turn.events) else state.asked
        return None

    def _understand(
        self, text: str, state: State, whole: bool = False, products: dict[str, Product] | None = None
    ) -> Understanding:
        """The reading of a message (or, `whole=False`, of a part of it, re-read by the flows).

        A capable model reads the whole message once per turn; parts are read by the rules alone.
        """
        model = self._model_reading if whole else None
        context = self._context(state, {} if products is None else products)
        return understand(text, context, fallback=self._fallback, model=model)

    def _read_json(self, instructions: str, text: str, schema: dict[str, Any]) -> dict[str, Any]:
        """The language model's typed reading of a message, constrained by `schema` (may raise)."""
        from shopkeeper.llm.calls import complete_json, messages

        return complete_json(self.llm, messages(instructions, text), schema, max_tokens=256)  # type: ignore[arg-type]

    def _choose(self, text: str, choices: Sequence[str]) -> str:
        """The language model picks an intent for a message the classifier is unsure about."""
        from shopkeeper.errors import ModelError
        from shopkeeper.llm.calls import choose, messages

        chat = messages(
            "Classify the customer's message to an online store's support. Answer with one label.", text
        )
        try:
            return choose(self.llm, chat, choices)  # type: ignore[arg-type]
        except ModelError:
            return ""  # not a choice: the understanding layer ignores it

    def _context(self, state: State, products: dict[str, Product]) -> UnderstandingContext:
        """What the conversation knows, for the understanding layer: the verified customer's orders
        with their items and their products' variants (products read through `products`, the turn's
        cache), the request being served and the question asked about it."""
        task = state.task
        known = UnderstandingContext(
            customer_id=state.customer_id,
            pending=Pending(
                asked=state.asked,
                kind=task.kind if task else None,
                order_id=task.order_id if task else None,
                proposal=state.proposal is not None,
            ),
        )
        if self._product_names is None:
            try:
                self._product_names = tuple(self.store.list_product_types())
            except BackendUnavailable:
                return known
        proposal = state.proposal.summary if state.proposal else ""
        known = known.model_copy(update={"product_names": self._product_names, "proposal": proposal})
        if not state.customer_id:
            return known
        try:
            orders = self.store.list_orders(state.customer_id)
            for product_id in {line.product_id for o in orders for line in o.lines} - set(products):
                products[product_id] = self.store.get_product(product_id)
        except BackendUnavailable:  # read without the orders; the turn itself says the store is down
            return known
        current = next((o for o in orders if task and o.id == task.order_id), None)
        return known.model_copy(
            update={
                "orders": tuple(
                    OrderCandidate(
                        order_id=o.id,
                        status=o.status,
                        placed_at=o.placed_at,
                        items=line_candidates(o),
                        variants=tuple(
                            v
                            for product_id in dict.fromkeys(line.product_id for line in o.lines)
                            for v in variant_candidates(products[product_id])
                        ),
                    )
                    for o in orders
                ),
                "items": line_candidates(current) if current else (),
                "pending_question": _pending_question(state),
            }
        )


def _llm_reads_intents(llm: Any | None) -> bool:
    """Whether the model is asked about messages the classifier is unsure of.

    Off for the embedded 135M model (measured: it picks the right intent about 2 times in 5, worse
    than the classifier it would overrule), on for other backends; SHOPKEEPER_LLM_UNDERSTANDING=on|off
    overrides.
    """
    if llm is None:
        return False
    setting = os.environ.get("SHOPKEEPER_LLM_UNDERSTANDING", "").strip().lower()
    if setting in ("on", "off"):
        return setting == "on"
    return getattr(llm, "name", "") != "transformers"


def _waiting_for_detail(state: State) -> bool:
    """We asked for a detail of a request (not a yes/no on a proposal, whose own reading handles
    "no thanks, that's all" and "never mind")."""
    return (
        state.task is not None
        and state.proposal is None
        and state.asked not in (None, "confirm", "anything_else")
    )


def _leaves(turn: Turn) -> bool:
    """The customer says goodbye while we wait for a detail of a request."""
    top = turn.u.intents[0] if turn.u.intents else None
    return (
        _waiting_for_detail(turn.state)
        and top is not None
        and top.intent == Intent.GOODBYE
        and top.source == "rule"
    )


def _withdraws(turn: Turn) -> bool:
    """The customer drops the request instead of giving the detail we asked for."""
    return _waiting_for_detail(turn.state) and only_withdraws(turn.text)


def _pending_question(state: State) -> str:
    if state.proposal is not None:
        return f"{state.proposal.summary} Shall I go ahead? (yes/no)"
    return _repeat_question(state.asked) if state.asked else ""


def _repeat_question(slot: str) -> str:
    return {
        "identity": "Could you give me the email on your account, or your first name, last name and zip code?",
        "order_id": "Which order is it about? The order number looks like #W1234567.",
        "items": "Which items do you mean?",
        "new_items": "Which option would you like instead?",
        "payment_method": "Which payment method should I use?",
        "reason": "Is the reason 'no longer needed' or 'ordered by mistake'?",
        "address": "What's the full address?",
    }.get(slot, "Could you rephrase that?")


def _check_message(text: Any) -> str:
    if not isinstance(text, str):
        raise ActionError("invalid_message", "The message must be text.")
    text = text.replace("\x00", "").strip()
    if not text:
        raise ActionError("empty_message", "The message is empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise ActionError(
            "message_too_long", f"The message is too long (over {MAX_MESSAGE_CHARS} characters)."
        )
    return str(text)
