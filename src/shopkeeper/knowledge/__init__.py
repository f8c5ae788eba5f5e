"""Knowledge base: ingest store documents, search them (BM25 + embeddings), answer with citations.

Public surface: `KnowledgeBase` (add / list / remove / search / answer), the records it returns
(`Answer`, `Citation`, `Passage`, `AddResult`, `DocumentInfo`) and `index_demo_documents` for the demo
store. Importing this package loads no model; the embedding model loads on the first search or add.
"""

from shopkeeper.knowledge.answer import Answer, Citation, Phraser
from shopkeeper.knowledge.base import AddResult, DocumentInfo, KnowledgeBase, collect_files
from shopkeeper.knowledge.demo import demo_docs_dir, index_demo_documents
from shopkeeper.knowledge.retrieval import Passage

__all__ = [
    "AddResult",
    "Answer",
    "Citation",
    "DocumentInfo",
    "KnowledgeBase",
    "Passage",
    "Phraser",
    "collect_files",
    "demo_docs_dir",
    "index_demo_documents",
]
