"""Reading a customer's reply to a pending proposal: `yes`, `no`, `change` or `unclear`.

`read_reply(text, proposal="") -> ReplyReading` is the only place that decides whether a reply is
a yes, and it errs to safety: when in doubt, it is not a yes.

The contract:

- **yes**: a clear affirmative ("yes please go ahead", "yep do it", "sounds good to me", "👍", "y",
  "correct, go ahead and return them") with nothing left over but politeness, filler and words that
  restate the proposal (`proposal` is its summary; without one, a few generic action words count).
- **Never yes** when the reply holds, anywhere: a negation ("absolutely not", "yeah no", "keep it"),
  a hedge or hesitation ("hmm", "maybe", "wait", "not yet", "I guess", a trailing "..."), a
  question ("will I be charged?", "is that the blue one"), a condition ("yes if it's free"), a
  qualifier or second thought ("yes but ...", "actually ...", "or ..."), a correction ("use PayPal
  instead"), or words it cannot account for.
- Otherwise the **last decisive clause** says what is meant, so second thoughts win ("yes...
  actually no" is `no`): a negation alone is `no`; a correction (a change word such as "instead",
  "only", "use", or other content next to a yes or no: "no, the blue one") is `change`; a hedge,
  question or condition is `unclear`, and so is a yes that follows a negation or hedge ("no wait,
  yes") or a reply with no answer in it ("thanks").

The reading works on clauses (split at punctuation, "but", "actually", "wait", "if", "or" ...) whose
words are looked up in small lexicons, longest phrase first, after normalisation (case, curly
quotes, emoji and emoticons, repeated letters "yesss"/"noo", common typos "yse", "definately"): the
lexicons and the normalisation are in `reply_words`; this module reads what their classes mean.
Pure and fast: no model, no store, no state. It knows nothing about flows: what to do with each
answer is decided there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shopkeeper.understanding.models import ReplyReading
from shopkeeper.understanding.reply_words import (
    ACTION_VERBS,
    MAX_PHRASE,
    QUESTION_OPENERS,
    SPLIT_WORDS,
    cue_phrases,
    lookup,
    tokenise,
)

__all__ = ["cue_phrases", "extract_confirmation", "read_reply"]

_SPLIT_BEFORE = {"Q", "T", "C"}
_GENERIC_RESTATEMENT = frozenset(
    {"cancel", "cancellation", "return", "exchange", "refund", "order", "proceed"}
)


@dataclass
class _Clause:
    classes: list[str] = field(default_factory=list)
    polite: bool = False  # "can you go ahead": a request, not a question

    def kind(self) -> str:
        has = set(self.classes)
        core = [c for c in self.classes if c not in ("Q", "T")]  # "but is that ..." opens a question
        opens_question = bool(core) and core[0] == "W" and len(core) > 1 and not self.polite
        if "?" in has or opens_question:
            return "change" if "X" in has and self.polite else "question"
        if "C" in has:
            return "change" if "X" in has else "condition"
        if "N" in has:
            return "change" if "X" in has else "no"
        if "H" in has:
            return "hedge"
        if "X" in has:
            return "change"
        if "Y" in has:
            return "yes+content" if "U" in has else "yes"
        if "U" in has:
            return "content"
        return "neutral"


def _restatement_words(proposal: str) -> tuple[frozenset[str], frozenset[str]]:
    """Words of the proposal's summary a reply may repeat (cue words never count), and their stems."""
    words = {t for t in tokenise(proposal, "") if lookup((t,)) in (None, "F") or t in ACTION_VERBS}
    return frozenset(words), frozenset(w[:5] for w in words if len(w) >= 5)


def _word_class(token: str, cls: str | None, proposal: _Proposal) -> str:
    """The class of a single word once the proposal is known: its own words restate it."""
    if token.startswith("reason_"):
        return "F"
    restates = (
        (token in _GENERIC_RESTATEMENT or bool(re.fullmatch(r"#?w?\d{4,}", token)))
        if not proposal.words
        else token in proposal.words or (len(token) >= 5 and token[:5] in proposal.stems)
    )
    # "yes please cancel it", "go ahead and return them"; but "only", "other", "instead" never restate
    if restates and (cls is None or (cls == "X" and token in ACTION_VERBS)):
        return "F"
    return cls or "U"


