"""Cues: the small words that steer a request without naming anything (`Understanding.cues`).

"refund it to the card I used originally", "the same one", "the bag is missing", "only the lamp",
"the other helmet too", "cancel it", "all my pending orders", "#W1 oops no #W2": none of these is an
entity, yet each decides what a request does. `read_cues(text, order_ids, statuses)` reads them into a
`Cues` record, so the flows consume typed facts instead of matching the message with regexes of
their own. A pure function of the text: the caller passes the orders the message names (to settle a
correction) and the order statuses it may name; it knows nothing about flows, customers or the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from shopkeeper.understanding import pointing
from shopkeeper.understanding.models import Cues
from shopkeeper.understanding.orders import ALL_ORDERS, HISTORY, SEVERAL_ORDERS

__all__ = ["ORDER_STATUSES", "read_cues"]

# The statuses an order can have (before any parenthesised remark: "pending (item modified)")
ORDER_STATUSES = ("pending", "processed", "delivered", "cancelled", "return requested", "exchange requested")

# A payment method written as the store names it: "credit_card_4421", "paypal_88", "gift_card_7"
_METHOD_ID = re.compile(r"\b((?:credit_card|paypal|gift_card)_\d+)\b")
# "the card I used originally", "og card", "same payment", "how I paid": the order's own method
_ORIGINAL = re.compile(
    r"\b(original(?:ly)?|og (?:card|method|payment)|same (card|method|payment|account)|how i paid|paid (?:with|for it)|i used)\b",
    re.I,
)
# "the same one", "identical", "keep it as is": a replacement like the item it replaces
_SAME = re.compile(
    r"\b(the )?same (one|item|variant|version|model|thing|options?|specs?|configuration|settings)\b"
    r"|\bidentical\b|\bkeep (it|that one) as is\b|\blike for like\b",
    re.I,
)
# "the bag is missing", "you forgot the bag"
_MISSING = re.compile(r"\b(?:is|are) (?:missing|left out)\b|\byou (?:forgot|missed|left out)\b", re.I)
# "the bag is missing", "the bag too": an item added to the ones chosen
_ADDS = re.compile(_MISSING.pattern + r"|\b(?:too|also|as well|plus|and the)\b", re.I)
_ONLY = re.compile(r"\b(?:only|just)\b", re.I)
# "the other helmet", "both helmets": a second line of a product already chosen
_OTHER = re.compile(r"\b(?:other|another|both|second|two)\b", re.I)
# Words that take back what was just said: "#W1 oops no #W2", "#W1, sorry, I mean #W2".
_CORRECTION = re.compile(
    r"\b(?:oops|sorry|no|nope|wait|actually|i mean|i meant|rather|correction|scratch that|not that)\b", re.I
)


def _statuses_named(text: str, statuses: Iterable[str]) -> tuple[str, ...]:
    """The order statuses `text` names word for word ("my pending orders": "pending")."""
    bases = dict.fromkeys(s.split(" (")[0].lower() for s in [*ORDER_STATUSES, *statuses] if s)
    return tuple(s for s in bases if re.search(rf"\b{re.escape(s)}\b", text, re.I))


def _corrected_to(text: str, order_ids: Sequence[str]) -> str | None:
    """The order a message settles on when it names one and then takes it back for another."""
    at = sorted((m.start(), oid) for oid in order_ids if (m := re.search(oid.lstrip("#W"), text)))
    if len(at) < 2:
        return None
    (before, _), (last, settled) = at[-2], at[-1]
    return settled if _CORRECTION.search(text, before, last) else None


def read_cues(text: str, order_ids: Sequence[str] = (), statuses: Iterable[str] = ()) -> Cues:
    """The cues in `text` (a message or a part of it). `order_ids` are the orders it names (the
    customer's own, when known), for `corrected_order`; `statuses` are order statuses it may name
    beyond the usual ones."""
    missing = bool(_MISSING.search(text))
    return Cues(
        method_ids=tuple(_METHOD_ID.findall(text)),
        original_method=bool(_ORIGINAL.search(text)),
        same_item=bool(_SAME.search(text)),
        missing=missing,
        adds_items=missing or bool(_ADDS.search(text)),
        only=bool(_ONLY.search(text)),
        other=bool(_OTHER.search(text)),
        points_back=bool(pointing.AT_ORDER.search(text)),  # "cancel it", "return that one"
        all_orders=bool(ALL_ORDERS.search(text)),
        several_orders=bool(SEVERAL_ORDERS.search(text)),
        history=bool(HISTORY.search(text)),
        statuses=_statuses_named(text, statuses),
        corrected_order=_corrected_to(text, order_ids) if len(order_ids) > 1 else None,
    )
