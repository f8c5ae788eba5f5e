"""`shopkeeper chat`, `shopkeeper ask` and `shopkeeper run`: talk to the agent in the terminal.

`run` is the quick start: it builds the demo store (and indexes its documents) on first use, then
serves the web chat and prints its URL (the model loads in the server); `run --terminal` chats here.
The agent serves from the store SHOPKEEPER_STORE names (the built-in one by default, or Medusa),
checked before the first message; with Medusa `run` builds no demo catalog (Medusa holds it).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel

from shopkeeper.cli.common import DbOption, open_db, open_db_and_store

__all__ = ["ask", "chat", "run"]

_console = Console()
NoModel = Annotated[bool, typer.Option("--no-model", help="Don't load a language model (templates only).")]


def _agent(db: str | None, no_model: bool):  # type: ignore[no-untyped-def]
    from shopkeeper.agent import Agent
    from shopkeeper.knowledge import KnowledgeBase

    database, store = open_db_and_store(db)
    llm = None
    if not no_model:
        from shopkeeper.llm import registry

        llm = registry.get()
    return Agent(database, llm=llm, kb=KnowledgeBase(database), store=store)


def _show(agent, conversation_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    from shopkeeper.events import CitationEvent, HandoffEvent, ProposalEvent

    for event in agent.respond(conversation_id, text):
        if event.type == "text":
            _console.print(f"[bold green]assistant[/]: {event.text}")
        elif isinstance(event, ProposalEvent):
            _console.print(
                Panel(event.summary, title="Proposed change: reply yes to confirm", border_style="yellow")
            )
        elif isinstance(event, CitationEvent):
            _console.print(f"  [dim]source: {event.document} › {event.section}[/]")
        elif isinstance(event, HandoffEvent):
            _console.print(Panel(event.summary, title="Handed off to a human", border_style="red"))


def chat(db: DbOption = None, no_model: NoModel = False) -> None:
    """Chat with the store assistant (type 'exit' or press Ctrl-D to leave)."""
    from shopkeeper.errors import ActionError
    from shopkeeper.flows.info import GREETING

    agent = _agent(db, no_model)
    conversation = agent.start(channel="terminal")
    _console.print(f"[bold green]assistant[/]: {GREETING}")
    while True:
        try:
            text = _console.input("[bold cyan]you[/]: ")
        except (EOFError, KeyboardInterrupt):
            _console.print()
            break
        if text.strip().lower() in ("exit", "quit"):
            break
        if not text.strip():
            continue
        try:
            _show(agent, conversation, text)
        except ActionError as exc:
            _console.print(f"[red]{exc.message}[/]")


def ask(
    question: Annotated[str, typer.Argument(help="One message to the assistant")],
    db: DbOption = None,
    no_model: NoModel = False,
) -> None:
    """Send one message and print the answer."""
    agent = _agent(db, no_model)
    _show(agent, agent.start(channel="cli"), question)


def run(
    db: DbOption = None,
    no_model: NoModel = False,
    terminal: Annotated[
        bool, typer.Option("--terminal", help="Chat in the terminal instead of the browser.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port of the web chat.")] = 8000,
) -> None:
    """Quick start: build the demo store on first use, then open the web chat (or, with --terminal, chat here)."""
    from sqlalchemy import select

    from shopkeeper.config import load_settings
    from shopkeeper.knowledge import index_demo_documents
    from shopkeeper.store.demo import build_demo
    from shopkeeper.store.schema import ProductRow

    database = open_db(db)
    with database.session() as s:
        empty = s.scalars(select(ProductRow.id).limit(1)).first() is None
    if empty and load_settings(db_url=db).store == "sql":
        _console.print("Building the demo store (first run)...")
        build_demo(database)
    index_demo_documents(database)
    url = database.engine.url.render_as_string(hide_password=False)
    database.dispose()
    if not terminal:
        from shopkeeper.cli.serve import start

        start(url, "127.0.0.1", port, load_model=not no_model)
        return
    if not no_model:
        from shopkeeper.llm import registry

        _console.print("Loading the language model...")
        registry.get()
    chat(db=url, no_model=no_model)
