"""Which backend serves `SHOPKEEPER_LLM`: a small registry of factories, built-ins and plugins alike.

A spec is `NAME` or `NAME:ARGUMENT`; the registry splits it and hands ARGUMENT (possibly empty) to
the factory registered under NAME:
- `transformers` / `transformers:/path/to/checkpoint_dir_or_file.gguf` (the embedded default)
- `openai:MODEL` / `openai:MODEL@BASE_URL` (any OpenAI-compatible chat-completions server)

Built-ins are registered by dotted path so nothing heavy is imported until a backend is created.
Third-party packages add backends through the entry-point group `shopkeeper.llm_backends`; each
entry point names a factory `(argument: str, settings: Settings) -> Backend`. This module does not
know how any backend works.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import cast

from shopkeeper.config import Settings, load_settings
from shopkeeper.errors import ConfigError
from shopkeeper.llm.base import Backend

__all__ = ["ENTRY_POINT_GROUP", "Factory", "available", "create", "get", "parse_spec", "register"]

ENTRY_POINT_GROUP = "shopkeeper.llm_backends"
Factory = Callable[[str, Settings], Backend]

_BUILTIN: dict[str, str] = {
    "transformers": "shopkeeper.llm.transformers_backend:create",
    "openai": "shopkeeper.llm.openai_backend:create",
}
_registered: dict[str, Factory | str] = {}
_plugins_loaded = False
_lock = threading.Lock()
_instances: dict[str, Backend] = {}


def register(name: str, factory: Factory | str) -> None:
    """Register a factory (or a "module:function" path to one) under `name`; replaces an earlier one."""
    _registered[name] = factory


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for name, target in _BUILTIN.items():
        _registered.setdefault(name, target)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        _registered.setdefault(ep.name, ep.value)


def available() -> list[str]:
    """Names that `create` accepts."""
    _load_plugins()
    return sorted(_registered)


def parse_spec(spec: str) -> tuple[str, str]:
    """Split `NAME[:ARGUMENT]`; the argument may itself contain colons (paths, URLs)."""
    spec = spec.strip()
    name, _, argument = spec.partition(":")
    if not name:
        raise ConfigError(
            f"SHOPKEEPER_LLM={spec!r} names no backend.",
            fix="Use `transformers`, `transformers:/path/to/model`, or `openai:MODEL@BASE_URL`.",
        )
    return name.strip().lower(), argument.strip()


def _resolve(name: str) -> Factory:
    _load_plugins()
    target = _registered.get(name)
    if target is None:
        raise ConfigError(
            f"Unknown language-model backend {name!r}.",
            fix=f"Use one of: {', '.join(available())} (third-party backends install an entry point "
            f"in the {ENTRY_POINT_GROUP!r} group).",
        )
    if isinstance(target, str):
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConfigError(
                f"The backend {name!r} could not be imported ({exc}).",
                fix="Install the package that provides it.",
            ) from exc
        factory = cast(Factory, getattr(module, attr))
        _registered[name] = factory
        return factory
    return target


def create(spec: str | None = None, settings: Settings | None = None) -> Backend:
    """A new backend for `spec` (default: the settings' `llm`, i.e. `SHOPKEEPER_LLM`)."""
    settings = settings or load_settings()
    name, argument = parse_spec(spec or settings.llm)
    return _resolve(name)(argument, settings)


def get(spec: str | None = None, settings: Settings | None = None) -> Backend:
    """The process-wide backend for `spec`, created on first use (a model is loaded once per process)."""
    settings = settings or load_settings()
    key = spec or settings.llm
    with _lock:
        backend = _instances.get(key)
        if backend is None:
            backend = _instances[key] = create(key, settings)
        return backend
