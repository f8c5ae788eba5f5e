"""`shopkeeper privacy ...` and `shopkeeper audit`: retention, erasure, and the audit log."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shopkeeper.cli.common import DbOption, open_db, open_db_and_store

app = typer.Typer(help="Personal data: retention and erasure.", no_args_is_help=True)
_console = Console()


@app.command("purge")
def purge(
    older_than: Annotated[str, typer.Option("--older-than", help="Age such as 30d, 12h, 2w")],
    db: DbOption = None,
) -> None:
    """Delete conversations not updated within the given age."""
    from shopkeeper.privacy import parse_age
    from shopkeeper.privacy import purge as run_purge

    count = run_purge(open_db(db), parse_age(older_than))
    _console.print(f"Deleted {count} conversation(s) older than {older_than}.")


@app.command("forget")
def forget(
    email: Annotated[str, typer.Argument(help="The customer's email address")], db: DbOption = None
) -> None:
    """Delete a customer's conversations and erase their personal data from the audit log (the
    customer is found in the configured store, SHOPKEEPER_STORE)."""
    from shopkeeper.privacy import forget as run_forget

    database, store = open_db_and_store(db)
    try:
        done = run_forget(database, email, store)
    finally:
        store.close()
    _console.print(
        f"Forgot customer {done.customer_id}: {done.conversations} conversation(s) deleted, "
        f"{done.audit_entries} audit entr{'y' if done.audit_entries == 1 else 'ies'} anonymised. "
        "Order records are kept."
    )


def audit(
    db: DbOption = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Check the hash chain; exit 1 if it is broken")
    ] = False,
    conversation: Annotated[str | None, typer.Option(help="Only this conversation's entries")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action")] = None,
    limit: Annotated[int, typer.Option(help="How many entries, newest first")] = 20,
) -> None:
    """Show the audit log of writes (with --verify, check that no entry was removed or edited)."""
    from shopkeeper import audit as log
    from shopkeeper.privacy import redact

    database = open_db(db)
    if verify:
        result = log.verify(database)
        if result.ok:
            _console.print(f"Audit chain intact: {result.checked} entries verified.")
            return
        _console.print(f"[bold red]Audit chain broken[/] at entry {result.first_bad_id}: {result.problem}.")
        raise typer.Exit(1)
    table = Table("id", "at", "actor", "conversation", "action", "outcome", "arguments")
    for e in log.entries(database, conversation_id=conversation, action=action, limit=limit):
        table.add_row(
            str(e.id),
            e.at[:19],
            e.actor,
            (e.conversation_id or "")[:12],
            e.action,
            e.outcome,
            redact(json.dumps(e.arguments))[:80],
        )
    _console.print(table)
