"""Replies to a proposal as customers write them: a yes with a separate question confirms and the
question is answered; "the X is missing" adds X to what was proposed; "never mind, that's all"
drops the proposal and everything queued; the request asked for again in full is read as its new
version (or shown once more, when it is the same)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shopkeeper.agent import Reply
from shopkeeper.store.db import Database
from shopkeeper.store.schema import OrderLineRow
from tests.agent.conftest import Chat, events_of, order_now, other_variants, propose, proposed


def _two_items(c, o) -> bool:  # type: ignore[no-untyped-def]
    return len({ln.name for ln in o.lines}) == len(o.lines) >= 2


def _propose_return(c: Chat, customer, order, *lines) -> dict:  # type: ignore[no-untyped-def]
    names = " and the ".join(line.name for line in lines)
    request = f"I want to return the {names} from order {order.id}, refund to the original payment"
    return proposed(propose(c, customer, request))


def _answer_a_return(chat: Callable[[], Chat], customer_with, answer: str) -> tuple[Chat, str, Reply]:  # type: ignore[no-untyped-def]
    """A fresh customer's return of one delivered item proposed, then `answer`: (chat, order id, reply)."""
    customer, order = customer_with("delivered")
    c = chat()
    _propose_return(c, customer, order, order.lines[0])
    return c, order.id, c.say(answer)


@pytest.mark.parametrize(
    "reply",
    [
        "Yes please. Quick question: do you ship to Canada?",
        "That's right, go ahead. By the way, what's your return window?",
        "yep quick question: how long does shipping normally take?",
    ],
)
def test_a_yes_with_a_separate_question_confirms_and_answers_it(
    store: Database, chat: Callable[[], Chat], customer_with, reply: str
) -> None:  # type: ignore[no-untyped-def]
    c, order_id, answer = _answer_a_return(chat, customer_with, reply)
    actions = events_of(answer, "action")
    assert len(actions) == 1 and actions[0].ok, c.transcript  # type: ignore[attr-defined]
    assert order_now(store, order_id).status == "return requested"
    assert not events_of(answer, "proposal") and "Reply 'yes'" not in answer.text, c.transcript
    assert (
        len(answer.text) > len("Done: the return is open, and instructions are on their way by email.") + 20
    )


@pytest.mark.parametrize(
    "reply",
    [
        "yes. how much is the refund?",
        "yes? wait what's the refund",
        "yes, can you make it the blue one instead?",
        "Yes please. Quick question: will I be charged anything?",
        "yes but change the payment first",
    ],
)
def test_a_yes_with_a_question_about_the_proposal_writes_nothing(
    store: Database, chat: Callable[[], Chat], customer_with, reply: str
) -> None:  # type: ignore[no-untyped-def]
    c, order_id, answer = _answer_a_return(chat, customer_with, reply)
    assert not events_of(answer, "action"), c.transcript
    assert order_now(store, order_id).status == "delivered"


