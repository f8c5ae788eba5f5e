"""Which requests a message makes, each with its part of the message: `read_requests`.

The classifier scores each clause; this module decides what counts, using what the conversation
knows (`UnderstandingContext`: the verified customer's orders with their items and their products'
variants, the request being served and the question we asked): a lower bar for a request that names
an order or product, the customer's answer to our own question not mistaken for a new request, "use
my card for the price difference" read as an item change rather than a payment change (and starting
at the sentence that says what changes), and an item change recognised from an order, one of its
items and a wanted option even when the classifier missed it: in the whole message, in one sentence
of a long one, or in a clause it read as a payment change that names no payment method
(`item_changes.py`: typo-tolerant names, "-> 1.5l", "diff on gc"). A sentence that starts with the
request ("Return #W1 via my card: Camera; Backpack.") is that request however its clauses read, who
pays a price difference is never a policy question, and a change of mind drops what came before it.
It proposes requests; the flows decide what to do with them. Knows nothing of the flows or the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from shopkeeper.understanding.change_of_mind import after_change_of_mind
from shopkeeper.understanding.classifier import Fallback, IntentClassifier
from shopkeeper.understanding.commands import as_commanded
from shopkeeper.understanding.entities import extract_order_ids, extract_payment_methods
from shopkeeper.understanding.intents import HANDOFF_INTENTS as HANDOFF
from shopkeeper.understanding.intents import POLICY_INTENTS, REQUEST_KINDS, Intent
from shopkeeper.understanding.item_changes import CHANGE_WORDS, PRICE_DIFFERENCE, item_change_for
from shopkeeper.understanding.models import (
    IntentScore,
    RequestReading,
    Understanding,
    UnderstandingContext,
)
from shopkeeper.understanding.order_clauses import by_order
from shopkeeper.understanding.understand import understand

__all__ = ["read_requests"]


@dataclass(frozen=True)
class _Message:
    """The message being read: its whole reading, the context, and how a part of it reads alone."""

    u: Understanding
    context: UnderstandingContext
    read: Callable[[str], Understanding]

    @property
    def text(self) -> str:
        return self.u.text


_ANSWERS = (Intent.PROVIDE_INFO, Intent.AFFIRM, Intent.DENY)
_ITEM_CHANGES = (Intent.MODIFY_ITEMS, Intent.EXCHANGE_ITEMS)
_RETURNS = (Intent.RETURN_ITEMS, Intent.REQUEST_REFUND)
_PRICE_CLAUSE_INTENTS = (Intent.MODIFY_PAYMENT, *_ITEM_CHANGES)
_METHOD_WORDS = re.compile(r"\b(pay|paid|payment|paypal|gift card|credit card|debit card)\b", re.I)
_NOT_A_CHANGE = re.compile(r"\b(return|refund|cancel|address|pay for|paid)\b", re.I)
_ANSWERED_BY = {
    "payment_method": (Intent.MODIFY_PAYMENT,),
    "address": (Intent.MODIFY_ORDER_ADDRESS, Intent.CHANGE_DEFAULT_ADDRESS),
    "new_items": (Intent.MODIFY_ITEMS, Intent.EXCHANGE_ITEMS),
    "items": (Intent.MODIFY_ITEMS, Intent.EXCHANGE_ITEMS, Intent.RETURN_ITEMS),
}
# Words without which a cancellation or a status question read by the classifier is doubtful.
_OWN_WORDS = {
    Intent.CANCEL_ORDER: re.compile(
        r"\b(cancel\w*|call(ing)? (it )?off|scrap|stop|no longer|don'?t (want|need))\b", re.I
    ),
    Intent.ORDER_STATUS: re.compile(
        r"\b(where|status|track\w*|when|arriv\w*|deliver\w*|ship\w*|how long)\b", re.I
    ),
}
# Without an order or a product named, an item change must say it changes something.
_CHANGE_WORDS = re.compile(
    r"\b(chang\w*|modif\w*|swap\w*|switch\w*|exchang\w*|replac\w*|different|instead|another|other"
    r"|upgrad\w*|downgrad\w*|size|colou?r|version|variant|edit\w*|update\w*|wrong|fit)\b",
    re.I,
)
# A hand-off loses the conversation to the queue for a person: the classifier alone is not enough,
# the message must also speak of a person or of reaching us ("heya, <email> here" once read as one).
_HANDOFF_WORDS = re.compile(
    r"\b(human|person|people|agent|someone|somebody|representative|rep|operator|manager|supervisor"
    r"|staff|employee|support|service|call|phone|contact|reach|live|real|escalat\w*|bot)\b",
    re.I,
)
_REPLACEMENT = re.compile(r"\b(replac\w*|swap\w*|exchang\w*)\b", re.I)
_MONEY_BACK = re.compile(r"\b(refund\w*|money|return\w*|send\w* (it |them )?back|reimburs\w*)\b", re.I)


def _replacement(span: str, text: str) -> bool:
    """A return or refund read in words that ask for another item and say nothing of money back."""
    return bool(_REPLACEMENT.search(span)) and not _MONEY_BACK.search(text)


_SENTENCE = re.compile(r"[.!?]\s+|\bAlso:\s*")


def _item_change_for(msg: _Message, part: str | None = None) -> Intent | None:
    """An item change implied by naming an order of ours, one of its items and a wanted change (in
    `part` of the message, by default all of it)."""
    if part is None:
        return item_change_for(msg.text, msg.u.entities.order_ids, msg.context, msg.u.entities.products)
    return item_change_for(part, extract_order_ids(part), msg.context, msg.u.entities.products)


def _own_start(text: str, start: int, earlier: int) -> int:
    """Where a request whose first recognised clause is at `start` begins: at the sentence before it
    that names an order the text since `earlier` (the request before) has not named yet. "Also: on
    order #W2 I'd like the kettle as 2L. Use my Visa for the price difference." starts at "Also"."""
    begins = [earlier] + [m.end() for m in _SENTENCE.finditer(text, earlier, start) if m.end() < start]
    for b in reversed(begins[1:]):
        sentence = text[b : next((e for e in begins if e > b), start)]
        if set(extract_order_ids(sentence)) - set(extract_order_ids(text[earlier:b])):
            return b
    return start


