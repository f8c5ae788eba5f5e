"""Which order a request is about, when the customer corrects themselves or names items that are on
another order than the one they gave."""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.domain import Customer, Order
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, events_of


def _delivered(store: Database, customer: Customer) -> list[Order]:
    with store.session() as s:
        return [o for o in repository.list_orders(s, customer.id) if o.status == "delivered"]


def test_an_order_taken_back_in_the_same_message_is_not_used(
    store: Database, chat: Callable[[], Chat], customer_with: Callable[..., tuple[Customer, Order]]
) -> None:
    customer, first = customer_with("delivered", lambda c, o: len(_delivered(store, c)) >= 2)
    second = next(o for o in _delivered(store, customer) if o.id != first.id)
    c = chat()
    c.say(customer.email)
    c.say("i want to return some stuff")
    reply = c.say(f"order {first.id.lower()} oops no {second.id.lower()}")
    assert f"from order {second.id}" in reply.text, c.transcript


def test_items_named_for_the_wrong_order_go_to_the_order_holding_most_of_them(
    store: Database, chat: Callable[[], Chat], customer_with: Callable[..., tuple[Customer, Order]]
) -> None:
    """Two items of one delivered order and one of a third: the order holding two is meant."""

    def layout(c: Customer) -> tuple[Order, Order, Order] | None:
        orders = _delivered(store, c)
        for a in orders:
            for b in orders:
                for d in orders:
                    if len({a.id, b.id, d.id}) < 3:
                        continue
                    names_b = {line.name for line in b.lines}
                    own_d = {line.name for line in d.lines} - names_b - {line.name for line in a.lines}
                    if (
                        len(names_b - {line.name for line in a.lines} - {x.name for x in d.lines}) >= 2
                        and own_d
                    ):
                        return a, b, d
        return None

    customer, _ = customer_with("delivered", lambda c, o: layout(c) is not None)
    found = layout(customer)
    assert found is not None
    given, meant, third = found
    others = {line.name for line in given.lines} | {line.name for line in third.lines}
    two = sorted({line.name for line in meant.lines} - others)[:2]
    one = sorted(
        {line.name for line in third.lines}
        - {line.name for line in meant.lines}
        - {x.name for x in given.lines}
    )[0]
    c = chat()
    c.say(customer.email)
    c.say("i need to return a few things")
    c.say(given.id)
    reply = c.say(f"the {two[0].lower()}, the {two[1].lower()} and the {one.lower()}")
    assert f"on order {meant.id}, not {given.id}" in reply.text, c.transcript


def test_a_change_asked_instead_of_naming_an_order_to_look_up_is_served(
    store: Database, chat: Callable[[], Chat], customer_with: Callable[..., tuple[Customer, Order]]
) -> None:
    """Asked which order to look up, the customer asks to swap "one of those": the exchange is
    served (which delivered order?), not read as a failed pick among the orders to look up."""
    customer, _ = customer_with("delivered", lambda c, o: len(_delivered(store, c)) >= 2)
    c = chat()
    c.say(customer.email)
    listed = c.say("where's my package at")
    assert "Which order" in listed.text, c.transcript
    reply = c.say("hmm could I trade one of those in for a different colour? would that work?")
    assert "couldn't match" not in reply.text, c.transcript
    delivered = _delivered(store, customer)
    assert all(o.id in reply.text for o in delivered), c.transcript
    assert [q.slot for q in events_of(reply, "question")] == ["order_id"], c.transcript  # type: ignore[attr-defined]


def test_what_the_customer_has_bought_is_listed_from_their_orders(
    store: Database, chat: Callable[[], Chat], customer_with: Callable[..., tuple[Customer, Order]]
) -> None:
    customer, _ = customer_with("delivered", lambda c, o: len(_delivered(store, c)) >= 2)
    c = chat()
    c.say(customer.email)
    reply = c.say("remind me what I bought from you guys so far?")
    assert all(o.id in reply.text for o in _delivered(store, customer)), c.transcript
    assert "You might like" not in reply.text and "couldn't find" not in reply.text, c.transcript


def _statuses(store: Database, customer: Customer) -> set[str]:
    with store.session() as s:
        return {o.status for o in repository.list_orders(s, customer.id)}


def test_a_change_no_order_of_theirs_allows_is_refused_up_front(
    store: Database, chat: Callable[[], Chat], customer_with: Callable[..., tuple[Customer, Order]]
) -> None:
    """No pending order: asked to send "my pending order" elsewhere, the customer hears why not,
    instead of picking among orders that can't change."""
    customer, _ = customer_with("delivered", lambda c, o: "pending" not in _statuses(store, c))
    c = chat()
    c.say(customer.email)
    reply = c.say("my pending order needs to go to 77 Harbor Rd, Portland ME 04101 instead")
    assert "only be changed while the order is pending" in reply.text, c.transcript
    assert not events_of(reply, "question") and not events_of(reply, "proposal"), c.transcript


def test_a_question_instead_of_naming_the_order_is_answered_and_no_failed_pick(
    store: Database, chat: Callable[[], Chat], customer_with: Callable[..., tuple[Customer, Order]]
) -> None:
    customer, _ = customer_with("delivered", lambda c, o: len(_delivered(store, c)) >= 2)
    c = chat()
    c.say(customer.email)
    asked = c.say("I've got something to send back")
    reply = c.say("before that - how long do refunds usually take?")
    assert "couldn't match" not in reply.text and "Which order" in reply.text, c.transcript
    assert reply.text != asked.text and "(Source:" in reply.text, c.transcript
