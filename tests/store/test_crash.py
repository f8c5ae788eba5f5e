"""A process killed (SIGKILL) in the middle of a write leaves no partial change; the CLI reports errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from shopkeeper.actions import Actions, Context
from shopkeeper.store.db import Database
from tests.store.conftest import table_rows

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from shopkeeper.actions import Actions, Context
    from shopkeeper.store.db import open_store

    def die(stage):
        os.kill(os.getpid(), signal.SIGKILL)

    db = open_store(sys.argv[1], migrate=False)
    Actions(db, fault_hook=die).cancel_order(sys.argv[2], "no longer needed", Context(request_key="killed-1"))
    """
)


def test_sigkill_mid_write_leaves_store_unchanged(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    order = fresh_order("pending")
    before = table_rows(demo_db)
    url = demo_db.engine.url.render_as_string(hide_password=False)
    proc = subprocess.run([sys.executable, "-c", KILLER, url, order.id], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert table_rows(demo_db) == before
    # The same request, retried after the crash, completes exactly once.
    done = Actions(demo_db).cancel_order(order.id, "no longer needed", Context(request_key="killed-1"))
    assert done.status == "cancelled" and len(done.payments) == 2


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "shopkeeper"
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


def test_cli_import_export_and_errors(tmp_path: Path) -> None:
    from tests.store.test_import_export import MINI, write_store

    src = write_store(tmp_path / "in", MINI)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    ok = run_cli("store", "import", "tau-bench", str(src), "--db", url)
    assert ok.returncode == 0 and "Imported 1 customers, 1 orders, 1 products" in ok.stdout
    again = run_cli("store", "import", "tau-bench", str(src), env={"SHOPKEEPER_DB_URL": url})
    assert again.returncode == 2 and "already has" in again.stderr and "Traceback" not in again.stderr
    out = run_cli("store", "export", "tau-bench", str(tmp_path / "out"), "--db", url)
    assert out.returncode == 0 and (tmp_path / "out" / "orders.json").exists()
    bad_url = run_cli("store", "export", "tau-bench", str(tmp_path / "o2"), "--db", "mysql://nope")
    assert bad_url.returncode == 2 and "Unsupported database URL" in bad_url.stderr
    bad_format = run_cli("store", "import", "csv", str(src), "--db", url)
    assert bad_format.returncode == 2 and "Unknown store format" in bad_format.stderr


def test_cli_unreachable_database_says_what_to_fix() -> None:
    result = run_cli("store", "export", "tau-bench", "/tmp/never", "--db", "postgresql://127.0.0.1:1/none")
    assert result.returncode == 2
    assert (
        "Cannot open the database" in result.stderr
        and "Fix:" in result.stderr
        and "Traceback" not in result.stderr
    )
