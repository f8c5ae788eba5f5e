"""Understanding: one customer message in, proposals out (intents, entities, resolved references).

Call `understand(text, context)`; build `context` from what the conversation knows (order lines and
variants as `Candidate`, orders as `OrderCandidate`, the request being served as `Pending`);
`read_requests(u, context)` says which requests the message makes, each with its part of it, and
`read_items` / `read_variant` read the items and the wanted variant a part of it names;
`Understanding.cues` holds the small words that steer a request ("the same one", "cancel it"). The pieces are usable alone: `extract_entities`,
`resolve_items`, `resolve_order`, `resolve_variant`, `get_classifier`. Nothing here writes to the store,
imports an LLM client or knows the flows; importing this package does no work (the classifier loads or
trains on first use).
"""

from __future__ import annotations

from shopkeeper.understanding.classifier import Fallback, IntentClassifier, get_classifier
from shopkeeper.understanding.entities import extract_entities
from shopkeeper.understanding.intents import BITEXT_TO_INTENT, TASK_INTENTS, Intent, describe
from shopkeeper.understanding.models import (
    AddressMention,
    Candidate,
    Cues,
    Entities,
    IntentScore,
    ItemResolution,
    OrderCandidate,
    OrderResolution,
    PaymentMention,
    Pending,
    PersonName,
    Quantity,
    QuestionReading,
    RequestReading,
    Understanding,
    UnderstandingContext,
    VariantResolution,
)
from shopkeeper.understanding.orders import resolve_order
from shopkeeper.understanding.references import resolve_items
from shopkeeper.understanding.requests import read_requests
from shopkeeper.understanding.understand import read_items, read_variant, understand
from shopkeeper.understanding.variants import resolve_variant

__all__ = [
    "BITEXT_TO_INTENT",
    "TASK_INTENTS",
    "AddressMention",
    "Candidate",
    "Cues",
    "Entities",
    "Fallback",
    "Intent",
    "IntentClassifier",
    "IntentScore",
    "ItemResolution",
    "OrderCandidate",
    "OrderResolution",
    "PaymentMention",
    "Pending",
    "PersonName",
    "Quantity",
    "QuestionReading",
    "RequestReading",
    "Understanding",
    "UnderstandingContext",
    "VariantResolution",
    "describe",
    "extract_entities",
    "get_classifier",
    "read_items",
    "read_requests",
    "read_variant",
    "resolve_items",
    "resolve_order",
    "resolve_variant",
    "understand",
]
