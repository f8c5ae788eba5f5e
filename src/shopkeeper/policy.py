"""The store's rules as pure functions: records in, a `Decision` (allowed, reason) out.

Flows call these to explain what is and is not possible *before* proposing anything; `actions`
calls the same functions again right before writing, whatever the model or the customer said.
Checks run in the order the published tau-bench retail tools evaluate them, so the first failing
rule (and its `detail` text) is the same one those tools report. Nothing here reads or writes storage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shopkeeper.domain import Customer, Order, Product, format_money

__all__ = [
    "CANCEL_REASONS",
    "Decision",
    "ItemChange",
    "already_done",
    "can_cancel",
    "can_change_payment",
    "can_modify",
    "can_return",
    "plan_item_change",
]

CANCEL_REASONS = ("no longer needed", "ordered by mistake")
PENDING = "pending"
DELIVERED = "delivered"


@dataclass(frozen=True)
class Decision:
    """Whether something may happen; when not, a stable code, a customer-safe reason and the tool text."""

    allowed: bool
    code: str = "ok"
    reason: str = ""
    detail: str = ""

    def __bool__(self) -> bool:
        return self.allowed


OK = Decision(True)


def _no(code: str, reason: str, detail: str) -> Decision:
    return Decision(False, code, reason, detail)


def _status_reason(order: Order, doing: str) -> str:
    alternatives = {
        "delivered": " Delivered items can be returned or exchanged instead.",
        "processed": " It is already being prepared for shipping.",
        "shipped": " It is on its way; once it is delivered, items can be returned or exchanged.",
        "pending (item modified)": " Its items were already changed once, which locks the order.",
    }
    if (done := already_done(order)) is not None:
        return done
    return f"Order {order.id} is {order.status}, so it can't be {doing}.{alternatives.get(order.status, '')}"


def already_done(order: Order) -> str | None:
    """What an order's status says was already asked for ("A return has already been requested for
    order #W1."), when it was: better than "#W1 is return requested, so it can't be returned"."""
    return {
        "cancelled": f"Order {order.id} is already cancelled.",
        "return requested": f"A return has already been requested for order {order.id}.",
        "exchange requested": f"An exchange has already been requested for order {order.id}.",
    }.get(order.status)


def can_cancel(order: Order, reason: str) -> Decision:
    """Only pending orders, for one of the two accepted reasons; the whole order is cancelled."""
    if order.status != PENDING:
        return _no(
            "not_pending", _status_reason(order, "cancelled"), "Error: non-pending order cannot be cancelled"
        )
    if reason not in CANCEL_REASONS:
        return _no(
            "invalid_reason",
            "The cancellation reason must be 'no longer needed' or 'ordered by mistake'.",
            "Error: invalid reason",
        )
    return OK


def can_modify(order: Order) -> Decision:
    """Address, payment and items can only be changed while the order is pending."""
    if order.status != PENDING:
        return _no(
            "not_pending", _status_reason(order, "modified"), "Error: non-pending order cannot be modified"
        )
    return OK


def _owned_method(customer: Customer, method_id: str) -> Decision:
    if customer.payment_method(method_id) is None:
        return _no(
            "payment_method_not_found",
            "That payment method isn't on your account.",
            "Error: payment method not found",
        )
    return OK


def can_change_payment(order: Order, customer: Customer, method_id: str) -> Decision:
    """One payment change per pending order, to a different method that can cover the total."""
    if not (d := can_modify(order)):
        return d
    if not (d := _owned_method(customer, method_id)):
        return d
    if len(order.payments) != 1 or order.payments[0].transaction_type != "payment":
        return _no(
            "payment_already_changed",
            f"The payment method of order {order.id} has already been changed once and can't be changed again.",
            "Error: there should be exactly one payment for a pending order",
        )
    current = order.payments[0]
    if current.payment_method_id == method_id:
        return _no(
            "same_payment_method",
            "The order is already paid with that method; please choose a different one.",
            "Error: the new payment method should be different from the current one",
        )
    method = customer.payment_method(method_id)
    assert method is not None
    if method.is_gift_card and (method.balance_cents or 0) < current.amount_cents:
        return _no(
            "insufficient_gift_card",
            f"The gift card balance ({format_money(method.balance_cents or 0)}) doesn't cover the order total "
            f"({format_money(current.amount_cents)}).",
            "Error: insufficient gift card balance to pay for the order",
        )
    return OK


