"""Knowledge-base fixtures: one SQLite store with the demo documents indexed, shared by the session.

The embedding model is real and loads once per test process (shopkeeper.embeddings caches it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shopkeeper.knowledge import KnowledgeBase, index_demo_documents
from shopkeeper.store.db import open_store


@pytest.fixture(scope="session")
def demo_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    db = open_store(f"sqlite:///{tmp_path_factory.mktemp('kb') / 'demo.db'}")
    index_demo_documents(db)
    try:
        yield KnowledgeBase(db)
    finally:
        db.dispose()
