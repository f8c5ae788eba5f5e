"""Messages that speak of several orders, in the task-description style: each request is served
for the order its own sentence or clause names, and an order named only as a reference ("same as
#W3") is never the one changed. Real SQLite demo store, the agent without a model."""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.domain import Customer, Order, Variant
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, events_of, order_now, other_variants

Find = Callable[..., tuple[Customer, Order]]
_STREET = "12 Elm Street"
_ADDRESS = f"{_STREET}, Springfield, IL 62704"


def _three_orders(store: Database, customer_with: Find) -> tuple[Customer, Order, Order, Order]:
    """A pending order whose first item has other variants, another pending order and a third."""

    def others(customer: Customer, first: Order) -> list[Order]:
        with store.session() as s:
            return [o for o in repository.list_orders(s, customer.id) if o.id != first.id]

    def fits(customer: Customer, order: Order) -> bool:
        rest = others(customer, order)
        return (
            len({ln.name for ln in order.lines}) == len(order.lines)
            and bool(other_variants(store, order.lines[0]))
            and any(o.status == "pending" for o in rest)
            and len(rest) >= 2
        )

    customer, first = customer_with("pending", fits)
    rest = others(customer, first)
    second = next(o for o in rest if o.status == "pending")
    third = next(o for o in rest if o.id != second.id)
    return customer, first, second, third


def _served(c: Chat, opening: str) -> list[tuple[str, str]]:
    """(action, order) of each proposal the opening and the "yes" after each proposal bring; asked
    which payment method covers a price difference, the first one offered."""
    done, reply = [], c.say(opening)
    while (asked := events_of(reply, "question")) and asked[0].slot == "payment_method":  # type: ignore[attr-defined]
        reply = c.say(asked[0].options[0])  # type: ignore[attr-defined]
    while proposal := events_of(reply, "proposal"):
        done.append((proposal[0].action, proposal[0].arguments["order_id"]))  # type: ignore[attr-defined]
        if len(done) > 3:
            break
        reply = c.say("yes")
        while (asked := events_of(reply, "question")) and asked[0].slot == "payment_method":  # type: ignore[attr-defined]
            reply = c.say(asked[0].options[0])  # type: ignore[attr-defined]
    return done


def test_a_sentence_about_another_order_is_its_own_request_and_a_reference_is_no_target(
    store: Database, chat: Callable[[], Chat], customer_with: Find
) -> None:
    customer, first, second, third = _three_orders(store, customer_with)
    line, wanted = first.lines[0], other_variants(store, first.lines[0])[0]
    c = chat()
    c.say(customer.email)
    served = _served(
        c,
        f"For order {first.id}, modify the {line.name} to the {_spec(wanted)} one. "
        f"For {second.id}, change the address to {_ADDRESS} (same as {third.id}).",
    )
    assert served == [("modify_order_items", first.id), ("modify_order_address", second.id)], c.transcript
    assert order_now(store, second.id).address.address1 == _STREET, c.transcript
    assert order_now(store, third.id).address == third.address, c.transcript


def test_a_clause_that_opens_with_another_order_is_its_own_request(
    store: Database, chat: Callable[[], Chat], customer_with: Find
) -> None:
    customer, first, second, third = _three_orders(store, customer_with)
    line, wanted = first.lines[0], other_variants(store, first.lines[0])[0]
    c = chat()
    c.say(customer.email)
    served = _served(
        c,
        f"I want the {line.name} in {first.id} changed to {_spec(wanted)}, and for "
        f"{second.id} the shipping address should be {_ADDRESS}, same as on {third.id}.",
    )
    assert served == [("modify_order_items", first.id), ("modify_order_address", second.id)], c.transcript
    assert order_now(store, first.id).address == first.address, c.transcript


def test_a_queued_request_asked_for_instead_of_a_yes_is_served_now(
    store: Database, chat: Callable[[], Chat], customer_with: Find
) -> None:
    customer, first, second, _ = _three_orders(store, customer_with)
    line, wanted = first.lines[0], other_variants(store, first.lines[0])[0]
    c = chat()
    c.say(customer.email)
    reply = c.say(
        f"For {first.id}, change the {line.name} to {_spec(wanted)}; use "
        f"{first.payments[0].payment_method_id} for any difference. Cancel order {second.id} because I "
        "ordered it by mistake."
    )
    assert events_of(reply, "proposal"), c.transcript
    reply = c.say(f"I'd like to cancel order {second.id}. I ordered it by accident.")
    proposal = events_of(reply, "proposal")
    assert proposal and proposal[0].arguments["order_id"] == second.id, c.transcript  # type: ignore[attr-defined]
    assert proposal[0].action == "cancel_order", c.transcript  # type: ignore[attr-defined]


def _spec(variant: Variant) -> str:
    """The new variant with its options named ("waist 30, length 30, color grey"): bare "30, 30, grey"
    fits two options of pants, and the agent rightly asks which instead of guessing."""
    return ", ".join(f"{k} {v}" for k, v in variant.options.items())
