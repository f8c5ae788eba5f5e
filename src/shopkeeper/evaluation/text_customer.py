"""The text-only simulated customer: pursues its goals reading nothing but the agent's reply text.

It is told what the agent replied (`hear(text)`), never the events: it reads the text as a person
does (`replies.read`) and answers what is asked from its goal and its own account; it judges a
proposal by whether the reply text describes exactly its goal (`judge.problems`), says yes in a
varied way when it does, otherwise no and what is wrong.

Openings, by style: `regular` (its own clean wording), `casual` (lowercase, terse, slangy),
`instruction` (the tau-bench task's human-written instruction in the first person) and `bitext` (a
Bitext utterance of the matching intent, order number filled in; regular wording where no intent
matches). Perturbations, drawn once per conversation from an RNG seeded by the task and style:
typos in product and option names, lowercase, a wrong order number then corrected, a change of mind
in the opening, a question in the middle, several answers at once.

Moving on: after a yes, a reply that reports the write done (or refused) finishes the goal; a reply
that refuses without asking anything, or asks "anything else?" after the request was said in full,
does too. A reply that asks nothing and refuses nothing gets the whole request once more, then the
goal is given up. The same question (same text) more than `MAX_REPEATS` times: the goal is given
up (for identity, the conversation). Nothing here is specific to one task or reads events.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from shopkeeper.evaluation import bitext, judge, replies
from shopkeeper.evaluation.goals import STATUS, WRITE_ACTIONS, Goal
from shopkeeper.evaluation.instruction import first_person
from shopkeeper.evaluation.profile import CustomerView
from shopkeeper.evaluation.speech import MID_QUESTIONS, Voice

__all__ = ["TEXT_STYLES", "Perturbations", "TextCustomer", "TextStyle"]

TextStyle = Literal["regular", "casual", "instruction", "bitext"]
TEXT_STYLES: tuple[TextStyle, ...] = ("regular", "casual", "instruction", "bitext")
MAX_REPEATS = 3


@dataclass(frozen=True)
class Perturbations:
    """Which perturbations one conversation uses (drawn once from its seed)."""

    typos: float
    wrong_order: bool
    change_of_mind: bool
    mid_question: bool
    all_at_once: bool

    @classmethod
    def draw(cls, rng: random.Random, style: TextStyle) -> Perturbations:
        return cls(
            typos=0.5 if style == "casual" else 0.25,
            wrong_order=rng.random() < 0.25,
            change_of_mind=rng.random() < 0.15,
            mid_question=rng.random() < 0.25,
            all_at_once=rng.random() < 0.35,
        )


@dataclass
class TextCustomer:
    view: CustomerView
    goals: Sequence[Goal]
    style: TextStyle = "regular"
    seed: str = "0"
    use_email: bool = True
    instruction: str = ""
    bitext_rows: tuple[dict[str, Any], ...] = ()
    done: bool = field(init=False, default=False)
    perturb: Perturbations = field(init=False)
    finished: list[str] = field(init=False, default_factory=list)  # per goal: done | refused | skipped
    _rng: random.Random = field(init=False)
    _voice: Voice = field(init=False)
    _current: int = field(init=False, default=0)
    _confirmed: bool = field(init=False, default=False)  # said yes; waiting to hear the result
    _stated: bool = field(init=False, default=False)  # the current goal was said in full
    _stalled: bool = field(init=False, default=False)
    _order_said: bool = field(init=False, default=False)
    _asked: dict[tuple[int, str], int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(f"text:{self.seed}:{self.style}")
        self.perturb = Perturbations.draw(self._rng, self.style)
        self._voice = Voice(self.view, self._rng, self.style == "casual", self.perturb.typos)

    @property
    def goal(self) -> Goal | None:
        return self.goals[self._current] if self._current < len(self.goals) else None

    # ---- the conversation ----------------------------------------------------------------------

    def opening(self) -> str:
        goal, v = self.goal, self._voice
        if goal is None:
            self.done = True
            return v.finish("Hi, never mind, I'm fine.")
        if self.style == "instruction" and self.instruction:
            self._stated = True
            return first_person(self.instruction)
        if self.style == "bitext" and (said := bitext.opening(self.bitext_rows, goal, self._rng)):
            self._order_said = bool(goal.order_id and goal.order_id.lstrip("#") in said)
            return said
        parts = [v.greeting()]
        if self.perturb.change_of_mind:
            other = next(a for a in (*WRITE_ACTIONS[1:], WRITE_ACTIONS[0]) if a != goal.action)
            parts += [
                v.ask(Goal(other)),
                v.pick(["Hmm, actually no, forget that.", "Wait, no, sorry."], ["wait nvm", "actually no"]),
            ]
        if self.perturb.all_at_once:
            parts += [v.identity(self.use_email), self._state()]
        elif self._rng.random() < 0.5:
            parts.append(self._state())
        else:
            parts.append(v.ask(goal))
        return v.finish(" ".join(parts))

    def hear(self, text: str) -> str | None:
        """The answer to one reply of the agent (its text only), or None when the customer is done."""
        if self.done:
            return None
        r = replies.read(text)
        if r.handoff:
            self.done = True
            return None
        if self._confirmed and (
            r.done or (r.asked != "confirm" and (r.refused or r.asked == "anything_else"))
        ):
            self._finish("refused" if r.refused and not r.done else "done")
            if r.asked in (None, "anything_else"):
                return self._next_or_end()
        if r.asked is None:
            return self._unprompted(r)
        self._stalled = False
        said = self._answer(r)
        if said is not None and self.perturb.mid_question and self._rng.random() < 0.3:
            self.perturb = replace(self.perturb, mid_question=False)
            said = f"{said} {self._rng.choice(MID_QUESTIONS)}"
        return None if said is None else self._voice.finish(said)

    # ---- the steps -----------------------------------------------------------------------------

    def _state(self) -> str:
        goal = self.goal
        assert goal is not None
        self._stated = True
        self._order_said = self._order_said or bool(goal.order_id)
        return self._voice.request(goal)

    def _finish(self, how: str) -> None:
        self.finished.append(how)
        self._current += 1
        self._confirmed = self._stated = self._stalled = self._order_said = False

    def _next_or_end(self) -> str:
        if self.goal is None:
            self.done = True
            return self._voice.finish(self._voice.nothing_else())
        return self._voice.finish(
            self._voice.pick(["Also, ", "One more thing: ", ""], ["also ", "oh and ", ""]) + self._state()
        )

    def _unprompted(self, r: replies.Reading) -> str | None:
        """The agent asked nothing: a refusal or an answer ends the goal; silence gets the request once more."""
        goal = self.goal
        if goal is None:
            self.done = True
            return self._voice.finish(self._voice.goodbye())
        answered = goal.action == STATUS and self._order_said
        if r.refused or answered or self._stalled:
            self._finish("refused" if r.refused else "done" if answered else "skipped")
            return self._next_or_end()
        self._stalled = True
        return self._voice.finish(
            self._voice.pick(
                ["Sorry, maybe I wasn't clear. ", "Let me put it another way. ", ""], ["i mean ", "ugh ", ""]
            )
            + self._state()
        )

    def _answer(self, r: replies.Reading) -> str | None:
        goal, v = self.goal, self._voice
        key = (self._current, " ".join(r.question.lower().split()))
        self._asked[key] = self._asked.get(key, 0) + 1
        if self._asked[key] > MAX_REPEATS and r.asked != "anything_else":
            return self._give_up(r.asked == "identity")
        if r.asked == "identity":
            said = v.identity(self.use_email)
            if self.perturb.all_at_once and goal is not None and not self._stated:
                said = f"{said} {self._state()}"
            return said
        if r.asked == "anything_else":
            if goal is not None and (self._stated or r.refused or r.done):
                self._finish("done" if r.done else "refused" if r.refused else "skipped")
            elif goal is not None:
                return self._state()
            return self._next_or_end()
        if goal is None:
            self.done = True
            return v.nothing_else()
        if r.asked == "confirm":
            return self._judge(r.proposal)
        a = goal.arguments
        if r.asked == "order" and goal.order_id:
            return self._order(goal.order_id)
        if r.asked == "items" and "item_ids" in a:
            return v.pick(["", "Just ", "It's "], ["", "just "]) + v.items(goal) + "."
        if r.asked == "new_items" and "new_item_ids" in a:
            return (
                v.pick(["I'd like ", "", "Please make it "], ["", "umm "])
                + v.changes(goal, about=r.question)
                + "."
            )
        if r.asked == "payment" and "payment_method_id" in a:
            return (
                v.pick(["Please use ", "", "Put it on "], ["", "use "])
                + v.payment(a["payment_method_id"])
                + "."
            )
        if r.asked == "reason" and "reason" in a:
            return v.reason(a["reason"])
        if r.asked == "address" and "address" in a:
            return v.address(a["address"])
        if r.asked == "order" and goal.order_id is None:
            return v.pick(["It isn't about an order. "], ["not about an order. "]) + self._state()
        # a question this goal has no answer to, or one it cannot place: say what it wants
        return v.pick(["I'm not sure what you mean. ", "Sorry? "], ["huh? ", "wdym? "]) + self._state()

    def _order(self, order_id: str) -> str:
        self._order_said = True
        others = [o for o in self.view.orders if o != order_id]
        if self.perturb.wrong_order and others:
            self.perturb = replace(self.perturb, wrong_order=False)
            return self._voice.wrong_order(order_id, self._rng.choice(sorted(others)))
        return self._voice.order(order_id)

    def _judge(self, proposal: str) -> str:
        goal = self.goal
        assert goal is not None
        wrong = judge.problems(self.view, goal, proposal)
        if wrong:
            self._confirmed = False
            return self._voice.no(wrong)
        self._confirmed = True
        return self._voice.yes()

    def _give_up(self, leave: bool) -> str:
        if leave or self.goal is None:
            self.done = True
            return self._voice.pick(["Forget it, I'll try another time."], ["forget it"])
        self._finish("skipped")
        if self.goal is None:
            self.done = True
            return self._voice.pick(["Never mind then. That's all."], ["nvm then, thats all"])
        return self._voice.pick(["Never mind that then. "], ["nvm that. "]) + self._state()


def bitext_rows(path: Path | None) -> tuple[dict[str, Any], ...]:
    """The Bitext rows for openings, or none when the file is absent."""
    return bitext.load(path) if path is not None and path.exists() else ()
