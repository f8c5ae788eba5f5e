"""Identity before account data: verify by email, or by first name + last name + zip code.

The customer may give the pieces across several messages; they are kept in `state.identity` until
they match exactly one customer. One customer per conversation: once verified, other identities
are refused. A failed lookup never says which part was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shopkeeper.domain import Customer
from shopkeeper.errors import ActionError
from shopkeeper.flows.turn import Turn

__all__ = ["ask_identity", "collect_identity", "verified"]

MAX_FAILURES = 3
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


def _bare_name(text: str) -> tuple[str, str] | None:
    """'Omar Anderson, 19031' when we just asked for a name: the first two name-like words."""
    words = [w for w in _WORD.findall(text) if w.lower() not in _STOP and "@" not in w]
    return (words[0], words[1]) if len(words) >= 2 else None


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
    if e.zip_codes:
        # "I'm Ana Lopez, zip 80281 ... ship it to ..., NY 10064": the new address's zip is not the account's.
        own = [z for z in e.zip_codes if e.address is None or z != e.address.zip] or list(e.zip_codes)
        ident["zip"] = own[-1]
    if not (e.emails or e.name or e.zip_codes) and not (turn.state.asked == "identity" and ident):
        return
    if verified(turn):
        _check_same_customer(turn)
        return
    _try_verify(turn)


def _check_same_customer(turn: Turn) -> None:
    customer = turn.customer
    ident = turn.state.identity
    if customer and ident.get("email") and ident["email"].lower() != customer.email.lower():
        turn.say("I can only help with the account you've already verified in this conversation.")
        ident["email"] = customer.email


def _try_verify(turn: Turn) -> None:
    ident = turn.state.identity
    attempts: list[Callable[[], Customer]] = []
    if "email" in ident:
        attempts.append(lambda: turn.store.find_customer_by_email(ident["email"]))
    if {"first_name", "last_name", "zip"} <= ident.keys():
        attempts.append(
            lambda: turn.store.find_customer_by_name_zip(
                ident["first_name"], ident["last_name"], ident["zip"]
            )
        )
    if not attempts:
        return
    for attempt in attempts:
        try:
            customer = attempt()
        except ActionError:
            continue
        turn.state.customer_id = customer.id
        turn.refresh()
        turn.say(f"Thanks, {customer.first_name}, you're verified.")
        return
    turn.state.identity_failures += 1
    turn.state.identity = {}
    turn.say("I couldn't find an account matching those details.")


def ask_identity(turn: Turn) -> None:
    """Ask for whatever identity detail is still missing."""
    ident = turn.state.identity
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
