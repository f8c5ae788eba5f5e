"""Identity, closed world: the demo store's customers at a zip code (or at an email domain) are the
candidates, and the customer's words pick one, whatever the lead-in, case, word order or small typo.
Nothing here talks to the agent; tests/agent/test_identity.py does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkeeper.domain import Customer
from shopkeeper.store import repository
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.understanding.identity import Person, email_domain, match_email, match_name


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_store(f"sqlite:///{tmp_path_factory.mktemp('identity') / 'demo.db'}")
    build_demo(db, seed=5)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def customers(demo: Database) -> list[Customer]:
    with demo.session() as s:
        ids = [c.id for c in repository.customers_at_email_domain(s, "example.com")][:12]
        return [repository.get_customer(s, i) for i in ids]


def _person(c: Customer) -> Person:
    return Person(id=c.id, first_name=c.first_name, last_name=c.last_name, email=c.email)


def _at_zip(demo: Database, zip_code: str) -> list[Person]:
    with demo.session() as s:
        return [_person(c) for c in repository.customers_at_zip(s, zip_code)]


def _swap(word: str) -> str:
    """A typo: two letters in the middle swapped ("Kovacs" -> "Kovcas")."""
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


WORDINGS = [
    "name's {first} {last}, zip code {zip}",
    "it's {first} {last} {zip}",
    "hiya, {lfirst} {llast} here. {zip}",
    "{LFIRST} {LLAST} {zip}",
    "this is {first} {last} from {zip}",
    "Hello! My name is {first} {last} and my zip is {zip}",
    "{last}, {first} / zip {zip}",
    "zip {zip}, name {first} {last}",
    "sure: {lfirst} {llast}, {zip}",
    "i'm {lfirst} {llast} and i live in {zip}",
    "{first} {typo_last}, {zip}",
    "hey it's {lfirst} {typo_llast} zip code {zip} thanks",
]


def _say(wording: str, c: Customer) -> str:
    first, last = c.first_name, c.last_name
    return wording.format(
        first=first,
        last=last,
        lfirst=first.lower(),
        llast=last.lower(),
        LFIRST=first.upper(),
        LLAST=last.upper(),
        typo_last=_swap(last),
        typo_llast=_swap(last).lower(),
        zip=c.address.zip,
    )


@pytest.mark.parametrize("wording", WORDINGS)
def test_a_name_in_any_wording_finds_the_customer_at_the_zip(
    wording: str, demo: Database, customers: list[Customer]
) -> None:
    for c in customers:
        said = _say(wording, c)
        found = match_name(said, _at_zip(demo, c.address.zip))
        assert found is not None and found.id == c.id, said


def test_the_name_may_come_in_two_messages(demo: Database, customers: list[Customer]) -> None:
    c = customers[0]
    said = f"hi, {c.first_name.lower()} {c.last_name.lower()}\n{c.address.zip}"
    found = match_name(said, _at_zip(demo, c.address.zip))
    assert found is not None and found.id == c.id


def test_someone_elses_name_or_zip_finds_nobody(demo: Database, customers: list[Customer]) -> None:
    a, b = customers[0], customers[1]
    assert a.address.zip != b.address.zip or a.last_name != b.last_name
    # b's name at a's zip code, a's first name with b's last name, a name with no surname.
    assert (
        match_name(f"I'm {b.first_name} {b.last_name}, {a.address.zip}", _at_zip(demo, a.address.zip)) is None
    )
    if a.last_name.lower() != b.last_name.lower():
        said = f"{a.first_name} {b.last_name}, {a.address.zip}"
        assert match_name(said, _at_zip(demo, a.address.zip)) is None
    assert match_name(f"it's {a.first_name}, {a.address.zip}", _at_zip(demo, a.address.zip)) is None
    assert match_name(f"{a.first_name} {a.last_name}", []) is None


def test_a_short_name_must_be_exact() -> None:
    mei = Person(id="c1", first_name="Mei", last_name="Kovacs", email="mei.kovacs8020@example.com")
    assert match_name("name's Mei Kovacs, zip code 28236", [mei]) == mei
    assert match_name("it's mie kovacs", [mei]) is None  # three letters: no typo allowed
    assert match_name("it's MEI KOVCAS", [mei]) == mei
    assert match_name("mei kovacs-smith", [mei]) == mei
    assert match_name("me, the kovacs", [mei]) is None


def test_two_people_with_the_same_name_at_one_zip_code_is_the_first() -> None:
    a = Person(id="a", first_name="Ana", last_name="Silva", email="a@x.com")
    b = Person(id="b", first_name="Ana", last_name="Silva", email="b@x.com")
    c = Person(id="c", first_name="Ana", last_name="Silvo", email="c@x.com")
    assert match_name("ana silva 02139", [a, b, c]) == a
    assert match_name("ana silvu 02139", [a, c]) is None  # one typo from both: nobody


@pytest.mark.parametrize("change", ["exact", "upper", "typo", "dropped", "doubled"])
def test_an_email_with_a_small_typo_finds_the_customer(
    change: str, demo: Database, customers: list[Customer]
) -> None:
    for c in customers:
        local, domain = c.email.split("@")
        said = {
            "exact": c.email,
            "upper": c.email.upper(),
            "typo": f"{_swap(local)}@{domain}",
            "dropped": f"{local[:-2]}{local[-1]}@{domain}",
            "doubled": f"{local[:3]}{local[2]}{local[3:]}@{domain}",
        }[change]
        with demo.session() as s:
            people = [_person(p) for p in repository.customers_at_email_domain(s, email_domain(said))]
        found = match_email(said, people)
        assert found is not None and found.id == c.id, said


def test_an_email_far_from_any_or_at_another_domain_finds_nobody(
    demo: Database, customers: list[Customer]
) -> None:
    with demo.session() as s:
        people = [_person(p) for p in repository.customers_at_email_domain(s, "example.com")]
        assert repository.customers_at_email_domain(s, "nowhere.test") == []
        assert repository.customers_at_zip(s, "00000") == []
    local = customers[0].email.split("@")[0]
    assert match_email("someone.else1@example.com", people) is None
    assert match_email(f"{local}@example.org", people) is None
