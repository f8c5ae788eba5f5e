"""New variants for several items in one message, as people write them: each item's options from its
own words (before "for the X" or after "X ->"), option values never reported as missing items, and no
sentence said twice in one reply."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from shopkeeper.domain import Order, OrderLine, Variant
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, events_of, item_map, other_variants, propose, proposed


def _spec(v: Variant) -> str:
    return " and ".join(f"{k} {x}" for k, x in v.options.items())


def _two_lines(store: Database, customer_with):  # type: ignore[no-untyped-def]
    customer, order = customer_with(
        "delivered",
        lambda c, o: (
            len(o.lines) >= 2
            and len({ln.name for ln in o.lines}) == len(o.lines)
            and all(other_variants(store, ln) for ln in o.lines[:2])
        ),
    )
    return customer, order, order.lines[0], order.lines[1]


def _no_sentence_twice(text: str) -> bool:
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    return len(sentences) == len(set(sentences))


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        pytest.param(
            0,
            lambda order, a, new_a, b, new_b: (
                f"From order {order.id} I'd like to exchange {_spec(new_a)} for the {a.name} and "
                f"{_spec(new_b)} for the {b.name}, original payment please"
            ),
            id="options-before-each-name",
        ),
        pytest.param(
            -1,
            lambda order, a, new_a, b, new_b: (
                f"exchange from {order.id.lower()}: {a.name.lower()} -> {_spec(new_a)} and "
                f"{b.name.lower()} in {_spec(new_b)}, diff on the original payment"
            ),
            id="options-after-an-arrow",
        ),
    ],
)
def test_each_items_options_go_to_that_item(
    store: Database, chat: Callable[[], Chat], customer_with, pick: int, message
) -> None:  # type: ignore[no-untyped-def]
    customer, order, a, b = _two_lines(store, customer_with)
    new_a, new_b = other_variants(store, a)[pick], other_variants(store, b)[pick]
    c = chat()
    reply = propose(c, customer, message(order, a, new_a, b, new_b))
    assert item_map(proposed(reply)) == {a.item_id: new_a.item_id, b.item_id: new_b.item_id}, c.transcript
    assert "couldn't find" not in reply.text, reply.text
    assert _no_sentence_twice(reply.text), reply.text


def test_an_answer_naming_the_other_item_goes_to_that_item(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, a, b = _two_lines(store, customer_with)
    new_b = other_variants(store, b)[0]
    c = chat()
    c.say(customer.email)
    asked = c.say(f"I'd like to exchange the {a.name} and the {b.name} from order {order.id}")
    assert f"instead of the {a.name}" in asked.text, c.transcript
    reply = c.say(f"the {b.name} should be {', '.join(new_b.options.values())}")
    assert not events_of(reply, "proposal"), c.transcript  # the first item is still open
    assert "couldn't find" not in reply.text, reply.text
    assert "couldn't match" not in reply.text and reply.text != asked.text, c.transcript
    c.say(_spec(other_variants(store, a)[0]))
    final = c.say("the original payment method")
    proposal = [e for r in c.replies[-2:] for e in events_of(r, "proposal")]
    assert proposal, c.transcript
    assert item_map(proposal[0].arguments)[b.item_id] == new_b.item_id, c.transcript  # type: ignore[attr-defined]
    assert final is not None


def test_a_correction_to_one_items_variant_keeps_the_others(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, a, b = _two_lines(store, customer_with)
    new_a, new_b = other_variants(store, a)[0], other_variants(store, b)[0]
    c = chat()
    propose(
        c,
        customer,
        f"From order {order.id} I'd like to exchange the {a.name} for {_spec(new_a)}, original payment please",
    )
    added = c.say(f"no, the {b.name} is missing; the {b.name} should be {_spec(new_b)}")
    assert item_map(proposed(added)) == {a.item_id: new_a.item_id, b.item_id: new_b.item_id}, c.transcript
    if len(other_variants(store, b)) > 1:
        other_b = other_variants(store, b)[1]
        fixed = c.say(f"no, the {b.name} should be {_spec(other_b)}")
        assert item_map(proposed(fixed)) == {a.item_id: new_a.item_id, b.item_id: other_b.item_id}, (
            c.transcript
        )


def _shared_value(store: Database, order: Order) -> tuple[OrderLine, Variant, OrderLine] | None:
    """A line, a new variant for it whose values fit another line of the order better than it
    ("capacity 18L and color black" for a red 18L daypack, in an order with a black chair), and a
    third line to exchange with it."""

    def fit(line: OrderLine, v: Variant) -> int:  # as the reader scores a line against values said
        return sum(1 if line.options[k] == x else -1 for k, x in v.options.items() if k in line.options)

    for a in order.lines:
        for v in other_variants(store, a):
            for c in order.lines:
                if c.name != a.name and fit(c, v) > max(0, fit(a, v)):
                    third = [
                        b for b in order.lines if b.name not in (a.name, c.name) and other_variants(store, b)
                    ]
                    if third:
                        return a, v, third[0]
    return None


def test_an_answer_describing_the_new_variant_does_not_pick_another_line_that_has_those_options(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with("delivered", lambda c, o: _shared_value(store, o) is not None)
    found = _shared_value(store, order)
    assert found is not None
    a, new_a, b = found
    new_b = other_variants(store, b)[0]
    c = chat()
    c.say(customer.email)
    asked = c.say(f"I'd like to exchange the {a.name} and the {b.name} from {order.id}")
    assert f"instead of the {a.name}" in asked.text, c.transcript
    c.say(_spec(new_a))
    c.say(_spec(new_b))
    c.say("the original payment method")
    proposal = [e for r in c.replies[-3:] for e in events_of(r, "proposal")]
    assert proposal, c.transcript
    assert item_map(proposal[-1].arguments) == {a.item_id: new_a.item_id, b.item_id: new_b.item_id}, (
        c.transcript
    )  # type: ignore[attr-defined]


def test_an_item_said_to_be_missing_while_we_ask_who_pays_joins_the_exchange(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    """Asked which payment method covers the difference, "oh the X is missing too" once got the payment
    question again and the X was silently left out: it joins, and its new variant is asked for."""
    customer, order = customer_with(
        "delivered",
        lambda c, o: (
            len(c.payment_methods) > 1  # so that who pays is asked
            and len(o.lines) >= 2
            and len({ln.name for ln in o.lines}) == len(o.lines)
            and all(other_variants(store, ln) for ln in o.lines[:2])
        ),
    )
    a, b = order.lines[0], order.lines[1]
    new_a, new_b = other_variants(store, a)[0], other_variants(store, b)[0]
    c = chat()
    c.say(customer.email)
    asked = c.say(f"please exchange the {a.name.lower()} of {order.id} for one in {_spec(new_a)}")
    assert "payment method" in asked.text, c.transcript
    reply = c.say(f"oh wait, the {b.name.lower()} is missing, i want to swap that one too")
    assert f"instead of the {b.name}" in reply.text, c.transcript
    c.say(_spec(new_b))
    reply = c.say("the original payment method")
    assert item_map(proposed(reply)) == {a.item_id: new_a.item_id, b.item_id: new_b.item_id}, c.transcript


def _no_exact_value(store: Database, line: OrderLine) -> tuple[str, str] | None:
    """An option value of the line's product that several available variants have and none of them
    with all the line's other options."""
    with store.session() as s:
        product = repository.get_product(s, line.product_id)
    for key, mine in line.options.items():
        for value in {v.options.get(key) for v in product.variants} - {mine, None}:
            fits = [v for v in product.variants if v.available and v.options.get(key) == value]
            keeps = [
                v for v in fits if all(v.options.get(k) == x for k, x in line.options.items() if k != key)
            ]
            if len(fits) >= 2 and not keeps and len(value) > 2 and not value.isdigit():
                return key, value
    return None


def test_a_value_no_variant_has_with_the_rest_kept_asks_among_those_that_have_it(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    """ "a drip one, same everything else" with no drip one of the same size and features once
    proposed the first drip one, quietly changing the rest: now it says what can't be kept and asks."""
    customer, order = customer_with("delivered", lambda c, o: any(_no_exact_value(store, x) for x in o.lines))
    line = next(x for x in order.lines if _no_exact_value(store, x))
    found = _no_exact_value(store, line)
    assert found is not None
    key, value = found
    c = chat()
    c.say(customer.email)
    reply = c.say(
        f"exchange the {line.name.lower()} from {order.id} for the {key} {value} one, otherwise the same"
    )
    assert f"There's no {line.name} with {key} {value} that keeps" in reply.text, c.transcript
    assert not events_of(reply, "proposal"), c.transcript
    assert any(e.slot == "new_items" for e in events_of(reply, "question")), c.transcript  # type: ignore[attr-defined]