def _payment_is_item_change(msg: _Message, span: str) -> Intent | None:
    """A clause read as a payment change that names no payment method but an item of the order and
    what it should become ("On order #W1 I'd like the camera in 3x zoom instead"): an item change."""
    if _METHOD_WORDS.search(span) or extract_payment_methods(span):
        return None
    return _item_change_for(msg, span)


def _missed_changes(msg: _Message, starts: list[int], intents: list[Intent]) -> list[tuple[int, Intent, str]]:
    """Item changes the classifier missed inside another request's part of a long message: a
    sentence that names an order, a product and a change ("Also: on order #W2 I'd like the kettle
    changed to 2L."), where no request was recognised, about an order its request has not named."""
    text, found = msg.text, []
    seps = list(_SENTENCE.finditer(text))
    # (where the separator before the sentence starts, where the sentence starts, where it ends)
    bounds = [(0, 0), *((m.start(), m.end()) for m in seps)]
    for (lead, begin), end in zip(bounds, [*(m.start() for m in seps), len(text)], strict=True):
        sentence = text[begin:end].strip()
        named = set(extract_order_ids(sentence))
        if not named or any(lead <= st < end for st in starts) or _NOT_A_CHANGE.search(sentence):
            continue
        enclosing = max(
            (k for k, st in enumerate(starts) if 0 <= st < begin), key=starts.__getitem__, default=None
        )
        earlier = text[starts[enclosing] : begin] if enclosing is not None else ""
        if (
            enclosing is not None
            and intents[enclosing] in _ITEM_CHANGES
            and named <= set(extract_order_ids(earlier))
        ):
            continue  # more about the change already asked for
        if msg.context.customer_id:
            intent = _item_change_for(msg, sentence)
        else:  # before verification: the order's items are unknown, its status decides later
            products = [p.lower() for p in msg.u.entities.products]
            change = CHANGE_WORDS.search(sentence) and any(p in sentence.lower() for p in products)
            intent = Intent.MODIFY_ITEMS if change else None
        if intent is not None:
            found.append((begin, intent, sentence))
    return found


_IDENTITY = re.compile(
    r"\b(?:(?:my\s+)?names?:?|name'?s|name is|i'?m|it'?s|this is)\s+[a-z'-]+(?:\s+[a-z'-]+)?\s*,?"
    r"|\b(?:zip|postal)(?:\s*code)?\s*(?:is\s*)?:?\s*\d{5}\b\s*,?"
    r"|(?:\b(?:my\s+)?e-?mail(?:\s+address)?(?:\s+is)?\s*:?\s*)?\S+@\S+\s*,?",
    re.I,
)


def _requests_in(msg: _Message, words: str) -> list[tuple[Intent, str]]:
    """The requests `words` (a part of the message) make when read on their own; identity details
    given there ("names grace garcia, zip 12345 cancel #W1") are read by the identity flow and
    left out here, so the request is not mistaken for an answer (a new address's zip is no identity)."""
    u = msg.read(words)
    address_zip = u.entities.address.zip if u.entities.address else None
    if (u.entities.name or set(u.entities.zip_codes) - {address_zip} or u.entities.emails) and (
        rest := _IDENTITY.sub(" ", words).strip(" ,.")
    ):
        u = msg.read(rest)
    need = 0.15 if u.entities.order_ids or u.entities.products else 0.45
    found = [(s.intent, words) for s in u.intents if s.intent in REQUEST_KINDS and s.confidence >= need]
    # "order #W1: the camera in 3x zoom, diff on paypal": who pays the difference of an item change
    # is no payment change of its own
    paying = bool(found) and found[0][0] == Intent.MODIFY_PAYMENT and bool(PRICE_DIFFERENCE.search(words))
    if (not found or paying) and (
        change := item_change_for(words, u.entities.order_ids, msg.context, msg.u.entities.products)
    ) is not None:
        found = [(change, words)]
    return found[:1]


