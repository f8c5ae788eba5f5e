"""`shopkeeper chat`, `shopkeeper ask` and `shopkeeper run`: talk to the agent in the terminal.

`run` is the quick start: it builds the demo store (and indexes its documents) on first use,
prepares the embedded model, then opens the chat.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel

from shopkeeper.cli.common import DbOption, open_db
from shopkeeper.store.db import Database

__all__ = ["ask", "chat", "run"]

_console = Console()
NoModel = Annotated[bool, typer.Option("--no-model", help="Don't load a language model (templates only).")]


def _agent(database: Database, no_model: bool):  # type: ignore[no-untyped-def]
    from shopkeeper.agent import Agent
    from shopkeeper.knowledge import KnowledgeBase

    llm = None
    if not no_model:
        from shopkeeper.llm import registry

        llm = registry.get()
    return Agent(database, llm=llm, kb=KnowledgeBase(database))


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

    database = open_db(db)
    agent = _agent(database, no_model)
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
    agent = _agent(open_db(db), no_model)
    _show(agent, agent.start(channel="cli"), question)


def run(db: DbOption = None, no_model: NoModel = False) -> None:
    """Quick start: build the demo store on first use, prepare the model, and chat."""
    from sqlalchemy import select

    from shopkeeper.knowledge import index_demo_documents
    from shopkeeper.store.demo import build_demo
    from shopkeeper.store.schema import ProductRow

    database = open_db(db)
    with database.session() as s:
        empty = s.scalars(select(ProductRow.id).limit(1)).first() is None
    if empty:
        _console.print("Building the demo store (first run)...")
        build_demo(database)
    index_demo_documents(database)
    if not no_model:
        from shopkeeper.llm import registry

        _console.print("Loading the language model...")
        registry.get()
    chat(db=database.engine.url.render_as_string(hide_password=False), no_model=no_model)
