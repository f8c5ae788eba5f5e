"""A capable language model's reading of a message: the same typed reading, closed world, gated.

With a strong backend configured (an OpenAI-compatible server, a large local checkpoint), the reader
asks the model for the message's reading as JSON constrained by a schema built from what exists in
the conversation: the intent names, the customer's own order ids and order lines as enums, the two
cancellation reasons, yes/no/change/unclear for a reply to a pending proposal. `merge` then folds
that answer into the rule-based `Understanding`:

* everything the model names is checked again against the context (an id outside the customer's
  orders, an intent that does not exist, a malformed answer: ignored, the rules' reading stands);
* an id typed in the message and found by the rules wins over the model's choice;
* the model can only make a confirmation *safer*: a "yes" stands only when the rules read a clear yes
  too, and a model "no", "change" or "unclear" turns a rules "yes" into no yes at all.

The model is reached through `ModelAsk`, a plain callable the caller supplies, so this module never
imports a model client; any failure of that callable means "no model reading" and the rules decide.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from shopkeeper.understanding.intents import Intent, describe
from shopkeeper.understanding.models import (
    Entities,
    IntentScore,
    ItemResolution,
    OrderResolution,
    PersonName,
    ReplyReading,
    Understanding,
    UnderstandingContext,
)

__all__ = ["MODEL_CONFIDENCE", "ModelAsk", "instructions", "merge", "read_with_model", "reading_schema"]

_log = logging.getLogger(__name__)

ModelAsk = Callable[[str, str, dict[str, Any]], dict[str, Any]]
"""`(instructions, message, schema) -> JSON object`; raises on any failure (the rules then decide)."""

MODEL_CONFIDENCE = 0.9
_ANSWERS = ("none", "yes", "no", "change", "unclear")
_REASONS = ("", "no longer needed", "ordered by mistake")


def _ids(context: UnderstandingContext) -> tuple[list[str], list[str]]:
    orders = [o.order_id for o in context.orders]
    items = list(
        dict.fromkeys(
            [c.item_id for c in context.items] + [c.item_id for o in context.orders for c in o.items]
        )
    )
    return orders, items


def reading_schema(context: UnderstandingContext) -> dict[str, Any]:
    """The JSON schema of a reading: every reference is an enum of what exists in `context`."""
    orders, items = _ids(context)
    return {
        "type": "object",
        "properties": {
            "intents": {"type": "array", "items": {"enum": [i.value for i in Intent]}, "maxItems": 4},
            "order_id": {"type": "string", "enum": ["", *orders]},
            "item_ids": {"type": "array", "items": {"type": "string", "enum": items or [""]}, "maxItems": 20},
            "answer": {"type": "string", "enum": list(_ANSWERS)},
            "reason": {"type": "string", "enum": list(_REASONS)},
            "first_name": {"type": "string", "maxLength": 40},
            "last_name": {"type": "string", "maxLength": 40},
            "email": {"type": "string", "maxLength": 80},
            "zip": {"type": "string", "maxLength": 10},
        },
        "required": ["intents", "order_id", "item_ids", "answer", "reason"],
    }


def _describe_orders(context: UnderstandingContext) -> str:
    lines = []
    for order in context.orders:
        goods = "; ".join(
            f"{c.item_id}: {c.name}"
            + (f" ({', '.join(f'{k}: {v}' for k, v in c.options.items())})" if c.options else "")
            for c in order.items
        )
        lines.append(
            f"- order {order.order_id} ({order.status or 'unknown'}, placed {order.placed_at or '?'}): {goods}"
        )
    return "\n".join(lines)


def instructions(context: UnderstandingContext) -> str:
    """The system prompt: the task, the intent names with their meaning, and the customer's orders."""
    intents = "\n".join(f"- {i.value}: {describe(i)}" for i in Intent)
    parts = [
        "You read one message a customer wrote to an online store's support chat and return what it "
        "says as JSON. Only name things listed below; leave a field empty when the message does not say.",
        "intents: every request or move in the message, main one first, from:\n" + intents,
        "order_id / item_ids: the customer's order and the order lines the message means.",
        "answer: when a proposal is waiting for the customer's yes, 'yes' only for a clear yes to it, "
        "'no' for a refusal, 'change' for a yes or no with a correction, 'unclear' for anything else "
        "(a hedge, a question, a condition); 'none' when nothing is waiting.",
        "reason: why an order is cancelled, if said. Names, email and zip: as written, if given.",
    ]
    if context.pending_question:
        parts.append(f"The assistant's last message asked: {context.pending_question}")
    if context.orders:
        parts.append("The customer's orders (id: product (options)):\n" + _describe_orders(context))
    return "\n\n".join(parts)


