"""A request the order's status already answers says so in plain words ("Order #W1 is already
cancelled."), not "#W1 is cancelled, so it can't be cancelled"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shopkeeper.domain import Customer, Order
from tests.agent.conftest import Chat, events_of


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
