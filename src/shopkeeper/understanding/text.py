"""Text matching helpers: normalisation, naive singular forms and typo-tolerant word comparison
(edit distance from rapidfuzz).

Shared by entity extraction and reference resolution. Pure functions on strings; knows nothing about
products, orders or intents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz.distance import OSA

__all__ = [
    "contains_phrase",
    "find_phrase",
    "head_words",
    "norm_tokens",
    "singular",
    "without_others",
    "words_match",
]

_SYNONYMS = {
    "gray": "grey",
    "colour": "color",
    "tshirt": "tshirt",
    "tee": "tshirt",
    "cellphone": "smartphone",
}
_INVARIANT = {"lens", "series", "species", "news", "canvas", "bias", "atlas", "gas", "plus"}
# Nouns that name a collection of the real thing: "the dumbbells" is the Dumbbell Set, "the towels" the
# Bath Towel Set, "the makeup" the Makeup Kit.
_COLLECTIVE = {"set", "kit", "bundle", "pair", "combo", "collection"}
_LETTER_HYPHEN = re.compile(r"(?<=[a-z])[-‐](?=[a-z])")
_LETTER_SLASH = re.compile(r"(?<=\b[a-z])/(?=[a-z]\b)")  # "A/C" -> "ac"
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
    """Lower-case tokens: letter-letter hyphens and single-letter slashes joined (t-shirt -> tshirt,
    A/C -> ac), numbers split from units
    (16GB -> 16 gb), plurals made singular, a few spelling variants unified (gray -> grey)."""
    text = _LETTER_HYPHEN.sub("", text.lower().replace("’", "'"))
    text = _LETTER_SLASH.sub("", text)
    text = _DIGIT_LETTER.sub(" ", text)
    return [_SYNONYMS.get(w, w) for w in (singular(t) for t in _TOKEN.findall(text))]


def head_words(words: Sequence[str]) -> list[str]:
    """The words of a normalised product name that name it alone: its last word, and the word before
    when the last is a collective noun ("dumbbell" and "set" of Dumbbell Set)."""
    if not words:
        return []
    if len(words) > 1 and words[-1] in _COLLECTIVE and len(words[-2]) > 2:
        return [words[-2], words[-1]]
    return [words[-1]]


def words_match(a: str, b: str) -> bool:
    """Same word, allowing one typo from 5 letters, two from 9, and from 4 letters only two neighbours
    swapped (never for numbers), the first letter kept (or swapped with the second, or the only
    one dropped). A typo is one
    edit of optimal string alignment (rapidfuzz's OSA): a letter added, dropped, changed, or two
    neighbours swapped."""
    if a == b:
        return True
    if not (a.isalpha() and b.isalpha()) or min(len(a), len(b)) < 4:
        return False
    if a[0] != b[0] and a[:2] != b[1::-1] and a[1:] != b and b[1:] != a:
        return False  # "settle" is not a typo of "kettle"; "lmap" is one of "lamp", "shirt" of "tshirt"
    if min(len(a), len(b)) == 4:  # "lmap" is "lamp", but "hose" is not "home": a swap only
        return sorted(a) == sorted(b) and OSA.distance(a, b, score_cutoff=1) == 1
    allowed = 2 if min(len(a), len(b)) >= 9 else 1
    return OSA.distance(a, b, score_cutoff=allowed) <= allowed


def without_others(tokens: Sequence[str], name: str, names: Iterable[str]) -> list[str]:
    """`tokens` with each word that is exactly a word of one of `names` but not of `name` blanked, so
    it is not read as a typo of `name`: "speaker" names the Bluetooth Speaker, not the Sneakers."""
    own = set(norm_tokens(name))
    others = {w for n in names for w in norm_tokens(n)} - own
    return [t if t in own or t not in others else "" for t in tokens]


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
