"""The one seam every language-model backend implements, and the records that cross it.

A backend turns chat messages plus `GenerationSettings` into a stream: zero or more `str` text deltas,
then exactly one `Completion` as the last item (the whole text, token counts, timings). That is all a
backend does. Retries, prompt building and parsing live above the seam (`shopkeeper.llm.calls`), so
they work the same for every backend. Backends raise `ModelError` for failures worth retrying or
reporting back into a conversation, and `ConfigError` for what the operator must fix.

When `json_schema` or `choices` is set, the backend must constrain the output if it can (the
transformers backend always does; the output parses) or at least ask for it (the openai backend uses
`response_format`); `calls.complete_json` and `calls.choose` validate and repair on top.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

__all__ = ["Backend", "Completion", "GenerationSettings", "Message", "Role", "StreamItem"]

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: Role
    content: str

    def to_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class GenerationSettings:
    """How to generate. `temperature == 0` means greedy (deterministic on the embedded model).

    `json_schema` (objects with string / enum / integer / boolean / array properties) and `choices`
    (the output is exactly one of these strings) are mutually exclusive.
    """

    max_tokens: int = 256
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    json_schema: dict[str, Any] | None = None
    choices: tuple[str, ...] | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        if self.temperature < 0:
            raise ValueError("temperature must be >= 0")
        if self.json_schema is not None and self.choices is not None:
            raise ValueError("json_schema and choices are mutually exclusive")
        if self.choices is not None and not self.choices:
            raise ValueError("choices must not be empty")


@dataclass(frozen=True)
class Completion:
    """The final item of a stream: the full text and what it cost."""

    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: Literal["stop", "length"]
    first_token_s: float
    total_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def decode_tokens_per_s(self) -> float:
        """Tokens after the first, per second after the first arrived (0 when not measurable)."""
        span = self.total_s - self.first_token_s
        return (self.completion_tokens - 1) / span if self.completion_tokens > 1 and span > 0 else 0.0


StreamItem = str | Completion


@runtime_checkable
class Backend(Protocol):
    """A language model. `name` is the registry name it was created under (e.g. "transformers").

    Optionally a backend may also offer `describe() -> dict[str, str]` (what is configured, never
    secrets), which `shopkeeper model info` shows; it is not part of the seam.
    """

    name: str

    def stream(self, messages: Sequence[Message], settings: GenerationSettings) -> Iterator[StreamItem]:
        """Yield text deltas (`str`) and finally one `Completion`; raise `ModelError`/`ConfigError`."""
        ...
