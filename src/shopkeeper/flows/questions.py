"""Questions in a message: which ones are really requests, and answering the rest.

The understanding layer lists the clauses that ask something (`Understanding.questions`). `split`
weighs each against the intents read from the same words: "can you cancel my order?" or "how do I
return the lamp?" is a request and stays one; "what's the tracking number for #W1234567?" or "how
much would I get back if I return the lamp?" is a question, and the request the classifier read in
it is dropped, so a question never starts a change. `answer` answers each question, in order, from
the first source that knows: the customer's own orders (`flows/answers.py`), the catalog when it asks
about options, stock or price (`flows/catalog_answers.py`), the knowledge base's grounded answer with
its citation, the catalog for any product it names. A question about a policy (returns, shipping,
warranty...) goes to the knowledge base before the catalog, asked of the kind of product rather than
the product by name (`info.kb_answer`), and never gets the catalog's stock as its answer. A question
none of them answers gets the knowledge base's "I don't know" (`NOT_FOUND`) and the offer of a
person, the words the console dashboard counts as an unanswered question; beside a request, whose
own question follows, the offer is said rather than asked. Nothing here writes to the store.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from shopkeeper.flows import answers, info
from shopkeeper.flows.catalog_answers import answer_catalog
from shopkeeper.flows.turn import Turn
from shopkeeper.knowledge import KnowledgeBase
from shopkeeper.knowledge.answer import NOT_FOUND, NOT_FOUND_SAID
from shopkeeper.knowledge.text import content_tokens
from shopkeeper.understanding import Intent
from shopkeeper.understanding.intents import REQUEST_KINDS

__all__ = ["answer", "split"]

_PERSON_ASIDE = "A member of our team can answer it if you ask for a person."

Reading = list[tuple[Intent, str]]

# Words before the question or request proper: "actually whats ...", "ok thx. where ...", "um can you ..."
_LEAD = (
    r"^(?:(?:so|and|also|but|oh|ok|okay|btw|hi|hello|hey|please|actually|wait|well|um+|uh+|hm+|oops|right|"
    r"cool|great|thanks|thx|ty|sorry|one more thing|quick question|last thing),?\s+)*"
)

_REQUEST = re.compile(
    _LEAD
    + r"(?:(?:can|could|would|will) you\b(?! tell me)|(?:can|could|may) i\b|please\b|i want\b|i'd like\b|"
    r"i would like\b(?! to know)|i need\b(?! to know)|how (?:do|can|should) i\b|is it possible to\b)",
    re.I,
)
# "where do I edit my shipping address?", "how to cancel order #W1?", "what do I do to get a refund?":
# asking how to do a thing the agent does is asking for it.
_HOW_TO = re.compile(
    _LEAD
    + r"(?:(?:how|where|what)\s+(?:do|can|could|should|would|must|shall|have)\s+(?:i|we)\b|(?:how|where) to\b)",
    re.I,
)
_WH = re.compile(
    _LEAD + r"(?:how|what|what's|whats|where|where's|when|which|who|why)\b",
    re.I,
)
# "if I return it, ...?", "say I cancel, ...?": what would happen, not the request itself
_SUPPOSE = re.compile(r"^(?:say|suppose|supposing)\s+(?:i|we)\b|\b(?:if|in case)\s+(?:i|we)\b", re.I)
# "how much was it again?", "when will they come?": no content word, but a question about what the
# conversation is about, not a call for help in general
_POINTS_BACK = re.compile(r"\b(?:it|its|it's|that|this|they|them|those)\b", re.I)
_STATUS = (Intent.ORDER_STATUS, Intent.REFUND_STATUS)
# Words that ask for help in general, not about anything: "can you help me with something?"
_EMPTY = content_tokens(
    "help question something anything assist ask need want please thing you doing today going"
)
_SMALL_TALK = (Intent.GREETING, Intent.THANKS, Intent.GOODBYE)
_POSITION_MISSING = -1


def _overlaps(text: str, span: str, start: int, end: int) -> bool:
    at = text.find(span) if span else _POSITION_MISSING
    if at < 0:
        return False
    shared = min(end, at + len(span)) - max(start, at)
    return shared > 0 and shared * 2 >= min(len(span), end - start)


def _within(text: str, part: str, start: int, end: int) -> bool:
    """Whether most of `part` of the message lies between `start` and `end`."""
    at = text.find(part) if part and start >= 0 else _POSITION_MISSING
    return at >= 0 and (min(end, at + len(part)) - max(start, at)) * 2 >= len(part)


def _is_request(turn: Turn, question: str, tasks: list[Intent]) -> bool:
    if _REQUEST.match(question) or _HOW_TO.match(question):
        return True
    if _SUPPOSE.search(question):
        return False  # "if I send back the mat, is return shipping free?" asks what would happen
    if _WH.match(question):
        # "where is my order?" is the status request; "what's its tracking number?" asks one fact
        return (
            all(t in _STATUS for t in tasks)
            and answers.fact_asked(question) in (None, "status")
            and answers.mentions_own(question)
        )
    scores = [s.confidence for s in turn.u.intents if s.intent in tasks]
    return max(scores, default=0.0) >= 0.5


def split(turn: Turn, reading: Reading) -> tuple[Reading, list[str]]:
    """The reading's intents less the requests that are only questions, and the questions to answer."""
    u, text = turn.u, turn.text
    if u.intents and u.intent in _SMALL_TALK and u.intents[0].source == "rule":
        return reading, []
    waiting = turn.state.task is not None and turn.state.asked not in (None, "confirm")
    kept, questions = list(reading), []
    for question in u.questions:
        if not content_tokens(question) - _EMPTY and not (
            _WH.match(question) and _POINTS_BACK.search(question)
        ):
            continue  # "can you help me?": no question to answer, the menu does
        if waiting and not _WH.match(question):
            continue  # "the blue one?" answers our own question
        start = text.find(question)
        end = start + len(question)
        inside = [
            s.intent
            for s in u.intents
            if s.intent in REQUEST_KINDS
            and start >= 0
            and (s.span == text or _overlaps(text, s.span, start, end))
        ]
        # a request the reading found in the question's own words ("can i get the mat in blue instead")
        inside += [
            i for i, p in reading if i in REQUEST_KINDS and i not in inside and _within(text, p, start, end)
        ]
        if inside and _is_request(turn, question, inside):
            continue
        if inside:  # the request read in a question's words is the question itself
            asked_elsewhere = {
                s.intent for s in u.intents if s.intent in inside and not _overlaps(text, s.span, start, end)
            }
            kept = [(i, p) for i, p in kept if i not in inside or i in asked_elsewhere]
        questions.append(question)
    return kept, questions


