"""Rule-based entities on tricky formats: ids, emails, names, zips, addresses, payment, reasons, yes/no,
quantities and option mentions. No model needed."""

from __future__ import annotations

import pytest

from shopkeeper.understanding import extract_entities
from shopkeeper.understanding.entities import (
    extract_address,
    extract_confirmation,
    extract_name,
    extract_order_ids,
    extract_payment_methods,
    extract_quantity,
    extract_reason,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cancel #W1234567 please", ["#W1234567"]),
        ("order W7654321 and w1112223", ["#W7654321", "#W1112223"]),
        ("it's # W 2611340", ["#W2611340"]),
        ("order number 55120 hasn't arrived", ["55120"]),
        ("purchase 113542617735902?", ["113542617735902"]),
        ("my order id is: ORD-88123", ["ORD-88123"]),
        ("ref #44120", ["44120"]),
        ("I live at 12 Oak Street", []),
        ("call me at 555-1234", []),
    ],
)
def test_order_ids(text: str, expected: list[str]) -> None:
    assert extract_order_ids(text) == expected


def test_emails_are_found_and_not_mistaken_for_names() -> None:
    e = extract_entities("Sure, it's yusuf.rossi+shop@example.co.uk. thanks")
    assert e.emails == ("yusuf.rossi+shop@example.co.uk",)
    assert e.name is None


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("My name is Yusuf Rossi and my zip is 19122", "Yusuf", "Rossi"),
        ("my name is john smith", "John", "Smith"),
        ("Hi, I'm Maria Garcia, zip 78701", "Maria", "Garcia"),
        ("This is Ana Silva.", "Ana", "Silva"),
        ("first name Ana, last name Silva, zip 02139", "Ana", "Silva"),
        ("Mei Kovacs, 28236", "Mei", "Kovacs"),
        ("Hey! Sofia Kovacs, 19049 On my pending order #W5765741 ...", "Sofia", "Kovacs"),
        ("my name's Sam", "Sam", None),
    ],
)
def test_names(text: str, first: str, last: str | None) -> None:
    name = extract_name(text)
    assert name is not None and (name.first_name, name.last_name) == (first, last)


@pytest.mark.parametrize(
    "text",
    [
        "I'm looking for my order",
        "I'm Sorry to bother you",
        "I am not happy",
        "i'm trying to cancel",
        "This is unacceptable",
        "Thanks. Order Number 12345 please",
    ],
)
def test_no_name_in_ordinary_sentences(text: str) -> None:
    assert extract_name(text) is None


def test_zip_codes_and_order_numbers_do_not_mix() -> None:
    assert extract_entities("zip code: 94110").zip_codes == ("94110",)
    assert extract_entities("Sofia Li 60601").zip_codes == ("60601",)
    assert extract_entities("order #W1234567").zip_codes == ()
    assert extract_entities("my postal code is 10001-1234").zip_codes == ("10001-1234",)


def test_quantities_and_prices_are_not_zip_codes() -> None:
    text = "Sofia Li, 60601. The charger as 20000mAh, black, for $12345.00"
    assert extract_entities(text).zip_codes == ("60601",)


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "please ship to 445 Elm Road, Apt 3, Springfield, IL 62704, USA",
            ("445 Elm Road", "Apt 3", "Springfield", "IL", "USA", "62704"),
        ),
        (
            "new address: 12 Oak Street, Austin, Texas 78701",
            ("12 Oak Street", None, "Austin", "TX", "USA", "78701"),
        ),
        (
            "Change it to 1000 Main St. Suite 200 Denver CO 80202",
            ("1000 Main St", "Suite 200", "Denver", "CO", "USA", "80202"),
        ),
        ("my address is 7 Lakeview Drive", ("7 Lakeview Drive", None, None, None, None, None)),
        (
            "I moved to 123 Main Street, Apt 4B, Seattle, WA 98101 — please update my address",
            ("123 Main Street", "Apt 4B", "Seattle", "WA", "USA", "98101"),
        ),
        (
            "ship to 9 Hudson Ave, New York, New York 10001 please",
            ("9 Hudson Ave", None, "New York", "NY", "USA", "10001"),
        ),
        (  # the words after the country are not part of it
            "Could you ship order #W3386832 to 411 Park Avenue, Suite 987, Phoenix, AZ 85060, USA instead?",
            ("411 Park Avenue", "Suite 987", "Phoenix", "AZ", "USA", "85060"),
        ),
        (
            "send it to 411 park ave, phoenix, az 85060 instead pls",
            ("411 Park Ave", None, "Phoenix", "AZ", "USA", "85060"),
        ),
        (
            "12 Main St, Toronto, ON M5V 2T6, Canada now please",
            ("12 Main St", None, "Toronto", "ON", "Canada", "M5V 2T6"),
        ),
        (  # no commas, all lowercase: the state code and the zip say where the city ends
            "pls make it 8 e 14th street apt 2c brooklyn ny 11215",
            ("8 E 14th Street", "Apt 2c", "Brooklyn", "NY", "USA", "11215"),
        ),
        (
            "to 40 cedar ln salt lake city ut 84101 thx",
            ("40 Cedar Ln", None, "Salt Lake City", "UT", "USA", "84101"),
        ),
    ],
)
def test_addresses(text: str, fields: tuple[str | None, ...]) -> None:
    a = extract_address(text)
    assert a is not None
    assert (a.address1, a.address2, a.city, a.state, a.country, a.zip) == fields


