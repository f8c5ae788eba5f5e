"""What a simulated customer wants: a list of goals, each one write of the action layer (or a status
question), and the test of whether a proposed write is exactly that goal.

Goals use Shopkeeper's action names and keyword arguments (`shopkeeper.actions.Actions`); tau-bench
reference writes are translated here. Item lists are compared as multisets; for item modifications
the old -> new pairs are compared (they decide which order line becomes which variant), for
exchanges the two lists separately (the store keeps only the sorted lists). This module knows
nothing about conversations, phrasing or agents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ADDRESS_KEYS",
    "STATUS",
    "TAU_WRITES",
    "WRITE_ACTIONS",
    "Goal",
    "goal_from_tau",
    "normalize_order_id",
    "proposal_matches",
]

ADDRESS_KEYS = ("address1", "address2", "city", "state", "country", "zip")
STATUS = "order_status"  # not a write: the customer asks how an order is doing
TAU_WRITES = {
    "cancel_pending_order": "cancel_order",
    "modify_pending_order_address": "modify_order_address",
    "modify_pending_order_payment": "modify_order_payment",
    "modify_pending_order_items": "modify_order_items",
    "modify_user_address": "modify_customer_address",
    "return_delivered_order_items": "return_order_items",
    "exchange_delivered_order_items": "exchange_order_items",
}
WRITE_ACTIONS = tuple(TAU_WRITES.values())


@dataclass(frozen=True)
class Goal:
    """One thing the customer wants done. `expect_ok` is False when the store must refuse it."""

    action: str
    arguments: dict[str, Any] = field(default_factory=dict)
    expect_ok: bool = True

    @property
    def is_write(self) -> bool:
        return self.action in WRITE_ACTIONS

    @property
    def order_id(self) -> str | None:
        value = self.arguments.get("order_id")
        return normalize_order_id(value) if isinstance(value, str) else None


def normalize_order_id(value: str) -> str:
    """'W1234567', '#w1234567 ' -> '#W1234567'."""
    value = value.strip().upper()
    return value if value.startswith("#") else f"#{value}"


def goal_from_tau(name: str, kwargs: dict[str, Any], expect_ok: bool = True) -> Goal:
    """A tau-bench reference write as a goal in Shopkeeper's terms."""
    action = TAU_WRITES[name]
    args: dict[str, Any] = {}
    if "order_id" in kwargs:
        args["order_id"] = normalize_order_id(kwargs["order_id"])
    if "user_id" in kwargs:
        args["customer_id"] = kwargs["user_id"]
    if "address1" in kwargs:
        args["address"] = {k: str(kwargs.get(k, "")) for k in ADDRESS_KEYS}
    for key in ("reason", "payment_method_id"):
        if key in kwargs:
            args[key] = kwargs[key]
    for key in ("item_ids", "new_item_ids"):
        if key in kwargs:
            args[key] = [str(v) for v in kwargs[key]]
    return Goal(action, args, expect_ok)


def _address(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, dict):
        return None
    return tuple(str(value.get(k) or "").strip() for k in ADDRESS_KEYS)


def _ids(value: Any) -> list[str] | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str | int) for v in value):
        return None
    return [str(v).strip() for v in value]


def proposal_matches(goal: Goal, action: str, arguments: dict[str, Any]) -> list[str]:
    """Differences between a proposed write and the goal; empty when it is exactly what is wanted."""
    if action != goal.action:
        return [f"action {action!r}, wanted {goal.action!r}"]
    want, got = goal.arguments, arguments
    diffs: list[str] = []
    for key in ("order_id", "customer_id", "reason", "payment_method_id"):
        if key not in want:
            continue
        value = got.get(key)
        if key == "order_id" and isinstance(value, str):
            value = normalize_order_id(value)
        if value != want[key]:
            diffs.append(f"{key} {value!r}, wanted {want[key]!r}")
    if "address" in want and _address(got.get("address")) != _address(want["address"]):
        diffs.append(f"address {got.get('address')!r}, wanted {want['address']!r}")
    old, new = _ids(got.get("item_ids")), _ids(got.get("new_item_ids"))
    if "item_ids" in want and "new_item_ids" in want and goal.action == "modify_order_items":
        if (
            old is None
            or new is None
            or len(old) != len(new)
            or Counter(zip(old, new, strict=True))
            != Counter(zip(want["item_ids"], want["new_item_ids"], strict=True))
        ):
            diffs.append(f"items {old!r} -> {new!r}, wanted {want['item_ids']!r} -> {want['new_item_ids']!r}")
        return diffs
    for key, value in (("item_ids", old), ("new_item_ids", new)):
        if key in want and (value is None or Counter(value) != Counter(want[key])):
            diffs.append(f"{key} {value!r}, wanted {want[key]!r}")
    return diffs
