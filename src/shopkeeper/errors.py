"""Error types, sorted by who must act on them.

- `ConfigError`: the operator (bad settings, missing files); fail fast, the message says what to fix.
- `DataError`: the operator feeding data in (a malformed import file); names the file and the place.
- `ModelError`: a language model failed or answered unusably (timeout, overload, output that does not
  parse); `retryable` says whether trying again may help. Callers above the LLM seam handle it.
- `ActionError`: a write or lookup the store refused; `message` is safe to show a customer,
  `code` is stable for programs, and `detail` is the tau-bench style text used by conformance replays.
The CLI and the API each translate these in exactly one place.
"""

from __future__ import annotations

__all__ = ["ActionError", "ConfigError", "DataError", "ModelError", "ShopkeeperError"]


class ShopkeeperError(Exception):
    """Base of every error Shopkeeper raises on purpose."""


class ConfigError(ShopkeeperError):
    """The operator must change a setting or environment."""

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem} {fix}".strip())


class DataError(ShopkeeperError):
    """An input file is malformed; nothing was written."""


class ModelError(ShopkeeperError):
    """The language model failed or its answer was unusable; nothing was changed."""

    def __init__(self, message: str, retryable: bool = False) -> None:
        self.retryable = retryable
        super().__init__(message)


class ActionError(ShopkeeperError):
    """The store refused a request. Nothing was changed."""

    def __init__(self, code: str, message: str, detail: str | None = None) -> None:
        self.code = code
        self.message = message
        self.detail = detail or message
        super().__init__(message)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
