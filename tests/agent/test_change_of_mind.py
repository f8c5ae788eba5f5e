"""Customers change their minds: a request taken back in the same message is dropped, a request
asked for again while we wait on another one is served now, and a goodbye while we wait for a detail
leaves everything as it is."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shopkeeper.domain import Customer
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, events_of


@pytest.mark.parametrize(
    "retraction",
    ["Wait, no, sorry.", "Actually no.", "Scratch that.", "On second thought,", "Sorry, I mean"],
)
def test_a_request_taken_back_in_the_same_message_is_dropped(
    chat: Callable[[], Chat], customer_with, retraction: str
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending")
    c = chat()
    c.say(
        f"Hi, one of my orders needs to go to a different address. {retraction} "
        f"I'd like to cancel order {order.id}. I ordered it by accident."
    )
    reply = c.say(customer.email)
    proposals = events_of(reply, "proposal")
    assert proposals and proposals[0].action == "cancel_order", c.transcript  # type: ignore[attr-defined]
    assert "address" not in reply.text.lower(), c.transcript


def test_a_queued_request_asked_for_again_is_served_now(chat: Callable[[], Chat], customer_with) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending")
    c = chat()
    c.say(customer.email)
    c.say(f"I need to change the shipping address of order {order.id}, and then cancel order {order.id}")
    assert events_of(c.replies[-1], "question")[0].slot == "address", c.transcript  # type: ignore[attr-defined]
    reply = c.say(f"I'd like to cancel order {order.id}. It was a mistake, I ordered it by accident.")
    proposals = events_of(reply, "proposal")
    assert proposals and proposals[0].action == "cancel_order", c.transcript  # type: ignore[attr-defined]


@pytest.mark.parametrize("goodbye", ["That's all, thanks.", "ok bye", "no thanks, that's all"])
def test_a_goodbye_while_we_wait_for_a_detail_leaves_it(
    chat: Callable[[], Chat], customer_with, goodbye: str
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending")
    c = chat()
    c.say(customer.email)
    c.say(f"I need to change the shipping address of order {order.id}")
    reply = c.say(goodbye)
    assert not events_of(reply, "question") and not events_of(reply, "proposal"), c.transcript
    assert "nothing was changed" in reply.text.lower(), c.transcript


def _has_pending(store: Database, customer: Customer) -> bool:
    with store.session() as s:
        return any(o.status == "pending" for o in repository.list_orders(s, customer.id))


@pytest.mark.parametrize(
    ("first", "then", "withdrawal"),
    [
        ("i want to cancel an order", None, "never mind"),
        ("i want to cancel an order", "{email}", "nah leave it"),
        ("cancel my order", "{email}", "forget it"),
        ("i need to return something", "{email}", "dont bother, thanks"),
        ("i need to return something", "{email}", "actually forget the return"),
        ("i'd like to exchange an item", "{email}", "scrap the exchange pls"),
    ],
)
def test_never_mind_instead_of_a_detail_drops_the_request(
    store: Database, chat: Callable[[], Chat], customer_with, first: str, then: str | None, withdrawal: str
) -> None:  # type: ignore[no-untyped-def]
    """Our own "(Or say 'never mind' to drop it.)" was once answered with "Sorry, I still couldn't
    read that": a withdrawal while we wait for a detail drops the request and says so (the customer
    has orders both requests can be made for, so we do wait for which one)."""
    customer, _ = customer_with("delivered", lambda c, o: _has_pending(store, c))
    c = chat()
    c.say(first)
    if then:
        c.say(then.format(email=customer.email))
    reply = c.say(withdrawal)
    assert "I've dropped that; nothing was changed" in reply.text, c.transcript
    assert not events_of(reply, "question") and not events_of(reply, "action"), c.transcript
    after = c.say("where is my order?" if then else "hi")
    assert "dropped" not in after.text, c.transcript
