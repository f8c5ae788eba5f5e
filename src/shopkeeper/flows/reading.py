"""Which of the understanding layer's intent proposals a turn acts on.

The classifier scores each clause; this module decides what counts, using what the conversation
knows: a lower bar for a request that names an order or product, the customer's answer to our own
question not mistaken for a new request, "use my card for the price difference" read as an item
change rather than a payment change (and starting at the sentence that says what changes), and an
item change recognised from an order, one of its items and a wanted option even when the classifier
missed it: in the whole message, in one sentence of a long one, or in a clause it read as a payment
change that names no payment method (`item_changes.py`: typo-tolerant names, "-> 1.5l", "diff on gc").
A sentence that starts with the request ("Return #W1 via my card: Camera; Backpack.") is that request
however its clauses read, who pays a price difference is never a policy question, and a change of
mind drops what came before it. Each request gets its part of the message. It proposes intents; it
decides nothing else.
"""

from __future__ import annotations

import re

from shopkeeper.flows.item_changes import CHANGE_WORDS, PRICE_DIFFERENCE, item_change_for
from shopkeeper.flows.state import TaskKind
from shopkeeper.flows.turn import Turn
from shopkeeper.understanding import Intent, IntentScore
from shopkeeper.understanding.entities import extract_order_ids, extract_payment_methods

__all__ = ["HANDOFF", "TASKS", "read_intents"]

TASKS: dict[Intent, TaskKind] = {
    Intent.ORDER_STATUS: "order_status",
    Intent.REFUND_STATUS: "order_status",
    Intent.CANCEL_ORDER: "cancel",
    Intent.MODIFY_ITEMS: "modify_items",
    Intent.MODIFY_ORDER_ADDRESS: "modify_address",
    Intent.MODIFY_PAYMENT: "modify_payment",
    Intent.RETURN_ITEMS: "return",
    Intent.REQUEST_REFUND: "return",
    Intent.EXCHANGE_ITEMS: "exchange",
    Intent.CHANGE_DEFAULT_ADDRESS: "change_default_address",
}
HANDOFF = (Intent.HUMAN_AGENT, Intent.CONTACT_SUPPORT)
ANSWERS = (Intent.PROVIDE_INFO, Intent.AFFIRM, Intent.DENY)
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
# A hand-off loses the conversation to the queue for a person: the classifier alone is not enough,
# the message must also speak of a person or of reaching us ("heya, <email> here" once read as one).
_HANDOFF_WORDS = re.compile(
    r"\b(human|person|people|agent|someone|somebody|representative|rep|operator|manager|supervisor"
    r"|staff|employee|support|service|call|phone|contact|reach|live|real|escalat\w*|bot)\b",
    re.I,
)
_SENTENCE = re.compile(r"[.!?]\s+|\bAlso:\s*")


def _item_change_for(turn: Turn, part: str | None = None) -> Intent | None:
    """An item change implied by naming an order of ours, one of its items and a wanted change (in
    `part` of the message, by default all of it)."""
    if part is None:
        return item_change_for(turn, turn.text, turn.u.entities.order_ids)
    return item_change_for(turn, part, extract_order_ids(part))


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


def _payment_is_item_change(turn: Turn, span: str) -> Intent | None:
    """A clause read as a payment change that names no payment method but an item of the order and
    what it should become ("On order #W1 I'd like the camera in 3x zoom instead"): an item change."""
    if _METHOD_WORDS.search(span) or extract_payment_methods(span):
        return None
    return _item_change_for(turn, span)


