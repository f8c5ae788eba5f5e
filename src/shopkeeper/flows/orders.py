"""Which order a request is about, and the part of a message that concerns one order.

The order the customer names (by id) comes first; then the understanding layer's resolution; then
the order holding the products the customer names; then the only order whose status fits. A customer
who, asked which items of an order they mean, names a product that only another of their orders
holds means that other order: the request moves there, and the reply says so.
"""

from __future__ import annotations

import re

from shopkeeper.domain import Order
from shopkeeper.flows.state import Task
from shopkeeper.flows.turn import Turn
from shopkeeper.understanding.entities import extract_order_ids
from shopkeeper.understanding.orders import HISTORY, SEVERAL_ORDERS

__all__ = [
    "ELIGIBLE_STATUS",
    "HISTORY",
    "SEVERAL_ORDERS",
    "ask_order",
    "describe_orders",
    "fill_order",
    "segment_for_order",
]

ELIGIBLE_STATUS = {
    "cancel": "pending",
    "modify_address": "pending",
    "modify_payment": "pending",
    "modify_items": "pending",
    "return": "delivered",
    "exchange": "delivered",
}
# Changing an item of a pending order and exchanging a delivered one are one request until the order's
# status decides which (see `requests._step`).
_ITEM_CHANGES = ("modify_items", "exchange")
# Requests about an order as a whole, which can be repeated for each of several orders
_WHOLE_ORDER = ("cancel", "modify_address", "modify_payment")


def describe_orders(orders: list[Order]) -> str:
    """Each order's status and items, with its tracking numbers once it has shipped."""

    def one(o: Order) -> str:
        tracking = [t for f in o.fulfillments for t in f.tracking_ids]
        shipped = f"; tracking {', '.join(tracking)}" if tracking else ""
        return f"{o.id} is {o.status} ({', '.join(line.name for line in o.lines)}{shipped})"

    return "Here are your orders: " + "; ".join(one(o) for o in orders) + "."


def fill_order(turn: Turn, task: Task, *, quiet: bool = False) -> None:
    """Take the order the message names, if it is the customer's (preferring one whose status fits
    the request); otherwise the understanding layer's resolution, the order holding the products
    named, or the only order that fits."""
    wanted = ELIGIBLE_STATUS.get(task.kind)
    mentioned = list(turn.u.entities.order_ids)
    owned = [o for o in (turn.order(oid) for oid in mentioned) if o is not None]
    corrected = turn.u.cues.corrected_order
    if len(owned) > 1 and corrected in {o.id for o in owned}:
        owned = [o for o in owned if o.id == corrected]  # "#W1 oops no #W2": the second one
    if owned:
        fitting = [o for o in owned if wanted is None or o.status == wanted]
        _set_order(task, (fitting or owned)[0].id)
        return
    if mentioned and not quiet:
        turn.say(f"I couldn't find order {mentioned[0]} on your account.")
        return
    if task.order_id:
        if not task.item_ids:
            _follow_named_products(turn, task)
        return
    if task.kind in _WHOLE_ORDER and turn.u.cues.all_orders and _take_all(turn, task):
        return
    before = turn.order(task.named_before)
    if before is not None and (not turn.u.entities.products or _holding_named(turn, [before])):
        _set_order(task, before.id)  # "... and exchange the mug too": the order named just before
        return
    if (
        turn.u.order
        and turn.u.order.order_id
        and not turn.u.order.ambiguous
        and turn.order(turn.u.order.order_id)
    ):
        task.order_id = turn.u.order.order_id
        return
    last = turn.order(turn.state.last_order_id) if turn.state.last_order_id else None
    if last is not None and _fits(task, last) and turn.u.cues.points_back and not turn.u.entities.products:
        _set_order(task, last.id)  # "ok cancel it then" after we spoke of that order
        return
    holding = [o for o in _holding_named(turn, turn.orders) if _fits(task, o)]
    # One order holds what was named; else one of those has exactly the status the request wants.
    pick = holding if len(holding) == 1 else [o for o in holding if o.status == wanted]
    if len(pick) == 1:
        _set_order(task, pick[0].id)
        return
    if holding:
        return  # several orders hold what was named: ask which
    if task.kind == "order_status" and len(by_status := _with_status_named(turn)) == 1:
        _set_order(task, by_status[0].id)  # "where's my shipped order?"
        return
    eligible = [o for o in turn.orders if wanted is None or o.status == wanted]
    if len(eligible) == 1 and (wanted is not None or len(turn.orders) == 1):
        _set_order(task, eligible[0].id)


def _take_all(turn: Turn, task: Task) -> bool:
    """ "cancel all my pending orders": the request for the first order that fits, the same request
    for each other one queued after it (each proposed and confirmed on its own)."""
    named = _with_status_named(turn)
    fitting = [o for o in (named or turn.orders) if _fits(task, o)]
    if len(fitting) < 2:
        return False
    _set_order(task, fitting[0].id)
    for k, o in enumerate(fitting[1:]):
        turn.state.queue.insert(
            k,
            task.model_copy(
                update={"order_id": o.id, "named_before": None, "hint": turn.text, "together": True}
            ),
        )
    turn.say(
        f"That's {len(fitting)} orders: {', '.join(o.id for o in fitting)}. I'll take them one at a time, "
        f"starting with {fitting[0].id}."
    )
    return True