def test_an_item_said_to_be_missing_is_added_to_the_proposal(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("delivered", _two_items)
    first, second = order.lines[:2]
    c = chat()
    assert _propose_return(c, customer, order, first)["item_ids"] == [first.item_id], c.transcript
    added = proposed(c.say(f"nah, the {second.name.lower()} is missing"))
    assert added["item_ids"] == [first.item_id, second.item_id], c.transcript
    again = c.say(f"No, that's not right: it's order {order.id}; the {second.name} is missing.")
    assert proposed(again)["item_ids"] == [first.item_id, second.item_id], c.transcript  # shown once more
    c.say("yes")
    assert sorted(order_now(store, order.id).return_items) == sorted([first.item_id, second.item_id])


def test_a_missing_item_with_its_new_variant_keeps_the_proposed_change(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with(
        "delivered", lambda c, o: _two_items(c, o) and all(other_variants(store, ln) for ln in o.lines[:2])
    )
    first, second = order.lines[:2]
    wanted_first, wanted_second = other_variants(store, first)[0], other_variants(store, second)[0]
    # each value with its option's name: bare "30, 30, grey" for pants is ambiguous (waist or length?)
    words = lambda v: ", ".join(f"{k} {x}" for k, x in v.options.items())  # noqa: E731
    c = chat()
    reply = propose(
        c,
        customer,
        f"I'd like to exchange the {first.name} from order {order.id} for {words(wanted_first)}, original payment",
    )
    assert proposed(reply)["new_item_ids"] == [wanted_first.item_id], c.transcript
    added = c.say(f"No, the {second.name} is missing; the {second.name} should be {words(wanted_second)}.")
    args = proposed(added)
    assert args["item_ids"] == [first.item_id, second.item_id], c.transcript
    assert args["new_item_ids"] == [wanted_first.item_id, wanted_second.item_id], c.transcript


@pytest.mark.parametrize(
    "goodbye", ["Never mind then. That's all.", "nvm then, thats all", "No, that's everything. Thank you!"]
)
def test_never_mind_thats_all_drops_the_proposal_and_the_queue(
    store: Database, chat: Callable[[], Chat], customer_with, goodbye: str
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending", lambda c, o: len(o.lines) >= 1)
    c = chat()
    propose(
        c,
        customer,
        f"Please cancel order {order.id}, I ordered it by mistake. Then change its shipping address too.",
    )
    closed = c.say(goodbye)
    assert not events_of(closed, "proposal") and not events_of(closed, "question"), c.transcript
    assert "won't" in closed.text, c.transcript
    later = c.say("yes")
    assert not events_of(later, "action") and not events_of(later, "proposal"), c.transcript
    assert order_now(store, order.id).status == "pending"


def test_nvm_drops_the_proposal(store: Database, chat: Callable[[], Chat], customer_with) -> None:  # type: ignore[no-untyped-def]
    c, _, reply = _answer_a_return(chat, customer_with, "nvm")
    assert "won't" in reply.text and not events_of(reply, "proposal"), c.transcript
    assert not events_of(c.say("yes"), "action"), c.transcript


def test_the_request_asked_again_in_full_is_its_new_version(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("delivered", _two_items)
    first, second = order.lines[:2]
    c = chat()
    _propose_return(c, customer, order, first, second)
    same = c.say(
        f"I'm not sure what you mean. I want to return the {first.name.lower()} and the {second.name} "
        f"from order {order.id}, refund to the original payment please."
    )
    assert sorted(proposed(same)["item_ids"]) == sorted([first.item_id, second.item_id]), c.transcript
    assert "after a clear yes" not in same.text and "didn't catch" not in same.text, c.transcript
    fewer = c.say(f"Sorry? I want to return the {second.name} from order {order.id}.")
    assert proposed(fewer)["item_ids"] == [second.item_id], c.transcript
    c.say("yes")
    assert order_now(store, order.id).return_items == (second.item_id,)


def test_another_kind_of_request_for_the_same_items_replaces_the_proposal(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("delivered", lambda c, o: bool(other_variants(store, o.lines[0])))
    line = order.lines[0]
    wanted = other_variants(store, line)[0]
    c = chat()
    assert _propose_return(c, customer, order, line)["item_ids"] == [line.item_id], c.transcript
    reply = c.say(
        f"Sorry? From order {order.id} I'd like to exchange the {line.name} for "
        f"{', '.join(wanted.options.values())}. Settle any difference with the original payment."
    )
    assert events_of(reply, "proposal")[-1].action == "exchange_order_items", c.transcript  # type: ignore[attr-defined]
    done = c.say("yes")
    assert events_of(done, "action") and not events_of(done, "proposal"), c.transcript
    assert order_now(store, order.id).status == "exchange requested"


def _wanted_and_twin(store: Database, line):  # type: ignore[no-untyped-def]
    """A variant to ask for instead of `line`, and a twin line of the same product that shares one of
    its new values while `line` keeps another ("should be S, black": S is the twin's, black the line's)."""
    variants = other_variants(store, line)
    for wanted in variants:
        for twin in variants:
            if twin is wanted:
                continue
            o, w, t = line.options, wanted.options, twin.options
            if any(t.get(k) == x != o.get(k) for k, x in w.items()) and any(
                o.get(k) == x != t.get(k) for k, x in w.items()
            ):
                return wanted, twin
    return None


def test_the_proposed_item_said_to_be_missing_does_not_bring_in_its_twin(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    """Two helmets in one order, one proposed: "the helmet is missing; it should be ..." means the one
    proposed (the customer did not recognise it), not the other helmet as well."""
    customer, order = customer_with("delivered", lambda c, o: _wanted_and_twin(store, o.lines[0]) is not None)
    first = order.lines[0]
    wanted, twin = _wanted_and_twin(store, first)
    with store.session() as s:
        s.add(
            OrderLineRow(
                order_id=order.id,
                position=len(order.lines),
                name=first.name,
                product_id=first.product_id,
                item_id=twin.item_id,
                price_cents=twin.price_cents,
                options=twin.options,
            )
        )
        s.commit()
    c = chat()
    new = ", ".join(f"{k} {v}" for k, v in wanted.options.items())  # bare numbers would be ambiguous
    described = ", ".join(f"{k} {v}" for k, v in first.options.items())
    request = f"For order {order.id}, exchange the {first.name} ({described}) for {new}"
    assert proposed(propose(c, customer, request + "; original payment"))["item_ids"] == [first.item_id]
    again = c.say(
        f"No, that's not right: it's order {order.id}; the {first.name} is missing; the {first.name} "
        f"should be {new}."
    )
    for proposal in events_of(again, "proposal"):
        assert proposal.arguments["item_ids"] == [first.item_id], c.transcript  # type: ignore[attr-defined]
