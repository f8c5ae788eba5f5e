"""A request the order's status already answers says so in plain words ("Order #W1 is already
cancelled."), not "#W1 is cancelled, so it can't be cancelled"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shopkeeper.domain import Customer, Order
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, customers_with, events_of


@pytest.mark.parametrize(
    ("status", "asked", "said"),
    [
        ("cancelled", "please cancel order {id}", "Order {id} is already cancelled."),
        (
            "return requested",
            "i want to return everything from {id}",
            "A return has already been requested for order {id}.",
        ),
    ],
)
def test_a_request_already_made_is_said_to_be(
    status: str,
    asked: str,
    said: str,
    chat: Callable[[], Chat],
    customer_with: Callable[..., tuple[Customer, Order]],
) -> None:
    customer, order = customer_with(status)
    c = chat()
    c.say(customer.email)
    reply = c.say(asked.format(id=order.id))
    assert said.format(id=order.id) in reply.text, c.transcript
    assert "so it can't be" not in reply.text and not events_of(reply, "proposal"), c.transcript


def _short_gift_card(store: Database) -> tuple[Customer, Order]:
    """A customer whose only method besides the one a pending order was paid with is a gift card
    too small for that order."""

    def fits(c: Customer, o: Order) -> bool:
        paid = o.payments[0].payment_method_id if o.payments else None
        others = [m for m in c.payment_methods if m.id != paid]
        return bool(others) and all(
            m.is_gift_card and (m.balance_cents or 0) < o.payments[0].amount_cents for m in others
        )

    return next(customers_with(store, "pending", lambda c, o: c.email.isascii() and fits(c, o)))


def test_a_gift_card_too_small_for_the_order_is_not_offered_for_a_payment_change(
    store: Database, chat: Callable[[], Chat]
) -> None:
    customer, order = _short_gift_card(store)
    c = chat()
    c.say(customer.email)
    reply = c.say(f"I'd like to pay for order {order.id} with a different payment method")
    assert "None of the other payment methods" in reply.text and "doesn't cover" in reply.text, c.transcript
    assert not events_of(reply, "question") or "Which payment method" not in reply.text, c.transcript


def test_a_refusal_says_which_request_it_refuses(store: Database, chat: Callable[[], Chat]) -> None:
    customer, order = _short_gift_card(store)
    c = chat()
    c.say(customer.email)
    reply = c.say(f"please switch the payment of order {order.id} to my gift card")
    assert f"I can't switch the payment method of order {order.id}." in reply.text, c.transcript
    assert events_of(reply, "refusal") and not events_of(reply, "proposal"), c.transcript