def test_no_address_without_a_street() -> None:
    assert extract_address("I ordered 3 items last week") is None


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "please move order #W1234567 to 77 Broadway, Floor 3, Boston, MA 02110, USA (my office)",
            ("77 Broadway", "Floor 3", "Boston", "MA", "USA", "02110"),
        ),
        (
            "31 Via Roma, Austin, Texas 78701 also, when does it ship?",
            ("31 Via Roma", None, "Austin", "TX", "USA", "78701"),
        ),
    ],
)
def test_a_street_without_a_street_type_followed_by_city_state_and_zip(
    text: str, fields: tuple[str | None, ...]
) -> None:
    a = extract_address(text)
    assert a is not None
    assert (a.address1, a.address2, a.city, a.state, a.country, a.zip) == fields


def test_a_number_before_a_comma_is_no_street_without_a_state_and_zip_after_it() -> None:
    assert extract_address("I bought 2 lamps, 3 kettles, and a desk in Boston") is None


def test_a_zip_said_as_a_zip_is_labelled_even_when_an_address_repeats_it() -> None:
    e = extract_entities("I'm Ana Lee, zip 02110. Ship it to 77 Broadway, Boston, MA 02110, USA.")
    assert e.address is not None and e.address.zip == "02110"
    assert e.labelled_zip_codes == ("02110",)
    assert extract_entities("ship it to 77 Broadway, Boston, MA 02110").labelled_zip_codes == ()


def test_payment_references() -> None:
    found = extract_payment_methods("use my Visa ending in 4321, not the mastercard ending with 1002")
    assert [(p.source, p.brand, p.last_four) for p in found] == [
        ("credit_card", "visa", "4321"),
        ("credit_card", "mastercard", "1002"),
    ]
    assert [p.source for p in extract_payment_methods("refund it to the gift card please")] == ["gift_card"]
    assert [p.source for p in extract_payment_methods("PayPal or my credit card, whichever")] == [
        "paypal",
        "credit_card",
    ]
    assert [p.last_four for p in extract_payment_methods("the card that ends 9212")] == ["9212"]
    assert extract_payment_methods("what is the status of my order") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("diff on pp", [("paypal", None)]),
        ("use pp for the diff", [("paypal", None)]),
        ("pp", [("paypal", None)]),
        ("diff on gc", [("gift_card", None)]),
        ("diff on my cc ending 9182", [("credit_card", "9182")]),
        ("the cc ending in 1234", [("credit_card", "1234")]),
        ("put it on my cc", [("credit_card", None)]),
    ],
)
def test_payment_abbreviations(text: str, expected: list[tuple[str, str | None]]) -> None:
    """'pp' is PayPal, 'gc' a gift card, 'cc' a credit card; 'my cc ending 9182' is one card."""
    assert [(p.source, p.last_four) for p in extract_payment_methods(text)] == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("I ordered it by mistake", "ordered by mistake"),
        ("accidentally bought two of them", "ordered by mistake"),
        ("i didn't mean to order this", "ordered by mistake"),
        ("I no longer need it", "no longer needed"),
        ("don't need them anymore", "no longer needed"),
        ("I changed my mind", "no longer needed"),
        ("where is my order", None),
    ],
)
def test_cancellation_reasons(text: str, reason: str | None) -> None:
    assert extract_reason(text) == reason


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("yes", "yes"),
        ("Yes please, go ahead", "yes"),
        ("ok do it", "yes"),
        ("that's correct", "yes"),
        ("no", "no"),
        ("No, only the lamp", "no"),
        ("nope", "no"),
        ("wait, not that one", "no"),
        ("no longer needed", None),
        ("where is my order", None),
        ("yesterday I ordered a lamp", None),
    ],
)
def test_confirmation(text: str, answer: str | None) -> None:
    assert extract_confirmation(text) == answer


def test_quantities() -> None:
    assert extract_quantity("return both of them").kind == "both"  # type: ignore[union-attr]
    assert extract_quantity("all items please").kind == "all"  # type: ignore[union-attr]
    assert extract_quantity("everything except the lamp").kind == "all_except"  # type: ignore[union-attr]
    two = extract_quantity("two of them are broken")
    assert two is not None and two.kind == "count" and two.count == 2
    assert extract_quantity("where is my order") is None
    assert extract_quantity("the linear one, same everything else") is None


def test_products_and_options_against_a_vocabulary() -> None:
    e = extract_entities(
        "can I get the mechanical keybord in linear, and a t shirt size XL in navy with 16GB?",
        product_names=["Mechanical Keyboard", "T-Shirt", "Desk Lamp"],
        option_values=["linear", "clicky", "XL"],
    )
    assert e.products == ("Mechanical Keyboard", "T-Shirt")
    assert {"linear", "XL", "navy", "16GB"} <= set(e.option_values)
    # one letter from "sneaker", but the speaker's own word
    said = extract_entities("the speaker please", product_names=["Sneakers", "Bluetooth Speaker"])
    assert said.products == ("Bluetooth Speaker",)


def test_emails_with_letters_beyond_ascii() -> None:
    assert extract_entities("it's sophia.müller2207@example.com").emails == ("sophia.müller2207@example.com",)
    assert extract_entities("JOSÉ_x@example.com, zip 12345").emails == ("JOSÉ_x@example.com",)
