"""Scenario files and their runner: every file under scenarios/ is valid, expectations are checked
on outcomes (writes, store records, facts stated, things never said, handoff), and failures are
reported precisely. Driven here by test doubles; the real agent runs them in test_agent.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.actions import Actions
from shopkeeper.errors import DataError
from shopkeeper.evaluation.scenarios import Scenario, load, run_scenarios
from shopkeeper.events import ActionEvent, DoneEvent, Event, HandoffEvent, TextEvent
from shopkeeper.store.db import Database
from tests.evaluation.oracle import OracleAgent


def test_every_scenario_file_is_valid(scenarios_dir: Path) -> None:
    files = sorted(scenarios_dir.glob("*.yaml"))
    assert len(files) >= 3
    names = [s.name for f in files for s in load(f)]
    assert len(names) == len(set(names)) >= 15


def test_bad_files_are_refused_with_their_name(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  - name: x\n    customer: {say: [hi], id: someone}\n")
    with pytest.raises(DataError, match=r"bad\.yaml"):
        load(bad)
    bad.write_text("name: x\ncustomer: {say: [hi]}\nexpect: {sayz: [typo]}\n")
    with pytest.raises(DataError, match="scenario 1"):
        load(bad)


class Parrot:
    """Says a fixed line every turn; optionally cancels an order on the first turn, or hands off."""

    def __init__(self, db: Database, line: str, cancel: str | None = None, handoff: bool = False) -> None:
        self.db, self.line, self.cancel, self.handoff = db, line, cancel, handoff

    def start(self, channel: str = "api") -> str:
        return "parrot"

    def respond(self, conversation_id: str, text: str, request_id: str | None = None) -> Iterator[Event]:
        yield TextEvent(text=self.line)
        if self.cancel:
            order, self.cancel = self.cancel, None
            Actions(self.db).cancel_order(order, "no longer needed")
            yield ActionEvent(
                action="cancel_order",
                ok=True,
                arguments={"order_id": order, "reason": "no longer needed"},
                message="",
            )
        if self.handoff:
            yield HandoffEvent(summary="asked for a person")
        yield DoneEvent(reply=self.line, seconds=0.0)


SCRIPTED = {
    "name": "scripted",
    "customer": {"say": ["hello", "cancel #W2280811", "yes"]},
    "expect": {"writes": [], "unchanged": True, "says": ["sorry"], "never_says": ["Jigsaw"]},
}


def test_scripted_expectations_pass_and_fail_on_outcomes(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(SCRIPTED)
    polite = run_scenarios([scenario], lambda db: Parrot(db, "Sorry, I can't do that."), tmp_path)
    assert polite.overall().rate == 1.0 and polite.results[0].turns == 3

    leaky = run_scenarios([scenario], lambda db: Parrot(db, "Your Jigsaw Puzzle, sure."), tmp_path)
    assert leaky.results[0].details == ["never said 'sorry'", "said 'Jigsaw'"]

    reckless = run_scenarios([scenario], lambda db: Parrot(db, "Sorry!", cancel="#W2280811"), tmp_path)
    problems = reckless.results[0].details
    assert any(p.startswith("writes [('cancel_order'") for p in problems)
    assert any(p.startswith("store changed") and "#W2280811" in p for p in problems)


def test_records_and_handoff(tmp_path: Path) -> None:
    scenario = Scenario.model_validate(
        {
            "name": "records",
            "customer": {"say": ["please cancel"]},
            "expect": {
                "writes": [{"action": "cancel_order", "arguments": {"order_id": "W2280811"}}],
                "records": {
                    "orders": {"#W2280811": {"status": "cancelled", "cancel_reason": "no longer needed"}}
                },
                "not_actions": ["return_order_items"],
                "handoff": True,
            },
        }
    )
    good = run_scenarios([scenario], lambda db: Parrot(db, "ok", cancel="#W2280811", handoff=True), tmp_path)
    assert good.results[0].success, good.results[0].details
    wrong = run_scenarios([scenario], lambda db: Parrot(db, "ok", cancel="#W2645728"), tmp_path)
    details = wrong.results[0].details
    assert "order #W2280811 status: 'pending', wanted 'cancelled'" in details
    assert "other orders changed: ['#W2645728']" in details
    assert "handoff False, wanted True" in details


def test_goal_driven_scenarios_use_the_simulated_customer(scenarios_dir: Path, tmp_path: Path) -> None:
    scenarios = [s for s in load(scenarios_dir / "demo.yaml") if s.customer.goals]
    assert scenarios

    def oracle(db: Database) -> OracleAgent:
        scenario = next(s for s in scenarios if s.name == current[0])
        return OracleAgent(db, [g.goal() for g in scenario.customer.goals])

    for scenario in scenarios:
        current = [scenario.name]
        report = run_scenarios([scenario], oracle, tmp_path)
        assert report.results[0].success, (
            report.results[0].details,
            report.results[0].conversation.transcript(),
        )


def test_taubench_scenarios_are_skipped_without_the_data(scenarios_dir: Path, tmp_path: Path) -> None:
    scenarios = load(scenarios_dir / "taubench.yaml")
    report = run_scenarios(scenarios, lambda db: Parrot(db, "hi"), tmp_path, tau_dir=tmp_path / "nowhere")
    assert not report.results and len(report.skipped) == len(scenarios)
