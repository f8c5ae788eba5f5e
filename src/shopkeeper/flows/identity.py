"""Identity before account data: verify by email, or by first name + last name + zip code.

Closed world: the zip code (or the email's domain) picks the candidate accounts from the store, and
`understanding.identity` finds the one the customer's own words name, whatever the lead-in, case or
small typos. The customer may give the pieces across several messages; what they said is kept in
`state.identity` until it matches exactly one customer. One customer per conversation: once verified,
other identities are refused. A failed lookup never says which part was wrong.
"""

from __future__ import annotations

import re

from shopkeeper.domain import Customer
from shopkeeper.errors import ActionError
from shopkeeper.flows.turn import Turn
from shopkeeper.understanding.identity import Person, email_domain, match_email, match_name

__all__ = ["ask_identity", "collect_identity", "verified"]

MAX_FAILURES = 3
# What the customer said while identifying themselves, newest kept: at least one whole message of the
# longest length the agent accepts, so a name at the start of a long message is not cut off.
_SAID_CHARS = 4000
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
_STOP = {
    "my",
    "name",
    "is",
    "i",
    "am",
    "im",
    "and",
    "the",
    "zip",
    "code",
    "zipcode",
    "postal",
    "its",
    "it",
    "hi",
    "hello",
    "hey",
    "this",
    "here",
    "yes",
    "sure",
    "ok",
    "okay",
    "email",
    "address",
    "of",
    "in",
    "from",
    "live",
    "at",
    "thanks",
    "please",
    "is:",
    "me",
    "call",
    "first",
    "last",
    "with",
}


def verified(turn: Turn) -> bool:
    return turn.state.customer_id is not None


# Words that say the message is no name: "hmm not sure", "never mind", "nah leave it", "idk"
_NOT_A_NAME = frozenset(
    re.split(
        r"\s+",
        "not no nah nope never mind nvm forget leave bother idk dont don't hmm hm umm um later maybe rather skip",
    )
)


def _bare_name(text: str) -> tuple[str, str] | None:
    """'Omar Anderson, 19031' when we just asked for a name: the first two name-like words (none when
    the message hedges or withdraws)."""
    if any(w.lower() in _NOT_A_NAME for w in _WORD.findall(text)):
        return None
    words = _name_words(text)
    return (words[0], words[1]) if len(words) >= 2 else None


def _name_words(text: str) -> list[str]:
    """The words of `text` that may be part of a name."""
    return [
        w
        for w in _WORD.findall(text)
        if w.lower() not in _STOP and w.lower() not in _NOT_A_NAME and "@" not in w
    ]


def collect_identity(turn: Turn) -> None:
    """Take identity details from the message; verify as soon as they suffice."""
    e, ident = turn.u.entities, turn.state.identity
    if e.emails:
        ident["email"] = e.emails[0]
    if e.name and e.name.last_name:
        ident["first_name"], ident["last_name"] = e.name.first_name, e.name.last_name
    elif (
        turn.state.asked == "identity"
        and "first_name" not in ident
        and not e.emails
        and (bare := _bare_name(turn.text)) is not None
    ):
        ident["first_name"], ident["last_name"] = bare
    # "I'm Ana Lopez, zip 80281 ... ship it to ..., NY 10064": the new address's zip is not the account's;
    # a zip code that is only part of a new address says nothing about the account, but one also said
    # as a zip code is the account's ("zip 94152 ... ship to ..., CA 94152": a move within the town).
    if own := [
        z for z in e.zip_codes if e.address is None or z != e.address.zip or z in e.labelled_zip_codes
    ]:
        ident["zip"] = own[-1]
    if not (e.emails or e.name or e.zip_codes or turn.state.asked == "identity"):
        return
    if verified(turn):
        _check_same_customer(turn)
        return
    ident["said"] = f"{ident.get('said', '')}\n{turn.text}"[-_SAID_CHARS:]
    _try_verify(turn)


def _check_same_customer(turn: Turn) -> None:
    customer = turn.customer
    ident = turn.state.identity
    if customer and ident.get("email") and ident["email"].lower() != customer.email.lower():
        turn.say("I can only help with the account you've already verified in this conversation.")
        ident["email"] = customer.email


def _person(c: Customer) -> Person:
    return Person(id=c.id, first_name=c.first_name, last_name=c.last_name, email=c.email)


def _by_email(turn: Turn, email: str) -> str | None:
    try:
        return turn.store.find_customer_by_email(email).id
    except ActionError:
        people = [_person(c) for c in turn.store.customers_at_email_domain(email_domain(email))]
    found = match_email(email, people)
    return found.id if found else None


def _by_name_zip(turn: Turn, said: str, zip_code: str) -> str | None:
    people = [_person(c) for c in turn.store.customers_at_zip(zip_code)]
    found = match_name(said, people)
    return found.id if found else None


def _try_verify(turn: Turn) -> None:
    ident = turn.state.identity
    said = ident.get("said", "")
    # a name may be anywhere in what was said ("actually no names andre brown, zip ..."): the
    # people at the zip code are matched against all of it
    named = "first_name" in ident or len(_name_words(said)) >= 2
    if "email" not in ident and not ("zip" in ident and named):
        return  # nothing to look up yet: ask for the rest
    customer_id = _by_email(turn, ident["email"]) if "email" in ident else None
    if customer_id is None and "zip" in ident:
        customer_id = _by_name_zip(turn, said, ident["zip"])
    if customer_id is None:
        turn.state.identity_failures += 1
        # the name is kept, so a corrected zip code or email alone ("oops, it's 80278") is enough; which
        # detail was wrong is never said
        turn.state.identity = {k: v for k, v in ident.items() if k in ("first_name", "last_name", "said")}
        turn.say("I couldn't find an account matching those details.")
        if turn.state.identity_failures < MAX_FAILURES:
            turn.ask(
                "Could you check them and send them again: the email on your account, or your first "
                "name, last name and zip code?",
                "identity",
            )
        return
    turn.state.customer_id = customer_id
    turn.refresh()
    name = turn.customer.first_name if turn.customer else ""
    turn.say(f"Thanks, {name}, you're verified.")


def ask_identity(turn: Turn) -> None:
    """Ask for whatever identity detail is still missing."""
    ident = turn.state.identity
    if turn.asked_now("identity"):
        return  # asked already this turn (after details that matched no account)
    if turn.state.identity_failures >= MAX_FAILURES:
        turn.say("I'm not able to verify your account, so I'll connect you with a colleague who can help.")
        turn.state.handoff = True
        return
    if "first_name" in ident and "zip" not in ident:
        turn.ask("What's the zip code on your account?", "identity")
    elif "zip" in ident and "first_name" not in ident:
        turn.ask("And your first and last name?", "identity")
    else:
        turn.ask(
            "First I need to verify your identity: please tell me the email address on your account, "
            "or your first name, last name and zip code.",
            "identity",
        )
