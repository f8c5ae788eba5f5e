"""Several orders in one message: an order named only as a reference is no order of the request,
an address ends before a remark in parentheses, and a clause that opens with another order is a
request of its own (`understanding.order_clauses`, read through `read_requests`)."""

from __future__ import annotations

from shopkeeper.understanding import Candidate, Intent, OrderCandidate, UnderstandingContext, understand
from shopkeeper.understanding.entities import extract_address, extract_order_ids
from shopkeeper.understanding.order_clauses import order_clauses
from shopkeeper.understanding.orders import known_order_ids
from shopkeeper.understanding.requests import read_requests

_LAMP = Candidate(item_id="3000000001", name="Desk Lamp", options={"color": "white"}, product_id="p3")
_LAMPS = (_LAMP, _LAMP.model_copy(update={"item_id": "3000000002", "options": {"color": "silver"}}))
_ORDERS = tuple(
    OrderCandidate(order_id=o, status="pending", items=(_LAMP,), variants=_LAMPS)
    for o in ("#W4444444", "#W5555555", "#W6666666")
)
_CONTEXT = UnderstandingContext(customer_id="c9", orders=_ORDERS, product_names=("Desk Lamp",))


def _requests(text: str) -> list[tuple[Intent, tuple[str, ...]]]:
    return [(r.intent, r.order_ids) for r in read_requests(understand(text, _CONTEXT), _CONTEXT)]


def test_an_order_named_as_a_reference_is_not_among_the_orders_named() -> None:
    text = "Ship #W5555555 to 9 Oak Road, Dayton, OH 45402 (same as W6666666)"
    assert extract_order_ids(text) == ["#W5555555"]
    assert known_order_ids(text, extract_order_ids(text), _ORDERS) == ("#W5555555",)
    assert extract_order_ids("use the same card as on my order #W6666666 for #W5555555") == ["#W5555555"]
    # "as for" names the order the request is about
    assert extract_order_ids("As for #W5555555, cancel it") == ["#W5555555"]


def test_an_address_ends_before_a_remark_in_parentheses() -> None:
    address = extract_address("the address is 9 Oak Road, Dayton, OH 45402 (same as my other order)")
    assert address is not None
    assert (address.city, address.state, address.zip) == ("Dayton", "OH", "45402")


def test_clauses_are_cut_where_another_order_opens_one() -> None:
    text = "the lamp in #W4444444 as silver, and for #W5555555 a new address"
    assert order_clauses(text) == ["the lamp in #W4444444 as silver", "for #W5555555 a new address"]
    assert order_clauses("cancel #W4444444 and #W5555555") == ["cancel #W4444444 and #W5555555"]


def test_a_sentence_about_another_order_keeps_its_own_order_only() -> None:
    text = (
        "For order #W4444444, modify the desk lamp to the silver one. For #W5555555, change the "
        "address to 9 Oak Road, Dayton, OH 45402 (same as #W6666666)."
    )
    assert _requests(text) == [
        (Intent.MODIFY_ITEMS, ("#W4444444",)),
        (Intent.MODIFY_ORDER_ADDRESS, ("#W5555555",)),
    ]


def test_one_sentence_with_a_clause_for_another_order_makes_two_requests() -> None:
    text = (
        "I'd like the desk lamp on #W4444444 switched to silver, and for #W5555555 the address "
        "should be 9 Oak Road, Dayton, OH 45402."
    )
    read = _requests(text)
    assert [o for _, o in read] == [("#W4444444",), ("#W5555555",)]
    assert read[0][0] in (Intent.MODIFY_ITEMS, Intent.EXCHANGE_ITEMS)
    assert read[1][0] == Intent.MODIFY_ORDER_ADDRESS
