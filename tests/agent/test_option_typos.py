"""An option named with a misspelt or unknown value in an exchange ("colour wite", "color zzqx"): a short
typo is read as the value it stands for; words that are no value of that option are named back to the
customer with the choices, and nothing is proposed that quietly keeps the option as it was."""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.domain import OrderLine, Variant
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, events_of, other_variants, propose, proposed


def _one_option_apart(store: Database, line: OrderLine) -> tuple[str, Variant] | None:
    """An option of the line and an available variant that differs from it in that option alone, its
    new value a word of five letters or more."""
    for v in other_variants(store, line):
        differ = [k for k in v.options if v.options[k] != line.options.get(k)]
        if len(differ) == 1 and v.options[differ[0]].isalpha() and len(v.options[differ[0]]) >= 5:
            return differ[0], v
    return None


def _with_one_option_apart(store: Database, customer_with):  # type: ignore[no-untyped-def]
    """A customer, their delivered order, a line of it and (option, variant) one option apart."""
    customer, order = customer_with(
        "delivered", lambda c, o: any(_one_option_apart(store, ln) for ln in o.lines)
    )
    line = next(ln for ln in order.lines if _one_option_apart(store, ln))
    found = _one_option_apart(store, line)
    assert found is not None
    return customer, order, line, found


def _typo(word: str) -> str:
    return word[0] + word[2:]  # the second letter dropped: "white" -> "wite"


def test_a_misspelt_value_after_its_option_name_is_read(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, line, (key, new) = _with_one_option_apart(store, customer_with)
    c = chat()
    reply = propose(
        c,
        customer,
        f"exchange from {order.id}: {line.name.lower()} -> {key} {_typo(new.options[key])}, same card",
    )
    assert proposed(reply)["new_item_ids"] == [new.item_id], c.transcript


def test_a_value_the_option_does_not_have_is_named_back_and_nothing_is_proposed(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order, line, (key, new) = _with_one_option_apart(store, customer_with)
    c = chat()
    c.say(customer.email)
    reply = c.say(f"I'd like to exchange the {line.name} from order {order.id}, {key} zqxv please")
    assert not events_of(reply, "proposal"), c.transcript
    assert "“zqxv” isn't a" in reply.text and new.options[key] in reply.text, c.transcript


def _missing_value(store: Database, line: OrderLine) -> tuple[str, str] | None:
    """An option of the line's product and a value other products have for it, but this one doesn't."""
    with store.session() as s:
        products = repository.list_products(s)
    own = next(p for p in products if p.id == line.product_id)
    offered = {(k, x) for v in own.variants for k, x in v.options.items()}
    for p in products:
        for v in p.variants:
            for k, x in v.options.items():
                if k in line.options and (k, x) not in offered and x.isalpha() and len(x) >= 4:
                    return k, x
    return None


def test_a_value_only_other_products_come_in_is_named_back(
    store: Database, chat: Callable[[], Chat], customer_with
) -> None:  # type: ignore[no-untyped-def]
    customer, order = customer_with(
        "delivered", lambda c, o: len(o.lines) == 1 and _missing_value(store, o.lines[0]) is not None
    )
    line = order.lines[0]
    found = _missing_value(store, line)
    assert found is not None
    key, value = found
    c = chat()
    c.say(customer.email)
    c.say(f"I want to swap the {line.name.lower()} I got in {order.id}")
    reply = c.say(f"{value} would be nice")
    assert f"“{value}” isn't a {key} the {line.name} comes in" in reply.text, c.transcript
    assert "Sorry, I couldn't match" not in reply.text and not events_of(reply, "proposal"), c.transcript
