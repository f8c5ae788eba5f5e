"""The only code that changes store data.

Every write: validates its arguments, takes the store's write lock, re-checks policy on fresh rows
(whatever a model or customer said), changes rows in ONE transaction together with its audit entry
and idempotency record, then commits. A rejected write changes nothing, is audited in a transaction
of its own, and raises `ActionError` with a customer-safe message. A caller-supplied `request_key`
makes a write idempotent: a retry returns the first outcome (success or refusal) and changes nothing.

Effects follow tau-bench retail (shared/data/tau-bench-retail/SEMANTICS.md) with one deliberate
difference, documented in docs/store.md: cancelling refunds what is still owed to each payment method
(payments minus refunds), so an order whose payment method was changed is not refunded twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from shopkeeper import audit, policy
from shopkeeper.domain import Address, Customer, Order, Product
from shopkeeper.errors import ActionError
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from shopkeeper.store.schema import (
    CustomerRow,
    IdempotencyRow,
    OrderRow,
    PaymentMethodRow,
    ProductRow,
    TransactionRow,
)

__all__ = ["Actions", "Context", "FaultHook"]

FaultHook = Callable[[str], None]
R = TypeVar("R", Order, Customer)
_ADDRESS_KEYS = ("address1", "address2", "city", "state", "country", "zip")
_PG_WRITE_LOCK = 7_262_013  # one advisory lock serialises writers, keeping the audit chain linear


@dataclass(frozen=True)
class Context:
    """Who is acting, for which conversation, and the caller's idempotency key (optional)."""

    actor: str = "api"  # bot | api | system | staff:<name> (a console user)
    conversation_id: str | None = None
    request_key: str | None = None


def _refused(code: str, message: str) -> ActionError:
    return ActionError(code, message, f"Error: {message}")


def _check(decision: policy.Decision) -> None:
    if not decision:
        raise ActionError(decision.code, decision.reason, decision.detail)


def _ids(value: Any, what: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _refused("invalid_arguments", f"{what} must be a list of item ids")
    return [v.strip() for v in value]


def _address(fields: Any) -> Address:
    problem = _refused("invalid_address", "the address needs a street, city, state, country and zip code")
    if not isinstance(fields, dict):
        raise problem
    values = {k: str(fields.get(k) or "").strip() for k in _ADDRESS_KEYS}
    if not all(values[k] for k in _ADDRESS_KEYS if k != "address2"):
        raise problem
    try:
        return Address(**values)
    except ValidationError as exc:
        raise problem from exc


def _raw(value: Any) -> Any:
    """Arguments as given, JSON-safe, for the audit record of a request that may be malformed."""
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, str | int | float | bool | dict | list | None) else repr(value)


def _address_dict(address: Address) -> dict[str, str]:
    return {k: getattr(address, k) for k in _ADDRESS_KEYS}


