"""The action layer on a real demo store (SQLite and PostgreSQL): effects, refusals, audit, idempotency."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from shopkeeper import audit
from shopkeeper.actions import Actions, Context
from shopkeeper.errors import ActionError
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from shopkeeper.store.schema import AuditRow, OrderRow, VariantRow
from tests.store.conftest import table_rows

BOT = Context(actor="bot", conversation_id="conv-1")


def _customer(db: Database, order_id: str):  # type: ignore[no-untyped-def]
    with db.session() as s:
        order = repository.get_order(s, order_id)
        return order, repository.get_customer(s, order.customer_id)


def _refused(db: Database, code: str, call: Callable[[], object]) -> None:
    before = table_rows(db)
    with pytest.raises(ActionError) as info:
        call()
    assert info.value.code == code, info.value
    assert info.value.message and "Error" not in info.value.message
    after = table_rows(db)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1  # the refusal itself is audited


def test_cancel_refunds_the_payment_and_is_audited(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    row = fresh_order("pending", lambda o, c: o.payments[0].payment_method_id.startswith("gift_card"))
    _, before = _customer(demo_db, row.id)
    paid = row.payments[0]
    order = Actions(demo_db).cancel_order(row.id, "no longer needed", BOT)
    assert order.status == "cancelled" and order.cancel_reason == "no longer needed"
    assert [(t.transaction_type, t.amount_cents) for t in order.payments] == [
        ("payment", paid.amount_cents),
        ("refund", paid.amount_cents),
    ]
    _, after = _customer(demo_db, row.id)
    card_before = before.payment_method(paid.payment_method_id)
    card_after = after.payment_method(paid.payment_method_id)
    assert card_before and card_after
    assert card_after.balance_cents == (card_before.balance_cents or 0) + paid.amount_cents
    entry = audit.entries(demo_db, conversation_id="conv-1", action="cancel_order")[0]
    assert entry.actor == "bot" and entry.outcome == "ok" and entry.arguments["order_id"] == row.id


def test_refusals_change_nothing(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    actions = Actions(demo_db)
    delivered = fresh_order("delivered")
    pending = fresh_order("pending")
    _refused(demo_db, "not_pending", lambda: actions.cancel_order(delivered.id, "no longer needed", BOT))
    _refused(demo_db, "invalid_reason", lambda: actions.cancel_order(pending.id, "too expensive", BOT))
    _refused(demo_db, "order_not_found", lambda: actions.cancel_order("#W0000000", "no longer needed", BOT))
    _refused(
        demo_db,
        "not_delivered",
        lambda: actions.return_order_items(pending.id, [pending.lines[0].item_id], "x", BOT),
    )
    _refused(
        demo_db,
        "payment_method_not_found",
        lambda: actions.modify_order_payment(pending.id, "gift_card_0", BOT),
    )
    _refused(
        demo_db,
        "invalid_address",
        lambda: actions.modify_order_address(pending.id, {"address1": "1 Main St"}, BOT),
    )
    _refused(
        demo_db, "invalid_arguments", lambda: actions.modify_order_items(pending.id, "abc", ["x"], "y", BOT)
    )


def test_payment_change_then_cancel_refunds_once(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    def fits(o, c) -> bool:  # type: ignore[no-untyped-def]
        total = o.payments[0].amount_cents
        return not o.payments[0].payment_method_id.startswith("gift_card") and any(
            m.is_gift_card and (m.balance_cents or 0) >= total for m in c.payment_methods
        )

    row = fresh_order("pending", fits)
    order, customer = _customer(demo_db, row.id)
    card = next(
        m for m in customer.payment_methods if m.is_gift_card and (m.balance_cents or 0) >= order.total_cents
    )
    actions = Actions(demo_db)
    changed = actions.modify_order_payment(row.id, card.id, BOT)
    assert [t.transaction_type for t in changed.payments] == ["payment", "payment", "refund"]
    _refused(
        demo_db,
        "payment_already_changed",
        lambda: actions.modify_order_payment(row.id, row.payments[0].payment_method_id, BOT),
    )
    cancelled = actions.cancel_order(row.id, "ordered by mistake", BOT)
    # Net per method: the original card was already refunded; only the gift card is owed, once.
    assert cancelled.payments[-1].payment_method_id == card.id and len(cancelled.payments) == 4
    _, after = _customer(demo_db, row.id)
    assert after.payment_method(card.id).balance_cents == card.balance_cents  # type: ignore[union-attr]


def test_modify_items_charges_difference_and_locks_order(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    row = fresh_order("pending")
    order, customer = _customer(demo_db, row.id)
    line = order.lines[0]
    with demo_db.session() as s:
        product = repository.get_product(s, line.product_id)
        other_product = s.scalars(
            select(VariantRow.item_id).where(VariantRow.product_id != line.product_id)
        ).first()
    alternatives = [v for v in product.variants if v.item_id != line.item_id and v.available]
    unavailable = [v for v in product.variants if not v.available]
    method = customer.payment_methods[0]
    actions = Actions(demo_db)
    assert other_product is not None
    _refused(
        demo_db,
        "variant_unavailable",
        lambda: actions.modify_order_items(row.id, [line.item_id], [other_product], method.id, BOT),
    )
    if unavailable:
        _refused(
            demo_db,
            "variant_unavailable",
            lambda: actions.modify_order_items(
                row.id, [line.item_id], [unavailable[0].item_id], method.id, BOT
            ),
        )
    _refused(
        demo_db,
        "item_count_mismatch",
        lambda: actions.modify_order_items(row.id, [line.item_id], [], method.id, BOT),
    )
    _refused(
        demo_db,
        "item_not_in_order",
        lambda: actions.modify_order_items(row.id, ["123"], ["456"], method.id, BOT),
    )
    new = alternatives[0]
    diff = new.price_cents - line.price_cents
    if method.is_gift_card and (method.balance_cents or 0) < diff:
        method = next(m for m in customer.payment_methods if not m.is_gift_card)
    result = actions.modify_order_items(row.id, [line.item_id], [new.item_id], method.id, BOT)
    assert result.status == "pending (item modified)"
    assert result.lines[0].item_id == new.item_id and result.lines[0].price_cents == new.price_cents
    last = result.payments[-1]
    assert (last.transaction_type, last.amount_cents) == ("payment" if diff > 0 else "refund", abs(diff))
    _refused(demo_db, "not_pending", lambda: actions.cancel_order(row.id, "no longer needed", BOT))


def test_gift_card_too_small_is_refused(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    def fits(o, c) -> bool:  # type: ignore[no-untyped-def]
        return not o.payments[0].payment_method_id.startswith("gift_card") and any(
            m.is_gift_card and (m.balance_cents or 0) < o.payments[0].amount_cents for m in c.payment_methods
        )

    row = fresh_order("pending", fits)
    _, customer = _customer(demo_db, row.id)
    card = next(m for m in customer.payment_methods if m.is_gift_card)
    _refused(
        demo_db, "insufficient_gift_card", lambda: Actions(demo_db).modify_order_payment(row.id, card.id, BOT)
    )


def test_return_and_exchange_of_delivered_orders(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    actions = Actions(demo_db)
    row = fresh_order(
        "delivered",
        lambda o, c: any(
            not m.is_gift_card and m.id != o.payments[0].payment_method_id for m in c.payment_methods
        ),
    )
    order, customer = _customer(demo_db, row.id)
    other = next(
        m
        for m in customer.payment_methods
        if not m.is_gift_card and m.id != order.payments[0].payment_method_id
    )
    items = [line.item_id for line in order.lines]
    _refused(
        demo_db, "refund_method_not_allowed", lambda: actions.return_order_items(row.id, items, other.id, BOT)
    )
    _refused(
        demo_db,
        "item_not_in_order",
        lambda: actions.return_order_items(
            row.id, [*items, items[0]], order.payments[0].payment_method_id, BOT
        ),
    )
    returned = actions.return_order_items(row.id, items, order.payments[0].payment_method_id, BOT)
    assert returned.status == "return requested" and returned.return_items == tuple(sorted(items))
    _refused(
        demo_db,
        "not_delivered",
        lambda: actions.exchange_order_items(row.id, items[:1], items[:1], other.id, BOT),
    )

    row2 = fresh_order("delivered")
    order2, customer2 = _customer(demo_db, row2.id)
    line = order2.lines[0]
    with demo_db.session() as s:
        product = repository.get_product(s, line.product_id)
    new = next(v for v in product.variants if v.available and v.item_id != line.item_id)
    method = next(
        m
        for m in customer2.payment_methods
        if not m.is_gift_card or (m.balance_cents or 0) >= new.price_cents
    )
    exchanged = actions.exchange_order_items(row2.id, [line.item_id], [new.item_id], method.id, BOT)
    assert exchanged.status == "exchange requested"
    assert exchanged.exchange_price_difference_cents == new.price_cents - line.price_cents
    assert exchanged.lines == order2.lines  # nothing ships until the exchange is processed


def test_addresses(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    row = fresh_order("pending")
    new = {
        "address1": "1 Test Way",
        "address2": "",
        "city": "Reno",
        "state": "NV",
        "country": "USA",
        "zip": "89501",
    }
    actions = Actions(demo_db)
    assert actions.modify_order_address(row.id, new, BOT).address.city == "Reno"
    customer = actions.modify_customer_address(row.customer_id, new, BOT)
    assert customer.address.zip == "89501"
    with demo_db.session() as s:
        assert (
            repository.find_customer_by_name_zip(
                s, customer.first_name.upper(), customer.last_name, "89501"
            ).id
            == customer.id
        )
        assert repository.find_customer_by_email(s, customer.email.upper()).id == customer.id


def test_request_key_makes_writes_idempotent(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    row = fresh_order("pending")
    actions = Actions(demo_db)
    ctx = Context(actor="api", request_key=f"key-{row.id}")
    first = actions.cancel_order(row.id, "no longer needed", ctx)
    before = table_rows(demo_db)
    again = actions.cancel_order(row.id, "no longer needed", ctx)
    assert again == first
    assert table_rows(demo_db) == before  # no second refund, no second audit entry
    with pytest.raises(ActionError) as info:
        actions.cancel_order(row.id, "ordered by mistake", ctx)
    assert info.value.code == "request_key_reused"

    refused_ctx = Context(request_key=f"key-refused-{row.id}")
    for _ in range(2):
        with pytest.raises(ActionError) as info:
            actions.cancel_order(row.id, "no longer needed", refused_ctx)
        assert info.value.code == "not_pending"


def test_concurrent_retries_refund_once(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    row = fresh_order("pending")
    actions = Actions(demo_db)
    ctx = Context(request_key=f"race-{row.id}")
    results: list[object] = []

    def go() -> None:
        results.append(actions.cancel_order(row.id, "no longer needed", ctx))

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    with demo_db.session() as s:
        order = repository.get_order(s, row.id)
        assert [t.transaction_type for t in order.payments] == ["payment", "refund"]
        assert (
            s.scalar(
                select(func.count()).select_from(AuditRow).where(AuditRow.request_key == ctx.request_key)
            )
            == 1
        )


def test_crash_before_commit_leaves_store_unchanged(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    row = fresh_order("pending")

    def crash(stage: str) -> None:
        raise RuntimeError(f"injected crash at {stage}")

    before = table_rows(demo_db)
    with pytest.raises(RuntimeError):
        Actions(demo_db, fault_hook=crash).cancel_order(
            row.id, "no longer needed", Context(request_key="crash-1")
        )
    assert table_rows(demo_db) == before
    # The retry after the crash goes through, exactly once.
    order = Actions(demo_db).cancel_order(row.id, "no longer needed", Context(request_key="crash-1"))
    assert order.status == "cancelled" and len(order.payments) == 2
    with demo_db.session() as s:
        assert s.get(OrderRow, row.id).status == "cancelled"  # type: ignore[union-attr]


def test_audit_chain_detects_tampering(demo_db: Database) -> None:
    assert audit.verify(demo_db).ok
    with demo_db.transaction() as s:
        entry = s.scalars(select(AuditRow).order_by(AuditRow.id)).first()
        assert entry is not None
        entry.arguments = {**entry.arguments, "reason": "edited"}
    result = audit.verify(demo_db)
    assert not result.ok and result.first_bad_id is not None
