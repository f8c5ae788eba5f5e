"""`shopkeeper model ...`: what language model is configured, its speed, and the one-time preparation.

Parses options and delegates to `shopkeeper.llm`; errors are translated by `shopkeeper.cli.main`.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="The language model: show it, measure it, prepare it.", no_args_is_help=True)
_console = Console()
LlmOption = Annotated[
    str | None,
    typer.Option(
        "--llm", help="Backend spec, e.g. transformers, openai:MODEL@URL (default: $SHOPKEEPER_LLM)"
    ),
]
_PROBE = "A customer asks where their order is. Reply in two short sentences."


@app.command("info")
def info(
    llm: LlmOption = None,
    speed: Annotated[bool, typer.Option(help="Load the model and time a short generation")] = True,
    tokens: Annotated[int, typer.Option(help="Tokens to generate when measuring")] = 32,
) -> None:
    """Show the configured backend, where its weights are, and (by default) load and generation speed."""
    from shopkeeper.llm import GenerationSettings, Message, complete, get

    started = time.perf_counter()
    backend = get(llm)
    table = Table(show_header=False, box=None)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    describe = getattr(backend, "describe", None)
    details = describe() if callable(describe) else {"backend": backend.name}
    if speed:
        result = complete(backend, [Message("user", _PROBE)], GenerationSettings(max_tokens=tokens))
        details = describe() if callable(describe) else details
        details["ready after (s)"] = f"{time.perf_counter() - started - result.total_s:.2f}"
        details["prompt tokens"] = str(result.prompt_tokens)
        details["first token (s)"] = f"{result.first_token_s:.2f}"
        details["decode tokens/s"] = f"{result.decode_tokens_per_s:.1f} ({result.completion_tokens} tokens)"
    for key, value in details.items():
        table.add_row(f"[bold]{key}[/]", value)
    _console.print(table)


@app.command("prepare")
def prepare(llm: LlmOption = None) -> None:
    """Do the embedded model's one-time work ahead of first use: GGUF -> cached checkpoint, int8 weights."""
    from shopkeeper.llm import create

    backend = create(llm)
    step = getattr(backend, "prepare", None)
    if not callable(step):
        _console.print(f"The {backend.name} backend needs no preparation.")
        return
    spent = step()
    where = getattr(getattr(backend, "files", None), "checkpoint", "")
    _console.print(f"Model ready{'' if spent else ' (already prepared)'}: {where}")
