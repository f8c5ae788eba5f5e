"""The Bitext customer-support utterances: a fixed split into a tuning half and a reporting half,
and openings for the text-only customer taken from the reporting half.

The split is by text, fixed once: `part(text)` is "report" when the SHA-256 of the utterance is odd,
else "tune". Only the tuning half may be looked at to improve understanding; `benchmarks/
understanding.py` reports accuracy on the reporting half, and the simulated customer opens with
reporting-half utterances, so neither figure rewards copying phrases from what is reported.

An opening is an utterance of the Bitext intent that matches the goal's action, with its order
number (Bitext's `order_id` entity span) replaced by the real one. Payment-method changes have no
matching Bitext intent (`payment_issue` means a failed payment); they get None.
"""

from __future__ import annotations

import hashlib
import json
import random
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from shopkeeper.evaluation.goals import STATUS, Goal

__all__ = ["INTENT_FOR_ACTION", "load", "opening", "part"]

INTENT_FOR_ACTION = {
    "cancel_order": "cancel_order",
    "modify_order_items": "change_order",
    "exchange_order_items": "change_order",
    "return_order_items": "get_refund",
    "modify_order_address": "change_shipping_address",
    "modify_customer_address": "set_up_shipping_address",
    STATUS: "track_order",
}


def part(text: str) -> Literal["tune", "report"]:
    """The fixed half of Bitext an utterance belongs to."""
    return "report" if hashlib.sha256(text.encode()).digest()[-1] % 2 else "tune"


@lru_cache(maxsize=4)
def load(path: Path) -> tuple[dict[str, Any], ...]:
    """The rows of a Bitext JSONL file (text, intent, entity_type, start_offset, end_offset, ...)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


def opening(rows: tuple[dict[str, Any], ...], goal: Goal, rng: random.Random) -> str | None:
    """A reporting-half utterance for the goal, its order number filled in; None when none fits."""
    intent = INTENT_FOR_ACTION.get(goal.action)
    if intent is None:
        return None
    usable = [
        r
        for r in rows
        if r["intent"] == intent
        and part(r["text"]) == "report"
        and r.get("entity_type") in ("", "order_id")
        and (r.get("entity_type") == "" or goal.order_id)
    ]
    if not usable:
        return None
    row = usable[rng.randrange(len(usable))]
    text = str(row["text"])
    if row.get("entity_type") == "order_id" and goal.order_id:
        start, end = int(row["start_offset"]), int(row["end_offset"])
        said = goal.order_id if rng.random() < 0.5 else goal.order_id.lstrip("#")
        text = text[:start] + said + text[end:]
    return " ".join(text.split())
