"""`open_backend(settings, db)`: the store the process is configured to serve from.

`settings.store` names it: "sql" is the built-in store in Shopkeeper's own database `db`; "medusa" is
the Medusa v2 connector at `settings.medusa.url` with its secret API key. Shopkeeper's own database is
opened either way: conversations, the audit log and idempotency records live there whatever the store.
The settings are taken by their shape (`shopkeeper.config.Settings` fits), so this module, like all of
`store/`, imports nothing above the seam. Nothing is contacted here: `check()` on the result says
whether the store can serve; `open_ready_backend` asks it and fails fast (what a server or a chat
does at start-up).
"""

from __future__ import annotations

from typing import Protocol

from shopkeeper.errors import ConfigError
from shopkeeper.store.backend import StoreBackend
from shopkeeper.store.db import Database

__all__ = ["BackendSettings", "open_backend", "open_ready_backend"]


class _Secret(Protocol):
    def get_secret_value(self) -> str: ...


class _MedusaTarget(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def api_key(self) -> _Secret: ...


class BackendSettings(Protocol):
    """What `open_backend` reads from the process settings."""

    @property
    def store(self) -> str: ...

    @property
    def medusa(self) -> _MedusaTarget | None: ...


def open_backend(settings: BackendSettings, db: Database) -> StoreBackend:
    """The configured store; `ConfigError` when the settings name none that exists."""
    if settings.store == "sql":
        from shopkeeper.store.sql import SqlStore

        return SqlStore(db)
    if settings.store == "medusa":
        if settings.medusa is None:
            raise ConfigError(
                "The Medusa store is selected but has no URL and key.",
                fix="Set SHOPKEEPER_MEDUSA_URL and SHOPKEEPER_MEDUSA_API_KEY.",
            )
        from shopkeeper.store.medusa import connect

        return connect(settings.medusa.url, settings.medusa.api_key.get_secret_value())
    raise ConfigError(
        f"Unknown store {settings.store!r}.", fix="Set SHOPKEEPER_STORE=sql (the default) or medusa."
    )


def open_ready_backend(settings: BackendSettings, db: Database) -> StoreBackend:
    """The configured store after its `check()`; a `ConfigError` listing every problem if it cannot
    serve (unreachable, key rejected, missing permission or schema)."""
    backend = open_backend(settings, db)
    problems = backend.check()
    if problems:
        backend.close()
        raise ConfigError(
            f"The {backend.name} store is not ready: " + " ".join(problems),
            fix="`shopkeeper store check` says the same; run it again once this is fixed.",
        )
    return backend
