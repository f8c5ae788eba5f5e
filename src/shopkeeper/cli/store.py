"""`shopkeeper store ...`: check the configured store; migrate, import, export and build the demo store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shopkeeper.cli.common import DbOption, open_db
from shopkeeper.errors import DataError

app = typer.Typer(help="Check, migrate, import, export and build stores.", no_args_is_help=True)
_console = Console()
FORMATS = ("tau-bench",)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise DataError(f"Unknown store format {fmt!r}; supported: {', '.join(FORMATS)}")


@app.command("import")
def import_(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="Store format: tau-bench")],
    directory: Annotated[Path, typer.Argument(help="Folder with users.json, orders.json, products.json")],
    db: DbOption = None,
) -> None:
    """Load a store from files (all or nothing: a bad file changes nothing)."""
    from shopkeeper.store.taubench import import_taubench

    _check_format(fmt)
    database = open_db(db)
    counts = import_taubench(database, directory)
    _console.print(
        f"Imported {counts['customers']} customers, {counts['orders']} orders, {counts['products']} products."
    )


@app.command("export")
def export(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="Store format: tau-bench")],
    directory: Annotated[
        Path, typer.Argument(help="Folder to write users.json, orders.json, products.json into")
    ],
    db: DbOption = None,
) -> None:
    """Write the store out in a published format."""
    from shopkeeper.store.taubench import export_taubench

    _check_format(fmt)
    counts = export_taubench(open_db(db), directory)
    _console.print(
        f"Exported {counts['customers']} customers, {counts['orders']} orders, {counts['products']} products to {directory}."
    )


@app.command("demo")
def demo(
    db: DbOption = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed builds the same store")] = 7,
) -> None:
    """Build the demo store (catalog, customers, orders, policy documents) into an empty database."""
    from shopkeeper.knowledge import index_demo_documents
    from shopkeeper.store.demo import build_demo

    database = open_db(db)
    counts = build_demo(database, seed=seed)
    documents = index_demo_documents(database)
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(counts["statuses"].items()))
    _console.print(
        f"Demo store built: {counts['products']} products ({counts['variants']} variants), "
        f"{counts['customers']} customers, {counts['orders']} orders ({statuses}); "
        f"{len(documents)} policy and FAQ documents indexed."
    )


@app.command("check")
def check(db: DbOption = None) -> None:
    """Check the configured store (SHOPKEEPER_STORE): reachable, key accepted, permissions, API
    version. Prints each problem with its fix and exits 1, or says the store is ready."""
    from shopkeeper.config import load_settings
    from shopkeeper.store.factory import open_backend

    settings = load_settings(db_url=db)
    where = f" at {settings.medusa.url}" if settings.medusa else ""
    database = open_db(db)
    backend = open_backend(settings, database)
    try:
        problems = backend.check()
        if not problems:
            products = len(backend.list_product_types())
    finally:
        backend.close()
        database.dispose()
    if problems:
        _console.print(f"The {backend.name} store{where} is not ready:", markup=False)
        for problem in problems:
            _console.print(f"- {problem}", markup=False, soft_wrap=True)
        raise typer.Exit(1)
    empty = " (none yet: `shopkeeper store demo` or `shopkeeper store import`)" if not products else ""
    _console.print(f"The {backend.name} store{where} is ready: {products} products{empty}.", markup=False)


@app.command("migrate")
def migrate(db: DbOption = None) -> None:
    """Create or upgrade Shopkeeper's own database to the newest schema (every command also does)."""
    open_db(db).dispose()
    _console.print("The database is at the newest schema.")
