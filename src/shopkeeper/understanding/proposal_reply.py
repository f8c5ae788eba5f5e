"""A whole reply to a pending proposal: the answer (`confirmation.read_reply`) and what rides along.

`read_proposal_reply(text, proposal="") -> ReplyReading` is what `understand` reports as `reply`.
Besides the answer it tells the flows:

- `aside`: a question that follows a clear yes and is clearly about something else, so the yes
  stands and the question is answered too ("Yes please. Quick question: do you ship to Canada?",
  "That's right, go ahead. By the way, what's your return window?"). It is separate only when it
  comes after the yes, opens as a question (after an optional "by the way", "quick question" ...),
  ends with a question mark, and holds no word that could be about the proposal: no word of the
  proposal's summary (its items, options, order, payment; an action word only as the store's own
  "your return policy"), no pronoun pointing back ("is that the blue one?"), nothing about the
  customer ("will I be charged?"), money or the order ("how much is the refund?", "which order?"),
  no number, and no negation, hedge, condition, second thought or correction. Anything else keeps
  the reply from being a yes, exactly as `read_reply` says.
- `adds`: the reply says something is missing from the proposal ("no, the backpack is missing",
  "you forgot the lamp", "the kettle too"): what it names is added to what was proposed, not put
  in its place.
- `withdrawn`: the customer drops the request ("never mind", "nvm", "forget it", "don't").
- `closing`: a reply that is no answer or a plain no, with a part that closes the conversation
  ("never mind, that's all", "no, that's everything", "bye"); never a correction ("only the lamp,
  that's it") or a question.

Pure functions over text; nothing here knows the flows or the store.
"""

from __future__ import annotations

import re

from shopkeeper.understanding.confirmation import cue_phrases, read_reply
from shopkeeper.understanding.models import ReplyReading
from shopkeeper.understanding.small_talk import read_small_talk

__all__ = ["only_withdraws", "read_proposal_reply"]

