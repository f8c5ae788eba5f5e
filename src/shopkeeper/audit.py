"""The append-only, hash-chained audit log of every write attempt.

Each entry's hash covers its fields, a digest of its arguments and result, and the previous entry's
hash, so removing, reordering or editing any entry breaks the chain and `verify()` reports where.
`anonymise()` erases a customer's personal data from their entries (privacy requests) while keeping
the chain verifiable: an anonymised entry's content is no longer checked against its digest. Appends happen inside the caller's
transaction (the write and its record commit together); callers serialise writers (see `actions`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.store.db import Database
from shopkeeper.store.schema import AuditRow

__all__ = ["GENESIS", "AuditEntry", "Verification", "anonymise", "append", "entries", "verify"]

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    conversation_id: str | None
    request_key: str | None
    action: str
    arguments: dict[str, Any]
    outcome: str
    result: dict[str, Any]


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    problem: str = ""


def _stamp(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _digest(prev_hash: str, at: str, fields: dict[str, Any]) -> str:
    body = json.dumps(
        {"prev": prev_hash, "at": at, **fields}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _content_digest(arguments: dict[str, Any], result: dict[str, Any]) -> str:
    body = json.dumps([arguments, result], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _fields(row: AuditRow) -> dict[str, Any]:
    return {
        "actor": row.actor,
        "conversation_id": row.conversation_id,
        "request_key": row.request_key,
        "action": row.action,
        "outcome": row.outcome,
        "content": row.content_digest,
    }


def append(
    s: Session,
    *,
    actor: str,
    action: str,
    arguments: dict[str, Any],
    outcome: str,
    result: dict[str, Any],
    conversation_id: str | None = None,
    request_key: str | None = None,
) -> AuditRow:
    """Add one entry chained to the newest; the caller commits."""
    prev = s.scalars(select(AuditRow.hash).order_by(AuditRow.id.desc()).limit(1)).first() or GENESIS
    at = datetime.now(UTC).replace(tzinfo=None)
    row = AuditRow(
        at=at,
        actor=actor,
        conversation_id=conversation_id,
        request_key=request_key,
        action=action,
        arguments=arguments,
        outcome=outcome,
        result=result,
        content_digest=_content_digest(arguments, result),
        prev_hash=prev,
        hash="",
    )
    row.hash = _digest(prev, _stamp(at), _fields(row))
    s.add(row)
    s.flush()
    return row


def entries(
    db: Database, *, conversation_id: str | None = None, action: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """Newest entries first, optionally filtered."""
    with db.session() as s:
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if conversation_id:
            q = q.where(AuditRow.conversation_id == conversation_id)
        if action:
            q = q.where(AuditRow.action == action)
        rows: Sequence[AuditRow] = s.scalars(q).all()
        return [
            AuditEntry(
                r.id,
                _stamp(r.at),
                r.actor,
                r.conversation_id,
                r.request_key,
                r.action,
                r.arguments,
                r.outcome,
                r.result,
            )
            for r in rows
        ]


def verify(db: Database) -> Verification:
    """Walk the chain from the first entry; report the first entry that doesn't fit."""
    prev = GENESIS
    checked = 0
    with db.session() as s:
        for row in s.scalars(select(AuditRow).order_by(AuditRow.id)).yield_per(500):
            if row.prev_hash != prev:
                return Verification(
                    False, checked, row.id, "an entry before this one was removed or reordered"
                )
            if _digest(prev, _stamp(row.at), _fields(row)) != row.hash or (
                not row.anonymised and _content_digest(row.arguments, row.result) != row.content_digest
            ):
                return Verification(False, checked, row.id, "this entry was edited after it was written")
            prev = row.hash
            checked += 1
    return Verification(True, checked)


def anonymise(s: Session, *, customer_id: str, order_ids: Sequence[str], redact: Callable[[Any], Any]) -> int:
    """Erase personal data from the entries about a customer (by id or their orders); returns how many."""
    keys = {customer_id, *order_ids}
    count = 0
    for row in s.scalars(select(AuditRow).where(AuditRow.anonymised.is_(False))):
        args = row.arguments or {}
        if args.get("customer_id") in keys or args.get("order_id") in keys:
            row.arguments = {
                k: (v if k in ("order_id", "item_ids", "new_item_ids", "reason") else redact(v))
                for k, v in args.items()
            }
            row.arguments["customer_id"] = (
                "[forgotten]" if "customer_id" in args else row.arguments.get("customer_id")
            )
            row.result = (
                {"type": row.result.get("type", ""), "record": "[forgotten]"}
                if row.outcome == "ok"
                else {k: v for k, v in row.result.items() if k in ("code",)}
            )
            row.anonymised = True
            count += 1
    return count
