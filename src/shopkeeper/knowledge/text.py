"""Small text utilities shared by chunking, retrieval and answering: tokens, sentences, slugs, numbers.

The tokenizer lower-cases, drops English stop words and strips a few common suffixes so that "refunds",
"refunded" and "refund" meet in BM25 and in the support checks. Nothing here touches storage or models.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "STOPWORDS",
    "content_tokens",
    "expand_shorthand",
    "numbers",
    "sentences",
    "slugify",
    "stem",
    "tokenize",
]

_STOPWORD_TEXT = """a about above after again all also am an and any are as at be because been before
    being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves get got let may might must shall us ok okay please hi hello
    thanks thank many much"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9$])")
# Abbreviations whose period does not end a sentence ("before 2 p.m. Eastern Time").
_ABBREVIATION = re.compile(
    r"\b(?:[ap]\.m\.|e\.g\.|i\.e\.|etc\.|vs\.|approx\.|no\.|D\.C\.|U\.S\.|Mr\.|Mrs\.|Ms\.|Dr\.|St\.)"
)
_NUMBER = re.compile(r"\$?\d+(?:[.,]\d+)*%?")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "fourteen": "14", "thirty": "30", "sixty": "60", "ninety": "90",
}  # fmt: skip


# Chat shorthand in questions ("do u take paypal", "whats ur return policy"): an unknown word makes the
# answer gate stricter, so the words are written out before searching.
_SHORTHAND = {
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "wat": "what", "wats": "what is",
    "thx": "thanks", "ty": "thank you", "til": "until", "abt": "about", "bc": "because", "cuz": "because",
    "b4": "before", "w/": "with", "w/o": "without", "hw": "how", "shud": "should", "cud": "could",
    "whats": "what is", "hows": "how is", "wheres": "where is", "im": "i am", "dont": "do not",
    "cant": "cannot", "wont": "will not", "doesnt": "does not", "isnt": "is not",
}  # fmt: skip
_SHORTHAND_WORD = re.compile(
    r"(?<![\w/])(" + "|".join(re.escape(k) for k in _SHORTHAND) + r")(?![\w/])", re.I
)


def expand_shorthand(text: str) -> str:
    """`text` with chat shorthand written out ("do u ship" -> "do you ship")."""
    return _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(1).lower()], text)


def stem(word: str) -> str:
    """A deliberately light suffix stripper (no dictionary); idempotent enough for matching."""
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            if suffix == "es" and not word.endswith(("shes", "ches", "xes", "sses", "zes")):
                return word[:-1]
            base = word[: -len(suffix)] + keep
            if suffix in ("ing", "ed") and len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # "running" -> "run", "shipped" -> "ship"
            return base
    return word


def tokenize(text: str) -> list[str]:
    """Stemmed content tokens in order (stop words removed)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    out = []
    for w in words:
        w = w.split("'", 1)[0]
        if w and w not in STOPWORDS:
            out.append(stem(w))
    return out


def content_tokens(text: str) -> set[str]:
    return set(tokenize(text))


def sentences(text: str) -> list[str]:
    """Split a paragraph-joined text into sentences (paragraph breaks always end a sentence)."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = _ABBREVIATION.sub(lambda m: m.group(0).replace(".", "\x00"), " ".join(para.split()))
        if para:
            out.extend(s.strip().replace("\x00", ".") for s in _SENTENCE_END.split(para) if s.strip())
    return out


def numbers(text: str) -> set[str]:
    """Numbers mentioned in a text, normalised ("$1,000.00" -> "1000", "seven" -> "7")."""
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.strip("$%").replace(",", "")
        if value.endswith(".00"):
            value = value[:-3]
        found.add(value.rstrip("."))
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
    return found


def slugify(text: str, max_length: int = 80) -> str:
    """URL-safe lower-case slug ("Refunds & timing" -> "refunds-timing")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "section"
