"""Agent fixtures: a demo store (SQLite) with its documents indexed, and a conversation helper."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from shopkeeper.agent import Agent, Reply
from shopkeeper.domain import Customer, Order
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
        with store.session() as s:
            for customer_id in _customer_ids(store):
                if customer_id in _taken:
                    continue
                customer = repository.get_customer(s, customer_id)
                for order in repository.list_orders(s, customer_id):
                    if order.status == status and accept(customer, order):
                        _taken.add(customer_id)
                        return customer, order
        raise AssertionError(f"no free customer with a {status} order")

    return find


def _customer_ids(store: Database) -> list[str]:
    from sqlalchemy import select

    from shopkeeper.store.schema import CustomerRow

    with store.session() as s:
        return list(s.scalars(select(CustomerRow.id).order_by(CustomerRow.position)))


def events_of(reply: Reply, kind: str) -> list[object]:
    return [e for e in reply.events if e.type == kind]
