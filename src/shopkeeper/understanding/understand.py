"""The public entry point: `understand(text, context) -> Understanding`.

Runs the fast path on one customer message: the intent classifier (several intents when the message
carries several requests), rule-based entities, and reference resolution against what the conversation
already knows (candidate items, orders, the item being exchanged and its product's variants). An
optional `fallback(text, choices) -> str` (e.g. an LLM asked to pick one of the intent names) is
consulted only when the classifier is unsure; an optional `model` (a capable LLM's typed reading,
see `model_reading`) is folded in under the same safety gates. Proposals only: nothing here writes anything anywhere
except the classifier's weights cache, and nothing here knows about flows, policy or the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shopkeeper.understanding.classifier import Fallback, IntentClassifier, classify_message, get_classifier
from shopkeeper.understanding.cues import read_cues
from shopkeeper.understanding.entities import extract_entities, extract_order_ids
from shopkeeper.understanding.intents import TASK_INTENTS, Intent
from shopkeeper.understanding.model_reading import ModelAsk, read_with_model
from shopkeeper.understanding.models import (
    Candidate,
    Entities,
    IntentScore,
    ItemResolution,
    Understanding,
    UnderstandingContext,
    VariantResolution,
)
from shopkeeper.understanding.orders import known_order_ids, resolve_order
from shopkeeper.understanding.proposal_reply import read_proposal_reply
from shopkeeper.understanding.questions import read_questions
from shopkeeper.understanding.references import resolve_items
from shopkeeper.understanding.small_talk import read_small_talk
from shopkeeper.understanding.variants import resolve_variant

__all__ = ["read_items", "read_variant", "understand"]

_SHORT_ANSWER_WORDS = 4
_TASK_CONFIDENCE = 0.5


def _gives_details(entities: Entities) -> bool:
    """The message carries identity or order details (an answer to "what is your email?")."""
    return bool(
        entities.emails or entities.name or entities.zip_codes or entities.order_ids or entities.address
    )


# Words that put an address on the account rather than on one order
_ACCOUNT = re.compile(r"\b(?:default|account|profile|saved|on file|future|all (?:of )?my orders)\b", re.I)


def _of_order(scores: list[IntentScore], text: str) -> list[IntentScore]:
    """A change of the account's address read in words that name an order and not the account ("for
    #W2 the address should be ..."): that order's shipping address."""
    out: list[IntentScore] = []
    for s in scores:
        span = s.span or text
        if (
            s.intent == Intent.CHANGE_DEFAULT_ADDRESS
            and extract_order_ids(span)
            and not _ACCOUNT.search(span)
        ):
            s = s.model_copy(update={"intent": Intent.MODIFY_ORDER_ADDRESS})
        if not any(o.intent == s.intent and o.span == s.span for o in out):
            out.append(s)
    return out


def _intents(
    text: str, classifier: IntentClassifier, fallback: Fallback | None, entities: Entities
) -> list[IntentScore]:
    # "great, that's all i needed. bye", "no thanks, that's all", "hiya": small talk and nothing else
    if (kind := read_small_talk(text)) is not None:
        return [IntentScore(intent=Intent(kind), confidence=1.0, span=text, source="rule")]
    words = text.split()
    answer = entities.confirmation
    # "yes", "no thanks", "ok go ahead": a bare answer is an answer, whatever the model thinks.
    if answer and len(words) <= _SHORT_ANSWER_WORDS:
        intent = Intent.AFFIRM if answer == "yes" else Intent.DENY
        guesses = classify_message(text, classifier)
        if guesses[0].intent in {Intent.THANKS, Intent.GOODBYE} and answer == "no":
            return [IntentScore(intent=g.intent, confidence=g.confidence, span=g.span) for g in guesses]
        return [IntentScore(intent=intent, confidence=1.0, span=text, source="rule")]
    details = _gives_details(entities)
    # Details alone ("my email is ...") are an answer: no need to ask the fallback what they mean.
    scores = [
        IntentScore(intent=g.intent, confidence=round(g.confidence, 4), span=g.span, source=g.source)
        for g in classify_message(text, classifier, fallback=None if details else fallback)
    ]
    tasks = [s for s in scores if s.intent in TASK_INTENTS and s.confidence >= _TASK_CONFIDENCE]
    if details and not tasks and scores[0].intent != Intent.PROVIDE_INFO:
        info = IntentScore(
            intent=Intent.PROVIDE_INFO, confidence=scores[0].confidence, span=text, source="rule"
        )
        scores = [info, *(s for s in scores if s.intent != Intent.PROVIDE_INFO)]
    return _of_order(scores, text)


def _own_order_ids(entities: Entities, context: UnderstandingContext) -> list[str]:
    """The orders the message names that are the customer's (all it names before we know them)."""
    if not context.orders:
        return list(entities.order_ids)
    return [oid for oid in entities.order_ids if context.order(oid) is not None]


def read_items(
    text: str, items: Sequence[Candidate], variants: Sequence[Candidate] = ()
) -> ItemResolution | None:
    """Which of `items` the message (or a part of it) points at: `Understanding.items`, read alone
    (no intents). `variants` are option values that describe, not name ("ventilation low")."""
    text = text.strip()
    return resolve_items(text, items, variants) if text and items else None


def read_variant(
    text: str, original: Candidate | None, variants: Sequence[Candidate]
) -> VariantResolution | None:
    """The variant of `original`'s product the message (or a part of it) asks for instead of it:
    `Understanding.variant`, read alone (no intents)."""
    text = text.strip()
    return resolve_variant(text, original, variants) if text and original and variants else None


def understand(
    text: str,
    context: UnderstandingContext | None = None,
    *,
    fallback: Fallback | None = None,
    classifier: IntentClassifier | None = None,
    model: ModelAsk | None = None,
) -> Understanding:
    """What one message says, in the light of `context`; the first intent is the primary one.

    With `model` (a capable language model, see `model_reading`), the model's closed-world reading is
    folded into the rules' reading under the same safety gates; without it, or when it fails, the
    rules' reading is the answer.
    """
    context = context or UnderstandingContext()
    text = text.strip()
    if not text:
        return Understanding(
            text=text,
            intents=(IntentScore(intent=Intent.OUT_OF_SCOPE, confidence=0.0, span="", source="rule"),),
            entities=extract_entities(""),
        )
    items = list(context.items) + [c for o in context.orders for c in o.items]
    if context.original_item:
        items.append(context.original_item)
    names = [*context.product_names, *(c.name for c in items), *(v.name for v in context.variants)]
    values = [v for c in [*items, *context.variants] for v in c.options.values()]
    entities = extract_entities(text, product_names=[n for n in names if n], option_values=values)
    if context.orders:  # closed world: "1234567", "W-1234567" and "#w1234567" all name #W1234567
        said = known_order_ids(text, entities.order_ids, context.orders)
        entities = entities.model_copy(update={"order_ids": said})
    rules = Understanding(
        text=text,
        intents=tuple(_intents(text, classifier or get_classifier(), fallback, entities)),
        entities=entities,
        items=read_items(text, context.items, context.variants),
        order=resolve_order(text, context.orders) if context.orders else None,
        variant=read_variant(text, context.original_item, context.variants),
        reply=read_proposal_reply(text, context.proposal),
        questions=read_questions(text),
        cues=read_cues(text, _own_order_ids(entities, context), [o.status or "" for o in context.orders]),
    )
    return read_with_model(rules, context, model) if model is not None else rules