class Actions:
    """Writes against one store. `fault_hook(stage)` runs just before commit (failure injection)."""

    def __init__(self, db: Database, fault_hook: FaultHook | None = None) -> None:
        self.db = db
        self.fault_hook = fault_hook

    # ---- the writes -------------------------------------------------------------------------

    def cancel_order(self, order_id: str, reason: str, ctx: Context | None = None) -> Order:
        """Cancel a whole pending order; refunds go back to the methods that paid."""

        def run(s: Session) -> Order:
            row, order, _ = self._order(s, order_id)
            _check(policy.can_cancel(order, reason))
            owed: dict[str, int] = {}
            for t in row.transactions:
                sign = 1 if t.transaction_type == "payment" else -1
                owed[t.payment_method_id] = owed.get(t.payment_method_id, 0) + sign * t.amount_cents
            for method_id, amount in owed.items():
                if amount > 0:
                    self._transaction(s, row, "refund", amount, method_id)
                    self._credit_gift_card(s, method_id, amount)
            row.status = "cancelled"
            row.cancel_reason = reason
            return self._reload_order(s, row)

        return self._write("cancel_order", {"order_id": order_id, "reason": reason}, ctx, run)

    def modify_order_address(
        self, order_id: str, address: dict[str, Any], ctx: Context | None = None
    ) -> Order:
        def run(s: Session) -> Order:
            new = _address(address)
            row, order, _ = self._order(s, order_id)
            _check(policy.can_modify(order))
            row.address = _address_dict(new)
            return self._reload_order(s, row)

        return self._write("modify_order_address", {"order_id": order_id, "address": _raw(address)}, ctx, run)

    def modify_order_payment(
        self, order_id: str, payment_method_id: str, ctx: Context | None = None
    ) -> Order:
        def run(s: Session) -> Order:
            row, order, customer = self._order(s, order_id)
            _check(policy.can_change_payment(order, customer, payment_method_id))
            old = order.payments[0]
            self._transaction(s, row, "payment", old.amount_cents, payment_method_id)
            self._transaction(s, row, "refund", old.amount_cents, old.payment_method_id)
            self._credit_gift_card(s, payment_method_id, -old.amount_cents)
            self._credit_gift_card(s, old.payment_method_id, old.amount_cents)
            return self._reload_order(s, row)

        args = {"order_id": order_id, "payment_method_id": payment_method_id}
        return self._write("modify_order_payment", args, ctx, run)

    def modify_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        ctx: Context | None = None,
    ) -> Order:
        """Swap items of a pending order for other variants of the same products (once per order)."""

        def run(s: Session) -> Order:
            old_ids, new_ids = _ids(item_ids, "item_ids"), _ids(new_item_ids, "new_item_ids")
            row, order, customer = self._order(s, order_id)
            products = self._products(s, order)
            plan = policy.plan_item_change(
                order, customer, old_ids, new_ids, payment_method_id, products, kind="modify"
            )
            _check(plan.decision)
            diff = plan.price_difference_cents
            self._transaction(s, row, "payment" if diff > 0 else "refund", abs(diff), payment_method_id)
            self._credit_gift_card(s, payment_method_id, -diff)
            variants = {v.item_id: v for p in products.values() for v in p.variants}
            for old, new in plan.pairs:
                line = next(line for line in row.lines if line.item_id == old)
                variant = variants[new]
                line.item_id, line.price_cents, line.options = new, variant.price_cents, dict(variant.options)
            row.status = "pending (item modified)"
            return self._reload_order(s, row)

        args = {
            "order_id": order_id,
            "item_ids": _raw(item_ids),
            "new_item_ids": _raw(new_item_ids),
            "payment_method_id": payment_method_id,
        }
        return self._write("modify_order_items", args, ctx, run)

    def modify_customer_address(
        self, customer_id: str, address: dict[str, Any], ctx: Context | None = None
    ) -> Customer:
        def run(s: Session) -> Customer:
            new = _address(address)
            row = s.get(CustomerRow, customer_id, with_for_update=True)
            if row is None:
                raise repository.customer_not_found()
            row.address, row.zip = _address_dict(new), new.zip
            s.flush()
            return repository.to_customer(row)

        return self._write(
            "modify_customer_address", {"customer_id": customer_id, "address": _raw(address)}, ctx, run
        )

    def return_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, ctx: Context | None = None
    ) -> Order:
        """Open a return of delivered items; the refund goes to the original method or a gift card."""

        def run(s: Session) -> Order:
            ids = _ids(item_ids, "item_ids")
            row, order, customer = self._order(s, order_id)
            _check(policy.can_return(order, customer, ids, payment_method_id))
            row.status = "return requested"
            row.return_items = sorted(ids)
            row.return_payment_method_id = payment_method_id
            return self._reload_order(s, row)

        args = {"order_id": order_id, "item_ids": _raw(item_ids), "payment_method_id": payment_method_id}
        return self._write("return_order_items", args, ctx, run)

    def exchange_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        ctx: Context | None = None,
    ) -> Order:
        """Open an exchange of delivered items for other variants of the same products (once per order)."""

        def run(s: Session) -> Order:
            old_ids, new_ids = _ids(item_ids, "item_ids"), _ids(new_item_ids, "new_item_ids")
            row, order, customer = self._order(s, order_id)
            plan = policy.plan_item_change(
                order,
                customer,
                old_ids,
                new_ids,
                payment_method_id,
                self._products(s, order),
                kind="exchange",
            )
            _check(plan.decision)
            row.status = "exchange requested"
            row.exchange_items = sorted(old_ids)
            row.exchange_new_items = sorted(new_ids)
            row.exchange_payment_method_id = payment_method_id
            row.exchange_price_difference_cents = plan.price_difference_cents
            return self._reload_order(s, row)

        args = {
            "order_id": order_id,
            "item_ids": _raw(item_ids),
            "new_item_ids": _raw(new_item_ids),
            "payment_method_id": payment_method_id,
        }
        return self._write("exchange_order_items", args, ctx, run)

    # ---- the write protocol -----------------------------------------------------------------

    def _write(
        self, action: str, args: dict[str, Any], ctx: Context | None, run: Callable[[Session], R]
    ) -> R:
        ctx = ctx or Context()
        args_hash = hashlib.sha256(json.dumps([action, args], sort_keys=True).encode()).hexdigest()
        try:
            with self.db.transaction() as s:
                self._lock(s)
                if ctx.request_key and (done := s.get(IdempotencyRow, ctx.request_key)) is not None:
                    return self._replay(done, action, args_hash, run)
                result = run(s)
                payload = {"type": type(result).__name__, "record": result.model_dump(mode="json")}
                self._record(s, action, args, args_hash, ctx, "ok", payload)
                s.flush()
                if self.fault_hook:
                    self.fault_hook("before_commit")
                return result
        except ActionError as exc:
            self._record_refusal(action, args, args_hash, ctx, exc)
            raise
        except IntegrityError as exc:  # a concurrent retry with the same key committed first
            if ctx.request_key:
                with self.db.session() as s:
                    if (done := s.get(IdempotencyRow, ctx.request_key)) is not None:
                        return self._replay(done, action, args_hash, run)
            raise exc

    def _record_refusal(
        self, action: str, args: dict[str, Any], args_hash: str, ctx: Context, exc: ActionError
    ) -> None:
        if exc.code == "request_key_reused":
            return
        payload = {"code": exc.code, "message": exc.message, "detail": exc.detail}
        try:
            with self.db.transaction() as s:
                self._lock(s)
                if ctx.request_key and s.get(IdempotencyRow, ctx.request_key) is not None:
                    return
                self._record(s, action, args, args_hash, ctx, "rejected", payload)
        except IntegrityError:
            pass  # a concurrent retry recorded it first

    @staticmethod
    def _record(
        s: Session,
        action: str,
        args: dict[str, Any],
        args_hash: str,
        ctx: Context,
        outcome: str,
        payload: dict[str, Any],
    ) -> None:
        """The audit entry and, with a request key, the idempotency record of one outcome."""
        audit.append(
            s,
            actor=ctx.actor,
            action=action,
            arguments=args,
            outcome=outcome,
            result=payload,
            conversation_id=ctx.conversation_id,
            request_key=ctx.request_key,
        )
        if ctx.request_key:
            s.add(
                IdempotencyRow(
                    key=ctx.request_key,
                    action=action,
                    arguments_hash=args_hash,
                    outcome=outcome,
                    result=payload,
                )
            )

    @staticmethod
    def _replay(done: IdempotencyRow, action: str, args_hash: str, _run: Callable[[Session], R]) -> R:
        if done.action != action or done.arguments_hash != args_hash:
            raise ActionError(
                "request_key_reused",
                "That request id was already used for a different request.",
                "Error: request key reused with different arguments",
            )
        if done.outcome != "ok":
            raise ActionError(done.result["code"], done.result["message"], done.result.get("detail"))
        record: dict[str, Any] = done.result["record"]
        kind: type[R] = Customer if done.result["type"] == "Customer" else Order  # type: ignore[assignment]
        return kind.model_validate(record)

    def _lock(self, s: Session) -> None:
        if self.db.dialect == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
        # SQLite: write transactions already start with BEGIN IMMEDIATE (store/db.py).

    # ---- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _order(s: Session, order_id: str) -> tuple[OrderRow, Order, Customer]:
        if not isinstance(order_id, str) or not order_id.strip():
            raise repository.order_not_found()
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
            raise repository.order_not_found()
        return row, repository.to_order(row), repository.get_customer(s, row.customer_id)

    @staticmethod
    def _products(s: Session, order: Order) -> dict[str, Product]:
        ids = {line.product_id for line in order.lines}
        rows = s.scalars(
            select(ProductRow).where(ProductRow.id.in_(ids)).options(selectinload(ProductRow.variants))
        )
        return {r.id: repository.to_product(r) for r in rows}

    @staticmethod
    def _transaction(s: Session, row: OrderRow, kind: str, amount_cents: int, method_id: str) -> None:
        position = max((t.position for t in row.transactions), default=-1) + 1
        row.transactions.append(
            TransactionRow(
                position=position,
                transaction_type=kind,
                amount_cents=amount_cents,
                payment_method_id=method_id,
            )
        )

    @staticmethod
    def _credit_gift_card(s: Session, method_id: str, amount_cents: int) -> None:
        method = s.get(PaymentMethodRow, method_id)
        if method is not None and method.source == "gift_card":
            method.balance_cents = (method.balance_cents or 0) + amount_cents

    @staticmethod
    def _reload_order(s: Session, row: OrderRow) -> Order:
        s.flush()
        return repository.to_order(row)
