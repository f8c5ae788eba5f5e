"""A pick from a numbered list of options: "2", "#2", "number 2", "option two", "the 2nd one".

When the agent has shown numbered options, a reply that only names a position is read as that
option. Anything else (a quantity in a sentence, a zip code, an order number) is not a pick.
"""

from __future__ import annotations

import re

__all__ = ["pick_option"]

_WORDS = {
    "one": 1,
    "first": 1,
    "two": 2,
    "second": 2,
    "three": 3,
    "third": 3,
    "four": 4,
    "fourth": 4,
    "five": 5,
    "fifth": 5,
    "six": 6,
    "sixth": 6,
    "seven": 7,
    "seventh": 7,
    "eight": 8,
    "eighth": 8,
    "nine": 9,
    "ninth": 9,
    "ten": 10,
    "tenth": 10,
}
_NUMBER = r"(\d{1,2}|" + "|".join(_WORDS) + r")(?:st|nd|rd|th)?"
_PICK = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|um+|uh+|hmm+)[,.]?\s+)?(?:i'?ll take |i want |let'?s (?:go with|do) |go with )?"
    r"(?:the\s+)?(?:(?:number|no\.?|option|choice|#)\s*)?" + _NUMBER + r"(?:\s+(?:one|option|please|pls))?"
    r"\s*(?:please|pls|thanks|thx)?\s*[.!]*\s*$",
    re.I,
)


def pick_option(text: str, options: list[str]) -> str | None:
    """The option a reply picks by its position in `options` (1-based), or None."""
    m = _PICK.match(text)
    if not m or not options:
        return None
    raw = m.group(1).lower()
    n = int(raw) if raw.isdigit() else _WORDS[raw]
    return options[n - 1] if 1 <= n <= len(options) else None
