"""An option named together with the value wanted for it: "color wite", "height: 5ft", "size to 11".

Closed world: the words right after an option's name are read against that option's own values, and
more leniently than a value said alone, since the name says what they are: a short typo ("wite" for
white, "blck" for black) and a shortened unit ("8 hrs") are read. When no value of that option is
close, the words are kept as *unread*, so that the reply can say so and ask, instead of quietly keeping
the option as it was. A value said bare, without its option's name, that is only a typo of one
("Apple HomeKit and back" for black) is kept as unread too (`bare_value_typos`). Pure functions over
the candidates the caller passes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from rapidfuzz.distance import OSA

from shopkeeper.understanding.models import Candidate
from shopkeeper.understanding.text import find_phrase, norm_tokens, words_match

__all__ = ["bare_value_typos", "named_option_values"]

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


# Where one listed value ends and the next begins: "Apple HomeKit and back", "the 4K, sliver one".
_LISTED = re.compile(r"[,;.!?()\[\]{}/&+]|\b(?:and|or|with|in|plus)\b", re.I)
_LEADING = {"the", "a", "an", "my", "its", "it", "to", "for", "into", "as", "same", "but", "also", "just"}
_ONE = {"one", "ones", "version", "model", "variant", "kind", "type"}


def _spans(chunk: list[str], listing: bool) -> list[list[str]]:
    """The words of one listed chunk that may be a value: the words before "one" ("the back one"), or,
    in a list of values (`listing`), the whole chunk of up to three words ("and back")."""
    for i, word in enumerate(chunk):
        if word in _ONE and i:
            before = chunk[:i]
            start = max((k + 1 for k, w in enumerate(before) if w in _LEADING), default=0)
            return [before[start:][-n:] for n in range(min(_LONGEST, len(before) - start), 0, -1)]
    while chunk and chunk[0] in _LEADING:
        chunk = chunk[1:]
    while chunk and chunk[-1] in {"please", "pls", "plz", "thanks"}:
        chunk = chunk[:-1]
    return [chunk] if listing and 0 < len(chunk) <= _LONGEST else []


def bare_value_typos(
    text: str, candidates: Sequence[Candidate], read: Collection[str]
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Words listed as a value ("the Apple HomeKit and back one") that are no value of any option but
    a typo of a value of an option not `read` already: ({option name: (words said, the value)} when
    one value is that close, {option name: words said} when several are). Ordinary words close to
    no value, and the product's own name, are left alone."""
    values_of: dict[str, set[str]] = {}
    for c in candidates:
        for key, value in c.options.items():
            values_of.setdefault(key, set()).add(value)
    exact = {t for values in values_of.values() for v in values for t in norm_tokens(v)}
    known = exact | {t for key in values_of for t in norm_tokens(key)}
    known |= {t for c in candidates for t in norm_tokens(c.name)}
    chunks = [norm_tokens(part) for part in _LISTED.split(text)]
    # a chunk listed next to a value said right ("HomeKit and back", "back, HomeKit") is a value too
    ends = [[t for t in chunk if t not in _ONE][-1:] for chunk in chunks]
    starts = [[t for t in chunk if t not in _LEADING][:1] for chunk in chunks]
    said = [bool(e) and e[0] in exact for e in ends], [bool(b) and b[0] in exact for b in starts]
    found: dict[str, tuple[str, str]] = {}
    unsure: dict[str, str] = {}
    for i, chunk in enumerate(chunks):
        listing = (i > 0 and said[0][i - 1]) or (i + 1 < len(chunks) and said[1][i + 1])
        for words in _spans(chunk, listing):
            if any(w in known or w in _NOT_A_VALUE for w in words):
                continue
            fits: dict[str, tuple[str | None, bool]] = {
                key: _best_value(words, [v for v in values if len(norm_tokens(v)) == len(words)])
                for key, values in values_of.items()
                if key not in read and not {v.lower() for v in values} <= {"yes", "no", "none"}
            }
            close = {key: value for key, (value, tied) in fits.items() if value is not None or tied}
            if not close:
                continue
            option, guess = next(iter(close.items()))
            if len(close) == 1 and guess is not None:
                found.setdefault(option, (" ".join(words), guess))
            else:  # close to two values, or to values of two options: asked about, not guessed
                unsure.setdefault(option, " ".join(words))
            break
    return found, {k: v for k, v in unsure.items() if k not in found}
