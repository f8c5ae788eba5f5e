"""Knowledge-base tables: ingested documents and their chunks, in the store's own database.

A document row records where a file came from and the SHA-256 of its bytes, so re-adding an unchanged
file is a no-op and a changed one replaces its chunks. A chunk row keeps its document, section title,
anchor, position and the chunk's embedding as little-endian float32 bytes (searched with numpy in
memory; no vector extension needed). Migration `0002_knowledge` creates these tables.
This module knows nothing about parsing, retrieval or answering.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopkeeper.store.schema import Base

__all__ = ["KnowledgeChunkRow", "KnowledgeDocumentRow"]


class KnowledgeDocumentRow(Base):
    __tablename__ = "kb_documents"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(1000), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=1)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    chunks: Mapped[list[KnowledgeChunkRow]] = relationship(
        back_populates="document", order_by="KnowledgeChunkRow.position", cascade="all, delete-orphan"
    )


class KnowledgeChunkRow(Base):
    __tablename__ = "kb_chunks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(300))
    anchor: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    document: Mapped[KnowledgeDocumentRow] = relationship(back_populates="chunks")
