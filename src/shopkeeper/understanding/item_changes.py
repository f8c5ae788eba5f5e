"""An item change recognised from what a message names, when the classifier did not read one.

A message asks to change an item of an order when it names one of the customer's orders, one of that
order's items (typo-tolerantly: "gaimng mouse", "the Indoor Security Cameera") and either a change
("instead", "changed to", "->", "use my Visa for the price difference", "diff on gc") or an option
value of that product that the item does not have yet ("the camera in 4K", "1080p for the Action
Camera", "kettle -> 1.5l"). A pending order's items are modified, a delivered order's exchanged.
Reads the orders, their items and their products' variants from the `UnderstandingContext`; knows
nothing of the store or the flows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shopkeeper.understanding.intents import Intent
from shopkeeper.understanding.models import OrderCandidate, UnderstandingContext
from shopkeeper.understanding.references import option_mentions, resolve_items

__all__ = ["CHANGE_WORDS", "PRICE_DIFFERENCE", "item_change_for"]

CHANGE_WORDS = re.compile(
    r"\b(instead|changed? (it )?(to|into)|switch|swap|exchange|replace|as)\b|->|=>|→", re.I
)
# "use my Visa for the price difference", "any difference can go on PayPal", "diff on gc", "use pp for
# the diff", "settle any difference with my card": who pays the difference of an item change.
PRICE_DIFFERENCE = re.compile(
    r"\bprice diff(?:erence)?\b|\bdifference in price\b|\b(?:any|the)\s+diff(?:erence)?\b"
    r"|\bdiff(?:erence)?\s+(?:on|to|with|via|goes|can|should|go)\b",
    re.I,
)
# Without an order named, only words that ask for a change make one ("as" compares as often).
_ASKED_CHANGE = re.compile(r"\b(instead|changed? (it )?(to|into)|switch|swap|exchange|replace)\b", re.I)
# Requests that name an item and an option value without changing the item.
_NOT_A_CHANGE = re.compile(r"\b(return|refund|cancel|address|track|tracking|where is)\b", re.I)


def _wants_other_value(text: str, order: OrderCandidate, item_ids: Iterable[str]) -> bool:
    """Whether `text` names an option value of a named item's product that the item does not have."""
    for item in order.items:
        if item.item_id not in item_ids:
            continue
        variants = [v for v in order.variants if v.product_id == item.product_id]
        for key, values in option_mentions(text, variants).items():
            if any(value != item.options.get(key) for value in values):
                return True
    return False


def item_change_for(
    text: str, order_ids: Iterable[str], context: UnderstandingContext, products: Iterable[str] = ()
) -> Intent | None:
    """The item change `text` asks for on one of `order_ids` (the verified customer's own), if any.
    Before verification the orders are unknown: a product of the catalog (`products`, those the whole
    message names) named with an order and a change is an item change (the order's status decides
    which kind once it is known)."""
    order_ids = list(order_ids)
    if not context.customer_id:
        low = text.lower()
        in_catalog = any(p.lower() in low for p in products)
        cue = CHANGE_WORDS.search(text) or PRICE_DIFFERENCE.search(text)
        return Intent.MODIFY_ITEMS if order_ids and in_catalog and cue else None
    if not order_ids and _ASKED_CHANGE.search(text) and not _NOT_A_CHANGE.search(text):
        # "can i get the yoga mat in blue instead": the one order of theirs holding the named item
        holding = [
            o.order_id
            for o in context.orders
            if o.status in ("pending", "delivered") and resolve_items(text, o.items).reason.startswith("name")
        ]
        order_ids = holding if len(holding) == 1 else []
    for oid in order_ids:
        order = context.order(oid)
        if order is None or order.status not in ("pending", "delivered"):
            continue
        named = resolve_items(text, order.items)
        if not named.reason.startswith("name") or not named.item_ids:
            continue
        change = bool(CHANGE_WORDS.search(text) or PRICE_DIFFERENCE.search(text))
        if not change and not _NOT_A_CHANGE.search(text):
            change = _wants_other_value(text, order, named.item_ids)
        if change:
            return Intent.MODIFY_ITEMS if order.status == "pending" else Intent.EXCHANGE_ITEMS
    return None