def _multiplicity(order: Order, item_ids: Sequence[str], detail_for: str | None) -> Decision:
    wanted = Counter(item_ids)
    for item_id, count in wanted.items():
        if count > order.line_count(item_id):
            detail = detail_for or f"Error: {item_id} not found"
            return _no(
                "item_not_in_order",
                f"Item {item_id} isn't in order {order.id} (or not that many times).",
                detail,
            )
    return OK


@dataclass(frozen=True)
class ItemChange:
    """The outcome of checking an item modification or exchange: a decision and, if allowed, the money."""

    decision: Decision
    price_difference_cents: int = 0
    pairs: tuple[tuple[str, str], ...] = field(default=())


def plan_item_change(
    order: Order,
    customer: Customer,
    item_ids: Sequence[str],
    new_item_ids: Sequence[str],
    payment_method_id: str,
    products: Mapping[str, Product],
    *,
    kind: str,
) -> ItemChange:
    """Check swapping items for other variants of the same product (`kind` "modify" or "exchange").

    A positive difference is charged to `payment_method_id`, a negative one refunded to it; a gift card
    must cover a positive difference.
    """
    if kind == "modify":
        status_check = can_modify(order)
    elif order.status != DELIVERED:
        status_check = _no(
            "not_delivered",
            _status_reason(order, "exchanged"),
            "Error: non-delivered order cannot be exchanged",
        )
    else:
        status_check = OK
    if not status_check:
        return ItemChange(status_check)
    if not (d := _multiplicity(order, item_ids, None)):
        return ItemChange(d)
    if len(item_ids) != len(new_item_ids):
        return ItemChange(
            _no(
                "item_count_mismatch",
                "Each item to change needs exactly one replacement.",
                "Error: the number of items to be exchanged should match",
            )
        )
    diff = 0
    for old, new in zip(item_ids, new_item_ids, strict=True):
        line = next(line for line in order.lines if line.item_id == old)
        product = products.get(line.product_id)
        variant = product.variant(new) if product else None
        if variant is None or not variant.available:
            return ItemChange(
                _no(
                    "variant_unavailable",
                    f"The replacement {new} isn't an available option of {line.name}.",
                    f"Error: new item {new} not found or available",
                )
            )
        diff += variant.price_cents - line.price_cents
    if not (d := _owned_method(customer, payment_method_id)):
        return ItemChange(d)
    method = customer.payment_method(payment_method_id)
    assert method is not None
    if method.is_gift_card and (method.balance_cents or 0) < diff:
        what = "new item" if kind == "modify" else "price difference"
        return ItemChange(
            _no(
                "insufficient_gift_card",
                f"The gift card balance ({format_money(method.balance_cents or 0)}) doesn't cover the price "
                f"difference ({format_money(diff)}).",
                f"Error: insufficient gift card balance to pay for the {what}",
            )
        )
    return ItemChange(OK, diff, tuple(zip(item_ids, new_item_ids, strict=True)))


def can_return(order: Order, customer: Customer, item_ids: Sequence[str], payment_method_id: str) -> Decision:
    """Delivered orders only; refund to the original payment method or one of the customer's gift cards."""
    if order.status != DELIVERED:
        return _no(
            "not_delivered",
            _status_reason(order, "returned"),
            "Error: non-delivered order cannot be returned",
        )
    if not (d := _owned_method(customer, payment_method_id)):
        return d
    original = order.payments[0].payment_method_id if order.payments else None
    method = customer.payment_method(payment_method_id)
    assert method is not None
    if not method.is_gift_card and payment_method_id != original:
        return _no(
            "refund_method_not_allowed",
            "Refunds can only go to the original payment method or to a gift card on your account.",
            "Error: payment method should be either the original payment method or a gift card",
        )
    return _multiplicity(order, item_ids, "Error: some item not found")
