"""Answers about the verified customer's own orders and payment methods, from the store's records.

`answer_own(turn, question)` answers a question (`QuestionReading`) that asks a fact of an order
(its `fact`: tracking, payment, refund, balance, options, whether it can still be cancelled, status,
what they have ordered) when it is about the customer's own data ("my order", an order number, one
of their items, their gift card), choosing the order the question names, the one holding a product
it names, the one the conversation is about, or the customer's only order. The understanding layer
reads the question (`understanding/questions.py`); here it is matched against the customer's orders.
Before verification the question waits in `state.questions` (its words) and identity is asked for;
it is answered on the turn the customer is verified. Reads only: nothing here writes. It knows
nothing of the knowledge base or the catalog (`flows/catalog_answers.py`).
"""

from __future__ import annotations

from shopkeeper.domain import Order, OrderLine, format_money
from shopkeeper.flows import identity
from shopkeeper.flows.orders import ELIGIBLE_STATUS, describe_orders
from shopkeeper.flows.slots import describe_line
from shopkeeper.flows.turn import Turn
from shopkeeper.understanding.models import FactKind, QuestionReading
from shopkeeper.understanding.questions import names_item, names_whole, read_question

__all__ = ["answer_own", "answer_waiting"]

# Facts only an order has: asked with "it" or "the tracking number", they are about the order the
# conversation is on ("whats the tracking number?", "how much was it again", "when will it arrive?").
_ORDER_FACTS = ("tracking", "payment", "status", "cancellable")


def _named_lines(order: Order, question: QuestionReading) -> list[OrderLine]:
    # "the t-shirts" names a Merino T-Shirt; "lamp" a Desk Lamp: any telling word of the name
    named = [line for line in order.lines if names_item(question, line.name)]
    whole = [
        line for line in named if names_whole(question, line.name)
    ]  # "the bike lights", not the Bike Lock
    return whole or named


def _order_for(turn: Turn, question: QuestionReading) -> Order | None:
    orders = turn.orders
    for oid in question.order_ids:
        if (order := turn.order(oid)) is not None:
            return order
    holding = [o for o in orders if _named_lines(o, question)]
    if len(holding) > 1:  # "the exercise bike" names the Exercise Bike, not the Bike Helmet too
        whole = [o for o in holding if any(names_whole(question, line.name) for line in o.lines)]
        holding = whole if len(whole) == 1 else holding
    if len(holding) == 1:
        return holding[0]
    current = turn.state.task.order_id if turn.state.task else turn.state.last_order_id
    if current and (order := turn.order(current)) is not None and (not holding or order in holding):
        return order
    if len(orders) == 1:
        return orders[0]
    return None


def _each_order(turn: Turn, question: QuestionReading) -> list[Order]:
    """The orders a question asks about one by one: all of them ("my orders", "each order"), or the
    two or three that hold the item it names."""
    if question.several_orders:
        return list(turn.orders)
    holding = [o for o in turn.orders if _named_lines(o, question)]
    return holding if 1 < len(holding) <= 3 else []


def _method(turn: Turn, method_id: str) -> str:
    customer = turn.customer
    method = customer.payment_method(method_id) if customer else None
    return method.describe() if method else method_id


def _balance(turn: Turn) -> str:
    customer = turn.customer
    cards = [m for m in (customer.payment_methods if customer else ()) if m.is_gift_card]
    if not cards:
        return "I don't see a gift card on your account."
    return " ".join(
        f"Your {m.describe()} has a balance of {format_money(m.balance_cents or 0)}." for m in cards
    )


