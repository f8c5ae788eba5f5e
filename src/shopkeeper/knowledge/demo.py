"""The demo store's own policy and FAQ documents (Markdown shipped in `shopkeeper/store/demo_docs/`).

`index_demo_documents(db)` adds them to the store's knowledge base; it is idempotent (unchanged files
are skipped by content hash), so `shopkeeper store demo` can call it every time. The documents agree
with the store's rules (tau-bench retail): cancel or modify only pending orders, return or exchange
only delivered ones, one return or exchange per order.
"""

from __future__ import annotations

from pathlib import Path

from shopkeeper.knowledge.base import AddResult, Encoder, KnowledgeBase
from shopkeeper.store.db import Database

__all__ = ["demo_docs_dir", "index_demo_documents"]


def demo_docs_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "store" / "demo_docs"


def index_demo_documents(db: Database, encoder: Encoder | None = None) -> list[AddResult]:
    """Index every demo document into `db`'s knowledge base; returns one result per file."""
    return KnowledgeBase(db, encoder=encoder).add([demo_docs_dir()])
