"""Questions in a message: which ones are really requests, and answering the rest.

The understanding layer lists the clauses that ask something, each read for what it asks
(`Understanding.questions`, `QuestionReading`s); nothing here reads their words again. `split`
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

from collections.abc import Collection

from shopkeeper.flows import answers, info
from shopkeeper.flows.catalog_answers import answer_catalog
from shopkeeper.flows.turn import Turn
from shopkeeper.knowledge import KnowledgeBase
from shopkeeper.knowledge.answer import NOT_FOUND, NOT_FOUND_SAID
from shopkeeper.understanding import Intent
from shopkeeper.understanding.intents import REQUEST_KINDS
from shopkeeper.understanding.models import QuestionReading

__all__ = ["answer", "split"]

_PERSON_ASIDE = "A member of our team can answer it if you ask for a person."

Reading = list[tuple[Intent, str]]

_STATUS = (Intent.ORDER_STATUS, Intent.REFUND_STATUS)
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


def _is_request(turn: Turn, question: QuestionReading, tasks: list[Intent]) -> bool:
    if question.request_like or question.how_to:
        return True
    if question.hypothetical:
        return False  # "if I send back the mat, is return shipping free?" asks what would happen
    if question.wh:
        # "where is my order?" is the status request; "what's its tracking number?" asks one fact
        return all(t in _STATUS for t in tasks) and question.fact in (None, "status") and question.own
    scores = [s.confidence for s in turn.u.intents if s.intent in tasks]
    return max(scores, default=0.0) >= 0.5


def split(turn: Turn, reading: Reading) -> tuple[Reading, list[QuestionReading]]:
    """The reading's intents less the requests that are only questions, and the questions to answer."""
    u, text = turn.u, turn.text
    if u.intents and u.intent in _SMALL_TALK and u.intents[0].source == "rule":
        return reading, []
    waiting = turn.state.task is not None and turn.state.asked not in (None, "confirm")
    kept, questions = list(reading), []
    for question in u.questions:
        # "how much was it again?", "when will they come?": no content word, but a question about what
        # the conversation is about, not a call for help in general
        if question.empty and not (question.wh and question.points_back):
            continue  # "can you help me?": no question to answer, the menu does
        if waiting and not question.wh:
            continue  # "the blue one?" answers our own question
        start = text.find(question.text)
        end = start + len(question.text)
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


def _say_kb(turn: Turn, kb: KnowledgeBase, question: QuestionReading, said: set[str]) -> bool:
    found = info.kb_answer(turn, kb, question)
    if not found.grounded:
        return False
    if found.text not in said:
        said.add(found.text)
        info.say_answer(turn, found)
    return True


def answer(
    turn: Turn,
    questions: list[QuestionReading],
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
        about_policy = question.about_policy
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
        turn.say(f"About “{unknown[0].text}”: {not_found}")
    else:
        turn.say(not_found)
    return own
