"""Gaps a shopper hit on the demo store: a payment method they don't have, an option the item
already has, a second request in one message that names no order of its own, an item change asked
as a question, several orders at once, and a question about the product in hand. Real SQLite demo
store, the agent without a model; these conversations write nothing, so customers are shared."""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.domain import Customer, Order
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, customers_with, events_of

ASKS_YES = "Shall I go ahead?"


def _first(store: Database, status: str, accept: Callable[[Customer, Order], bool]) -> tuple[Customer, Order]:
    return next(customers_with(store, status, lambda c, o: c.email.isascii() and accept(c, o)))


def test_a_refund_to_a_method_the_customer_lacks_is_not_sent_elsewhere_quietly(
    chat: Callable[[], Chat], store: Database
) -> None:
    customer, order = _first(
        store, "delivered", lambda c, o: not any(m.source == "paypal" for m in c.payment_methods)
    )
    c = chat()
    c.say(customer.email)
    reply = c.say(f"pls send back the {order.lines[0].name.lower()} from {order.id}, money back via paypal")
    assert "couldn't find a PayPal account" in reply.text, reply.text
    assert not events_of(reply, "proposal"), reply.text
    gift_cards = [m for m in customer.payment_methods if m.is_gift_card]
    if gift_cards:  # the refund may go to a gift card: it is offered
        assert gift_cards[0].describe() in reply.text, reply.text


def test_a_card_brand_the_customer_lacks_is_said_and_their_methods_listed(
    chat: Callable[[], Chat], store: Database
) -> None:
    customer, order = _first(
        store,
        "pending",
        lambda c, o: len(c.payment_methods) > 1 and not any(m.brand == "amex" for m in c.payment_methods),
    )
    c = chat()
    c.say(customer.email)
    reply = c.say(f"I'd like to pay for order {order.id} with my american express card instead")
    assert "couldn't find an Amex card" in reply.text, reply.text
    assert not events_of(reply, "proposal"), reply.text
    original = order.payments[0].payment_method_id
    for method in customer.payment_methods:
        if method.id != original:
            assert method.describe() in reply.text, reply.text
