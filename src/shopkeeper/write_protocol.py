"""How one write runs: the idempotency record and the hash-chained audit entry around a store change.

`shopkeeper.actions` says what a write does (validate, re-read, check policy, call the backend); this
module says how it is recorded, in Shopkeeper's own database, whichever store holds the data:

* The built-in SQL store in the same database (`SqlStore` over `db`): the change, the audit entry and
  the idempotency record commit in ONE transaction, under the writers' lock; a crash before the commit
  leaves every table as it was.
* A remote store (Medusa, ...): the request key is recorded as *started* before the platform is
  called and its outcome after. A retry that finds the key started but never finished asks
  `store.applied(key, record_id)`: if the change is there it reports success without writing again,
  otherwise it re-reads, re-checks and writes. `BackendUnavailable` is audited but leaves the key
  started, so a later retry can still succeed, once.

A refusal (`ActionError`) is audited and becomes the key's outcome; a retry with the same key gets
the first outcome back. Knows nothing about policy or conversations.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import audit
from shopkeeper.domain import Customer, Order, Product
from shopkeeper.errors import ActionError, BackendUnavailable, UnsupportedAction
from shopkeeper.store.backend import StoreBackend, order_not_found
from shopkeeper.store.db import Database
from shopkeeper.store.schema import IdempotencyRow
from shopkeeper.store.sql import SqlStore

__all__ = ["Context", "FaultHook", "Target", "Writer"]

FaultHook = Callable[[str], None]
R = TypeVar("R", Order, Customer)
_STARTED = "started"


@dataclass(frozen=True)
class Context:
    """Who is acting, for which conversation, and the caller's idempotency key (optional)."""

    actor: str = "api"  # bot | api | system | staff:<name> (a console user)
    conversation_id: str | None = None
    request_key: str | None = None


@dataclass(frozen=True)
class Target:
    """What a write sees: the store (inside the write's transaction for the SQL store) and its key."""

    store: StoreBackend
    key: str

    def order(self, order_id: Any) -> tuple[Order, Customer]:
        """The order re-read from the store, and its customer."""
        if not isinstance(order_id, str) or not order_id.strip():
            raise order_not_found()
        order = self.store.get_order(order_id.strip())
        return order, self.store.get_customer(order.customer_id)

    def products(self, order: Order) -> dict[str, Product]:
        return {pid: self.store.get_product(pid) for pid in sorted({ln.product_id for ln in order.lines})}


