"""A test double of the agent for testing the harness itself: it is handed the customer's goals,
asks for every slot a goal needs (recording the answers), proposes exactly the goal (or a spoiled
version first, when told to), and writes through the real action layer after a "yes". It does not
understand text at all, so whatever passes through it tests the simulator, the loop and the scoring.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from shopkeeper.actions import Actions, Context
from shopkeeper.errors import ActionError
from shopkeeper.evaluation.goals import STATUS, Goal
from shopkeeper.events import ActionEvent, DoneEvent, Event, ProposalEvent, QuestionEvent, TextEvent
from shopkeeper.store.db import Database

SLOTS_FOR = (
    ("order_id", "order_id"),
    ("item_ids", "items"),
    ("new_item_ids", "new_items"),
    ("payment_method_id", "payment_method"),
    ("reason", "reason"),
    ("address", "address"),
)


@dataclass
class OracleAgent:
    db: Database
    goals: Sequence[Goal]
    spoil: Callable[[Goal], dict[str, Any]] | None = None  # first proposal of each goal uses these arguments
    answers: list[tuple[str, str]] = field(default_factory=list)  # (slot asked, customer's answer)
    _steps: list[str] | None = None  # slots still to ask for the current goal (None: not yet planned)
    _goal: int = 0
    _asked: str | None = None
    _proposed: dict[str, Any] | None = None
    _spoiled: set[int] = field(default_factory=set)

    def start(self, channel: str = "api") -> str:
        self._steps = ["identity"]
        return "oracle"

    def respond(self, conversation_id: str, text: str, request_id: str | None = None) -> Iterator[Event]:
        started = time.perf_counter()
        if self._asked is not None:
            self.answers.append((self._asked, text))
        events: list[Event] = []
        if self._asked == "confirm":
            if text.lower().startswith("yes"):
                events.append(self._execute())
                events.append(self._ask("anything_else"))
            else:
                events.append(self._propose())
        elif self._asked == "anything_else" and self._goal >= len(self.goals):
            self._asked = None
        elif self._goal < len(self.goals):
            if self._steps is None:
                self._steps = self._slots(self.goals[self._goal])
            if self._steps:
                events.append(self._ask(self._steps.pop(0)))
            elif self.goals[self._goal].action == STATUS:
                self._goal += 1
                self._steps = None
                events.append(self._ask("anything_else"))
            else:
                events.append(self._propose())
        reply = "ok"
        yield TextEvent(text=reply)
        yield from events
        yield DoneEvent(reply=reply, seconds=time.perf_counter() - started)

    @staticmethod
    def _slots(goal: Goal) -> list[str]:
        return [slot for key, slot in SLOTS_FOR if key in goal.arguments]

    def _ask(self, slot: str) -> QuestionEvent:
        self._asked = slot
        return QuestionEvent(slot=slot)

    def _propose(self) -> ProposalEvent:
        goal = self.goals[self._goal]
        args = dict(goal.arguments)
        if self.spoil is not None and self._goal not in self._spoiled:
            self._spoiled.add(self._goal)
            args = self.spoil(goal)
        self._proposed = args
        self._asked = "confirm"
        return ProposalEvent(action=goal.action, arguments=args, summary=f"{goal.action} {args}")

    def _execute(self) -> ActionEvent:
        goal, args = self.goals[self._goal], self._proposed or {}
        self._goal += 1
        self._steps = None
        try:
            getattr(Actions(self.db), goal.action)(**args, ctx=Context(actor="bot"))
        except ActionError as exc:
            return ActionEvent(
                action=goal.action, ok=False, arguments=args, message=exc.message, code=exc.code
            )
        return ActionEvent(action=goal.action, ok=True, arguments=args, message="done")
