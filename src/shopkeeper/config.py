"""Settings: where the store lives and which model serves, validated and built by a function.

Nothing here runs at import time. Operator mistakes surface as `ConfigError` with the fix in the message.
The environment variables read are `SHOPKEEPER_DB_URL`, `SHOPKEEPER_DATA_DIR` and `SHOPKEEPER_LLM`.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import BaseModel, ConfigDict

from shopkeeper.errors import ConfigError

__all__ = ["Settings", "data_dir", "default_db_url", "load_settings", "normalize_db_url"]

_SUPPORTED_SCHEMES = ("sqlite", "postgresql")


class Settings(BaseModel):
    """Validated settings for one process."""

    model_config = ConfigDict(frozen=True)

    db_url: str
    data_dir: Path
    cache_dir: Path
    llm: str = "transformers"


def data_dir() -> Path:
    """Directory for the default database and other user data (`SHOPKEEPER_DATA_DIR` overrides)."""
    override = os.environ.get("SHOPKEEPER_DATA_DIR")
    return Path(override) if override else Path(user_data_dir("shopkeeper", appauthor=False))


def default_db_url() -> str:
    """The embedded default: a SQLite file under the user data directory."""
    return f"sqlite:///{data_dir() / 'shopkeeper.db'}"


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


def load_settings(db_url: str | None = None, llm: str | None = None) -> Settings:
    """Build settings from explicit values, then the environment, then defaults."""
    url = db_url or os.environ.get("SHOPKEEPER_DB_URL") or default_db_url()
    return Settings(
        db_url=normalize_db_url(url),
        data_dir=data_dir(),
        cache_dir=Path(
            os.environ.get("SHOPKEEPER_CACHE_DIR") or user_cache_dir("shopkeeper", appauthor=False)
        ),
        llm=llm or os.environ.get("SHOPKEEPER_LLM") or "transformers",
    )
