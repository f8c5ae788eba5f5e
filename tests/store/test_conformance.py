"""Conformance: every reference action sequence of tau-bench retail (520 tasks) replayed through the
action layer on a fresh import ends in exactly the expected store, numbers compared to the cent.

Each task runs on its own copy of an imported store (a file copy for SQLite, a template database
for PostgreSQL). The changed records are found by diffing raw table rows against the untouched
import, so "every other record stayed as it was" is checked too, not assumed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from shopkeeper.evaluation.storediff import compare_to_expected, snapshot
from shopkeeper.evaluation.tau_tools import WRITE_TOOLS, TauTools
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.taubench import import_taubench
from tests.conftest import TAU_DIR, create_pg_database, drop_pg_database, pg_unavailable


def load_tasks() -> list[tuple[str, int, dict[str, Any], dict[str, Any]]]:
    if not TAU_DIR.exists():
        return []
    out = []
    for split in ("train", "dev"):
        tasks = json.loads((TAU_DIR / f"tasks_{split}.json").read_text())
        expected = {e["task_index"]: e for e in json.loads((TAU_DIR / f"expected_{split}.json").read_text())}
        out += [(split, i, t, expected[i]) for i, t in enumerate(tasks)]
    return out


def touched(task: dict[str, Any], exp: dict[str, Any]) -> set[str]:
    """Records a task may change: its orders, its customer, and whatever the expected result names."""
    ids = {task["user_id"], *exp["users"], *exp["orders"]}
    for action in task["actions"]:
        ids |= {v for k, v in action["kwargs"].items() if k in ("order_id", "user_id")}
    return ids


def replay_and_compare(
    db: Database,
    base: dict[str, set[tuple[Any, ...]]],
    task: dict[str, Any],
    exp: dict[str, Any],
    originals: dict[str, dict[str, Any]],
) -> tuple[list[str], dict[str, set[tuple[Any, ...]]]]:
    """Replay one task on `db` (whose state is `base`); return problems and the new snapshot."""
    tools = TauTools(db)
    problems: list[str] = []
    writes = [a for a in task["actions"] if a["name"] in WRITE_TOOLS]
    for action, want in zip(writes, exp["writes"], strict=True):
        got = tools.call(action["name"], action["kwargs"])
        ok = not got.startswith("Error")
        if ok != want["ok"] or (not ok and got != want["error"]):
            problems.append(
                f"{action['name']}: got {got[:120]!r}, expected ok={want['ok']} {want['error']!r}"
            )
    after = snapshot(db)
    problems += compare_to_expected(db, base, exp, originals, now=after)
    return problems, after


def run_all(
    fresh_copy: Callable[[], tuple[Database, Callable[[], None]]],
    base: dict[str, set[tuple[Any, ...]]],
    originals: dict[str, dict[str, Any]],
) -> tuple[list[str], int]:
    """Replay every task. Tasks whose records don't overlap share one copy of the store; a task that
    would touch a record an earlier task on this copy touched gets a fresh copy."""
    failures: list[str] = []
    copies = 0
    db, close, state, used = None, None, base, set()
    try:
        for split, index, task, exp in TASKS:
            ids = touched(task, exp)
            if db is None or ids & used:
                if close:
                    close()
                (db, close), state, used = fresh_copy(), base, set()
                copies += 1
            used |= ids
            problems, state = replay_and_compare(db, state, task, exp, originals)
            failures += [f"{split}[{index}] {p}" for p in problems]
    finally:
        if close:
            close()
    return failures, copies


TASKS = load_tasks()


@pytest.fixture(scope="module")
def originals() -> dict[str, dict[str, Any]]:
    if not TAU_DIR.exists():
        pytest.skip(f"{TAU_DIR} is not here (a user's clone has no ../shared; CI has it)")
    return {
        "orders": json.loads((TAU_DIR / "orders.json").read_text()),
        "users": json.loads((TAU_DIR / "users.json").read_text()),
    }


@pytest.fixture(scope="module")
def sqlite_template(
    tmp_path_factory: pytest.TempPathFactory, originals: dict[str, Any]
) -> Iterator[tuple[Path, Any]]:
    path = tmp_path_factory.mktemp("tau") / "template.db"
    db = open_store(f"sqlite:///{path}")
    import_taubench(db, TAU_DIR)
    base = snapshot(db)
    db.dispose()  # closing the last connection checkpoints the WAL into the main file
    assert not Path(f"{path}-wal").exists()
    yield path, base


def test_conformance_sqlite(
    sqlite_template: tuple[Path, Any], originals: dict[str, Any], tmp_path: Path
) -> None:
    template, base = sqlite_template

    def fresh_copy() -> tuple[Database, Callable[[], None]]:
        copy = tmp_path / "task.db"
        shutil.copyfile(template, copy)
        db = open_store(f"sqlite:///{copy}", migrate=False)

        def close() -> None:
            db.dispose()
            copy.unlink()

        return db, close

    failures, copies = run_all(fresh_copy, base, originals)
    assert len(TASKS) == 520
    assert not failures, f"{len(failures)} problems, first: {failures[:10]}"
    assert copies < len(TASKS)


@pytest.mark.postgres
def test_conformance_postgresql(originals: dict[str, Any]) -> None:
    if reason := pg_unavailable():
        pytest.skip(reason)
    template_url = create_pg_database()
    db = open_store(template_url)
    import_taubench(db, TAU_DIR)
    base = snapshot(db)
    db.dispose()
    template = template_url.rsplit("/", 1)[1]

    def fresh_copy() -> tuple[Database, Callable[[], None]]:
        url = create_pg_database(template=template)
        db = open_store(url, migrate=False)

        def close() -> None:
            db.dispose()
            drop_pg_database(url)

        return db, close

    try:
        failures, _ = run_all(fresh_copy, base, originals)
    finally:
        drop_pg_database(template_url)
    assert len(TASKS) == 520
    assert not failures, f"{len(failures)} problems, first: {failures[:10]}"
