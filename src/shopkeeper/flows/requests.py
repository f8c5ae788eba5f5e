"""Serving account requests one after another: which request is active, what it still needs, and
what happens to a proposal when the customer answers it.

`advance(turn)` fills the active request's slots from the message and then either asks for the next
missing thing (one question at a time, never one already answered) or proposes the write. Further
requests wait in `state.queue` and start when the active one is done or dropped.
"""

from __future__ import annotations

from shopkeeper.domain import format_money
from shopkeeper.flows import identity, new_items, orders, payment, slots
from shopkeeper.flows.proposals import (
    clarify,
    describe_action,
    execute,
    propose_task,
    refuse,
    status_refusal,
    supported,
)
from shopkeeper.flows.state import Task, TaskKind
from shopkeeper.flows.turn import Turn
from shopkeeper.understanding.entities import extract_order_ids
from shopkeeper.understanding.intents import REQUEST_KINDS

__all__ = ["add_tasks", "advance", "answer_proposal", "next_task"]

# the requests that name a payment method
_PAID: tuple[TaskKind, ...] = ("return", "exchange", "modify_items", "modify_payment")


def add_tasks(turn: Turn, asked_for: list[tuple[TaskKind, str]]) -> None:
    """Start (or queue) requests, each with its part of the message; a request already active or
    queued (same kind, same orders named) is not added twice.

    A new request made instead of answering our question about the active one is served first; the
    active one waits at the front of the queue with what it had gathered. A queued request asked for
    again then, or while none is active, starts now.
    """
    active = turn.state.task
    waiting = turn.state.asked not in (None, "confirm", "anything_else")
    if (active is None or waiting) and asked_for:
        # A queued request asked for again instead of answering our question, or while none is
        # active (a proposal just set aside for it): the customer wants it now.
        again = [t for t in turn.state.queue if any(_same(t, k, part) for k, part in asked_for)]
        if again and (active is None or not any(_same(active, k, part) for k, part in asked_for)):
            again[0].hint = next(part for k, part in asked_for if _same(again[0], k, part))
            turn.state.queue.remove(again[0])
            if active is not None:
                turn.state.queue.insert(0, active)
            turn.state.task = active = again[0]
            turn.state.asked, turn.state.options = None, []
            waiting = False
    known = [t for t in (active, *turn.state.queue) if t is not None]
    fresh = [(k, part) for k, part in asked_for if not any(_same(t, k, part) for t in known)]
    if active is not None and fresh and waiting:
        if active.kind != "order_status" or active.order_id is not None:
            turn.state.queue.insert(0, active)  # a look-up with no order yet is not worth asking again
        turn.state.task = None
    for kind, part in fresh:
        task = Task(kind=kind, hint=part, named_before=_named_before(asked_for, part))
        if turn.state.task is None:
            turn.state.task = task
        else:
            turn.state.queue.append(task)
        turn.state.requests.append(kind.replace("_", " "))


def _named_before(asked_for: list[tuple[TaskKind, str]], part: str) -> str | None:
    """The order the requests written before `part` in the same message named last, when `part`
    names none."""
    if extract_order_ids(part):
        return None
    before = [p for _, p in asked_for[: next(i for i, (_, p) in enumerate(asked_for) if p == part)]]
    named = [o for p in before for o in extract_order_ids(p)]
    return named[-1] if named else None


def _same(task: Task, kind: TaskKind, part: str) -> bool:
    named = set(extract_order_ids(part))
    return task.kind == kind and (not named or task.order_id is None or task.order_id in named)


def next_task(turn: Turn) -> None:
    turn.next_task()


