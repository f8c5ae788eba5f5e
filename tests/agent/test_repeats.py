"""A question is never repeated in the same words: asked again, it says what did not match and
narrows the choice to numbered options (a number picks one), or says how to write the answer."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import pytest

from shopkeeper.store.db import Database
from shopkeeper.understanding.choices import pick_option
from tests.agent.conftest import Chat, events_of, other_variants


def _questions(chat: Chat) -> list[str]:
    return [r.text for r in chat.replies if events_of(r, "question")]


def test_an_option_question_asked_again_is_numbered_and_a_number_picks(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with(
        "delivered",
        lambda c, o: (
            len({ln.name for ln in o.lines}) == len(o.lines) and len(other_variants(store, o.lines[0])) >= 2
        ),
    )
    line = order.lines[0]
    c = chat()
    c.say(customer.email)
    c.say(f"I'd like to exchange the {line.name} from order {order.id}")
    assert events_of(c.replies[-1], "question")[0].slot == "new_items", c.transcript  # type: ignore[attr-defined]
    for _ in range(3):
        c.say("one that works with my zorblax hub")
    asked = _questions(c)[-4:]
    assert all(a != b for a, b in pairwise(asked)), c.transcript
    assert "1)" in c.replies[-1].text and "2)" in c.replies[-1].text, c.transcript
    reply = c.say("2")
    if not events_of(reply, "proposal"):  # the payment method for the difference, also picked by number
        assert events_of(reply, "question")[0].slot == "payment_method", c.transcript  # type: ignore[attr-defined]
        reply = c.say("the first one")
    proposal = events_of(reply, "proposal")
    assert proposal, c.transcript
    wanted = other_variants(store, line)[1]  # the options are listed in the store's order
    assert proposal[0].arguments.get("new_item_ids") == [wanted.item_id], c.transcript  # type: ignore[attr-defined]


def test_an_address_question_asked_again_says_how_to_write_it(
    chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("pending")
    c = chat()
    c.say(customer.email)
    c.say(f"I need to change the shipping address of order {order.id}")
    for _ in range(3):
        c.say("somewhere nicer than here")
    asked = _questions(c)
    assert all(a != b for a, b in pairwise(asked)), c.transcript
    assert "12 Main Street" in c.transcript, c.transcript
    assert not any(events_of(r, "action") for r in c.replies), c.transcript


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        ("2", "b"),
        ("#2", "b"),
        ("number 3", "c"),
        ("the second one", "b"),
        ("option two", "b"),
        ("2nd", "b"),
        ("ok 1", "a"),
        ("I'll take the third please", "c"),
        ("first one.", "a"),
        ("4", None),
        ("zip 12345", None),
        ("2 of them", None),
        ("the black one", None),
    ],
)
def test_a_number_picks_an_option(text: str, picked: str | None) -> None:
    assert pick_option(text, ["a", "b", "c"]) == picked


def test_the_payment_method_for_a_difference_is_an_answer_not_a_payment_change(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    """Asked which card covers an exchange's price difference, the customer names a card: that is the
    answer, never a second request to switch another order's payment (it used to be proposed)."""
    customer, order = customer_with(
        "delivered",
        lambda c, o: (
            len(c.payment_methods) >= 2
            and len({ln.name for ln in o.lines}) == len(o.lines)
            and bool(other_variants(store, o.lines[0]))
        ),
    )
    line = order.lines[0]
    wanted = other_variants(store, line)[0]
    c = chat()
    c.say(customer.email)
    reply = c.say(
        f"Please exchange the {line.name} in order {order.id} for {', '.join(wanted.options.values())}"
    )
    for _ in range(2):
        question = events_of(reply, "question")
        if not question or question[0].slot != "payment_method":  # type: ignore[attr-defined]
            break
        reply = c.say(question[0].options[0])  # type: ignore[attr-defined]
    proposals = [e for r in c.replies for e in events_of(r, "proposal")]
    assert proposals and all(p.action == "exchange_order_items" for p in proposals), c.transcript  # type: ignore[attr-defined]
