"""Agent fixtures: a demo store (SQLite) with its documents indexed, a conversation helper, and the
few steps many conversations share (verify, ask, read the proposal)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

import pytest

from shopkeeper.agent import Agent, Reply
from shopkeeper.domain import Customer, Order, OrderLine, Variant
from shopkeeper.knowledge import KnowledgeBase, index_demo_documents
from shopkeeper.store import repository
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import build_demo


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_store(f"sqlite:///{tmp_path_factory.mktemp('agent') / 'demo.db'}")
    build_demo(db, seed=5)
    index_demo_documents(db)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def agent(store: Database) -> Agent:
    return Agent(store, kb=KnowledgeBase(store))


class Chat:
    """One conversation: `say(text)` returns the agent's reply."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.id = agent.start()
        self.replies: list[Reply] = []

    def say(self, text: str) -> Reply:
        reply = self.agent.reply(self.id, text)
        self.replies.append(reply)
        return reply

    @property
    def transcript(self) -> str:
        return "\n".join(r.text for r in self.replies)


@pytest.fixture
def chat(agent: Agent) -> Callable[[], Chat]:
    return lambda: Chat(agent)


_taken: set[str] = set()


@pytest.fixture
def customer_with(store: Database) -> Callable[[str], tuple[Customer, Order]]:
    """A customer (not used by another test) with an order in `status`, and that order."""

    def find(
        status: str, accept: Callable[[Customer, Order], bool] = lambda c, o: True
    ) -> tuple[Customer, Order]:
        for customer, order in customers_with(store, status, accept, skip=_taken):
            _taken.add(customer.id)
            return customer, order
        raise AssertionError(f"no free customer with a {status} order")

    return find


def customers_with(
    store: Database,
    status: str,
    accept: Callable[[Customer, Order], bool] = lambda c, o: True,
    skip: Collection[str] = (),
) -> Iterator[tuple[Customer, Order]]:
    """Each customer (in store order, but those in `skip`) with their first order in `status` that
    `accept`s; nothing is reserved, so only conversations that write nothing may share them."""
    with store.session() as s:
        for customer_id in _customer_ids(store):
            if customer_id in skip:
                continue
            customer = repository.get_customer(s, customer_id)
            order = next(
                (
                    o
                    for o in repository.list_orders(s, customer_id)
                    if o.status == status and accept(customer, o)
                ),
                None,
            )
            if order is not None:
                yield customer, order


def _customer_ids(store: Database) -> list[str]:
    from sqlalchemy import select

    from shopkeeper.store.schema import CustomerRow

    with store.session() as s:
        return list(s.scalars(select(CustomerRow.id).order_by(CustomerRow.position)))


def events_of(reply: Reply, kind: str) -> list[object]:
    return [e for e in reply.events if e.type == kind]


def order_now(store: Database, order_id: str) -> Order:
    """The order as the store holds it now."""
    with store.session() as s:
        return repository.get_order(s, order_id)


def other_variants(store: Database, line: OrderLine) -> list[Variant]:
    """The available variants of an order line's product, other than the line's own."""
    with store.session() as s:
        product = repository.get_product(s, line.product_id)
    return [v for v in product.variants if v.available and v.item_id != line.item_id]


def proposed(reply: Reply) -> dict[str, Any]:
    """The arguments of the reply's last proposal; the reply must make one."""
    proposals = events_of(reply, "proposal")
    assert proposals, reply.text
    return proposals[-1].arguments  # type: ignore[attr-defined,no-any-return]


def propose(c: Chat, customer: Customer, request: str) -> Reply:
    """Verify `customer` by email, then ask `request`; the reply must propose something."""
    c.say(customer.email)
    reply = c.say(request)
    assert events_of(reply, "proposal"), c.transcript
    return reply


def item_map(arguments: dict[str, Any]) -> dict[str, str]:
    """A proposed exchange or item change as {item id: new item id}."""
    return dict(zip(arguments["item_ids"], arguments["new_item_ids"], strict=True))
