"""Options and helpers shared by the command groups (the `--db` option and opening the store)."""

from __future__ import annotations

from typing import Annotated

import typer

from shopkeeper.config import load_settings
from shopkeeper.store.db import Database, open_store

__all__ = ["DbOption", "open_db"]

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
