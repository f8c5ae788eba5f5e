"""An exchange for an identical item, written as a task description: each item named with the options
it has now, then "to the same options". The replacement is the same variant, and the items described
are no question about the catalog."""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.domain import Customer, Order, OrderLine
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, customers_with, events_of


def _yes_no_line(store: Database, order: Order) -> OrderLine | None:
    """A line with a yes/no option whose own variant is in stock."""
    with store.session() as s:
        for line in order.lines:
            if not {"yes", "no"} & set(line.options.values()):
                continue
            variant = repository.get_product(s, line.product_id).variant(line.item_id)
            if variant is not None and variant.available:
                return line
    return None


def test_an_item_exchanged_for_the_same_options_is_the_same_variant(
    store: Database, chat: Callable[[], Chat], customer_with: Callable[..., tuple[Customer, Order]]
) -> None:
    customer, order = customer_with("delivered", lambda c, o: _yes_no_line(store, o) is not None)
    line = _yes_no_line(store, order)
    assert line is not None
    described = ", ".join(f"{k} {v}" for k, v in line.options.items())
    method = order.payments[0].payment_method_id
    reply = chat().say(
        f"Hi, my name is {customer.first_name} {customer.last_name}, email {customer.email}. For {order.id}, "
        f"exchange {line.name} ({described}) to the same options; via {method}."
    )
    proposals = events_of(reply, "proposal")
    assert proposals, reply.text
    args = proposals[0].arguments  # type: ignore[attr-defined]
    assert args["item_ids"] == [line.item_id] and args["new_item_ids"] == [line.item_id], reply.text
    assert "variant(s) matching" not in reply.text, reply.text


def test_asked_what_instead_every_option_it_has_now_is_an_identical_one(
    store: Database, chat: Callable[[], Chat]
) -> None:
    """Described with its options, the item is only named: we ask what it should become. Answered with
    those same options, all of them, the customer wants the same again. Nothing is written, so the
    customer is not reserved (later tests keep theirs)."""
    customer, order = next(
        customers_with(store, "delivered", lambda c, o: _yes_no_line(store, o) is not None)
    )
    line = _yes_no_line(store, order)
    assert line is not None
    own = ", ".join(f"{k} {v}" for k, v in line.options.items())
    c = chat()
    c.say(customer.email)
    asked = c.say(f"I'd like to exchange the {line.name} ({own}) from order {order.id}")
    assert not events_of(asked, "proposal"), c.transcript
    reply = c.say(f"it should be {own}; via {order.payments[0].payment_method_id}")
    proposals = events_of(reply, "proposal")
    assert proposals, c.transcript
    assert proposals[0].arguments["new_item_ids"] == [line.item_id], c.transcript  # type: ignore[attr-defined]
