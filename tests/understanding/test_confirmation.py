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
    assert extract_confirmation(text) != "yes"
    if label != "ambiguous":
        assert read_reply(text).answer == label, read_reply(text)


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in YES.items() for t in texts])
def test_every_affirmative_confirms(kind: str, text: str) -> None:
    summaries = [("", ""), *PROPOSALS.items()] if kind == "any" else [(kind, PROPOSALS[kind])]
    for name, summary in summaries:
        assert read_reply(text, summary).answer == "yes", (text, name, read_reply(text, summary))


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


@pytest.mark.parametrize("wrap", _WRAPS)
def test_every_wrap_on_every_affirmative(wrap: str) -> None:
    """The same property, exhaustively on the generic reading (fast: pure string work)."""
    confirmed = [a for a in AFFIRMATIVES if read_reply(wrap.format(a)).answer == "yes"]
    assert not confirmed, (wrap, confirmed[:5])


def test_a_capable_models_doubt_removes_a_yes_and_cannot_add_one() -> None:
    from shopkeeper.understanding.model_reading import merge

    context = UnderstandingContext(proposal=PROPOSALS["cancel"])
    yes = understand("yes please", context)
    assert merge(yes, {"answer": "unclear"}, context).reply.answer == "unclear"
    assert merge(yes, {"answer": "no"}, context).reply.answer == "no"
    assert merge(yes, {"answer": "yes"}, context).reply.answer == "yes"
    assert merge(understand("hmm", context), {"answer": "yes"}, context).reply.answer == "unclear"
