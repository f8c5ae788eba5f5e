"""Which order a request is about, when the customer corrects themselves or names items that are on
another order than the one they gave."""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.domain import Customer, Order
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat


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
