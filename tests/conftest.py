"""Shared fixtures: real databases (SQLite always, PostgreSQL when reachable) and shared data paths.

PostgreSQL tests use the server at SHOPKEEPER_TEST_PG (default postgresql://127.0.0.1:5432/test) and
each test gets a database of its own, created from scratch and dropped afterwards. When no server is
reachable they are skipped with the reason shown.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.store.db import Database, open_store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TAU_DIR = SHARED / "data" / "tau-bench-retail"
BITEXT = SHARED / "data" / "bitext-customer-support" / "intent_dev.jsonl"
PG_ADMIN_URL = os.environ.get("SHOPKEEPER_TEST_PG", "postgresql://127.0.0.1:5432/test")


def _pg_admin_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}"


_PG_REASON: list[str | None] = []


def pg_unavailable() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(_pg_admin_reason())
    return _PG_REASON[0]


def create_pg_database(template: str | None = None) -> str:
    """Create a fresh PostgreSQL database and return its psycopg URL."""
    import psycopg

    name = f"sk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (a user's clone has no ../shared; CI has it)")
    return path


@pytest.fixture
def tau_dir() -> Path:
    return require_shared(TAU_DIR)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty database, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    reason = pg_unavailable()
    if reason:
        pytest.skip(reason)
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An empty, migrated store on each backend."""
    database = open_store(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated SQLite store (for tests that need only one backend)."""
    database = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        yield database
    finally:
        database.dispose()
