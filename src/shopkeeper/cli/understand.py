"""`shopkeeper understand "TEXT"`: print what the understanding layer makes of one message, as JSON.

For debugging the fast path: intents with confidence, entities, and (given `--context FILE`, a JSON
`UnderstandingContext`) the resolved items, order and exchange variant. Parses and delegates only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from shopkeeper.errors import DataError

__all__ = ["understand"]


ContextOption = Annotated[
    Path | None,
    typer.Option(
        "--context", help="JSON file with an UnderstandingContext (items, orders, original_item, variants)."
    ),
]


def understand(
    text: Annotated[str, typer.Argument(help="One customer message.")],
    context: ContextOption = None,
) -> None:
    """Print the intents, entities and resolved references of one message as JSON."""
    from pydantic import ValidationError

    from shopkeeper.understanding import UnderstandingContext
    from shopkeeper.understanding import understand as run

    ctx = None
    if context is not None:
        try:
            ctx = UnderstandingContext.model_validate_json(context.read_text(encoding="utf-8"))
        except (OSError, ValidationError) as exc:
            raise DataError(f"{context}: not a readable understanding context: {exc}") from exc
    result = run(text, ctx)
    typer.echo(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
