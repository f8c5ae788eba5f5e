"""Replies to a proposal: the labelled set in data/confirmation_replies.yaml (nothing negative, hedged
or ambiguous confirms; every plain affirmative does), and a property test that wrapping any
affirmative in a negation, hedge, second thought, question or condition never yields a yes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.understanding import understand
from shopkeeper.understanding.confirmation import extract_confirmation, read_reply
from shopkeeper.understanding.models import UnderstandingContext
from shopkeeper.understanding.proposal_reply import read_proposal_reply

_DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "confirmation_replies.yaml").read_text(encoding="utf-8")
)
PROPOSALS: dict[str, str] = _DATA["proposals"]
NOT_YES: dict[str, list[str]] = {label: [str(t) for t in texts] for label, texts in _DATA["not_yes"].items()}
YES: dict[str, list[str]] = {kind: [str(t) for t in texts] for kind, texts in _DATA["yes"].items()}
AFFIRMATIVES = YES["any"]


def test_the_set_is_large_enough() -> None:
    assert sum(len(v) for v in NOT_YES.values()) >= 300
    assert sum(len(v) for v in YES.values()) >= 200
    replies = {t.lower() for v in NOT_YES.values() for t in v}
    for needed in ("absolutely not", "no way", "not yet", "wait", "hmm", "yes but change the address first"):
        assert needed in replies
    assert {"yes... actually no", "yes… actually no", "keep it"} <= replies


@pytest.mark.parametrize(("label", "text"), [(k, t) for k, texts in NOT_YES.items() for t in texts])
def test_no_negative_hedged_or_ambiguous_reply_confirms(label: str, text: str) -> None:
    for summary in ("", *PROPOSALS.values()):
        assert read_reply(text, summary).answer != "yes", (text, summary)
        assert read_proposal_reply(text, summary).answer != "yes", (text, summary)
    assert extract_confirmation(text) != "yes"
    if label != "ambiguous":
        assert read_reply(text).answer == label, read_reply(text)


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in YES.items() for t in texts])
def test_every_affirmative_confirms(kind: str, text: str) -> None:
    summaries = [("", ""), *PROPOSALS.items()] if kind == "any" else [(kind, PROPOSALS[kind])]
    for name, summary in summaries:
        assert read_reply(text, summary).answer == "yes", (text, name, read_reply(text, summary))
        assert read_proposal_reply(text, summary).answer == "yes", (text, name)


def test_restating_another_proposal_is_not_a_yes() -> None:
    """A "yes please cancel it" answers a cancellation; said to a return it is not a yes."""
    assert read_reply("yes please cancel it", PROPOSALS["cancel"]).answer == "yes"
    assert read_reply("yes please cancel it", PROPOSALS["return"]).answer != "yes"
    assert read_reply("correct, go ahead and return them", PROPOSALS["cancel"]).answer != "yes"
    assert read_reply("yes, to my paypal", PROPOSALS["return"]).answer != "yes"


def test_understanding_carries_the_reading() -> None:
    context = UnderstandingContext(proposal=PROPOSALS["cancel"])
    assert understand("yes please cancel it", context).reply.answer == "yes"
    assert understand("absolutely not", context).reply.answer == "no"
    assert understand("hmm, will I be charged?", context).reply.reason == "question"


_NEGATIONS = ["no", "not", "don't", "absolutely not", "nope", "never", "no way", "nah", "not at all"]
_HEDGES = [
    "hmm",
    "maybe",
    "wait",
    "not sure",
    "let me think",
    "hold on",
    "one sec",
    "um",
    "i guess",
    "not yet",
]
_QUESTIONS = ["is that the blue one?", "will I be charged?", "how much is the refund?", "which order?"]
_WRAPS = [
    *(f"{n} {{}}" for n in _NEGATIONS),  # "not yes please"
    *(f"{n}, {{}}" for n in _NEGATIONS),
    *(f"{{}}. {n}" for n in _NEGATIONS),
    *(f"{h} {{}}" for h in _HEDGES),
    *(f"{h}... {{}}" for h in _HEDGES),
    *(f"{{}} {h}" for h in _HEDGES),
    *(f"{{}}, {h}" for h in _HEDGES),
    *(f"{{}}? {h}" for h in _HEDGES),
    *(f"{{}}. {q}" for q in _QUESTIONS),
    *(f"{q} {{}}" for q in _QUESTIONS),
    "{}... actually no",
    "{} — actually no",
    "{}. actually, don't",
    "{}? wait",
    "{}?",
    "{} but not yet",
    "{} but not now",
    "{}, but change the address first",
    "{} if it's free",
    "{} as long as it's free",
    "only if free, {}",
    "{}... or not",
    "{}. JK",
    "{}. on second thought, no",
    "{}...",
    "{} 🤔",
    # a question after the yes that is about the proposal, or hedged, never rides along
    *(f"{{}}. by the way, {q}" for q in _QUESTIONS),
    *(f"{{}}. quick question: {q}" for q in _QUESTIONS),
    "{}. quick question: do you ship to Canada? actually no",
    "{}? quick question: do you ship to Canada?",
    "{}... do you ship to Canada?",
    "hmm {}. do you ship to Canada?",
    "no, {}. do you ship to Canada?",
    "{}. do you ship to Canada? if so, fine",
    "{}. wait, do you ship to Canada?",
    "{}. do you ship it to Canada?",
    "{}. do you ship to Canada or should I keep it?",
]


@settings(max_examples=400, deadline=None)
@given(
    affirmative=st.sampled_from(AFFIRMATIVES),
    wrap=st.sampled_from(_WRAPS),
    summary=st.sampled_from(["", *PROPOSALS.values()]),
    upper=st.booleans(),
)
def test_wrapping_an_affirmative_never_yields_yes(
    affirmative: str, wrap: str, summary: str, upper: bool
) -> None:
    text = wrap.format(affirmative)
    text = text.upper() if upper else text
    assert read_reply(text, summary).answer != "yes", text
    assert read_proposal_reply(text, summary).answer != "yes", text


@pytest.mark.parametrize("wrap", _WRAPS)
def test_every_wrap_on_every_affirmative(wrap: str) -> None:
    """The same property, exhaustively on the generic reading (fast: pure string work)."""
    confirmed = [a for a in AFFIRMATIVES if read_reply(wrap.format(a)).answer == "yes"]
    assert not confirmed, (wrap, confirmed[:5])
    confirmed = [a for a in AFFIRMATIVES if read_proposal_reply(wrap.format(a)).answer == "yes"]
    assert not confirmed, (wrap, confirmed[:5])


def test_a_capable_models_doubt_removes_a_yes_and_cannot_add_one() -> None:
    from shopkeeper.understanding.model_reading import merge

    context = UnderstandingContext(proposal=PROPOSALS["cancel"])
    yes = understand("yes please", context)
    assert merge(yes, {"answer": "unclear"}, context).reply.answer == "unclear"
    assert merge(yes, {"answer": "no"}, context).reply.answer == "no"
    assert merge(yes, {"answer": "yes"}, context).reply.answer == "yes"
    assert merge(understand("hmm", context), {"answer": "yes"}, context).reply.answer == "unclear"


# A question that is clearly about something else rides along a yes; one about the proposal never does.
SEPARATE = [
    ("Yes please. Quick question: do you ship to Canada?", "Quick question: do you ship to Canada?"),
    (
        "That's right, go ahead. By the way, what's your return window?",
        "By the way, what's your return window?",
    ),
    ("yep quick question: do you ship to canada?", "quick question: do you ship to canada?"),
    ("Yes, please go ahead. How long does shipping normally take?", "How long does shipping normally take?"),
    ("sure, go ahead! btw what are your opening hours?", "btw what are your opening hours?"),
]
ABOUT_THE_PROPOSAL = [
    "yes. how much is the refund?",
    "yes? wait what's the refund",
    "yes, can you make it the blue one instead?",
    "yes but change the address first",
    "yes... actually no",
    "yes. will I be charged?",
    "yes please. when will I get my money back?",
    "yes. is the desk lamp the white one?",
    "go ahead. which card does it go to?",
    "ok, by the way, is that the right order?",
    "yes. does that include tax?",
    "yes please. and can you also return the kettle?",
    "yes. is the visa the right card?",
    "yes. by the way do you ship to Canada? I'd like the black one instead",
    "yes. do you have it in black?",
    "yes. how long does the 50ft garden hose take to arrive?",
    "yes. why?",
    "yes. what do you mean?",
    "ok. how come?",
    "yes. is there a catch?",
    "Yes go ahead. Could you ship faster?",
]


@pytest.mark.parametrize(("text", "question"), SEPARATE)
def test_a_separate_question_rides_along_a_yes(text: str, question: str) -> None:
    for kind in ("cancel", "return", "exchange", "items"):
        reading = read_proposal_reply(text, PROPOSALS[kind])
        assert reading.answer == "yes" and reading.aside == question, (kind, reading)


def test_a_question_sharing_a_word_with_the_proposal_is_about_it() -> None:
    """A question that checks what is proposed may be about the change: no yes. One about how long
    things take in general ("how long does shipping normally take?") changes nothing of it: after a
    clear yes, the yes stands and the question is answered (simulated customers who asked it were
    left with nothing done); "how long will it take?" points at the proposal and still blocks."""
    assert (
        read_proposal_reply("Yes, please go ahead. Does shipping go there?", PROPOSALS["address"]).answer
        != "yes"
    )
    assert read_proposal_reply("ok go ahead, how long will it take?", PROPOSALS["address"]).answer != "yes"
    for text in (
        "Yes, please go ahead. How long does shipping normally take?",
        "ya go ahead btw how long do refunds take?",
    ):
        reading = read_proposal_reply(text, PROPOSALS["return"])
        assert reading.answer == "yes" and reading.aside.lower().startswith(("how", "btw")), reading


def test_a_no_with_a_question_about_something_else_keeps_the_correction() -> None:
    """ "no, the X is missing. btw what's your return window?" once got only the question answered
    and the same proposal again: the correction stands beside the question."""
    reading = read_proposal_reply(
        "no no, the Backpack is missing by the way, what's your return window?", PROPOSALS["return"]
    )
    assert reading.answer == "change" and reading.adds, reading
    assert read_proposal_reply("no, is that the white one?", PROPOSALS["return"]).answer == "unclear"


@pytest.mark.parametrize("text", ABOUT_THE_PROPOSAL)
def test_a_question_about_the_proposal_is_no_yes(text: str) -> None:
    for summary in ("", *PROPOSALS.values()):
        assert read_proposal_reply(text, summary).answer != "yes", (text, summary)


def test_what_rides_along_a_no() -> None:
    summary = PROPOSALS["return"]
    missing = read_proposal_reply("No, the Backpack is missing.", summary)
    assert missing.answer == "change" and missing.adds
    assert read_proposal_reply("nah, you forgot the kettle", summary).adds
    assert not read_proposal_reply("no, only the lamp", summary).adds
    for text in ("Never mind then. That's all.", "nvm then, thats all", "no thanks, that's all"):
        reading = read_proposal_reply(text, summary)
        assert reading.answer == "no" and reading.withdrawn and reading.closing, (text, reading)
    assert read_proposal_reply("No, that's everything. Thank you!", summary).closing
    assert read_proposal_reply("nvm", summary).withdrawn
    for text in ("forget the return", "ok scrap the whole thing", "drop this refund pls"):
        reading = read_proposal_reply(text, summary)
        assert reading.answer == "no" and reading.withdrawn, (text, reading)
    assert not read_proposal_reply("nvm", summary).closing
    assert not read_proposal_reply("No, only the lamp, that's it.", summary).closing


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("no, the kettle is missing too by the way, how long does shipping take?", "change"),
        ("nope, put it on paypal instead. btw do you ship to canada?", "change"),
        ("no thanks. quick question: do you ship to canada?", "no"),
        ("hmm, do you ship to canada?", "unclear"),  # nothing before the question answers us
    ],
)
def test_a_question_about_something_else_after_a_no_or_a_change_leaves_them_as_said(
    text: str, answer: str
) -> None:
    reading = read_proposal_reply(text, PROPOSALS["return"])
    assert reading.answer == answer, reading
