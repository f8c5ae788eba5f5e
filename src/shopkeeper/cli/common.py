"""Options and helpers shared by the command groups (the `--db` option, opening the database and the
configured store)."""

from __future__ import annotations

from typing import Annotated

import typer

from shopkeeper.config import load_settings
from shopkeeper.store.backend import StoreBackend
from shopkeeper.store.db import Database, open_store

__all__ = ["DbOption", "open_db", "open_db_and_store"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db or postgresql+psycopg://...). Default: $SHOPKEEPER_DB_URL, "
        "else a SQLite file in the user data directory.",
        show_default=False,
    ),
]


def open_db(db: str | None) -> Database:
    """Open and migrate the store named by --db, the environment, or the default."""
    return open_store(load_settings(db_url=db).db_url)


def open_db_and_store(db: str | None) -> tuple[Database, StoreBackend]:
    """Shopkeeper's own database (conversations, audit log) and the store SHOPKEEPER_STORE names,
    checked: a store that cannot serve is a ConfigError naming each problem."""
    from shopkeeper.store.factory import open_ready_backend

    settings = load_settings(db_url=db)
    database = open_store(settings.db_url)
    try:
        return database, open_ready_backend(settings, database)
    except Exception:
        database.dispose()
        raise
