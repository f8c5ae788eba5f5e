"""New variants asked for by comparison or exclusion, not by value: "bigger", "less bright", "a longer
one", "the cheapest", "not the black one".

Closed world: a comparison picks, among the product's actual variants, the option value next above or
below the original's on that option's own scale (numbers by their value: "25 ft" < "50 ft"; words by
a known order: low < medium < high, small < medium < large). Pure functions over candidates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shopkeeper.understanding.models import Candidate

__all__ = ["cheapest_wanted", "compared_request", "excluded_values"]

# Comparative word -> (direction, words that say which option, empty: any ordered option).
_COMPARATIVES: dict[str, tuple[int, tuple[str, ...]]] = {
    "bigger": (1, ("size", "capacity", "length", "diameter", "volume", "storage")),
    "larger": (1, ("size", "capacity", "length", "diameter", "volume", "storage")),
    "smaller": (-1, ("size", "capacity", "length", "diameter", "volume", "storage")),
    "longer": (1, ("length", "battery", "life", "cord")),
    "shorter": (-1, ("length", "cord")),
    "brighter": (1, ("brightness", "bright", "lumen")),
    "dimmer": (-1, ("brightness", "bright", "lumen")),
    "heavier": (1, ("weight",)),
    "lighter": (-1, ("weight",)),
    "more": (1, ()),
    "less": (-1, ()),
    "fewer": (-1, ()),
    "higher": (1, ()),
    "lower": (-1, ()),
}
_COMPARATIVE = re.compile(r"\b(" + "|".join(_COMPARATIVES) + r")\b(?:\s+(\w+))?", re.I)
_WORD_ORDER = [
    ("xs", "s", "m", "l", "xl", "xxl"),
    ("extra small", "small", "medium", "large", "extra large"),
    ("low", "medium", "high"),
    ("short", "medium", "long"),
    ("light", "medium", "heavy"),
    ("mini", "standard", "max"),
]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CHEAPEST = re.compile(
    r"\b(cheapest|least expensive|lowest price|cheaper|less expensive|lower price)\b", re.I
)
_NOT_VALUE = re.compile(
    r"\b(?:not|no|anything but|except)\s+(?:the\s+|a\s+|in\s+)?([\w -]+?)(?:\s+one)?\b(?=$|[,.;!?]|\s+(?:one|but|and|please))",
    re.I,
)


def _rank(value: str, values: Sequence[str]) -> float | None:
    """Where `value` stands on the scale of `values`: its number, or its place in a known word order."""
    numbers = [_NUMBER.search(v) for v in values]
    if all(numbers):
        m = _NUMBER.search(value)
        return float(m.group(0)) if m else None
    low = [v.lower() for v in values]
    for order in _WORD_ORDER:
        if all(v in order for v in low):
            return float(order.index(value.lower()))
    return None


def compared_request(text: str, original: Candidate, variants: Sequence[Candidate]) -> dict[str, str]:
    """The option value a comparison in `text` asks for ("bigger", "less bright"): the next value above
    or below the original's on one option of the product; empty when no comparison settles one."""
    for m in _COMPARATIVE.finditer(text):
        direction, hints = _COMPARATIVES[m.group(1).lower()]
        said = (m.group(2) or "").lower()
        found: dict[str, str] = {}
        for key, current in original.options.items():
            values = sorted({v.options[key] for v in variants if key in v.options} | {current})
            if len(values) < 2:
                continue
            scale = {v: _rank(v, values) for v in values}
            if any(r is None for r in scale.values()):
                continue
            words = f"{key} {' '.join(values)}".lower()
            named = (said and said[:5] in words) or any(h in words for h in hints)
            if not named and (hints or said):
                continue
            here = scale[current]
            assert here is not None
            steps = [v for v in values if (r := scale[v]) is not None and (r - here) * direction > 0]
            if steps:
                found[key] = min(steps, key=lambda v: abs((scale[v] or 0.0) - here))
        if len(found) == 1:
            return found
    return {}


def excluded_values(text: str, original: Candidate, variants: Sequence[Candidate]) -> dict[str, str]:
    """Option values the text rules out ("not the black one", "no white"): option name -> value."""
    out: dict[str, str] = {}
    for m in _NOT_VALUE.finditer(text):
        said = m.group(1).strip().lower()
        for c in [original, *variants]:
            for key, value in c.options.items():
                if value.lower() == said or value.lower() in said.split():
                    out[key] = value
    return out


def cheapest_wanted(text: str) -> bool:
    return bool(_CHEAPEST.search(text))
