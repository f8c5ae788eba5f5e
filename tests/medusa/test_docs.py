"""The Medusa commands in the docs run: the local example of docs/medusa.md (the same lines as the
README's) against this session's Medusa, and every `shopkeeper ...` command shown for Medusa exists."""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).parent / "shopkeeper"

pytestmark = pytest.mark.timeout(2400)  # the first Medusa test may install, migrate and seed Medusa


def _blocks(path: Path) -> list[str]:
    return re.findall(r"```(?:sh|bash)\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def _local_example(path: Path) -> list[str]:
    [block] = [b for b in _blocks(path) if "$(medusa/run.sh)" in b]
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_local_example_runs_on_medusa(medusa: tuple[str, str], tmp_path: Path) -> None:
    lines = _local_example(ROOT / "docs" / "medusa.md")
    assert lines == _local_example(ROOT / "README.md")
    url, key = medusa
    env = {
        **os.environ,
        "SHOPKEEPER_DB_URL": f"sqlite:///{tmp_path / 'own.db'}",  # Shopkeeper's own database
        "SHOPKEEPER_DATA_DIR": str(tmp_path),
        "COLUMNS": "300",
    }
    # This session's Medusa may not be the one medusa/run.sh in this checkout starts.
    script = "\n".join(lines).replace("$(medusa/run.sh)", url).replace("$(cat medusa/.runtime/api_key)", key)
    script = script.replace(".venv/bin/shopkeeper", str(EXE))
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"The medusa store at {url} is ready: 64 products." in done.stdout
    assert "Air Purifier" in done.stdout and "in stock" in done.stdout
    assert key not in done.stdout + done.stderr


def test_every_medusa_command_in_the_docs_exists() -> None:
    commands = set()
    for doc in ("README.md", "docs/medusa.md", "docs/store.md"):
        for block in _blocks(ROOT / doc):
            for line in block.splitlines():
                words = shlex.split(line.split("#")[0])
                if words and words[0].endswith("shopkeeper"):
                    commands.add(tuple(itertools.takewhile(re.compile(r"[a-z-]+").fullmatch, words[1:])))
    assert {("store", "check"), ("serve",), ("ask",)} <= commands
    for command in commands:
        done = subprocess.run(
            [str(EXE), *command, "--help"], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"shopkeeper {' '.join(command)}: {done.stderr}"
