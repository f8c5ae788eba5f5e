"""Import and export of the tau-bench retail store format (users.json, orders.json, products.json).

Import validates every record before writing anything and loads all three files in one transaction:
a truncated file, a missing field, an unknown field or a negative amount raises `DataError` naming
the file and the record, and the database is left as it was. Export writes the same format back;
an untouched import exports to semantically identical JSON (amounts equal to the cent).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopkeeper.domain import cents, dollars
from shopkeeper.errors import DataError
from shopkeeper.store.db import Database
from shopkeeper.store.schema import (
    CustomerRow,
    FulfillmentRow,
    OrderLineRow,
    OrderRow,
    PaymentMethodRow,
    ProductRow,
    TransactionRow,
    VariantRow,
)

__all__ = ["FILES", "export_customer", "export_order", "export_product", "export_taubench", "import_taubench"]

FILES = ("users.json", "orders.json", "products.json")
Amount = float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class _Address(_Strict):
    address1: str
    address2: str
    city: str
    country: str
    state: str
    zip: str


class _Name(_Strict):
    first_name: str = Field(min_length=1)
    last_name: str = Field(min_length=1)


class _Method(_Strict):
    source: Literal["credit_card", "paypal", "gift_card"]
    id: str = Field(min_length=1)
    brand: str | None = None
    last_four: str | None = None
    balance: Amount | None = Field(default=None, ge=0)


class _User(_Strict):
    name: _Name
    address: _Address
    email: str = Field(min_length=3)
    payment_methods: dict[str, _Method]
    orders: list[str]


class _Variant(_Strict):
    item_id: str
    options: dict[str, str]
    available: bool
    price: Amount = Field(ge=0)


class _Product(_Strict):
    name: str = Field(min_length=1)
    product_id: str
    variants: dict[str, _Variant]


class _Item(_Strict):
    name: str
    product_id: str
    item_id: str
    price: Amount = Field(ge=0)
    options: dict[str, str]


class _Fulfillment(_Strict):
    tracking_id: list[str]
    item_ids: list[str]


class _Txn(_Strict):
    transaction_type: Literal["payment", "refund"]
    amount: Amount = Field(ge=0)
    payment_method_id: str


class _Order(_Strict):
    order_id: str
    user_id: str
    address: _Address
    items: list[_Item]
    fulfillments: list[_Fulfillment]
    status: str = Field(min_length=1)
    payment_history: list[_Txn]
    cancel_reason: str | None = None
    return_items: list[str] | None = None
    return_payment_method_id: str | None = None
    exchange_items: list[str] | None = None
    exchange_new_items: list[str] | None = None
    exchange_payment_method_id: str | None = None
    exchange_price_difference: Amount | None = None


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError(f"{path}: file not found (a tau-bench store needs {', '.join(FILES)})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a JSON object keyed by id, found {type(data).__name__}")
    return data


def _parse(model: type[_Strict], path: Path, key: str, raw: Any, id_field: str | None) -> Any:
    try:
        record = model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(record)"
        raise DataError(f"{path.name}: record {key!r}, field {where}: {first['msg']}") from exc
    if id_field and getattr(record, id_field) != key:
        raise DataError(
            f"{path.name}: record {key!r} has {id_field} {getattr(record, id_field)!r}; they must match"
        )
    return record


def import_taubench(db: Database, directory: Path) -> dict[str, int]:
    """Load a tau-bench store into an empty (or non-overlapping) database; all or nothing."""
    directory = Path(directory)
    users_raw, orders_raw, products_raw = (_read(directory / f) for f in FILES)
    users = {k: _parse(_User, directory / "users.json", k, v, None) for k, v in users_raw.items()}
    products = {
        k: _parse(_Product, directory / "products.json", k, v, "product_id") for k, v in products_raw.items()
    }
    orders = {k: _parse(_Order, directory / "orders.json", k, v, "order_id") for k, v in orders_raw.items()}
    for pid, product in products.items():
        for vid, variant in product.variants.items():
            if variant.item_id != vid:
                raise DataError(
                    f"products.json: product {pid!r} variant {vid!r} has item_id {variant.item_id!r}"
                )
    for oid, order in orders.items():
        if order.user_id not in users:
            raise DataError(f"orders.json: order {oid!r} belongs to unknown user {order.user_id!r}")

    with db.transaction() as s:
        _refuse_overlap(s, users, orders, products)
        for pos, (pid, p) in enumerate(products.items()):
            row = ProductRow(id=pid, name=p.name, position=pos)
            row.variants = [
                VariantRow(
                    item_id=vid,
                    options=v.options,
                    available=v.available,
                    price_cents=cents(v.price),
                    position=i,
                )
                for i, (vid, v) in enumerate(p.variants.items())
            ]
            s.add(row)
        for pos, (uid, u) in enumerate(users.items()):
            c = CustomerRow(
                id=uid,
                first_name=u.name.first_name,
                last_name=u.name.last_name,
                email=u.email,
                email_lower=u.email.lower(),
                address=u.address.model_dump(),
                zip=u.address.zip,
                position=pos,
                order_ids=list(u.orders),
            )
            c.payment_methods = [
                PaymentMethodRow(
                    id=mid,
                    source=m.source,
                    brand=m.brand,
                    last_four=m.last_four,
                    balance_cents=cents(m.balance) if m.balance is not None else None,
                    position=i,
                )
                for i, (mid, m) in enumerate(u.payment_methods.items())
            ]
            s.add(c)
        s.flush()
        for pos, (oid, o) in enumerate(orders.items()):
            s.add(_order_row(oid, o, pos))
    return {"customers": len(users), "orders": len(orders), "products": len(products)}


def _order_row(oid: str, o: _Order, pos: int) -> OrderRow:
    row = OrderRow(
        id=oid,
        customer_id=o.user_id,
        status=o.status,
        address=o.address.model_dump(),
        cancel_reason=o.cancel_reason,
        return_items=o.return_items,
        return_payment_method_id=o.return_payment_method_id,
        exchange_items=o.exchange_items,
        exchange_new_items=o.exchange_new_items,
        exchange_payment_method_id=o.exchange_payment_method_id,
        exchange_price_difference_cents=(
            cents(o.exchange_price_difference) if o.exchange_price_difference is not None else None
        ),
        position=pos,
    )
    row.lines = [
        OrderLineRow(
            position=i,
            name=it.name,
            product_id=it.product_id,
            item_id=it.item_id,
            price_cents=cents(it.price),
            options=it.options,
        )
        for i, it in enumerate(o.items)
    ]
    row.fulfillments = [
        FulfillmentRow(position=i, tracking_ids=f.tracking_id, item_ids=f.item_ids)
        for i, f in enumerate(o.fulfillments)
    ]
    row.transactions = [
        TransactionRow(
            position=i,
            transaction_type=t.transaction_type,
            amount_cents=cents(t.amount),
            payment_method_id=t.payment_method_id,
        )
        for i, t in enumerate(o.payment_history)
    ]
    return row


def _refuse_overlap(
    s: Session, users: dict[str, Any], orders: dict[str, Any], products: dict[str, Any]
) -> None:
    for table, ids, what in (
        (CustomerRow, users, "user"),
        (OrderRow, orders, "order"),
        (ProductRow, products, "product"),
    ):
        clash = s.scalars(select(table.id).where(table.id.in_(list(ids)[:50_000])).limit(1)).first()
        if clash is not None:
            raise DataError(
                f"The database already has {what} {clash!r}; import into an empty store (or another --db)."
            )


def _money(amount_cents: int) -> float | int:
    return amount_cents // 100 if amount_cents % 100 == 0 else dollars(amount_cents)


def export_customer(c: CustomerRow) -> dict[str, Any]:
    methods: dict[str, Any] = {}
    for m in c.payment_methods:
        method: dict[str, Any] = {"source": m.source}
        if m.brand is not None:
            method["brand"] = m.brand
        if m.last_four is not None:
            method["last_four"] = m.last_four
        if m.balance_cents is not None:
            method["balance"] = _money(m.balance_cents)
        method["id"] = m.id
        methods[m.id] = method
    return {
        "name": {"first_name": c.first_name, "last_name": c.last_name},
        "address": dict(c.address),
        "email": c.email,
        "payment_methods": methods,
        "orders": list(c.order_ids),
    }


def export_customers(s: Session) -> dict[str, Any]:
    rows = s.scalars(
        select(CustomerRow).options(selectinload(CustomerRow.payment_methods)).order_by(CustomerRow.position)
    )
    return {c.id: export_customer(c) for c in rows}


def export_order(o: OrderRow) -> dict[str, Any]:
    record: dict[str, Any] = {
        "order_id": o.id,
        "user_id": o.customer_id,
        "address": dict(o.address),
        "items": [
            {
                "name": x.name,
                "product_id": x.product_id,
                "item_id": x.item_id,
                "price": dollars(x.price_cents),
                "options": x.options,
            }
            for x in o.lines
        ],
        "fulfillments": [
            {"tracking_id": list(f.tracking_ids), "item_ids": list(f.item_ids)} for f in o.fulfillments
        ],
        "status": o.status,
        "payment_history": [
            {
                "transaction_type": t.transaction_type,
                "amount": dollars(t.amount_cents),
                "payment_method_id": t.payment_method_id,
            }
            for t in o.transactions
        ],
    }
    for key in (
        "cancel_reason",
        "return_items",
        "return_payment_method_id",
        "exchange_items",
        "exchange_new_items",
    ):
        if (value := getattr(o, key)) is not None:
            record[key] = value
    if o.exchange_payment_method_id is not None:
        record["exchange_payment_method_id"] = o.exchange_payment_method_id
    if o.exchange_price_difference_cents is not None:
        record["exchange_price_difference"] = dollars(o.exchange_price_difference_cents)
    return record


def export_orders(s: Session) -> dict[str, Any]:
    rows = s.scalars(
        select(OrderRow)
        .options(
            selectinload(OrderRow.lines),
            selectinload(OrderRow.fulfillments),
            selectinload(OrderRow.transactions),
        )
        .order_by(OrderRow.position)
    )
    return {o.id: export_order(o) for o in rows}


def export_product(p: ProductRow) -> dict[str, Any]:
    return {
        "name": p.name,
        "product_id": p.id,
        "variants": {
            v.item_id: {
                "item_id": v.item_id,
                "options": v.options,
                "available": v.available,
                "price": dollars(v.price_cents),
            }
            for v in p.variants
        },
    }


def export_products(s: Session) -> dict[str, Any]:
    rows = s.scalars(
        select(ProductRow).options(selectinload(ProductRow.variants)).order_by(ProductRow.position)
    )
    return {p.id: export_product(p) for p in rows}


def export_taubench(db: Database, directory: Path) -> dict[str, int]:
    """Write users.json, orders.json and products.json for the whole store."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with db.session() as s:
        parts = {
            "users.json": export_customers(s),
            "orders.json": export_orders(s),
            "products.json": export_products(s),
        }
    for name, data in parts.items():
        tmp = directory / f".{name}.tmp"
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        tmp.replace(directory / name)
    return {
        "customers": len(parts["users.json"]),
        "orders": len(parts["orders.json"]),
        "products": len(parts["products.json"]),
    }
