"""Small talk: greeting, thanks, goodbye and chit-chat, from templates or phrased by the model.

The language model may phrase a greeting, thanks or goodbye, but its text is used only when
`relevant(kind, text)` accepts it: short, one or two sentences, with an expression that fits the
kind (a greeting word or an offer of help; "you're welcome", "glad", "my pleasure"; "bye", "take
care", "have a great day"), and none of the things a small-talk reply must never hold: condolences
or apologies, statements about itself ("I'm not a ...", "as an AI"), facts or promises (numbers,
money, orders, refunds, policies, shipping), links, or questions about personal data. Anything else
gets the template. Nothing here reads the store or decides anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from shopkeeper.flows.turn import Turn

__all__ = ["TEMPLATES", "Phrase", "model_phrase", "relevant", "small_talk"]

Phrase = Callable[[str, str], str | None]  # (customer's message, kind) -> the model's phrasing
TEMPLATES = {
    "greeting": "Hello! How can I help you today? I can look up orders, cancel or change pending orders, "
    "start returns and exchanges, and answer questions about products and our policies.",
    "thanks": "You're welcome! Is there anything else I can help you with?",
    "goodbye": "Thanks for contacting us. Have a great day!",
    "out_of_scope": "I'm the store's support assistant, so I can help with your orders, returns and exchanges, "
    "products and our store policies. What can I do for you?",
    "place_order": "I can't place new orders in chat, but I can help you find products; what are you looking for?",
}
_FITS = {
    "greeting": re.compile(
        r"\b(hi|hello|hey|welcome|greetings|good (morning|afternoon|evening|day))\b|"
        r"\bhow (can|may) i help\b|\bhelp you\b|\bassist you\b|\bwhat can i do for you\b",
        re.I,
    ),
    "thanks": re.compile(
        r"\byou'?re (very |most |so )?welcome\b|\bmy pleasure\b|\bglad\b|\bhappy to help\b|\banytime\b|"
        r"\bany time\b|\bno problem\b|\bpleasure\b",
        re.I,
    ),
    "goodbye": re.compile(
        r"\b(good)?-? ?bye\b|\btake care\b|\bhave a (great|good|nice|lovely|wonderful|fantastic) "
        r"(day|evening|weekend|one|night|time)\b|\bsee you\b|\bfarewell\b|\ball the best\b|\bgood night\b",
        re.I,
    ),
}
_OFF_TOPIC = re.compile(
    r"\bloss\b|condolence|sympath|passed away|rest in peace|\bgrie|\bsorry\b|apolog|unfortunately|"  # grief, regrets
    r"\bi'?m not\b|\bi am not\b|\bas an ai\b|\bai\b|language model|chatbot|\brobot\b|\bhuman\b|"  # about itself
    r"\bi can'?t\b|\bi cannot\b|\bunable\b|\bi don'?t\b|"
    r"\d|\$|€|£|%|\bprice|\bcost|\bmoney\b|\bpay|\brefund|\bcharge|\bfree\b|\bdiscount|\bcoupon|\bdeal\b|"  # money
    r"\border|\bpolic|\bguarantee|\bwarrant|\bship|\bdeliver|\breturn|\bexchange|\bcancel|\bdays\b|"  # facts
    r"\bpromise|\bi will\b|\bi'll\b|\bwe will\b|\bwe'll\b|\bcall\b|\bphone\b|"  # promises
    r"https?:|www\.|\.com\b|@|"  # links, addresses
    r"\bemail\b|\baddress\b|\bpassword\b|\bname\b|\bcard\b|\baccount\b|\bzip\b|\bbirthday\b|\bage\b|"  # personal data
    r"\blove\b|\bdear\b|\bhoney\b|\bsweet|\bbaby\b|\bkiss|"  # endearments
    r"\bcustomer|\bmessage|\breminder|\benjoy|\bmistake|\binconvenience|\bbusiness|\bsell",  # rambling
    re.I,
)
_OFFER_OF_HELP = re.compile(r"\bhelp\b|\bassist\b|\banything else\b|\bwhat can i do for you\b", re.I)


def relevant(kind: str, text: str) -> bool:
    """Whether the model's `text` is a fitting reply to a message of this `kind` (see the module docstring)."""
    text = text.strip()
    words = text.split()
    fits = _FITS.get(kind)
    if fits is None or not 2 <= len(words) <= 25 or len(text) > 160 or "\n" in text:
        return False
    if len(re.findall(r"[.!?](?:\s|$)", text)) > 2 or not re.match(r"[A-Z]", text):
        return False  # more than two sentences, or it starts mid-sentence
    if re.search(r"[^\x20-\x7e’]", text) or ":" in text:
        return False  # role markers ("User:"), emoji and stray symbols
    if max(words.count(w) for w in words) > 3:
        return False  # "no, no, no, no, ..."
    if "?" in text and not _OFFER_OF_HELP.search(text):
        return False  # the only question small talk may ask is how to help
    return bool(fits.search(text)) and not _OFF_TOPIC.search(text)


def small_talk(turn: Turn, kind: str, phrase: Phrase | None = None) -> None:
    """Greeting, thanks, goodbye, chit-chat. The model may phrase it, but never with facts or promises."""
    template = TEMPLATES.get(kind, TEMPLATES["out_of_scope"])
    if phrase is not None and kind in _FITS:
        try:
            text = phrase(turn.text, kind)
        except Exception:  # a failing model costs nothing but the phrasing
            text = None
        if text and relevant(kind, text):
            turn.say(text.strip())
            return
    turn.say(template)


_PROMPTS = {  # measured on the embedded model: the raw message alone was never relevant
    "greeting": "The customer greets you. Greet them back and ask how you can help.",
    "thanks": "The customer thanks you. Say you're welcome.",
    "goodbye": "The customer is leaving. Say goodbye and wish them a great day.",
}


def model_phrase(llm: Any) -> Phrase:
    """Small talk phrased by the language model `llm` (used only where `relevant` accepts it)."""
    from shopkeeper.llm.base import Completion, GenerationSettings, Message

    def phrase(text: str, kind: str) -> str | None:
        task = _PROMPTS.get(kind, "Reply politely.")
        messages = [
            Message(
                "system",
                f"You are a friendly online store support assistant. {task} Reply in one short sentence.",
            ),
            Message("user", text),
        ]
        for item in llm.stream(messages, GenerationSettings(max_tokens=32)):
            if isinstance(item, Completion):
                return str(item.text)
        return None

    return phrase
