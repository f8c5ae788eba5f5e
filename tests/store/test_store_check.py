"""`shopkeeper store check` on the built-in store and with bad store settings: the whole command in a
process of its own, as an operator runs it (exit status, plain words, the key never printed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shopkeeper.config import load_settings
from shopkeeper.store.db import open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.store.factory import open_backend
from shopkeeper.store.sql import SqlStore

KEY = "sk_secret_never_printed"


def shopkeeper(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SHOPKEEPER_STORE", "SHOPKEEPER_MEDUSA"))
    }
    return subprocess.run(
        [sys.executable, "-c", "from shopkeeper.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**base, "COLUMNS": "300", **env},  # one line per message
        check=False,
    )


def test_the_built_in_store_is_ready_and_counts_its_products(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SHOPKEEPER_STORE", raising=False)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = open_store(url)
    build_demo(db, seed=3)
    assert isinstance(open_backend(load_settings(), db), SqlStore)
    db.dispose()
    done = shopkeeper("store", "check", "--db", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "The sql store is ready: 64 products."
    empty = shopkeeper("store", "check", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert empty.returncode == 0 and "0 products (none yet: `shopkeeper store demo`" in empty.stdout


def test_bad_store_settings_exit_2_with_the_fix(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    no_key = shopkeeper(
        "store", "check", "--db", db, SHOPKEEPER_STORE="medusa", SHOPKEEPER_MEDUSA_URL="http://127.0.0.1:9000"
    )
    assert no_key.returncode == 2
    assert "SHOPKEEPER_MEDUSA_API_KEY is not set" in no_key.stderr and "Secret API Keys" in no_key.stderr
    bad_url = shopkeeper(
        "store", "check", "--db", db, SHOPKEEPER_STORE="medusa", SHOPKEEPER_MEDUSA_URL="shop.example.com",
        SHOPKEEPER_MEDUSA_API_KEY=KEY,
    )  # fmt: skip
    assert bad_url.returncode == 2 and "not an http(s) URL" in bad_url.stderr
    assert KEY not in bad_url.stdout + bad_url.stderr
    unknown = shopkeeper("store", "check", "--db", db, SHOPKEEPER_STORE="magento")
    assert unknown.returncode == 2 and "SHOPKEEPER_STORE=medusa" in unknown.stderr
