"""`shopkeeper admin`: API keys for the admin API (`/api/admin/`): create, list, revoke.

Keys are stored hashed in the key file (`--keys-file`, default `<data dir>/admin_keys.json`, the same
default as `shopkeeper serve`); a new key is printed once and cannot be shown again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app"]

app = typer.Typer(help="Admin API keys (stored hashed).", no_args_is_help=True)
KeysFile = Annotated[
    Path | None,
    typer.Option("--keys-file", help="Key file (default: admin_keys.json in the user data directory)."),
]


def _store(keys_file: Path | None):  # type: ignore[no-untyped-def]
    from shopkeeper.api.keys import KeyStore
    from shopkeeper.config import data_dir

    return KeyStore(keys_file or data_dir() / "admin_keys.json")


@app.command("create-key")
def create_key(
    name: Annotated[
        str, typer.Option(help="Who or what uses the key, e.g. 'alice' or 'helpdesk'.")
    ] = "admin",
    keys_file: KeysFile = None,
) -> None:
    """Create a key and print it (shown once)."""
    record, secret = _store(keys_file).create(name)
    typer.echo(secret)
    typer.echo(f"key id {record.id} ({record.name}); send it as 'Authorization: Bearer <key>'", err=True)


@app.command("list-keys")
def list_keys(keys_file: KeysFile = None) -> None:
    """List keys (ids and names; the keys themselves are not stored)."""
    for key in _store(keys_file).all():
        typer.echo(f"{key.id}  {key.name:<20} created {key.created}{'  REVOKED' if key.revoked else ''}")


@app.command("revoke-key")
def revoke_key(
    key_id: Annotated[str, typer.Argument(help="The key id shown by list-keys")], keys_file: KeysFile = None
) -> None:
    """Revoke a key; it stops working at once, also on running servers."""
    if not _store(keys_file).revoke(key_id):
        typer.echo(f"No live key with id {key_id}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Revoked {key_id}.")
