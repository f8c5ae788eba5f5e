"""Closed-world references on the demo store's own orders: an order named in any id form, or by what
it holds or when it was placed, is resolved against the customer's orders, not read as a pattern."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkeeper.domain import Order
from shopkeeper.store import repository
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.understanding import Candidate, OrderCandidate, UnderstandingContext, resolve_order
from shopkeeper.understanding.entities import extract_order_ids
from shopkeeper.understanding.orders import known_order_ids


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Order]]:
    """The orders of the first demo customer with at least three of them, oldest first."""
    db: Database = open_store(f"sqlite:///{tmp_path_factory.mktemp('closed') / 'demo.db'}")
    build_demo(db, seed=5)
    with db.session() as s:
        for c in repository.customers_at_email_domain(s, "example.com"):
            found = repository.list_orders(s, c.id)
            if len(found) >= 3 and len({ln.name for o in found for ln in o.lines}) >= 6:
                yield sorted(found, key=lambda o: o.placed_at or "")
                break
    db.dispose()


def _candidates(orders: list[Order]) -> list[OrderCandidate]:
    return [
        OrderCandidate(
            order_id=o.id,
            status=o.status,
            placed_at=o.placed_at,
            items=tuple(Candidate(item_id=ln.item_id, name=ln.name, order_id=o.id) for ln in o.lines),
        )
        for o in orders
    ]


ID_FORMS = [
    "{id}",
    "{digits}",
    "W-{digits}",
    "w{digits}",
    "order #w{digits}",
    "#{digits}",
    "order number {digits} please",
    "it's W {digits}",
    "cancel order {id}",
    "can you check on {digits}? thanks",
]


@pytest.mark.parametrize("form", ID_FORMS)
def test_any_id_form_names_the_order(form: str, orders: list[Order]) -> None:
    for order in orders:
        text = form.format(id=order.id, digits=order.id.lstrip("#W"))
        said = known_order_ids(text, extract_order_ids(text), _candidates(orders))
        assert said == (order.id,), text
        assert resolve_order(text, _candidates(orders)).order_id == order.id, text


def test_an_id_that_is_not_theirs_is_kept_as_said(orders: list[Order]) -> None:
    assert known_order_ids("order #W0000001", ["#W0000001"], _candidates(orders)) == ("#W0000001",)
    assert resolve_order("order #W0000001", _candidates(orders)).order_id is None


def test_understanding_reports_the_customers_own_id(orders: list[Order]) -> None:
    from shopkeeper.understanding import understand

    order = orders[0]
    digits = order.id.lstrip("#W")
    u = understand(f"where is W-{digits}", UnderstandingContext(orders=tuple(_candidates(orders))))
    assert u.entities.order_ids == (order.id,)
    assert u.order is not None and u.order.order_id == order.id


@pytest.mark.parametrize(
    "text", ["my last order", "the most recent one", "my latest order", "the order I just placed"]
)
def test_the_latest_order(text: str, orders: list[Order]) -> None:
    assert resolve_order(text, _candidates(orders)).order_id == orders[-1].id


@pytest.mark.parametrize("text", ["my first order", "the oldest one", "my earliest purchase"])
def test_the_earliest_order(text: str, orders: list[Order]) -> None:
    assert resolve_order(text, _candidates(orders)).order_id == orders[0].id


@pytest.mark.parametrize("form", ["the one with the {name}", "the order with the {name}", "my {name} order"])
def test_an_order_by_what_only_it_holds(form: str, orders: list[Order]) -> None:
    for order in orders:
        others = {ln.name for o in orders if o.id != order.id for ln in o.lines}
        own = [ln.name for ln in order.lines if ln.name not in others]
        if not own:
            continue
        text = form.format(name=own[0].lower())
        assert resolve_order(text, _candidates(orders)).order_id == order.id, text


# ---- items of an order: names, head nouns, nicknames, typos; what matches nothing is named


def _lines(order: Order) -> list[Candidate]:
    return [Candidate(item_id=ln.item_id, name=ln.name, product_id=ln.product_id) for ln in order.lines]


def _distinct_heads(order: Order) -> list[tuple[str, str]]:
    """(item id, head noun) for lines whose head noun no other line of the order shares."""
    heads = [(ln.item_id, ln.name.split()[-1].lower()) for ln in order.lines]
    return [(i, h) for i, h in heads if sum(h == g for _, g in heads) == 1 and "-" not in h]


def _swap(word: str) -> str:
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


@pytest.mark.parametrize(
    "form", ["the {head}", "my {head}", "the {typo}", "the {HEAD} please", "return the {typo} for a refund"]
)
def test_an_item_by_its_head_noun_or_a_typo(form: str, orders: list[Order]) -> None:
    from shopkeeper.understanding import resolve_items

    for order in orders:
        for item_id, head in _distinct_heads(order):
            if "typo" in form and len(head) < 4:
                continue  # no typo is read in a word of three letters ("pot" / "opt")
            text = form.format(head=head, HEAD=head.upper(), typo=_swap(head))
            assert resolve_items(text, _lines(order)).item_ids == (item_id,), (text, order.lines)


def test_two_items_by_head_nouns_are_both_kept(orders: list[Order]) -> None:
    from shopkeeper.understanding import resolve_items

    order = max(orders, key=lambda o: len(_distinct_heads(o)))
    (a, ha), (b, hb) = _distinct_heads(order)[:2]
    for text in (f"returning my {ha} and the {hb}", f"the {_swap(ha)} & the {hb}", f"{ha}, {hb}"):
        assert set(resolve_items(text, _lines(order)).item_ids) == {a, b}, text


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("my bag", ["bp"]),
        ("the rucksack", ["bp"]),
        ("the lmap", ["lamp"]),
        ("hose and the bag", ["hose", "bp"]),
        ("the phone", ["ph"]),
    ],
)
def test_nicknames_and_short_typos(text: str, ids: list[str]) -> None:
    from shopkeeper.understanding import resolve_items

    lines = [
        Candidate(item_id="lamp", name="Desk Lamp"),
        Candidate(item_id="hose", name="Garden Hose"),
        Candidate(item_id="bp", name="Hiking Backpack"),
        Candidate(item_id="ph", name="Smartphone"),
    ]
    assert sorted(resolve_items(text, lines).item_ids) == sorted(ids)


def test_a_nickname_gives_way_to_a_product_with_that_name() -> None:
    from shopkeeper.understanding import resolve_items

    lines = [Candidate(item_id="sb", name="Sleeping Bag"), Candidate(item_id="bp", name="Backpack")]
    assert resolve_items("the bag", lines).item_ids == ("sb",)


@pytest.mark.parametrize(
    ("text", "unmatched"),
    [
        ("the lamp and the toaster", ("toaster",)),
        ("I want to return my toaster and the lamp", ("toaster",)),
        ("the hose, the bag and the kite please", ("kite",)),
        ("the lamp and the hose", ()),
        ("return the lamp because the switch broke", ()),
        ("the lamp and the hose for a refund to my card", ()),
        ("a toaster and a kite", ()),  # nothing of the order named: nothing to set beside
        ("oh wait what about the lamp, can i return that", ()),  # "can" is no product
        ("the lamp, could you also do the hose", ()),
        ("the lamp, and what about the toaster", ("toaster",)),
    ],
)
def test_what_matches_nothing_is_reported(text: str, unmatched: tuple[str, ...]) -> None:
    from shopkeeper.understanding import resolve_items

    lines = [
        Candidate(item_id="lamp", name="Desk Lamp"),
        Candidate(item_id="hose", name="Garden Hose"),
        Candidate(item_id="bp", name="Hiking Backpack"),
    ]
    assert resolve_items(text, lines).unmatched == unmatched


# ---- payment methods as customers name them


@pytest.mark.parametrize(
    ("text", "source", "brand", "last_four"),
    [
        ("put it on my cc", "credit_card", None, None),
        ("I paid with my CC", "credit_card", None, None),
        ("the visa", "credit_card", "visa", None),
        ("amex 1234", "credit_card", "amex", "1234"),
        ("the Amex card 1009", "credit_card", "amex", "1009"),
        ("use the mastercard 5555 for it", "credit_card", "mastercard", "5555"),
        ("visa ending in 4321", "credit_card", "visa", "4321"),
        ("GC", "gift_card", None, None),
        ("refund it to the gc please", "gift_card", None, None),
        ("gift card", "gift_card", None, None),
        ("my giftcard", "gift_card", None, None),
        ("paypal", "paypal", None, None),
    ],
)
def test_payment_methods_as_customers_name_them(
    text: str, source: str, brand: str | None, last_four: str | None
) -> None:
    from shopkeeper.understanding.entities import extract_payment_methods

    found = extract_payment_methods(text)
    assert [(p.source, p.brand, p.last_four) for p in found] == [(source, brand, last_four)], text


@pytest.mark.parametrize("text", ["access to my account", "the process", "visa 1234-5678 is my number"])
def test_no_payment_method_read_into_other_words(text: str) -> None:
    from shopkeeper.understanding.entities import extract_payment_methods

    assert all(p.last_four is None for p in extract_payment_methods(text))


# ---- new variants: synonyms of values, comparisons, the cheapest, exclusions


def _lamps() -> list[Candidate]:
    import itertools

    combos = itertools.product(
        ["black", "white", "silver"], ["USB", "AC adapter", "battery"], ["low", "medium", "high"]
    )
    return [
        Candidate(
            item_id=f"v{i}",
            product_id="lamp",
            options={"color": c, "power source": p, "brightness": b},
            available=True,
            price_cents=3000 + (i * 37) % 500,
        )
        for i, (c, p, b) in enumerate(combos)
    ]


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("one with A/C adapter power source", {"power source": "AC adapter"}),
        ("swap it for the a/c adapter one", {"power source": "AC adapter"}),
        ("less bright", {"brightness": "low"}),
        ("a dimmer one", {"brightness": "low"}),
        ("brighter please", {"brightness": "high"}),
        ("same but in silver", {"color": "silver", "brightness": "medium", "power source": "USB"}),
        ("not the white one", {"brightness": "medium", "power source": "USB"}),
    ],
)
def test_a_variant_by_synonym_comparison_or_exclusion(text: str, wanted: dict[str, str]) -> None:
    from shopkeeper.understanding import resolve_variant

    lamps = _lamps()
    original = next(
        v for v in lamps if v.options == {"color": "white", "power source": "USB", "brightness": "medium"}
    )
    found = resolve_variant(text, original, lamps)
    assert found.item_id is not None and found.item_id != original.item_id, (text, found)
    assert all(found.options[k] == v for k, v in wanted.items()), (text, found.options)
    if text.startswith("not"):
        assert found.options["color"] != "white"


def test_the_cheapest_variant() -> None:
    from shopkeeper.understanding import resolve_variant

    lamps = _lamps()
    original = lamps[0]
    found = resolve_variant("the cheapest one", original, lamps)
    others = [v for v in lamps if v.item_id != original.item_id]
    assert found.item_id is not None
    assert next(v for v in lamps if v.item_id == found.item_id).price_cents == min(
        v.price_cents or 0 for v in others
    )
    silver = resolve_variant("the cheapest in silver", original, lamps)
    assert silver.options["color"] == "silver"


@pytest.mark.parametrize(
    ("text", "length"), [("a longer one", "100 ft"), ("bigger", "100 ft"), ("shorter please", "25 ft")]
)
def test_a_comparison_on_a_numeric_option(text: str, length: str) -> None:
    from shopkeeper.understanding import resolve_variant

    hoses = [
        Candidate(item_id=f"h{n}", product_id="h", options={"length": f"{n} ft"}, available=True)
        for n in (25, 50, 100)
    ]
    assert resolve_variant(text, hoses[1], hoses).options == {"length": length}


def _keyboards(clicky_in_stock: bool) -> list[Candidate]:
    import itertools

    combos = itertools.product(["clicky", "linear", "tactile"], ["RGB", "none", "white"])
    return [
        Candidate(
            item_id=f"k{i}",
            product_id="kb",
            options={"switch type": s, "backlight": b},
            available=s != "clicky" or clicky_in_stock,
        )
        for i, (s, b) in enumerate(combos)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "if there is no clicky one, no backlight",
        "a clicky one please; if they have no clicky ones then no backlight",
        "clicky if possible. if not, no backlight",
        "clicky, otherwise no backlight",
        "clicky switches, failing that without backlight",
    ],
)
@pytest.mark.parametrize("clicky_in_stock", [True, False])
def test_a_preference_with_a_fallback(text: str, clicky_in_stock: bool) -> None:
    from shopkeeper.understanding import resolve_variant

    keyboards = _keyboards(clicky_in_stock)
    original = next(k for k in keyboards if k.options == {"switch type": "linear", "backlight": "RGB"})
    found = resolve_variant(text, original, keyboards)
    if clicky_in_stock:
        assert found.options["switch type"] == "clicky", (text, found)
    else:
        assert found.options == {"switch type": "linear", "backlight": "none"}, (text, found)
