"""Ingestion: every file kind, heading-aware chunks, idempotent re-add, replacement, removal (both DBs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from shopkeeper.embeddings import encode
from shopkeeper.errors import DataError
from shopkeeper.knowledge import KnowledgeBase
from shopkeeper.knowledge.loaders import load
from shopkeeper.store.db import Database
from tests.knowledge.pdfgen import write_pdf

MARKDOWN = """# Care guide

How to look after what you bought.

## Leather boots

Wipe leather boots with a damp cloth after every hike. Apply wax every three months to keep them supple.

## Fleece jackets

Wash fleece jackets on a cold cycle and hang them to dry. Never iron fleece.
"""

HTML = """<html><head><title>Store hours</title><style>p {color: red}</style></head><body>
<nav>Home | Shop</nav>
<h1>Store hours</h1>
<h2>Warehouse pickup</h2><p>The pickup desk in Springfield opens at <b>9 a.m.</b> on weekdays.</p>
<h2>Holidays</h2><ul><li>The warehouse closes on New Year's Day.</li>
<li>It opens late on Boxing Day.</li></ul>
<script>var tracking = 1;</script>
</body></html>"""

TEXT = """GIFT WRAPPING

Every parcel can be gift wrapped in recycled paper for four dollars.

Greeting cards
--------------
A handwritten greeting card is included on request at no charge.
"""


class CountingEncoder:
    """The real embedding model, counting how many texts it was asked to embed."""

    def __init__(self) -> None:
        self.texts = 0

    def __call__(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.texts += len(texts)
        return encode(texts)


def _write_corpus(folder: Path) -> None:
    folder.mkdir()
    (folder / "care.md").write_text(MARKDOWN)
    (folder / "hours.html").write_text(HTML)
    (folder / "wrapping.txt").write_text(TEXT)
    (folder / "ignored.csv").write_text("a,b\n")
    write_pdf(
        folder / "bikes.pdf",
        [
            [
                "Bicycle Assembly",
                "",
                "Front Wheel",
                "Attach the front wheel with the quick release lever closed.",
            ],
            ["Brake Check", "Squeeze both brake levers firmly before the first ride."],
        ],
    )


def test_loaders_keep_headings_and_drop_markup(tmp_path: Path) -> None:
    _write_corpus(tmp_path / "docs")
    md = load(tmp_path / "docs" / "care.md")
    assert md.title == "Care guide"
    assert [s.title for s in md.sections] == ["Care guide", "Leather boots", "Fleece jackets"]
    html = load(tmp_path / "docs" / "hours.html")
    assert html.title == "Store hours"
    assert [s.title for s in html.sections] == ["Warehouse pickup", "Holidays"]
    assert "9 a.m." in html.sections[0].text and "tracking" not in html.sections[1].text
    assert "Home" not in " ".join(s.text for s in html.sections)
    text = load(tmp_path / "docs" / "wrapping.txt")
    assert text.title == "Gift Wrapping" and [s.title for s in text.sections] == [
        "Gift Wrapping",
        "Greeting cards",
    ]
    pdf = load(tmp_path / "docs" / "bikes.pdf")
    assert pdf.kind == "pdf" and pdf.pages == 2
    assert [s.title for s in pdf.sections] == ["Front Wheel", "Brake Check"]
    with pytest.raises(DataError):
        load(tmp_path / "docs" / "ignored.csv")


def test_add_list_search_readd_change_remove(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    _write_corpus(folder)
    encoder = CountingEncoder()
    kb = KnowledgeBase(db, encoder=encoder)

    results = kb.add([folder])
    assert sorted((r.document_id, r.status) for r in results) == [
        ("bikes", "added"),
        ("care", "added"),
        ("hours", "added"),
        ("wrapping", "added"),
    ]
    docs = {d.id: d for d in kb.list()}
    assert {d.kind for d in docs.values()} == {"markdown", "html", "text", "pdf"}
    assert docs["care"].chunks == 3 and docs["bikes"].pages == 2

    hit = kb.search("how do I clean leather boots", k=1)[0]
    assert (hit.document_id, hit.section, hit.anchor) == ("care", "Leather boots", "care#leather-boots")
    assert kb.search("brake levers before riding", k=1)[0].document_id == "bikes"

    # Re-adding unchanged files embeds nothing and changes nothing.
    embedded = encoder.texts
    again = kb.add([folder])
    assert {r.status for r in again} == {"unchanged"}
    assert encoder.texts == embedded
    assert {d.id: d.content_hash for d in kb.list()} == {d.id: d.content_hash for d in docs.values()}

    # A changed file replaces its chunks under the same id.
    (folder / "care.md").write_text(
        MARKDOWN.replace("Apply wax every three months", "Apply mink oil every month")
    )
    changed = {r.document_id: r.status for r in kb.add([folder])}
    assert changed == {"bikes": "unchanged", "care": "updated", "hours": "unchanged", "wrapping": "unchanged"}
    boots = kb.search("leather boots care", k=1)[0]
    assert "mink oil" in boots.text and "wax" not in boots.text
    assert sum(d.chunks for d in kb.list() if d.id == "care") == 3

    assert kb.remove("care") is True
    assert kb.remove(str(folder / "hours.html")) is True
    assert kb.remove("care") is False
    assert sorted(d.id for d in kb.list()) == ["bikes", "wrapping"]
    assert all(p.document_id != "care" for p in kb.search("leather boots", k=5))


def test_unknown_paths_are_data_errors(sqlite_db: Database, tmp_path: Path) -> None:
    kb = KnowledgeBase(sqlite_db)
    with pytest.raises(DataError):
        kb.add([tmp_path / "missing.md"])
    (tmp_path / "sheet.xlsx").write_bytes(b"PK")
    with pytest.raises(DataError):
        kb.add([tmp_path / "sheet.xlsx"])
    assert kb.search("anything") == []
