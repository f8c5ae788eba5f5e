"""Reading files into titled sections: Markdown, HTML, plain text and PDF.

`load(path)` returns a `ParsedDocument`: the document title, its kind, a page count and the sections in
reading order, each with its heading and its plain text (markup removed). Headings come from the markup
where there is some (Markdown `#`, HTML `<h1>`-`<h6>`); for plain text and PDF they are found by layout
(underlined or all-capital lines, numbered or short title-like lines). Text files and Markdown count one
page per 3,000 characters, so ingestion throughput can be compared with PDFs.
This module knows nothing about chunk sizes, storage or retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from shopkeeper.errors import DataError

__all__ = ["SUFFIXES", "ParsedDocument", "Section", "load", "parse_html", "parse_markdown", "parse_text"]

SUFFIXES: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".text": "text",
    ".pdf": "pdf",
}
_CHARS_PER_PAGE = 3000


@dataclass
class Section:
    """One headed part of a document; `level` is 1 for a top heading, 0 for text before any heading."""

    title: str
    level: int
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.paragraphs if p)


@dataclass
class ParsedDocument:
    title: str
    kind: str
    pages: int
    sections: list[Section]


def _pages_for(text: str) -> int:
    return max(1, -(-len(text) // _CHARS_PER_PAGE))


def _humanize(stem: str) -> str:
    words = re.sub(r"[_\-]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"


def _drop_empty(sections: list[Section]) -> list[Section]:
    return [s for s in sections if s.text.strip()]


# --- Markdown ---------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _md_inline(line: str) -> str:
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_EMPHASIS.sub(r"\2", line)
    return line.replace("\\", "").strip()


def parse_markdown(text: str, fallback_title: str) -> ParsedDocument:
    title = ""
    sections: list[Section] = [Section(title="", level=0)]
    paragraph: list[str] = []
    in_code = False

    def flush() -> None:
        if paragraph:
            sections[-1].paragraphs.append(" ".join(paragraph))
            paragraph.clear()

    for raw in text.splitlines():
        if raw.strip().startswith("```"):
            in_code = not in_code
            continue
        match = None if in_code else _MD_HEADING.match(raw)
        if match:
            flush()
            level, heading = len(match.group(1)), _md_inline(match.group(2))
            if level == 1 and not title:
                title = heading
                continue
            sections.append(Section(title=heading, level=level))
            continue
        line = raw.strip()
        if not line or set(line) <= set("-=*_|: "):
            flush()
            continue
        if _MD_BULLET.match(raw):
            flush()
            line = _MD_BULLET.sub("", raw)
        if line.startswith(">"):
            line = line.lstrip("> ")
        paragraph.append(_md_inline(line))
    flush()
    title = title or fallback_title
    if sections[0].paragraphs:
        sections[0].title = title
    return ParsedDocument(
        title=title, kind="markdown", pages=_pages_for(text), sections=_drop_empty(sections)
    )


# --- HTML -------------------------------------------------------------------------------------------

_HTML_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HTML_BLOCKS = ("p", "li", "td", "th", "pre", "blockquote", "dd", "dt", "figcaption", "caption")


def parse_html(text: str, fallback_title: str) -> ParsedDocument:
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "nav", "footer"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    body = soup.body or soup
    sections: list[Section] = [Section(title="", level=0)]
    seen_h1 = False
    for el in body.find_all(True):
        if not isinstance(el, Tag):
            continue
        if el.name in _HTML_HEADINGS:
            heading = el.get_text(" ", strip=True)
            if not heading:
                continue
            level = int(el.name[1])
            if level == 1 and not seen_h1:
                seen_h1 = True
                title = title or heading
                if not sections[-1].paragraphs:
                    continue
            sections.append(Section(title=heading, level=level))
        elif el.name in _HTML_BLOCKS and not el.find(_HTML_BLOCKS):
            chunk = " ".join(el.get_text(" ", strip=True).split())
            if chunk:
                sections[-1].paragraphs.append(chunk)
    title = title or fallback_title
    if sections[0].paragraphs:
        sections[0].title = title
    plain = "\n".join(s.text for s in sections)
    return ParsedDocument(title=title, kind="html", pages=_pages_for(plain), sections=_drop_empty(sections))


# --- Plain text and PDF -----------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?\s+[A-Z]")


def _looks_like_heading(line: str, next_line: str, loose: bool) -> bool:
    words = line.split()
    if not words or len(line) > 70 or len(words) > 10 or line[-1] in ".,;:!?":
        return False
    if line.isupper() and any(c.isalpha() for c in line):
        return True
    if _NUMBERED.match(line):
        return True
    if not loose or not next_line:
        return False
    # PDF text has no markup: a short capitalised line followed by a longer one is taken as a heading.
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return capitalised >= max(1, len(words) - 2) and len(next_line) > len(line)


def parse_text(
    text: str, fallback_title: str, *, kind: str = "text", pages: int | None = None
) -> ParsedDocument:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\f", "\n").split("\n")]
    title = ""
    sections: list[Section] = [Section(title="", level=0)]
    paragraph: list[str] = []
    loose = kind == "pdf"

    def flush() -> None:
        if paragraph:
            sections[-1].paragraphs.append(" ".join(paragraph))
            paragraph.clear()

    i = 0
    while i < len(lines):
        line = lines[i].strip()
        following = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not line:
            flush()
            i += 1
            continue
        underlined = bool(following) and set(following) <= set("=-") and len(following) >= 3
        first = not title and not paragraph and not any(s.paragraphs for s in sections) and len(sections) == 1
        if first and loose and _looks_like_heading(line, line + " x", loose):
            title = line.title() if line.isupper() else line  # a PDF's first short capitalised line
            i += 1
            continue
        if underlined or _looks_like_heading(line, following, loose):
            flush()
            heading = line.title() if line.isupper() else line
            if (
                not title
                and not any(s.paragraphs for s in sections)
                and (following.startswith("=") or i == 0)
            ):
                title = heading
            else:
                sections.append(Section(title=heading, level=1 if following.startswith("=") else 2))
            i += 2 if underlined else 1
            continue
        paragraph.append(line)
        i += 1
    flush()
    title = title or fallback_title
    if sections[0].paragraphs:
        sections[0].title = title
    return ParsedDocument(
        title=title, kind=kind, pages=pages or _pages_for(text), sections=_drop_empty(sections)
    )


def _parse_pdf(path: Path, fallback_title: str) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DataError(f"{path}: not a readable PDF ({exc})") from exc
    parsed = parse_text("\n\n".join(pages), fallback_title, kind="pdf", pages=len(pages))
    if meta_title.strip():
        parsed.title = meta_title.strip()
    return parsed


def load(path: Path) -> ParsedDocument:
    """Parse one file by its suffix; raises `DataError` for unknown kinds or unreadable files."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise DataError(f"{path}: unsupported file type (use {', '.join(sorted(SUFFIXES))})")
    fallback = _humanize(path.stem)
    if kind == "pdf":
        return _parse_pdf(path, fallback)
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    if kind == "markdown":
        return parse_markdown(text, fallback)
    if kind == "html":
        return parse_html(text, fallback)
    return parse_text(text, fallback)
