"""What the console shows of a conversation: transcript turns with the assistant's proposals and actions,
and the inbox entries, as plain dicts that both the templates and the live streams (JSON) use.

Nothing here reads the database or knows about HTTP.
"""

from __future__ import annotations

from typing import Any

from shopkeeper.sessions import StoredTurn

__all__ = ["NOTES", "summary_lines", "turn_view"]

# Fixed messages after a form post (`?done=<key>`), so no request text is ever echoed into a page.
NOTES = {
    "took": "You took over this conversation. The assistant stays silent until you hand it back.",
    "replied": "Sent. The customer sees it in the chat now.",
    "handed_back": "Handed back to the assistant.",
    "closed": "Conversation closed.",
    "cancelled": "The order was cancelled.",
    "returned": "The return was opened.",
    "uploaded": "The document is searchable now.",
    "removed": "The document was removed.",
    "created": "Created.",
    "revoked": "Revoked.",
    "updated": "Updated.",
}
_SUMMARY_LABELS = (
    "Customer:",
    "Reason for handoff:",
    "Asked for:",
    "Orders involved:",
    "Done so far:",
    "Last message:",
)


def summary_lines(summary: str | None) -> list[tuple[str, str]]:
    """The handoff summary split into (label, text) lines: who, why, what was asked, what was done."""
    if not summary:
        return []
    cuts = sorted((summary.find(label), label) for label in _SUMMARY_LABELS if label in summary)
    if not cuts:
        return [("", summary)]
    out = []
    for i, (start, label) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(summary)
        out.append((label.rstrip(":"), summary[start + len(label) : end].strip().rstrip(".")))
    return out


def _note(event: dict[str, Any]) -> dict[str, str] | None:
    kind = event.get("type")
    if kind == "proposal":
        return {"kind": "proposal", "text": f"Proposed {event.get('action')}: {event.get('summary', '')}"}
    if kind == "action":
        ok = bool(event.get("ok"))
        verdict = "Done" if ok else f"Refused ({event.get('code', '')})"
        return {
            "kind": "ok" if ok else "refused",
            "text": f"{verdict}: {event.get('action')} — {event.get('message', '')}",
        }
    if kind == "refusal":
        return {
            "kind": "refused",
            "text": f"Refused {event.get('action')} ({event.get('code')}): {event.get('reason', '')}",
        }
    if kind == "handoff":
        return {"kind": "handoff", "text": "Handed off to a person."}
    if kind == "citation":
        return {"kind": "citation", "text": f"Cited {event.get('document')} › {event.get('section')}"}
    return None


def turn_view(turn: StoredTurn) -> dict[str, Any] | None:
    """One transcript line, or None for the empty turns the assistant records while staff hold it."""
    notes = [n for n in (_note(e) for e in turn.events) if n]
    if turn.role == "assistant" and not turn.text and not notes:
        return None
    by = next((str(e.get("by")) for e in turn.events if e.get("type") == "staff"), "")
    label = {"customer": "Customer", "assistant": "Assistant"}.get(
        turn.role, f"Staff ({by})" if by else "Staff"
    )
    return {
        "seq": turn.seq,
        "role": turn.role,
        "label": label,
        "text": turn.text,
        "at": turn.at[:19],
        "notes": notes,
    }
