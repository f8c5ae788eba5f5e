"""The tau-bench retail evaluation: each task becomes a simulated customer talking to the agent on a
fresh copy of the imported tau-bench store; the case succeeds when the final store equals the
task's expected result exactly (amounts to the cent, every other record unchanged).

`TauBench.prepare(dir, workdir)` imports the store once into a template SQLite file; each case runs
on its own file copy. Failures are explained from the writes the agent made (wrong, missing, extra)
or how the conversation ended (turn limit, handoff, agent error). The agent comes from a factory,
so this module never imports it.

Two customers: `events` (`customer.py`, reads the agent's structured events; the regression check)
and `text` (`text_customer.py`, reads only the reply text, as a person does). Splits: `tune` is
the train tasks with index `i % 5 != 0` (the only ones whose transcripts may be read to improve
the agent), `setaside` the train tasks with `i % 5 == 0` (100, never read for tuning), `dev` all 20
dev tasks; `train` and `all` as before. Whatever the customer, every accepted write in the audit log
after the conversation is matched against the task's goals: one that matches none is a wrong write
(a change the customer did not ask for), counted per case.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from shopkeeper import audit
from shopkeeper.evaluation.agents import AgentFactory
from shopkeeper.evaluation.conversation import TURN_LIMIT, Conversation, converse
from shopkeeper.evaluation.customer import STYLES, SimulatedCustomer, Style
from shopkeeper.evaluation.goals import STATUS, TAU_WRITES, Goal, goal_from_tau, proposal_matches
from shopkeeper.evaluation.profile import load_view
from shopkeeper.evaluation.report import CaseResult, Report
from shopkeeper.evaluation.storediff import compare_to_expected
from shopkeeper.evaluation.stores import Template, taubench_template
from shopkeeper.evaluation.text_customer import TEXT_STYLES, TextCustomer, TextStyle, bitext_rows
from shopkeeper.store.db import Database

__all__ = [
    "SPLITS",
    "Split",
    "TauBench",
    "TauTask",
    "diagnose",
    "load_tasks",
    "run_task",
    "run_taubench",
    "select",
    "unrequested_writes",
]

Split = Literal["train", "dev", "all", "tune", "setaside"]
SPLITS: tuple[Split, ...] = ("tune", "setaside", "dev", "train", "all")
DEFAULT_BITEXT = Path("bitext-customer-support") / "intent_dev.jsonl"  # beside the tau-bench folder
_ORDER_ID = re.compile(r"#?W\d{7}")


@dataclass(frozen=True)
class TauTask:
    split: str
    index: int
    user_id: str
    instruction: str
    goals: tuple[Goal, ...]
    expected: dict[str, Any]
    use_email: bool

    @property
    def name(self) -> str:
        return f"{self.split}[{self.index}]"


def _status_goal(task: dict[str, Any]) -> Goal:
    """A task without writes: the customer asks about an order named in the reads or the instruction."""
    for action in task["actions"]:
        if action["name"] == "get_order_details" and "order_id" in action["kwargs"]:
            return Goal(STATUS, {"order_id": action["kwargs"]["order_id"]})
    found = _ORDER_ID.search(task["instruction"])
    return Goal(STATUS, {"order_id": f"#{found.group().lstrip('#')}"} if found else {})


def in_split(task: TauTask, split: Split) -> bool:
    """Whether a task belongs to a split (tune: train i % 5 != 0; setaside: train i % 5 == 0)."""
    if split == "tune":
        return task.split == "train" and task.index % 5 != 0
    if split == "setaside":
        return task.split == "train" and task.index % 5 == 0
    return split == "all" or task.split == split


def load_tasks(directory: Path, split: Split = "all") -> list[TauTask]:
    out: list[TauTask] = []
    files = {"all": ("train", "dev"), "dev": ("dev",)}.get(split, ("train",))
    for name in files:
        tasks = json.loads((directory / f"tasks_{name}.json").read_text())
        expected = {e["task_index"]: e for e in json.loads((directory / f"expected_{name}.json").read_text())}
        for i, task in enumerate(tasks):
            exp = expected[i]
            writes = [a for a in task["actions"] if a["name"] in TAU_WRITES]
            goals = tuple(
                goal_from_tau(a["name"], a["kwargs"], bool(w["ok"]))
                for a, w in zip(writes, exp["writes"], strict=True)
            ) or (_status_goal(task),)
            use_email = "email" in task["instruction"].lower()
            out.append(TauTask(name, i, task["user_id"], task["instruction"], goals, exp, use_email))
    return [t for t in out if in_split(t, split)]


def select(
    tasks: Sequence[TauTask], *, limit: int | None = None, sample: int | None = None, seed: int = 0
) -> list[TauTask]:
    """The first `limit` tasks, or a seeded random `sample` of them (kept in file order)."""
    chosen = list(tasks)
    if sample is not None and sample < len(chosen):
        picked = set(random.Random(seed).sample(range(len(chosen)), sample))
        chosen = [t for i, t in enumerate(chosen) if i in picked]
    return chosen[:limit] if limit is not None else chosen


@dataclass
class TauBench:
    """An imported tau-bench store (a template to copy per case) and the original records."""

    directory: Path
    store: Template
    originals: dict[str, dict[str, Any]]
    bitext: tuple[dict[str, Any], ...] = ()  # Bitext rows for the text customer's `bitext` openings

    @classmethod
    def prepare(cls, directory: Path, workdir: Path, bitext: Path | None = None) -> TauBench:
        """`bitext` defaults to the Bitext file beside the tau-bench folder (none when absent)."""
        store = taubench_template(directory, workdir)
        originals = {k: json.loads((directory / f"{k}.json").read_text()) for k in ("users", "orders")}
        rows = bitext_rows(bitext if bitext is not None else directory.parent / DEFAULT_BITEXT)
        return cls(directory, store, originals, rows)


def diagnose(goals: Sequence[Goal], conversation: Conversation) -> tuple[str, list[str]]:
    """Why a case failed: from how it ended, then from the accepted writes against the goals."""
    wanted = [g for g in goals if g.is_write and g.expect_ok]
    details: list[str] = []
    wrong = extra = False
    for write in conversation.writes:
        match = next((g for g in wanted if not proposal_matches(g, write.action, write.arguments)), None)
        if match is not None:
            wanted.remove(match)
            continue
        close = next((g for g in wanted if g.action == write.action), None)
        if close is not None:
            wrong = True
            diffs = proposal_matches(close, write.action, write.arguments)
            details.append(f"wrong write {write.action}: {'; '.join(diffs)}")
        else:
            extra = True
            details.append(f"extra write {write.action} {write.arguments}")
    details += [f"missing write {g.action} {g.arguments}" for g in wanted]
    if conversation.ended_by == "agent_error":
        return "agent error", [*details, (conversation.error or "").strip().splitlines()[-1]]
    if conversation.ended_by == "handoff":
        return "handoff", details
    if conversation.ended_by == "turn_limit":
        return "turn limit", details
    if wrong:
        return "wrong write", details
    if extra:
        return "extra write", details
    if wanted:
        return "missing write", details
    return "wrong write", [*details, "the writes matched the goals but the store differs"]


def unrequested_writes(db: Database, goals: Sequence[Goal]) -> list[str]:
    """Accepted writes in the store's audit log that match none of the goals (each goal once): the
    changes the customer did not ask for. Read after the conversation, by the scorer only."""
    wanted = [g for g in goals if g.is_write]
    out: list[str] = []
    for entry in reversed(audit.entries(db, limit=10_000)):
        if entry.outcome != "ok":
            continue
        match = next((g for g in wanted if not proposal_matches(g, entry.action, entry.arguments)), None)
        if match is not None:
            wanted.remove(match)
        else:
            out.append(f"{entry.action} {entry.arguments}")
    return out


def run_task(
    bench: TauBench,
    task: TauTask,
    style: Style | TextStyle,
    make_agent: AgentFactory,
    turn_limit: int = TURN_LIMIT,
    wording: str = "",
) -> CaseResult:
    """One conversation on a fresh store, scored. The style picks the customer: `asked` / `upfront`
    read events (`SimulatedCustomer`), `regular` / `casual` / `instruction` / `bitext` read only the
    reply text (`TextCustomer`). `wording` varies the customer's random choices of phrasing (same
    goals, other words), to measure how much outcomes depend on wording."""
    with bench.store.copy(f"{task.split}-{task.index}-{style}") as db:
        order_ids = tuple(g.order_id for g in task.goals if g.order_id)
        view = load_view(db, task.user_id, order_ids)
        goals = list(task.goals)
        if goals[0].action == STATUS and not goals[0].order_id and view.orders:
            goals[0] = Goal(STATUS, {"order_id": next(iter(view.orders))})
        customer: SimulatedCustomer | TextCustomer
        if style in TEXT_STYLES:
            customer = TextCustomer(
                view,
                goals,
                style=style,
                seed=task.name + wording,
                use_email=task.use_email,
                instruction=task.instruction,
                bitext_rows=bench.bitext,
            )
        elif style in STYLES:
            customer = SimulatedCustomer(
                view,
                goals,
                style=style,
                seed=task.name + wording,
                use_email=task.use_email,
            )
        else:
            raise ValueError(f"unknown customer style {style!r}")
        conversation = converse(make_agent(db), customer, turn_limit)
        problems = compare_to_expected(db, bench.store.base, task.expected, bench.originals)
        unrequested = unrequested_writes(db, goals)
    if not problems:
        return CaseResult(task.name, style, True, conversation, unrequested=unrequested)
    reason, details = diagnose(goals, conversation)
    return CaseResult(
        task.name, style, False, conversation, reason, [*details, *problems], unrequested=unrequested
    )


def run_taubench(
    bench: TauBench,
    tasks: Sequence[TauTask],
    styles: Sequence[Style | TextStyle],
    make_agent: AgentFactory,
    *,
    turn_limit: int = TURN_LIMIT,
    wording: str = "",
    workers: int = 1,
    progress: Callable[[CaseResult], None] | None = None,
    title: str = "tau-bench retail",
) -> Report:
    """Every task in every style, one fresh store each; the report over all of them, in task order.

    With `workers` > 1 the cases run in that many processes (each builds its own agent, so
    `make_agent` must be picklable, like `ShopkeeperAgent`).
    """
    cases = [(task, style) for task in tasks for style in styles]
    report = Report(title)
    if workers <= 1:
        warm_up(bench, make_agent)
        for task, style in cases:
            report.results.append(run_task(bench, task, style, make_agent, turn_limit, wording))
            if progress is not None:
                progress(report.results[-1])
        return report
    done: dict[tuple[str, str], CaseResult] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, context, _start_worker, (bench, make_agent, turn_limit, wording)
    ) as pool:
        futures = [pool.submit(_run_in_worker, task, style) for task, style in cases]
        for future in as_completed(futures):
            result = future.result()
            done[(result.name, result.style)] = result
            if progress is not None:
                progress(result)
    report.results = [done[(task.name, style)] for task, style in cases]
    return report


def warm_up(bench: TauBench, make_agent: AgentFactory) -> None:
    """One throwaway turn on a throwaway store, so models load before any reply is timed."""
    with bench.store.copy(f"warm-up-{os.getpid()}") as db:
        agent = make_agent(db)
        for _ in agent.respond(agent.start(channel="eval"), "Hi, where is my order?"):
            pass


_worker: dict[str, Any] = {}


def _start_worker(bench: TauBench, make_agent: AgentFactory, turn_limit: int, wording: str) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _worker.update(bench=bench, make_agent=make_agent, turn_limit=turn_limit, wording=wording)
    warm_up(bench, make_agent)


def _run_in_worker(task: TauTask, style: Style | TextStyle) -> CaseResult:
    return run_task(
        _worker["bench"], task, style, _worker["make_agent"], _worker["turn_limit"], _worker["wording"]
    )
