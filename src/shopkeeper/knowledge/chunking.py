"""Cutting parsed sections into retrievable chunks that keep their document, section and position.

Every section becomes one chunk, or several when it is longer than `max_words` (split at paragraph, then
sentence, boundaries, so no sentence is cut). All chunks of a section share its anchor, a slug unique
within the document ("returns#refund-timing"), which citations use as a link. The text that retrieval
indexes prefixes the chunk with its document and section titles, because a question often names them.
This module knows nothing about storage or embeddings.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.knowledge.loaders import ParsedDocument
from shopkeeper.knowledge.text import sentences, slugify

__all__ = ["Chunk", "chunk_document", "index_text"]


@dataclass(frozen=True)
class Chunk:
    position: int
    section: str
    anchor: str
    text: str


def index_text(document_title: str, section: str, text: str) -> str:
    """What BM25 and the embedding model see for a chunk."""
    head = document_title if section == document_title else f"{document_title} — {section}"
    return f"{head}. {text}"


def _pieces(paragraphs: list[str], max_words: int) -> list[str]:
    units: list[str] = []
    for para in paragraphs:
        if len(para.split()) <= max_words:
            units.append(para)
        else:
            units.extend(sentences(para))
    out: list[str] = []
    current: list[str] = []
    count = 0
    for unit in units:
        n = len(unit.split())
        if current and count + n > max_words:
            out.append("\n\n".join(current))
            current, count = [], 0
        current.append(unit)
        count += n
    if current:
        out.append("\n\n".join(current))
    return out


def chunk_document(doc_id: str, parsed: ParsedDocument, max_words: int = 160) -> list[Chunk]:
    chunks: list[Chunk] = []
    used: dict[str, int] = {}
    for section in parsed.sections:
        slug = slugify(section.title)
        used[slug] = used.get(slug, 0) + 1
        anchor = f"{doc_id}#{slug}" if used[slug] == 1 else f"{doc_id}#{slug}-{used[slug]}"
        for piece in _pieces(section.paragraphs, max_words):
            chunks.append(Chunk(position=len(chunks), section=section.title, anchor=anchor, text=piece))
    return chunks
