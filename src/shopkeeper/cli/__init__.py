"""The `shopkeeper` command line: one module per command group, errors translated here only.

Each group module defines a Typer app and delegates to the library; this module mounts them and turns
Shopkeeper's errors into a short message and a non-zero exit instead of a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from shopkeeper.errors import ActionError, ConfigError, DataError, ModelError

__all__ = ["app", "main"]

app = typer.Typer(
    name="shopkeeper",
    help="Shopkeeper: a self-hostable AI customer-support agent for online retailers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _mount() -> None:
    from shopkeeper.cli import store

    app.add_typer(store.app, name="store")
    from shopkeeper.cli import model

    app.add_typer(model.app, name="model")
    from shopkeeper.cli import kb

    app.add_typer(kb.app, name="kb")
    from shopkeeper.cli import understand

    app.command("understand")(understand.understand)
    from shopkeeper.cli import eval as eval_cli

    app.add_typer(eval_cli.app, name="eval")
    from shopkeeper.cli import chat

    app.command("chat")(chat.chat)
    app.command("ask")(chat.ask)
    app.command("run")(chat.run)
    from shopkeeper.cli import privacy

    app.add_typer(privacy.app, name="privacy")
    app.command("audit")(privacy.audit)
    from shopkeeper.cli import serve

    app.command("serve")(serve.serve)
    from shopkeeper.cli import admin

    app.add_typer(admin.app, name="admin")


def main() -> None:
    """Console-script entry point."""
    _mount()
    err = Console(stderr=True)
    try:
        app()
    except ConfigError as exc:
        err.print(f"[bold red]Configuration error:[/] {exc.problem}")
        if exc.fix:
            err.print(f"[yellow]Fix:[/] {exc.fix}")
        sys.exit(2)
    except DataError as exc:
        err.print(f"[bold red]Bad input:[/] {exc}")
        sys.exit(2)
    except ActionError as exc:
        err.print(f"[bold red]Refused:[/] {exc.message} ({exc.code})")
        sys.exit(1)
    except ModelError as exc:
        err.print(f"[bold red]Language model error:[/] {exc}{' (try again later)' if exc.retryable else ''}")
        sys.exit(1)
