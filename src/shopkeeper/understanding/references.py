"""Reference resolution: from "the keyboard", "both of them", "the blue one in size L", "all except the
lamp" to concrete ids (the variant asked for is `variants.py`, the order `orders.py`).

Pure functions over candidates the caller passes (order lines, product variants); nothing here
reads a store or knows a particular catalogue. Product names and option values are matched
typo-tolerantly (plural, case, one or two typos); option values that are easy to confuse with ordinary
words or numbers ("L", "10", "yes") count only next to their option name ("size L", "waterproof").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz.distance import OSA

from shopkeeper.understanding.described import split_wanted
from shopkeeper.understanding.entities import extract_quantity
from shopkeeper.understanding.mentions import nickname_named, unmatched_mentions
from shopkeeper.understanding.models import (
    Candidate,
    ItemResolution,
)
from shopkeeper.understanding.text import (
    find_phrase,
    head_words,
    norm_tokens,
    singular,
    without_others,
    words_match,
)

__all__ = ["known_words", "option_mentions", "resolve_items"]

_NEEDS_KEY = {"yes", "no", "none", "full", "half"}
_SIZE_WORDS = {"xs": ["extra small"], "s": ["small"], "m": ["medium"], "l": ["large"], "xl": ["extra large"]}
_NEGATIONS = {"not", "non", "no", "without"}
_EXCEPT = re.compile(
    r"\b(?:except(?: for)?|but not|apart from|other than|excluding|besides|save for|not the|minus)\b"
    r"|\b(?:all|everything) but\b",
    re.I,
)
_ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
}
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|last)\s+(?:one|item|product|line|thing)\b", re.I
)
_PRONOUN = re.compile(
    r"\b(it|this|that|them|these|those|the item|the product|the order|this one|that one)\b", re.I
)


def _value_positions(
    tokens: list[str],
    key: str,
    value: str,
    raw: str = "",
    values: frozenset[str] = frozenset(),
    loose: bool = False,
) -> list[int]:
    """Where an option value is mentioned; values that look like ordinary words or numbers ("L", "10")
    need their option name near ("size L") or, for capital sizes, to be written as such ("in L").
    `loose` (words known to describe one item's new variant: "the puzzle should be 2000, animals")
    also takes such a value written as a word of its own ("2000", "s"; not the "m" of "I'm")."""
    vt = norm_tokens(value)
    if not vt:
        return []
    names = [
        a for a in _SIZE_WORDS.get(value.lower(), []) if a not in values
    ]  # "medium" may be a value itself
    aliases = {p for alias in names for p in find_phrase(tokens, norm_tokens(alias))}
    hits = find_phrase(tokens, vt)
    if not hits and len(vt) == 2 and vt[0].isdigit() and len(vt[1]) > 2:  # "20 hurs" for "20 hours"
        hits = [i for i in range(len(tokens) - 1) if tokens[i] == vt[0] and _unit_like(tokens[i + 1], vt[1])]
    needs_key = len(vt) == 1 and (vt[0].isdigit() or len(vt[0]) <= 2 or vt[0] in _NEEDS_KEY)
    if hits and needs_key:
        key_words = {w for w in norm_tokens(key) if len(w) > 2}
        near = [p for p in hits if key_words & set(tokens[max(0, p - 3) : p + len(vt) + 3])]
        written = re.search(rf"(?<![\w']){re.escape(value)}(?![\w'])", raw)
        if not near and value.isupper() and value.isalpha() and written:
            near = hits
        if not near and loose and vt[0] not in _NEEDS_KEY:
            alone = rf"(?<![\w'’.#-]){re.escape(value)}(?![\w'’-])"
            near = hits if re.search(alone, raw, re.I) else []
        if not near and loose and vt[0] in _NEEDS_KEY:
            # "7, brown, yes", "red, 20 hours, no": a bare yes or no counts only listed right after
            # another option's value, never as the first word ("yes, the boots in 7" says yes to us)
            listed = [w for w in (norm_tokens(v) for v in values) if w and w[-1] not in _NEEDS_KEY]
            near = [p for p in hits if any(p >= len(w) and tokens[p - len(w) : p] == w for w in listed)]
        hits = near
    return sorted({*hits, *aliases})


def _unit_like(word: str, unit: str) -> bool:
    """A misspelt or shortened unit right after its number: "hors", "hurs", "hrs" for hours."""
    return word[:1] == unit[:1] and OSA.distance(word, unit) <= max(1, len(unit) // 2)


_SAID_NO = frozenset({"no", "none", "false", "off", "without"})
_SAID_YES = frozenset({"yes", "true", "on", "with"})


def _yes_no_positions(tokens: list[str], key: str, value: str) -> list[int]:
    """'waterproof: yes' is mentioned by "the waterproof one", 'no' by "not waterproof" and by
    "waterproof no" (the value said after the option's name)."""
    kt = norm_tokens(key)
    out = []
    for p in find_phrase(tokens, kt):
        negated = bool(_NEGATIONS & set(tokens[max(0, p - 2) : p]))
        after = tokens[p + len(kt)] if p + len(kt) < len(tokens) else ""
        if after in _SAID_NO:  # "water resistance no": the value is said, the name alone is no "yes"
            negated = True
        elif after in _SAID_YES:
            negated = False
        if negated == (value.lower() == "no"):
            out.append(p)
    return out


def _telling_heads(candidates: Sequence[Candidate], values: frozenset[str]) -> dict[str, str]:
    """Values of several words whose last word alone says which value is meant ("grinder" for "built-in
    grinder"): a word of five letters or more, in no other value and in no product name."""
    counts: dict[str, int] = {}
    for v in values:
        for w in set(norm_tokens(v)):
            counts[w] = counts.get(w, 0) + 1
    names = {w for c in candidates for w in norm_tokens(c.name or "")}
    heads = {}
    for v in values:
        vt = norm_tokens(v)
        if (
            len(vt) >= 2
            and len(vt[-1]) >= 5
            and vt[-1].isalpha()
            and counts[vt[-1]] == 1
            and vt[-1] not in names
        ):
            heads[v] = vt[-1]
    return heads


def option_mentions(
    text: str, candidates: Sequence[Candidate], *, loose: bool = False
) -> dict[str, dict[str, int]]:
    """{option name: {value: first position}} for values of these candidates that the text mentions.
    With `loose`, a short value or number said alone counts when it is a value of one option only."""
    tokens = norm_tokens(text)
    found: dict[str, dict[str, int]] = {}
    vocab = {(k, v) for c in candidates for k, v in c.options.items()}
    values = frozenset(v.lower() for _, v in vocab)
    keys_of: dict[str, set[str]] = {}
    for k, v in vocab:
        keys_of.setdefault(v.lower(), set()).add(k)
    heads = _telling_heads(candidates, values)
    for key, value in sorted(vocab):
        alone = loose and len(keys_of[value.lower()]) == 1
        hits = _value_positions(tokens, key, value, text, values, alone)
        if not hits and (head := heads.get(value.lower())):
            hits = [p for p, w in enumerate(tokens) if w == head]  # "the one with the grinder"
        if not hits and value.lower() in {"yes", "no"}:
            hits = _yes_no_positions(tokens, key, value)
        if not hits and value.lower() in {"none", "without"}:  # "no backlight", "without a backlight"
            hits = [p for p in _yes_no_positions(tokens, key, "no") if p > 0]
        if hits:
            found.setdefault(key, {})[value] = hits[0]
    return found


# "the duffel, they don't fit", "the running ones and the hose": a first word of a name said alone, as
# an item of its own, after "the"/"my" and before a joiner, a pronoun or the end of a clause
_ALONE_AFTER = r"(?:the|my|that|this)\s+"
_ALONE_BEFORE = (
    r"(?=\s*(?:[,.;:!?)]|$)|\s+(?:and|or|too|also|please|from|in|on|as|with|because|since|they|it|"
    r"ones?|back|i|is|are|was|were)\b)"
)


def _said_alone(text: str, word: str) -> bool:
    return len(word) > 3 and bool(
        re.search(rf"\b{_ALONE_AFTER}{re.escape(word)}s?{_ALONE_BEFORE}", text.lower())
    )


def known_words(candidates: Sequence[Candidate]) -> set[str]:
    """The candidates' names and option values: words a customer writes as themselves, never as a
    typo of another name (`text.without_others`)."""
    return {text for c in candidates for text in (c.name, *c.options.values())}


def _name_score(tokens: list[str], name: str, candidates: Sequence[Candidate], text: str = "") -> float:
    """1 + share of the other name words when the head noun is mentioned, 0.5 for another word only
    (1 when that word is said alone as an item: "the duffel" for a Duffel Bag)."""
    words = norm_tokens(name)
    if not words:
        return 0.0
    if find_phrase(tokens, words):
        return 2.0
    heads = head_words(words)
    others = [w for w in words if w not in heads]
    other_hits = sum(1 for w in others if len(w) > 2 and find_phrase(tokens, [w]))
    if any(find_phrase(tokens, [head]) for head in heads) or _head_misspelt(tokens, words):
        # the name pieced together from words strewn in the message ("tea kettle -> stovetop
        # compatibility electric" has "electric" and "kettle") falls just short of one said whole
        return 1.0 + (0.99 * other_hits / len(others) if others else 0.0)
    if nickname_named(tokens, name, candidates):  # "bag" for the backpack
        return 1.0
    all_heads = {h for c in candidates for h in head_words(norm_tokens(c.name))}
    if any(_said_alone(text, w) for w in others if w not in all_heads):  # "the desk": the Standing Desk
        return 1.0
    return 0.5 if other_hits else 0.0


def _head_misspelt(tokens: list[str], words: list[str]) -> bool:
    """The name said in full with its last word one letter off, too short for a typo said alone
    ("smart wach" for Smart Watch)."""
    if len(words) < 2 or len(words[-1]) < 4:
        return False
    first, last = words[:-1], words[-1]
    return any(
        p + len(first) < len(tokens) and OSA.distance(tokens[p + len(first)], last) == 1
        for p in find_phrase(tokens, first)
    )


def _option_fit(c: Candidate, mentioned: dict[str, dict[str, int]]) -> int:
    """Mentioned values this candidate has, minus mentioned values it contradicts."""
    score = 0
    for key, values in mentioned.items():
        if key in c.options:
            score += 1 if c.options[key] in values else -1
    return score


def _select(text: str, candidates: Sequence[Candidate]) -> tuple[list[int], bool, str]:
    """Indices of candidates the text names; whether it was ambiguous; how they were found."""
    tokens = norm_tokens(text)
    # nor is an option value one ("type chain" of a bike lock names no office chair)
    names = known_words(candidates)
    scores = [
        _name_score(without_others(tokens, c.name, names), c.name, candidates, text) for c in candidates
    ]
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(candidates):
        groups.setdefault(c.product_id or c.name.lower(), []).append(i)
    named = [i for i, s in enumerate(scores) if s >= 1.0]
    if named:  # among products sharing a head noun ("tea kettle", "electric kettle") keep the best named
        heads: dict[str, float] = {}
        for i in named:
            head = (norm_tokens(candidates[i].name) or [""])[-1]
            heads[head] = max(heads.get(head, 0.0), scores[i])
        named = [i for i in named if scores[i] >= heads[(norm_tokens(candidates[i].name) or [""])[-1]]]
    else:
        named = [i for i, s in enumerate(scores) if s == 0.5]
    how = "name" if named else ""
    pool = named or list(range(len(candidates)))
    # "the speaker for a red one": "red" is what it should become, not which speaker it is
    described, wanted = split_wanted(text, {c.name for c in candidates})
    name_heads = {h for c in candidates for h in head_words(norm_tokens(c.name))}
    if sum(1 for t in tokens if t in name_heads) > 1:
        # several items named ("the black watch for the same one and the silver watch -> gold"): the
        # words after the first "for" describe the second item too; read the whole text
        described, wanted = text, ""
    mentioned = option_mentions(described, [candidates[i] for i in pool])
    if mentioned:
        kept: list[int] = []
        contradicted: list[int] = []
        pool_groups = [[i for i in g if i in pool] for g in groups.values()]
        for members in (g for g in pool_groups if g):
            # "the medium Grill ... and the Grill (portable)": both, whichever fits the values better.
            if named and len(members) > 1 and _each_described(tokens, members, candidates, mentioned):
                kept.extend(members)
                continue
            fits = {i: _option_fit(candidates[i], mentioned) for i in members}
            best = max(fits.values())
            if best > 0:
                kept.extend(i for i in members if fits[i] == best)
            elif named and best == 0:
                kept.extend(members)
            elif named:
                contradicted.extend(members)
        if kept:
            # "the black backpack and the bookshelf": "black" picks among the backpacks; the brown
            # bookshelf is still named in its own right.
            pool, how = sorted(kept + contradicted), (how + "+options").lstrip("+")
    if wanted and len({candidates[i].item_id for i in pool}) > 1:
        # of several, the ones that are not already what is asked for
        asked = option_mentions(wanted, [candidates[i] for i in pool])
        other = [i for i in pool if asked and not _already(candidates[i], asked)]
        if other and len(other) < len(pool):
            pool, how = other, (how + "+options" if "options" not in how else how).lstrip("+")
    if m := _ORDINAL.search(text):
        word = m.group(1).lower()
        index = len(candidates) - 1 if word == "last" else _ORDINALS[word]
        if index < len(candidates):
            return [index], False, "ordinal"
    if not how:
        quantity = extract_quantity(text)
        if quantity and quantity.kind in {"all", "both", "all_except"}:
            ambiguous = quantity.kind == "both" and len({c.item_id for c in candidates}) != 2
            return pool, ambiguous, quantity.kind
        if len({c.item_id for c in candidates}) == 1 and _PRONOUN.search(text):
            return pool, False, "only item"
        return [], False, ""
    quantity = extract_quantity(text)
    plural = quantity is not None or (len(pool) > 1 and _plural_named(text, pool, candidates))
    by_group: dict[str, set[str]] = {}
    for i in pool:
        by_group.setdefault(candidates[i].product_id or candidates[i].name.lower(), set()).add(
            candidates[i].item_id
        )
    # "the t-shirt" with two shirts, or "the blue one" with a blue shirt and a blue bottle.
    several = any(len(ids) > 1 for ids in by_group.values()) or (not named and len(by_group) > 1)
    if several and named and _each_described(tokens, pool, candidates, mentioned):
        plural = True  # "the helmet in L, blue and the helmet in S, black": both, each by its options
    if not plural:  # "the water bottle" with two identical lines of it is one of them
        first: dict[str, int] = {}
        for i in pool:
            first.setdefault(candidates[i].item_id, i)
        pool = list(first.values())
    return pool, several and not plural, how


def _already(c: Candidate, asked: dict[str, dict[str, int]]) -> bool:
    """Whether the candidate has every value asked for, for the options it has."""
    own = [key for key in asked if key in c.options]
    return bool(own) and all(c.options[key] in asked[key] for key in own)


def _each_described(
    tokens: list[str], pool: list[int], candidates: Sequence[Candidate], mentioned: dict[str, dict[str, int]]
) -> bool:
    """Whether every item left of a product is named in its own right ("the Helmet in L, blue and the
    Helmet in S, black"): the name said once per item, each told apart by a value of its own. Said
    once, the other values describe what it should become ("the Dumbbell Set in 30-50 lbs as 55-75")."""
    if not mentioned:
        return False
    groups: dict[str, list[Candidate]] = {}
    for i in pool:
        groups.setdefault(candidates[i].product_id or candidates[i].name.lower(), []).append(candidates[i])
    for members in groups.values():
        distinct = {m.item_id: m for m in members}
        if len(distinct) > 1 and len(find_phrase(tokens, norm_tokens(members[0].name))) < len(distinct):
            return False
        for c in distinct.values():
            others = [m for m in members if m.item_id != c.item_id]
            own = [(k, v) for k, v in c.options.items() if all(o.options.get(k) != v for o in others)]
            if others and not any(v in mentioned.get(k, {}) for k, v in own):
                return False
    return True


def _plural_named(text: str, pool: list[int], candidates: Sequence[Candidate]) -> bool:
    """Whether the text names a product of the pool in the plural ("the t-shirts", "both shirts")."""
    raw = [w.replace("-", "") for w in re.findall(r"[a-z-]+", text.lower())]
    plurals = [singular(w) for w in raw if singular(w) != w]
    for i in pool:
        head = (norm_tokens(candidates[i].name) or [""])[-1]
        if head and any(words_match(p, head) for p in plurals):
            return True
    return False


def resolve_items(
    text: str, candidates: Sequence[Candidate], variants: Sequence[Candidate] = ()
) -> ItemResolution:
    """Which of `candidates` (order lines, variants) the message points at, in candidate order.

    Handles names ("the keyboard and the lamp"), options ("the blue one in size L"), quantities ("both",
    "all of them"), exclusions ("everything except the lamp"), ordinals ("the second one") and "it"
    when there is only one candidate. `ambiguous` is set when several different items fit and the
    message did not say it meant them all. `variants` (other variants of the candidates' products)
    only tell option values from things that are not in the order (`unmatched`).
    """
    if not candidates:
        return ItemResolution(reason="no candidates")
    m = _EXCEPT.search(text)
    include, exclude = (text[: m.start()], text[m.end() :]) if m else (text, "")
    chosen, ambiguous, how = _select(include, candidates)
    excluded: list[int] = []
    if exclude:
        excluded, _, _ = _select(exclude, candidates)
        if not chosen or how in {"all", "both", "all_except"} or not how:
            chosen = list(range(len(candidates)))
            how = "all except"
        chosen = [i for i in chosen if i not in excluded]
        ambiguous = False
    return ItemResolution(
        item_ids=tuple(candidates[i].item_id for i in chosen),
        excluded_ids=tuple(candidates[i].item_id for i in excluded),
        ambiguous=ambiguous,
        reason=how or "nothing mentioned",
        unmatched=tuple(unmatched_mentions(include, candidates, variants)),
    )