def answer_proposal(turn: Turn, new_kinds: list[TaskKind]) -> bool:
    """Handle the reply to a pending proposal. True when the turn is fully handled here.

    Only a clear yes (`understanding.confirmation`) to the proposal pending now runs its write; a
    separate question after it ("yes please. do you ship to Canada?") is answered afterwards. A
    correction updates the request and re-proposes; one that says something is missing adds it to
    what was proposed. The request asked for again in full is read as its new version, and shown
    again once when nothing in it differs. A "no" asks what to change, or drops the request on
    "never mind", "don't"; a "no" or a non-answer that closes the conversation ("never mind, that's
    all") drops every request. Anything else keeps the proposal pending, unchanged, and `advance`
    asks one short clarifying question after whatever else the message needs. A reply other than
    yes that comes with a different request sets the proposal aside: the new request is served
    first and the proposed one is offered again afterwards; it is dropped when the new request
    replaces it (the same order's items, or after a "no") or comes after "never mind".
    """
    proposal, state = turn.state.proposal, turn.state
    assert proposal is not None
    reading = turn.u.reply
    active = state.task
    others = active is not None and any(not _same_family(k, active.kind) for k in new_kinds)
    if reading.answer == "yes" and reading.aside and others:  # the "question" asks for another change
        reading = reading.model_copy(update={"answer": "unclear", "reason": "question", "aside": ""})
    leaving = reading.closing or (reading.withdrawn and not others)
    if reading.answer != "yes" and leaving and not _restates(turn, new_kinds):
        return _drop(turn, everything=reading.closing)
    if reading.answer != "yes" and active is not None and others:
        state.proposal = None
        if not reading.withdrawn and not _replaces(turn, active):
            state.queue.insert(0, active)
        state.task = None
        return False
    restated = _restates(turn, new_kinds)
    # A question about the proposal ("is that the blue one?") is answered, not taken as a correction.
    corrected = (reading.reason != "question" or restated) and _apply_corrections(turn, restated=restated)
    if reading.answer == "yes" and not corrected:
        state.proposal = None
        execute(turn, proposal)
        if state.proposal is not None:  # the store did not answer: still pending, nothing else now
            return True
        next_task(turn)
        return False
    if corrected:
        state.proposal = None
        return False  # re-propose with the corrections
    if (restated or reading.adds) and not proposal.shown_again:
        proposal.shown_again = True  # asked for as proposed: show it once more, in full
        turn.say("Nothing has changed yet; this is what I have ready.")
        turn.propose(proposal)
        return True
    if reading.answer == "unclear":
        proposal.unclear_replies += 1
        return False  # still pending: `advance` asks once, after the rest of the turn
    if reading.answer == "no" and reading.withdrawn:
        return _drop(turn, everything=False)
    if state.asked == "choice":  # asked already: say it differently, and narrow it
        turn.ask(
            f"Nothing has changed yet. Tell me what should be different (for example the items, the "
            f"option or the payment method), or say 'never mind' and I won't {describe_action(proposal)}.",
            "choice",
        )
    else:
        turn.ask("No problem. What would you like to change? (Or say 'never mind' to drop it.)", "choice")
    return True


def _same_family(kind: TaskKind, other: TaskKind) -> bool:
    """Changing an item is one request whether the order is pending or delivered."""
    items = ("modify_items", "exchange")
    return kind == other or (kind in items and other in items)


def _restates(turn: Turn, new_kinds: list[TaskKind]) -> bool:
    """The message asks again, in full, for the request being proposed: the same kind of request,
    naming its order or items ("I want to return the lamp and the kettle from order #W1")."""
    task = turn.state.task
    # the active kind is not in new_kinds
    read = [REQUEST_KINDS[s.intent] for s in turn.u.intents if s.intent in REQUEST_KINDS]
    if task is None or not any(_same_family(k, task.kind) for k in [*new_kinds, *read]):
        return False
    items = turn.u.items
    return bool(turn.u.entities.order_ids) or (items is not None and bool(items.item_ids))


def _replaces(turn: Turn, active: Task) -> bool:
    """The other request is asked for instead of the proposed one: about the same order, for the
    same items or after a "no" ("I asked for an exchange, not a return: exchange the bookshelf")."""
    if set(turn.u.entities.order_ids) - {active.order_id}:
        return False
    items = turn.u.items
    same_items = items is not None and bool(set(items.item_ids) & set(active.item_ids))
    return same_items or turn.u.reply.negated


def _drop(turn: Turn, *, everything: bool) -> bool:
    """Drop the proposal ("never mind"); with `everything`, every request waiting too ("that's all")."""
    state = turn.state
    state.proposal = None
    if everything:
        state.task, state.queue, state.asked, state.options = None, [], None, []
        turn.say(
            "Okay, I won't make that change, and I'll leave everything as it is. Thanks for contacting us!"
        )
        return True
    turn.say("Okay, I won't make that change.")
    next_task(turn)
    return False


