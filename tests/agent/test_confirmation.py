"""Only a clear yes writes: negative, hedged and second-thought replies to a proposal change nothing
(store and audit untouched, no action event), an unclear reply gets one short clarifying question
that is never repeated word for word, and then a plain "yes" writes exactly once."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from shopkeeper import audit
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, events_of

# None of these may drop the request either: each leaves the proposal pending.
KEPT_PENDING = [
    "hmm",
    "absolutely not",
    "wait",
    "of course not",
    "not yet",
    "will I be charged?",
    "yes if it's free",
    "yes but not yet",
    "definitely not",
    "yeah no",
    "ok wait no",
    "hmm, let me think",
    "sure... actually no",
    "maybe?",
]


def _status(store: Database, order_id: str) -> str:
    with store.session() as s:
        return repository.get_order(s, order_id).status


def _propose_cancel(c: Chat, email: str, order_id: str) -> None:
    c.say(email)
    reply = c.say(f"Please cancel order {order_id}, I don't need it anymore.")
    assert events_of(reply, "proposal"), c.transcript


def test_negative_and_unclear_replies_write_nothing_then_yes_writes_once(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending")
    c = chat()
    _propose_cancel(c, customer.email, order.id)
    questions: list[str] = []
    replies = {}
    for text in KEPT_PENDING:
        reply = replies[text] = c.say(text)
        assert not events_of(reply, "action"), (text, c.transcript)
        assert _status(store, order.id) == "pending", (text, c.transcript)
        if events_of(reply, "question") and events_of(reply, "question")[0].slot == "confirm":  # type: ignore[attr-defined]
            questions.append(reply.text)
    assert not audit.entries(store, conversation_id=c.id)
    # unclear replies got a short clarifying question, never the same words twice in a row
    first = replies["hmm"].text
    assert "yes or no" in first.lower() and len(first) < 160, first
    assert len(questions) >= 5, c.transcript
    assert all(a != b for a, b in itertools.pairwise(questions)), questions
    # a question about the proposal gets the summary again (it states what will be refunded)
    asked = replies["will I be charged?"].text
    assert "refunded" in asked and order.id in asked, asked

    done = c.say("yes")
    actions = events_of(done, "action")
    assert len(actions) == 1 and actions[0].ok, c.transcript  # type: ignore[attr-defined]
    assert _status(store, order.id) == "cancelled"
    again = c.say("yes")
    assert not events_of(again, "action")
    assert len(audit.entries(store, conversation_id=c.id)) == 1


def test_second_thoughts_drop_the_request(store: Database, chat: Callable[[], Chat], customer_with) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending")
    c = chat()
    _propose_cancel(c, customer.email, order.id)
    reply = c.say("yes... actually no, don't")
    assert "won't" in reply.text and not events_of(reply, "action"), c.transcript
    later = c.say("yes")
    assert not events_of(later, "action") and not events_of(later, "proposal"), c.transcript
    assert _status(store, order.id) == "pending"
