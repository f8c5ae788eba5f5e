"""Who the customer says they are, resolved against the accounts that could be meant (closed world).

The caller passes the candidates (the customers at the zip code the customer gave, or those with an
email at the domain they wrote) and the customer's words; each candidate is scored against the whole
text, so any lead-in ("name's", "it's", "hiya,"), any case and word order, and small typos in the
name or the email are read. Typos are edits of optimal string alignment (rapidfuzz): none for names
of up to three letters, one up to seven letters, two from eight. An answer is given only when exactly
one candidate fits; nothing says which part did not. Pure functions: nothing here reads a store.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

__all__ = ["Person", "email_domain", "match_email", "match_name"]

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Person:
    """A candidate account: its id, the names on it and its email."""

    id: str
    first_name: str
    last_name: str
    email: str


def _allowed(word: str) -> int:
    return 0 if len(word) <= 3 else (1 if len(word) <= 7 else 2)


def _parts(name: str) -> list[str]:
    """A name as lower-case letter runs: "Mary-Jane O'Neil" -> mary, jane, o, neil (joined too)."""
    return _WORD.findall(name.lower())


def _fits(part: str, words: Sequence[str]) -> int | None:
    """The fewest typos with which `part` is one of `words` (or two neighbours written together)."""
    pool = [*words, *(a + b for a, b in itertools.pairwise(words))]
    limit = _allowed(part)
    best = min((OSA.distance(part, w, score_cutoff=limit) for w in pool), default=limit + 1)
    return best if best <= limit else None


def _name_cost(person: Person, words: Sequence[str]) -> int | None:
    """Typos needed to find the person's first and last name in `words`; None when either is absent."""
    total = 0
    for name in (person.first_name, person.last_name):
        joined = "".join(_parts(name))
        if not joined:
            return None
        cost = _fits(joined, words)
        if cost is None:
            return None
        total += cost
    return total


def match_name(text: str, people: Sequence[Person]) -> Person | None:
    """The one person whose first and last names both appear in `text`, typo-tolerantly; the closest
    when several fit with different numbers of typos; None when none fits or two names fit equally."""
    words = _WORD.findall(text.lower())
    scored = [(cost, p) for p in people if (cost := _name_cost(p, words)) is not None]
    if not scored:
        return None
    best = min(cost for cost, _ in scored)
    top = [p for cost, p in scored if cost == best]
    # Two accounts under the same name at one zip code: the first, as an exact lookup would.
    same = {(p.first_name.lower(), p.last_name.lower()) for p in top}
    return top[0] if len(same) == 1 else None


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def match_email(said: str, people: Sequence[Person]) -> Person | None:
    """The one person whose email is `said` exactly (any case) or with a small typo in the part
    before the @ (the domain must be exact); None when none or several fit."""
    key = said.strip().lower()
    exact = [p for p in people if p.email.lower() == key]
    if exact:
        return exact[0]
    local, _, domain = key.rpartition("@")
    close: dict[str, Person] = {}
    for p in people:
        their_local, _, their_domain = p.email.lower().rpartition("@")
        limit = 1 if len(their_local) <= 9 else 2
        if their_domain == domain and OSA.distance(local, their_local, score_cutoff=limit) <= limit:
            close[p.id] = p
    return next(iter(close.values())) if len(close) == 1 else None
