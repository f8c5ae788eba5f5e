"""Store comparison: a raw snapshot of every store table, the records that changed, and the check
that a store equals a tau-bench expected result exactly (amounts to the cent, others untouched).

A snapshot is a set of raw rows per table, so "every other record stayed as it was" is checked by
diffing, not assumed. This module knows the store schema and the tau-bench export format; it knows
nothing about agents, conversations or tests.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from shopkeeper.store.db import Database
from shopkeeper.store.schema import Base, CustomerRow, OrderRow
from shopkeeper.store.taubench import export_customer, export_order

__all__ = ["OWNER", "Snapshot", "changed_records", "compare_to_expected", "snapshot", "to_cents"]

OWNER = {  # table -> (column naming the owning record, kind of record)
    "orders": ("id", "order"),
    "order_lines": ("order_id", "order"),
    "transactions": ("order_id", "order"),
    "fulfillments": ("order_id", "order"),
    "customers": ("id", "user"),
    "payment_methods": ("customer_id", "user"),
    "products": ("id", "product"),
    "variants": ("product_id", "product"),
}

Snapshot = dict[str, set[tuple[Any, ...]]]


def to_cents(value: Any) -> Any:
    """Every number in a JSON-like value as integer cents (0.04999999999999716 -> 5, 91 == 91.0)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return round(value * 100)
    if isinstance(value, dict):
        return {k: to_cents(v) for k, v in value.items()}
    return [to_cents(v) for v in value]


def snapshot(db: Database) -> Snapshot:
    """Every row of the store tables, as hashable tuples (JSON columns serialised with sorted keys)."""
    with db.engine.connect() as conn:
        return {
            name: {
                tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v for v in row)
                for row in conn.execute(select(Base.metadata.tables[name]))
            }
            for name in OWNER
        }


def changed_records(now: Snapshot, base: Snapshot) -> dict[str, set[str]]:
    """Ids of the orders, users and products with any row added, removed or changed since `base`."""
    found: dict[str, set[str]] = {"order": set(), "user": set(), "product": set()}
    for name, (column, kind) in OWNER.items():
        index = list(Base.metadata.tables[name].columns.keys()).index(column)
        for row in now[name] ^ base[name]:
            found[kind].add(row[index])
    return found


def compare_to_expected(
    db: Database,
    base: Snapshot,
    expected: dict[str, Any],
    originals: dict[str, dict[str, Any]],
    now: Snapshot | None = None,
) -> list[str]:
    """Problems (empty when equal) between `db` and a tau-bench expected entry.

    `base` is the snapshot of the store before the task; `expected` has `users` and `orders` (the full
    records that differ from the original data); `originals` holds the original `users` and `orders`
    files, the expected state of every record the task should not have changed.
    """
    now = snapshot(db) if now is None else now
    changed = changed_records(now, base)
    problems: list[str] = []
    if changed["product"]:
        problems.append(f"products changed: {sorted(changed['product'])}")
    with db.session() as s:
        for kind, table, export, key in (
            ("order", OrderRow, export_order, "orders"),
            ("user", CustomerRow, export_customer, "users"),
        ):
            for rid in sorted(changed[kind] | set(expected[key])):
                row = s.get(table, rid)
                ours = to_cents(export(row)) if row is not None else None  # type: ignore[arg-type]
                want = expected[key].get(rid, originals[key].get(rid))
                if ours != to_cents(want):
                    problems.append(f"{kind} {rid} differs from expected")
    return problems