def _parts(text: str, starts: list[int]) -> list[str]:
    """Each request's part of the message: from where it starts to where the next request starts."""
    known = sorted({p for p in starts if p >= 0})
    out = []
    for p in starts:
        if p < 0:
            out.append(text)
            continue
        end = next((q for q in known if q > p), len(text))
        out.append(text[p:end].strip())
    return out


def _change_for(msg: _Message) -> Intent:
    return _item_change_for(msg) or (
        Intent.EXCHANGE_ITEMS if re.search(r"\bexchang", msg.text, re.I) else Intent.MODIFY_ITEMS
    )


def _read(msg: _Message, policy_intents: Collection[Intent]) -> list[tuple[Intent, str]]:
    """The intents acted on, requests in the order written, each with its part of the message."""
    u = msg.u
    specific = bool(u.entities.order_ids or u.entities.products)
    top = u.intents[0] if u.intents else None
    kept = []
    for s in u.intents:
        need = 0.45
        if s.intent in HANDOFF:
            need = 0.6 if _HANDOFF_WORDS.search(s.span or msg.text) else 0.95
        if s.intent in REQUEST_KINDS:
            need = 0.15 if specific else (0.2 if s is top else need)
        if s is top and s.intent in _RETURNS and _replacement(s.span or msg.text, msg.text):
            need = 0.15  # "I'd need a replacement please": read as an exchange below, however unsure
        if s.intent in _ITEM_CHANGES and not specific and not _CHANGE_WORDS.search(s.span or msg.text):
            need = 0.95  # "i need help with my order" asks for help, not for an item change
        if s.intent in policy_intents and PRICE_DIFFERENCE.search(s.span or "") and "?" not in s.span:
            continue  # "any difference can go on PayPal" says who pays for a change; it asks nothing
        if s.confidence >= need:
            kept.append(s)
    kept = as_commanded(msg.u, msg.context, kept)
    kept = by_order(msg.text, kept, lambda words: next((i for i, _ in _requests_in(msg, words)), None))
    # Requests in the order the customer wrote them; the rest by confidence.
    position = {
        id(s): (msg.text.find(s.span) if s.span and s.intent in REQUEST_KINDS else 10**6) for s in kept
    }
    ordered = sorted(kept, key=lambda s: (position[id(s)], -s.confidence))
    starts = [position[id(s)] if position[id(s)] < 10**6 else -1 for s in ordered]
    # "Use my Visa for the price difference" belongs to an item change, not a payment change: the
    # change asked for in the sentences before it, when no request of its own was recognised there.
    # Recognised as the item change itself, it still starts at those sentences, which say what changes.
    intents: list[Intent] = []
    for k, s in enumerate(ordered):
        if s.intent in _PRICE_CLAUSE_INTENTS and PRICE_DIFFERENCE.search(s.span or "") and starts[k] >= 0:
            earlier = max((st for st in starts[:k] if 0 <= st < starts[k]), default=None)
            # The first request recognised: the sentences before it belong to no other one.
            own = 0 if earlier is None else _own_start(msg.text, starts[k], earlier)
            if own == starts[k] and intents and intents[-1] in _ITEM_CHANGES:
                intents.append(intents[-1])  # the item change just before it, recognised on its own
                continue
            starts[k] = own
            if s.intent != Intent.MODIFY_PAYMENT:
                intents.append(s.intent)
                continue
            end = next((st for st in sorted(starts) if st > starts[k]), len(msg.text))
            intents.append(_item_change_for(msg, msg.text[starts[k] : end]) or _change_for(msg))
        elif (
            s.intent == Intent.MODIFY_PAYMENT
            and starts[k] >= 0
            and (change := _payment_is_item_change(msg, s.span))
        ) or (  # "On my pending order #W1 I'd like the puzzle in 500 pieces instead", read as a status;
            # "order #w1: hiikng pants -> grey, diff on pp", read as a cancellation or a status
            s.intent in _OWN_WORDS
            and (s.confidence < 0.8 or not _OWN_WORDS[s.intent].search(s.span or ""))
            and starts[k] >= 0
            and (change := _item_change_for(msg, s.span))
        ):
            intents.append(change)
        elif s.intent in _RETURNS and _replacement(s.span or msg.text, msg.text):
            intents.append(Intent.EXCHANGE_ITEMS)  # "i want a replacement" asks for an item, not money
        else:
            intents.append(s.intent)
    for begin, intent, sentence in _missed_changes(msg, starts, intents):
        k = next((j for j, st in enumerate(starts) if st > begin or st < 0), len(starts))
        ordered.insert(k, IntentScore(intent=intent, confidence=0.0, span=sentence, source="rule"))
        intents.insert(k, intent)
        starts.insert(k, begin)
    # The whole message read as an item change, when a clause of it is that change: one request.
    changes = [k for k, i in enumerate(intents) if i in _ITEM_CHANGES and starts[k] >= 0]
    whole = [k for k in changes if ordered[k].span == msg.text]
    if whole and len(changes) > 1:
        starts[whole[0]] = -2
    # Likewise a return: the whole message read as a refund request, a clause of it as the return.
    returns = [k for k, i in enumerate(intents) if i in _RETURNS and starts[k] >= 0]
    whole = [k for k in returns if ordered[k].span == msg.text]
    if whole and len(returns) > 1:
        starts[whole[0]] = -2
    # A change request's "use my card for the price difference" clause stays with the change.
    # So does "refund it to my gift card" after a return or a cancellation, when it names no order of
    # its own.
    for k in range(len(intents) - 1, 0, -1):
        detail = (intents[k] == intents[k - 1] and PRICE_DIFFERENCE.search(ordered[k].span or "")) or (
            intents[k] == Intent.REQUEST_REFUND
            and intents[k - 1] in (Intent.RETURN_ITEMS, Intent.CANCEL_ORDER)
            and not extract_order_ids(ordered[k].span or "")
        )
        if detail and starts[k] >= 0:
            starts[k] = -2
    parts = _parts(msg.text, [st if st != -2 else -1 for st in starts])
    pairs = [(i, p) for i, p, st in zip(intents, parts, starts, strict=True) if st != -2]
    if not any(i in REQUEST_KINDS for i, _ in pairs) and (implied := _item_change_for(msg)) is not None:
        # "can i get the yoga mat in blue instead" asks for a change of their own item, not the catalog
        pairs = [
            (implied, msg.text),
            *((i, p) for i, p in pairs if (i, p) != (Intent.PRODUCT_QUESTION, msg.text)),
        ]
    pending = msg.context.pending
    asked = pending.asked
    if asked and (pending.kind is not None or pending.proposal):
        active = pending.kind
        confident = {s.intent for s in kept if s.confidence >= 0.8}
        current = pending.order_id
        other_order = bool(set(u.entities.order_ids) - {current})
        names_order = bool(u.entities.order_ids)
        # A payment method or an address given as the answer to our own question is that answer, not a
        # request to change another order's payment or address (unless the message names another order).
        answered = _ANSWERED_BY.get(asked, ())
        pairs = [
            (i, p)
            for i, p in pairs
            if i in HANDOFF
            or (
                i in REQUEST_KINDS
                and REQUEST_KINDS[i] != active
                and (i in confident or names_order)
                # asked which order a change is for, a request is that answer's words ("the one I
                # want to return"); asked which order to look up, it is a request of its own
                and (asked != "order_id" or active == "order_status")
                and (i not in answered or other_order)
            )
            or (i in policy_intents and "?" in msg.text)
        ]
    pairs = after_change_of_mind(msg.text, pairs, lambda words: _requests_in(msg, words))
    seen: list[tuple[Intent, str]] = []
    for i, p in pairs:
        if i in _ANSWERS:
            continue
        if i in REQUEST_KINDS and any(
            j == i and set(extract_order_ids(q)) == set(extract_order_ids(p)) for j, q in seen
        ):
            continue  # the same request twice (two clauses about one order)
        if i not in REQUEST_KINDS and any(j == i for j, _ in seen):
            continue
        seen.append((i, p))
    return seen


def read_requests(
    u: Understanding,
    context: UnderstandingContext,
    *,
    fallback: Fallback | None = None,
    classifier: IntentClassifier | None = None,
) -> tuple[RequestReading, ...]:
    """The requests the message read as `u` makes, in the order written, each with its part of the
    message: account requests (`REQUEST_KINDS`), hand-offs (`HANDOFF_INTENTS`) and questions (policy
    questions, `POLICY_INTENTS`, among them). A part read on its own is read with the same `context` (rules only)."""

    def read(words: str) -> Understanding:
        return understand(words, context, fallback=fallback, classifier=classifier)

    pairs = _read(_Message(u, context, read), POLICY_INTENTS)
    return tuple(RequestReading(intent=i, part=p, order_ids=tuple(extract_order_ids(p))) for i, p in pairs)