class Writer:
    """Runs writes against `store`, recording them in `db`. `fault_hook(stage)` runs just before the
    SQL store's commit (failure injection)."""

    def __init__(self, db: Database, store: StoreBackend, fault_hook: FaultHook | None = None) -> None:
        self.db = db
        self.store = store
        self.fault_hook = fault_hook
        self.local = isinstance(store, SqlStore) and store.db is db

    def run(
        self,
        action: str,
        args: dict[str, Any],
        ctx: Context | None,
        record: Callable[[StoreBackend], R],
        act: Callable[[Target], R],
    ) -> R:
        """Do `act` once per request key; `record(store)` reads the changed record back (a retry
        of a write that was already applied)."""
        ctx = ctx or Context()
        args_hash = hashlib.sha256(json.dumps([action, args], sort_keys=True).encode()).hexdigest()
        if self.local:
            return self._local(action, args, args_hash, ctx, act)
        return self._remote(action, args, args_hash, ctx, record, act)

    # ---- the SQL store in Shopkeeper's own database: one transaction -----------------------

    def _local(
        self, action: str, args: dict[str, Any], args_hash: str, ctx: Context, act: Callable[[Target], R]
    ) -> R:
        assert isinstance(self.store, SqlStore)
        try:
            with self.db.transaction() as s:
                self.db.lock_writers(s)
                if ctx.request_key and (done := s.get(IdempotencyRow, ctx.request_key)) is not None:
                    return cast(R, _replay(done, action, args_hash))
                result = act(Target(self.store.in_transaction(s), ctx.request_key or ""))
                _record(s, action, args, args_hash, ctx, "ok", _payload(result))
                s.flush()
                if self.fault_hook:
                    self.fault_hook("before_commit")
                return result
        except ActionError as exc:
            self._record_refusal(action, args, args_hash, ctx, exc)
            raise
        except IntegrityError as exc:  # a concurrent retry with the same key committed first
            if ctx.request_key:
                with self.db.session() as s:
                    if (done := s.get(IdempotencyRow, ctx.request_key)) is not None:
                        return cast(R, _replay(done, action, args_hash))
            raise exc

    def _record_refusal(
        self, action: str, args: dict[str, Any], args_hash: str, ctx: Context, exc: ActionError
    ) -> None:
        if exc.code == "request_key_reused":
            return
        try:
            with self.db.transaction() as s:
                self.db.lock_writers(s)
                if ctx.request_key and s.get(IdempotencyRow, ctx.request_key) is not None:
                    return
                _record(s, action, args, args_hash, ctx, "rejected", _refusal(exc))
        except IntegrityError:
            pass  # a concurrent retry recorded it first

    # ---- a remote store: started -> written -> recorded ---------------------------------------

    def _remote(
        self,
        action: str,
        args: dict[str, Any],
        args_hash: str,
        ctx: Context,
        record: Callable[[StoreBackend], R],
        act: Callable[[Target], R],
    ) -> R:
        key = ctx.request_key or f"once:{uuid.uuid4().hex}"
        resumed = False
        if ctx.request_key:
            with self.db.transaction() as s:
                self.db.lock_writers(s)
                done = s.get(IdempotencyRow, key)
                if done is not None and (done.outcome != _STARTED or done.arguments_hash != args_hash):
                    return cast(R, _replay(done, action, args_hash))
                if done is None:
                    s.add(
                        IdempotencyRow(
                            key=key, action=action, arguments_hash=args_hash, outcome=_STARTED, result={}
                        )
                    )
                resumed = done is not None
        record_id = str(args.get("order_id") or args.get("customer_id") or "")
        try:
            if not self.store.supports(action):
                raise UnsupportedAction(action)
            if resumed and record_id and self.store.applied(key, record_id):
                result = record(self.store)  # the earlier attempt got through: report it, write nothing
            else:
                result = act(Target(self.store, key))
        except ActionError as exc:
            self._finish(action, args, ctx, "rejected", _refusal(exc))
            raise
        except BackendUnavailable as exc:
            self._finish(action, args, ctx, "unavailable", {"code": exc.code, "reason": exc.reason})
            raise
        self._finish(action, args, ctx, "ok", _payload(result))
        return result

    def _finish(
        self, action: str, args: dict[str, Any], ctx: Context, outcome: str, payload: dict[str, Any]
    ) -> None:
        """The audit entry of a remote write's outcome; a final outcome also closes its request key."""
        with self.db.transaction() as s:
            self.db.lock_writers(s)
            _audit(s, action, args, ctx, outcome, payload)
            if ctx.request_key and outcome != "unavailable":
                row = s.get(IdempotencyRow, ctx.request_key)
                if row is not None:
                    row.outcome, row.result = outcome, payload


def _payload(result: Order | Customer) -> dict[str, Any]:
    return {"type": type(result).__name__, "record": result.model_dump(mode="json")}


def _refusal(exc: ActionError) -> dict[str, Any]:
    return {"code": exc.code, "message": exc.message, "detail": exc.detail}


def _audit(
    s: Session, action: str, args: dict[str, Any], ctx: Context, outcome: str, payload: dict[str, Any]
) -> None:
    audit.append(
        s,
        actor=ctx.actor,
        action=action,
        arguments=args,
        outcome=outcome,
        result=payload,
        conversation_id=ctx.conversation_id,
        request_key=ctx.request_key,
    )


def _record(
    s: Session,
    action: str,
    args: dict[str, Any],
    args_hash: str,
    ctx: Context,
    outcome: str,
    payload: dict[str, Any],
) -> None:
    """The audit entry and, with a request key, the idempotency record of one outcome."""
    _audit(s, action, args, ctx, outcome, payload)
    if ctx.request_key:
        s.add(
            IdempotencyRow(
                key=ctx.request_key, action=action, arguments_hash=args_hash, outcome=outcome, result=payload
            )
        )


def _replay(done: IdempotencyRow, action: str, args_hash: str) -> Order | Customer:
    if done.action != action or done.arguments_hash != args_hash:
        raise ActionError(
            "request_key_reused",
            "That request id was already used for a different request.",
            "Error: request key reused with different arguments",
        )
    if done.outcome != "ok":
        raise ActionError(done.result["code"], done.result["message"], done.result.get("detail"))
    record: dict[str, Any] = done.result["record"]
    return (Customer if done.result["type"] == "Customer" else Order).model_validate(record)
