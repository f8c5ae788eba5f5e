"""Which of the customer's orders a message means: an id in any form ("W-1234567", "#1234567",
"1234567"), "my last order", "the pending one", or "the order with the lamp"; and the words that mean
several orders at once (`ALL_ORDERS`: "cancel all my pending orders"; `SEVERAL_ORDERS`: "status of
my orders"; `HISTORY`: "what have I bought lately?"). Pure functions over the orders the caller
passes; the items inside an order are matched by `references.resolve_items`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from shopkeeper.understanding.entities import extract_order_ids, named_as_reference
from shopkeeper.understanding.models import OrderCandidate, OrderResolution
from shopkeeper.understanding.references import resolve_items

__all__ = ["ALL_ORDERS", "HISTORY", "SEVERAL_ORDERS", "known_order_ids", "resolve_order"]

_LATEST = re.compile(r"\b(last|latest|most recent|newest|recent|just placed|just made)\b", re.I)
_EARLIEST = re.compile(r"\b(first|oldest|earliest)\b", re.I)
_SECOND = re.compile(r"\b(second|2nd)\b", re.I)
_STATUS_WORDS = {
    "pending": "pending",
    "delivered": "delivered",
    "processed": "processed",
    "shipped": "processed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "returned": "return requested",
    "exchanged": "exchange requested",
}
# "all my pending orders", "both orders", "every open order": each of them
ALL_ORDERS = re.compile(
    r"\b(?:all|each|both)\b(?:\s+(?:of\s+)?(?:my|the|these|those|them))?(?:\s+\w+)?\s+orders\b"
    r"|\bevery(?:\s+\w+)?\s+order\b",
    re.I,
)
# "what have I bought lately?", "my order history": the customer's orders, all of them
HISTORY = re.compile(
    r"\bwhat (?:else )?(?:(?:have|did|do) )?(?:i|we|i've|i have) (?:\w+ )?(?:buy|bought|order|ordered|purchased?)\b"
    r"|\bwhat (?:(?:have|did) )?(?:i|we|i've) (?:\w+ )?(?:get|got) from you|\b(?:order|purchase|buying) history\b"
    r"|\bmy (?:past|previous|recent|latest|last few) (?:orders|purchases)\b|\bwhat orders\b",
    re.I,
)
# "status of all my orders", "what did I pay for each order?": every order, each answered
SEVERAL_ORDERS = re.compile(
    r"\b(?:orders|all my purchases|everything i (?:ordered|bought)|(?:each|every) (?:order|one)|all of them)\b|"
    + HISTORY.pattern,
    re.I,
)


def _norm_order_id(value: str) -> str:
    v = value.strip().upper().lstrip("#")
    return v


_DIGIT_RUN = re.compile(r"(?<![\d])(\d{4,})(?![\d])")


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def known_order_ids(text: str, said: Sequence[str], orders: Sequence[OrderCandidate]) -> tuple[str, ...]:
    """The order ids `said` (as extracted), each written as the customer's own order it names when it
    names one in any form ("W-1234567", "w1234567", "#1234567", "1234567": same digits), plus bare
    numbers in `text` that are the digits of one of `orders`; in reading order. An id that names none
    of `orders` is kept as said, so the flow can say it isn't on the account."""
    by_key = {_norm_order_id(o.order_id): o.order_id for o in orders}
    by_digits: dict[str, str | None] = {}
    for o in orders:
        d = _digits(o.order_id)
        if d:
            by_digits[d] = o.order_id if by_digits.get(d, o.order_id) == o.order_id else None
    found: list[tuple[int, str]] = []
    for raw in said:
        own = by_key.get(_norm_order_id(raw)) or by_digits.get(_digits(raw)) or raw
        at = text.find(_digits(raw)) if _digits(raw) else -1
        found.append((at if at >= 0 else len(text), own))
    for m in _DIGIT_RUN.finditer(text):
        if (bare := by_digits.get(m.group(1))) and not named_as_reference(text, m.start()):
            found.append((m.start(), bare))
    out: list[str] = []
    for _, oid in sorted(found, key=lambda f: f[0]):
        if oid not in out:
            out.append(oid)
    return tuple(out)


def resolve_order(text: str, orders: Sequence[OrderCandidate]) -> OrderResolution:
    """Which of the customer's orders (oldest first) the message means: an id it states, "my last order",
    "the first one", "the pending one", or "the order with the lamp"."""
    if not orders:
        return OrderResolution(reason="no orders")
    known = {o.order_id for o in orders}
    for oid in known_order_ids(text, extract_order_ids(text), orders):
        if oid in known:
            return OrderResolution(order_id=oid, reason="id")
        return OrderResolution(reason=f"id {oid} is not one of this customer's orders")
    ordered = list(orders)
    if all(o.placed_at for o in orders):
        ordered.sort(key=lambda o: o.placed_at or "")
    if re.search(r"\border|purchase|one\b", text, re.I):
        if _LATEST.search(text):
            return OrderResolution(order_id=ordered[-1].order_id, reason="latest")
        if _EARLIEST.search(text):
            return OrderResolution(order_id=ordered[0].order_id, reason="earliest")
        if _SECOND.search(text) and len(ordered) > 1:
            return OrderResolution(order_id=ordered[1].order_id, reason="second")
    lowered = text.lower()
    statuses = {s for w, s in _STATUS_WORDS.items() if re.search(rf"\b{w}\b", lowered)}
    pool = [o for o in ordered if o.status and o.status.lower() in statuses] if statuses else ordered
    items = [c for o in pool for c in o.items]
    if items:
        found = resolve_items(text, items)
        if found.item_ids and found.reason.startswith("name"):
            owners = [o for o in pool if any(c.item_id in found.item_ids for c in o.items)]
            if len(owners) == 1:
                return OrderResolution(order_id=owners[0].order_id, reason="contains item")
            if owners and len(owners) < len(pool):
                pool = owners
    if statuses and len(pool) == 1:
        return OrderResolution(order_id=pool[0].order_id, reason="status")
    if len(orders) == 1 and re.search(r"\b(my|the|this|that) (order|purchase)\b", text, re.I):
        return OrderResolution(order_id=orders[0].order_id, reason="only order")
    return OrderResolution(ambiguous=len(pool) > 1 and pool != ordered, reason="not settled")
