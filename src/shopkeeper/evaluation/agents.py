"""The agent under evaluation: a factory that builds Shopkeeper's real `Agent` over a case's store,
with the configured language model (loaded once per process) or none, and the store's knowledge base.

The agent is imported when the factory is first called, never at import time, so the harness (and
its tests with a test double) does not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable

from shopkeeper.evaluation.conversation import AgentLike
from shopkeeper.store.db import Database

__all__ = ["AgentFactory", "shopkeeper_agent"]

AgentFactory = Callable[[Database], AgentLike]


def shopkeeper_agent(
    *, model: bool = True, llm_spec: str | None = None, knowledge: bool = True
) -> AgentFactory:
    """A factory for the real agent. `model=False` runs without a language model (templates only);
    `llm_spec` picks a backend (default: `SHOPKEEPER_LLM`)."""
    llm: object | None = None
    loaded = False

    def make(db: Database) -> AgentLike:
        nonlocal llm, loaded
        from shopkeeper.agent import Agent

        if model and not loaded:
            from shopkeeper.llm import registry

            llm, loaded = registry.get(llm_spec), True
        kb = None
        if knowledge:
            from shopkeeper.knowledge import KnowledgeBase

            kb = KnowledgeBase(db)
        return Agent(db, llm=llm, kb=kb)

    return make
