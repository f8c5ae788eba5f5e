"""New variants described as people write them: several options in one breath, typos in values, bare
values after "should be" / "->", options before "for the X", several items each with their own
options; and option values, filler and payment words never reported as items missing from the order."""

from __future__ import annotations

import itertools

import pytest

from shopkeeper.understanding import Candidate, resolve_items, resolve_variant
from shopkeeper.understanding.references import option_mentions
from shopkeeper.understanding.segments import segment, wanted_parts
from shopkeeper.understanding.text import words_match


def _variants(name: str, pid: str, options: dict[str, list[str]], sold_out: int = 0) -> list[Candidate]:
    """Every combination of `options` as a variant; the first `sold_out` combinations unavailable."""
    combos = itertools.product(*options.values())
    return [
        Candidate(
            item_id=f"{pid}-{i}",
            name=name,
            product_id=pid,
            options=dict(zip(options, combo, strict=True)),
            available=i >= sold_out,
            price_cents=1000 + i,
        )
        for i, combo in enumerate(combos)
    ]


PUZZLES = _variants(
    "Jigsaw Puzzle",
    "pz",
    {
        "pieces": ["500", "1000", "1500", "2000"],
        "theme": ["animals", "art", "fantasy"],
        "difficulty level": ["beginner", "intermediate", "expert"],
    },
)
HELMETS = _variants(
    "Cycling Helmet",
    "hm",
    {"size": ["S", "M", "L"], "color": ["black", "red", "white"], "ventilation": ["low", "medium", "high"]},
)
WATCHES = _variants(
    "Wristwatch",
    "ww",
    {"strap material": ["silicone", "leather", "metal"], "dial color": ["black", "white", "blue"]},
)
BACKPACKS = _variants(
    "Backpack",
    "bp",
    {
        "color": ["grey", "black", "navy"],
        "size": ["small", "medium", "large"],
        "material": ["nylon", "polyester"],
    },
)
LAMPS = _variants(
    "Desk Lamp",
    "dl",
    {
        "color": ["white", "black", "silver"],
        "brightness": ["low", "medium", "high"],
        "power source": ["battery", "USB", "AC adapter"],
    },
)


def _one(variants: list[Candidate], **options: str) -> Candidate:
    wanted = {k.replace("_", " "): v for k, v in options.items()}
    return next(v for v in variants if all(v.options[k] == x for k, x in wanted.items()))


# ---- several options at once, typos, bare values


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        (
            "pieces 2000 and difficulty level intermediate",
            {"pieces": "2000", "difficulty level": "intermediate"},
        ),
        ("jigsaw puzzle -> 2000 and intermediate, use mastercard 4805 for the diff", {"pieces": "2000"}),
        ("the jigsaw puzzle should be 2000, animals, intermediate", {"pieces": "2000"}),
        ("2000 and intermediate", {"pieces": "2000", "difficulty level": "intermediate"}),
    ],
)
def test_several_options_keep_what_was_not_mentioned(text: str, wanted: dict[str, str]) -> None:
    original = _one(PUZZLES, pieces="1000", theme="animals", difficulty_level="beginner")
    found = resolve_variant(text, original, PUZZLES)
    assert found.exact, found
    # the theme was not mentioned: it stays animals
    assert found.options == {"pieces": "2000", "theme": "animals", "difficulty level": "intermediate"}
    assert all(found.options[k] == v for k, v in wanted.items())


def test_typos_in_values_are_tolerated() -> None:
    original = _one(BACKPACKS, color="grey", size="small", material="nylon")
    found = resolve_variant("black, larrge and poylester for the Backpack", original, BACKPACKS)
    assert found.options == {"color": "black", "size": "large", "material": "polyester"}
    lamp = _one(LAMPS, color="white", brightness="high", power_source="battery")
    for text in (
        "color siler, brightness low and AC adapetr",
        "silver, brightness low and power source AC adapter",
    ):
        assert resolve_variant(text, lamp, LAMPS).options == {
            "color": "silver",
            "brightness": "low",
            "power source": "AC adapter",
        }, text


def test_a_number_with_a_misspelt_unit() -> None:
    speakers = _variants(
        "Bluetooth Speaker", "sp", {"color": ["blue", "red"], "battery life": ["10 hours", "20 hours"]}
    )
    original = _one(speakers, color="blue", battery_life="10 hours")
    found = resolve_variant("color red and 20 hors for the Bluetooth Speaker", original, speakers)
    assert found.options == {"color": "red", "battery life": "20 hours"}