def _apply_corrections(turn: Turn, *, restated: bool = False) -> bool:
    """Corrections given while a proposal waits ("actually only the lamp", "use PayPal instead",
    "no, the backpack is missing"), or the request asked for again in full (`restated`)."""
    task = turn.state.task
    if task is None:
        return False
    named = [o for o in turn.u.entities.order_ids if turn.order(o) is not None]
    if restated and named and task.order_id not in named:  # the same request, for another order
        turn.state.task = Task(kind=task.kind)
        return True
    before = task.model_copy(deep=True)
    order = turn.order(task.order_id)
    if order is not None:
        if task.kind in ("return", "exchange", "modify_items"):
            # same items: choices are kept; items said to be missing join the ones proposed
            slots.fill_items(turn, task, order, replace=True, adds=turn.u.reply.adds)
        if task.kind in ("exchange", "modify_items"):
            new_items.fill_new_items(turn, task, order, replace=True)
        if task.kind in ("return", "exchange", "modify_items", "modify_payment") and (
            turn.u.entities.payment_methods or turn.u.cues.method_ids
        ):
            previous, task.payment_method_id = task.payment_method_id, None
            payment.fill_payment(turn, task, order)
            task.payment_method_id = task.payment_method_id or previous
    if task.kind == "cancel" and turn.u.entities.reason:
        task.reason = turn.u.entities.reason
    if task.kind in ("modify_address", "change_default_address") and turn.u.entities.address:
        slots.fill_address(turn, task)
    return task != before


def advance(turn: Turn) -> None:
    """Move the active request forward as far as this message allows. A proposal still pending here
    got a reply that was neither yes, no nor a correction: ask about it once more, shortly."""
    if turn.state.proposal is not None:
        clarify(turn, turn.state.proposal, question=turn.u.reply.reason == "question")
        return
    for step in range(4):  # a finished or dropped request lets the next queued one start in the same turn
        task = turn.state.task
        if task is None or turn.state.proposal is not None or turn.state.handoff:
            return
        if not identity.verified(turn):
            identity.ask_identity(turn)
            return
        if _step(_words_for(turn, task, first=step == 0), task):
            return


def _words_for(turn: Turn, task: Task, *, first: bool) -> Turn:
    """What a request reads this turn: the message, or only its own part of it, or only its own
    earlier words when it was asked for before and starts now (this message, a "yes" to the request
    served before it or another request, is not about it)."""
    hint, task.hint = task.hint, ""
    if hint == turn.text or (not hint and first):
        return turn  # asked for in this message as a whole, or the request this message answers
    if hint and hint in turn.text:
        return turn.about(hint)  # this message holds several requests: only this one's part
    if hint:
        _read_hint(turn, task, hint)
        if first and turn.state.asked == "identity" and _asks_again(turn, task, hint):
            return turn  # asked before we knew who they are, and again, with details, as they tell us
    return turn.about("")


def _asks_again(turn: Turn, task: Task, hint: str) -> bool:
    """Whether the message speaks of the request `task` asked for in `hint`: it names the order the
    request named, or reads as that request (or its family), however sure."""
    if set(extract_order_ids(hint)) & set(turn.u.entities.order_ids):
        return True
    return any(
        s.intent in REQUEST_KINDS and _same_family(REQUEST_KINDS[s.intent], task.kind)
        for s in turn.u.intents
        if s.confidence >= 0.3
    )


def _read_hint(turn: Turn, task: Task, hint: str) -> None:
    """A queued request starts: take the details the customer gave when they first asked for it."""
    earlier = turn.about(hint)
    if task.kind in ("change_default_address", "modify_address"):
        slots.fill_address(earlier, task)
    if task.kind == "change_default_address":
        return
    orders.fill_order(earlier, task, quiet=True)
    order = turn.order(task.order_id)
    if (
        order is not None
        and task.kind in ("modify_items", "exchange")
        and order.status in ("pending", "delivered")
    ):
        task.kind = "modify_items" if order.status == "pending" else "exchange"  # read before verification
    if order is None or not status_refusal(order, task.kind):
        return
    if (part := orders.segment_for_order(hint, order.id)) != hint:
        earlier = turn.about(part)
    if task.kind in ("return", "exchange", "modify_items"):
        slots.fill_items(earlier, task, order)
    if task.kind in ("exchange", "modify_items") and task.item_ids:
        new_items.fill_new_items(earlier, task, order)
    if task.kind == "cancel":
        slots.fill_reason(earlier, task)
    if task.kind in ("return", "exchange", "modify_items", "modify_payment"):
        payment.fill_payment(earlier, task, order, only_mentioned=True)


