"""Settings: where the store lives and which model serves, validated and built by a function.

Nothing here runs at import time. Operator mistakes surface as `ConfigError` with the fix in the message.
The environment variables read are `SHOPKEEPER_DB_URL`, `SHOPKEEPER_DATA_DIR`, `SHOPKEEPER_CACHE_DIR`,
`SHOPKEEPER_LLM`, and for the store behind the seam `SHOPKEEPER_STORE` (`sql`, the built-in store and
the default, or `medusa`) with `SHOPKEEPER_MEDUSA_URL` and `SHOPKEEPER_MEDUSA_API_KEY`. Store
credentials come from the environment only, never from a file in the repository; the API key is a
`SecretStr`, so it shows as `**********` in any repr, log line or error message.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from platformdirs import user_cache_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, SecretStr

from shopkeeper.errors import ConfigError

__all__ = [
    "STORES",
    "MedusaSettings",
    "Settings",
    "StoreName",
    "data_dir",
    "default_db_url",
    "load_settings",
    "medusa_settings",
]

StoreName = Literal["sql", "medusa"]
STORES: tuple[StoreName, ...] = ("sql", "medusa")


class MedusaSettings(BaseModel):
    """Where the Medusa v2 store is and the secret admin API key it accepts."""

    model_config = ConfigDict(frozen=True)

    url: str
    api_key: SecretStr


class Settings(BaseModel):
    """Validated settings for one process."""

    model_config = ConfigDict(frozen=True)

    db_url: str
    data_dir: Path
    cache_dir: Path
    llm: str = "transformers"
    store: StoreName = "sql"
    medusa: MedusaSettings | None = None  # set exactly when store == "medusa"


def data_dir() -> Path:
    """Directory for the default database and other user data (`SHOPKEEPER_DATA_DIR` overrides)."""
    override = os.environ.get("SHOPKEEPER_DATA_DIR")
    return Path(override) if override else Path(user_data_dir("shopkeeper", appauthor=False))


def default_db_url() -> str:
    """The embedded default: a SQLite file under the user data directory."""
    return f"sqlite:///{data_dir() / 'shopkeeper.db'}"


def _store_name() -> StoreName:
    raw = os.environ.get("SHOPKEEPER_STORE", "").strip().lower() or "sql"
    for name in STORES:
        if raw == name:
            return name
    raise ConfigError(
        f"Unknown store {raw!r} in SHOPKEEPER_STORE.",
        fix="Set SHOPKEEPER_STORE=sql (the built-in store, the default) or SHOPKEEPER_STORE=medusa.",
    )


def medusa_settings() -> MedusaSettings:
    """`SHOPKEEPER_MEDUSA_URL` and `SHOPKEEPER_MEDUSA_API_KEY`, checked; the key is never echoed."""
    url = os.environ.get("SHOPKEEPER_MEDUSA_URL", "").strip()
    key = os.environ.get("SHOPKEEPER_MEDUSA_API_KEY", "").strip()
    if not url:
        raise ConfigError(
            "SHOPKEEPER_STORE=medusa, but SHOPKEEPER_MEDUSA_URL is not set.",
            fix="export SHOPKEEPER_MEDUSA_URL=https://shop.example.com (the Medusa server's base URL, "
            "without /admin).",
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"SHOPKEEPER_MEDUSA_URL={url!r} is not an http(s) URL.",
            fix="Use the Medusa server's base URL with its scheme, e.g. https://shop.example.com or "
            "http://127.0.0.1:9000.",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError(
            "SHOPKEEPER_MEDUSA_URL carries credentials, a query or a fragment.",
            fix="Give only the base URL (https://shop.example.com); the key goes in "
            "SHOPKEEPER_MEDUSA_API_KEY.",
        )
    url = url.rstrip("/")
    for api in ("/admin", "/store"):
        if url.endswith(api):
            raise ConfigError(
                f"SHOPKEEPER_MEDUSA_URL={url!r} names Medusa's {api} API, not the server.",
                fix=f"Give the server's base URL: SHOPKEEPER_MEDUSA_URL={url[: -len(api)]}",
            )
    if not key:
        raise ConfigError(
            "SHOPKEEPER_STORE=medusa, but SHOPKEEPER_MEDUSA_API_KEY is not set.",
            fix="Create a secret API key in the Medusa admin (Settings > Secret API Keys) and "
            "export SHOPKEEPER_MEDUSA_API_KEY=sk_...",
        )
    if key.startswith("pk_"):
        raise ConfigError(
            "SHOPKEEPER_MEDUSA_API_KEY is a publishable key (pk_...), which cannot use the Admin API.",
            fix="Use a secret API key (sk_..., Medusa admin > Settings > Secret API Keys).",
        )
    return MedusaSettings(url=url, api_key=SecretStr(key))


def load_settings(db_url: str | None = None, llm: str | None = None) -> Settings:
    """Build settings from explicit values, then the environment, then defaults."""
    from shopkeeper.store.db import normalize_db_url

    url = db_url or os.environ.get("SHOPKEEPER_DB_URL") or default_db_url()
    store = _store_name()
    return Settings(
        db_url=normalize_db_url(url),
        data_dir=data_dir(),
        cache_dir=Path(
            os.environ.get("SHOPKEEPER_CACHE_DIR") or user_cache_dir("shopkeeper", appauthor=False)
        ),
        llm=llm or os.environ.get("SHOPKEEPER_LLM") or "transformers",
        store=store,
        medusa=medusa_settings() if store == "medusa" else None,
    )
