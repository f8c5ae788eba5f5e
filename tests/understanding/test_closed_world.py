"""Closed-world references on the demo store's own orders: an order named in any id form, or by what
it holds or when it was placed, is resolved against the customer's orders, not read as a pattern."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkeeper.domain import Order
from shopkeeper.store import repository
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.understanding import Candidate, OrderCandidate, UnderstandingContext, resolve_order
from shopkeeper.understanding.entities import extract_order_ids
from shopkeeper.understanding.references import known_order_ids


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Order]]:
    """The orders of the first demo customer with at least three of them, oldest first."""
    db: Database = open_store(f"sqlite:///{tmp_path_factory.mktemp('closed') / 'demo.db'}")
    build_demo(db, seed=5)
    with db.session() as s:
        for c in repository.customers_at_email_domain(s, "example.com"):
            found = repository.list_orders(s, c.id)
            if len(found) >= 3 and len({ln.name for o in found for ln in o.lines}) >= 6:
                yield sorted(found, key=lambda o: o.placed_at or "")
                break
    db.dispose()


def _candidates(orders: list[Order]) -> list[OrderCandidate]:
    return [
        OrderCandidate(
            order_id=o.id,
            status=o.status,
            placed_at=o.placed_at,
            items=tuple(Candidate(item_id=ln.item_id, name=ln.name, order_id=o.id) for ln in o.lines),
        )
        for o in orders
    ]


ID_FORMS = [
    "{id}",
    "{digits}",
    "W-{digits}",
    "w{digits}",
    "order #w{digits}",
    "#{digits}",
    "order number {digits} please",
    "it's W {digits}",
    "cancel order {id}",
    "can you check on {digits}? thanks",
]


@pytest.mark.parametrize("form", ID_FORMS)
def test_any_id_form_names_the_order(form: str, orders: list[Order]) -> None:
    for order in orders:
        text = form.format(id=order.id, digits=order.id.lstrip("#W"))
        said = known_order_ids(text, extract_order_ids(text), _candidates(orders))
        assert said == (order.id,), text
        assert resolve_order(text, _candidates(orders)).order_id == order.id, text


def test_an_id_that_is_not_theirs_is_kept_as_said(orders: list[Order]) -> None:
    assert known_order_ids("order #W0000001", ["#W0000001"], _candidates(orders)) == ("#W0000001",)
    assert resolve_order("order #W0000001", _candidates(orders)).order_id is None


def test_understanding_reports_the_customers_own_id(orders: list[Order]) -> None:
    from shopkeeper.understanding import understand

    order = orders[0]
    digits = order.id.lstrip("#W")
    u = understand(f"where is W-{digits}", UnderstandingContext(orders=tuple(_candidates(orders))))
    assert u.entities.order_ids == (order.id,)
    assert u.order is not None and u.order.order_id == order.id


@pytest.mark.parametrize(
    "text", ["my last order", "the most recent one", "my latest order", "the order I just placed"]
)
def test_the_latest_order(text: str, orders: list[Order]) -> None:
    assert resolve_order(text, _candidates(orders)).order_id == orders[-1].id


@pytest.mark.parametrize("text", ["my first order", "the oldest one", "my earliest purchase"])
def test_the_earliest_order(text: str, orders: list[Order]) -> None:
    assert resolve_order(text, _candidates(orders)).order_id == orders[0].id


@pytest.mark.parametrize("form", ["the one with the {name}", "the order with the {name}", "my {name} order"])
def test_an_order_by_what_only_it_holds(form: str, orders: list[Order]) -> None:
    for order in orders:
        others = {ln.name for o in orders if o.id != order.id for ln in o.lines}
        own = [ln.name for ln in order.lines if ln.name not in others]
        if not own:
            continue
        text = form.format(name=own[0].lower())
        assert resolve_order(text, _candidates(orders)).order_id == order.id, text
