"""Language models behind one seam: `Backend.stream(messages, settings)`.

Use `get()` for the process-wide backend named by `SHOPKEEPER_LLM` (default: the embedded
SmolLM2 via transformers), then `complete`, `complete_json` or `choose` from `calls`, or iterate
`backend.stream(...)` for text deltas. Nothing heavy is imported here: torch and transformers load
when the embedded model is first used. See docs/models.md for the configuration syntax and figures.
"""

from __future__ import annotations

from shopkeeper.llm.base import Backend, Completion, GenerationSettings, Message, StreamItem
from shopkeeper.llm.calls import choose, complete, complete_json, messages, with_retries
from shopkeeper.llm.registry import ENTRY_POINT_GROUP, available, create, get, parse_spec, register

__all__ = [
    "ENTRY_POINT_GROUP",
    "Backend",
    "Completion",
    "GenerationSettings",
    "Message",
    "StreamItem",
    "available",
    "choose",
    "complete",
    "complete_json",
    "create",
    "get",
    "messages",
    "parse_spec",
    "register",
    "with_retries",
]
