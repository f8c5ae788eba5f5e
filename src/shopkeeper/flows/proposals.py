"""Turning a filled request into a proposal the customer can say yes to, and carrying it out.

`propose_task` re-checks policy on current records first: a request the rules don't allow is
explained (reason and alternatives) and dropped, never proposed. The summary states exactly what
will happen: items, new variants, amounts and the payment method, the address. `execute` runs the
write through `shopkeeper.actions` with an idempotency key, so a retried turn never acts twice.
"""

from __future__ import annotations

from typing import Any

from shopkeeper import policy
from shopkeeper.actions import Actions, Context
from shopkeeper.domain import Address, Order, format_money
from shopkeeper.errors import ActionError, BackendUnavailable, UnsupportedAction
from shopkeeper.events import ActionEvent, RefusalEvent
from shopkeeper.flows.slots import describe_line
from shopkeeper.flows.state import Proposal, Task
from shopkeeper.flows.turn import Turn

__all__ = ["clarify", "describe_action", "execute", "propose_task", "refuse", "status_refusal", "supported"]

_ACTIONS = {
    "cancel": "cancel_order",
    "modify_address": "modify_order_address",
    "modify_payment": "modify_order_payment",
    "modify_items": "modify_order_items",
    "return": "return_order_items",
    "exchange": "exchange_order_items",
    "change_default_address": "modify_customer_address",
}


def _method(turn: Turn, method_id: str) -> str:
    customer = turn.customer
    method = customer.payment_method(method_id) if customer else None
    return method.describe() if method else method_id


def _address_text(address: dict[str, str]) -> str:
    return Address(
        **{k: address.get(k, "") for k in ("address1", "address2", "city", "state", "country", "zip")}
    ).one_line()


def status_refusal(order: Order, kind: str) -> policy.Decision:
    """Whether the order's status allows this kind of request at all (checked as soon as the order is known)."""
    if kind == "cancel":
        return policy.can_cancel(order, policy.CANCEL_REASONS[0])
    if kind in ("modify_address", "modify_payment", "modify_items"):
        return policy.can_modify(order)
    if kind in ("return", "exchange") and order.status != "delivered":
        doing = "returned" if kind == "return" else "exchanged"
        hint = " Pending orders can be cancelled or changed instead." if order.status == "pending" else ""
        said = (
            policy.already_done(order)
            or f"Order {order.id} is {order.status}, so it can't be {doing} yet.{hint}"
        )
        return policy.Decision(False, "not_delivered", said)
    return policy.Decision(True)


def supported(turn: Turn, task: Task) -> policy.Decision:
    """Whether the store's platform can make this kind of change at all (else a person can)."""
    action = _ACTIONS.get(task.kind)
    if action is None or turn.store.supports(action):
        return policy.Decision(True)
    message = UnsupportedAction(action).message
    return policy.Decision(
        False, "unsupported_action", f"{message} Just ask for a person if you'd like that."
    )


def refuse(turn: Turn, task: Task, decision: policy.Decision) -> None:
    """Explain why the request can't be done, report it as an event, and drop it. A reason that
    doesn't name the order says first which request it refuses: the next request's proposal may
    follow in the same reply, and must not read as the answer to this one."""
    action = _ACTIONS[task.kind]
    if task.order_id and task.order_id not in decision.reason:
        turn.say(f"I can't {_doing(action, task.order_id)}.")
    turn.say(decision.reason)
    turn.events.append(
        RefusalEvent(action=action, order_id=task.order_id, code=decision.code, reason=decision.reason)
    )
    turn.next_task()


