"""Text matching helpers: normalisation, naive singular forms and typo-tolerant word comparison.

Shared by entity extraction and reference resolution. Pure functions on strings; knows nothing about
products, orders or intents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["contains_phrase", "edit_distance", "find_phrase", "norm_tokens", "singular", "words_match"]

_SYNONYMS = {
    "gray": "grey",
    "colour": "color",
    "tshirt": "tshirt",
    "tee": "tshirt",
    "cellphone": "smartphone",
}
_INVARIANT = {"lens", "series", "species", "news", "canvas", "bias", "atlas", "gas", "plus"}
_LETTER_HYPHEN = re.compile(r"(?<=[a-z])[-‐](?=[a-z])")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def singular(word: str) -> str:
    """A crude singular form, good enough for product nouns ("lamps", "batteries", "boxes")."""
    if len(word) <= 3 or not word.isalpha() or word in _INVARIANT:
        return word
    if word.endswith(("nses", "uses")):  # lenses, buses
        return word[:-2]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def norm_tokens(text: str) -> list[str]:
    """Lower-case tokens: letter-letter hyphens joined (t-shirt -> tshirt), numbers split from units
    (16GB -> 16 gb), plurals made singular, a few spelling variants unified (gray -> grey)."""
    text = _LETTER_HYPHEN.sub("", text.lower().replace("’", "'"))
    text = _DIGIT_LETTER.sub(" ", text)
    return [_SYNONYMS.get(w, w) for w in (singular(t) for t in _TOKEN.findall(text))]


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (a swap of neighbours counts 1), stopping early past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def words_match(a: str, b: str) -> bool:
    """Same word, allowing one typo from 5 letters and two from 9 (never for numbers)."""
    if a == b:
        return True
    if not (a.isalpha() and b.isalpha()) or min(len(a), len(b)) < 5:
        return False
    allowed = 2 if min(len(a), len(b)) >= 9 else 1
    return edit_distance(a, b, allowed) <= allowed


def find_phrase(tokens: Sequence[str], phrase: Sequence[str]) -> list[int]:
    """Start positions where `phrase` occurs in `tokens` as consecutive words (typo-tolerant); a phrase
    written as one word or split in two also matches ("t shirt" / "tshirt", "ear buds" / "earbuds")."""
    if not phrase:
        return []
    hits: list[int] = []
    n = len(phrase)
    for i in range(len(tokens) - n + 1):
        if all(words_match(tokens[i + k], phrase[k]) for k in range(n)):
            hits.append(i)
    joined = "".join(phrase)  # split or joined spellings must match exactly: "brand b" is not "brand"
    for i in range(len(tokens)):
        if n > 1 and tokens[i] == joined:
            hits.append(i)
        if n == 1 and i + 1 < len(tokens) and tokens[i] + tokens[i + 1] == joined:
            hits.append(i)
    return sorted(set(hits))


def contains_phrase(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    return bool(find_phrase(tokens, phrase))
