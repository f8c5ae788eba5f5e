"""Settings of one API server process, validated when they are built, and the start-up checks.

`ServeSettings` holds what `create_app` needs: the store settings (database URL, model spec), whether to
load a language model, CORS origins, the request-size limit and the per-client rate limit.
`check(settings)` runs before the server starts and fails with a `ConfigError` that says what to fix
(bad port, unreachable database, a store that cannot serve, unknown model backend). Nothing here starts a server.
"""

from __future__ import annotations

import socket
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from shopkeeper.config import Settings
from shopkeeper.errors import ConfigError

__all__ = ["DEFAULT_MAX_BODY_BYTES", "ServeSettings", "check", "check_port"]

DEFAULT_MAX_BODY_BYTES = 256 * 1024


class ServeSettings(BaseModel):
    """Validated settings for `create_app`."""

    model_config = ConfigDict(frozen=True)

    store: Settings
    load_model: bool = True
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    rate_limit_per_minute: int = 0  # per client address; 0 = no limit
    warm_up: bool = True  # load the understanding and embedding models before /readyz says ready
    admin_keys: Path | None = None  # hashed admin API keys; default <data dir>/admin_keys.json

    def admin_keys_path(self) -> Path:
        return self.admin_keys or self.store.data_dir / "admin_keys.json"

    @field_validator("max_body_bytes")
    @classmethod
    def _positive_body(cls, value: int) -> int:
        if value < 1024:
            raise ValueError("max_body_bytes must be at least 1024")
        return value

    @field_validator("rate_limit_per_minute")
    @classmethod
    def _non_negative_rate(cls, value: int) -> int:
        if value < 0:
            raise ValueError("rate_limit_per_minute must be 0 (off) or more")
        return value


def check_port(host: str, port: int) -> None:
    """Fail with a fix unless `host:port` is a valid address this process can listen on right now."""
    if not 1 <= port <= 65535:
        raise ConfigError(
            f"Port {port} is out of range.", fix="Use a port between 1 and 65535, e.g. --port 8000."
        )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConfigError(
            f"Cannot resolve the host {host!r}: {exc.strerror}.",
            fix="Use an address of this machine, e.g. --host 127.0.0.1 (local only) or --host 0.0.0.0 (all).",
        ) from exc
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise ConfigError(
                f"Cannot listen on {host}:{port}: {exc.strerror}.",
                fix="Pick a free port with --port, or stop the process using this one.",
            ) from exc


def check(settings: ServeSettings) -> None:
    """Start-up checks: the database opens (and is migrated), the configured store can serve
    (`StoreBackend.check()`: reachable, key accepted, permissions) and the model backend exists."""
    from shopkeeper.store.db import open_store
    from shopkeeper.store.factory import open_ready_backend

    db = open_store(settings.store.db_url)
    try:
        open_ready_backend(settings.store, db).close()
    finally:
        db.dispose()
    if settings.load_model:
        from shopkeeper.llm import registry

        name, _ = registry.parse_spec(settings.store.llm)
        if name not in registry.available():
            raise ConfigError(
                f"Unknown language-model backend {name!r} (SHOPKEEPER_LLM={settings.store.llm!r}).",
                fix=f"Use one of: {', '.join(registry.available())}; or pass --no-model.",
            )
