"""Which parts of a message ask something: `question_clauses(text) -> tuple[str, ...]`.

A clause is a question when it ends with a question mark, opens with a question word or an inverted
verb ("how long ...", "do you ...", "is there ..."), or opens with a way of asking ("I'd like to
know ...", "I wonder ...", "tell me ..."). Clauses are split at sentence ends and where a new clause
starts a question inside a sentence ("cancel my order - and how long do refunds take?"). Whether a
question is really a request ("can you cancel my order?") is not decided here: the flows weigh that
against the intents read from the same words. Pure functions over text; nothing here knows the store.
"""

from __future__ import annotations

import re

__all__ = ["question_clauses"]

_WH = r"how|what|what's|whats|where|where's|when|which|who|whom|whose|why|is|are|was|were|do|does|did|can|could|will|would|should|may|might|have|has|any"
# Without a question mark, only these open a question: "any difference can go on PayPal" and "should
# arrive soon" are statements.
_WH_PLAIN = r"how|what|what's|whats|where|where's|when|which|why|is|are|do|does|did|can|could|will|would"
# After a comma, a relative pronoun continues the sentence ("order #W1, which hasn't shipped yet, ...").
_WH_AFTER_COMMA = r"how|what|what's|whats|when|why|is|are|do|does|did|can|could|will|would"
_ASKING = (
    r"i(?:'d| would) like to know|i want to know|i wonder|i was wondering|wondering|tell me|"
    r"can you tell me|could you tell me|do you know|any idea|i need to know|please tell me"
)
# Words a question may open with before its question word: "actually whats the cheapest ...", "um where is it"
_LEAD = (
    r"^(?:(?:so|and|also|but|oh|ok|okay|btw|hi|hello|hey|actually|wait|well|um+|uh+|hm+|oops|right|cool|"
    r"great|thanks|thx|ty|sorry|one more thing|quick question|last thing),?\s+)*"
)
_OPENS_PLAIN_QUESTION = re.compile(rf"{_LEAD}(?:{_ASKING}|(?:{_WH_PLAIN})\b)", re.I)
# Sentence ends, and a new clause that starts a question: "- and how ...", "; what ...", ", also where ...".
_SPLIT = re.compile(
    rf"(?<=[.!?])\s+|\s*(?:\s[-–—]\s|;)\s*(?:and\s+|also\s+|but\s+|plus\s+)?(?=(?:{_WH}|{_ASKING})\b)"
    rf"|\s*,\s*(?:and\s+|also\s+|but\s+|plus\s+)?(?=(?:{_WH_AFTER_COMMA}|{_ASKING})\b)"
    rf"|\s+(?:and|also|plus)\s+(?=(?:how|what|where|when|which|why)\b)"
    # "where is my order and can you change its address": a request after a question is a clause
    rf"|\s+and\s+(?:also\s+)?(?=(?:can|could|would|will)\s+(?:you|i|u)\b)",
    re.I,
)
_MIN_WORDS = 2


def _clauses(text: str) -> list[str]:
    return [c.strip(" ,;-–—") for c in _SPLIT.split(text) if c and c.strip(" ,;-–—")]


def question_clauses(text: str) -> tuple[str, ...]:
    """The clauses of `text` that ask something, in order, verbatim (less joining punctuation)."""
    out = []
    for clause in _clauses(text.strip()):
        if len(clause.split()) < _MIN_WORDS:
            continue
        if clause.endswith("?") or _OPENS_PLAIN_QUESTION.match(clause):
            out.append(clause)
    return tuple(out)
