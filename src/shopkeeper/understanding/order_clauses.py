"""Where a request's words about one order end and the words about another order begin.

"I want the kettle in #W1 as the 1.5L one, and for #W2 the address should be 12 Elm St, ..." was
read as one request (the address change, for #W1, the first order named): the clause that opens
with another order ("and for #W2 ...", "; on order #W2 ...", ". For #W2, ...") starts a request of
its own. `by_order` splits such a request at those clauses and keeps each clause that reads as a
request on its own; a clause that does not ("..., for #W2 I mean") stays with the words before it.
An order named only as a reference ("same as #W3") opens no clause (`extract_order_ids` skips it).
Pure functions over text and readings; how a clause reads is the caller's (`reads`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from shopkeeper.understanding.entities import extract_order_ids
from shopkeeper.understanding.intents import REQUEST_KINDS, Intent
from shopkeeper.understanding.models import IntentScore

__all__ = ["by_order", "order_clauses"]

# A clause that opens with an order: after a sentence's end, a ';' or ':', a comma or an "and".
_OPENS = re.compile(
    r"(?:(?<=[.;:!?])\s*|,\s*(?:and\s+)?|\s+(?:and|plus)\s+)(?:(?:also|then|please|pls)\s+)?"
    r"(?P<clause>(?:(?:as\s+)?for|on|in|with)\s+(?:(?:my|the)\s+)?(?:order\s+)?(?=#?\s?[Ww]\s?\d{7}\b))",
    re.I,
)


_TRAILING = re.compile(r"(?:[\s,;]+(?:and|plus)\b)?[\s,;]*$", re.I)


def _trimmed(words: str) -> str:
    """Words without the joiner that led to the next clause ("..., and")."""
    return words[: _TRAILING.search(words).start()].strip()  # type: ignore[union-attr]


def order_clauses(text: str) -> list[str]:
    """`text` cut before each clause that opens with an order other than those named since the last
    cut; one piece when there is no such clause. The pieces are substrings of `text`, in order."""
    cuts = [0]
    for m in _OPENS.finditer(text):
        start = m.start("clause")
        opened = extract_order_ids(text[start : start + 40])[:1]
        before = extract_order_ids(text[cuts[-1] : start])
        if opened and before and opened[0] not in before:
            cuts.append(start)
    ends = [*cuts[1:], len(text)]
    return [_trimmed(text[a:b]) for a, b in zip(cuts, ends, strict=True)]


def by_order(
    text: str, kept: Sequence[IntentScore], reads: Callable[[str], Intent | None]
) -> list[IntentScore]:
    """The requests `kept`, each one whose words hold clauses about different orders replaced by one
    request per clause that `reads` as a request on its own (the clauses that don't stay with the
    one before). The whole message's reading is left alone when a clause of it was read too."""
    clauses = [s for s in kept if s.intent in REQUEST_KINDS and s.span and s.span != text]
    out: list[IntentScore] = []
    for s in kept:
        span = s.span or text
        pieces = order_clauses(span) if s.intent in REQUEST_KINDS and not (span == text and clauses) else []
        if len(pieces) < 2:
            out.append(s)
            continue
        # (where the request's words start in `span`, its intent); words before the first request
        # that reads belong to it, words after one that doesn't to the one before
        read: list[tuple[int, Intent]] = []
        at = 0
        for piece in pieces:
            at = span.find(piece, at)
            if (intent := reads(piece)) is not None:
                read.append((at if read else 0, intent))
        if len(read) < 2:
            out.append(s)
            continue
        ends = [a for a, _ in read[1:]] + [len(span)]
        out.extend(
            IntentScore(intent=i, confidence=s.confidence, span=_trimmed(span[a:e]), source="rule")
            for (a, i), e in zip(read, ends, strict=True)
        )
    return out
