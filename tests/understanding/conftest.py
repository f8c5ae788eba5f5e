"""Understanding fixtures: the shipped intent classifier (trained once per machine, then read from the
disk cache) and a small hand-made set of order lines and variants for reference-resolution tests."""

from __future__ import annotations

import pytest

from shopkeeper.understanding import Candidate, IntentClassifier, get_classifier


@pytest.fixture(scope="session")
def classifier() -> IntentClassifier:
    return get_classifier()


def shirt(item_id: str, color: str, size: str, available: bool = True) -> Candidate:
    return Candidate(
        item_id=item_id,
        name="T-Shirt",
        product_id="p-shirt",
        options={"color": color, "size": size, "material": "cotton"},
        available=available,
    )


@pytest.fixture
def order_lines() -> list[Candidate]:
    """A delivered order: two shirts, a keyboard, a desk lamp and a pair of earbuds."""
    return [
        shirt("s-blue-m", "blue", "M"),
        shirt("s-red-l", "red", "L"),
        Candidate(
            item_id="kb-1",
            name="Mechanical Keyboard",
            product_id="p-kb",
            options={"switch type": "clicky", "backlight": "RGB", "size": "full size"},
        ),
        Candidate(item_id="lamp-1", name="Desk Lamp", product_id="p-lamp", options={"color": "black"}),
        Candidate(
            item_id="buds-1",
            name="Wireless Earbuds",
            product_id="p-buds",
            options={"color": "white", "battery life": "8 hours"},
        ),
    ]
