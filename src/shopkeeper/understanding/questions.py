"""Which parts of a message ask something, and what each asks: `read_questions(text) ->
tuple[QuestionReading, ...]`.

A clause is a question when it ends with a question mark, opens with a question word or an inverted
verb ("how long ...", "do you ...", "is there ..."), or opens with a way of asking ("I'd like to
know ...", "I wonder ...", "tell me ..."). Clauses are split at sentence ends and where a new clause
starts a question inside a sentence ("cancel my order - and how long do refunds take?"):
`question_clauses(text)` lists them verbatim. `read_question(clause)` reads what one asks
(`QuestionReading`): how it opens (a request's words, "how do I ...", a question word), whether it
supposes ("if I return it ..."), what it points back at, which fact of an order it asks for, whether
it is about the customer's own things, the catalog or a store policy. Whether a question is really a
request ("can you cancel my order?") is not decided here: the flows weigh that against the intents
read from the same words. `names_item` / `names_whole` tell whether a question names an item (the
flows pass the names of the customer's order lines), `without_names` takes product names out of it.
Pure functions over text; nothing here knows the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from shopkeeper.understanding import pointing
from shopkeeper.understanding.entities import extract_order_ids
from shopkeeper.understanding.models import FactKind, QuestionReading
from shopkeeper.understanding.orders import HISTORY, SEVERAL_ORDERS

__all__ = [
    "POLICY_WORD",
    "names_item",
    "names_whole",
    "policy_topics",
    "question_clauses",
    "read_question",
    "read_questions",
    "without_names",
]

_WH = r"how|what|what's|whats|where|where's|when|which|who|whom|whose|why|is|are|was|were|do|does|did|can|could|will|would|should|may|might|have|has|any"
# Without a question mark, only these open a question: "any difference can go on PayPal" and "should
# arrive soon" are statements.
_WH_PLAIN = r"how|what|what's|whats|where|where's|when|which|why|is|are|do|does|did|can|could|will|would"
# After a comma, a relative pronoun continues the sentence ("order #W1, which hasn't shipped yet, ...").
_WH_AFTER_COMMA = r"how|what|what's|whats|when|why|is|are|do|does|did|can|could|will|would"
_ASKING = (
    r"i(?:'d| would) like to know|i want to know|i wonder|i was wondering|wondering|tell me|"
    r"can you tell me|could you tell me|do you know|any idea|i need to know|please tell me"
)
# Words a question may open with before its question word: "actually whats the cheapest ...", "um where
# is it"; before a request, "please" too ("ok please can you ...", "please where do I ...")
_LEAD_WORDS = (
    r"so|and|also|but|oh|ok|okay|btw|hi|hello|hey|actually|wait|well|um+|uh+|hm+|oops|right|cool|"
    r"great|thanks|thx|ty|sorry|one more thing|quick question|last thing"
)
_LEAD = rf"^(?:(?:{_LEAD_WORDS}),?\s+)*"
_LEAD_OR_PLEASE = rf"^(?:(?:{_LEAD_WORDS}|please),?\s+)*"
_OPENS_PLAIN_QUESTION = re.compile(rf"{_LEAD}(?:{_ASKING}|(?:{_WH_PLAIN})\b)", re.I)
# Sentence ends, and a new clause that starts a question: "- and how ...", "; what ...", ", also where ...".
_SPLIT = re.compile(
    rf"(?<=[.!?])\s+|\s*(?:\s[-–—]\s|;)\s*(?:and\s+|also\s+|but\s+|plus\s+)?(?=(?:{_WH}|{_ASKING})\b)"
    rf"|\s*,\s*(?:and\s+|also\s+|but\s+|plus\s+)?(?=(?:{_WH_AFTER_COMMA}|{_ASKING})\b)"
    rf"|\s+(?:and|also|plus)\s+(?=(?:how|what|where|when|which|why)\b)"
    # "where is my order and can you change its address": a request after a question is a clause
    rf"|\s+and\s+(?:also\s+)?(?=(?:can|could|would|will)\s+(?:you|i|u)\b)",
    re.I,
)
_MIN_WORDS = 2


def _clauses(text: str) -> list[str]:
    return [c.strip(" ,;-–—") for c in _SPLIT.split(text) if c and c.strip(" ,;-–—")]


def question_clauses(text: str) -> tuple[str, ...]:
    """The clauses of `text` that ask something, in order, verbatim (less joining punctuation)."""
    out = []
    for clause in _clauses(text.strip()):
        if len(clause.split()) < _MIN_WORDS:
            continue
        if clause.endswith("?") or _OPENS_PLAIN_QUESTION.match(clause):
            out.append(clause)
    return tuple(out)


# How a question opens. A request's words: "can you ...", "could I ...", "please ...", "I need ..."
_REQUEST = re.compile(
    _LEAD_OR_PLEASE
    + r"(?:(?:can|could|would|will) you\b(?! tell me)|(?:can|could|may) i\b|please\b|i want\b|i'd like\b|"
    r"i would like\b(?! to know)|i need\b(?! to know)|how (?:do|can|should) i\b|is it possible to\b)",
    re.I,
)
# "where do I edit my shipping address?", "how to cancel order #W1?", "what do I do to get a refund?":
# asking how to do a thing the agent does is asking for it.
_HOW_TO = re.compile(
    _LEAD_OR_PLEASE
    + r"(?:(?:how|where|what)\s+(?:do|can|could|should|would|must|shall|have)\s+(?:i|we)\b|(?:how|where) to\b)",
    re.I,
)
_OPENS_WH = re.compile(
    _LEAD_OR_PLEASE + r"(?:how|what|what's|whats|where|where's|when|which|who|why)\b", re.I
)
# "if I return it, ...?", "say I cancel, ...?": what would happen, not the request itself
_SUPPOSE = re.compile(r"^(?:say|suppose|supposing)\s+(?:i|we)\b|\b(?:if|in case)\s+(?:i|we)\b", re.I)
# Words that ask for help in general, not about anything: "can you help me with something?"
_EMPTY = "help question something anything assist ask need want please thing you doing today going"

# The fact of an order a question asks for, the first that fits in this order
_FACTS: tuple[tuple[FactKind, re.Pattern[str]], ...] = (
    ("balance", re.compile(r"\bbalance\b|\b(?:left|remaining) on (?:my|the) gift ?card\b", re.I)),
    ("tracking", re.compile(r"\btrack(?:ing)?\b", re.I)),
    ("refund", re.compile(r"\brefund|\bget back\b|\bmoney back\b|\bbe refunded\b|\breimburse", re.I)),
    (
        "payment",
        re.compile(
            r"\bpa(?:y|id)\b|\bpayment\b|\bcharged?\b|\bcost me\b|\bspent\b|\btotal\b|\bhow much (?:was|were|did)\b",
            re.I,
        ),
    ),
    (
        "options",
        re.compile(
            r"\b(?:options?|material|colou?rs?|sizes?|made of|what kind|which kind|type|capacity|"
            r"version|variant|model|features?|specs?|details)\b",
            re.I,
        ),
    ),
    (
        "cancellable",
        re.compile(
            r"\bcancell?able\b|\btoo late to cancel|\bstill (?:be )?cancel|\bcan (?:it|they) be cancel", re.I
        ),
    ),
    (
        "status",
        re.compile(
            r"\bstatus\b|\bwhere(?:'s| is)\b|\bship(?:ped)?\b|\barriv|\bdelivered\b|\bcoming\b|\bget here\b"
            r"|\beta\b|\bwhen (?:will|should|do|does|can) (?:i|it|they|we|my)\b",
            re.I,
        ),
    ),
    ("history", HISTORY),
)
_OWN = re.compile(r"\b(?:my|mine|i|i've|i'm|me)\b|#?\bw?\d{7}\b", re.I)
_ABOUT_ORDERS = re.compile(
    r"\border|\bpurchase|\bbought|\bitem|\bpackage|\bparcel|\bshipment|\bdelivery", re.I
)
# "and the tracking numbers for all of them?": several orders, the customer's
_THEIRS = re.compile(r"\b(?:them|they|each|my|mine)\b", re.I)
_GIFT_CARD_OR_MINE = re.compile(r"\bgift ?card|\bmy\b", re.I)

# Catalog things: options, stock, price ("how many colors", "is it in stock", "what's the cheapest")
_CATALOG_WORDS = re.compile(
    r"\b(?:how many|options?|variants?|versions?|colou?rs?|sizes?|materials?|in stock|stock|available|"
    r"availability|cheap\w*|least|lowest|price[sd]?|cost\w*|how much|expensive|sell|carry|have any)\b",
    re.I,
)
# "what do you sell?", "what kind of stuff do u have": the range, not one product
_WHAT_SOLD = re.compile(
    r"\bwhat (?:do|does|can) (?:you|u|y'?all|the store|this store|your store) (?:guys )?(?:sell|carry|stock|offer)\b"
    r"|\bwhat (?:kinds?|sorts?|types?) of (?:stuff|things|products|items)\b|\bwhat products\b",
    re.I,
)
# Left out of the catalog search: "which are in stock?" wants every option counted, the answer says
# how many are in stock
_STOCK_WORDS = re.compile(r"\b(?:in[ -]stock|available)\b", re.I)
_CHEAPEST = re.compile(r"\b(?:cheap\w*|least expensive|costs? (?:the )?least|lowest price|lowest)\b", re.I)

# A store policy's words: "return policy", "warranty", "shipping", "cancellation" ...
POLICY_WORD = re.compile(
    r"\b(?:return\w*|refund\w*|warrant\w*|guarantee\w*|ship\w*|deliver\w*|exchang\w*|cancel\w*)\b", re.I
)
_TOPIC_LETTERS = 5  # "returns" and "returning" are one topic, "retur"


def policy_topics(text: str) -> tuple[str, ...]:
    """The store policies `text` speaks of, each as the first letters of its word ("retur", "ship")."""
    return tuple(dict.fromkeys(m.group(0)[:_TOPIC_LETTERS].lower() for m in POLICY_WORD.finditer(text)))


# The knowledge base's tokenizer counts the content words, so that the same words count there and
# here. It is imported on first use: the knowledge package imports the store, and importing this layer
# does no work.
@cache
def _empty_tokens() -> frozenset[str]:
    from shopkeeper.knowledge.text import content_tokens

    return frozenset(content_tokens(_EMPTY))


def _asks_nothing(text: str) -> bool:
    """No word but the ones that ask for help in general: "can you help me with something?"."""
    from shopkeeper.knowledge.text import content_tokens

    return not content_tokens(text) - _empty_tokens()


def read_question(text: str) -> QuestionReading:
    """What one question clause asks (see `QuestionReading`)."""
    several = bool(SEVERAL_ORDERS.search(text))
    return QuestionReading(
        text=text,
        words=tuple(re.findall(r"[a-z0-9]+", text.lower())),
        request_like=bool(_REQUEST.match(text)),
        how_to=bool(_HOW_TO.match(text)),
        wh=bool(_OPENS_WH.match(text)),
        hypothetical=bool(_SUPPOSE.search(text)),
        empty=_asks_nothing(text),
        points_back=bool(pointing.AT_SUBJECT.search(text)),
        order_points_back=bool(pointing.AT_ORDER_FACT.search(text)),
        product_points_back=bool(pointing.AT_PRODUCT.search(text)),
        fact=next((kind for kind, pattern in _FACTS if pattern.search(text)), None),
        own=bool(_OWN.search(text)),
        order_ids=tuple(extract_order_ids(text)),
        about_orders=bool(_ABOUT_ORDERS.search(text)),
        several_orders=several,
        several_own=several and bool(_THEIRS.search(text)),
        own_gift_card=bool(_GIFT_CARD_OR_MINE.search(text)),
        catalog=bool(_CATALOG_WORDS.search(text)),
        what_sold=bool(_WHAT_SOLD.search(text)),
        cheapest=bool(_CHEAPEST.search(text)),
        catalog_query=_STOCK_WORDS.sub(" ", text),
        policy_topics=policy_topics(text),
    )


def read_questions(text: str) -> tuple[QuestionReading, ...]:
    """The clauses of `text` that ask something, in order, each read (`question_clauses`)."""
    return tuple(read_question(clause) for clause in question_clauses(text))


def names_whole(question: QuestionReading, name: str) -> bool:
    """Whether the question holds the whole of `name` ("the bike lights" the Bike Lights)."""
    return name.lower() in question.text.lower()


def names_item(question: QuestionReading, name: str) -> bool:
    """Whether the question names `name` wholly or by any telling word of it: "the t-shirts" names a
    Merino T-Shirt, "lamp" a Desk Lamp."""
    low = question.text.lower()
    words = [w for w in re.findall(r"[a-z0-9]+", name.lower()) if len(w) > 2]
    return name.lower() in low or any(re.search(rf"\b{re.escape(w)}s?\b", low) for w in words)


def without_names(text: str, names: Iterable[str]) -> str:
    """`text` without these names ("what's the warranty on the action camera?" -> "what's the
    warranty on ?"), each with its article and plural."""
    for name in names:
        text = re.sub(rf"\b(?:the |a |an |my )?{re.escape(name)}s?\b", " ", text, flags=re.I)
    return " ".join(text.split())