def _intents(value: Any, rules: Understanding) -> list[IntentScore]:
    known = {i.value for i in Intent}
    chosen = [Intent(v) for v in dict.fromkeys(value if isinstance(value, list) else []) if v in known]
    spans = {s.intent: s.span for s in rules.intents}
    proposed = [
        IntentScore(intent=i, confidence=MODEL_CONFIDENCE, span=spans.get(i, rules.text), source="llm")
        for i in chosen
    ]
    return [*proposed, *(s for s in rules.intents if s.intent not in chosen)]


def _confirmation(model_answer: Any, rules: Entities) -> str | None:
    """Only ever safer than the rules: a yes needs both readers; a model doubt removes a rules yes."""
    if model_answer == "no":
        return "no"
    if rules.confirmation == "yes" and model_answer in ("change", "unclear"):
        return None
    return rules.confirmation


def _reply(model_answer: Any, rules: ReplyReading) -> ReplyReading:
    """The reply to a proposal, only ever safer: a model doubt turns a rules yes into the model's answer."""
    if rules.answer == "yes" and model_answer in ("no", "change", "unclear"):
        return ReplyReading(answer=model_answer, reason="the language model's doubt")
    return rules


def merge(rules: Understanding, answer: dict[str, Any], context: UnderstandingContext) -> Understanding:
    """The rules' reading with the model's answer folded in, every value re-checked (module docstring)."""
    orders, items = _ids(context)
    typed_id = rules.order is not None and rules.order.order_id is not None and bool(rules.entities.order_ids)
    order = rules.order
    if not typed_id and answer.get("order_id") in orders:
        order = OrderResolution(order_id=answer["order_id"], reason="the language model's reading")
    chosen = [i for i in dict.fromkeys(answer.get("item_ids") or []) if i in items]
    own = {c.item_id for c in context.items}
    resolved = rules.items
    if chosen and context.items and all(i in own for i in chosen):
        resolved = ItemResolution(item_ids=tuple(chosen), reason="the language model's reading")
    entities = rules.entities
    updates: dict[str, Any] = {"confirmation": _confirmation(answer.get("answer"), entities)}
    if entities.reason is None and answer.get("reason") in _REASONS[1:]:
        updates["reason"] = answer["reason"]
    first, last = str(answer.get("first_name") or "").strip(), str(answer.get("last_name") or "").strip()
    if entities.name is None and first and last:
        updates["name"] = PersonName(first_name=first, last_name=last)
    email = str(answer.get("email") or "").strip()
    if not entities.emails and "@" in email and email.lower() in rules.text.lower():
        updates["emails"] = (email,)
    zip_code = str(answer.get("zip") or "").strip()
    if not entities.zip_codes and zip_code.isdigit() and len(zip_code) == 5 and zip_code in rules.text:
        updates["zip_codes"] = (zip_code,)
    return rules.model_copy(
        update={
            "intents": tuple(_intents(answer.get("intents"), rules)),
            "order": order,
            "items": resolved,
            "entities": entities.model_copy(update=updates),
            "reply": _reply(answer.get("answer"), rules.reply),
        }
    )


def read_with_model(rules: Understanding, context: UnderstandingContext, ask: ModelAsk) -> Understanding:
    """Ask the model and merge; on any failure of the model the rules' reading is returned as it is."""
    try:
        answer = ask(instructions(context), rules.text, reading_schema(context))
    except Exception as exc:  # a model that fails or answers badly costs nothing: the rules decide
        _log.warning("language-model reading failed, using the rules: %s", exc)
        return rules
    if not isinstance(answer, dict):
        return rules
    return merge(rules, answer, context)
