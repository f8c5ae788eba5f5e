"""The agent over a store that is not its own database: the demo store in one SQLite file behind the
seam, Shopkeeper's conversations and audit log in another (both real), with the store's platform
switched off or unable to do a thing (failure injection at the seam). Runs without Node.js; the same
conversations on a real Medusa are tests/medusa/test_chat.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper import audit
from shopkeeper.agent import Agent
from shopkeeper.domain import Order
from shopkeeper.errors import BackendUnavailable
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.sql import SqlStore
from tests.agent.conftest import Chat


class _Platform(SqlStore):
    """The store with an off switch for its writes, and no payment-method changes."""

    down = False

    def supports(self, action: str) -> bool:
        return action != "modify_order_payment"

    def cancel_order(self, order_id: str, reason: str, *, key: str) -> Order:
        if self.down:
            raise BackendUnavailable("connection refused")
        return super().cancel_order(order_id, reason, key=key)


@pytest.fixture
def own_db(tmp_path: Path) -> Iterator[Database]:
    db = open_store(f"sqlite:///{tmp_path / 'own.db'}")
    yield db
    db.dispose()


def test_a_store_outage_at_the_yes_changes_nothing_and_a_later_yes_writes_once(
    store: Database, own_db: Database, customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending")
    platform = _Platform(store)
    c = Chat(Agent(own_db, store=platform))
    c.say(f"Hi, I'm {customer.email}. Please cancel order {order.id}, I ordered it by mistake.")
    assert c.replies[-1].events and any(e.type == "proposal" for e in c.replies[-1].events), c.transcript
    platform.down = True
    failed = c.say("yes")
    assert "isn't answering" in failed.text and "nothing was changed" in failed.text, c.transcript
    assert platform.get_order(order.id) == order
    platform.down = False
    done = c.say("yes")
    assert [e.ok for e in done.events if e.type == "action"] == [True], c.transcript
    cancelled = platform.get_order(order.id)
    assert (
        cancelled.status == "cancelled"
        and [p.transaction_type for p in cancelled.payments].count("refund") >= 1
    )
    outcomes = [e.outcome for e in reversed(audit.entries(own_db, action="cancel_order"))]
    assert outcomes == ["unavailable", "ok"] and audit.verify(own_db).ok


def test_what_the_platform_cannot_do_is_explained_not_proposed(
    store: Database, own_db: Database, customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending", lambda c, o: len(c.payment_methods) > 1)
    c = Chat(Agent(own_db, store=_Platform(store)))
    c.say(customer.email)
    reply = c.say(f"Can I pay for order {order.id} with a different payment method?")
    assert "team" in reply.text and not any(e.type == "proposal" for e in reply.events), c.transcript
    assert audit.entries(own_db) == []
