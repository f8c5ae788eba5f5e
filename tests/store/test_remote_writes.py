"""The action layer over a remote store: the built-in store in ANOTHER database stands in for a
platform (real SQLite both sides), with failures injected at the seam. The key is recorded as started
before the write and closed after; a response lost after the change is found by `applied()` and not
written again; an outage before the change leaves nothing and a retry writes once; the audit chain
stays in Shopkeeper's own database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper import audit
from shopkeeper.actions import Actions, Context
from shopkeeper.domain import Order
from shopkeeper.errors import ActionError, BackendUnavailable, UnsupportedAction
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.schema import IdempotencyRow
from shopkeeper.store.sql import SqlStore


class _Flaky(SqlStore):
    """The store, with its platform going away before or after a cancel (`fail`), or unable to cancel."""

    fail: str | None = None
    can_cancel = True

    def supports(self, action: str) -> bool:
        return self.can_cancel or action != "cancel_order"

    def cancel_order(self, order_id: str, reason: str, *, key: str) -> Order:
        if self.fail == "before":
            raise BackendUnavailable("connection refused")
        done = super().cancel_order(order_id, reason, key=key)
        if self.fail == "after":
            raise BackendUnavailable("read timed out after the change was made")
        return done


@pytest.fixture
def own_db(tmp_path: Path) -> Iterator[Database]:
    db = open_store(f"sqlite:///{tmp_path / 'own.db'}")
    yield db
    db.dispose()


def _key_outcome(db: Database, key: str) -> str | None:
    with db.session() as s:
        row = s.get(IdempotencyRow, key)
        return row.outcome if row else None


def test_a_response_lost_after_the_change_is_not_written_again(
    own_db: Database, demo_db: Database, fresh_order
) -> None:  # type: ignore[no-untyped-def]
    if demo_db.dialect != "sqlite":
        pytest.skip("one backend is enough for the protocol")
    order = fresh_order("pending")
    store = _Flaky(demo_db)
    actions, ctx = Actions(own_db, store=store), Context(actor="bot", request_key="lost-1")
    store.fail = "after"
    with pytest.raises(BackendUnavailable):
        actions.cancel_order(order.id, "no longer needed", ctx)
    assert _key_outcome(own_db, "lost-1") == "started"
    store.fail = None
    done = actions.cancel_order(order.id, "no longer needed", ctx)
    assert done.status == "cancelled" and [p.transaction_type for p in done.payments].count("refund") == 1
    assert _key_outcome(own_db, "lost-1") == "ok"
    assert actions.cancel_order(order.id, "no longer needed", ctx) == done  # replayed, not re-run
    outcomes = [e.outcome for e in reversed(audit.entries(own_db, action="cancel_order"))]
    assert outcomes == ["unavailable", "ok"] and audit.verify(own_db).ok


def test_an_outage_before_the_change_leaves_nothing_and_a_retry_writes_once(
    own_db: Database, demo_db: Database, fresh_order
) -> None:  # type: ignore[no-untyped-def]
    if demo_db.dialect != "sqlite":
        pytest.skip("one backend is enough for the protocol")
    order = fresh_order("pending")
    store = _Flaky(demo_db)
    actions, ctx = Actions(own_db, store=store), Context(request_key="down-1")
    store.fail = "before"
    with pytest.raises(BackendUnavailable):
        actions.cancel_order(order.id, "no longer needed", ctx)
    assert store.get_order(order.id) == order
    store.fail = None
    assert actions.cancel_order(order.id, "no longer needed", ctx).status == "cancelled"
    assert store.applied("down-1", order.id) and _key_outcome(own_db, "down-1") == "ok"


def test_refusals_on_a_remote_store_change_nothing_and_are_final(
    own_db: Database, demo_db: Database, fresh_order
) -> None:  # type: ignore[no-untyped-def]
    if demo_db.dialect != "sqlite":
        pytest.skip("one backend is enough for the protocol")
    delivered, pending = fresh_order("delivered"), fresh_order("pending")
    store = _Flaky(demo_db)
    actions = Actions(own_db, store=store)
    with pytest.raises(ActionError) as refused:
        actions.cancel_order(delivered.id, "no longer needed", Context(request_key="no-1"))
    assert refused.value.code == "not_pending" or "delivered" in refused.value.message
    assert store.get_order(delivered.id) == delivered and _key_outcome(own_db, "no-1") == "rejected"
    store.can_cancel = False
    with pytest.raises(UnsupportedAction) as unsupported:
        actions.cancel_order(pending.id, "no longer needed", Context(request_key="no-2"))
    assert "team" in unsupported.value.message and store.get_order(pending.id) == pending
    store.can_cancel = True  # the first outcome stands for that key
    with pytest.raises(ActionError):
        actions.cancel_order(pending.id, "no longer needed", Context(request_key="no-2"))
    assert store.get_order(pending.id) == pending and audit.verify(own_db).ok
