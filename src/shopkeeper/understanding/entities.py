"""Entity extraction by rules: order ids, emails, names, zip codes, addresses, payment references,
product and option mentions, cancellation reasons, yes/no (read by `confirmation`) and quantities.

`extract_entities(text, product_names=(), option_values=())` is pure and fast (regular expressions,
no model). Product and option mentions are only found against vocabularies the caller passes (what the
store sells, what the candidate items offer) plus a few generic patterns (colours, "size L", "16GB").
This module knows nothing about intents or the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from shopkeeper.understanding.addresses import ZIP_PATTERN, extract_address
from shopkeeper.understanding.confirmation import extract_confirmation
from shopkeeper.understanding.models import Entities, PersonName, Quantity
from shopkeeper.understanding.payments import extract_payment_methods
from shopkeeper.understanding.text import contains_phrase, head_words, norm_tokens, without_others

__all__ = [
    "extract_address",
    "extract_confirmation",
    "extract_entities",
    "extract_name",
    "extract_order_ids",
    "extract_payment_methods",
    "extract_quantity",
    "extract_reason",
    "named_as_reference",
]

# ---------------------------------------------------------------- ids, emails, zips

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b"
)  # any letters: "sophia.müller@…"
_W_ID = re.compile(r"(?<![A-Za-z0-9])#?\s?([Ww])\s?(\d{7})(?!\d)")
_GENERIC_ID = re.compile(
    r"\b(?:order|purchase|ord|confirmation|reference|ref)\s*(?:(?:number|no\.?|num|id|"
    r"#)\s*)?(?:is\s*)?[:#]?\s*"
    r"#?([A-Za-z]{0,3}-?\d[\dA-Za-z-]{2,}\d)\b",
    re.IGNORECASE,
)
_HASH_ID = re.compile(r"(?<![\w&])#(\d{4,})\b")
_ZIP_KEYWORD = re.compile(
    r"\b(?:zip|zipcode|zip code|postal code|postcode|post code)\s*(?:is|:|-)?\s*(\d{5}(?:-\d{4})?)\b", re.I
)


# An order named only as a reference for something else: "... 12 Elm St (same as #W3)", "the same
# address as on order #W3", "identical to #W3". "As for #W3, ..." names the order a request is about.
_REFERENCE = re.compile(
    r"\b(?:same(?:\s+\w+){0,2}?\s+as(?:\s+(?:the\s+)?one)?|identical\s+to|just\s+like|copied\s+from"
    r"|as\s+(?:on|in|with))\s+(?:(?:on|in|for|of|with)\s+)?(?:my\s+)?(?:other\s+)?"
    r"(?:(?:order|purchase)\s*(?:number|no\.?|id)?\s*)?#?\s*(?:[Ww]\s?-?)?$",
    re.I,
)


def named_as_reference(text: str, start: int) -> bool:
    """Whether the order id written at `start` is named only as a reference ("same as #W3")."""
    return _REFERENCE.search(text, max(0, start - 60), start) is not None


def extract_order_ids(text: str) -> list[str]:
    """Order ids in reading order: `#W1234567`/`W 1234567` normalised to `#W1234567`, then generic
    numbers introduced by order/purchase words or a `#`. An order named only as a reference ("the
    same address as #W3") is not among them: the request is never about it."""
    found: list[tuple[int, str]] = [(m.start(), f"#W{m.group(2)}") for m in _W_ID.finditer(text)]
    taken = [m.span() for m in _W_ID.finditer(text)]
    for pattern in (_GENERIC_ID, _HASH_ID):
        for m in pattern.finditer(text):
            start, end = m.span(1)
            if any(s <= start < e for s, e in taken):
                continue
            found.append((start, m.group(1)))
            taken.append((start, end))
    seen: list[str] = []
    for start, value in sorted(found):
        if value not in seen and not named_as_reference(text, start):
            seen.append(value)
    return seen


def extract_zip_codes(text: str, order_ids: Sequence[str] = ()) -> list[str]:
    zips = [m.group(1) for m in _ZIP_KEYWORD.finditer(text)]
    if not zips:
        digits_of_ids = {o.lstrip("#W") for o in order_ids}
        zips = [m.group(1) for m in ZIP_PATTERN.finditer(text) if m.group(1) not in digits_of_ids]
    return list(dict.fromkeys(zips))


# ---------------------------------------------------------------- names

_NOT_NAMES = {
    "looking",
    "trying",
    "having",
    "not",
    "just",
    "so",
    "very",
    "still",
    "sorry",
    "here",
    "back",
    "fine",
    "good",
    "interested",
    "unable",
    "going",
    "writing",
    "calling",
    "a",
    "an",
    "the",
    "new",
    "sure",
    "done",
    "in",
    "on",
    "wondering",
    "hoping",
    "afraid",
    "happy",
    "unhappy",
    "waiting",
    "getting",
    "also",
    "really",
    "contacting",
}
_NOT_BARE_NAMES = {"order", "number", "zip", "code", "postal", "suite", "apt", "unit", "my", "the", "item"}
_NAME_WORD = r"[A-Za-z][A-Za-z'\-]+"
_NAME_INTRO = re.compile(
    rf"\b(?:my name is|my name's|name is|name:|this is|i am|i'm|im|it's|it is|"
    rf"call me)\s+({_NAME_WORD})(?:\s+({_NAME_WORD}))?",
    re.IGNORECASE,
)
_FIRST_LAST = re.compile(
    rf"\bfirst name\s*(?:is|:)?\s*({_NAME_WORD}).{{0,20}}?\blast name\s*(?:is|:)?\s*({_NAME_WORD})", re.I
)
_NAME_THEN_ZIP = re.compile(  # at the start of the message or of a sentence: "Hi! Ana Silva, 02139"
    r"(?:^|[.!?]\s+)\s*([A-Z][a-z'\-]+)\s+([A-Z][a-z'\-]+)\s*,?\s*(?:zip\s*(?:code)?\s*:?\s*)?\d{5}\b"
)


def extract_name(text: str) -> PersonName | None:
    """A customer's own name: "my name is Ana Silva", "I'm Yusuf Rossi", "first name X, last name Y",
    or a bare "Ana Silva, 02139" opening the message or a sentence. After "I'm"/"this is" only
    capitalised words count as a name."""
    if m := _FIRST_LAST.search(text):
        return PersonName(first_name=m.group(1).title(), last_name=m.group(2).title())
    for m in _NAME_INTRO.finditer(text):
        intro = m.group(0).lower()
        explicit = "name" in intro or intro.startswith("call me")
        first, last = m.group(1), m.group(2)
        if first.lower() in _NOT_NAMES or (not explicit and not first[0].isupper()):
            continue
        if last and (
            last.lower() in _NOT_NAMES
            or (not explicit and not last[0].isupper())
            or last.lower() in {"and", "my", "zip", "with", "from", "email", "i", "please", "order"}
        ):
            last = None
        if not explicit and last is None:
            continue  # "I'm Sam" alone is too weak next to "I'm Upset"
        return PersonName(first_name=first.title(), last_name=last.title() if last else None)
    for m in _NAME_THEN_ZIP.finditer(text):
        if not {m.group(1).lower(), m.group(2).lower()} & _NOT_BARE_NAMES:
            return PersonName(first_name=m.group(1), last_name=m.group(2))
    return None


# ---------------------------------------------------------------- reasons, yes/no, quantities

_MISTAKE = re.compile(
    r"\b(by (?:mistake|accident)|mistakenly|accidental(?:ly)?|(?:was|were|is) a mistake|in error|"
    r"didn'?t mean to (?:order|buy|purchase)|(?:ordered|bought|picked|chose) the wrong|wrong (?:item|"
    r"order|product)|"
    r"ordered (?:it |them )?twice|duplicate order|misclick|clicked the wrong)\b",
    re.I,
)
_NOT_NEEDED = re.compile(
    r"\b(no longer (?:need|needed|want|wanted|require|required|necessary|use)|not needed|"
    r"don'?t need (?:it|them|this|that)?|"
    r"do not need|no need for|(?:don'?t|do not) want (?:it|them|this|that)? ?(?:any ?more)|changed my mind|"
    r"(?:any ?more|no longer) (?:useful|relevant)|won'?t (?:be )?need|found (?:a )?(?:it |"
    r"them )?(?:cheaper|better)|"
    r"not necessary any ?more|not interested any ?more)\b",
    re.I,
)


def extract_reason(text: str) -> str | None:
    """The two cancellation reasons a store records: 'ordered by mistake' or 'no longer needed'."""
    if _MISTAKE.search(text):
        return "ordered by mistake"
    if _NOT_NEEDED.search(text):
        return "no longer needed"
    return None


_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "a pair of": 2,
    "single": 1,
}
_EXCEPT = re.compile(
    r"\b(?:except|but not|apart from|other than|excluding|besides|save for|minus)\b|\b(?:all|"
    r"everything) but\b",
    re.I,
)
_ALL = re.compile(
    r"\b(all|everything|every (?:item|thing|product)|(?:the )?(?:whole|entire|full|complete) order|"
    r"all of (?:them|it))\b(?!\s+else)",
    re.I,
)
_BOTH = re.compile(r"\b(both|the two of them|the pair|each of them|either of them)\b", re.I)
_COUNT = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a pair of|single)\s+"
    r"(?:of (?:them|these|those|the)|items?|pieces?|units?|pairs?|of my)\b",
    re.I,
)