def _step(turn: Turn, task: Task) -> bool:
    """One request: returns True when the turn should end (a question or proposal was made)."""
    if task.kind == "change_default_address":
        slots.fill_address(turn, task)
        if not slots.address_complete(task.address):
            slots.ask_address(turn, task)
            return True
        propose_task(turn, task)
        return True
    orders.fill_order(turn, task)
    if task.order_id is None:
        orders.ask_order(turn, task)
        return turn.state.task is not None
    order = turn.order(task.order_id)
    assert order is not None
    turn.state.last_order_id = order.id
    if (part := orders.segment_for_order(turn.text, order.id)) != turn.text:
        turn = turn.about(part)  # the message covers several orders: read only what concerns this one
    if task.kind in ("modify_items", "exchange") and order.status in ("pending", "delivered"):
        task.kind = "modify_items" if order.status == "pending" else "exchange"  # "change an item" either way
    if task.kind == "order_status":
        _tell_status(turn, order.id)
        next_task(turn)
        return False
    if not (decision := status_refusal(order, task.kind)) or not (decision := supported(turn, task)):
        refuse(turn, task, decision)
        return False
    if task.kind in _PAID and task.payment_method_id is None and turn.u.entities.payment_methods:
        payment.fill_payment(turn, task, order, only_mentioned=True)  # said now, asked for last
    if task.kind in ("return", "exchange", "modify_items"):
        asked = turn.state.asked
        # asked who pays, "oh, the duffel bag is missing" adds an item (and then asks what it becomes)
        adding = asked == "payment_method" and bool(task.item_ids) and turn.u.cues.adds_items
        slots.fill_items(
            turn,
            task,
            order,
            replace=asked in ("items", "new_items") or adding,
            narrow=asked == "items",
            adds=adding,
        )
        if not task.item_ids:
            slots.ask_items(turn, task, order)
            return True
    if task.kind in ("exchange", "modify_items"):
        new_items.fill_new_items(turn, task, order)
        if None in task.new_item_ids:
            new_items.ask_new_item(turn, task, order)
            return turn.state.asked == "new_items"
    if task.kind == "cancel":
        payment.say_cancel_refund(turn, order)
        slots.fill_reason(turn, task)
        if task.reason is None:
            slots.ask_reason(turn, order.id)
            return True
    if task.kind == "modify_address":
        slots.fill_address(turn, task)
        if not slots.address_complete(task.address):
            slots.ask_address(turn, task)
            return True
    if task.kind in _PAID:
        if task.payment_method_id is None:
            payment.fill_payment(turn, task, order)
        if task.payment_method_id is None:
            payment.ask_payment(turn, task, order)
            return turn.state.task is not None
    _share_with_others(turn, task)
    propose_task(turn, task)
    return turn.state.proposal is not None


def _share_with_others(turn: Turn, task: Task) -> None:
    """The reason, address or payment method of a request over several orders ("cancel all my pending
    orders because I ordered them by mistake") is the same for each order waiting in the queue."""
    for other in turn.state.queue:
        if other.together and other.kind == task.kind:
            other.reason = other.reason or task.reason
            other.address = other.address or task.address
            other.payment_method_id = other.payment_method_id or task.payment_method_id


def _tell_status(turn: Turn, order_id: str) -> None:
    order = turn.order(order_id)
    assert order is not None
    items = "; ".join(slots.describe_line(line) for line in order.lines)
    text = (
        f"Order {order.id} is {order.status}. It contains: {items}. Total {format_money(order.total_cents)}."
    )
    tracking = [t for f in order.fulfillments for t in f.tracking_ids]
    if tracking:
        text += f" Tracking number{'s' if len(tracking) > 1 else ''}: {', '.join(tracking)}."
    refunds = [p for p in order.payments if p.transaction_type == "refund" and p.amount_cents]
    if refunds:
        text += " Refunded: " + ", ".join(format_money(p.amount_cents) for p in refunds) + "."
    if order.status == "return requested":
        text += " A return is open for it; the refund is issued once the items arrive back."
    turn.say(text)
