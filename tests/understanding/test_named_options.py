"""An option named with the value wanted for it ("colour wite", "height: 5ft"): a short typo in the
value is read, and words that are no value of that option are reported, never read as "keep it"."""

from __future__ import annotations

import itertools

import pytest

from shopkeeper.understanding import Candidate, resolve_variant
from shopkeeper.understanding.named_options import named_option_values


def _shelves() -> list[Candidate]:
    options = {
        "material": ["glass", "wood", "metal"],
        "color": ["black", "white", "brown"],
        "height": ["3 ft", "4 ft", "5 ft", "6 ft"],
    }
    return [
        Candidate(item_id=f"sh-{i}", name="Bookshelf", product_id="sh", options=dict(zip(options, combo, strict=True)),
                  available=True, price_cents=10000 + i)
        for i, combo in enumerate(itertools.product(*options.values()))
    ]  # fmt: skip


SHELVES = _shelves()
ORIGINAL = next(c for c in SHELVES if c.options == {"material": "glass", "color": "black", "height": "3 ft"})


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("shelf -> color wite and height 5 ft", {"color": "white", "height": "5 ft"}),
        ("make it colour whte, 5ft high", {"color": "white"}),
        ("color: brwn please", {"color": "brown"}),
        ("the colour should be blak and the height 6 ft", {"color": "black", "height": "6 ft"}),
        ("material wod", {"material": "wood"}),
    ],
)
def test_a_short_typo_after_the_option_name_is_read(text: str, wanted: dict[str, str]) -> None:
    found, unread = named_option_values(text, SHELVES)
    assert {k: next(iter(v)) for k, v in found.items() if k in wanted} == wanted
    assert unread == {}


@pytest.mark.parametrize(
    ("text", "key", "said"),
    [
        ("color wyte and height 5 ft", "color", "wyte"),
        ("the color teal for the bookshelf", "color", "teal"),
        ("height 9 ft, color white", "height", "9 ft"),
        ("material bamboo", "material", "bamboo"),
    ],
)
def test_words_that_are_no_value_of_the_named_option_are_reported(text: str, key: str, said: str) -> None:
    assert named_option_values(text, SHELVES)[1] == {key: said}


@pytest.mark.parametrize(
    "text",
    [
        "the color doesn't matter, height 5 ft",
        "same color but 5 ft",
        "any color is fine",
        "what color is it",
        "keep the color, just taller",
        "color and height both change",
        "the color of the shelf is ok",
    ],
)
def test_talk_about_an_option_is_no_unread_value(text: str) -> None:
    assert named_option_values(text, SHELVES)[1] == {}


def test_an_unread_value_stops_the_variant_from_keeping_the_option_silently() -> None:
    typo = resolve_variant("color wite and height 5 ft", ORIGINAL, SHELVES)
    assert typo.options == {"material": "glass", "color": "white", "height": "5 ft"} and typo.exact
    unreadable = resolve_variant("color wyte and height 5 ft", ORIGINAL, SHELVES)
    assert unreadable.item_id is None
    assert unreadable.unread == {"color": "wyte"}


@pytest.mark.parametrize(
    ("text", "wanted", "said"),
    [
        # a value listed bare next to one said right, its typo an ordinary word ("bown" for brown)
        ("swap it for the wood and bown one", {"material": "wood", "color": "brown"}, "bown"),
        ("make it 5 ft, whte", {"height": "5 ft", "color": "white"}, "whte"),
        ("the wite one in 4 ft", {"color": "white", "height": "4 ft"}, "wite"),
    ],
)
def test_a_misspelt_value_said_bare_is_read_and_said_to_be(
    text: str, wanted: dict[str, str], said: str
) -> None:
    found = resolve_variant(text, ORIGINAL, SHELVES)
    assert {k: found.options[k] for k in wanted} == wanted, found
    assert found.guessed == {said: wanted["color"]}


@pytest.mark.parametrize(
    "text",
    ["in wood please, and send the old one back", "the wood one, I want my money back", "wood, thanks"],
)
def test_ordinary_words_beside_a_bare_value_are_no_typo(text: str) -> None:
    found = resolve_variant(text, ORIGINAL, SHELVES)
    assert found.options == {"material": "wood", "color": "black", "height": "3 ft"}, found
    assert found.guessed == {}