def extract_quantity(text: str) -> Quantity | None:
    """'all except ...', 'all', 'both' or a count ("two of them", "3 items")."""
    if _EXCEPT.search(text) and (_ALL.search(text) or re.search(r"\b(?:everything|all)\b", text, re.I)):
        return Quantity(kind="all_except")
    if _BOTH.search(text):
        return Quantity(kind="both", count=2)
    if _ALL.search(text):
        return Quantity(kind="all")
    if m := _COUNT.search(text):
        word = m.group(1).lower()
        return Quantity(kind="count", count=int(word) if word.isdigit() else _WORD_NUMBERS[word])
    return None


# ---------------------------------------------------------------- products and options

_COLORS = (
    "black",
    "white",
    "red",
    "blue",
    "green",
    "yellow",
    "orange",
    "purple",
    "pink",
    "brown",
    "grey",
    "silver",
    "gold",
    "beige",
    "navy",
    "teal",
    "rose gold",
    "space grey",
    "cream",
    "ivory",
    "charcoal",
)
_SIZE = re.compile(r"\bsize\s+([A-Za-z0-9.]{1,5})\b|\b(XXS|XS|XXL|XL|XXXL)\b", re.I)
_UNIT_VALUE = re.compile(
    r"\b\d+(?:\.\d+)?\s?(?:gb|tb|mb|ml|l|liters?|litres?|inch(?:es)?|in|mm|cm|ft|feet|mah|mp|w|x|"
    r"cups?|hours?|pieces?|piece|bar|lbs?|kg|degrees|k|p)\b(?!\w)",
    re.I,
)


