"""Does a proposal, as written in the agent's reply, describe exactly what the customer wants?

A person checks a proposal by reading it: the kind of change (cancel, return, exchange, change of
items, address or payment), the order number, the items named (each wanted item, no other item of
the order), the new options of each changed item, the payment method named (when one is), the
address (street, city, zip) and the cancellation reason (when one is said). `problems(view, goal,
text)` returns what is wrong, in the customer's words, or nothing when the text says exactly the
goal. It reads the text only, never the agent's events; it knows the customer's own account.
"""

from __future__ import annotations

import re
from collections import Counter

from shopkeeper.evaluation.goals import STATUS, Goal
from shopkeeper.evaluation.profile import CustomerView

__all__ = ["problems", "said_action"]

_ORDER_ID = re.compile(r"#?\bW\d{7}\b", re.I)
_ACTION_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("cancel_order", re.compile(r"\bcancel", re.I)),
    ("exchange_order_items", re.compile(r"\bexchang", re.I)),
    ("return_order_items", re.compile(r"\breturn\b|\brefund (for|of) the items?\b", re.I)),
    (
        "modify_customer_address",
        re.compile(
            r"\b(default|account|profile|saved)\b[^.]*\baddress\b|\baddress\b[^.]*\b(on|of) (your|the) account\b",
            re.I,
        ),
    ),
    ("modify_order_address", re.compile(r"\b(shipping |delivery )?address\b", re.I)),
    ("modify_order_items", re.compile(r"\b(change|modify|swap|switch)\b[^.]*\bitems?\b|->|→", re.I)),
    ("modify_order_payment", re.compile(r"\b(payment|pay)\b(?![^.]*price difference)", re.I)),
]
_WHAT = {
    "cancel_order": "a cancellation",
    "exchange_order_items": "an exchange",
    "return_order_items": "a return",
    "modify_customer_address": "a change of my default address",
    "modify_order_address": "a change of the shipping address",
    "modify_order_payment": "a change of the payment method",
    "modify_order_items": "a change of the items",
}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w#$%./-]+", " ", text.lower()).split())


def said_action(text: str) -> str | None:
    """The kind of write a proposal text describes, from its words (None when it names none)."""
    for action, pattern in _ACTION_WORDS:
        if pattern.search(text):
            return action
    return None


def _method_said(view: CustomerView, method_id: str, text: str) -> bool | None:
    """True when the text names this method, False when it names another one, None when none."""
    low = text.lower()
    named: list[str] = []
    for m in view.customer.payment_methods:
        if (
            m.id.lower() in low
            or (m.source == "credit_card" and m.last_four and re.search(rf"\b{m.last_four}\b", low))
            or (m.source == "paypal" and "paypal" in low)
            or (m.source == "gift_card" and re.search(r"gift ?card", low))
        ):
            named.append(m.id)
    if not named:
        return None
    return method_id in named


def _items(view: CustomerView, goal: Goal, text: str) -> list[str]:
    oid = goal.order_id or ""
    order = view.orders.get(oid)
    if order is None:
        return []
    low = _norm(text)
    wanted = Counter(goal.arguments.get("item_ids", []))
    out: list[str] = []
    names = Counter(line.name for line in order.lines)
    wanted_names: Counter[str] = Counter()
    for item_id, count in wanted.items():
        line = view.line(oid, item_id)
        if line is None:
            continue
        wanted_names[line.name] += count
        if line.name.lower() not in low:
            out.append(f"the {line.name} is missing")
        elif names[line.name] > 1:
            others = [x for x in order.lines if x.name == line.name and x.item_id not in wanted]
            distinct = [v for k, v in line.options.items() if any(x.options.get(k) != v for x in others)]
            if any(v.lower() not in low for v in distinct):
                out.append(f"I meant the {line.name} ({', '.join(distinct)})")
    for name in names:
        said = len(re.findall(rf"\b{re.escape(name.lower())}\b", low))
        if said and not wanted_names[name]:
            out.append(f"I don't want anything done with the {name}")
    return out


def _new_options(view: CustomerView, goal: Goal, text: str) -> list[str]:
    oid = goal.order_id or ""
    low = _norm(text)
    out: list[str] = []
    pairs = zip(goal.arguments.get("item_ids", []), goal.arguments.get("new_item_ids", []), strict=False)
    for old_id, new_id in pairs:
        line, new = view.line(oid, old_id), view.variant(new_id)
        if line is None or new is None:
            continue
        at = low.find(line.name.lower())
        after = low[at:] if at >= 0 else low
        missing = [v for k, v in new.options.items() if _norm(v) not in after]
        if missing:
            out.append(f"the {line.name} should be {', '.join(new.options.values())}")
    return out


def _address(goal: Goal, text: str) -> list[str]:
    fields = goal.arguments.get("address") or {}
    low = _norm(text)
    parts = [str(fields.get(k) or "") for k in ("address1", "city", "zip")]
    if all(_norm(p) in low for p in parts if p):
        return []
    return ["the address should be " + ", ".join(p for p in parts if p)]


def problems(view: CustomerView, goal: Goal, text: str) -> list[str]:
    """What is wrong with the proposal in `text` for this goal, in the customer's words."""
    if goal.action == STATUS or not goal.is_write:
        return ["I only wanted to know how my order is doing"]
    out: list[str] = []
    action = said_action(text)
    if action is not None and action != goal.action:
        out.append(f"I asked for {_WHAT[goal.action]}, not {_WHAT[action]}")
    ids = {f"#{m.upper().lstrip('#')}" for m in _ORDER_ID.findall(text)}
    if goal.order_id and goal.order_id not in ids:
        out.append(f"it's order {goal.order_id}")
    args = goal.arguments
    if "item_ids" in args:
        out += _items(view, goal, text)
    if "new_item_ids" in args:
        out += _new_options(view, goal, text)
    if "payment_method_id" in args and _method_said(view, args["payment_method_id"], text) is False:
        m = view.method(args["payment_method_id"])
        out.append(f"use my {m.describe() if m else args['payment_method_id']}")
    if "address" in args:
        out += _address(goal, text)
    reason = args.get("reason")
    if reason:
        other = "ordered by mistake" if reason == "no longer needed" else "no longer needed"
        if other in text.lower() and reason not in text.lower():
            out.append(f"the reason is: {reason}")
    return out
