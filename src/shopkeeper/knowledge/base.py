"""The knowledge base: add, list and remove documents, search them and answer questions from them.

`KnowledgeBase(db)` keeps everything in the store's database (tables in `knowledge.schema`): one row per
file, identified by its resolved path and the SHA-256 of its bytes, and one row per chunk with its
embedding. Adding an unchanged file reads and hashes it and does nothing else; a changed file replaces
its chunks in one transaction. Searching builds an in-memory `SearchIndex` from the rows and rebuilds it
whenever the set of (document, hash) pairs in the database differs from the one it was built from, so
several processes sharing a database see each other's changes.
The embedding function is injected (default `shopkeeper.embeddings.encode`); nothing here knows about
the CLI, the web chat or a language model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from shopkeeper.errors import DataError
from shopkeeper.knowledge.answer import Answer, Phraser, compose_answer
from shopkeeper.knowledge.chunking import chunk_document, index_text
from shopkeeper.knowledge.loaders import SUFFIXES, load
from shopkeeper.knowledge.retrieval import Mode, Passage, SearchIndex
from shopkeeper.knowledge.schema import KnowledgeChunkRow, KnowledgeDocumentRow
from shopkeeper.knowledge.text import expand_shorthand, slugify
from shopkeeper.store.db import Database

__all__ = ["AddResult", "DocumentInfo", "Encoder", "KnowledgeBase", "collect_files"]

Encoder = Callable[[list[str]], npt.NDArray[np.float32]]
AddStatus = Literal["added", "updated", "unchanged"]


@dataclass(frozen=True)
class AddResult:
    path: Path
    document_id: str
    status: AddStatus
    chunks: int
    pages: int


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    title: str
    source: str
    kind: str
    pages: int
    chunks: int
    content_hash: str
    added_at: datetime | None


def collect_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders (recursively) into supported files, in a stable order; unknown files are errors."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise DataError(f"{path}: unsupported file type (use {', '.join(sorted(SUFFIXES))})")
            out.append(path)
        else:
            raise DataError(f"{path}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _default_encoder(texts: list[str]) -> npt.NDArray[np.float32]:
    from shopkeeper.embeddings import encode

    return encode(texts)


class KnowledgeBase:
    def __init__(self, db: Database, encoder: Encoder | None = None) -> None:
        self.db = db
        self.encode: Encoder = encoder or _default_encoder
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._signature: tuple[tuple[str, str], ...] | None = None

    # --- documents ----------------------------------------------------------------------------------

    def add(self, paths: Iterable[Path | str]) -> list[AddResult]:
        """Ingest files and folders; returns one result per file, in order."""
        return [self.add_file(p) for p in collect_files(paths)]

    def add_file(self, path: Path) -> AddResult:
        source = str(path.resolve())
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataError(f"{path}: cannot read ({exc})") from exc
        digest = hashlib.sha256(data).hexdigest()
        with self.db.session() as s:
            existing = s.scalars(
                select(KnowledgeDocumentRow).where(KnowledgeDocumentRow.source == source)
            ).first()
            if existing is not None and existing.content_hash == digest:
                count = s.scalar(
                    select(func.count())
                    .select_from(KnowledgeChunkRow)
                    .where(KnowledgeChunkRow.document_id == existing.id)
                )
                return AddResult(path, existing.id, "unchanged", int(count or 0), existing.pages)
        parsed = load(path)
        with self.db.transaction() as s:
            row = s.scalars(select(KnowledgeDocumentRow).where(KnowledgeDocumentRow.source == source)).first()
            status: AddStatus = "updated" if row is not None else "added"
            if row is None:
                row = KnowledgeDocumentRow(id=self._new_id(s, path, digest), source=source)
                s.add(row)
            else:
                s.execute(delete(KnowledgeChunkRow).where(KnowledgeChunkRow.document_id == row.id))
            row.title, row.kind, row.content_hash, row.pages = parsed.title, parsed.kind, digest, parsed.pages
            chunks = chunk_document(row.id, parsed)
            vectors = self.encode([index_text(parsed.title, c.section, c.text) for c in chunks])
            s.flush()
            for chunk, vector in zip(chunks, vectors, strict=True):
                s.add(
                    KnowledgeChunkRow(
                        document_id=row.id,
                        position=chunk.position,
                        section=chunk.section,
                        anchor=chunk.anchor,
                        text=chunk.text,
                        embedding=np.asarray(vector, dtype="<f4").tobytes(),
                    )
                )
            return AddResult(path, row.id, status, len(chunks), parsed.pages)

    @staticmethod
    def _new_id(s: Session, path: Path, digest: str) -> str:
        base = slugify(path.stem, max_length=100)
        if s.get(KnowledgeDocumentRow, base) is None:
            return base
        return f"{base}-{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]}"

    def remove(self, document: str) -> bool:
        """Remove a document by id or by path; returns whether one was removed."""
        with self.db.transaction() as s:
            row = s.get(KnowledgeDocumentRow, document)
            if row is None:
                source = str(Path(document).expanduser().resolve())
                row = s.scalars(
                    select(KnowledgeDocumentRow).where(KnowledgeDocumentRow.source == source)
                ).first()
            if row is None:
                return False
            s.execute(delete(KnowledgeChunkRow).where(KnowledgeChunkRow.document_id == row.id))
            s.delete(row)
            return True

    # --- search and answers -------------------------------------------------------------------------

    def index(self) -> SearchIndex:
        """The in-memory index, rebuilt when the documents in the database changed."""
        with self.db.session() as s:
            signature = tuple(
                (i, h)
                for i, h in s.execute(
                    select(KnowledgeDocumentRow.id, KnowledgeDocumentRow.content_hash).order_by(
                        KnowledgeDocumentRow.id
                    )
                ).all()
            )
            with self._lock:
                if self._index is not None and signature == self._signature:
                    return self._index
                docs = s.scalars(
                    select(KnowledgeDocumentRow).options(selectinload(KnowledgeDocumentRow.chunks))
                ).all()
                passages: list[Passage] = []
                texts: list[str] = []
                vectors: list[npt.NDArray[np.float32]] = []
                for doc in sorted(docs, key=lambda d: d.id):
                    for c in doc.chunks:
                        passages.append(
                            Passage(c.id, doc.id, doc.title, c.section, c.anchor, c.position, c.text)
                        )
                        texts.append(index_text(doc.title, c.section, c.text))
                        vectors.append(np.frombuffer(c.embedding, dtype="<f4"))
                matrix = (
                    np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, 0), dtype=np.float32)
                )
                self._index = SearchIndex(passages, texts, matrix)
                self._signature = signature
                return self._index

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Passage]:
        if not query.strip():
            return []
        return self.index().search(query, self.encode, k=k, mode=mode)

    def answer(self, question: str, phrase: Phraser | None = None, k: int = 5) -> Answer:
        """A grounded answer with citations, or an honest "I don't know" offering a human."""
        if not question.strip():
            return compose_answer(question, [], self.encode)
        asked = expand_shorthand(question)  # "do u take paypal": the answer still names the words asked
        index = self.index()
        passages = index.search(asked, self.encode, k=k)
        found = compose_answer(
            asked, passages, self.encode, phrase=phrase, weight=index.idf, known=index.knows
        )
        return dataclasses.replace(found, question=question)

    def document_sections(self, document_id: str) -> Sequence[tuple[str, str]]:
        """(section, anchor) pairs of one document in order, for tables of contents and links."""
        with self.db.session() as s:
            rows = s.execute(
                select(KnowledgeChunkRow.section, KnowledgeChunkRow.anchor)
                .where(KnowledgeChunkRow.document_id == document_id)
                .order_by(KnowledgeChunkRow.position)
            ).all()
        seen: dict[str, str] = {}
        for section, anchor in rows:
            seen.setdefault(anchor, section)
        return [(section, anchor) for anchor, section in seen.items()]

    # Last in the class body: the name shadows the builtin `list` for annotations below it.
    def list(self) -> list[DocumentInfo]:
        with self.db.session() as s:
            counts = dict(
                s.execute(
                    select(KnowledgeChunkRow.document_id, func.count()).group_by(
                        KnowledgeChunkRow.document_id
                    )
                ).all()
            )
            rows = s.scalars(select(KnowledgeDocumentRow).order_by(KnowledgeDocumentRow.id)).all()
            return [
                DocumentInfo(
                    r.id,
                    r.title,
                    r.source,
                    r.kind,
                    r.pages,
                    int(counts.get(r.id, 0)),
                    r.content_hash,
                    r.added_at,
                )
                for r in rows
            ]
