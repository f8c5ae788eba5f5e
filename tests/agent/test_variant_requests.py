"""New variants for several items in one message, as people write them: each item's options from its
own words (before "for the X" or after "X ->"), option values never reported as missing items, and no
sentence said twice in one reply."""

from __future__ import annotations

import re
from collections.abc import Callable

from shopkeeper.domain import OrderLine, Variant
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, events_of


def _others(store: Database, line: OrderLine) -> list[Variant]:
    with store.session() as s:
        product = repository.get_product(s, line.product_id)
    return [v for v in product.variants if v.available and v.item_id != line.item_id]


def _spec(v: Variant) -> str:
    return " and ".join(f"{k} {x}" for k, x in v.options.items())


def _two_lines(store: Database, customer_with):  # type: ignore[no-untyped-def]
    customer, order = customer_with(
        "delivered",
        lambda c, o: (
            len(o.lines) >= 2
            and len({ln.name for ln in o.lines}) == len(o.lines)
            and all(_others(store, ln) for ln in o.lines[:2])
        ),
    )
    return customer, order, order.lines[0], order.lines[1]


def _no_sentence_twice(text: str) -> bool:
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]
    return len(sentences) == len(set(sentences))


def test_options_before_each_name_go_to_that_item(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, a, b = _two_lines(store, customer_with)
    new_a, new_b = _others(store, a)[0], _others(store, b)[0]
    c = chat()
    c.say(customer.email)
    reply = c.say(
        f"From order {order.id} I'd like to exchange {_spec(new_a)} for the {a.name} and {_spec(new_b)} "
        f"for the {b.name}, original payment please"
    )
    proposal = events_of(reply, "proposal")
    assert proposal, c.transcript
    args = proposal[0].arguments  # type: ignore[attr-defined]
    assert dict(zip(args["item_ids"], args["new_item_ids"], strict=True)) == {
        a.item_id: new_a.item_id,
        b.item_id: new_b.item_id,
    }, c.transcript
    assert "couldn't find" not in reply.text, reply.text
    assert _no_sentence_twice(reply.text), reply.text


def test_options_after_an_arrow_go_to_that_item(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, a, b = _two_lines(store, customer_with)
    new_a, new_b = _others(store, a)[-1], _others(store, b)[-1]
    c = chat()
    c.say(customer.email)
    reply = c.say(
        f"exchange from {order.id.lower()}: {a.name.lower()} -> {_spec(new_a)} and {b.name.lower()} in "
        f"{_spec(new_b)}, diff on the original payment"
    )
    proposal = events_of(reply, "proposal")
    assert proposal, c.transcript
    args = proposal[0].arguments  # type: ignore[attr-defined]
    assert dict(zip(args["item_ids"], args["new_item_ids"], strict=True)) == {
        a.item_id: new_a.item_id,
        b.item_id: new_b.item_id,
    }, c.transcript
    assert "couldn't find" not in reply.text, reply.text


def test_an_answer_naming_the_other_item_goes_to_that_item(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, a, b = _two_lines(store, customer_with)
    new_b = _others(store, b)[0]
    c = chat()
    c.say(customer.email)
    asked = c.say(f"I'd like to exchange the {a.name} and the {b.name} from order {order.id}")
    assert f"instead of the {a.name}" in asked.text, c.transcript
    reply = c.say(f"the {b.name} should be {', '.join(new_b.options.values())}")
    assert not events_of(reply, "proposal"), c.transcript  # the first item is still open
    assert "couldn't find" not in reply.text, reply.text
    c.say(_spec(_others(store, a)[0]))
    final = c.say("the original payment method")
    proposal = [e for r in c.replies[-2:] for e in events_of(r, "proposal")]
    assert proposal, c.transcript
    args = proposal[0].arguments  # type: ignore[attr-defined]
    assert dict(zip(args["item_ids"], args["new_item_ids"], strict=True))[b.item_id] == new_b.item_id, (
        c.transcript
    )
    assert final is not None


def test_a_correction_to_one_items_variant_keeps_the_others(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, a, b = _two_lines(store, customer_with)
    new_a, new_b = _others(store, a)[0], _others(store, b)[0]
    c = chat()
    c.say(customer.email)
    first = c.say(
        f"From order {order.id} I'd like to exchange the {a.name} for {_spec(new_a)}, original payment please"
    )
    assert events_of(first, "proposal"), c.transcript
    added = c.say(f"no, the {b.name} is missing; the {b.name} should be {_spec(new_b)}")
    proposal = events_of(added, "proposal")
    assert proposal, c.transcript
    args = proposal[0].arguments  # type: ignore[attr-defined]
    assert dict(zip(args["item_ids"], args["new_item_ids"], strict=True)) == {
        a.item_id: new_a.item_id,
        b.item_id: new_b.item_id,
    }, c.transcript
    if len(_others(store, b)) > 1:
        other_b = _others(store, b)[1]
        fixed = c.say(f"no, the {b.name} should be {_spec(other_b)}")
        args = events_of(fixed, "proposal")[0].arguments  # type: ignore[attr-defined]
        assert dict(zip(args["item_ids"], args["new_item_ids"], strict=True)) == {
            a.item_id: new_a.item_id,
            b.item_id: other_b.item_id,
        }, c.transcript
