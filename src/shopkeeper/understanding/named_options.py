"""An option named together with the value wanted for it: "color wite", "height: 5ft", "size to 11".

Closed world: the words right after an option's name are read against that option's own values, and
more leniently than a value said alone, since the name says what they are: a short typo ("wite" for
white, "blck" for black) and a shortened unit ("8 hrs") are read. When no value of that option is
close, the words are kept as *unread*, so that the reply can say so and ask, instead of quietly keeping
the option as it was. Pure functions over the candidates the caller passes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz.distance import OSA

from shopkeeper.understanding.models import Candidate
from shopkeeper.understanding.text import find_phrase, norm_tokens, words_match

__all__ = ["named_option_values"]

# Where the words about one option end: punctuation, a joiner, or "->" before the next item's words.
_CLAUSE = re.compile(r"[,;.!?()\[\]{}]|->|=>|\b(?:and|or|but|with|plus|also|then|instead)\b", re.I)
# Words between an option's name and its value ("color to white", "height should be 5 ft").
_BRIDGE = {"to", "is", "are", "was", "were", "be", "should", "would", "could", "as", "a", "an", "in", "now", "set", "changed",
           "change", "switched", "become", "ideally", "preferably", "new", "of", "from"}  # fmt: skip
# Words that make the rest no value at all ("the color doesn't matter", "size same as before").
_NOT_A_VALUE = {
    "the", "this", "that", "these", "those", "it", "its", "one", "ones", "same", "any", "whatever",
    "matter", "matters", "different", "other", "another", "else", "option", "options", "choice",
    "choices", "available", "you", "your", "my", "have", "has", "do", "doe", "doesn", "don", "isn",
    "t", "s", "what", "which", "there", "here", "well", "too", "stay", "remain", "unchanged", "kept",
    "keep", "like", "similar", "match", "current", "currently", "original", "either", "both", "more",
    "less", "than", "please", "pls", "plz", "thanks", "thank", "something", "anything", "i", "we",
    "want", "need", "prefer", "would", "fine", "ok", "okay", "good", "important", "wrong", "right",
    "bigger", "larger", "smaller", "longer", "shorter", "brighter", "dimmer", "heavier", "lighter",
    "higher", "lower", "cheaper", "cheapest", "up", "down", "for", "if", "not", "no", "yes", "all",
    "come", "comes", "came", "does", "did", "can", "will", "left", "offered", "sold", "listed",
}  # fmt: skip
_LONGEST = 3  # more words than this after an option's name are a sentence, not a value


def _close(said: str, value: str, before: str) -> int | None:
    """Edit distance of a word said after an option's name to a word of one of its values, when close
    enough to be that word: the same word, a typo `words_match` takes, one edit from three letters
    with the first letter kept ("wite"), two from six, or a unit shortened after its number ("hrs")."""
    if said == value or words_match(said, value):
        return 0 if said == value else 1
    if not (said.isalpha() and value.isalpha()) or said[0] != value[0] or min(len(said), len(value)) < 3:
        return None
    distance = OSA.distance(said, value)
    if distance <= (2 if min(len(said), len(value)) >= 6 else 1):
        return distance
    if before.replace(".", "").isdigit() and distance <= max(1, len(value) // 2):
        return distance
    return None


def _best_value(words: list[str], values: Sequence[str]) -> tuple[str | None, bool]:
    """The value these words (the start of them) say, and whether several values fit equally well."""
    scored: list[tuple[int, str]] = []
    for value in values:
        vt = norm_tokens(value)
        if not vt or len(words) < len(vt):
            continue
        total = 0
        for k, (said, want) in enumerate(zip(words, vt, strict=False)):
            d = _close(said, want, words[k - 1] if k else "")
            if d is None:
                break
            total += d
        else:
            scored.append((total, value))
    if not scored:
        return None, False
    scored.sort()
    best = scored[0][0]
    tied = {v for d, v in scored if d == best}
    return (scored[0][1], False) if len(tied) == 1 else (None, True)


def named_option_values(
    text: str, candidates: Sequence[Candidate]
) -> tuple[dict[str, dict[str, int]], dict[str, str]]:
    """({option name: {value: clause position}}, {option name: words said}) for options named with a
    value right after them: the values read (typo-tolerant), and the words that are no value of it.
    Options valued yes/no are left to `references` ("waterproof no", "not waterproof")."""
    values_of: dict[str, list[str]] = {}
    for c in candidates:
        for key, value in c.options.items():
            if value not in values_of.setdefault(key, []):
                values_of[key].append(value)
    names = {w for key in values_of for w in norm_tokens(key)}  # "color wyte height 5 ft"
    found: dict[str, dict[str, int]] = {}
    unread: dict[str, str] = {}
    starts = [0] + [m.end() for m in _CLAUSE.finditer(text)]
    ends = [m.start() for m in _CLAUSE.finditer(text)] + [len(text)]
    for position, (start, end) in enumerate(zip(starts, ends, strict=True)):
        tokens = norm_tokens(text[start:end])
        for key, values in values_of.items():
            if {v.lower() for v in values} <= {"yes", "no", "none"}:
                continue
            key_tokens = norm_tokens(key)
            for p in find_phrase(tokens, key_tokens):
                rest = tokens[p + len(key_tokens) :]
                while rest and rest[0] in _BRIDGE:
                    rest = rest[1:]
                while rest and rest[-1] in {"please", "pls", "plz", "thanks", "one"}:
                    rest = rest[:-1]
                if not rest:
                    continue
                read, tied = _best_value(rest, values)
                if read is not None:
                    found.setdefault(key, {})[read] = position
                    continue
                # the words up to the next word that is no value ("color wyte for the shelf": wyte)
                said = rest[
                    : next((i for i, w in enumerate(rest) if w in _NOT_A_VALUE or w in names), len(rest))
                ]
                if not tied and 0 < len(said) <= _LONGEST:
                    unread.setdefault(key, " ".join(said))
    return found, {k: v for k, v in unread.items() if k not in found}
