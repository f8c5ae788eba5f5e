"""Item mentions beyond the product's own name: everyday nicknames ("bag" for a backpack, "phone" for a
smartphone) and things listed beside named items that are none of them ("the lamp and the toaster").

Closed world: both are judged against the candidates the caller passes (the order's lines). A
nickname counts only when no candidate has that word in its own name ("bag" means the backpack
unless the order also holds a sleeping bag). Pure functions; nothing here reads a store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz.distance import OSA

from shopkeeper.understanding.models import Candidate
from shopkeeper.understanding.reply_words import cue_phrases
from shopkeeper.understanding.text import norm_tokens, words_match

__all__ = ["nickname_named", "unmatched_mentions"]

# A word customers use -> words of product names it may stand for.
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "bag": ("backpack", "daypack", "duffel", "luggage"),
    "pack": ("backpack", "daypack"),
    "rucksack": ("backpack", "daypack"),
    "phone": ("smartphone",),
    "cellphone": ("smartphone",),
    "smartphone": ("phone",),
    "headset": ("headphone",),
    "headphone": ("earbud",),
    "earphone": ("earbud", "headphone"),
    "bud": ("earbud",),
    "bike": ("bicycle",),
    "charger": ("charger", "bank"),
    "vacuum": ("cleaner",),
    "sneaker": ("shoe",),
    "trainer": ("shoe", "sneaker"),
    "shoe": ("sneaker",),
    "shade": ("sunglass",),
    "glass": ("sunglass",),
    "suitcase": ("luggage",),
    "watch": ("smartwatch", "wristwatch"),
    "shirt": ("tshirt",),
    "kettle": ("kettle",),
    "light": ("lamp", "headlamp"),
    "pan": ("skillet",),
    "knife": ("knife",),
    "jacket": ("pullover", "fleece"),
    "sweater": ("pullover",),
    "hoodie": ("pullover",),
}
_EMAIL = re.compile(r"\S+@\S+")
_IDENTITY = re.compile(r"\b(?:name|zip|postal|email)\b", re.I)
_DETERMINERS = {"the", "my", "a", "an", "both", "also", "this", "that", "those", "these", "our", "one"}
_OPENERS = {"what", "whats", "about", "how", "oh", "wait", "also", "or"}
_JOINERS = re.compile(r"\s*(?:,\s*(?:and\s+)?|\band\b|&|\bplus\b|\bas well as\b)\s*", re.I)
_STOP = re.compile(
    r"\b(?:for|to|in|into|from|with|because|since|as|on|at|of|please|thanks|which|that|it|i|i'd|i'm"
    r"|is|are|was|were|instead|but|so|then|back|too|they|we|he|she|you|dont|don't|doesn't|didn't)\b|[.!?;:]",
    re.I,
)
_GENERIC = {
    "one",
    "item",
    "thing",
    "stuff",
    "rest",
    "other",
    "order",
    "refund",
    "money",
    "payment",
    "card",
    "address",
    "exchange",
    "return",
    "everything",
    "all",
    "them",
    "price",
    "difference",
    "original",
    "method",
    "same",
    "new",
    "another",
    "color",
    "colour",
    "size",
    "option",
    "version",
    "model",
    "time",
    "way",
    "help",
    "cancel",
    "change",
    "replace",
    "swap",
}

# Words that name no product: greetings, acknowledgements, hedges, payment words, request verbs,
# identity details, the words that open a question ("can i return that").
_FILLER = frozenset(
    re.split(
        r"\s+",
        """hi hello hey hiya yo there sorry maybe nah yeah yes yep yup nope okay sure hmm umm uhh well
    actually wait please thank thanks cheer great fine cool good just also anyway like want need
    use using pay paid put charge charged make get keep send settle bill diff difference balance
    visa mastercard amex discover paypal gift credit debit ending last four bank account
    refund exchange return swap change switch replace modify cancel update instead rather
    name its email zip code postal number wanna gonna gotta lemme pls plz
    can could would will should shall may might must do does did have has what whats how where when why who about
    you your""",
    )
)


def _names(c: Candidate) -> list[str]:
    return norm_tokens(c.name)


def nickname_named(tokens: Sequence[str], name: str, candidates: Sequence[Candidate]) -> bool:
    """Whether a nickname among `tokens` stands for the product `name`, no candidate having the
    nickname in its own name."""
    own = {w for c in candidates for w in _names(c)}
    words = norm_tokens(name)
    for t in tokens:
        if t in own or t not in _NICKNAMES:
            continue
        if any(words_match(n, w) or w.startswith(n) for n in _NICKNAMES[t] for w in words):
            return True
    return False


def _mentions_candidate(words: Sequence[str], candidates: Sequence[Candidate]) -> bool:
    for c in candidates:
        vocab = [*_names(c), *(w for v in c.options.values() for w in norm_tokens(v))]
        if any(words_match(w, v) for w in words for v in vocab):
            return True
        if nickname_named(words, c.name, candidates):
            return True
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'-]*", text)


def _phrase(piece: str, first: bool) -> str:
    """The item phrase of one listed piece: in the first, the words after its last stop word and last
    determiner ("I'd like to return my hose" -> "hose"); later, the words before the first stop word."""
    if first:
        words = _words(_STOP.split(piece)[-1])
        cut = max((k + 1 for k, w in enumerate(words) if w.lower() in _DETERMINERS), default=0)
        words = words[cut:][-3:]
    else:
        words = _words(_STOP.split(piece)[0])
        while words and (words[0].lower() in _DETERMINERS or words[0].lower() in _OPENERS):
            words = words[1:]  # "..., and what about the toaster": the toaster
        words = words[:3]
    return " ".join(w for w in words if w.lower() not in _GENERIC and w.lower() not in _DETERMINERS)


def _option_words(candidates: Sequence[Candidate]) -> set[str]:
    return {w for c in candidates for k, v in c.options.items() for w in norm_tokens(f"{k} {v}")}


def _looks_like_product(words: Sequence[str], option_words: set[str]) -> bool:
    """Whether a listed phrase may name a product: some word of it is neither conversation filler
    ("sorry", "nah", "hi there"), a payment word ("use mastercard", "diff") nor a word of an option name
    or value of the products' variants ("ventilation low", "strap material mteal", "capsule")."""
    return any(w not in _FILLER and not any(_option_word(w, o) for o in option_words) for w in words)


