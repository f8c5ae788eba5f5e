"""Signing staff in and out of the console, and the dependencies that guard its routes.

`SignedIn` is the live session of the request's cookie; a signed-out request gets 303 to the sign-in
page. `Owner` also requires the owner role (403 otherwise). `Checked` / `OwnerChecked` are the same for
state-changing requests: they require the session's CSRF token, from the form field `csrf` or the
`X-CSRF-Token` header, and a same-origin `Origin` when the browser sends one. The cookie is HttpOnly,
SameSite=Strict, Secure on https, scoped to /console, and expires with the server-side session.
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shopkeeper.api.console.pages import SECURITY_HEADERS, render
from shopkeeper.api.deps import StateDep
from shopkeeper.staff import Staff, StaffSession

__all__ = ["COOKIE", "Checked", "Owner", "OwnerChecked", "SignedIn", "router", "staff"]

COOKIE = "shopkeeper_staff"
router = APIRouter(prefix="/console", include_in_schema=False)


def staff(state: StateDep) -> Staff:
    return Staff(state.db)


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise HTTPException(403, "Cross-site request refused.")


async def _signed_in(request: Request, state: StateDep) -> StaffSession:
    session = await run_in_threadpool(staff(state).session, request.cookies.get(COOKIE))
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(
            303, "Sign in first.", headers={"Location": f"/console/login?next={quote(target, safe='')}"}
        )
    return session


SignedIn = Annotated[StaffSession, Depends(_signed_in)]


def _owner(session: SignedIn) -> StaffSession:
    if not session.user.is_owner:
        raise HTTPException(403, "Only an owner can do this.")
    return session


Owner = Annotated[StaffSession, Depends(_owner)]


async def _csrf(request: Request, session: StaffSession) -> StaffSession:
    _same_origin(request)
    token = request.headers.get("x-csrf-token")
    if token is None and "form" in request.headers.get("content-type", ""):
        value = (await request.form()).get("csrf")
        token = value if isinstance(value, str) else None
    if not token or not hmac.compare_digest(token, session.csrf):
        raise HTTPException(403, "The form has expired; reload the page and try again.")
    return session


async def _checked(request: Request, session: SignedIn) -> StaffSession:
    return await _csrf(request, session)


async def _owner_checked(request: Request, session: Owner) -> StaffSession:
    return await _csrf(request, session)


Checked = Annotated[StaffSession, Depends(_checked)]
OwnerChecked = Annotated[StaffSession, Depends(_owner_checked)]


def _safe_next(target: str | None) -> str:
    """Only a path inside the console; anything else (another site, //host) goes to the inbox."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login")
async def login(
    request: Request,
    state: StateDep,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=500)] = "/console",
) -> Response:
    _same_origin(request)
    accounts = staff(state)
    user = await run_in_threadpool(accounts.authenticate, name, password)
    if user is None:
        return render(
            request, "login.html", None, status=401, next=_safe_next(next), error="Wrong name or password."
        )
    token, _ = await run_in_threadpool(accounts.open_session, user)
    response = RedirectResponse(_safe_next(next), status_code=303, headers=SECURITY_HEADERS)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(accounts.session_hours * 3600),
        path="/console",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/logout")
async def logout(request: Request, state: StateDep, session: Checked) -> Response:
    await run_in_threadpool(staff(state).close_session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/console/login", status_code=303, headers=SECURITY_HEADERS)
    response.delete_cookie(COOKIE, path="/console", httponly=True, samesite="strict")
    return response
