"""Which words of a request describe an item as it is, and which say what it should become.

"exchange the speaker for a red one" names the speaker and asks for red: "red" must not pick the
customer's speaker that is red already. `split_wanted` cuts each clause at the first change marker
after the item is named ("for", "to", "into", "as", "in ... instead"): the words before it describe
the item, the words after it the wanted variant. Pure functions over text and product names; knows
nothing of orders, candidates' options or the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["split_wanted"]

# "for a red one", "to large", "into the 2L", "as black", "in blue instead"; not "as well", not
# "instead of the red one" (which describes the item as it is)
_MARKER = re.compile(
    r"\b(?:for|to|into|as(?! well))\b|\bin\b(?=[^,.;!?]{0,30}\binstead\b(?! of))|\binstead\b(?! of)", re.I
)
# Where one item's request ends and the next one's begins: "..., and the ...", "; ", a sentence.
_CLAUSE = re.compile(r",?\s+and\s+(?=(?:the|my|a|an)\b)|;\s*|,\s+(?=(?:the|my)\b)|[.!?]\s+", re.I)
_PRONOUN = r"it|them|one|ones"


def split_wanted(text: str, names: Iterable[str]) -> tuple[str, str]:
    """(words describing the items as they are, words describing what they should become); the
    second is empty when no clause names an item (or says "it", "one") and then a change marker."""
    heads = sorted(
        {w for name in names for w in re.findall(r"[a-z0-9]+", name.lower()) if len(w) > 2},
        key=len,
        reverse=True,
    )
    item = re.compile(rf"\b(?:{'|'.join(map(re.escape, heads))}|{_PRONOUN})(?:e?s)?\b", re.I)
    described, wanted = [], []
    cursor = 0
    for stop in [*(m.start() for m in _CLAUSE.finditer(text)), len(text)]:
        clause = text[cursor:stop]
        cursor = stop
        named = item.search(clause)
        marker = _MARKER.search(clause, named.end()) if named else None
        if marker is None:
            described.append(clause)
            continue
        described.append(clause[: marker.start()])
        wanted.append(clause[marker.start() :])
    return " ".join(described), " ".join(wanted)