@dataclass(frozen=True)
class _Proposal:
    words: frozenset[str]
    stems: frozenset[str]


def _clauses(tokens: list[str], proposal: str) -> tuple[list[_Clause], set[str]]:
    """Clauses with the class of each word or phrase; also every class seen in the message."""
    known = (
        _Proposal(*_restatement_words(proposal)) if proposal.strip() else _Proposal(frozenset(), frozenset())
    )
    clauses: list[_Clause] = [_Clause()]
    seen: set[str] = set()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in (",", "…", "?"):
            if token == "?" or (token == "…" and i == len(tokens) - 1):
                clauses[-1].classes.append("?" if token == "?" else "H")  # a trailing "..." trails off
                seen.add(clauses[-1].classes[-1])
            clauses.append(_Clause())
            i += 1
            continue
        cls, size = None, 1
        for n in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
            found = lookup(tuple(tokens[i : i + n]))
            if found is not None:
                cls, size = found, n
                break
        phrase = " ".join(tokens[i : i + size])
        if size == 1:
            cls = _word_class(token, cls, known)
        elif (
            cls == "N"
            and phrase in ("cancel it", "cancel that", "cancel this")
            and _word_class("cancel", None, known) == "F"
        ):
            cls = "F"  # "cancel it" answers a cancellation with a yes, anything else with a no
        assert cls is not None
        current = clauses[-1]
        if (cls in _SPLIT_BEFORE or phrase in SPLIT_WORDS) and current.classes:
            current = _Clause()
            clauses.append(current)
        after = lookup(tuple(tokens[i + 1 : i + 2]))
        if (
            all(c in ("Q", "T") for c in current.classes)
            and token in QUESTION_OPENERS
            and cls not in ("Y", "N")
            and after not in ("Y", "N")
        ):
            cls = "W"  # "is that the blue one": a question; "is ok", "is not correct": an answer
            # "can you go ahead", "could you use the other card", "can I get ...": requests
            asker = tokens[i + 1 : i + 2]
            current.polite = (token in ("can", "could", "would", "will") and asker == ["you"]) or (
                token in ("can", "could") and asker == ["i"]
            )
        current.classes.append(cls)
        seen.add(cls)
        i += size
    return [c for c in clauses if c.classes], seen


def read_reply(text: str, proposal: str = "") -> ReplyReading:
    """Read `text` as a reply to the proposal summarised by `proposal` (see the module docstring)."""
    clauses, seen = _clauses(tokenise(text, proposal), proposal)
    negated = "N" in seen
    decisive = [k for k in (c.kind() for c in clauses) if k != "neutral"]
    if not decisive:
        return ReplyReading(answer="unclear", reason="no answer", negated=negated)
    blocked = bool(seen & {"Q", "T", "H", "C", "N", "X", "U", "S", "?"})
    if all(k == "yes" for k in decisive) and not blocked:
        return ReplyReading(answer="yes", reason="affirmative")
    last = decisive[-1]
    if last == "no":
        reason = "second thoughts" if "yes" in decisive else "negation"
        return ReplyReading(answer="no", reason=reason, negated=negated)
    if last == "change" or (last in ("content", "yes+content") and (negated or "X" in seen)):
        return ReplyReading(answer="change", reason="correction", negated=negated)
    reason = {"content": "unknown words", "yes+content": "unknown words", "yes": "mixed"}.get(last, last)
    return ReplyReading(answer="unclear", reason=reason, negated=negated)


def extract_confirmation(text: str) -> str | None:
    """The yes/no entity of a message read on its own: "yes" only for a clear yes, "no" for a
    negation (also one that comes with a correction: "no, only the lamp"), else None."""
    reading = read_reply(text)
    if reading.answer == "yes":
        return "yes"
    if reading.answer == "no" or (reading.answer == "change" and reading.negated):
        return "no"
    return None