def propose_task(turn: Turn, task: Task) -> None:
    customer = turn.customer
    assert customer is not None
    key = f"{turn.conversation_id}:{turn.state.proposals_made + 1}"
    if task.kind == "change_default_address":
        assert task.address is not None
        args: dict[str, Any] = {"customer_id": customer.id, "address": task.address}
        summary = f"I'll change your default address to {_address_text(task.address)}."
        _offer(turn, task, args, summary, key)
        return
    order = turn.order(task.order_id)
    assert order is not None
    if task.kind == "cancel":
        assert task.reason is not None
        if not (d := policy.can_cancel(order, task.reason)):
            return refuse(turn, task, d)
        refunds = ", ".join(
            f"{format_money(p.amount_cents)} to your {_method(turn, p.payment_method_id)}"
            for p in order.payments
            if p.transaction_type == "payment"
        )
        summary = (
            f"I'll cancel order {order.id} ({', '.join(line.name for line in order.lines)}) because it's "
            f"{task.reason}. The whole order is cancelled and refunded: {refunds} (gift cards right away, "
            "other methods within 5-7 business days)."
        )
        _offer(turn, task, {"order_id": order.id, "reason": task.reason}, summary, key)
    elif task.kind == "modify_address":
        assert task.address is not None
        if not (d := policy.can_modify(order)):
            return refuse(turn, task, d)
        summary = f"I'll change the shipping address of order {order.id} to {_address_text(task.address)}."
        _offer(turn, task, {"order_id": order.id, "address": task.address}, summary, key)
    elif task.kind == "modify_payment":
        assert task.payment_method_id is not None
        if not (d := policy.can_change_payment(order, customer, task.payment_method_id)):
            return refuse(turn, task, d)
        old = order.payments[0]
        summary = (
            f"I'll switch the payment for order {order.id} ({format_money(old.amount_cents)}) to your "
            f"{_method(turn, task.payment_method_id)}; your {_method(turn, old.payment_method_id)} will be refunded "
            "(gift cards right away, other methods within 5-7 business days)."
        )
        _offer(turn, task, {"order_id": order.id, "payment_method_id": task.payment_method_id}, summary, key)
    elif task.kind == "return":
        assert task.payment_method_id is not None
        if not (d := policy.can_return(order, customer, task.item_ids, task.payment_method_id)):
            return refuse(turn, task, d)
        lines = [next(line for line in order.lines if line.item_id == i) for i in task.item_ids]
        total = sum(line.price_cents for line in lines)
        summary = (
            f"I'll open a return for order {order.id}: {'; '.join(describe_line(line) for line in lines)}. "
            f"The refund of {format_money(total)} goes to your {_method(turn, task.payment_method_id)}, and you'll "
            "get return instructions by email."
        )
        args = {
            "order_id": order.id,
            "item_ids": list(task.item_ids),
            "payment_method_id": task.payment_method_id,
        }
        _offer(turn, task, args, summary, key)
    else:
        _propose_swap(turn, task, order, key)


def _propose_swap(turn: Turn, task: Task, order: Order, key: str) -> None:
    customer = turn.customer
    assert customer is not None and task.payment_method_id is not None
    new_ids = [n for n in task.new_item_ids if n is not None]
    products = {
        line.product_id: turn.product(line.product_id)
        for line in order.lines
        if line.item_id in task.item_ids
    }
    plan = policy.plan_item_change(
        order,
        customer,
        task.item_ids,
        new_ids,
        task.payment_method_id,
        products,
        kind="modify" if task.kind == "modify_items" else "exchange",
    )
    if not plan.decision:
        return refuse(turn, task, plan.decision)
    changes = []
    for old, new in plan.pairs:
        line = next(line for line in order.lines if line.item_id == old)
        variant = products[line.product_id].variant(new)
        assert variant is not None
        changes.append(
            f"{describe_line(line)} -> {variant.describe_options()} ({format_money(variant.price_cents)})"
        )
    diff = plan.price_difference_cents
    method = _method(turn, task.payment_method_id)
    money = (
        f"You'll be charged {format_money(diff)} on your {method}."
        if diff > 0
        else f"You'll be refunded {format_money(-diff)} to your {method}."
        if diff < 0
        else "There's no price difference."
    )
    if task.kind == "modify_items":
        summary = (
            f"I'll change the items of pending order {order.id}: {'; '.join(changes)}. {money} "
            "Items can only be changed once per order, so this must include everything you want to change."
        )
    else:
        summary = (
            f"I'll open an exchange for order {order.id}: {'; '.join(changes)}. {money} "
            "You'll get instructions by email for sending the items back."
        )
    args = {
        "order_id": order.id,
        "item_ids": list(task.item_ids),
        "new_item_ids": new_ids,
        "payment_method_id": task.payment_method_id,
    }
    _offer(turn, task, args, summary, key)


