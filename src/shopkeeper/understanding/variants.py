"""The variant a customer asks for: "exchange it for the black one in size 10", "the sunglasses as
black", "from clicky to linear", "bigger", "the cheapest", "not the black one", resolved against the
original item and its product's variants (comparisons and exclusions: `comparisons.py`).

Pure functions over candidates the caller passes; option values are found as `references` finds
them (typo-tolerant, short values only next to their option name).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from shopkeeper.understanding.comparisons import cheapest_wanted, compared_request, excluded_values
from shopkeeper.understanding.models import Candidate, VariantResolution
from shopkeeper.understanding.named_options import bare_value_typos, named_option_values
from shopkeeper.understanding.references import option_mentions
from shopkeeper.understanding.text import find_phrase, norm_tokens

__all__ = ["resolve_variant"]

_TARGET = re.compile(r"\b(?:for|to|with|into|instead)\b", re.I)
_INSTEAD_OF = re.compile(r"\binstead of\b[^,.;!?]*?(?=\bfor\b|[,.;!?]|$)", re.I)


def _keys_named_near(tokens: list[str], value: str, keys: list[str]) -> list[str]:
    """Of several option names sharing a value, those whose own words stand closest to it: up to three
    words before ("frame color black") or right after ("brown lenses")."""
    shared = set.intersection(*(set(norm_tokens(k)) for k in keys))
    own = {k: set(norm_tokens(k)) - shared for k in keys}
    hits = find_phrase(tokens, norm_tokens(value))
    size = len(norm_tokens(value))
    distance: dict[str, int] = {}
    for k in keys:
        for p in hits:
            for d in range(1, 4):
                if p - d >= 0 and tokens[p - d] in own[k]:
                    distance[k] = min(distance.get(k, 9), d)
            if p + size < len(tokens) and tokens[p + size] in own[k]:
                distance[k] = min(distance.get(k, 9), 1)
    if not distance:
        return []
    best = min(distance.values())
    return [k for k in keys if distance.get(k) == best]


def _requested(text: str, original: Candidate, variants: Sequence[Candidate]) -> dict[str, str]:
    """Option values the customer asks for, one per option name."""
    text = _INSTEAD_OF.sub(" ", text)
    segments = [text[m.end() :] for m in _TARGET.finditer(text)] + [text]
    mentioned: dict[str, dict[str, int]] = {}
    for segment in segments:
        # The words are about this item's new variant: "2000" or "S" said alone is a value.
        said = option_mentions(segment, [original, *variants], loose=True)
        mentioned = mentioned or said
        if any(v != original.options.get(k) for k, values in said.items() for v in values):
            # the first part that asks for something new; one that only repeats the item's own options
            # describes it ("size S and medium for the helmet (L, black)"): the words before it ask
            mentioned = said
            break
    named, _ = named_option_values(text, [original, *variants])  # "color wite": white
    mentioned = {**named, **mentioned}
    if not mentioned:
        return {}
    tokens = norm_tokens(text)
    # One value under several option names ("black" frame / lens): the name said nearby wins, else the
    # options where it would be a change.
    by_value: dict[str, list[str]] = {}
    for key, values in mentioned.items():
        for value in values:
            by_value.setdefault(value, []).append(key)
    for value, keys in by_value.items():
        if len(keys) < 2:
            continue
        near = _keys_named_near(tokens, value, keys)
        changing = [k for k in keys if original.options.get(k) != value]
        keep = near or changing or keys[:1]
        for k in keys:
            if k not in keep:
                mentioned[k].pop(value, None)
    request: dict[str, str] = {}
    for key, values in mentioned.items():
        if not values:
            continue
        changes = {v: p for v, p in values.items() if v != original.options.get(key)}
        pick = changes or values
        request[key] = max(pick, key=lambda v: pick[v])  # the value said last ("from clicky to linear")
    return request


def _one_reading(
    request: dict[str, str], original: Candidate, available: Sequence[Candidate]
) -> dict[str, str]:
    """'the sunglasses as black' with a brown frame and brown lenses: black may be either. When the
    request as a whole has no variant but exactly one reading (one option per shared value) has a
    variant that keeps everything else, that reading is meant."""
    keys_of: dict[str, list[str]] = {}
    for key, value in request.items():
        keys_of.setdefault(value, []).append(key)
    shared = {value: keys for value, keys in keys_of.items() if len(keys) > 1}

    def exists(reading: dict[str, str]) -> bool:
        wanted = {**{k: v for k, v in original.options.items() if k not in reading}, **reading}
        return any(all(c.options.get(k) == v for k, v in wanted.items()) for c in available)

    if not shared or exists(request):
        return request
    readings = []
    for choice in itertools.product(*shared.values()):
        reading = {k: v for k, v in request.items() if v not in shared or k in choice}
        if exists(reading):
            readings.append(reading)
    return readings[0] if len(readings) == 1 else request


_FALLBACK = re.compile(
    r"\bif\s+(?:there\s+(?:is|are)|there's|you\s+have|they\s+have|it\s+has)?\s*(?:no|not\s+any|none)\s+"
    r"(?P<cond>[^,;.!?]+?)(?:\s+ones?)?(?:\s*[,;]\s*|\s+then\s+)(?:then\s+|just\s+|otherwise\s+)?"
    r"(?P<alt>[^.;!?]+)",
    re.I,
)
_IF_NOT = re.compile(
    r"\b(?:if\s+not|otherwise|failing\s+that|if\s+you\s+can't)\s*,?\s*(?P<alt>[^.;!?]+)", re.I
)


def resolve_variant(text: str, original: Candidate, variants: Sequence[Candidate]) -> VariantResolution:
    """The available variant of the original's product that has the options the text asks for, keeping
    the original's other options where possible. `exact` when every requested value is matched.

    A preference with a fallback ("a clicky one; if there is no clicky one, no backlight") is tried
    as preferred first; when that has no exact available variant, the fallback is resolved instead."""
    m = _FALLBACK.search(text) or _IF_NOT.search(text)
    if m is not None:
        cond = m.groupdict().get("cond") or ""
        preferred = _resolve(f"{text[: m.start()]} {cond}", original, variants)
        if preferred.item_id is not None and preferred.exact:
            return preferred
        fallback = _resolve(m.group("alt"), original, variants)
        return fallback if fallback.item_id is not None else preferred
    return _resolve(text, original, variants)


def _resolve(text: str, original: Candidate, variants: Sequence[Candidate]) -> VariantResolution:
    same = [v for v in variants if original.product_id is None or v.product_id in (None, original.product_id)]
    excluded = excluded_values(text, original, same)  # "not the black one" asks for anything but black
    request = {k: v for k, v in _requested(text, original, same).items() if excluded.get(k) != v}
    request = request or compared_request(text, original, same)  # "bigger", "less bright"
    cheapest = cheapest_wanted(text)
    unread = {k: v for k, v in named_option_values(text, [original, *same])[1].items() if k not in request}
    # "the Apple HomeKit and back one": a value said bare with a typo is read, and said to be read
    typos, unsure = bare_value_typos(text, [original, *same], [*request, *excluded, *unread])
    unread = {**unsure, **unread}
    if unread:  # "color wyte": not read as keeping the colour, whatever else was asked
        return VariantResolution(requested=request, unread=unread, reason="option value not found")
    request = {**{k: value for k, (_, value) in typos.items()}, **request}
    guessed = {said: value for said, value in typos.values()}
    if not (request or excluded or cheapest):
        return VariantResolution(reason="no option mentioned")
    if request and all(original.options.get(k) == v for k, v in request.items()):
        # "the skateboard in 34 inch" says which item, not what instead: nothing to change to yet.
        return VariantResolution(requested=request, reason="only the original's options mentioned")

    request = _one_reading(request, original, [v for v in same if v.available is not False])

    def score(v: Candidate) -> tuple[int, int]:
        hits = sum(1 for k, val in request.items() if v.options.get(k) == val)
        kept = sum(1 for k, val in original.options.items() if k not in request and v.options.get(k) == val)
        return hits, kept

    others = [v for v in same if v.item_id != original.item_id]
    others = [v for v in others if not any(v.options.get(k) == x for k, x in excluded.items())]
    available = [v for v in others if v.available is not False]
    if not others:
        return VariantResolution(requested=request, reason="no other variant")
    if cheapest and available:  # "the cheapest": of the best fits, the lowest price
        top = max(score(v)[0] for v in available)
        available = [v for v in available if score(v)[0] == top]
        low = min(v.price_cents or 0 for v in available)
        available = [v for v in available if (v.price_cents or 0) == low]
    best = max(available, key=score) if available else None
    exact_any = [v for v in others if score(v)[0] == len(request)]
    if best is None or score(best)[0] < len(request):
        if exact_any and best is not None and not any(v.available is not False for v in exact_any):
            return VariantResolution(requested=request, reason="requested variant is not available")
        if best is None:
            return VariantResolution(requested=request, reason="no available variant")
        exact, reason = False, "closest available variant"
    else:
        exact, reason = True, "match"
    changed = tuple(k for k, v in original.options.items() if k not in request and best.options.get(k) != v)
    return VariantResolution(
        item_id=best.item_id,
        options=dict(best.options),
        requested=request,
        exact=exact,
        available=True,
        other_changes=changed,
        guessed=guessed,
        reason=reason,
    )
