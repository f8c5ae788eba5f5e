"""A change of mind in a message drops the requests made before it: `after_change_of_mind`.

"I need a new address on an order. Wait, no, sorry. I'd like to cancel #W1" asks for the
cancellation only. Works on the reader's (intent, part of the message) pairs; how a part of the
message reads on its own is the caller's (`requests_in`). Knows nothing of the flows or the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shopkeeper.understanding.intents import REQUEST_KINDS, Intent

__all__ = ["after_change_of_mind"]

_CHANGE_OF_MIND = re.compile(
    r"\b(?:wait,? no|no,? wait|actually,? no|no,? sorry|sorry,? (?:i mean|no)|scratch that|forget (?:that|it)"
    r"|never ?mind(?: that)?|nvm|on second thought|i changed my mind|change of plans?)\b",
    re.I,
)


def after_change_of_mind(
    text: str, pairs: list[tuple[Intent, str]], requests_in: Callable[[str], list[tuple[Intent, str]]]
) -> list[tuple[Intent, str]]:
    """ "I need a new address on an order. Wait, no, sorry. I'd like to cancel #W1": the requests
    before the change of mind are dropped when another request follows it. When none was read after
    it (one long clause: "gotta change the shipping addy actually no names olivia ito, zip 80218
    cancel #w1 pls"), the words after it are read on their own; identity details there don't matter."""
    marks = list(_CHANGE_OF_MIND.finditer(text))
    if not marks:
        return pairs
    last = marks[-1]
    stop = re.compile(r"[.!?]").search(text, last.end())
    boundary = (stop.start() if stop else len(text)) + 1  # the end of the sentence that changes its mind
    spans = [(text.find(p), text.find(p) + len(p)) if p != text else (-1, -1) for _, p in pairs]
    # a part that runs on past the change of mind only with details ("Wait, no, sorry. Name: Liam
    # Thomas, zip 85049.") still ends there: the details ask for nothing
    before = [
        0 <= a < last.start() and (b <= boundary or not requests_in(text[boundary:b].strip(" ,.!?")))
        for a, b in spans
    ]
    if any(
        i in REQUEST_KINDS and b >= 0 and not gone
        for (i, _), (_, b), gone in zip(pairs, spans, before, strict=True)
    ):
        return [
            (i, p) for (i, p), gone in zip(pairs, before, strict=True) if not (i in REQUEST_KINDS and gone)
        ]
    if not any(i in REQUEST_KINDS for i, _ in pairs):
        return pairs
    after = requests_in(text[last.end() :].strip(" ,.!?"))
    if not after:
        return pairs
    # the requests read before the change of mind, or in the whole message, give way to it
    return [
        (i, p)
        for (i, p), gone, (a, _) in zip(pairs, before, spans, strict=True)
        if not (i in REQUEST_KINDS and (gone or a < 0))
    ] + after
