"""Fixtures for the evaluation tests: the tau-bench store imported once per session (skipped cleanly
when ../shared is absent), its tasks, and fresh copies per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.evaluation.taubench import TauBench, TauTask, load_tasks
from shopkeeper.store.db import Database
from tests.conftest import TAU_DIR, require_shared


@pytest.fixture(scope="session")
def tau_bench(tmp_path_factory: pytest.TempPathFactory) -> TauBench:
    require_shared(TAU_DIR)
    return TauBench.prepare(TAU_DIR, tmp_path_factory.mktemp("taubench"))


@pytest.fixture(scope="session")
def tau_tasks() -> dict[str, TauTask]:
    require_shared(TAU_DIR)
    return {t.name: t for t in load_tasks(TAU_DIR, "all")}


@pytest.fixture
def tau_db(tau_bench: TauBench) -> Iterator[Database]:
    with tau_bench.store.copy("unit") as db:
        yield db


@pytest.fixture(scope="session")
def scenarios_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "scenarios"
