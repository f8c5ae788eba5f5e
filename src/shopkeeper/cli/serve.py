"""`shopkeeper serve`: run the HTTP API and web chat with uvicorn.

Settings are checked before the server starts (port in range and free, database reachable, model
backend known); a problem ends the command with a `ConfigError` saying what to fix, which the CLI
prints in its one translation place. `start(...)` is shared with `shopkeeper run`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopkeeper.cli.common import DbOption

__all__ = ["serve", "start"]


def start(
    db_url: str | None,
    host: str,
    port: int,
    *,
    load_model: bool,
    cors_origins: tuple[str, ...] = (),
    max_body_bytes: int | None = None,
    rate_limit: int = 0,
    admin_keys: Path | None = None,
    announce: bool = True,
) -> None:
    import uvicorn
    from pydantic import ValidationError

    from shopkeeper.api import ServeSettings, check, create_app
    from shopkeeper.api.settings import DEFAULT_MAX_BODY_BYTES, check_port
    from shopkeeper.config import load_settings
    from shopkeeper.errors import ConfigError

    try:
        settings = ServeSettings(
            store=load_settings(db_url=db_url),
            load_model=load_model,
            cors_origins=cors_origins,
            max_body_bytes=max_body_bytes or DEFAULT_MAX_BODY_BYTES,
            rate_limit_per_minute=rate_limit,
            admin_keys=admin_keys,
        )
    except ValidationError as exc:
        problem = "; ".join(str(e["msg"]) for e in exc.errors())
        raise ConfigError(
            f"Invalid server settings: {problem}.", fix="Check the options of `shopkeeper serve`."
        ) from exc
    check_port(host, port)
    check(settings)
    if announce:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"
        typer.echo(f"Shopkeeper web chat: {url}  (API docs: {url}docs; Ctrl-C stops)", err=False)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", timeout_graceful_shutdown=5)


def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    no_model: Annotated[
        bool, typer.Option("--no-model", help="Don't load a language model (templates only).")
    ] = False,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option("--cors-origin", help="Allow browser calls from this origin (repeatable)."),
    ] = None,
    max_body_bytes: Annotated[int | None, typer.Option(help="Largest request body accepted.")] = None,
    rate_limit: Annotated[
        int, typer.Option(help="Messages per minute per client address (0: no limit).")
    ] = 0,
    admin_keys: Annotated[
        Path | None,
        typer.Option("--admin-keys", help="Admin API key file (default: admin_keys.json in the data dir)."),
    ] = None,
) -> None:
    """Serve the HTTP API, the OpenAI-compatible endpoint and the web chat."""
    start(
        db,
        host,
        port,
        load_model=not no_model,
        cors_origins=tuple(cors_origin or ()),
        max_body_bytes=max_body_bytes,
        rate_limit=rate_limit,
        admin_keys=admin_keys,
    )
