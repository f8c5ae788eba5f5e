"""Sentences that start with the request itself: "Return #W1 via my card: Action Camera; Backpack."

A sentence that opens with "return", "send back", "exchange" or "cancel" (after a greeting or "for
order #W1,") and names an order is that request, however the classifier read its clauses (a list
split at ";" reads as answers or a payment change), up to a ";" clause that names another order. An exchange of a pending order is an item
change. Reads the orders' statuses from the `UnderstandingContext`; knows nothing of the flows.
"""

from __future__ import annotations

import re

from shopkeeper.understanding.entities import extract_order_ids
from shopkeeper.understanding.intents import REQUEST_KINDS, Intent
from shopkeeper.understanding.models import IntentScore, Understanding, UnderstandingContext

__all__ = ["as_commanded"]

_COMMAND = re.compile(
    r"(?:(?:hi|hello|hey|yo|so|ok|okay|also|and|then|please|pls|plz)\b[,!]?\s+)*"
    r"(?:for\s+(?:order\s+)?#?\s*w?-?\d{7}\s*,?\s*)?(?:please\s+|pls\s+)?"
    r"(?P<verb>return|send back|exchange|cancel)\b",
    re.I,
)
_COMMANDED = {"return": Intent.RETURN_ITEMS, "send back": Intent.RETURN_ITEMS, "cancel": Intent.CANCEL_ORDER}


def _commands(text: str, context: UnderstandingContext) -> list[tuple[int, int, Intent]]:
    """Sentences that start with the request itself and name an order: "Return #W1 via my card: Action
    Camera; Backpack." (start, end, intent). The verb says what the whole sentence asks, however the
    classifier read its clauses (a list split at ";" reads as answers or a payment change)."""
    found = []
    begins = [0, *(m.end() for m in re.finditer(r"(?<=[.!?])\s+", text))]
    for b, e in zip(begins, [*begins[1:], len(text)], strict=True):
        m = _COMMAND.match(text, b)
        ids = extract_order_ids(text[b:e])
        if m is None or not ids:
            continue
        e = _own_end(text, b, e)
        ids = extract_order_ids(text[b:e])
        verb = m.group("verb").lower()
        if verb == "exchange":
            intent = next(
                (
                    Intent.MODIFY_ITEMS if o.status == "pending" else Intent.EXCHANGE_ITEMS
                    for o in map(context.order, ids)
                    if o is not None
                ),
                Intent.EXCHANGE_ITEMS,
            )
        else:
            intent = _COMMANDED[verb]
        found.append((b, e, intent))
    return found


# A clause that opens with a request of its own: "... and also change the address on it", "... and
# exchange the mug too"
_OWN_REQUEST = re.compile(
    r"(?:(?:and|also|then|plus|please|pls|i'?d like to|i want to|i need to|can you|could you)\s+)*"
    r"(?:change|update|modify|edit|fix|exchange|swap|switch|replace|return|send back|refund|cancel)\b",
    re.I,
)
_ITEM_CHANGES = (Intent.MODIFY_ITEMS, Intent.EXCHANGE_ITEMS)


def _asks_another(s: IntentScore, commanded: Intent, at: int) -> bool:
    """A later clause of the commanding sentence, read as another kind of request and opening with
    a request verb of its own: a second request, not a part of the first."""
    same = s.intent == commanded or (s.intent in _ITEM_CHANGES and commanded in _ITEM_CHANGES)
    return (
        at > 0
        and not same
        and s.intent != Intent.MODIFY_PAYMENT  # "use my card" in a list of items: read as a detail
        and s.confidence >= 0.45
        and _OWN_REQUEST.match(s.span.strip()) is not None
    )


def _own_end(text: str, b: int, e: int) -> int:
    """Where the command in `text[b:e]` ends: before a ";"-separated clause that names an order the
    command has not named ("Return #W1 via my card: Boots; For #W2, exchange the charger ...")."""
    own: set[str] = set()
    start = b
    for m in [*re.finditer(r";\s*", text[b:e]), None]:
        end = b + m.start() if m is not None else e
        named = set(extract_order_ids(text[start:end]))
        if own and named - own:
            return start
        own |= named
        if m is not None:
            start = b + m.end()
    return e


def as_commanded(
    u: Understanding, context: UnderstandingContext, kept: list[IntentScore]
) -> list[IntentScore]:
    """The intents read in a commanding sentence are that sentence's request (added when none was read)."""
    out = list(kept)
    for b, e, intent in _commands(u.text, context):
        sentence = u.text[b:e].strip()
        # the whole message's reading is about this sentence when no other one names an order
        whole = set(u.entities.order_ids) <= set(extract_order_ids(sentence))
        inside = [
            k
            for k, s in enumerate(out)
            if s.intent in REQUEST_KINDS
            and (b <= u.text.find(s.span) < e if s.span != u.text else whole)
            and not _asks_another(s, intent, u.text.find(s.span) - b)
        ]
        if not inside:
            out.append(IntentScore(intent=intent, confidence=0.0, span=sentence, source="rule"))
            continue
        for k in inside:
            out[k] = IntentScore(intent=intent, confidence=out[k].confidence, span=sentence, source="rule")
    return out
