"""Calling a backend: collect a stream, ask for JSON or one of several choices, retry, build prompts.

Everything here works through the `Backend.stream` seam only, so it behaves the same for the
embedded model, an OpenAI-compatible server, or a third-party backend. Retries are for
`ModelError(retryable=True)` (overload, timeouts) and never for `ConfigError` (the operator must
act). `complete_json` parses and validates against the schema and raises `ModelError` when the
answer is unusable, so callers never act on malformed output. This module knows no prompts' meaning.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from shopkeeper.errors import ModelError
from shopkeeper.llm.base import Backend, Completion, GenerationSettings, Message
from shopkeeper.llm.schema import check_supported, describe, validate

__all__ = ["choose", "complete", "complete_json", "messages", "with_retries"]

T = TypeVar("T")


def messages(system: str | None, *turns: str | tuple[str, str]) -> list[Message]:
    """Build a chat: an optional system prompt, then turns alternating user/assistant.

    A turn is a plain string (roles alternate starting with "user") or an explicit (role, text) pair.
    """
    out = [Message("system", system)] if system else []
    role = "user"
    for turn in turns:
        if isinstance(turn, tuple):
            name, text = turn
            out.append(Message("assistant" if name == "assistant" else "user", text))
            role = "user" if name == "assistant" else "assistant"
        else:
            out.append(Message("user" if role == "user" else "assistant", turn))
            role = "assistant" if role == "user" else "user"
    return out


def with_retries(call: Callable[[], T], attempts: int = 3, backoff_s: float = 0.5) -> T:
    """Run `call`, retrying retryable `ModelError`s with exponential backoff."""
    for attempt in range(attempts):
        try:
            return call()
        except ModelError as exc:
            if not exc.retryable or attempt == attempts - 1:
                raise
            time.sleep(backoff_s * 2**attempt)
    raise AssertionError("unreachable")


def _collect(items: Iterable[str | Completion]) -> Completion:
    result: Completion | None = None
    for item in items:
        if isinstance(item, Completion):
            result = item
    if result is None:
        raise ModelError("The backend's stream ended without a final result.")
    return result


def complete(
    backend: Backend, chat: Sequence[Message], settings: GenerationSettings | None = None
) -> Completion:
    """The whole answer at once (the stream collected), with retries on retryable failures."""
    chosen = settings or GenerationSettings()
    return with_retries(lambda: _collect(backend.stream(chat, chosen)))


def complete_json(
    backend: Backend, chat: Sequence[Message], schema: dict[str, Any], max_tokens: int = 128
) -> dict[str, Any]:
    """A JSON object matching `schema` (the supported subset; see `schema.py`), or `ModelError`."""
    check_supported(schema)
    settings = GenerationSettings(max_tokens=max_tokens, json_schema=schema)
    text = complete(backend, chat, settings).text
    try:
        value = json.loads(text)
    except ValueError:
        raise ModelError(
            f"The model's answer is not JSON shaped like {describe(schema)}: {text[:200]!r}"
        ) from None
    problems = validate(value, schema)
    if problems or not isinstance(value, dict):
        raise ModelError(
            f"The model's JSON does not match the schema: {'; '.join(problems[:3]) or 'not an object'}"
        )
    return value


def choose(backend: Backend, chat: Sequence[Message], options: Sequence[str], max_tokens: int = 16) -> str:
    """Exactly one of `options`, as the model picks it, or `ModelError`."""
    settings = GenerationSettings(max_tokens=max_tokens, choices=tuple(options))
    text = complete(backend, chat, settings).text.strip()
    if text not in options:
        raise ModelError(f"The model answered {text[:80]!r}, which is not one of {list(options)}.")
    return text
