"""Which payment method a request uses: the one the customer names, if it is theirs and the request
allows it (a refund goes back to the original method or to a gift card; a payment change needs
another method), said back when they name one they don't have, and asked for otherwise.

Accepts only the verified customer's own payment methods. Never writes to the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopkeeper import policy
from shopkeeper.domain import Order, PaymentMethod
from shopkeeper.flows.slots import describe_options
from shopkeeper.flows.state import Task
from shopkeeper.flows.turn import Turn
from shopkeeper.understanding import PaymentMention

__all__ = ["allowed_methods", "ask_payment", "fill_payment", "say_cancel_refund"]


def allowed_methods(turn: Turn, task: Task, order: Order) -> list[PaymentMethod]:
    customer = turn.customer
    assert customer is not None
    methods = list(customer.payment_methods)
    original = order.payments[0].payment_method_id if order.payments else None
    if task.kind == "return":
        return [m for m in methods if m.id == original or m.is_gift_card]
    if task.kind == "modify_payment":  # and, of those, one that can pay the order (a gift card's balance)
        return [m for m in methods if m.id != original and policy.can_change_payment(order, customer, m.id)]
    return methods


def fill_payment(turn: Turn, task: Task, order: Order, *, only_mentioned: bool = False) -> None:
    """Take the payment method the message names; with a single allowed choice, that one."""
    allowed = allowed_methods(turn, task, order)
    customer = turn.customer
    assert customer is not None
    for mid in turn.u.cues.method_ids:
        if customer.payment_method(mid) is not None:
            task.payment_method_id = mid
            return
    original = order.payments[0].payment_method_id if order.payments else None
    if turn.u.cues.original_method and original and task.kind in ("return", "modify_items", "exchange"):
        task.payment_method_id = original
        return
    mentions = turn.u.entities.payment_methods
    for mention in mentions:
        matches = _matching_methods(mention, customer.payment_methods)
        preferred = [m for m in matches if m in allowed] or matches
        if len(preferred) == 1 or (preferred and mention.last_four):
            task.payment_method_id = preferred[0].id
            return
    if mentions and not any(_matching_methods(m, customer.payment_methods) for m in mentions):
        # "refund it to my paypal" without a PayPal account: say so; `ask_payment` lists theirs
        listed = " or ".join(dict.fromkeys(_describe_mention(m) for m in mentions))
        turn.say(f"I couldn't find {listed} among the payment methods on your account.")
        return
    if only_mentioned:
        return
    if (
        task.payment_method_id is None
        and len(allowed) == 1
        and task.kind in ("return", "modify_items", "exchange")
    ):
        task.payment_method_id = allowed[0].id


def say_cancel_refund(turn: Turn, order: Order) -> None:
    """A cancellation is refunded to the method the order was paid with: a method named for it ("cancel
    it and refund to my paypal") that isn't that one is answered, not ignored."""
    customer = turn.customer
    original = order.payments[0].payment_method_id if order.payments else None
    if customer is None or original is None:
        return
    named = turn.u.entities.payment_methods
    if not named or any(
        original in {x.id for x in _matching_methods(m, customer.payment_methods)} for m in named
    ):
        return
    method = customer.payment_method(original)
    paid = f"your {method.describe()}" if method is not None else "the original payment method"
    turn.say(
        f"A cancelled order is refunded to the payment method it was paid with ({paid}), so I can't "
        f"send the refund to {' or '.join(dict.fromkeys(_describe_mention(m) for m in named))}."
    )


def _matching_methods(mention: PaymentMention, methods: Sequence[PaymentMethod]) -> list[PaymentMethod]:
    """The customer's payment methods a mention ("my amex", "the card ending in 1234") fits."""
    return [
        m
        for m in methods
        if (mention.source is None or m.source == mention.source)
        and (mention.brand is None or (m.brand or "").lower() == mention.brand.lower())
        and (mention.last_four is None or m.last_four == mention.last_four)
    ]


def _describe_mention(mention: PaymentMention) -> str:
    """A payment method as the customer named it: "a PayPal account", "an Amex card ending in 1234"."""
    if mention.source == "paypal":
        return "a PayPal account"
    if mention.source == "gift_card":
        return "a gift card"
    brand = (mention.brand or "").title() if mention.brand != "amex" else "Amex"
    card = f"{brand} card" if brand else "credit card"
    ending = f" ending in {mention.last_four}" if mention.last_four else ""
    return f"{'an' if card[0] in 'AEIOU' else 'a'} {card}{ending}"


def _none_left(turn: Turn, task: Task, order: Order) -> str:
    """Why no payment method can be offered: for a payment change, what stops each other method."""
    customer = turn.customer
    original = order.payments[0].payment_method_id if order.payments else None
    if task.kind == "modify_payment" and customer is not None:
        reasons = dict.fromkeys(
            d.reason
            for m in customer.payment_methods
            if m.id != original and not (d := policy.can_change_payment(order, customer, m.id))
        )
        if reasons:
            return (
                f"None of the other payment methods on your account can pay for order {order.id}. "
                + " ".join(reasons)
            )
    return "There's no other payment method on your account to switch to."


def ask_payment(turn: Turn, task: Task, order: Order) -> None:
    allowed = allowed_methods(turn, task, order)
    if not allowed:
        turn.say(_none_left(turn, task, order))
        turn.next_task()
        return
    names = [m.describe() for m in allowed]
    if task.kind in ("modify_items", "exchange") and task.item_ids:
        turn.say(_chosen(turn, task, order))  # what they asked for so far, before the money question
    question = {
        "return": "Where should the refund go: ",
        "modify_payment": "Which payment method would you like to use instead: ",
        "modify_items": "Which payment method should cover any price difference: ",
        "exchange": "Which payment method should cover any price difference: ",
    }[task.kind]
    turn.ask(question + " or ".join(names) + "?", "payment_method", names)


def _chosen(turn: Turn, task: Task, order: Order) -> str:
    """'So far: the Office Chair to color black, armrest fixed; the Speaker for an identical one.'"""
    said = []
    for item_id, new_id in zip(task.item_ids, task.new_item_ids, strict=True):
        line = next((line for line in order.lines if line.item_id == item_id), None)
        new = turn.product(line.product_id).variant(new_id) if line and new_id else None
        if line is None or new is None:
            continue
        changed = {k: v for k, v in new.options.items() if line.options.get(k) != v}
        said.append(
            f"the {line.name} to {describe_options(changed)}"
            if changed
            else f"the {line.name} for an identical one"
        )
    return f"So far: {'; '.join(said)}." if said else ""
