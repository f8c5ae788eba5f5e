"""`SqlStore`: the built-in store behind the seam (`store/backend.py`), over Shopkeeper's own database.

Reads open a session per call (so every call sees the newest committed rows). Writes change rows only;
they do not decide policy. `in_transaction(s)` gives the same store bound to an open write transaction:
`shopkeeper.actions` uses it so the change, its audit entry and its idempotency record commit together.
Called on its own (not bound), a write runs in a transaction of its own, takes the writers' lock and
keeps its key in the idempotency table, so a repeated key changes nothing.
Knows the schema and the domain records; nothing about policy, conversations or the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopkeeper.domain import Address, Customer, Order, Product
from shopkeeper.store import repository
from shopkeeper.store.backend import WRITE_ACTIONS, customer_not_found, order_not_found
from shopkeeper.store.db import Database
from shopkeeper.store.schema import (
    CustomerRow,
    IdempotencyRow,
    OrderLineRow,
    OrderRow,
    PaymentMethodRow,
    TransactionRow,
    VariantRow,
)

__all__ = ["SqlStore"]

T = TypeVar("T")
R = TypeVar("R", Order, Customer)
_ADDRESS_KEYS = ("address1", "address2", "city", "state", "country", "zip")


class SqlStore:
    """The store in Shopkeeper's own database `db` (SQLite or PostgreSQL)."""

    name = "sql"

    def __init__(self, db: Database, *, session: Session | None = None) -> None:
        self.db = db
        self._session = session

    def in_transaction(self, s: Session) -> SqlStore:
        """This store reading and writing inside the caller's open transaction `s` (which commits)."""
        return SqlStore(self.db, session=s)

    @property
    def bound(self) -> bool:
        return self._session is not None

    # ---- what this backend can do ---------------------------------------------------------

    def supports(self, action: str) -> bool:
        return action in WRITE_ACTIONS

    def check(self) -> list[str]:
        try:
            self.db.ping()
            with self._read() as s:
                repository.list_product_types(s)
        except Exception as exc:  # an operator message, never a traceback
            return [
                f"The database cannot be read ({exc.__class__.__name__}): run `shopkeeper store migrate`."
            ]
        return []

    def close(self) -> None:
        """Nothing to release: the database belongs to the caller."""

    # ---- reads ----------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Session]:
        if self._session is not None:
            yield self._session
        else:
            with self.db.session() as s:
                yield s

    def _get(self, read: Callable[[Session], T]) -> T:
        with self._read() as s:
            return read(s)

    def find_customer_by_email(self, email: str) -> Customer:
        return self._get(lambda s: repository.find_customer_by_email(s, email))

    def find_customer_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> Customer:
        return self._get(lambda s: repository.find_customer_by_name_zip(s, first_name, last_name, zip_code))

    def customers_at_zip(self, zip_code: str) -> list[Customer]:
        return self._get(lambda s: repository.customers_at_zip(s, zip_code))

    def customers_at_email_domain(self, domain: str) -> list[Customer]:
        return self._get(lambda s: repository.customers_at_email_domain(s, domain))

    def get_customer(self, customer_id: str) -> Customer:
        return self._get(lambda s: repository.get_customer(s, customer_id))

    def list_orders(self, customer_id: str) -> list[Order]:
        return self._get(lambda s: repository.list_orders(s, customer_id))

    def get_order(self, order_id: str) -> Order:
        if not isinstance(order_id, str) or not order_id.strip():
            raise order_not_found()
        return self._get(lambda s: repository.get_order(s, order_id.strip()))

    def get_product(self, product_id: str) -> Product:
        return self._get(lambda s: repository.get_product(s, product_id))

    def list_products(self) -> list[Product]:
        return self._get(repository.list_products)

    def list_product_types(self) -> dict[str, str]:
        return self._get(repository.list_product_types)

    def order_baskets(self) -> list[frozenset[str]]:
        def read(s: Session) -> list[frozenset[str]]:
            rows = s.execute(
                select(OrderLineRow.order_id, OrderLineRow.product_id)
                .join(OrderRow, OrderRow.id == OrderLineRow.order_id)
                .where(OrderRow.status != "cancelled")
            ).all()
            baskets: dict[str, set[str]] = {}
            for order_id, product_id in rows:
                baskets.setdefault(order_id, set()).add(product_id)
            return [frozenset(b) for b in baskets.values()]

        return self._get(read)

    # ---- writes ---------------------------------------------------------------------------

    def applied(self, key: str, record_id: str) -> bool:
        def read(s: Session) -> bool:
            done = s.get(IdempotencyRow, key)
            return done is not None and done.outcome == "ok"

        return self._get(read)

    def _write(self, action: str, key: str, change: Callable[[Session], R]) -> R:
        """`change` in the bound transaction, or in a locked transaction of its own keyed by `key`."""
        if self._session is not None:
            return change(self._session)
        with self.db.transaction() as s:
            self.db.lock_writers(s)
            if (done := s.get(IdempotencyRow, key)) is not None:
                kind: type[R] = Customer if done.result.get("type") == "Customer" else Order  # type: ignore[assignment]
                record = done.result.get("record") or {}
                return kind.model_validate(record)
            result = change(s)
            payload = {"type": type(result).__name__, "record": result.model_dump(mode="json")}
            s.add(IdempotencyRow(key=key, action=action, arguments_hash="", outcome="ok", result=payload))
            return result

    def cancel_order(self, order_id: str, reason: str, *, key: str) -> Order:
        def change(s: Session) -> Order:
            row = _order_row(s, order_id)
            owed: dict[str, int] = {}
            for t in row.transactions:
                sign = 1 if t.transaction_type == "payment" else -1
                owed[t.payment_method_id] = owed.get(t.payment_method_id, 0) + sign * t.amount_cents
            for method_id, amount in owed.items():
                if amount > 0:
                    _transaction(row, "refund", amount, method_id)
                    _credit_gift_card(s, method_id, amount)
            row.status = "cancelled"
            row.cancel_reason = reason
            return _reload(s, row)

        return self._write("cancel_order", key, change)

    def modify_order_address(self, order_id: str, address: Address, *, key: str) -> Order:
        def change(s: Session) -> Order:
            row = _order_row(s, order_id)
            row.address = _address_dict(address)
            return _reload(s, row)

        return self._write("modify_order_address", key, change)

    def modify_order_payment(self, order_id: str, payment_method_id: str, *, key: str) -> Order:
        def change(s: Session) -> Order:
            row = _order_row(s, order_id)
            old = row.transactions[0]
            amount, old_method = old.amount_cents, old.payment_method_id
            _transaction(row, "payment", amount, payment_method_id)
            _transaction(row, "refund", amount, old_method)
            _credit_gift_card(s, payment_method_id, -amount)
            _credit_gift_card(s, old_method, amount)
            return _reload(s, row)

        return self._write("modify_order_payment", key, change)

    def modify_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        price_difference_cents: int,
        *,
        key: str,
    ) -> Order:
        def change(s: Session) -> Order:
            row = _order_row(s, order_id)
            diff = price_difference_cents
            _transaction(row, "payment" if diff > 0 else "refund", abs(diff), payment_method_id)
            _credit_gift_card(s, payment_method_id, -diff)
            for old, new in zip(item_ids, new_item_ids, strict=True):
                line = next(line for line in row.lines if line.item_id == old)
                variant = s.get(VariantRow, new)
                assert variant is not None  # policy checked the replacement exists
                line.item_id, line.price_cents, line.options = new, variant.price_cents, dict(variant.options)
            row.status = "pending (item modified)"
            return _reload(s, row)

        return self._write("modify_order_items", key, change)

    def modify_customer_address(self, customer_id: str, address: Address, *, key: str) -> Customer:
        def change(s: Session) -> Customer:
            row = s.get(CustomerRow, customer_id, with_for_update=True)
            if row is None:
                raise customer_not_found()
            row.address, row.zip = _address_dict(address), address.zip
            s.flush()
            return repository.to_customer(row)

        return self._write("modify_customer_address", key, change)

    def return_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, key: str
    ) -> Order:
        def change(s: Session) -> Order:
            row = _order_row(s, order_id)
            row.status = "return requested"
            row.return_items = sorted(item_ids)
            row.return_payment_method_id = payment_method_id
            return _reload(s, row)

        return self._write("return_order_items", key, change)

    def exchange_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        price_difference_cents: int,
        *,
        key: str,
    ) -> Order:
        def change(s: Session) -> Order:
            row = _order_row(s, order_id)
            row.status = "exchange requested"
            row.exchange_items = sorted(item_ids)
            row.exchange_new_items = sorted(new_item_ids)
            row.exchange_payment_method_id = payment_method_id
            row.exchange_price_difference_cents = price_difference_cents
            return _reload(s, row)

        return self._write("exchange_order_items", key, change)


def _order_row(s: Session, order_id: str) -> OrderRow:
    row = s.get(
        OrderRow,
        order_id.strip(),
        options=[
            selectinload(OrderRow.lines),
            selectinload(OrderRow.transactions),
            selectinload(OrderRow.fulfillments),
        ],
    )
    if row is None:
        raise order_not_found()
    return row


def _address_dict(address: Address) -> dict[str, str]:
    return {k: getattr(address, k) for k in _ADDRESS_KEYS}


def _transaction(row: OrderRow, kind: str, amount_cents: int, method_id: str) -> None:
    position = max((t.position for t in row.transactions), default=-1) + 1
    row.transactions.append(
        TransactionRow(
            position=position, transaction_type=kind, amount_cents=amount_cents, payment_method_id=method_id
        )
    )


def _credit_gift_card(s: Session, method_id: str, amount_cents: int) -> None:
    method = s.get(PaymentMethodRow, method_id)
    if method is not None and method.source == "gift_card":
        method.balance_cents = (method.balance_cents or 0) + amount_cents


def _reload(s: Session, row: OrderRow) -> Order:
    s.flush()
    return repository.to_order(row)