def _missed_changes(turn: Turn, starts: list[int], intents: list[Intent]) -> list[tuple[int, Intent, str]]:
    """Item changes the classifier missed inside another request's part of a long message: a
    sentence that names an order, a product and a change ("Also: on order #W2 I'd like the kettle
    changed to 2L."), where no request was recognised, about an order its request has not named."""
    text, found = turn.text, []
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
        if turn.state.customer_id:
            intent = _item_change_for(turn, sentence)
        else:  # before verification: the order's items are unknown, its status decides later
            products = [p.lower() for p in turn.u.entities.products]
            change = CHANGE_WORDS.search(sentence) and any(p in sentence.lower() for p in products)
            intent = Intent.MODIFY_ITEMS if change else None
        if intent is not None:
            found.append((begin, intent, sentence))
    return found


_CHANGE_OF_MIND = re.compile(
    r"\b(?:wait,? no|no,? wait|actually,? no|no,? sorry|sorry,? (?:i mean|no)|scratch that|forget (?:that|it)"
    r"|never ?mind(?: that)?|nvm|on second thought|i changed my mind|change of plans?)\b",
    re.I,
)


_IDENTITY = re.compile(
    r"\b(?:(?:my\s+)?names?|name'?s|name is|i'?m|it'?s|this is)\s+[a-z'-]+(?:\s+[a-z'-]+)?\s*,?"
    r"|\b(?:zip|postal)(?:\s*code)?\s*(?:is\s*)?:?\s*\d{5}\b\s*,?|\S+@\S+\s*,?",
    re.I,
)


def _requests_in(turn: Turn, words: str) -> list[tuple[Intent, str]]:
    """The requests `words` (a part of the message) make when read on their own; identity details
    given there ("names grace garcia, zip 12345 cancel #W1") are read by the identity flow and
    left out here, so the request is not mistaken for an answer."""
    u = turn.reread(words, turn.state)
    if (u.entities.name or u.entities.zip_codes or u.entities.emails) and (
        rest := _IDENTITY.sub(" ", words).strip(" ,.")
    ):
        u = turn.reread(rest, turn.state)
    need = 0.15 if u.entities.order_ids or u.entities.products else 0.45
    found = [(s.intent, words) for s in u.intents if s.intent in TASKS and s.confidence >= need]
    if not found and (change := item_change_for(turn, words, u.entities.order_ids)) is not None:
        found = [(change, words)]
    return found[:1]


def _after_change_of_mind(turn: Turn, pairs: list[tuple[Intent, str]]) -> list[tuple[Intent, str]]:
    """ "I need a new address on an order. Wait, no, sorry. I'd like to cancel #W1": the requests
    before the change of mind are dropped when another request follows it. When none was read after
    it (one long clause: "gotta change the shipping addy actually no names olivia ito, zip 80218
    cancel #w1 pls"), the words after it are read on their own; identity details there don't matter."""
    text = turn.text
    marks = list(_CHANGE_OF_MIND.finditer(text))
    if not marks:
        return pairs
    last = marks[-1]
    stop = re.compile(r"[.!?]").search(text, last.end())
    boundary = (stop.start() if stop else len(text)) + 1  # the end of the sentence that changes its mind
    spans = [(text.find(p), text.find(p) + len(p)) if p != text else (-1, -1) for _, p in pairs]
    before = [0 <= a < last.start() and b <= boundary for a, b in spans]
    if any(
        i in TASKS and b >= 0 and not gone for (i, _), (_, b), gone in zip(pairs, spans, before, strict=True)
    ):
        return [(i, p) for (i, p), gone in zip(pairs, before, strict=True) if not (i in TASKS and gone)]
    if not any(i in TASKS for i, _ in pairs):
        return pairs
    after = _requests_in(turn, text[last.end() :].strip(" ,.!?"))
    if not after:
        return pairs
    # the requests read before the change of mind, or in the whole message, give way to it
    return [
        (i, p)
        for (i, p), gone, (a, _) in zip(pairs, before, spans, strict=True)
        if not (i in TASKS and (gone or a < 0))
    ] + after


