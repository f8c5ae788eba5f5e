"""The tau-bench runner and its scoring, driven by a test double of the agent that proposes exactly
the reference writes: every case must then succeed (so the simulator, the store copies and the
comparison agree with the expected results), and spoiled or reckless agents must fail for the
right reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shopkeeper.actions import Actions
from shopkeeper.evaluation.conversation import AgentLike
from shopkeeper.evaluation.goals import Goal
from shopkeeper.evaluation.report import Report
from shopkeeper.evaluation.taubench import TauBench, TauTask, run_task, run_taubench, select
from shopkeeper.events import DoneEvent, Event, TextEvent
from shopkeeper.store.db import Database
from tests.evaluation.oracle import OracleAgent

# Returns, exchanges, item changes (one with two Air Purifiers), several goals in one conversation,
# a rejected reference write (gift card too small), a payment change, and a task with no write.
NAMES = [
    "train[0]",
    "train[3]",
    "train[7]",
    "train[12]",
    "train[17]",
    "train[24]",
    "train[81]",
    "dev[14]",
    "dev[17]",
]


def oracle(task: TauTask, made: list[OracleAgent], **kw: Any) -> Callable[[Database], AgentLike]:
    def make(db: Database) -> AgentLike:
        made.append(OracleAgent(db, task.goals, **kw))
        return made[-1]

    return make


@pytest.mark.parametrize("style", ["asked", "upfront"])
def test_an_agent_that_does_exactly_the_reference_writes_always_succeeds(
    tau_bench: TauBench, tau_tasks: dict[str, TauTask], style: str
) -> None:
    report = Report("oracle")
    for name in NAMES:
        made: list[OracleAgent] = []
        result = run_task(tau_bench, tau_tasks[name], style, oracle(tau_tasks[name], made))  # type: ignore[arg-type]
        report.results.append(result)
        assert result.success, (name, result.reason, result.details, result.conversation.transcript())
        for slot, answer in made[0].answers:  # each answer carries what was asked for
            if slot == "order_id":
                assert any(g.order_id and g.order_id in answer for g in tau_tasks[name].goals), answer
    assert report.overall().rate == 1.0


def test_a_wrong_proposal_gets_a_no_and_the_correction(
    tau_bench: TauBench, tau_tasks: dict[str, TauTask]
) -> None:
    task = tau_tasks["train[17]"]

    def drop_last_item(goal: Goal) -> dict[str, Any]:
        args = dict(goal.arguments)
        args["item_ids"], args["new_item_ids"] = args["item_ids"][:-1], args["new_item_ids"][:-1]
        return args

    made: list[OracleAgent] = []
    result = run_task(tau_bench, task, "asked", oracle(task, made, spoil=drop_last_item))
    assert result.success
    confirms = [a for s, a in made[0].answers if s == "confirm"]
    assert confirms[0].lower().startswith("no") and "Dumbbell Set" in confirms[0]
    assert confirms[1].lower().startswith("yes")


class Reckless:
    """Writes whatever it was built to write on the first message, without asking anything."""

    def __init__(self, db: Database, write: Callable[[Actions], object] | None) -> None:
        self.db, self.write = db, write

    def start(self, channel: str = "api") -> str:
        return "reckless"

    def respond(self, conversation_id: str, text: str, request_id: str | None = None) -> Iterator[Event]:
        from shopkeeper.events import ActionEvent

        if self.write is not None:
            write, self.write = self.write, None
            write(Actions(self.db))
            yield ActionEvent(
                action="cancel_order",
                ok=True,
                arguments={"order_id": "#W5765741", "reason": "no longer needed"},
                message="",
            )
        yield TextEvent(text="Sorry, I can't help with that.")
        yield DoneEvent(reply="Sorry, I can't help with that.", seconds=0.0)


def test_failures_are_explained(tau_bench: TauBench, tau_tasks: dict[str, TauTask]) -> None:
    task = tau_tasks["train[3]"]  # wants an exchange, then cancel #W5765741 "ordered by mistake"
    nothing = run_task(tau_bench, task, "upfront", lambda db: Reckless(db, None))
    assert not nothing.success and nothing.reason == "missing write" and nothing.turns <= 6
    wrong = run_task(
        tau_bench,
        task,
        "upfront",
        lambda db: Reckless(db, lambda a: a.cancel_order("#W5765741", "no longer needed")),
    )
    assert not wrong.success and wrong.reason == "wrong write"
    assert any("reason" in d for d in wrong.details)


def test_sample_is_deterministic(tau_tasks: dict[str, TauTask]) -> None:
    tasks = list(tau_tasks.values())
    one, two = select(tasks, sample=20, seed=3), select(tasks, sample=20, seed=3)
    assert [t.name for t in one] == [t.name for t in two] and len(one) == 20
    assert [t.name for t in select(tasks, limit=5)] == [
        "train[0]",
        "train[1]",
        "train[2]",
        "train[3]",
        "train[4]",
    ]


class Silent:
    """Says the same thing every turn and never acts (picklable, for worker processes)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, channel: str = "api") -> str:
        return "silent"

    def respond(self, conversation_id: str, text: str, request_id: str | None = None) -> Iterator[Event]:
        yield TextEvent(text="Hello.")
        yield DoneEvent(reply="Hello.", seconds=0.0)


def test_worker_processes_give_the_same_report(tau_bench: TauBench, tau_tasks: dict[str, TauTask]) -> None:
    tasks = [tau_tasks["train[0]"], tau_tasks["dev[17]"]]
    one = run_taubench(tau_bench, tasks, ["asked", "upfront"], Silent)
    two = run_taubench(tau_bench, tasks, ["asked", "upfront"], Silent, workers=2)
    assert [(r.name, r.style, r.success, r.reason, r.turns) for r in one.results] == [
        (r.name, r.style, r.success, r.reason, r.turns) for r in two.results
    ]
    assert [r.success for r in one.results] == [False, False, True, True]  # no write wanted in dev[17]
