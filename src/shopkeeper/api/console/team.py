"""`/console/team` (owners): console users and admin API keys.

Owners create users (name, role, initial password: argon2-hashed like `shopkeeper admin create-user`),
disable or enable them (a disabled user is signed out everywhere at once), and create or revoke the
admin API keys of `/api/admin/` (a new key is shown once). Each change is audited under the owner's name.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shopkeeper.api.console.auth import Owner, OwnerChecked, staff
from shopkeeper.api.console.pages import render
from shopkeeper.api.console.views import NOTES
from shopkeeper.api.deps import AppState, StateDep
from shopkeeper.errors import DataError
from shopkeeper.staff import StaffSession, record

__all__ = ["router"]

router = APIRouter(prefix="/console/team", include_in_schema=False)


def _page(
    request: Request,
    state: AppState,
    session: StaffSession,
    *,
    error: str | None = None,
    done: str | None = None,
    secret: str | None = None,
) -> Response:
    return render(
        request,
        "team.html",
        session,
        status=422 if error else 200,
        users=staff(state).users(),
        keys=state.keys.all(),
        error=error,
        note=NOTES.get(done or ""),
        secret=secret,
    )


@router.get("")
async def page(
    request: Request,
    state: StateDep,
    session: Owner,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return await run_in_threadpool(lambda: _page(request, state, session, done=done))


@router.post("/users")
async def create_user(
    request: Request,
    state: StateDep,
    session: OwnerChecked,
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=10)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    try:
        await run_in_threadpool(staff(state).create_user, name, password, role, session.user.actor)
    except DataError as exc:
        message = str(exc)
        return await run_in_threadpool(lambda: _page(request, state, session, error=message))
    return RedirectResponse("/console/team?done=created", status_code=303)


@router.post("/users/{name}/{change}")
async def disable_user(
    state: StateDep,
    session: OwnerChecked,
    name: Annotated[str, Path(max_length=64)],
    change: Annotated[str, Path(pattern="^(disable|enable)$")],
) -> Response:
    if name == session.user.name:
        raise HTTPException(409, "You cannot disable yourself.")
    if not await run_in_threadpool(staff(state).set_disabled, name, change == "disable", session.user.actor):
        raise HTTPException(404, "No such user.")
    return RedirectResponse("/console/team?done=updated", status_code=303)


def _audit(state: AppState, session: StaffSession, action: str, arguments: dict[str, str]) -> None:
    with state.db.transaction() as s:
        record(s, session.user.actor, action, arguments)


@router.post("/keys")
async def create_key(
    request: Request,
    state: StateDep,
    session: OwnerChecked,
    name: Annotated[str, Form(min_length=1, max_length=60)],
) -> Response:
    def work() -> Response:
        key, secret = state.keys.create(name)
        _audit(state, session, "keys.create", {"key_id": key.id, "name": name})
        return _page(request, state, session, done="created", secret=secret)

    return await run_in_threadpool(work)


@router.post("/keys/{key_id}/revoke")
async def revoke_key(
    state: StateDep,
    session: OwnerChecked,
    key_id: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
) -> Response:
    def work() -> bool:
        if not state.keys.revoke(key_id):
            return False
        _audit(state, session, "keys.revoke", {"key_id": key_id})
        return True

    if not await run_in_threadpool(work):
        raise HTTPException(404, "No live key with that id.")
    return RedirectResponse("/console/team?done=revoked", status_code=303)
