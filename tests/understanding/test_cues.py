"""The cues a message carries (`Understanding.cues`): the words that steer a request without naming
anything, read once by the understanding layer so no flow matches the message itself."""

from __future__ import annotations

from shopkeeper.understanding import OrderCandidate, UnderstandingContext, understand
from shopkeeper.understanding.cues import read_cues

_ORDERS = UnderstandingContext(
    customer_id="c1",
    orders=(
        OrderCandidate(order_id="#W1111111", status="pending"),
        OrderCandidate(order_id="#W2222222", status="pending (item modified)"),
        OrderCandidate(order_id="#W3333333", status="delivered"),
    ),
)


def test_the_refund_words_point_at_the_method_the_order_was_paid_with() -> None:
    assert read_cues("put it back on the card I used originally").original_method
    assert read_cues("refund to the og card pls").original_method
    assert not read_cues("refund to my paypal").original_method
    assert read_cues("use credit_card_4421 for it").method_ids == ("credit_card_4421",)


def test_words_that_add_an_item_or_keep_one_alone() -> None:
    cues = read_cues("oh the backpack is missing")
    assert cues.missing and cues.adds_items
    too = read_cues("the other helmet too")
    assert too.adds_items and too.other and not too.missing
    assert read_cues("only the speaker should be red").only
    assert read_cues("same one please").same_item


def test_words_about_several_orders_or_the_one_just_discussed() -> None:
    cues = read_cues("cancel all my pending orders")
    assert cues.all_orders and cues.several_orders and cues.statuses == ("pending",)
    assert read_cues("what have I bought lately?").history
    assert read_cues("ok cancel it then").points_back
    assert not read_cues("cancel order #W1111111").points_back


def test_a_status_named_is_read_without_its_remark() -> None:
    u = understand("what's in my pending orders?", _ORDERS)
    assert u.cues.statuses == ("pending",)
    assert read_cues("the exchange requested one").statuses == ("exchange requested",)


def test_an_order_taken_back_for_another_settles_on_the_last() -> None:
    assert understand("cancel #W1111111 oops no #W2222222", _ORDERS).cues.corrected_order == "#W2222222"
    assert understand("cancel #W1111111 and #W2222222", _ORDERS).cues.corrected_order is None
    # an order that is not the customer's is no correction between two of theirs
    u = understand("cancel #W1111111, sorry, #W9999999", _ORDERS)
    assert u.cues.corrected_order is None
