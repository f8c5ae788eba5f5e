"""A simulated customer: pursues a list of goals in order, talking to the agent only through its
events (questions, proposals, refusals, action results, handoff) and plain text.

Style "asked" opens with the request alone and reveals identity, order ids, items and choices only
when the agent's last `QuestionEvent` asks for that slot; style "upfront" says everything (identity
and every goal) in its first message. A proposal is compared with the current goal (action and
arguments, item lists as multisets): "yes" when it is exactly that, otherwise "no" and the whole
request again. After an action result, or a refusal (a `RefusalEvent` for the goal's write; twice
in a row a reply that asks for nothing, the whole request said again in between; or "anything
else?" while the goal is open), it moves to the next goal; with none left it says it needs nothing
else and the conversation ends. Asked for the same thing more than `MAX_REPEATS` times, it gives the
request up. Nothing here is specific to one task.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from shopkeeper.evaluation import phrasing
from shopkeeper.evaluation.goals import STATUS, Goal, proposal_matches
from shopkeeper.evaluation.profile import CustomerView
from shopkeeper.events import (
    ActionEvent,
    Event,
    HandoffEvent,
    ProposalEvent,
    QuestionEvent,
    RefusalEvent,
    TextEvent,
)

__all__ = ["STYLES", "GoalOutcome", "SimulatedCustomer", "Style"]

Style = Literal["asked", "upfront"]
STYLES: tuple[Style, ...] = ("asked", "upfront")
MAX_REPEATS = 3  # the same question for the same request more often than this: the customer gives up


@dataclass
class GoalOutcome:
    """What became of one goal: done by an action (ok or refused by the store) or given up on."""

    goal: Goal
    status: Literal["open", "done", "refused", "skipped"] = "open"
    proposals_rejected: int = 0


@dataclass
class SimulatedCustomer:
    view: CustomerView
    goals: Sequence[Goal]
    style: Style = "asked"
    seed: str = "0"
    use_email: bool = True
    outcomes: list[GoalOutcome] = field(init=False)
    done: bool = field(init=False, default=False)
    _rng: random.Random = field(init=False)
    _current: int = field(init=False, default=0)
    _pending: ProposalEvent | None = field(init=False, default=None)
    _stated: bool = field(init=False, default=False)  # the current goal was said in full
    _told_order: bool = field(init=False, default=False)  # the current goal's order id was said
    _raised: bool = field(init=False, default=False)  # the agent has heard of the current goal
    _stalled: bool = field(init=False, default=False)  # the agent's last reply asked for nothing
    # How often each question was asked: by goal, slot and the choices offered.
    _asked: dict[tuple[int, str, tuple[str, ...]], int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(f"{self.seed}:{self.style}")
        self.outcomes = [GoalOutcome(g) for g in self.goals]

    # ---- what the customer says ---------------------------------------------------------------

    @property
    def goal(self) -> Goal | None:
        return self.goals[self._current] if self._current < len(self.goals) else None

    def opening(self) -> str:
        greeting = phrasing.greeting(self._rng)
        if self.goal is None:
            self.done = True
            return f"{greeting} Never mind, I'm fine."
        self._raised = True
        if self.style == "asked":
            return f"{greeting} {phrasing.request(self.goal, self._rng)}"
        who = phrasing.identity(self.view.customer, self.use_email, self._rng)
        wants = [phrasing.statement(self.view, g, self._rng) for g in self.goals]
        self._stated = True
        return " ".join([greeting, who, wants[0], *(f"Also: {w}" for w in wants[1:])])

    def answer(self, events: Sequence[Event]) -> str | None:
        """The reply to one agent turn, or None when the conversation is over."""
        if self.done or any(isinstance(e, HandoffEvent) for e in events):
            self.done = True
            return None
        acted = [e for e in events if isinstance(e, ActionEvent)]
        for action in acted:
            self._after_action(action)
        for refusal in (e for e in events if isinstance(e, RefusalEvent)):
            self._after_refusal(refusal)
        proposals = [e for e in events if isinstance(e, ProposalEvent)]
        if proposals:
            self._pending = proposals[-1]
        questions = [e for e in events if isinstance(e, QuestionEvent)]
        slot = questions[-1].slot if questions else None
        options = questions[-1].options if questions else []
        if proposals or slot is not None:
            self._stalled = False
        if self._pending is not None and (proposals or slot == "confirm"):
            return self._judge(self._pending)
        if slot is not None:
            reply = "".join(e.text for e in events if isinstance(e, TextEvent))
            return self._answer_slot(slot, options, reply)
        return self._unprompted(bool(acted))

    # ---- the steps ----------------------------------------------------------------------------

    def _after_action(self, event: ActionEvent) -> None:
        self._pending = None
        goal = self.goal
        if goal is None or event.action != goal.action:
            return
        self.outcomes[self._current].status = "done" if event.ok else "refused"
        self._advance()

    def _after_refusal(self, event: RefusalEvent) -> None:
        """The agent refused the current goal's request (policy, order status): move on, as after a
        refused write. A refusal of another request (another order) is not about this goal."""
        goal = self.goal
        if goal is None or event.action != goal.action or goal.order_id not in (None, event.order_id):
            return
        self.outcomes[self._current].status = "refused"
        self._advance()

    def _advance(self) -> None:
        if self.goal is not None and self.outcomes[self._current].status == "open":
            self.outcomes[self._current].status = "skipped"
        self._current += 1
        self._stated = self._told_order = self._raised = self._stalled = False

    def _judge(self, proposal: ProposalEvent) -> str:
        goal = self.goal
        if goal is None or not goal.is_write:
            self._pending = None
            return phrasing.no("I don't want that. " + phrasing.nothing_else(self._rng), self._rng)
        if not proposal_matches(goal, proposal.action, proposal.arguments):
            return phrasing.yes(self._rng)
        self._pending = None
        self.outcomes[self._current].proposals_rejected += 1
        return phrasing.no(self._state_goal(goal), self._rng)

    def _state_goal(self, goal: Goal) -> str:
        self._stated = self._raised = True
        return phrasing.statement(self.view, goal, self._rng)

    def _next_or_end(self) -> str:
        goal = self.goal
        if goal is None:
            self.done = True
            return phrasing.nothing_else(self._rng)
        if self.style == "upfront":
            return "Yes. " + self._state_goal(goal)
        self._raised = True
        return "Yes. " + phrasing.request(goal, self._rng)

    def _unprompted(self, acted: bool) -> str:
        """The agent said something without asking anything."""
        goal = self.goal
        if goal is None:
            self.done = True
            return phrasing.goodbye(self._rng)
        if acted:  # a goal just finished and the agent did not ask whether there is more
            return self._next_or_end().removeprefix("Yes. ")
        if self._stalled or (goal.action == STATUS and (self._told_order or self._stated)):
            self._advance()  # said in full and still neither a question nor a proposal: refused (or answered)
            return self._next_or_end().removeprefix("Yes. ") if self.goal else self._close()
        self._stalled = True  # say the whole request (again) once before taking silence as a refusal
        return self._state_goal(goal)

    def _close(self) -> str:
        self.done = True
        return phrasing.goodbye(self._rng)

    def _answer_slot(self, slot: str, options: list[str], reply: str = "") -> str:
        goal, rng, view = self.goal, self._rng, self.view
        # The same question: same slot, same choices offered ("what instead of the helmet?" is not the
        # question about the speaker asked again).
        key = (self._current, slot, tuple(options))
        self._asked[key] = self._asked.get(key, 0) + 1
        if self._asked[key] > MAX_REPEATS and slot != "anything_else":
            return self._give_up(slot)
        if slot == "identity":
            return phrasing.identity(view.customer, self.use_email, rng)
        if slot == "anything_else":
            if goal is not None and self._raised:
                self._advance()  # the agent considers the request finished (or refused it)
            return self._next_or_end()
        if goal is None:
            return self._close()
        args = goal.arguments
        if slot == "order_id" and goal.order_id:
            self._told_order = True
            return phrasing.order(goal.order_id, rng)
        if slot == "items" and "item_ids" in args:
            return phrasing.items(view, goal, rng)
        if slot == "new_items" and "new_item_ids" in args:
            return phrasing.new_items(view, goal, rng, about=reply)
        if slot == "payment_method" and "payment_method_id" in args:
            return phrasing.payment(view, args["payment_method_id"], rng)
        if slot == "reason" and "reason" in args:
            return phrasing.reason(args["reason"], rng)
        if slot == "address" and "address" in args:
            return phrasing.address(args["address"])
        if slot == "choice" and options and (picked := self._choose(goal, options)) is not None:
            return picked
        if slot == "confirm":
            return phrasing.no(self._state_goal(goal), rng)
        return self._state_goal(goal)

    def _give_up(self, slot: str) -> str:
        """Asked for the same thing again and again: drop this request (or, for identity, leave)."""
        if slot == "identity" or self.goal is None:
            self.done = True
            return "Forget it, I'll try another time."
        self._advance()
        if self.goal is None:
            self.done = True
            return "Never mind then. " + phrasing.nothing_else(self._rng)
        return "Never mind that then. " + self._next_or_end().removeprefix("Yes. ")

    def _choose(self, goal: Goal, options: list[str]) -> str | None:
        """The option that best matches what the customer wants (None when nothing does)."""
        words = _goal_words(self.view, goal)
        scores = [sum(w in option.lower() for w in words) for option in options]
        best = max(scores)
        return options[scores.index(best)] if best > 0 else None


def _goal_words(view: CustomerView, goal: Goal) -> set[str]:
    a: dict[str, Any] = goal.arguments
    words: set[str] = set()
    if goal.order_id:
        words |= {goal.order_id.lower(), goal.order_id.lower().lstrip("#")}
    if "payment_method_id" in a:
        words.add(a["payment_method_id"].lower())
        m = view.method(a["payment_method_id"])
        if m is not None:
            words |= {m.source.replace("_", " "), *(x.lower() for x in (m.brand, m.last_four) if x)}
    for item_id in [*a.get("item_ids", []), *a.get("new_item_ids", [])]:
        words.add(item_id)
        v = view.variant(item_id)
        if v is not None:
            words |= {value.lower() for value in v.options.values()}
    if "reason" in a:
        words.add(a["reason"])
    return words
