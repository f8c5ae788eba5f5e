"""Which part of a message is about which item, and where it says what the item should become.

"I'd like the green Bluetooth Speaker changed to red, 20 hours and the black Bluetooth Speaker
changed to blue" asks for two changes in one breath. `segment` finds the words about one order line:
from its product's mention to the next product's, or, when the order has several lines of one product,
the clause whose description ("the green ...", "... (black)") tells this line from its siblings.
`wanted_parts` then finds the words after the change marker ("changed to", "as", "into"), which
describe the new variant rather than the current one. Pure functions over text and candidates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shopkeeper.understanding.models import Candidate
from shopkeeper.understanding.references import option_mentions

__all__ = ["segment", "wanted_parts"]

_CHANGE_MARKER = re.compile(
    r"\b(?:changed? (?:it |them )?(?:to|into)|switched to|swapped for|to|into|as)\b", re.I
)
# Where one item's request ends and the next one's begins: "..., and the ...", "; ", ", my ...".
_CLAUSE = re.compile(r",?\s+and\s+(?=(?:the|my)\b)|;\s*|,\s+(?=(?:the|my)\b)", re.I)


def _own_values(line: Candidate, siblings: Sequence[Candidate]) -> set[tuple[str, str]]:
    return {(k, v) for k, v in line.options.items() if all(s.options.get(k) != v for s in siblings)}


def _describes(clause: str, line: Candidate, siblings: Sequence[Candidate]) -> int:
    """How well the clause's description of the current item (before any change marker) fits `line`
    rather than its siblings: its own values mentioned, less the siblings' own values."""
    named_at = clause.lower().find(line.name.lower())
    after = named_at + len(line.name) if named_at >= 0 else 0
    marker = _CHANGE_MARKER.search(clause, after)  # "I'd like to exchange the green X as red": not "to"
    described = clause[: marker.start()] if marker else clause
    mentioned = option_mentions(described, [line, *siblings])
    said = {(k, v) for k, values in mentioned.items() for v in values}
    theirs = set().union(*(_own_values(s, [line]) for s in siblings))
    return len(said & _own_values(line, siblings)) - len(said & theirs)


def segment(text: str, line: Candidate, chosen: Sequence[Candidate], asked_about: bool) -> str:
    """The part of the message about `line`, one of the `chosen` lines: "" when it is not mentioned.

    A message that names none of the chosen products is about the one just asked about (`asked_about`),
    and about no other.
    """
    siblings = [c for c in chosen if c.name == line.name and c.item_id != line.item_id]
    if siblings:
        clauses = [c for c in _CLAUSE.split(text) if line.name.lower() in c.lower()]
        if len(clauses) > 1:
            scored = sorted(((_describes(c, line, siblings), i) for i, c in enumerate(clauses)), reverse=True)
            if scored[0][0] > 0 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
                return clauses[scored[0][1]]
    low = text.lower()
    spots = sorted((low.find(n.lower()), n) for n in {c.name for c in chosen} if n.lower() in low)
    if not spots:
        return text if asked_about else ""
    for i, (pos, n) in enumerate(spots):
        if n == line.name:
            end = spots[i + 1][0] if i + 1 < len(spots) else len(text)
            return text[pos:end]
    return ""


def wanted_parts(text: str, name: str) -> list[str]:
    """Where the wanted variant is described. 'the Dumbbell Set (30-50 lbs, rubber) changed to 55-75
    lbs, iron' names the current options too: the words after the change marker come first, then
    the whole text."""
    low = text.lower()
    start = low.find(name.lower())
    after = re.sub(r"\([^)]*\)", " ", text[start + len(name) :] if start >= 0 else text)
    marker = _CHANGE_MARKER.search(after)
    parts = [after[marker.end() :]] if marker else []
    return [*parts, text]