def _offer(turn: Turn, task: Task, args: dict[str, Any], summary: str, key: str) -> None:
    turn.state.proposals_made += 1
    turn.propose(Proposal(action=_ACTIONS[task.kind], arguments=args, summary=summary, key=key))


def describe_action(proposal: Proposal) -> str:
    """The proposal in a few words: "cancel order #W1234567"."""
    return _doing(proposal.action, proposal.arguments.get("order_id", ""))


def _doing(action: str, order: str) -> str:
    return {
        "cancel_order": f"cancel order {order}",
        "modify_order_address": f"change the shipping address of order {order}",
        "modify_order_payment": f"switch the payment method of order {order}",
        "modify_order_items": f"change the items of order {order}",
        "return_order_items": f"open the return for order {order}",
        "exchange_order_items": f"open the exchange for order {order}",
        "modify_customer_address": "change your default address",
    }.get(action, "make this change")


def clarify(turn: Turn, proposal: Proposal, *, question: bool = False) -> None:
    """One short question after a reply that was neither a yes nor a no; the proposal stays exactly
    as it was (same key). Worded differently each time, so it is never repeated word for word; a
    question about the proposal gets the full summary again, which states what will happen."""
    action, n = describe_action(proposal), proposal.unclear_replies
    if question:
        text = [
            f"Here is exactly what I'd do. {proposal.summary} Nothing has changed yet; shall I go ahead? "
            "Please answer yes or no.",
            f"This is the whole change. {proposal.summary} Reply 'yes' to go ahead, or 'no' to leave it as it is.",
        ][n % 2]
    else:
        text = [
            f"Just to be sure, nothing has changed yet: shall I {action}? Please answer yes or no.",
            f"I'll only {action} after a clear yes. Reply 'yes' to go ahead, or 'no' to leave it as it is.",
            f"Sorry, I still can't tell. Should I {action}: yes or no? (Or say 'never mind' to drop it.)",
        ][(n - 1) % 3]
    turn.ask(text, "confirm")


def execute(turn: Turn, proposal: Proposal) -> bool:
    """Run the confirmed write; report the outcome in the reply and as an event."""
    actions = Actions(turn.db, store=turn.store)
    ctx = Context(actor="bot", conversation_id=turn.conversation_id, request_key=proposal.key)
    method = getattr(actions, proposal.action)
    try:
        method(**proposal.arguments, ctx=ctx)
    except BackendUnavailable as exc:  # nothing was changed: the proposal stays, a later yes retries it
        turn.state.proposal = proposal
        _failed(turn, proposal, exc)
        turn.say(exc.message)
        turn.say("When you'd like me to try again, just say yes.")
        return False
    except ActionError as exc:
        _failed(turn, proposal, exc)
        turn.say(f"I couldn't do that: {exc.message}")
        return False
    done = {
        "cancel_order": "Done: the order is cancelled.",
        "modify_order_address": "Done: the shipping address is updated.",
        "modify_order_payment": "Done: the payment method is changed.",
        "modify_order_items": "Done: the items are changed.",
        "return_order_items": "Done: the return is open, and instructions are on their way by email.",
        "exchange_order_items": "Done: the exchange is open, and instructions are on their way by email.",
        "modify_customer_address": "Done: your default address is updated.",
    }[proposal.action]
    turn.events.append(
        ActionEvent(action=proposal.action, ok=True, arguments=proposal.arguments, message=done)
    )
    turn.say(done)
    turn.state.done.append(proposal.summary)
    turn.refresh()
    return True


def _failed(turn: Turn, proposal: Proposal, exc: ActionError | BackendUnavailable) -> None:
    """The event of a confirmed write that did not happen."""
    turn.events.append(
        ActionEvent(
            action=proposal.action, ok=False, arguments=proposal.arguments, message=exc.message, code=exc.code
        )
    )
