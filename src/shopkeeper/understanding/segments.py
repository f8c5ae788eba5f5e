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
from collections.abc import Collection, Mapping, Sequence

from shopkeeper.understanding.models import Candidate
from shopkeeper.understanding.references import known_words, option_mentions
from shopkeeper.understanding.text import find_phrase, head_words, norm_tokens, without_others

__all__ = ["segment", "wanted_parts"]

_CHANGE_MARKER = re.compile(
    r"\b(?:changed? (?:it |them )?(?:to|into)|switched to|swapped for|to|into|as)\b", re.I
)
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
_FOR_THE = re.compile(r"\b(?:for|on|of)\s+(?:the\s+|my\s+|your\s+)?$", re.I)
# "for the L, black Cycling Helmet": the item's own options between "for the" and its name
_FOR_THE_DESCRIBED = re.compile(
    r"\b(?:for|on|of)\s+(?:the\s+|my\s+|your\s+)?(?P<said>[^.;:!?()]{1,60})$", re.I
)
_JOIN = re.compile(r",\s*(?:and\s+)?|\s+and\s+|;\s*", re.I)
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


def _mentions(text: str, name: str, known: Collection[str] = ()) -> list[tuple[int, int]]:
    """Character spans where `name` is written, typo-tolerantly ("writwatch", "the Jisaw Puzzle"); the
    last word alone ("the helmet" for the Cycling Helmet) when the full name is not there. A word of
    the other `known` names and values is never a typo of this name ("speaker" of "sneakers")."""
    words = [(m.start(), m.end(), norm_tokens(m.group(0))) for m in _WORD.finditer(text)]
    tokens = without_others([t for _, _, ts in words for t in ts], name, known)
    spans = [(start, end) for start, end, ts in words for _ in ts]
    name_tokens = norm_tokens(name)
    for phrase in (name_tokens, *([head] for head in head_words(name_tokens))):
        hits = find_phrase(tokens, phrase)
        if hits:
            return [(spans[i][0], spans[min(i + len(phrase), len(spans)) - 1][1]) for i in hits]
    return []


def _values_said(text: str, variants: Sequence[Candidate]) -> int:
    return sum(len(values) for values in option_mentions(text, variants).values()) if variants else 0


def _cut(region: str, before: Sequence[Candidate], after: Sequence[Candidate]) -> tuple[int, int] | None:
    """Where words about one item end and words about the next begin, in "the Wristwatch in silicone
    and white and 7-inch and 32GB for the Tablet": at the joiner that leaves the most values of each
    product on its own side (the later one on a tie); None without a joiner or any value."""
    best: tuple[int, int, int] | None = None
    for m in _JOIN.finditer(region):
        score = _values_said(region[: m.start()], before) + _values_said(region[m.end() :], after)
        if score and (best is None or score >= best[0]):
            best = (score, m.start(), m.end())
    return (best[1], best[2]) if best else None


def _after_for_the(before: str, options: Sequence[Candidate]) -> bool:
    """Whether the words `before` a mention end with "for the", "on my" ..., directly or followed only
    by option values of the item (`options`: its line and its product's variants): "... for the L,
    black" before "Cycling Helmet"."""
    if _FOR_THE.search(before):
        return True
    m = _FOR_THE_DESCRIBED.search(before)
    if m is None:
        return False
    values = {t for c in options for v in c.options.values() for t in norm_tokens(v)}
    said = [t for t in norm_tokens(m.group("said")) if t != "and"]
    return bool(said) and all(t in values for t in said)


def _pieces(
    text: str, spots: list[tuple[int, int, str]], variants: Mapping[str, Sequence[Candidate]]
) -> list[tuple[str, str]]:
    """(name, words about it) for each mention, in reading order. A mention right after "for the"
    ("color red and low for the Cycling Helmet and metal for the Wristwatch") takes the words before
    it, back to the previous mention; any other takes the words after it, up to the next mention.
    Between a mention of the second kind and one of the first, the words are cut where each
    product's own values fall on its side (`variants`: each product name's variants)."""
    out: list[tuple[str, str]] = []
    cursor = 0
    for i, (start, end, name) in enumerate(spots):
        following = spots[i + 1][0] if i + 1 < len(spots) else len(text)
        next_is_prefix = i + 1 < len(spots) and _after_for_the(
            text[: spots[i + 1][0]], variants.get(spots[i + 1][2], ())
        )
        if _after_for_the(text[:start], variants.get(name, ())):
            out.append((name, text[cursor:end] + ("" if next_is_prefix else text[end:following])))
            cursor = end
        elif next_is_prefix:
            cut = _cut(text[end:following], variants.get(name, ()), variants.get(spots[i + 1][2], ()))
            stop, cursor = (end + cut[0], end + cut[1]) if cut else (following, end)
            out.append((name, text[start:stop]))
        else:
            out.append((name, text[start:following]))
            cursor = following
    return out


def segment(
    text: str,
    line: Candidate,
    chosen: Sequence[Candidate],
    asked_about: bool,
    others: Sequence[Candidate] = (),
    variants: Mapping[str, Sequence[Candidate]] | None = None,
) -> str:
    """The part of the message about `line`, one of the `chosen` lines: "" when it is not mentioned.

    A message that names none of the chosen products is about the one just asked about (`asked_about`),
    and about no other, unless it names another line of the order (`others`): "the Desk Lamp should
    be silver", asked about the kettle, is not about the kettle. `variants` (product name -> its
    variants) tell where words about one item end and the next item's begin when that is unclear.
    """
    siblings = [c for c in chosen if c.name == line.name and c.item_id != line.item_id]
    if siblings:
        clauses = [c for c in _CLAUSE.split(text) if line.name.lower() in c.lower()]
        if len(clauses) > 1:
            scored = sorted(((_describes(c, line, siblings), i) for i, c in enumerate(clauses)), reverse=True)
            if scored[0][0] > 0 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
                return clauses[scored[0][1]]
    names = {c.name for c in chosen}
    known = known_words([*chosen, *others])
    spots = sorted((start, end, n) for n in names for start, end in _mentions(text, n, known))
    # "the Tea Kettle" mentions the Tea Kettle, not also the Electric Kettle by its last word
    spots = [
        (start, end, n)
        for start, end, n in spots
        if not any(a <= start and end <= b and b - a > end - start for a, b, _ in spots)
    ]
    if not spots:
        unchosen = {c.name for c in others} - names
        if any(_mentions(text, n, known) for n in unchosen):
            return ""
        return text if asked_about else ""
    described = {n: [*(variants or {}).get(n, ()), *(c for c in chosen if c.name == n)] for n in names}
    return " ".join(piece for n, piece in _pieces(text, spots, described) if n == line.name)


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
