"""What one question asks, read once in the understanding layer so that the flows answering it never
read its words again: how it opens, what "it" points back at, which fact of an order it wants, and
whether it is about the customer's own things, the catalog or a store policy."""

from __future__ import annotations

from typing import Any

import pytest

from shopkeeper.understanding import understand
from shopkeeper.understanding.questions import names_item, names_whole, read_question, without_names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ok please can you cancel it?", {"request_like": True, "wh": False}),
        ("where do I change my shipping address?", {"how_to": True, "wh": True, "fact": None}),
        ("if I send back the mat, is return shipping free?", {"hypothetical": True, "about_policy": True}),
        ("can you help me with something?", {"empty": True, "request_like": True}),
        ("how much was it again?", {"empty": True, "wh": True, "points_back": True, "fact": "payment"}),
        ("whats the tracking number for #W1234567", {"fact": "tracking", "order_ids": ("#W1234567",)}),
        ("when will my package get here?", {"fact": "status", "own": True, "about_orders": True}),
        ("and the tracking numbers for all of them?", {"several_orders": True, "several_own": True}),
        ("whats the balance on my gift card", {"fact": "balance", "own_gift_card": True}),
        ("what have I bought lately?", {"fact": "history", "several_orders": True}),
        ("what do you guys sell?", {"what_sold": True, "catalog": True}),
        ("which colors of these are in stock?", {"catalog": True, "product_points_back": True}),
        ("what's the cheapest helmet", {"cheapest": True, "catalog": True, "points_back": False}),
        ("whats the warranty on the office chair?", {"policy_topics": ("warra",), "catalog": False}),
    ],
)
def test_what_a_question_asks(text: str, expected: dict[str, Any]) -> None:
    reading = read_question(text)
    for field, value in expected.items():
        assert getattr(reading, field) == value, field


def test_the_catalog_is_searched_without_the_words_about_stock() -> None:
    reading = read_question("which desk lamps are in stock?")
    assert reading.catalog_query.split() == ["which", "desk", "lamps", "are", "?"]
    assert reading.words == ("which", "desk", "lamps", "are", "in", "stock")


def test_an_order_point_back_also_counts_the_tracking_number() -> None:
    """ "this" points back at a product or the conversation's subject, not at an order's facts."""
    assert read_question("whats the tracking number?").order_points_back
    this = read_question("when does this ship?")
    assert this.points_back and this.product_points_back and not this.order_points_back


def test_items_are_named_wholly_or_by_a_telling_word() -> None:
    question = read_question("when will the bike lights arrive?")
    assert names_whole(question, "Bike Lights") and names_item(question, "Bike Lights")
    assert names_item(question, "Bike Lock") and not names_whole(question, "Bike Lock")
    assert names_item(read_question("did the t-shirts ship?"), "Merino T-Shirt")
    assert not names_item(read_question("did it ship?"), "Merino T-Shirt")


def test_product_names_are_taken_out_with_their_article() -> None:
    asked = "what's the warranty on the action cameras?"
    assert without_names(asked, ["Action Camera"]) == "what's the warranty on ?"


def test_the_understanding_carries_each_question_read() -> None:
    u = understand("cancel my order - and how long do refunds take?")
    assert [q.text for q in u.questions] == ["how long do refunds take?"]
    assert u.questions[0].policy_topics == ("refun",) and u.questions[0].fact == "refund"
