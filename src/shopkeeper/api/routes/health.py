"""`/healthz` (the process answers), `/readyz` (database reachable, models loaded) and `/metrics`.

`/readyz` answers 503 with the reason while the understanding models warm up or the language model
loads (when one is configured), or when the database does not answer; a load balancer sends traffic
only once it says 200. `/metrics` is the Prometheus text format of this process's counters.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from shopkeeper.api.deps import StateDep
from shopkeeper.api.metrics import CONTENT_TYPE_LATEST

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready; `checks` says what is missing"}})
async def readyz(state: StateDep) -> JSONResponse:
    checks: dict[str, Any] = {}
    try:
        await run_in_threadpool(state.db.ping)
        checks["database"] = "ok"
    except Exception as exc:  # any failure to reach the database means "not ready", with the reason
        checks["database"] = f"unreachable: {type(exc).__name__}"
    checks["understanding"] = "ok" if state.warm.is_set() else "warming up"
    checks["model"] = state.model_status
    ready = (
        checks["database"] == "ok"
        and checks["understanding"] == "ok"
        and state.model_status in ("ready", "disabled")
    )
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
async def metrics(state: StateDep) -> Response:
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