# What may open a separate question, before its question word: discourse markers, nothing else.
_INTRODUCERS = (
    r"by the way|btw|quick question|one question|a question|another question|one more question|"
    r"one more thing|another thing|random question|side question|unrelated question|unrelated|"
    r"separately|on another note|out of curiosity|just curious|also|oh and|and|oh|question"
)
_OPENERS = r"what|what's|whats|how|how's|where|where's|when|which|who|do|does|is|are|can|could|will|would"
_QUESTION_START = re.compile(rf"^(?:(?:{_INTRODUCERS})\s*[,:;.!-]*\s*)*(?:{_OPENERS})\b", re.IGNORECASE)
# A question about how long things take, which no answer can change: asked after a yes, the yes stands.
_HOW_SOON = re.compile(
    rf"^(?:(?:{_INTRODUCERS})\s*[,:;.!-]*\s*)*(?:how long|how soon|how many (?:business )?days)\b",
    re.IGNORECASE,
)
# A place where the question may start: after a sentence mark, a comma or a colon, or after a
# marker that introduces it ("yep quick question: ...").
_BOUNDARY = re.compile(rf"[.!,;:]+\s*|\s+(?=(?:{_INTRODUCERS})\b)", re.IGNORECASE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that point back at the proposal: "how long will it take?" asks about this change.
_POINTERS = _words("it it's its that that's this these those them they they're one ones same mine my")


# Words that point back at the proposal, at the customer, or at money and the order.
_ABOUT_PROPOSAL = _words(
    """
    it it's its that that's thats this these those them they they're one ones same
    i i'm im i'll ill i'd id i've ive me my mine myself we we're us our
    order orders item items request change changes refund refunded refunds charge charged charges cost
    costs price prices pay paid payment fee fees money amount much total difference balance tax card
    email instructions label back exactly sure right correct wrong ok okay yes no
    """
)
# Words of a reaction to the proposal rather than a question of its own: "what do you mean?", "how
# come?", "is there a catch?". A separate question needs a word of its own besides these.
_REACTION = _words(
    """
    what what's whats how how's where where's when which who do does is are can could will would there
    come mean meant happen happens happened next catch else about true really seriously so then now
    you you're your ask asking say said think the a an to for of in on at with and
    """
)
_BLOCKING = frozenset("YNHCQTX")
# After "your", these words ask about the store's policy: "what's your return window?"
_STORE_POLICY = _words(
    "return returns refund refunds exchange exchanges cancellation shipping delivery warranty"
)
_ADDS = re.compile(
    r"\b(?:(?:is|are|was|were)\s+missing|missing|(?:you\s+)?forgot|forgotten|left\s+out|leave\s+out|"
    r"(?:you\s+)?missed|(?:is|are)n'?t\s+(?:included|there|in\s+it|in\s+there)|not\s+included|"
    r"as\s+well|too|also|add|plus|include)\b",
    re.IGNORECASE,
)
# Phrases that drop a request: "never mind", "forget it", "leave it", "no thanks", "forget the return".
_REQUEST = r"(?:return|exchange|swap|cancell?ation|change|modification|refund|request|whole\s+thing)s?"
_DROP = (
    r"never\s*mind|nvm|forget\s+(?:it|about\s+it|that)|scratch\s+that|drop\s+it|leave\s+it|no\s+thanks?"
    rf"|no\s+thank\s+you|(?:forget|forget\s+about|drop|scrap|skip|scratch)\s+(?:the|this|that|my)\s+{_REQUEST}"
)
_WITHDRAWN = re.compile(rf"\b(?:{_DROP}|don'?t|do\s+not|stop)\b", re.IGNORECASE)
# A message that only drops the request ("nah leave it", "never mind then, thanks"): nothing else said.
_ONLY_WITHDRAWAL = re.compile(
    r"^\W*(?:(?:oh|ok|okay|hmm|ah|nah|no|nope|actually|um|uh|wait|sorry)\W+)*"
    rf"(?:{_DROP}|forget\s+this|just\s+leave\s+it|don'?t\s+bother|skip\s+it|not\s+anymore|i\s+changed\s+my\s+mind)"
    r"(?:\W+(?:then|thanks?|thank\s+you|thx|ty|pls|please|for\s+now|i\s+guess|it'?s\s+fine|ok|okay|sorry"
    r"|anyway))*\W*$",
    re.IGNORECASE,
)


def only_withdraws(text: str) -> bool:
    """Whether `text` does nothing but drop the request ("never mind", "nah leave it", "dont bother")."""
    return bool(_ONLY_WITHDRAWAL.match(text))


_PARTS = re.compile(r"[.!?;,:]+\s*|\s+-\s+")


def _content_words(proposal: str) -> frozenset[str]:
    """The words of the proposal's summary that are about it: everything but cue and filler words."""
    return frozenset(w for w, cls in cue_phrases(proposal) if cls == "" and len(w) > 1)


def _separate(question: str, proposal: str) -> bool:
    """Whether `question` (the tail of a reply) is clearly about something other than the proposal."""
    text = question.strip()
    if not text.endswith("?") or not _QUESTION_START.match(text) or re.search(r"\d", text):
        return False
    if _HOW_SOON.match(text) and not _POINTERS & set(re.findall(r"[a-z']+", text.lower())):
        return True  # "btw how long do refunds usually take?" (not "how long will it take?"): when, not what
    about = _content_words(proposal)
    stems = {w[:5] for w in about if len(w) >= 5}
    words = [(w, cls) for w, cls in cue_phrases(_QUESTION_START.sub(_opener, text, count=1))]
    if len(words) > 1 and words[0][0] in ("can", "could", "would", "will") and words[1][0] == "you":
        return False  # "could you ship it faster?" asks for something to be done, maybe to this order
    if not any(cls in ("", "F") and len(w) > 2 and w not in _REACTION for w, cls in words):
        return False  # "yes. why?", "yes. what do you mean?": about the proposal
    previous = ""
    for word, cls in words:
        if cls == "P" and word == "?":
            previous = word
            continue
        if previous == "your" and word in _STORE_POLICY:  # the store's policy, not this proposal
            previous = word
            continue
        if cls in _BLOCKING or any(
            w in _ABOUT_PROPOSAL or w.rstrip("s") in _ABOUT_PROPOSAL for w in word.split()
        ):
            return False
        if word in about or (len(word) >= 5 and word[:5] in stems):
            return False
        previous = word
    return True


def _opener(match: re.Match[str]) -> str:
    """The question's opening without its introducer ("by the way, what's" -> "what's")."""
    return match.group(0).split()[-1].strip(",:;.!-")


def _aside(text: str, proposal: str) -> str:
    """The separate question that follows a clear yes, or "" (see the module docstring)."""
    for boundary in _BOUNDARY.finditer(text):
        head, tail = text[: boundary.end()], text[boundary.end() :]  # "yes..." keeps its hesitation
        if not head.strip() or not tail.strip():
            continue
        if _separate(tail, proposal) and read_reply(head, proposal).answer == "yes":
            return tail.strip()
    return ""


def _before_aside(text: str, proposal: str) -> str:
    """The words before a separate question that ends the reply ("no, the watch is missing by the way,
    what's your return window?"), or "" when there is none."""
    for boundary in _BOUNDARY.finditer(text):
        head, tail = text[: boundary.end()], text[boundary.end() :]
        if head.strip() and tail.strip() and _separate(tail, proposal):
            return head
    return ""


def _closing(text: str) -> bool:
    return any(read_small_talk(part) == "goodbye" for part in _PARTS.split(text) if part.strip())


def read_proposal_reply(text: str, proposal: str = "") -> ReplyReading:
    """Read `text` as a reply to the proposal summarised by `proposal` (see the module docstring)."""
    reading = read_reply(text, proposal)
    if reading.answer != "yes" and "?" in text and (aside := _aside(text, proposal)):
        return ReplyReading(answer="yes", reason="affirmative, with a separate question", aside=aside)
    # a question about something else ends a "no" or a correction: the words before it answer
    head = _before_aside(text, proposal) if reading.reason == "question" else ""
    if head and (before := read_reply(head, proposal)).answer in ("no", "change"):
        text, reading = head, before
    if reading.answer == "yes":
        return reading
    return reading.model_copy(
        update={
            "adds": reading.answer == "change" and bool(_ADDS.search(text)),
            "withdrawn": reading.answer == "no" and bool(_WITHDRAWN.search(text)),
            "closing": reading.answer in ("no", "unclear")
            and reading.reason != "question"
            and _closing(text),
        }
    )