def _order_fact(turn: Turn, fact: FactKind, order: Order, question: QuestionReading) -> str:
    lines = _named_lines(order, question) or list(order.lines)
    if fact == "tracking":
        tracking = [t for f in order.fulfillments for t in f.tracking_ids]
        if not tracking:
            return f"Order {order.id} is {order.status} and has no tracking number yet."
        return f"The tracking number for order {order.id} is {', '.join(tracking)}."
    if fact == "payment":
        paid = [p for p in order.payments if p.transaction_type == "payment"]
        if not paid:
            return f"I don't see a payment recorded on order {order.id}; its total is {format_money(order.total_cents)}."
        how = "; ".join(
            f"{format_money(p.amount_cents)} with {_method(turn, p.payment_method_id)}" for p in paid
        )
        return f"For order {order.id} you paid {how} (order total {format_money(order.total_cents)})."
    if fact == "refund":
        refunds = [p for p in order.payments if p.transaction_type == "refund" and p.amount_cents]
        if refunds:
            done = ", ".join(
                f"{format_money(p.amount_cents)} to {_method(turn, p.payment_method_id)}" for p in refunds
            )
            return f"Order {order.id} has been refunded {done}."
        amount = sum(line.price_cents for line in lines)
        which = ", ".join(describe_line(line) for line in lines)
        return (
            f"Returning {which} from order {order.id} would refund {format_money(amount)}, the price paid "
            "for the item(s), to the original payment method or a gift card on your account."
        )
    if fact == "cancellable":
        if order.status == ELIGIBLE_STATUS["cancel"]:
            return f"Order {order.id} is {order.status}, so it can still be cancelled: just say so if you'd like me to."
        if order.status == "cancelled":
            return f"Order {order.id} is already cancelled."
        return f"Order {order.id} is {order.status}, so it can no longer be cancelled."
    if fact == "options":
        return "In order " + order.id + ": " + "; ".join(describe_line(line) for line in lines) + "."
    tracking = [t for f in order.fulfillments for t in f.tracking_ids]
    return (
        f"Order {order.id} is {order.status}. It contains: "
        + "; ".join(describe_line(line) for line in order.lines)
        + "."
        + (f" Tracking number: {', '.join(tracking)}." if tracking else "")
    )


def _about_own(turn: Turn, question: QuestionReading, fact: FactKind) -> bool:
    if fact == "history":
        return True
    if fact == "balance":
        return question.own_gift_card
    if question.order_ids:
        return True
    current = turn.state.task.order_id if turn.state.task else turn.state.last_order_id
    if (order := turn.order(current)) is not None and _named_lines(order, question):
        return True  # "what material is the t-shirt in it?" while we talk about its order
    if fact in _ORDER_FACTS:
        if turn.order(current) is not None and question.order_points_back:
            return True
        if question.several_own:
            return True  # "and the tracking numbers for all of them?"
        if any(_named_lines(o, question) for o in turn.orders):
            return True  # "when did the e-reader ship?": the customer's own e-reader
    return question.own and bool(
        question.about_orders or (turn.orders and any(_named_lines(o, question) for o in turn.orders))
    )


def answer_own(turn: Turn, question: QuestionReading) -> bool:
    """Answer a question about the customer's own orders; False when it is not one (or not one we
    can answer from the records)."""
    fact = question.fact
    if fact is None or not _about_own(turn, question, fact):
        return False
    if not identity.verified(turn):
        if question.text not in turn.state.questions:
            turn.state.questions.append(question.text)
        if not any(e.type == "question" for e in turn.events) and turn.state.task is None:
            turn.say("I can look that up for you.")
            identity.ask_identity(turn)
        return True
    if fact == "balance":
        turn.say(_balance(turn))
        return True
    if fact == "history" and not question.order_ids:
        turn.say(describe_orders(turn.orders) if turn.orders else "I don't see any orders on your account.")
        return True
    order = _order_for(turn, question)
    if order is None and (each := _each_order(turn, question)):
        # "what did I pay for my orders?"; "when is my cooler coming?" with a cooler in two orders: each
        turn.say(" ".join(_order_fact(turn, fact, o, question) for o in each))
        return True
    if order is None:
        if not turn.orders:
            turn.say("I don't see any orders on your account.")
        else:
            ids = ", ".join(o.id for o in turn.orders)
            turn.say(f"Which order do you mean? Your orders are {ids}.")
        return True
    turn.state.last_order_id = order.id
    turn.say(_order_fact(turn, fact, order, question))
    return True


def answer_waiting(turn: Turn) -> None:
    """The questions asked before verification, answered once the customer is verified."""
    if not turn.state.questions or not identity.verified(turn):
        return
    waiting, turn.state.questions = turn.state.questions, []
    for question in waiting:
        answer_own(turn, read_question(question))
