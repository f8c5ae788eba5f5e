"""The agent under evaluation: a factory that builds Shopkeeper's real `Agent` over a case's store,
with the configured language model (loaded once per process) or none, and the store's knowledge base.

The agent is imported when the factory is first called, never at import time, so the harness (and
its tests with a test double) does not depend on it. The factory is picklable, so worker processes
can each build their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from shopkeeper.evaluation.conversation import AgentLike
from shopkeeper.store.db import Database

__all__ = ["AgentFactory", "ShopkeeperAgent"]

AgentFactory = Callable[[Database], AgentLike]


@dataclass
class ShopkeeperAgent:
    """Builds the real agent. `model=False` runs it without a language model (templates only);
    `llm_spec` picks a backend (default: `SHOPKEEPER_LLM`); `knowledge` gives it the store's KB."""

    model: bool = True
    llm_spec: str | None = None
    knowledge: bool = True
    _llm: object | None = field(default=None, init=False, repr=False)

    def __getstate__(self) -> dict[str, object]:
        return {"model": self.model, "llm_spec": self.llm_spec, "knowledge": self.knowledge, "_llm": None}

    def __call__(self, db: Database) -> AgentLike:
        from shopkeeper.agent import Agent

        if self.model and self._llm is None:
            from shopkeeper.llm import registry

            self._llm = registry.get(self.llm_spec)
            load = getattr(self._llm, "load", None) or getattr(self._llm, "prepare", None)
            if callable(load):  # load the weights now, not inside the first timed reply
                load()
        kb = None
        if self.knowledge:
            from shopkeeper.knowledge import KnowledgeBase

            kb = KnowledgeBase(db)
        return Agent(db, llm=self._llm, kb=kb)
