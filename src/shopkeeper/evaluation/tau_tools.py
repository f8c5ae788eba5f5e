"""The tau-bench retail tool surface over Shopkeeper's store and action layer.

`call_tool(name, kwargs)` takes the published tool names and arguments and answers in the published
text form: JSON of the record for reads and accepted writes, `Error: ...` for refusals. It is how the
conformance suite replays reference action sequences, and it lets a tool-calling LLM backend drive
the same policy-checked actions. All writes go through `shopkeeper.actions`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shopkeeper.actions import Actions, Context
from shopkeeper.errors import ActionError
from shopkeeper.store import repository
from shopkeeper.store.db import Database
from shopkeeper.store.schema import CustomerRow, OrderRow, ProductRow
from shopkeeper.store.taubench import export_customer, export_order, export_product

__all__ = ["READ_TOOLS", "WRITE_TOOLS", "TauTools"]

WRITE_TOOLS = (
    "cancel_pending_order",
    "modify_pending_order_address",
    "modify_pending_order_payment",
    "modify_pending_order_items",
    "modify_user_address",
    "return_delivered_order_items",
    "exchange_delivered_order_items",
)
READ_TOOLS = (
    "find_user_id_by_email",
    "find_user_id_by_name_zip",
    "get_user_details",
    "get_order_details",
    "get_product_details",
    "list_all_product_types",
    "calculate",
    "think",
    "transfer_to_human_agents",
)
_ADDRESS = ("address1", "address2", "city", "state", "country", "zip")


def _calculate(expression: str) -> str:
    if not re.fullmatch(r"[0-9+\-*/(). ]*", expression):
        return "Error: invalid characters in expression"
    try:
        return str(round(float(eval(expression, {"__builtins__": {}}, {})), 2))
    except Exception as exc:
        return f"Error: {exc}"


class TauTools:
    """Dispatch tau-bench tool calls; `ctx` is attached to every write for the audit log."""

    def __init__(self, db: Database, actions: Actions | None = None, ctx: Context | None = None) -> None:
        self.db = db
        self.actions = actions or Actions(db)
        self.ctx = ctx or Context(actor="api")

    def call(self, name: str, kwargs: dict[str, Any]) -> str:
        try:
            if name in WRITE_TOOLS:
                return self._write(name, kwargs)
            if name in READ_TOOLS:
                return self._read(name, kwargs)
            return f"Unknown action {name}"
        except ActionError as exc:
            return exc.detail
        except (TypeError, KeyError, ValueError) as exc:
            return f"Error: {exc}"

    def _read(self, name: str, kw: dict[str, Any]) -> str:
        if name == "calculate":
            return _calculate(str(kw["expression"]))
        if name == "think":
            return ""
        if name == "transfer_to_human_agents":
            return "Transfer successful"
        with self.db.session() as s:
            if name == "find_user_id_by_email":
                return repository.find_customer_by_email(s, kw["email"]).id
            if name == "find_user_id_by_name_zip":
                return repository.find_customer_by_name_zip(
                    s, kw["first_name"], kw["last_name"], kw["zip"]
                ).id
            if name == "get_user_details":
                if (customer := s.get(CustomerRow, kw["user_id"])) is None:
                    raise repository.customer_not_found()
                return json.dumps(export_customer(customer))
            if name == "get_order_details":
                order = s.get(OrderRow, kw["order_id"])
                if order is None:
                    raise repository.order_not_found()
                return json.dumps(export_order(order))
            if name == "get_product_details":
                if (product := s.get(ProductRow, kw["product_id"])) is None:
                    raise ActionError(
                        "product_not_found", "I couldn't find that product.", "Error: product not found"
                    )
                return json.dumps(export_product(product))
            return json.dumps(repository.list_product_types(s))

    def _write(self, name: str, kw: dict[str, Any]) -> str:
        a, ctx = self.actions, self.ctx
        if name == "cancel_pending_order":
            a.cancel_order(kw["order_id"], kw["reason"], ctx)
        elif name == "modify_pending_order_address":
            a.modify_order_address(kw["order_id"], {k: kw[k] for k in _ADDRESS}, ctx)
        elif name == "modify_pending_order_payment":
            a.modify_order_payment(kw["order_id"], kw["payment_method_id"], ctx)
        elif name == "modify_pending_order_items":
            a.modify_order_items(
                kw["order_id"], kw["item_ids"], kw["new_item_ids"], kw["payment_method_id"], ctx
            )
        elif name == "modify_user_address":
            a.modify_customer_address(kw["user_id"], {k: kw[k] for k in _ADDRESS}, ctx)
            with self.db.session() as s:
                customer = s.get(CustomerRow, kw["user_id"])
                assert customer is not None
                return json.dumps(export_customer(customer))
        elif name == "return_delivered_order_items":
            a.return_order_items(kw["order_id"], kw["item_ids"], kw["payment_method_id"], ctx)
        else:
            a.exchange_order_items(
                kw["order_id"], kw["item_ids"], kw["new_item_ids"], kw["payment_method_id"], ctx
            )
        with self.db.session() as s:
            row = s.get(OrderRow, kw["order_id"])
            assert row is not None
            return json.dumps(export_order(row))
