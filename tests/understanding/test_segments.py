"""Which words of a message are about which item, including two lines of one product."""

from __future__ import annotations

from shopkeeper.understanding import Candidate
from shopkeeper.understanding.segments import segment, wanted_parts


def _speaker(item_id: str, color: str) -> Candidate:
    return Candidate(
        item_id=item_id,
        name="Bluetooth Speaker",
        product_id="spk",
        options={"color": color, "battery life": "10 hours", "water resistance": "no"},
    )


GREEN, BLACK = _speaker("g", "green"), _speaker("b", "black")
LAMP = Candidate(item_id="lamp", name="Desk Lamp", product_id="lamp", options={"color": "white"})


def test_two_lines_of_one_product_get_their_own_clauses() -> None:
    chosen = [GREEN, BLACK]
    for text, green, black in [
        (
            "the green Bluetooth Speaker changed to red, 20 hours and the black Bluetooth Speaker changed to blue",
            "the green Bluetooth Speaker changed to red, 20 hours",
            "the black Bluetooth Speaker changed to blue",
        ),
        (
            "I'd like to exchange the green Bluetooth Speaker as red and the black Bluetooth Speaker as blue",
            "I'd like to exchange the green Bluetooth Speaker as red",
            "the black Bluetooth Speaker as blue",
        ),
        (
            "The Bluetooth Speaker (green) in red instead and the Bluetooth Speaker in black in blue instead.",
            "The Bluetooth Speaker (green) in red instead",
            "the Bluetooth Speaker in black in blue instead.",
        ),
    ]:
        assert segment(text, GREEN, chosen, asked_about=False) == green
        assert segment(text, BLACK, chosen, asked_about=False) == black


def test_different_products_split_at_the_next_name() -> None:
    text = "the Desk Lamp in black and the Bluetooth Speaker as red"
    assert segment(text, LAMP, [LAMP, GREEN], asked_about=False) == "Desk Lamp in black and the "
    assert segment(text, GREEN, [LAMP, GREEN], asked_about=False) == "Bluetooth Speaker as red"
    assert segment("red please", GREEN, [LAMP, GREEN], asked_about=True) == "red please"
    assert segment("red please", LAMP, [LAMP, GREEN], asked_about=False) == ""


def test_a_name_is_not_also_a_mention_of_another_item_by_its_last_word() -> None:
    pot = Candidate(item_id="pot", name="Coffee Pot", product_id="pot", options={"size": "small"})
    jug = Candidate(item_id="jug", name="Water Pot", product_id="jug", options={"size": "large"})
    text = "make the Coffee Pot a large one"
    assert segment(text, pot, [jug, pot], asked_about=True) == "Coffee Pot a large one"
    assert segment(text, jug, [jug, pot], asked_about=False) == ""


def test_the_wanted_variant_follows_the_change_marker() -> None:
    parts = wanted_parts("the Bluetooth Speaker (green) changed to red, 20 hours", "Bluetooth Speaker")
    assert parts[0].strip() == "red, 20 hours"


def test_a_word_of_one_name_is_no_typo_of_another() -> None:
    shoes = Candidate(item_id="s", name="Sneakers", product_id="snk", options={"size": "9"})
    speaker = _speaker("g", "green")
    text = "the Bluetooth Speaker changed to red and the sneakers in size 10"
    assert segment(text, speaker, [speaker, shoes], asked_about=False).strip() == (
        "Bluetooth Speaker changed to red and the"
    )
    assert segment(text, shoes, [speaker, shoes], asked_about=False).strip() == "sneakers in size 10"