def _say_kb(turn: Turn, kb: KnowledgeBase, question: str, said: set[str]) -> bool:
    found = info.kb_answer(turn, kb, question)
    if not found.grounded:
        return False
    if found.text not in said:
        said.add(found.text)
        info.say_answer(turn, found)
    return True


def answer(
    turn: Turn,
    questions: list[str],
    intents: list[Intent],
    kb: KnowledgeBase | None,
    policy: Collection[Intent],
) -> bool:
    """Answer the questions (and, when the message holds none, the policy or product request read in
    it). True when one was answered from the customer's own records ("what have I bought lately?"
    asks for no recommendation)."""
    answers.answer_waiting(turn)
    # Beside a request, whose next question follows, the offer of a person is no second question.
    serving = turn.state.task is not None or any(i in REQUEST_KINDS for i in intents)
    not_found = f"{NOT_FOUND_SAID} {_PERSON_ASIDE}" if serving else NOT_FOUND
    if not questions:
        # a clause of a request that describes it asks nothing: "the speaker (blue, 10 hours) to the
        # same options" is no catalog question, "pay w paypal" no question about payment methods
        if any(i in REQUEST_KINDS for i in intents):
            return False
        if any(i in policy for i in intents):
            info.answer_policy(turn, kb, not_found=not_found)
        if Intent.PRODUCT_QUESTION in intents:
            info.answer_product(turn)
        return False
    unknown, said, own = [], set[str](), False
    for question in questions:
        if answers.answer_own(turn, question):
            own = True
            continue
        # a policy question ("how much does shipping the kite cost?") goes to the documents first, and
        # is not answered with stock levels when they don't cover it
        about_policy = info.asks_policy(question)
        if about_policy and kb is not None and _say_kb(turn, kb, question, said):
            continue
        if answer_catalog(turn, question):
            continue
        if not about_policy and kb is not None and _say_kb(turn, kb, question, said):
            continue
        if not about_policy and answer_catalog(turn, question, asks_catalog=False):
            continue
        unknown.append(question)
    if not unknown:
        return own
    if kb is None:
        info.answer_policy(turn, None)
    elif len(unknown) < len(questions):
        turn.say(f"About “{unknown[0]}”: {not_found}")
    else:
        turn.say(not_found)
    return own
