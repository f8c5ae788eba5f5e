"""Fresh stores for evaluation cases: build a store once into a template SQLite file, then give each
case its own file copy (cheap, isolated, removed afterwards) and the template's snapshot to diff
against. Stores: the tau-bench import and the seeded demo store. Knows nothing about agents.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopkeeper.evaluation.storediff import Snapshot, snapshot
from shopkeeper.store.db import Database, open_store

__all__ = ["Template", "demo_template", "taubench_template"]


@dataclass
class Template:
    path: Path
    base: Snapshot

    @classmethod
    def build(cls, path: Path, fill: Callable[[Database], Any]) -> Template:
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        db = open_store(f"sqlite:///{path}")
        try:
            fill(db)
            base = snapshot(db)
        finally:
            db.dispose()  # the last connection closing checkpoints the WAL into the main file
        return cls(path, base)

    @contextmanager
    def copy(self, name: str) -> Iterator[Database]:
        """A fresh store for one case, removed afterwards."""
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:80]
        path = self.path.with_name(f"case-{safe}.db")
        shutil.copyfile(self.path, path)
        db = open_store(f"sqlite:///{path}", migrate=False)
        try:
            yield db
        finally:
            db.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def taubench_template(directory: Path, workdir: Path) -> Template:
    from shopkeeper.store.taubench import import_taubench

    return Template.build(workdir / "taubench-template.db", lambda db: import_taubench(db, directory))


def demo_template(workdir: Path, seed: int = 7) -> Template:
    from shopkeeper.store.demo import build_demo

    return Template.build(workdir / f"demo-{seed}-template.db", lambda db: build_demo(db, seed=seed))
