"""YAML scenarios: a customer (scripted turns, or a simulated customer with goals), a store (the demo
store or the tau-bench import), and expectations scored on outcomes only: the accepted writes, the
final store records, facts the agent must state, things it must never say, actions it must not take.

File format (one scenario, or a list under `scenarios:` with file-level `store`/`seed` defaults)::

    store: demo            # demo (seeded, built in) | taubench (../shared/data/tau-bench-retail)
    scenarios:
      - name: cancel a delivered order is refused
        customer:
          say: ["Hi, I'm felix.larsen5846@example.com", "Cancel order #W7536771 please"]
          # or: id: lucas_ito_5740, style: asked, goals: [{action: cancel_order, arguments: {...}}]
        expect:
          writes: []                   # exactly these accepted writes, in order (arguments: a subset)
          unchanged: true              # no store record changed
          records: {orders: {"#W2280811": {status: cancelled}}}   # fields of exported records
          says: ["delivered"]          # each appears in some reply (case-insensitive)
          never_says: ["Pruning Shears"]
          not_actions: [cancel_order]  # never accepted
          handoff: false

`load(path)` validates a file (a bad one raises `DataError` naming it); `run_scenarios` runs them
with an agent factory and returns a `Report`. The agent is never imported here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shopkeeper.errors import DataError
from shopkeeper.evaluation.agents import AgentFactory
from shopkeeper.evaluation.conversation import TURN_LIMIT, Conversation, converse
from shopkeeper.evaluation.customer import SimulatedCustomer
from shopkeeper.evaluation.goals import WRITE_ACTIONS, Goal, normalize_order_id
from shopkeeper.evaluation.profile import load_view
from shopkeeper.evaluation.report import CaseResult, Report
from shopkeeper.evaluation.storediff import changed_records, snapshot, to_cents
from shopkeeper.evaluation.stores import Template, demo_template, taubench_template
from shopkeeper.events import Event
from shopkeeper.store.db import Database
from shopkeeper.store.schema import CustomerRow, OrderRow
from shopkeeper.store.taubench import export_customer, export_order

__all__ = ["Scenario", "ScriptedCustomer", "check", "load", "run_scenarios"]

StoreName = Literal["demo", "taubench"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoalSpec(_Spec):
    action: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    expect_ok: bool = True

    def goal(self) -> Goal:
        args = dict(self.arguments)
        if isinstance(args.get("order_id"), str):
            args["order_id"] = normalize_order_id(args["order_id"])
        return Goal(self.action, args, self.expect_ok)


class CustomerSpec(_Spec):
    say: list[str] | None = None
    id: str | None = None
    goals: list[GoalSpec] = Field(default_factory=list)
    style: Literal["asked", "upfront"] = "asked"
    use_email: bool = True

    @model_validator(mode="after")
    def _one_kind(self) -> CustomerSpec:
        if (self.say is None) == (self.id is None):
            raise ValueError("a customer has either `say` (scripted turns) or `id` with `goals` (simulated)")
        if self.say is not None and not self.say:
            raise ValueError("`say` needs at least one message")
        return self


class WriteSpec(_Spec):
    action: str
    arguments: dict[str, Any] = Field(default_factory=dict)


class Expect(_Spec):
    writes: list[WriteSpec] | None = None
    unchanged: bool = False
    records: dict[Literal["orders", "users"], dict[str, dict[str, Any]]] = Field(default_factory=dict)
    others_unchanged: bool = True
    says: list[str] = Field(default_factory=list)
    never_says: list[str] = Field(default_factory=list)
    not_actions: list[str] = Field(default_factory=list)
    handoff: bool | None = None


class Scenario(_Spec):
    name: str
    store: StoreName = "demo"
    seed: int = 7
    customer: CustomerSpec
    expect: Expect = Field(default_factory=Expect)
    turn_limit: int = TURN_LIMIT


def load(path: Path) -> list[Scenario]:
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: cannot read scenarios: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a mapping (one scenario, or `scenarios:` with a list)")
    defaults = {k: raw[k] for k in ("store", "seed") if k in raw}
    items = raw.get("scenarios", [raw])
    if not isinstance(items, list):
        raise DataError(f"{path}: `scenarios` must be a list")
    out = []
    for i, item in enumerate(items):
        try:
            out.append(Scenario.model_validate({**defaults, **item} if isinstance(item, dict) else item))
        except ValidationError as exc:
            raise DataError(f"{path}: scenario {i + 1}: {exc}") from exc
    return out


@dataclass
class ScriptedCustomer:
    """Says its messages one per turn, whatever the agent answers."""

    messages: Sequence[str]
    _next: int = field(default=1, init=False)

    def opening(self) -> str:
        return self.messages[0]

    def answer(self, events: Sequence[Event]) -> str | None:
        if self._next >= len(self.messages):
            return None
        self._next += 1
        return self.messages[self._next - 1]


def _write_matches(spec: WriteSpec, action: str, arguments: dict[str, Any]) -> bool:
    if spec.action != action:
        return False
    for key, want in spec.arguments.items():
        got = arguments.get(key)
        if key == "order_id" and isinstance(want, str) and isinstance(got, str):
            want, got = normalize_order_id(want), normalize_order_id(got)
        if isinstance(want, list) and isinstance(got, list | tuple):
            if Counter(map(str, want)) != Counter(map(str, got)):
                return False
        elif got != want:
            return False
    return True


def check(scenario: Scenario, conversation: Conversation, db: Database, template: Template) -> list[str]:
    """Every expectation the conversation and the final store fail (empty: the scenario passed)."""
    e, problems = scenario.expect, []
    writes = conversation.writes
    if e.writes is not None:
        ok = len(writes) == len(e.writes) and all(
            _write_matches(s, w.action, w.arguments) for s, w in zip(e.writes, writes, strict=False)
        )
        if not ok:
            problems.append(f"writes {[(w.action, w.arguments) for w in writes]}, wanted {e.writes}")
    forbidden = set(WRITE_ACTIONS) if "any" in e.not_actions else set(e.not_actions)
    problems += [f"took forbidden action {w.action} {w.arguments}" for w in writes if w.action in forbidden]
    replies = "\n".join(x.reply for x in conversation.exchanges).lower()
    problems += [f"never said {s!r}" for s in e.says if s.lower() not in replies]
    problems += [f"said {s!r}" for s in e.never_says if s.lower() in replies]
    if e.handoff is not None and conversation.handoff != e.handoff:
        problems.append(f"handoff {conversation.handoff}, wanted {e.handoff}")
    changed = changed_records(snapshot(db), template.base)
    if e.unchanged and any(changed.values()):
        problems.append(f"store changed: { ({k: sorted(v) for k, v in changed.items() if v}) }")
    if e.records:
        problems += _check_records(e, changed, db)
    return problems


def _check_records(e: Expect, changed: dict[str, set[str]], db: Database) -> list[str]:
    problems = []
    with db.session() as s:
        for kind, table, export, key in (
            ("order", OrderRow, export_order, "orders"),
            ("user", CustomerRow, export_customer, "users"),
        ):
            wanted = e.records.get(key, {})  # type: ignore[call-overload]
            for rid, fields in wanted.items():
                row = s.get(table, rid)
                record = export(row) if row is not None else None  # type: ignore[arg-type]
                if record is None:
                    problems.append(f"{kind} {rid} does not exist")
                    continue
                problems += [
                    f"{kind} {rid} {f}: {record.get(f)!r}, wanted {v!r}"
                    for f, v in fields.items()
                    if to_cents(record.get(f)) != to_cents(v)
                ]
            if e.others_unchanged and (other := changed[kind] - set(wanted)):
                problems.append(f"other {kind}s changed: {sorted(other)}")
    return problems


class _Stores:
    def __init__(self, workdir: Path, tau_dir: Path | None) -> None:
        self.workdir, self.tau_dir = workdir, tau_dir
        self._built: dict[tuple[str, int], Template] = {}

    def get(self, scenario: Scenario) -> Template | None:
        key = (scenario.store, scenario.seed if scenario.store == "demo" else 0)
        if key not in self._built:
            if scenario.store == "taubench":
                if self.tau_dir is None or not (self.tau_dir / "users.json").exists():
                    return None
                self._built[key] = taubench_template(self.tau_dir, self.workdir)
            else:
                self._built[key] = demo_template(self.workdir, scenario.seed)
        return self._built[key]


def _customer(scenario: Scenario, db: Database) -> tuple[Any, str]:
    spec = scenario.customer
    if spec.say is not None:
        return ScriptedCustomer(spec.say), "scripted"
    assert spec.id is not None
    goals = [g.goal() for g in spec.goals]
    view = load_view(db, spec.id, tuple(g.order_id for g in goals if g.order_id))
    customer = SimulatedCustomer(view, goals, style=spec.style, seed=scenario.name, use_email=spec.use_email)
    return customer, spec.style


def run_scenarios(
    scenarios: Sequence[Scenario],
    make_agent: AgentFactory,
    workdir: Path,
    *,
    tau_dir: Path | None = None,
    title: str = "Scenarios",
    progress: Callable[[CaseResult], None] | None = None,
) -> Report:
    """Run each scenario on a fresh copy of its store. Scenarios whose store is unavailable are skipped."""
    stores, report = _Stores(workdir, tau_dir), Report(title)
    for scenario in scenarios:
        template = stores.get(scenario)
        if template is None:
            report.skipped.append(f"{scenario.name}: the tau-bench data is not at {tau_dir}")
            continue
        with template.copy(scenario.name) as db:
            customer, style = _customer(scenario, db)
            conversation = converse(make_agent(db), customer, scenario.turn_limit)
            problems = check(scenario, conversation, db, template)
        if conversation.ended_by == "agent_error":
            problems.append(f"agent error: {(conversation.error or '').strip().splitlines()[-1]}")
        result = CaseResult(
            scenario.name, style, not problems, conversation, "" if not problems else "expectation"
        )
        result.details = problems
        report.results.append(result)
        if progress is not None:
            progress(result)
    return report
