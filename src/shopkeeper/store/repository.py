"""Reading the store: customers, orders and products as domain records.

Every function takes an open `Session` and never writes. Lookups that find nothing raise
`ActionError` with a customer-safe message (the tau-bench style text is kept in `detail`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from shopkeeper.domain import (
    Address,
    Customer,
    Fulfillment,
    Order,
    OrderLine,
    PaymentMethod,
    Product,
    Transaction,
    Variant,
)
from shopkeeper.errors import ActionError
from shopkeeper.store.schema import CustomerRow, OrderRow, ProductRow, VariantRow

__all__ = [
    "customer_not_found",
    "customers_at_email_domain",
    "customers_at_zip",
    "find_customer_by_email",
    "find_customer_by_name_zip",
    "get_customer",
    "get_order",
    "get_product",
    "get_variant",
    "list_orders",
    "list_product_types",
    "list_products",
    "order_not_found",
    "to_customer",
    "to_order",
    "to_product",
]


def customer_not_found() -> ActionError:
    return ActionError(
        "customer_not_found",
        "I couldn't find a customer with those details.",
        "Error: user not found",
    )


def order_not_found() -> ActionError:
    return ActionError("order_not_found", "I couldn't find that order.", "Error: order not found")


def to_customer(row: CustomerRow) -> Customer:
    return Customer(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        email=row.email,
        address=Address(**row.address),
        payment_methods=tuple(
            PaymentMethod(
                id=m.id,
                source=m.source,
                brand=m.brand,
                last_four=m.last_four,
                balance_cents=m.balance_cents,
            )
            for m in row.payment_methods
        ),
        order_ids=tuple(row.order_ids or ()),
    )


def to_order(row: OrderRow) -> Order:
    return Order(
        id=row.id,
        customer_id=row.customer_id,
        status=row.status,
        address=Address(**row.address),
        lines=tuple(
            OrderLine(
                position=line.position,
                name=line.name,
                product_id=line.product_id,
                item_id=line.item_id,
                price_cents=line.price_cents,
                options=dict(line.options),
            )
            for line in row.lines
        ),
        fulfillments=tuple(
            Fulfillment(tracking_ids=tuple(f.tracking_ids), item_ids=tuple(f.item_ids))
            for f in row.fulfillments
        ),
        payments=tuple(
            Transaction(
                transaction_type=t.transaction_type,
                amount_cents=t.amount_cents,
                payment_method_id=t.payment_method_id,
            )
            for t in row.transactions
        ),
        cancel_reason=row.cancel_reason,
        return_items=tuple(row.return_items) if row.return_items is not None else None,
        return_payment_method_id=row.return_payment_method_id,
        exchange_items=tuple(row.exchange_items) if row.exchange_items is not None else None,
        exchange_new_items=tuple(row.exchange_new_items) if row.exchange_new_items is not None else None,
        exchange_payment_method_id=row.exchange_payment_method_id,
        exchange_price_difference_cents=row.exchange_price_difference_cents,
        placed_at=row.placed_at.isoformat() if row.placed_at else None,
    )


def _to_variant(row: VariantRow) -> Variant:
    return Variant(
        item_id=row.item_id,
        product_id=row.product_id,
        options=dict(row.options),
        available=row.available,
        price_cents=row.price_cents,
    )


def to_product(row: ProductRow) -> Product:
    return Product(
        id=row.id,
        name=row.name,
        category=row.category,
        description=row.description,
        variants=tuple(_to_variant(v) for v in row.variants),
    )


def _customer_query() -> Select[CustomerRow]:
    return select(CustomerRow).options(selectinload(CustomerRow.payment_methods))


def find_customer_by_email(s: Session, email: str) -> Customer:
    """First customer whose email matches case-insensitively."""
    key = email.strip().lower()
    row = s.scalars(
        _customer_query().where(CustomerRow.email_lower == key).order_by(CustomerRow.position)
    ).first()
    if row is None:
        raise customer_not_found()
    return to_customer(row)


def find_customer_by_name_zip(s: Session, first_name: str, last_name: str, zip_code: str) -> Customer:
    """Names compared case-insensitively, the zip code exactly (after trimming spaces)."""
    rows = s.scalars(
        _customer_query()
        .where(CustomerRow.zip == zip_code.strip())
        .where(func.lower(CustomerRow.last_name) == last_name.strip().lower())
        .order_by(CustomerRow.position)
    )
    first = first_name.strip().lower()
    for row in rows:
        if row.first_name.lower() == first:
            return to_customer(row)
    raise customer_not_found()


def customers_at_zip(s: Session, zip_code: str) -> list[Customer]:
    """Every customer whose default address has this zip code (after trimming spaces), in file order:
    the candidates a customer's name is matched against."""
    rows = s.scalars(
        _customer_query().where(CustomerRow.zip == zip_code.strip()).order_by(CustomerRow.position)
    )
    return [to_customer(r) for r in rows]


def customers_at_email_domain(s: Session, domain: str) -> list[Customer]:
    """Every customer whose email ends in "@domain" (any case), in file order: the candidates an
    email written with a typo is matched against."""
    key = domain.strip().lower().lstrip("@")
    rows = s.scalars(
        _customer_query()
        .where(CustomerRow.email_lower.endswith(f"@{key}", autoescape=True))
        .order_by(CustomerRow.position)
    )
    return [to_customer(r) for r in rows]


def get_customer(s: Session, customer_id: str) -> Customer:
    row = s.get(CustomerRow, customer_id, options=[selectinload(CustomerRow.payment_methods)])
    if row is None:
        raise customer_not_found()
    return to_customer(row)


def _order_options() -> list[Any]:
    return [
        selectinload(OrderRow.lines),
        selectinload(OrderRow.fulfillments),
        selectinload(OrderRow.transactions),
    ]


def get_order(s: Session, order_id: str) -> Order:
    row = s.get(OrderRow, order_id, options=_order_options())
    if row is None:
        raise order_not_found()
    return to_order(row)


def list_orders(s: Session, customer_id: str) -> list[Order]:
    """A customer's orders, newest first where a date is known, else in file order."""
    rows = s.scalars(
        select(OrderRow)
        .where(OrderRow.customer_id == customer_id)
        .options(*_order_options())
        .order_by(OrderRow.position)
    ).all()
    return [to_order(r) for r in rows]


def get_product(s: Session, product_id: str) -> Product:
    row = s.get(ProductRow, product_id, options=[selectinload(ProductRow.variants)])
    if row is None:
        raise ActionError("product_not_found", "I couldn't find that product.", "Error: product not found")
    return to_product(row)


def get_variant(s: Session, item_id: str) -> Variant | None:
    row = s.get(VariantRow, item_id)
    return _to_variant(row) if row is not None else None


def list_products(s: Session) -> list[Product]:
    rows = s.scalars(
        select(ProductRow).options(selectinload(ProductRow.variants)).order_by(ProductRow.position)
    ).all()
    return [to_product(r) for r in rows]


def list_product_types(s: Session) -> dict[str, str]:
    """Product name -> product id, sorted by name."""
    rows = s.execute(select(ProductRow.name, ProductRow.id)).all()
    return dict(sorted((name, pid) for name, pid in rows))
