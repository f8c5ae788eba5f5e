"""Database engines, sessions and migrations for SQLite (embedded default) and PostgreSQL.

SQLite files run in WAL mode with foreign keys on. Write transactions (`transaction()`) start with
`BEGIN IMMEDIATE`, so concurrent writers queue instead of failing half-way; read sessions start a
deferred transaction and never block, nor are blocked by, a writer. Schema changes only
come through the Alembic migrations in `migrations/`; `open_store()` applies them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shopkeeper.errors import ConfigError

__all__ = ["Database", "normalize_db_url", "open_store"]

_MIGRATIONS = Path(__file__).parent / "migrations"
PG_WRITE_LOCK = 7_262_013  # one advisory lock serialises writers, keeping the audit chain linear
_SUPPORTED_SCHEMES = ("sqlite", "postgresql")


def normalize_db_url(url: str) -> str:
    """Check a database URL and pick the psycopg 3 driver for plain `postgresql://` URLs."""
    url = url.strip()
    if not url:
        raise ConfigError(
            "The database URL is empty.", fix="Pass --db sqlite:///path/to/file.db or set SHOPKEEPER_DB_URL."
        )
    scheme = url.split(":", 1)[0]
    base = scheme.split("+", 1)[0]
    if base == "postgres":
        base, url = "postgresql", "postgresql" + url[len(scheme) :]
        scheme = "postgresql"
    if base not in _SUPPORTED_SCHEMES or "://" not in url:
        raise ConfigError(
            f"Unsupported database URL {url!r}.",
            fix="Use sqlite:///path/to/file.db or postgresql+psycopg://user@host:5432/dbname.",
        )
    if scheme == "postgresql":
        url = "postgresql+psycopg" + url[len("postgresql") :]
    return url


class Database:
    """An engine plus a session factory; `transaction()` is the unit of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writers = sessionmaker(engine.execution_options(shopkeeper_write=True), expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session; rolled back at the end."""
        with self._sessions() as s:
            try:
                yield s
            finally:
                s.rollback()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any exception."""
        with self._writers() as s, s.begin():
            yield s

    def lock_writers(self, s: Session) -> None:
        """Serialise store writers for the rest of the transaction `s` (the audit chain stays linear)."""
        if self.dialect == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
        # SQLite: write transactions already start with BEGIN IMMEDIATE.

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(_MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_engine(url: str, echo: bool) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook below issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("shopkeeper_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def open_store(url: str, *, migrate: bool = True, echo: bool = False) -> Database:
    """Open (and by default migrate) the store at `url`. Fails fast with a fix if unreachable."""
    url = normalize_db_url(url)
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url, echo)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    db = Database(engine)
    try:
        if migrate:
            db.migrate()
        else:
            db.ping()
    except OperationalError as exc:
        engine.dispose()
        raise ConfigError(
            f"Cannot open the database at {make_url(url).render_as_string(hide_password=True)}: {exc.orig}",
            fix="Check that the server is running and the URL (host, port, database, user) is right.",
        ) from exc
    return db