def _option_word(word: str, option: str) -> bool:
    """`word` is `option`, or a short misspelling of it ("hurs" for hours)."""
    if words_match(word, option):
        return True
    return len(word) >= 3 and word[0] == option[0] and OSA.distance(word, option, score_cutoff=1) <= 1


def _reply_only(piece: str) -> bool:
    """A piece made only of reply words ("Sounds good", "that's right", "go ahead"): it names nothing."""
    classes = [c for _, c in cue_phrases(piece) if c != "P"]
    return bool(classes) and all(c in ("Y", "N", "H", "F") for c in classes)


def unmatched_mentions(
    text: str, candidates: Sequence[Candidate], variants: Sequence[Candidate] = ()
) -> list[str]:
    """Things listed together with an item the text names ("the lamp and the toaster", "my hose, the
    bag and the kite") that are none of `candidates`, as written ("toaster", "kite"). A phrase made
    only of option names and values of `candidates` and `variants` (other variants of their products),
    of filler or of payment words names no product, so it is never reported; each phrase once."""
    pieces = _JOINERS.split(_EMAIL.sub(" ", text))
    if len(pieces) < 2:
        return []
    option_words = _option_words([*candidates, *variants])
    listed = []
    for k, piece in enumerate(pieces):
        if _IDENTITY.search(piece) or _reply_only(piece):  # "my name is Ana Lee, zip 80218": no product
            continue
        phrase = _phrase(piece, k == 0)
        norm = [w for w in norm_tokens(phrase) if len(w) > 2]
        listed.append((phrase.lower(), norm, bool(norm) and _mentions_candidate(norm, candidates)))
    if not any(found for _, _, found in listed):
        return []
    out: list[str] = []
    for phrase, norm, found in listed:
        if norm and not found and _looks_like_product(norm, option_words) and phrase not in out:
            out.append(phrase)
    return out
