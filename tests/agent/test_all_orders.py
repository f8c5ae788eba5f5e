"""One request over several orders ("cancel all my pending orders"): each order is proposed and
confirmed on its own, and what the customer said once for the request (the reason, the address) is
not asked again for each order. A question about every order ("what did I pay for my orders?") is
answered for each. Real SQLite demo store, the agent without a model."""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.domain import Customer, Order, format_money
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, customers_with, events_of, proposed


def _pending(store: Database, customer: Customer) -> list[Order]:
    with store.session() as s:
        return [o for o in repository.list_orders(s, customer.id) if o.status == "pending"]


def test_the_reason_given_once_serves_every_order_of_the_request(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, _ = customer_with("pending", lambda c, o: len(_pending(store, c)) > 1)
    pending = _pending(store, customer)
    c = chat()
    c.say(customer.email)
    asked = c.say("please cancel every pending order i have")
    assert "why" in asked.text.lower() and pending[0].id in asked.text, c.transcript
    first = c.say("they were all a mistake, i ordered them by mistake")
    assert proposed(first) == {"order_id": pending[0].id, "reason": "ordered by mistake"}, c.transcript
    second = c.say("yes")
    assert "why" not in second.text.lower(), c.transcript
    assert proposed(second) == {"order_id": pending[1].id, "reason": "ordered by mistake"}, c.transcript
    assert "ordered by mistake" in second.text, c.transcript  # the customer sees the reason used


def test_the_address_given_once_serves_every_order_of_the_request(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, _ = customer_with("pending", lambda c, o: len(_pending(store, c)) > 1)
    pending = _pending(store, customer)
    c = chat()
    c.say(customer.email)
    c.say("I've moved, both my pending orders need to go to my new place")
    first = c.say("it's 7 Alder Court, Unit 3, Boise, ID 83702")
    assert proposed(first)["order_id"] == pending[0].id, c.transcript
    second = c.say("yep")
    assert events_of(second, "action"), c.transcript
    assert proposed(second)["order_id"] == pending[1].id, c.transcript
    assert "7 Alder Court" in second.text, c.transcript


def test_a_question_about_every_order_is_answered_for_each(store: Database, chat: Callable[[], Chat]) -> None:
    """Once "Which order do you mean?": what was paid, and the tracking numbers, order by order."""

    def several_shipped(c: Customer, o: Order) -> bool:
        with store.session() as s:
            return sum(bool(x.fulfillments) for x in repository.list_orders(s, c.id)) > 1

    customer, _ = next(customers_with(store, "pending", several_shipped))
    with store.session() as s:
        orders = repository.list_orders(s, customer.id)
    c = chat()
    c.say(customer.email)
    paid = c.say("how much did i pay on each order, and with what?")
    assert "Which order" not in paid.text, c.transcript
    for o in orders:
        assert f"For order {o.id} you paid" in paid.text and format_money(o.total_cents) in paid.text, (
            c.transcript
        )
    tracking = c.say("ok and the tracking numbers for all of them?")
    assert "Which order" not in tracking.text, c.transcript
    numbers = [t for o in orders for f in o.fulfillments for t in f.tracking_ids]
    assert numbers and all(n in tracking.text for n in numbers), c.transcript


def test_when_an_item_is_coming_with_it_in_two_orders_both_are_told(
    store: Database, chat: Callable[[], Chat]
) -> None:
    """Once "Which order do you mean?" with every order listed (or the catalog's stock of the product):
    "when is my X coming" with an X in two orders gives the status of both."""

    def in_two(c: Customer, o: Order) -> bool:
        with store.session() as s:
            names = [ln.name for x in repository.list_orders(s, c.id) for ln in x.lines]
        return any(names.count(ln.name) == 2 and len(ln.name.split()) == 1 for ln in o.lines)

    customer, order = next(customers_with(store, "pending", in_two))
    with store.session() as s:
        orders = repository.list_orders(s, customer.id)
    name = next(
        ln.name for ln in order.lines if sum(ln.name in [x.name for x in o.lines] for o in orders) == 2
    )
    c = chat()
    c.say(customer.email)
    reply = c.say(f"hey when is my {name.lower()} coming?")
    holding = [o for o in orders if any(ln.name == name for ln in o.lines)]
    assert all(f"Order {o.id} is {o.status}" in reply.text for o in holding), c.transcript
    assert "in stock" not in reply.text, c.transcript
