"""Hybrid retrieval over chunks held in memory: BM25 (bm25s) plus dense vectors, fused.

`SearchIndex` is built from chunk records and their unit-length embeddings. `search(query, k, mode)`
scores every chunk by BM25 and by cosine similarity, then fuses them:
- "hybrid" (default): a convex combination of the two scores, each normalised per query to [0, 1]
  (BM25 divided by its best score, cosine min-max scaled over the corpus), weighted
  `LEXICAL_WEIGHT` for BM25 and the rest for the dense score. Dense is the stronger retriever on
  paraphrased customer questions; BM25 adds exact matches on rare words ("backorder", "VAT", "PayPal").
- "rrf": reciprocal rank fusion, `sum 1 / (RRF_K + rank)` over the top `depth` of each list. Kept for
  comparison: on a store-sized corpus (tens of chunks) it lets chunks that are mediocre in both lists
  overtake a clear first place in the stronger one, and it lost to dense alone in the benchmark
  (docs/knowledge.md has the figures).
- "bm25" / "dense": one retriever alone, for the benchmark.
A BM25 score of 0 means no query word matched; such chunks are not ranked by the BM25 list.
The index is immutable; the knowledge base builds a new one when its documents change.
This module knows nothing about the database or about answering.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from shopkeeper.knowledge.text import tokenize

__all__ = ["LEXICAL_WEIGHT", "RRF_K", "Mode", "Passage", "SearchIndex"]

Mode = Literal["hybrid", "rrf", "bm25", "dense"]
RRF_K = 60
LEXICAL_WEIGHT = 0.2
Encoder = Callable[[list[str]], npt.NDArray[np.float32]]


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk. `similarity` is the cosine between query and chunk, whatever the mode."""

    chunk_id: int
    document_id: str
    document_title: str
    section: str
    anchor: str
    position: int
    text: str
    score: float = 0.0
    similarity: float = 0.0
    bm25_rank: int | None = None
    dense_rank: int | None = None


class SearchIndex:
    def __init__(
        self, passages: Sequence[Passage], indexed_texts: Sequence[str], vectors: npt.NDArray[np.float32]
    ) -> None:
        if len(passages) != len(indexed_texts) or len(passages) != vectors.shape[0]:
            raise ValueError("passages, texts and vectors must line up")
        self.passages = list(passages)
        self.vectors = vectors
        self._bm25: Any = None
        self._vocab: set[str] = set()
        tokens = [tokenize(t) or ["_empty_"] for t in indexed_texts]
        if tokens:
            import bm25s

            self._bm25 = bm25s.BM25()
            self._bm25.index(tokens, show_progress=False)
            self._vocab = {tok for toks in tokens for tok in toks}
        self._df: Counter[str] = Counter(tok for toks in tokens for tok in set(toks))

    def knows(self, token: str) -> bool:
        """Whether any chunk contains this word, or a word of 5+ letters that starts the other ("quick", "quicker")."""
        if token in self._df:
            return True
        return any(
            (len(token) >= 5 and t.startswith(token)) or (len(t) >= 5 and token.startswith(t))
            for t in self._df
        )

    def idf(self, token: str) -> float:
        """Inverse document frequency over the chunks; a word no chunk contains gets the highest."""
        return math.log((len(self.passages) + 1) / (self._df.get(token, 0) + 0.5))

    def __len__(self) -> int:
        return len(self.passages)

    def bm25_scores(self, query: str) -> npt.NDArray[np.float64]:
        words = [w for w in tokenize(query) if w in self._vocab]
        if not words or self._bm25 is None:
            return np.zeros(len(self.passages))
        return np.asarray(self._bm25.get_scores(words), dtype=np.float64)

    def dense_scores(self, query_vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        if not self.passages:
            return np.zeros(0)
        return np.asarray(self.vectors @ query_vector.reshape(-1), dtype=np.float64)

    def search(
        self,
        query: str,
        encoder: Encoder,
        k: int = 5,
        mode: Mode = "hybrid",
        depth: int = 20,
        lexical_weight: float = LEXICAL_WEIGHT,
    ) -> list[Passage]:
        if not self.passages:
            return []
        sims = self.dense_scores(encoder([query])[0])
        lexical = self.bm25_scores(query)
        bm25_order = [int(i) for i in np.argsort(-lexical, kind="stable") if lexical[i] > 0]
        dense_order = [int(i) for i in np.argsort(-sims, kind="stable")]
        bm25_rank = {i: r for r, i in enumerate(bm25_order)}
        dense_rank = {i: r for r, i in enumerate(dense_order)}
        if mode == "bm25":
            scored = [(float(lexical[i]), i) for i in bm25_order]
        elif mode == "dense":
            scored = [(float(sims[i]), i) for i in dense_order]
        elif mode == "hybrid":
            top = float(lexical.max()) if lexical.size else 0.0
            lex = lexical / top if top > 0 else np.zeros_like(lexical)
            spread = float(sims.max() - sims.min()) if sims.size else 0.0
            dense = (sims - sims.min()) / spread if spread > 0 else np.zeros_like(sims)
            combined = lexical_weight * lex + (1.0 - lexical_weight) * dense
            scored = [(float(combined[i]), int(i)) for i in np.argsort(-combined, kind="stable")]
        else:
            fused: dict[int, float] = {}
            for order in (bm25_order[:depth], dense_order[:depth]):
                for rank, i in enumerate(order):
                    fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank + 1)
            # Ties (a chunk first in one list only vs. another first in the other) go to the higher cosine.
            scored = sorted(((s, i) for i, s in fused.items()), key=lambda si: (-si[0], -sims[si[1]]))
        return [
            replace(
                self.passages[i],
                score=score,
                similarity=float(sims[i]),
                bm25_rank=bm25_rank.get(i),
                dense_rank=dense_rank.get(i),
            )
            for score, i in scored[:k]
        ]