def test_a_short_value_said_alone_counts_only_as_a_word_of_its_own() -> None:
    original = _one(HELMETS, size="M", color="black", ventilation="medium")
    assert resolve_variant("the cycling helmet should be s, red, low", original, HELMETS).options == {
        "size": "S",
        "color": "red",
        "ventilation": "low",
    }
    # the "m" of "I'm" is no size
    assert resolve_variant("I'm after red, low", original, HELMETS).options["size"] == "M"


def test_a_common_word_is_no_typo_of_a_product_word() -> None:
    assert not words_match("settle", "kettle")
    assert words_match("lmap", "lamp") and words_match("shirt", "tshirt") and words_match("mteal", "metal")
    lines = [
        Candidate(item_id="lamp", name="Desk Lamp"),
        Candidate(item_id="kettle", name="Electric Kettle"),
    ]
    found = resolve_items("silver for the Desk Lamp. Settle any difference with my Visa", lines)
    assert found.item_ids == ("lamp",)


# ---- which words are about which item


HELMET = _one(HELMETS, size="S", color="black", ventilation="medium")
WATCH = _one(WATCHES, strap_material="silicone", dial_color="black")


def _wanted(text: str, line: Candidate, chosen: list[Candidate], variants: list[Candidate]) -> dict[str, str]:
    words = segment(text, line, chosen, asked_about=False)
    for part in wanted_parts(words, line.name):
        found = resolve_variant(part, line, variants)
        if found.item_id is not None and found.exact:
            return found.options
    return {}


@pytest.mark.parametrize(
    "text",
    [
        "I want color red and ventilation low for the Cycling Helmet and strap material mteal and dial color "
        "white for the Wristwatch. Any difference can go on PayPal.",
        "cycling helmet -> color red and ventilation low and writwatch in strap material metal and dial color "
        "white, diff on paypal",
        "the Cycling Helmet is missing; the Wristwatch is missing; the Cycling Helmet should be S, red, low; "
        "the Wristwatch should be metal, white.",
    ],
)
def test_each_item_takes_its_options_from_its_own_words(text: str) -> None:
    chosen = [HELMET, WATCH]
    assert _wanted(text, HELMET, chosen, HELMETS) == {"size": "S", "color": "red", "ventilation": "low"}
    assert _wanted(text, WATCH, chosen, WATCHES) == {"strap material": "metal", "dial color": "white"}


def test_a_message_about_another_line_is_not_about_the_one_asked() -> None:
    kettle = Candidate(item_id="k", name="Electric Kettle", options={"color": "white"})
    lamp = _one(LAMPS, color="white", brightness="high", power_source="battery")
    text = "the Desk Lamp should be silver, low, AC adapter"
    assert segment(text, kettle, [kettle], asked_about=True, others=[kettle, lamp]) == ""
    assert (
        segment("silver please", kettle, [kettle], asked_about=True, others=[kettle, lamp]) == "silver please"
    )


# ---- option values are not missing items


@pytest.mark.parametrize(
    "text",
    [
        "nah, the cycling helmet should be s, red, low",
        "I want color red and ventilation low for the Cycling Helmet and strap material mteal and dial color "
        "white for the Wristwatch",
        "hi there, the cycling helmet in red, and the wristwatch",
        "sorry, maybe I wasn't clear: the helmet and the wristwatch",
        "the helmet -> red, use mastercard 4805 for the diff",
        "hiya, its ana.lee12@example.com wanna exchange the helmet and the wristwatch",
        "my name is Ana Lee, zip 80218. the helmet and the wristwatch",
    ],
)
def test_option_values_filler_and_payment_words_are_not_missing_items(text: str) -> None:
    found = resolve_items(text, [HELMET, WATCH], [*HELMETS, *WATCHES])
    assert found.unmatched == (), found


def test_a_thing_not_in_the_order_is_still_named_once() -> None:
    text = "the helmet, the toaster and the toaster"
    assert resolve_items(text, [HELMET, WATCH], [*HELMETS, *WATCHES]).unmatched == ("toaster",)


def test_words_between_an_item_and_a_for_the_item_are_cut_by_whose_values_they_are() -> None:
    tablets = _variants(
        "Tablet",
        "tb",
        {"screen size": ["7-inch", "10-inch"], "storage": ["32GB", "64GB"], "color": ["white", "black"]},
    )
    tablet = _one(tablets, screen_size="10-inch", storage="64GB", color="black")
    watch = _one(WATCHES, strap_material="leather", dial_color="black")
    text = "I want the Wristwatch in silicoone and white and 7-inch and storage 32GB for the Tablet."
    by_name = {"Wristwatch": WATCHES, "Tablet": tablets}
    chosen = [watch, tablet]
    assert (
        segment(text, watch, chosen, asked_about=False, variants=by_name)
        == "Wristwatch in silicoone and white"
    )
    words = segment(text, tablet, chosen, asked_about=False, variants=by_name)
    assert words == "7-inch and storage 32GB for the Tablet."
    assert resolve_variant(words, tablet, tablets).options == {
        "screen size": "7-inch",
        "storage": "32GB",
        "color": "black",
    }


