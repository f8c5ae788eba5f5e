"""The only code that changes store data.

Every write: validates its arguments, re-reads the order (or customer) through the store backend,
re-checks policy on it (whatever a model or customer said), then asks the backend to make the change.
`write_protocol.Writer` records it in Shopkeeper's own database: for the built-in SQL store the change,
its audit entry and idempotency record are ONE transaction; for a remote store (Medusa) the request key
is recorded as started before the platform is called and its outcome after. A rejected write changes
nothing, is audited, and raises `ActionError` with a customer-safe message (`UnsupportedAction` where
the platform cannot do it at all). A caller-supplied `request_key` makes a write idempotent: a retry
returns the first outcome and changes nothing.

Effects follow tau-bench retail (shared/data/tau-bench-retail/SEMANTICS.md) with one deliberate
difference, documented in docs/store.md: cancelling refunds what is still owed to each payment method
(payments minus refunds), so an order whose payment method was changed is not refunded twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from shopkeeper import policy
from shopkeeper.domain import Address, Customer, Order
from shopkeeper.errors import ActionError
from shopkeeper.store.backend import StoreBackend
from shopkeeper.store.db import Database
from shopkeeper.store.sql import SqlStore
from shopkeeper.write_protocol import Context, FaultHook, Target, Writer

__all__ = ["Actions", "Context", "FaultHook"]

_ADDRESS_KEYS = ("address1", "address2", "city", "state", "country", "zip")


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


def _order(order_id: Any) -> Callable[[StoreBackend], Order]:
    return lambda store: store.get_order(str(order_id).strip())


class Actions:
    """Writes against one store (default: the built-in SQL store in `db`). `db` also holds the audit
    log and idempotency records. `fault_hook(stage)` runs just before the SQL commit (failure injection)."""

    def __init__(
        self, db: Database, fault_hook: FaultHook | None = None, *, store: StoreBackend | None = None
    ) -> None:
        self.db = db
        self.store: StoreBackend = store if store is not None else SqlStore(db)
        self.fault_hook = fault_hook
        self._writer = Writer(db, self.store, fault_hook)

    def cancel_order(self, order_id: str, reason: str, ctx: Context | None = None) -> Order:
        """Cancel a whole pending order; refunds go back to the methods that paid."""

        def act(t: Target) -> Order:
            order, _ = t.order(order_id)
            _check(policy.can_cancel(order, reason))
            return t.store.cancel_order(order.id, reason, key=t.key)

        args = {"order_id": order_id, "reason": reason}
        return self._writer.run("cancel_order", args, ctx, _order(order_id), act)

    def modify_order_address(
        self, order_id: str, address: dict[str, Any], ctx: Context | None = None
    ) -> Order:
        def act(t: Target) -> Order:
            new = _address(address)
            order, _ = t.order(order_id)
            _check(policy.can_modify(order))
            return t.store.modify_order_address(order.id, new, key=t.key)

        args = {"order_id": order_id, "address": _raw(address)}
        return self._writer.run("modify_order_address", args, ctx, _order(order_id), act)

    def modify_order_payment(
        self, order_id: str, payment_method_id: str, ctx: Context | None = None
    ) -> Order:
        def act(t: Target) -> Order:
            order, customer = t.order(order_id)
            _check(policy.can_change_payment(order, customer, payment_method_id))
            return t.store.modify_order_payment(order.id, payment_method_id, key=t.key)

        args = {"order_id": order_id, "payment_method_id": payment_method_id}
        return self._writer.run("modify_order_payment", args, ctx, _order(order_id), act)

    def modify_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        ctx: Context | None = None,
    ) -> Order:
        """Swap items of a pending order for other variants of the same products (once per order)."""

        def act(t: Target) -> Order:
            old_ids, new_ids = _ids(item_ids, "item_ids"), _ids(new_item_ids, "new_item_ids")
            order, customer = t.order(order_id)
            plan = policy.plan_item_change(
                order, customer, old_ids, new_ids, payment_method_id, t.products(order), kind="modify"
            )
            _check(plan.decision)
            return t.store.modify_order_items(
                order.id, old_ids, new_ids, payment_method_id, plan.price_difference_cents, key=t.key
            )

        args = {
            "order_id": order_id,
            "item_ids": _raw(item_ids),
            "new_item_ids": _raw(new_item_ids),
            "payment_method_id": payment_method_id,
        }
        return self._writer.run("modify_order_items", args, ctx, _order(order_id), act)

    def modify_customer_address(
        self, customer_id: str, address: dict[str, Any], ctx: Context | None = None
    ) -> Customer:
        def act(t: Target) -> Customer:
            new = _address(address)
            customer = t.store.get_customer(customer_id)
            return t.store.modify_customer_address(customer.id, new, key=t.key)

        args = {"customer_id": customer_id, "address": _raw(address)}
        return self._writer.run(
            "modify_customer_address", args, ctx, lambda store: store.get_customer(customer_id), act
        )

    def return_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, ctx: Context | None = None
    ) -> Order:
        """Open a return of delivered items; the refund goes to the original method or a gift card."""

        def act(t: Target) -> Order:
            ids = _ids(item_ids, "item_ids")
            order, customer = t.order(order_id)
            _check(policy.can_return(order, customer, ids, payment_method_id))
            return t.store.return_order_items(order.id, ids, payment_method_id, key=t.key)

        args = {"order_id": order_id, "item_ids": _raw(item_ids), "payment_method_id": payment_method_id}
        return self._writer.run("return_order_items", args, ctx, _order(order_id), act)

    def exchange_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        ctx: Context | None = None,
    ) -> Order:
        """Open an exchange of delivered items for other variants of the same products (once per order)."""

        def act(t: Target) -> Order:
            old_ids, new_ids = _ids(item_ids, "item_ids"), _ids(new_item_ids, "new_item_ids")
            order, customer = t.order(order_id)
            plan = policy.plan_item_change(
                order, customer, old_ids, new_ids, payment_method_id, t.products(order), kind="exchange"
            )
            _check(plan.decision)
            return t.store.exchange_order_items(
                order.id, old_ids, new_ids, payment_method_id, plan.price_difference_cents, key=t.key
            )

        args = {
            "order_id": order_id,
            "item_ids": _raw(item_ids),
            "new_item_ids": _raw(new_item_ids),
            "payment_method_id": payment_method_id,
        }
        return self._writer.run("exchange_order_items", args, ctx, _order(order_id), act)