def _vocab_mentions(text: str, vocab: Iterable[str]) -> list[str]:
    tokens = norm_tokens(text)
    return [v for v in dict.fromkeys(vocab) if v.strip() and contains_phrase(tokens, norm_tokens(v))]


def _product_mentions(text: str, names: Iterable[str]) -> list[str]:
    """Product names mentioned in full or by their head noun ("the keyboard" -> "Mechanical Keyboard")."""
    text_tokens, names = norm_tokens(text), list(dict.fromkeys(names))
    found = []
    for name in names:
        words, tokens = norm_tokens(name), without_others(text_tokens, name, names)
        if words and (
            contains_phrase(tokens, words)
            or any(len(head) > 2 and contains_phrase(tokens, [head]) for head in head_words(words))
        ):
            found.append(name)
    return found


def extract_option_values(text: str, vocabulary: Iterable[str] = ()) -> list[str]:
    """Option values mentioned: the caller's vocabulary (typo-tolerant), colours, sizes and unit values."""
    found = _vocab_mentions(text, vocabulary)
    found += _vocab_mentions(text, _COLORS)
    found += [(m.group(1) or m.group(2)) for m in _SIZE.finditer(text)]
    found += [" ".join(m.group(0).split()) for m in _UNIT_VALUE.finditer(text)]
    return list(dict.fromkeys(found))


def extract_entities(
    text: str, product_names: Iterable[str] = (), option_values: Iterable[str] = ()
) -> Entities:
    """Everything rules can read from one message."""
    order_ids = extract_order_ids(text)
    emails = list(dict.fromkeys(_EMAIL.findall(text)))
    no_emails = _EMAIL.sub(" ", text)
    address = extract_address(no_emails)
    zips = extract_zip_codes(no_emails, order_ids)
    if address and address.zip and address.zip not in zips:
        zips.append(address.zip)
    return Entities(
        order_ids=tuple(order_ids),
        emails=tuple(emails),
        name=extract_name(no_emails),
        zip_codes=tuple(zips),
        labelled_zip_codes=tuple(dict.fromkeys(m.group(1) for m in _ZIP_KEYWORD.finditer(no_emails))),
        address=address,
        payment_methods=tuple(extract_payment_methods(no_emails)),
        products=tuple(_product_mentions(text, product_names)),
        option_values=tuple(extract_option_values(text, option_values)),
        reason=extract_reason(text),
        confirmation=extract_confirmation(text),
        quantity=extract_quantity(text),
    )
