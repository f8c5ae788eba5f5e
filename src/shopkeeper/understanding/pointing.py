"""The words that point back at something the conversation already holds ("it", "that one",
"they"), one pattern for each kind of thing pointed at.

The lists differ, and are kept side by side so that a change to one is weighed against the others:
a request's "cancel it", "return that one" points at the order the conversation was just about
(`AT_ORDER`: "it", "that one", "this order"; not "that" alone); a question's "how much was it again?" at whatever the conversation
is about (`AT_SUBJECT`); "when will it arrive?", "whats the tracking number?" at the order it is on,
for the facts only an order has (`AT_ORDER_FACT`); "does it come in red?", "are those in stock?",
"the blue ones" at the product in hand (`AT_PRODUCT`). ("it's" needs no word of its own: "it"
matches it.) Patterns only; `understanding.cues` and `understanding.questions` apply them.
"""

from __future__ import annotations

import re

__all__ = ["AT_ORDER", "AT_ORDER_FACT", "AT_PRODUCT", "AT_SUBJECT"]

AT_ORDER = re.compile(r"\b(?:it|that one|this one|that order|this order|the same order)\b", re.I)
AT_SUBJECT = re.compile(r"\b(?:it|its|that|this|they|them|those)\b", re.I)
AT_ORDER_FACT = re.compile(r"\b(?:it|its|that|they|them)\b|\btracking (?:number|no|id|code|info|link)", re.I)
AT_PRODUCT = re.compile(r"\b(?:it|its|this|that|they|them|these|those|there|ones?)\b", re.I)
