"""How the assistant is doing, computed from the stored conversations and the audit log only.

`figures(db, days)` reads the conversations started in the last `days` days (and the audit entries of the
same period) and returns `Figures`:
- conversations per day (those where the customer wrote at least once);
- outcomes: *handed off* (a person was asked for or took over), *abandoned* (the assistant was still
  waiting for an answer, a confirmation or a detail, and the customer has been silent for
  `ABANDONED_AFTER`), *in progress* (the same, but recent), *resolved without a person* (the rest);
- writes by action (accepted audit entries of the action layer) and refusals by reason (rejected
  writes' codes plus the policy refusals the assistant explained without attempting a write);
- the assistant's reply time (each turn's `done` event), p50 and p95, and staff's first reply after a
  handoff, p50 and p95;
- the questions answered "I don't know" (no grounded passage) or not understood at all (the agent's
  fallback reply), grouped by shared content words.
`rows(figures)` flattens them for CSV. Nothing here knows about HTTP or charts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from shopkeeper.knowledge.answer import NOT_FOUND
from shopkeeper.knowledge.text import content_tokens
from shopkeeper.sessions import ConversationRow, TurnRow
from shopkeeper.store.db import Database
from shopkeeper.store.schema import AuditRow

__all__ = ["ABANDONED_AFTER", "OUTCOMES", "Figures", "QuestionGroup", "figures", "percentile", "rows"]

ABANDONED_AFTER = timedelta(minutes=30)
OUTCOMES = ("resolved without a person", "handed off", "abandoned", "in progress")
# How the assistant says it has no answer: the knowledge base's "I don't know", and the agent's fallback
# when it understood nothing it can act on (agent.py). tests/api/test_console.py checks both still match.
_NO_ANSWER = (NOT_FOUND[:40], "How can I help you today? I can check an order")


@dataclass
class QuestionGroup:
    label: str  # the first question asked in the group
    count: int = 0
    examples: list[str] = field(default_factory=list)
    _words: set[str] = field(default_factory=set, repr=False)


@dataclass
class Figures:
    days: list[tuple[str, int]]
    outcomes: dict[str, int]
    writes: list[tuple[str, int]]
    refusals: list[tuple[str, int]]
    reply_seconds: dict[str, float]  # p50, p95, count
    staff_first_reply_seconds: dict[str, float]
    unknown: list[QuestionGroup]

    @property
    def conversations(self) -> int:
        return sum(self.outcomes.values())


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _naive(at: datetime | None) -> datetime:
    return (at or datetime(1970, 1, 1)).replace(tzinfo=None)


def _outcome(row: ConversationRow, last_at: datetime, now: datetime) -> str:
    if row.handoff_summary or row.assignee or row.status in ("handoff", "staff"):
        return "handed off"
    state = row.state or {}
    asked = state.get("asked") not in (None, "anything_else")
    waiting = state.get("task") or state.get("proposal") or state.get("queue") or asked
    if waiting and row.status != "closed":
        return "abandoned" if now - last_at > ABANDONED_AFTER else "in progress"
    return "resolved without a person"


def _group(groups: list[QuestionGroup], question: str) -> None:
    words = content_tokens(question)
    for g in groups:
        if words and g._words and len(words & g._words) / len(words | g._words) >= 0.5:
            g.count += 1
            if len(g.examples) < 5 and question not in g.examples:
                g.examples.append(question)
            return
    groups.append(QuestionGroup(question, 1, [question], words))


def figures(db: Database, days: int = 30, now: datetime | None = None) -> Figures:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    since = datetime.combine((now - timedelta(days=days - 1)).date(), datetime.min.time())
    per_day: Counter[date] = Counter()
    outcomes: Counter[str] = Counter(dict.fromkeys(OUTCOMES, 0))
    refusals: Counter[str] = Counter()
    replies: list[float] = []
    staff_first: list[float] = []
    unknown: list[QuestionGroup] = []
    with db.session() as s:
        conversations = s.scalars(select(ConversationRow).where(ConversationRow.created_at >= since)).all()
        for row in conversations:
            turns = s.scalars(
                select(TurnRow).where(TurnRow.conversation_id == row.id).order_by(TurnRow.seq)
            ).all()
            if not any(t.role == "customer" for t in turns):
                continue  # a chat page opened, nothing asked
            per_day[_naive(row.created_at).date()] += 1
            outcomes[_outcome(row, _naive(turns[-1].at), now)] += 1
            last_question, handed_at = "", None
            for t in turns:
                if t.role == "customer":
                    last_question = t.text
                elif t.role == "staff" and handed_at is not None:
                    staff_first.append((_naive(t.at) - handed_at).total_seconds())
                    handed_at = None
                for e in t.events or []:
                    kind = e.get("type")
                    if kind == "done" and t.text:
                        replies.append(float(e.get("seconds", 0.0)))
                    elif kind == "refusal":
                        refusals[str(e.get("code", "refused"))] += 1
                    elif kind == "handoff":
                        handed_at = _naive(t.at)
                unanswered = t.role == "assistant" and any(m in t.text for m in _NO_ANSWER)
                if unanswered and len(content_tokens(last_question)) >= 2:  # a question, not "hmm"
                    _group(unknown, last_question)
        writes: Counter[str] = Counter()
        for action, outcome, result in s.execute(
            select(AuditRow.action, AuditRow.outcome, AuditRow.result).where(AuditRow.at >= since)
        ):
            if "." in action:
                continue  # console events (conversation.reply, staff.sign_in), not store writes
            if outcome == "ok":
                writes[action] += 1
            else:
                refusals[str((result or {}).get("code", outcome))] += 1
    return Figures(
        days=[
            (d.isoformat(), per_day.get(d, 0))
            for d in (since.date() + timedelta(days=i) for i in range(days))
        ],
        outcomes=dict(outcomes),
        writes=writes.most_common(),
        refusals=refusals.most_common(),
        reply_seconds={"p50": percentile(replies, 50), "p95": percentile(replies, 95), "count": len(replies)},
        staff_first_reply_seconds={
            "p50": percentile(staff_first, 50),
            "p95": percentile(staff_first, 95),
            "count": len(staff_first),
        },
        unknown=sorted(unknown, key=lambda g: (-g.count, g.label)),
    )


def rows(f: Figures) -> list[tuple[str, str, Any]]:
    """(figure, label, value) rows: every number on the dashboard, for CSV export."""
    out: list[tuple[str, str, Any]] = [("conversations_per_day", d, n) for d, n in f.days]
    out += [("outcome", k, n) for k, n in f.outcomes.items()]
    out += [("writes_by_action", k, n) for k, n in f.writes]
    out += [("refusals_by_reason", k, n) for k, n in f.refusals]
    out += [("assistant_reply_seconds", k, round(v, 3)) for k, v in f.reply_seconds.items()]
    out += [("staff_first_reply_seconds", k, round(v, 3)) for k, v in f.staff_first_reply_seconds.items()]
    out += [("unanswered_question_group", g.label, g.count) for g in f.unknown]
    return out
