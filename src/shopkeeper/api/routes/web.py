"""The web chat: `/` (the page), `/widget.js` (the embeddable widget), `/kb/{document}` (cited documents).

The page and the widget are static files shipped in `shopkeeper/api/static/` (plain JavaScript, no
build step); `create_app` mounts that folder at `/static`. `/kb/{document}` renders a knowledge-base
document as HTML with one anchor per section, so the citation links in replies lead somewhere.
"""

from __future__ import annotations

import html
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from shopkeeper.api.deps import StateDep

__all__ = ["STATIC", "router"]

STATIC = files("shopkeeper.api") / "static"
router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> HTMLResponse:
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))


@router.get("/widget.js")
async def widget() -> Response:
    return Response(
        (STATIC / "widget.js").read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=300"},
    )


@router.get("/kb/{document}")
async def document(
    document: Annotated[str, Path(max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")], state: StateDep
) -> HTMLResponse:
    passages = [p for p in (await run_in_threadpool(state.kb.index)).passages if p.document_id == document]
    if not passages:
        raise HTTPException(404, "No such document.")
    passages.sort(key=lambda p: p.position)
    title = html.escape(passages[0].document_title)
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<link rel='stylesheet' href='/static/chat.css'></head><body class='doc'><main>",
        f"<h1>{title}</h1>",
    ]
    current = None
    for p in passages:
        if p.anchor != current:
            current = p.anchor
            fragment = html.escape(p.anchor.partition("#")[2] or p.anchor)
            parts.append(f"<h2 id='{fragment}'>{html.escape(p.section)}</h2>")
        parts.append(f"<p>{html.escape(p.text)}</p>")
    parts.append("<p><a href='/'>Back to the chat</a></p></main></body></html>")
    return HTMLResponse("".join(parts))
