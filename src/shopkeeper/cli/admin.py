"""`shopkeeper admin`: API keys for the admin API (`/api/admin/`) and staff accounts for the console.

Keys are stored hashed in the key file (`--keys-file`, default `<data dir>/admin_keys.json`, the same
default as `shopkeeper serve`); a new key is printed once and cannot be shown again. Console users
(`create-user`, `list-users`, `disable-user`) live in the store's database, passwords argon2-hashed;
a password is prompted for (hidden, twice) or read from stdin with `--password-stdin`, never argv.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopkeeper.cli.common import DbOption, open_db

__all__ = ["app"]

app = typer.Typer(help="Admin API keys and console users (stored hashed).", no_args_is_help=True)
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


@app.command("create-user")
def create_user(
    name: Annotated[str, typer.Argument(help="Sign-in name: lower-case letters, digits, '.', '_', '-'.")],
    role: Annotated[
        str, typer.Option(help="agent: handles conversations; owner: also knowledge, keys and users.")
    ] = "agent",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a console user (the password is prompted for, or read from stdin)."""
    import sys

    from shopkeeper.staff import Staff

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = open_db(db)
    try:
        user = Staff(store).create_user(name, password, role)
    finally:
        store.dispose()
    typer.echo(f"Created {user.role} {user.name}; sign in at /console.")


@app.command("list-users")
def list_users(db: DbOption = None) -> None:
    """List console users and their roles."""
    from shopkeeper.staff import Staff

    store = open_db(db)
    try:
        for user in Staff(store).users():
            typer.echo(f"{user.name:<24} {user.role:<6}{'  DISABLED' if user.disabled else ''}")
    finally:
        store.dispose()


@app.command("disable-user")
def disable_user(
    name: Annotated[str, typer.Argument(help="The user's sign-in name")],
    enable: Annotated[bool, typer.Option("--enable", help="Enable the user again instead.")] = False,
    db: DbOption = None,
) -> None:
    """Disable a console user (signed out everywhere at once), or enable them again."""
    from shopkeeper.staff import Staff

    store = open_db(db)
    try:
        if not Staff(store).set_disabled(name, not enable, by="system"):
            typer.echo(f"No user called {name}.", err=True)
            raise typer.Exit(1)
    finally:
        store.dispose()
    typer.echo(f"{'Enabled' if enable else 'Disabled'} {name}.")
