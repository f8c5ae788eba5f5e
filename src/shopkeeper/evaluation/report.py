"""Results of evaluation cases and the report over them: success rate per style, turns per
conversation, p50/p95 seconds per agent reply, and the failures with their reasons.

A case is one conversation scored by outcome (final store, facts stated, actions taken). The report
is plain data plus a Rich rendering; it knows nothing about how cases were run.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.table import Table

from shopkeeper.evaluation.conversation import Conversation

__all__ = ["REASONS", "CaseResult", "Report", "Summary", "percentile", "render"]

REASONS = (
    "wrong write",  # a write with other arguments than wanted, or the right writes and a different store
    "missing write",  # a wanted write never happened
    "extra write",  # a write nobody asked for
    "turn limit",
    "handoff",
    "agent error",  # the agent raised
    "expectation",  # a scenario expectation (fact stated, action not taken, ...) failed
)


@dataclass
class CaseResult:
    name: str
    style: str
    success: bool
    conversation: Conversation
    reason: str = ""
    details: list[str] = field(default_factory=list)
    unrequested: list[str] = field(default_factory=list)  # accepted writes matching no goal

    @property
    def wrong_write(self) -> bool:
        """The store ended with a change the customer did not ask for."""
        return bool(self.unrequested)

    @property
    def turns(self) -> int:
        return self.conversation.turns

    @property
    def seconds(self) -> list[float]:
        return [x.seconds for x in self.conversation.exchanges]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "style": self.style,
            "success": self.success,
            "reason": self.reason,
            "details": self.details,
            "unrequested": self.unrequested,
            "turns": self.turns,
            "conversation": self.conversation.as_dict(),
        }


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Summary:
    label: str
    cases: int
    successes: int
    mean_turns: float
    median_turns: float
    p50_seconds: float
    p95_seconds: float
    replies: int
    wrong_writes: int = 0  # conversations that ended with a change the customer did not ask for

    @property
    def rate(self) -> float:
        return self.successes / self.cases if self.cases else 0.0


def _summary(label: str, results: Sequence[CaseResult]) -> Summary:
    turns = [r.turns for r in results]
    seconds = [s for r in results for s in r.seconds]
    return Summary(
        label=label,
        cases=len(results),
        successes=sum(r.success for r in results),
        mean_turns=statistics.fmean(turns) if turns else 0.0,
        median_turns=statistics.median(turns) if turns else 0.0,
        p50_seconds=percentile(seconds, 50),
        p95_seconds=percentile(seconds, 95),
        replies=len(seconds),
        wrong_writes=sum(r.wrong_write for r in results),
    )


@dataclass
class Report:
    title: str
    results: list[CaseResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def styles(self) -> list[str]:
        return sorted({r.style for r in self.results})

    def by_style(self) -> list[Summary]:
        return [_summary(s, [r for r in self.results if r.style == s]) for s in self.styles]

    def overall(self) -> Summary:
        return _summary("all", self.results)

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.success]

    def reasons(self) -> Counter[str]:
        return Counter(r.reason for r in self.failures)

    def as_dict(self) -> dict[str, Any]:
        def summary(s: Summary) -> dict[str, Any]:
            return {**s.__dict__, "rate": round(s.rate, 4)}

        return {
            "title": self.title,
            "overall": summary(self.overall()),
            "by_style": [summary(s) for s in self.by_style()],
            "failure_reasons": dict(self.reasons()),
            "skipped": self.skipped,
            "results": [r.as_dict() for r in self.results],
        }


def render(report: Report, console: Console, *, failures: int = 20, transcripts: int = 0) -> None:
    """Print the summary table, the failure reasons, and the first failures (with transcripts)."""
    table = Table(title=report.title)
    for column in (
        "style",
        "cases",
        "success",
        "rate",
        "turns (mean / median)",
        "reply s p50",
        "reply s p95",
    ):
        table.add_column(column, justify="left" if column == "style" else "right")
    rows = report.by_style()
    if len(rows) > 1:
        rows.append(report.overall())
    for s in rows:
        table.add_row(
            s.label,
            str(s.cases),
            str(s.successes),
            f"{s.rate:.1%}",
            f"{s.mean_turns:.1f} / {s.median_turns:g}",
            f"{s.p50_seconds:.3f}",
            f"{s.p95_seconds:.3f}",
        )
    parts: list[Any] = [table]
    if report.failures:
        reasons = Table(title="Failures by reason")
        reasons.add_column("reason")
        reasons.add_column("count", justify="right")
        for reason, n in report.reasons().most_common():
            reasons.add_row(reason, str(n))
        parts.append(reasons)
    console.print(Group(*parts))
    per_style = ", ".join(f"{s.label} {s.wrong_writes}" for s in report.by_style())
    console.print(
        f"wrong writes (conversations ending with a change nobody asked for): "
        f"{report.overall().wrong_writes} ({per_style})",
        highlight=False,
    )
    for note in report.skipped:
        console.print(f"[yellow]skipped[/] {note}")
    for i, r in enumerate(report.failures[:failures]):
        console.print(
            f"[bold red]FAIL[/] {r.name} ({r.style}) [yellow]{r.reason}[/]: {'; '.join(r.details)[:300]}"
        )
        if i < transcripts:
            console.print(r.conversation.transcript(), markup=False, highlight=False)
    if len(report.failures) > failures:
        console.print(f"... and {len(report.failures) - failures} more failures")