# ---- yes/no options described as they are


SPEAKERS = _variants(
    "Bluetooth Speaker",
    "sp",
    {"color": ["blue", "red"], "battery life": ["10 hours", "20 hours"], "water resistance": ["no", "yes"]},
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "Bluetooth Speaker (color blue, battery life 10 hours, water resistance no) to the same options",
            "no",
        ),
        ("water resistance: no", "no"),
        ("water resistance yes", "yes"),
        ("no water resistance", "no"),
        ("the water resistant one", "yes"),
    ],
)
def test_a_yes_no_option_said_with_its_value_is_that_value(text: str, value: str) -> None:
    """ "water resistance no" once read as both no and yes (the option's name alone meaning yes), and
    the speaker described as it was became one with water resistance."""
    assert option_mentions(text, SPEAKERS)["water resistance"].keys() == {value}


def test_an_item_described_as_it_is_asks_for_no_other_variant() -> None:
    speaker = _one(SPEAKERS, color="blue", battery_life="10 hours", water_resistance="no")
    text = "Bluetooth Speaker (color blue, battery life 10 hours, water resistance no) to the same options"
    assert resolve_variant(text, speaker, SPEAKERS).item_id is None


def test_a_question_after_an_item_is_not_a_missing_item() -> None:
    text = "I want to exchange my cycling helmet, do you have it in red?"
    assert resolve_items(text, [HELMET, WATCH], [*HELMETS, *WATCHES]).unmatched == ()


BOOTS = _variants(
    "Hiking Boots", "hb", {"size": ["7", "10"], "color": ["brown", "black"], "waterproof": ["yes", "no"]}
)


@pytest.mark.parametrize(
    ("text", "waterproof"),
    [
        ("the Hiking Boots should be 7, brown, yes", "yes"),
        ("yes, the boots in 7", "no"),
        ("yes 7 please", "no"),
    ],
)
def test_a_bare_yes_counts_only_listed_after_another_value(text: str, waterproof: str) -> None:
    """ "7, brown, yes" kept the boots not waterproof; a "yes" that opens the message is said to us."""
    boots = _one(BOOTS, size="10", color="brown", waterproof="no")
    assert resolve_variant(text, boots, BOOTS).options["waterproof"] == waterproof


def test_a_bare_no_counts_listed_after_a_value_of_several_words() -> None:
    """ "red, 20 hours, no": the value before "no" is two words; the speaker stayed water resistant."""
    speaker = _one(SPEAKERS, color="blue", battery_life="10 hours", water_resistance="yes")
    found = resolve_variant("the speaker should be red, 20 hours, no", speaker, SPEAKERS)
    assert found.options == {"color": "red", "battery life": "20 hours", "water resistance": "no"}


def test_words_after_for_that_only_describe_the_item_ask_for_nothing() -> None:
    """ "size S and medium for the helmet (L, black)": the words after "for" say which helmet; the
    words before it say what it should become."""
    helmet = _one(HELMETS, size="L", color="black", ventilation="low")
    for text in (
        "size S and medium for the Cycling Helmet (L, black)",
        "I want size s and ventilation mediium for the L, black Cycling Helmet.",
    ):
        assert resolve_variant(text, helmet, HELMETS).options == {
            "size": "S",
            "color": "black",
            "ventilation": "medium",
        }, text


def test_an_item_described_between_for_the_and_its_name_takes_the_words_before() -> None:
    helmet = _one(HELMETS, size="L", color="black", ventilation="low")
    text = "In order #W1, I want size s and ventilation medium for the L, black Cycling Helmet. Use my visa."
    words = segment(text, helmet, [helmet], asked_about=False, variants={"Cycling Helmet": HELMETS})
    assert "size s and ventilation medium" in words, words


@pytest.mark.parametrize("text", ["Sounds good, yes.", "that's right, yes", "perfect, go ahead"])
def test_a_yes_is_no_missing_item_when_an_option_is_called_yes(text: str) -> None:
    boots = _one(BOOTS, size="10", color="brown", waterproof="yes")
    assert resolve_items(text, [boots], BOOTS).unmatched == (), text