_COMMAND = re.compile(
    r"(?:(?:hi|hello|hey|yo|so|ok|okay|also|and|then|please|pls|plz)\b[,!]?\s+)*"
    r"(?:for\s+(?:order\s+)?#?\s*w?-?\d{7}\s*,?\s*)?(?:please\s+|pls\s+)?"
    r"(?P<verb>return|send back|exchange|cancel)\b",
    re.I,
)
_COMMANDED = {"return": Intent.RETURN_ITEMS, "send back": Intent.RETURN_ITEMS, "cancel": Intent.CANCEL_ORDER}


def _commands(turn: Turn) -> list[tuple[int, int, Intent]]:
    """Sentences that start with the request itself and name an order: "Return #W1 via my card: Action
    Camera; Backpack." (start, end, intent). The verb says what the whole sentence asks, however the
    classifier read its clauses (a list split at ";" reads as answers or a payment change)."""
    text, found = turn.text, []
    begins = [0, *(m.end() for m in re.finditer(r"(?<=[.!?])\s+", text))]
    for b, e in zip(begins, [*begins[1:], len(text)], strict=True):
        m = _COMMAND.match(text, b)
        ids = extract_order_ids(text[b:e])
        if m is None or not ids:
            continue
        verb = m.group("verb").lower()
        if verb == "exchange":
            intent = next(
                (
                    Intent.MODIFY_ITEMS if o.status == "pending" else Intent.EXCHANGE_ITEMS
                    for o in map(turn.order, ids)
                    if o is not None
                ),
                Intent.EXCHANGE_ITEMS,
            )
        else:
            intent = _COMMANDED[verb]
        found.append((b, e, intent))
    return found


def _as_commanded(turn: Turn, kept: list[IntentScore]) -> list[IntentScore]:
    """The intents read in a commanding sentence are that sentence's request (added when none was read)."""
    out = list(kept)
    for b, e, intent in _commands(turn):
        sentence = turn.text[b:e].strip()
        # the whole message's reading is about this sentence when no other one names an order
        whole = set(turn.u.entities.order_ids) <= set(extract_order_ids(sentence))
        inside = [
            k
            for k, s in enumerate(out)
            if s.intent in TASKS and (b <= turn.text.find(s.span) < e if s.span != turn.text else whole)
        ]
        if not inside:
            out.append(IntentScore(intent=intent, confidence=0.0, span=sentence, source="rule"))
            continue
        for k in inside:
            out[k] = IntentScore(intent=intent, confidence=out[k].confidence, span=sentence, source="rule")
    return out


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


def _change_for(turn: Turn) -> Intent:
    return _item_change_for(turn) or (
        Intent.EXCHANGE_ITEMS if re.search(r"\bexchang", turn.text, re.I) else Intent.MODIFY_ITEMS
    )


