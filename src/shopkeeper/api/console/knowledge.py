"""`/console/knowledge` (owners): the documents the assistant answers from, and a place to try it.

List, upload (Markdown, HTML, PDF, text), replace and remove documents; an upload is saved under
`<data dir>/knowledge/` and indexed at once (`KnowledgeBase.add_file`), so the next customer question
can cite it. Replacing keeps the document's id (its citation links stay valid). "Try a question" shows
the answer and its citations exactly as a customer would get them. Each change is audited under the
owner's name. Uploads are limited by the server's request-size limit (`--max-body-bytes`).
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shopkeeper.api.console.auth import Owner, OwnerChecked
from shopkeeper.api.console.pages import render
from shopkeeper.api.console.views import NOTES
from shopkeeper.api.deps import AppState, StateDep
from shopkeeper.errors import DataError
from shopkeeper.knowledge.loaders import SUFFIXES
from shopkeeper.knowledge.text import slugify
from shopkeeper.staff import StaffSession, record

__all__ = ["router"]

router = APIRouter(prefix="/console/knowledge", include_in_schema=False)
DocumentId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")]


def _folder(state: AppState) -> FilePath:
    folder = state.settings.store.data_dir / "knowledge"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _audit(state: AppState, session: StaffSession, action: str, arguments: dict[str, str]) -> None:
    with state.db.transaction() as s:
        record(s, session.user.actor, action, arguments)


async def _save(state: AppState, upload: UploadFile, stem: str | None = None) -> FilePath:
    """The uploaded file written into the knowledge folder (name made safe; kind from its suffix)."""
    name = FilePath(upload.filename or "").name
    suffix = FilePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"Upload a Markdown, HTML, PDF or text file ({', '.join(sorted(SUFFIXES))}).")
    data = await upload.read()
    if not data:
        raise DataError("The file is empty.")
    path = _folder(state) / f"{stem or slugify(FilePath(name).stem, max_length=100)}{suffix}"
    await run_in_threadpool(path.write_bytes, data)
    return path


def _page(
    request: Request,
    state: AppState,
    session: StaffSession,
    *,
    question: str = "",
    error: str | None = None,
    done: str | None = None,
) -> Response:
    documents = state.kb.list()
    answer = state.kb.answer(question) if question.strip() else None
    return render(
        request,
        "knowledge.html",
        session,
        status=422 if error else 200,
        documents=documents,
        question=question,
        answer=answer,
        error=error,
        note=NOTES.get(done or ""),
        accept=",".join(sorted(SUFFIXES)),
    )


@router.get("")
async def page(
    request: Request,
    state: StateDep,
    session: Owner,
    q: Annotated[str, Query(max_length=1000)] = "",
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return await run_in_threadpool(lambda: _page(request, state, session, question=q, done=done))


async def _add(
    request: Request, state: AppState, session: StaffSession, upload: UploadFile, replace: str | None
) -> Response:
    try:
        path = await _save(state, upload, stem=replace)

        def index() -> None:
            if replace:
                previous = next((d for d in state.kb.list() if d.id == replace), None)
                if previous is None:
                    raise DataError("No such document.")
                if FilePath(previous.source) != path.resolve():
                    state.kb.remove(replace)
            result = state.kb.add_file(path)
            _audit(
                state,
                session,
                "knowledge.replace" if replace else "knowledge.upload",
                {"document": result.document_id},
            )

        await run_in_threadpool(index)
    except DataError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: _page(request, state, session, error=message))
    return RedirectResponse("/console/knowledge?done=uploaded", status_code=303)


@router.post("/upload")
async def upload(
    request: Request, state: StateDep, session: OwnerChecked, file: Annotated[UploadFile, File()]
) -> Response:
    return await _add(request, state, session, file, None)


@router.post("/{document_id}/replace")
async def replace(
    request: Request,
    state: StateDep,
    session: OwnerChecked,
    document_id: DocumentId,
    file: Annotated[UploadFile, File()],
) -> Response:
    return await _add(request, state, session, file, document_id)


@router.post("/{document_id}/remove")
async def remove(state: StateDep, session: OwnerChecked, document_id: DocumentId) -> Response:
    def work() -> bool:
        if not state.kb.remove(document_id):
            return False
        _audit(state, session, "knowledge.remove", {"document": document_id})
        return True

    if not await run_in_threadpool(work):
        raise HTTPException(404, "No such document.")
    return RedirectResponse("/console/knowledge?done=removed", status_code=303)
