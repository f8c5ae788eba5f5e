"""How a simulated customer says things: identity, orders, items, variants, payment methods,
addresses, reasons, requests, yes and no, in varied natural language from a seeded RNG.

Customers name items by product name (adding the option values that tell apart several items of one
product in the order), a new variant by the option values that differ from the current item ("the
black one in size 10"), cards by brand and last four digits, and addresses on one line. Pure
functions of a `CustomerView`, a goal and an RNG; nothing here knows the agent.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from shopkeeper.domain import Address, Customer, Order, PaymentMethod
from shopkeeper.evaluation.goals import ADDRESS_KEYS, STATUS, Goal
from shopkeeper.evaluation.profile import CustomerView

__all__ = [
    "address",
    "goodbye",
    "greeting",
    "identity",
    "items",
    "new_items",
    "no",
    "nothing_else",
    "order",
    "payment",
    "reason",
    "request",
    "statement",
    "yes",
]

_REASONS = {
    "no longer needed": [
        "I no longer need it.",
        "no longer needed",
        "I don't need it anymore.",
        "It's no longer needed.",
    ],
    "ordered by mistake": [
        "I ordered it by mistake.",
        "ordered by mistake",
        "It was a mistake, I ordered it by accident.",
    ],
}
_REQUESTS = {
    "cancel_order": [
        "I'd like to cancel an order.",
        "I need to cancel one of my orders.",
        "Can you cancel an order for me?",
    ],
    "modify_order_address": [
        "I need to change the shipping address on an order.",
        "Can I update where one of my orders is being shipped?",
    ],
    "modify_order_payment": [
        "I'd like to change the payment method on an order.",
        "Can I pay for one of my orders with a different payment method?",
    ],
    "modify_order_items": [
        "I want to change some items in an order I placed.",
        "I'd like to modify the items of a pending order.",
        "Can I switch an item in my order to a different option?",
    ],
    "modify_customer_address": [
        "I'd like to update my default address.",
        "Please change the address on my account.",
    ],
    "return_order_items": ["I want to return some items.", "I'd like to return a few things I received."],
    "exchange_order_items": [
        "I'd like to exchange something I received.",
        "I want to exchange some items from a delivered order.",
    ],
    STATUS: [
        "Can you tell me the status of my order?",
        "Where is my order?",
        "I'd like to check on an order.",
    ],
}


def _pick(rng: random.Random, options: list[str]) -> str:
    return options[rng.randrange(len(options))]


def identity(customer: Customer, use_email: bool, rng: random.Random) -> str:
    if use_email:
        return _pick(rng, [f"My email is {customer.email}.", f"Sure, it's {customer.email}", customer.email])
    c = customer
    return _pick(
        rng,
        [
            f"I'm {c.first_name} {c.last_name}, zip code {c.address.zip}.",
            f"My name is {c.first_name} {c.last_name} and my zip code is {c.address.zip}.",
            f"{c.first_name} {c.last_name}, {c.address.zip}",
        ],
    )


def order(order_id: str, rng: random.Random) -> str:
    return _pick(
        rng, [f"It's {order_id}.", f"The order number is {order_id}.", order_id, f"Order {order_id}"]
    )


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _label(o: Order | None, item_id: str, name: str, options: dict[str, str], rng: random.Random) -> str:
    """Product name, plus the option values that tell it apart from other items of the same product."""
    if o is None:
        return name
    others = [x for x in o.lines if x.name == name and x.item_id != item_id]
    if not others:
        return name
    distinct = [v for k, v in options.items() if any(x.options.get(k) != v for x in others)]
    if not distinct:
        return name
    said = ", ".join(distinct)
    return _pick(rng, [f"{name} ({said})", f"{said} {name}", f"{name} in {said}"])


def _line_name(view: CustomerView, order_id: str | None, item_id: str) -> tuple[str, dict[str, str]]:
    line = view.line(order_id, item_id) if order_id else None
    if line is not None:
        return line.name, line.options
    variant = view.variant(item_id)
    product = view.products.get(variant.product_id) if variant else None
    return (product.name if product else f"item {item_id}"), (variant.options if variant else {})


def _item_list(view: CustomerView, goal: Goal, rng: random.Random) -> str:
    oid = goal.order_id
    o = view.orders.get(oid) if oid else None
    parts = []
    for item_id, count in Counter(goal.arguments.get("item_ids", [])).items():
        name, options = _line_name(view, oid, item_id)
        label = _label(o, item_id, name, options, rng)
        parts.append(f"the {label}" if count == 1 else f"{count} of the {label}")
    return _join(parts)


def items(view: CustomerView, goal: Goal, rng: random.Random) -> str:
    said = _item_list(view, goal, rng)
    return (
        _pick(rng, [f"{said[0].upper()}{said[1:]}.", f"I mean {said}.", f"It's {said}."]) if said else "None."
    )


def _speaks_for_itself(value: str) -> bool:
    """'softshell' or 'space grey' can be said alone; '7', '80%', 'yes' or 'none' need their option name."""
    letters = sum(c.isalpha() for c in value)
    return letters >= 3 and value.lower() not in ("yes", "no", "none")


def _variant_words(old: dict[str, str], new: dict[str, str], rng: random.Random) -> str:
    changed = {k: v for k, v in new.items() if old.get(k) != v} or dict(new)
    named = rng.random() < 0.5
    return ", ".join(v if _speaks_for_itself(v) and not named else f"{k} {v}" for k, v in changed.items())


def _changes(view: CustomerView, goal: Goal, rng: random.Random, about: str = "") -> str:
    oid = goal.order_id
    o = view.orders.get(oid) if oid else None
    pairs = list(
        zip(goal.arguments.get("item_ids", []), goal.arguments.get("new_item_ids", []), strict=False)
    )
    named = [(old, new) for old, new in pairs if _line_name(view, oid, old)[0].lower() in about.lower()]
    if named and len({_line_name(view, oid, old)[0] for old, _ in named}) == 1:
        pairs = named  # the agent asked about one product: answer for that one
    parts = []
    for old_id, new_id in pairs:
        name, options = _line_name(view, oid, old_id)
        label = _label(o, old_id, name, options, rng)
        target = view.variant(new_id)
        words = _variant_words(options, target.options if target else {}, rng)
        if old_id == new_id:
            words = f"the same one again ({words})"
        parts.append(
            _pick(
                rng,
                [
                    f"the {label} changed to {words}",
                    f"the {label} in {words} instead",
                    f"the {label} as {words}",
                ],
            )
        )
    return _join(parts)


def new_items(view: CustomerView, goal: Goal, rng: random.Random, about: str = "") -> str:
    """Which variant each item should become; only the product named in `about` (the agent's question)
    when it names exactly one of them."""
    said = _changes(view, goal, rng, about)
    if not said:
        return "Nothing."
    return _pick(rng, [f"I'd like {said}.", f"{said[0].upper()}{said[1:]}, please.", f"I want {said}."])


def payment(view: CustomerView, method_id: str, rng: random.Random) -> str:
    m = view.method(method_id)
    if m is None:
        return method_id
    same = [x for x in view.customer.payment_methods if x.source == m.source]
    return _pick(rng, [*_method_names(m, len(same) > 1), method_id])


def _method_names(m: PaymentMethod, several: bool) -> list[str]:
    if m.source == "credit_card" and m.last_four:
        brand = (m.brand or "credit card").title()
        return [f"my {brand} ending in {m.last_four}", f"{brand} ending {m.last_four}"]
    if several:
        return [m.id]
    if m.source == "paypal":
        return ["PayPal", "my PayPal account"]
    if m.source == "gift_card":
        return ["my gift card", "the gift card"]
    return [m.id]


def address(fields: dict[str, Any]) -> str:
    values = {k: str(fields.get(k) or "").strip() for k in ADDRESS_KEYS}
    return Address(**values).one_line() if all(values[k] for k in ADDRESS_KEYS if k != "address2") else ""


def reason(value: str, rng: random.Random) -> str:
    return _pick(rng, _REASONS.get(value, [value]))


def request(goal: Goal, rng: random.Random) -> str:
    """The request alone, as an 'asked' customer opens it: no ids, items or choices."""
    return _pick(rng, _REQUESTS.get(goal.action, ["I need help with an order."]))


def statement(view: CustomerView, goal: Goal, rng: random.Random) -> str:
    """The whole request in one go: what, which order, which items, which variants, how to pay."""
    a, oid = goal.arguments, goal.order_id or ""
    pay = payment(view, a["payment_method_id"], rng) if "payment_method_id" in a else ""
    if goal.action == "cancel_order":
        return f"Please cancel order {oid}. {reason(a.get('reason', ''), rng)}"
    if goal.action == "modify_order_address":
        return f"Please change the shipping address of order {oid} to {address(a.get('address', {}))}."
    if goal.action == "modify_order_payment":
        return f"I'd like to pay for order {oid} with {pay} instead."
    if goal.action == "modify_customer_address":
        return f"Please update my default address to {address(a.get('address', {}))}."
    if goal.action == "modify_order_items":
        change = _changes(view, goal, rng)
        return f"On my pending order {oid} I'd like {change}. Use {pay} for the price difference."
    if goal.action == "exchange_order_items":
        change = _changes(view, goal, rng)
        return f"I'd like to exchange items from order {oid}: {change}. Use {pay} for any price difference."
    if goal.action == "return_order_items":
        return f"I want to return items from order {oid}: {_item_list(view, goal, rng)}. Refund to {pay}, please."
    if goal.action == STATUS:
        return f"What's the status of order {oid}?" if oid else "What's the status of my order?"
    return request(goal, rng)


def greeting(rng: random.Random) -> str:
    return _pick(rng, ["Hi.", "Hello!", "Hi there!", "Hey!"])


def yes(rng: random.Random) -> str:
    return _pick(
        rng, ["Yes, please.", "Yes", "yes, go ahead", "Yes, that's right, please do it.", "Yes, confirm."]
    )


def no(correction: str, rng: random.Random) -> str:
    return _pick(rng, ["No, that's not right. ", "No. ", "No, not quite. "]) + correction


def nothing_else(rng: random.Random) -> str:
    return _pick(
        rng, ["No, that's all, thanks.", "Nothing else, thank you!", "That's everything, thanks. Bye!"]
    )


def goodbye(rng: random.Random) -> str:
    return _pick(rng, ["Thanks, that's all.", "OK, thank you. Bye!", "Alright, thanks."])
