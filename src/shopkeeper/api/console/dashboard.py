"""`/console/dashboard`: how the assistant is doing, as charts drawn on the server, and the same
figures as CSV (`/console/dashboard.csv`). Every number comes from `shopkeeper.dashboard.figures`,
which reads only the stored conversations and the audit log. Any signed-in staff member may look.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from shopkeeper import dashboard
from shopkeeper.api.console import charts
from shopkeeper.api.console.auth import SignedIn
from shopkeeper.api.console.pages import SECURITY_HEADERS, render
from shopkeeper.api.deps import StateDep

__all__ = ["router"]

router = APIRouter(prefix="/console", include_in_schema=False)
Days = Annotated[int, Query(ge=1, le=366)]


@router.get("/dashboard")
async def page(request: Request, state: StateDep, session: SignedIn, days: Days = 30) -> Response:
    f = await run_in_threadpool(dashboard.figures, state.db, days)
    outcomes = [(k, float(v)) for k, v in f.outcomes.items()]
    return render(
        request,
        "dashboard.html",
        session,
        f=f,
        days=days,
        per_day=charts.columns([(d, float(n)) for d, n in f.days], "Conversations per day"),
        outcomes=charts.share(outcomes, "Outcomes of conversations"),
        writes=charts.bars([(k, float(n)) for k, n in f.writes], "Writes by action"),
        refusals=charts.bars([(k, float(n)) for k, n in f.refusals], "Refusals by reason"),
        unknown=charts.bars(
            [(g.label, float(g.count)) for g in f.unknown[:10]], "Questions answered I don't know"
        ),
    )


@router.get("/dashboard.csv")
async def export(state: StateDep, session: SignedIn, days: Days = 30) -> Response:
    f = await run_in_threadpool(dashboard.figures, state.db, days)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "label", "value"])
    writer.writerows(dashboard.rows(f))
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="shopkeeper-{days}d.csv"'},
    )
