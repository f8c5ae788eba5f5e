"""Error types, sorted by who must act on them.

- `ConfigError`: the operator (bad settings, missing files); fail fast, the message says what to fix.
- `DataError`: the operator feeding data in (a malformed import file); names the file and the place.
- `ModelError`: a language model failed or answered unusably (timeout, overload, output that does not
  parse); `retryable` says whether trying again may help. Callers above the LLM seam handle it.
- `ActionError`: a write or lookup the store refused; `message` is safe to show a customer,
  `code` is stable for programs, and `detail` is the tau-bench style text used by conformance replays.
  Two kinds come from the store seam: `UnsupportedAction` (the platform cannot do this at all; offer a
  person) and `BackendUnavailable` (the platform did not answer; nothing was changed, a retry may work;
  not an `ActionError`, so an outage never reads as "not found").
The CLI and the API each translate these in exactly one place.
"""

from __future__ import annotations

__all__ = [
    "ActionError",
    "BackendUnavailable",
    "ConfigError",
    "DataError",
    "ModelError",
    "ShopkeeperError",
    "UnsupportedAction",
]


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


class UnsupportedAction(ActionError):
    """The store's platform cannot do this kind of change (e.g. a payment-method change); a person can."""

    def __init__(self, action: str, message: str | None = None) -> None:
        self.action = action
        super().__init__(
            "unsupported_action",
            message or "I can't make that change from here. A member of our team can do it for you.",
            f"Error: {action} is not supported by this store",
        )


class BackendUnavailable(ShopkeeperError):
    """The store's platform did not answer (down, timed out, 5xx) or failed half-way through a change.

    Not an `ActionError`: it is no refusal, and a lookup that could not run must never read as "not
    found". The backend left nothing half-made (see `store/backend.py`), so a retry may succeed.
    `reason` is for logs and operators; `message` is safe to show a customer.
    """

    code = "store_unavailable"
    message = (
        "Our store system isn't answering right now, so nothing was changed. "
        "Please try again in a few minutes, or ask for a person."
    )

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
