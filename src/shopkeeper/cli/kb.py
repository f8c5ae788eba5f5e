"""`shopkeeper kb`: add, list, remove, search and ask the store's knowledge base.

Parses arguments, opens the store and delegates to `shopkeeper.knowledge.KnowledgeBase`; errors are
translated by `shopkeeper.cli.main`. `--db` defaults to the configured store (`SHOPKEEPER_DB_URL`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shopkeeper.config import load_settings
from shopkeeper.knowledge import KnowledgeBase, collect_files
from shopkeeper.store.db import Database, open_store

__all__ = ["app"]

app = typer.Typer(
    help="The knowledge base: policy and help documents the assistant answers from.", no_args_is_help=True
)

DbOption = Annotated[
    str | None, typer.Option("--db", help="Database URL (default: SHOPKEEPER_DB_URL or the local file).")
]


def _open(db: str | None) -> Database:
    return open_store(load_settings(db).db_url)


@app.command("add")
def add(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md, .html, .txt, .pdf).")],
    db: DbOption = None,
) -> None:
    """Ingest documents; unchanged files are skipped, changed ones replaced."""
    console = Console()
    files = collect_files(paths)
    store = _open(db)
    try:
        kb = KnowledgeBase(store)
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Indexing", total=len(files))
            for path in files:
                progress.update(task, description=f"Indexing {path.name}")
                result = kb.add_file(path)
                counts[result.status] += 1
                progress.console.print(f"  {result.status:9} {result.document_id} ({result.chunks} chunks)")
                progress.advance(task)
        console.print(
            f"{counts['added']} added, {counts['updated']} updated, {counts['unchanged']} unchanged "
            f"({len(files)} files)."
        )
    finally:
        store.dispose()


@app.command("list")
def list_documents(db: DbOption = None) -> None:
    """List the indexed documents."""
    store = _open(db)
    try:
        docs = KnowledgeBase(store).list()
    finally:
        store.dispose()
    table = Table("id", "title", "kind", "pages", "chunks", "source")
    for d in docs:
        table.add_row(d.id, d.title, d.kind, str(d.pages), str(d.chunks), d.source)
    Console().print(
        table if docs else "The knowledge base is empty. Add documents with `shopkeeper kb add PATH`."
    )


@app.command("remove")
def remove(
    documents: Annotated[list[str], typer.Argument(help="Document ids (see `kb list`) or file paths.")],
    db: DbOption = None,
) -> None:
    """Remove documents and their chunks."""
    store = _open(db)
    missing = []
    try:
        kb = KnowledgeBase(store)
        for doc in documents:
            if kb.remove(doc):
                Console().print(f"Removed {doc}.")
            else:
                missing.append(doc)
    finally:
        store.dispose()
    if missing:
        Console(stderr=True).print(f"Not in the knowledge base: {', '.join(missing)}")
        raise typer.Exit(1)


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", help="How many passages.")] = 5,
    db: DbOption = None,
) -> None:
    """Show the best passages for a query (hybrid BM25 + embeddings)."""
    store = _open(db)
    try:
        passages = KnowledgeBase(store).search(query, k=k)
    finally:
        store.dispose()
    console = Console()
    if not passages:
        console.print("No passages found.")
    for rank, p in enumerate(passages, 1):
        console.print(
            f"[bold]{rank}. {p.document_title} › {p.section}[/] "
            f"[dim]({p.anchor}, cosine {p.similarity:.2f})[/]"
        )
        console.print(f"   {p.text[:300]}{'…' if len(p.text) > 300 else ''}", markup=False)


@app.command("ask")
def ask(
    question: Annotated[str, typer.Argument(help="A customer's question.")],
    db: DbOption = None,
) -> None:
    """Answer a question from the documents, with citations (or say it is not covered)."""
    store = _open(db)
    try:
        answer = KnowledgeBase(store).answer(question)
    finally:
        store.dispose()
    console = Console()
    console.print(answer.render(), markup=False)
    console.print(f"[dim]grounded={answer.grounded} confidence={answer.confidence:.2f}[/]")
