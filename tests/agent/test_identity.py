"""Verification through the agent, as customers write it: any lead-in, any case, small typos, the
pieces in one message or two; a failure never says which part was wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shopkeeper.domain import Customer, Order
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from tests.agent.conftest import Chat, proposed

FAILED = "I couldn't find an account matching those details."


@pytest.fixture
def someone(store: Database) -> Callable[[int], Customer]:
    def pick(k: int) -> Customer:
        with store.session() as s:
            ids = [c.id for c in repository.customers_at_email_domain(s, "example.com")]
            return repository.get_customer(s, ids[20 + k])

    return pick


@pytest.mark.parametrize(
    "wording",
    [
        "name's {first} {last}, zip code {zip}",
        "hiya, {lfirst} {llast} here, {zip}",
        "it's {first} {typo} {zip}",
        "{LAST} {FIRST} zip {zip}",
    ],
)
def test_verified_whatever_the_wording(
    wording: str, chat: Callable[[], Chat], someone: Callable[[int], Customer]
) -> None:
    c = someone(0)
    last = c.last_name
    said = wording.format(
        first=c.first_name,
        last=last,
        lfirst=c.first_name.lower(),
        llast=last.lower(),
        FIRST=c.first_name.upper(),
        LAST=last.upper(),
        typo=last[:2] + last[3] + last[2] + last[4:],
        zip=c.address.zip,
    )
    reply = chat().say(said)
    assert f"Thanks, {c.first_name}, you're verified." in reply.text, (said, reply.text)


@pytest.mark.parametrize(
    "wording",
    ["heya, {EMAIL} here", "heya, {email} here", "yo its {email}", "ok this is {EMAIL}, hi"],
)
def test_an_email_with_a_greeting_is_not_a_request_for_a_person(
    wording: str, chat: Callable[[], Chat], someone: Callable[[int], Customer]
) -> None:
    """The email once read as "someone": the customer was verified and handed to the queue for a
    person, and every later message got "A member of our support team will reply here shortly"."""
    c = someone(2)
    talk = chat()
    first = talk.say(wording.format(email=c.email, EMAIL=c.email.upper()))
    assert f"Thanks, {c.first_name}, you're verified." in first.text
    assert not first.handoff, first.text
    assert first.text.endswith("What can I help you with today?"), first.text
    later = talk.say("where is my order?")
    assert not later.handoff and "support team" not in later.text, later.text


def test_name_then_zip_in_two_messages(chat: Callable[[], Chat], someone: Callable[[int], Customer]) -> None:
    c = someone(1)
    talk = chat()
    talk.say("hi, i want to cancel an order")
    talk.say(f"{c.first_name.lower()} {c.last_name.lower()}")
    reply = talk.say(f"it's {c.address.zip}")
    assert "you're verified" in reply.text, talk.transcript


def test_an_email_with_a_typo(chat: Callable[[], Chat], someone: Callable[[int], Customer]) -> None:
    c = someone(2)
    local, domain = c.email.split("@")
    reply = chat().say(f"my email is {local[:-1]}{local[-1] * 2}@{domain.upper()}")
    assert f"Thanks, {c.first_name}, you're verified." in reply.text, reply.text


def test_a_failure_does_not_say_which_part(
    chat: Callable[[], Chat], someone: Callable[[int], Customer]
) -> None:
    a, b = someone(3), someone(4)
    wrong_zip = chat().say(f"I'm {a.first_name} {a.last_name}, zip {b.address.zip}")
    wrong_name = chat().say(f"I'm {b.first_name} {b.last_name}, zip {a.address.zip}")
    assert FAILED in wrong_zip.text and "verified," not in wrong_zip.text
    assert wrong_zip.text == wrong_name.text  # the same words whichever part was wrong


def test_after_a_failure_the_corrected_detail_alone_verifies(
    chat: Callable[[], Chat], someone: Callable[[int], Customer]
) -> None:
    """A zip code sent again alone ("oops sorry its 12345") once got the same failure, then the menu:
    the name said before is kept, and the reply asks for the details again."""
    a, b = someone(5), someone(6)
    c = chat()
    failed = c.say(f"hiya, {a.first_name.lower()} {a.last_name.lower()} here, zip {b.address.zip}")
    assert FAILED in failed.text and "send them again" in failed.text, c.transcript
    assert f"Thanks, {a.first_name}, you're verified." in c.say(f"oops sorry, its {a.address.zip}").text, (
        c.transcript
    )
    bare = chat()
    bare.say(f"{a.first_name} {a.last_name} {b.address.zip}")
    assert f"Thanks, {a.first_name}, you're verified." in bare.say(a.address.zip).text, bare.transcript


def test_a_new_address_in_the_accounts_own_zip_code_does_not_hide_that_zip_code(
    chat: Callable[[], Chat], customer_with: Callable[[str], tuple[Customer, Order]]
) -> None:
    c, order = customer_with("pending")
    a = c.address
    reply = chat().say(
        f"Hello, {c.first_name} {c.last_name} here, zip {a.zip}. We moved across town: please send order "
        f"{order.id} to 77 Birch Road, Apt 2, {a.city}, {a.state} {a.zip}, USA."
    )
    assert f"Thanks, {c.first_name}, you're verified." in reply.text, reply.text
    assert proposed(reply)["address"]["address1"] == "77 Birch Road", reply.text


def test_a_name_at_the_start_of_a_long_message_is_read(
    chat: Callable[[], Chat], someone: Callable[[int], Customer]
) -> None:
    c = someone(5)
    story = (
        "I've been shopping with you for a couple of years and mostly it has gone well, but this spring "
        "a few of my deliveries came late, one box arrived crushed, and I spent an afternoon on hold "
        "with the courier who told me to contact the shop instead. I'm not angry, just tired of chasing "
        "parcels, and I'd like to sort out everything in one go today if that's possible. I have a few "
        "questions about my recent orders, about what can still be changed before they ship, and about "
        "how refunds work when an order was paid partly with a gift card and partly with a card. "
    )
    reply = chat().say(f"Hi, my name is {c.first_name} {c.last_name}, zip {c.address.zip}. {story * 2}")
    assert len(story * 2) > 600
    assert f"Thanks, {c.first_name}, you're verified." in reply.text, reply.text