def _with_status_named(turn: Turn) -> list[Order]:
    """The customer's orders whose status the message names ("my pending orders")."""
    return [o for o in turn.orders if o.status.split(" (")[0].lower() in turn.u.cues.statuses]


def _fits(task: Task, order: Order) -> bool:
    if task.kind in _ITEM_CHANGES:
        return order.status in ("pending", "delivered")
    wanted = ELIGIBLE_STATUS.get(task.kind)
    return wanted is None or order.status == wanted


def _holding_named(turn: Turn, orders: list[Order]) -> list[Order]:
    """The orders holding a product the message names (none when it names no product)."""
    named = set(turn.u.entities.products)
    return [o for o in orders if named & {line.name for line in o.lines}]


def _follow_named_products(turn: Turn, task: Task) -> None:
    """Items named that the request's order lacks but exactly one other fitting order holds: that
    order is meant ("which items of #W1?" - "the charger", which is on #W2)."""
    current = turn.order(task.order_id)
    if current is None or _holding_named(turn, [current]) or not turn.u.entities.products:
        return
    others = [o for o in _holding_named(turn, turn.orders) if o.id != current.id and _fits(task, o)]
    named = set(turn.u.entities.products)
    held = {o.id: len(named & {line.name for line in o.lines}) for o in others}
    # "the makeup kit, the helmet and the tea kettle": the order holding all three, not the one that
    # holds an electric kettle
    others = [o for o in others if held[o.id] == max(held.values())]
    if len(others) != 1:
        return
    names = [p for p in turn.u.entities.products if p in {line.name for line in others[0].lines}]
    verb = "are" if len(names) > 1 else "is"
    listed = (
        " and the ".join(names) if len(names) < 3 else ", the ".join(names[:-1]) + " and the " + names[-1]
    )
    turn.say(f"The {listed} {verb} on order {others[0].id}, not {current.id}, so I'll go with that order.")
    _set_order(task, others[0].id)


def _set_order(task: Task, order_id: str) -> None:
    """Point the request at an order; details chosen for another order no longer apply."""
    if task.order_id not in (None, order_id):
        task.item_ids, task.new_item_ids, task.payment_method_id = [], [], None
    task.order_id = order_id


# Which orders a request can be made for, said when none of the customer's orders is one.
_ONLY = {
    "cancel": "Only pending orders can be cancelled",
    "modify_address": "A shipping address can only be changed while the order is pending",
    "modify_payment": "A payment method can only be changed while the order is pending",
    "return": "Only delivered orders can be returned",
    "modify_items": "Items can be changed on a pending order or exchanged on a delivered one",
    "exchange": "Items can be changed on a pending order or exchanged on a delivered one",
}


def ask_order(turn: Turn, task: Task) -> None:
    wanted = ELIGIBLE_STATUS.get(task.kind)
    eligible = [o for o in turn.orders if wanted is None or o.status == wanted]
    listed = eligible or turn.orders
    if not turn.orders:
        turn.say("I don't see any orders on your account.")
        turn.next_task()
        return
    statuses = {ELIGIBLE_STATUS[k] for k in _ITEM_CHANGES} if task.kind in _ITEM_CHANGES else {wanted}
    if task.kind in _ONLY and not any(
        o.status in statuses for o in turn.orders
    ):  # "ship my pending order elsewhere" with none pending
        yours = "; ".join(f"{o.id} is {o.status}" for o in turn.orders[:8])
        turn.say(f"{_ONLY[task.kind]}, and none of yours is: {yours}. Nothing was changed.")
        turn.next_task()
        return
    if task.kind == "order_status" and (
        (by_status := _with_status_named(turn)) or turn.u.cues.several_orders
    ):  # "whats in my pending orders", "status of all my orders": each one, no question
        turn.say(describe_orders(by_status or turn.orders))
        turn.next_task()
        return
    lines = "; ".join(f"{o.id} ({o.status}: {', '.join(line.name for line in o.lines)})" for o in listed[:8])
    turn.ask(f"Which order is it about? Your orders: {lines}.", "order_id", [o.id for o in listed[:8]])


def segment_for_order(text: str, order_id: str) -> str:
    """The part of a message about one order, when it talks about several (from its id to the next).
    An order named only as a reference ("same as #W3") starts no part."""
    digits = order_id.lstrip("#W")
    named = {o.lstrip("#W") for o in extract_order_ids(text)}
    spots = sorted(
        {m.start(): m.group(1) for m in re.finditer(r"#?W ?(\d{7})", text) if m.group(1) in named}.items()
    )
    if len({d for _, d in spots}) < 2:
        return text
    for i, (start, found) in enumerate(spots):
        if found == digits:
            end = next((p for p, d in spots[i + 1 :] if d != digits), len(text))
            return text[start:end]
    return text