def read_intents(turn: Turn, policy_intents: set[Intent]) -> list[tuple[Intent, str]]:
    """The intents this turn acts on, requests in the order written, each with its part of the message."""
    u = turn.u
    specific = bool(u.entities.order_ids or u.entities.products)
    top = u.intents[0] if u.intents else None
    kept = []
    for s in u.intents:
        need = 0.45
        if s.intent in HANDOFF:
            need = 0.6 if _HANDOFF_WORDS.search(s.span or turn.text) else 0.95
        if s.intent in TASKS:
            need = 0.15 if specific else (0.2 if s is top else need)
        if s.intent in policy_intents and PRICE_DIFFERENCE.search(s.span or "") and "?" not in s.span:
            continue  # "any difference can go on PayPal" says who pays for a change; it asks nothing
        if s.confidence >= need:
            kept.append(s)
    kept = _as_commanded(turn, kept)
    # Requests in the order the customer wrote them; the rest by confidence.
    position = {id(s): (turn.text.find(s.span) if s.span and s.intent in TASKS else 10**6) for s in kept}
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
            own = 0 if earlier is None else _own_start(turn.text, starts[k], earlier)
            if own == starts[k] and intents and intents[-1] in _ITEM_CHANGES:
                intents.append(intents[-1])  # the item change just before it, recognised on its own
                continue
            starts[k] = own
            if s.intent != Intent.MODIFY_PAYMENT:
                intents.append(s.intent)
                continue
            end = next((st for st in sorted(starts) if st > starts[k]), len(turn.text))
            intents.append(_item_change_for(turn, turn.text[starts[k] : end]) or _change_for(turn))
        elif (
            s.intent == Intent.MODIFY_PAYMENT
            and starts[k] >= 0
            and (change := _payment_is_item_change(turn, s.span))
        ) or (  # "On my pending order #W1 I'd like the puzzle in 500 pieces instead", read as a status;
            # "order #w1: hiikng pants -> grey, diff on pp", read as a cancellation or a status
            s.intent in _OWN_WORDS
            and (s.confidence < 0.8 or not _OWN_WORDS[s.intent].search(s.span or ""))
            and starts[k] >= 0
            and (change := _item_change_for(turn, s.span))
        ):
            intents.append(change)
        else:
            intents.append(s.intent)
    for begin, intent, sentence in _missed_changes(turn, starts, intents):
        k = next((j for j, st in enumerate(starts) if st > begin or st < 0), len(starts))
        ordered.insert(k, IntentScore(intent=intent, confidence=0.0, span=sentence, source="rule"))
        intents.insert(k, intent)
        starts.insert(k, begin)
    # The whole message read as an item change, when a clause of it is that change: one request.
    changes = [k for k, i in enumerate(intents) if i in _ITEM_CHANGES and starts[k] >= 0]
    whole = [k for k in changes if ordered[k].span == turn.text]
    if whole and len(changes) > 1:
        starts[whole[0]] = -2
    # Likewise a return: the whole message read as a refund request, a clause of it as the return.
    returns = [k for k, i in enumerate(intents) if i in _RETURNS and starts[k] >= 0]
    whole = [k for k in returns if ordered[k].span == turn.text]
    if whole and len(returns) > 1:
        starts[whole[0]] = -2
    # A change request's "use my card for the price difference" clause stays with the change.
    # So does "refund it to my gift card" after a return, when it names no order of its own.
    for k in range(len(intents) - 1, 0, -1):
        detail = (intents[k] == intents[k - 1] and PRICE_DIFFERENCE.search(ordered[k].span or "")) or (
            intents[k] == Intent.REQUEST_REFUND
            and intents[k - 1] == Intent.RETURN_ITEMS
            and not extract_order_ids(ordered[k].span or "")
        )
        if detail and starts[k] >= 0:
            starts[k] = -2
    parts = _parts(turn.text, [st if st != -2 else -1 for st in starts])
    pairs = [(i, p) for i, p, st in zip(intents, parts, starts, strict=True) if st != -2]
    if not any(i in TASKS for i, _ in pairs) and (implied := _item_change_for(turn)) is not None:
        pairs.insert(0, (implied, turn.text))
    asked, state = turn.state.asked, turn.state
    if asked and (state.task is not None or state.proposal is not None):
        active = state.task.kind if state.task else None
        confident = {s.intent for s in kept if s.confidence >= 0.8}
        current = state.task.order_id if state.task else None
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
                i in TASKS
                and TASKS[i] != active
                and (i in confident or names_order)
                and asked != "order_id"
                and (i not in answered or other_order)
            )
            or (i in policy_intents and "?" in turn.text)
        ]
    pairs = _after_change_of_mind(turn, pairs)
    seen: list[tuple[Intent, str]] = []
    for i, p in pairs:
        if i in ANSWERS:
            continue
        if i in TASKS and any(
            j == i and set(extract_order_ids(q)) == set(extract_order_ids(p)) for j, q in seen
        ):
            continue  # the same request twice (two clauses about one order)
        if i not in TASKS and any(j == i for j, _ in seen):
            continue
        seen.append((i, p))
    return seen
