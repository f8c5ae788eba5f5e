"""Medusa Admin API records -> Shopkeeper's domain records, and the order statuses between them.

Identifiers: an order is known by its Medusa display number as text ("1001"), what staff and
customers see; customers, products and variants keep their Medusa ids (`cus_...`, `prod_...`,
`variant_...`). An order line of quantity n becomes n `OrderLine`s of the variant, as the agent counts
items one by one. Money: Medusa v2 stores decimal amounts in the currency's main unit; the domain
uses integer cents.

Status, from Medusa's order, fulfilment and return records:

| Medusa                                                   | Shopkeeper                |
|----------------------------------------------------------|---------------------------|
| order `canceled`                                         | `cancelled`               |
| an open return that belongs to an exchange               | `exchange requested`      |
| an open return                                           | `return requested`        |
| fulfilment status delivered / partially delivered        | `delivered`               |
| shipped / partially shipped                              | `shipped`                 |
| fulfilled / partially fulfilled (packed, not shipped)    | `processed`               |
| not fulfilled, with a confirmed order edit               | `pending (item modified)` |
| not fulfilled                                            | `pending`                 |

Pure functions; no HTTP here.
"""

from __future__ import annotations

from typing import Any

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
    cents,
)

__all__ = [
    "ORDER_FIELDS",
    "PRODUCT_FIELDS",
    "address_payload",
    "order_status",
    "to_address",
    "to_customer",
    "to_order",
    "to_payment_method",
    "to_product",
]

Json = dict[str, Any]

ORDER_FIELDS = ",".join(
    [
        "id",
        "display_id",
        "status",
        "fulfillment_status",
        "payment_status",
        "created_at",
        "customer_id",
        "email",
        "metadata",
        "*shipping_address",
        "items.id",
        "items.quantity",
        "items.unit_price",
        "items.title",
        "items.product_title",
        "items.product_id",
        "items.variant_id",
        "items.variant.options.value",
        "items.variant.options.option.title",
        "fulfillments.id",
        "fulfillments.canceled_at",
        "fulfillments.labels.tracking_number",
        "fulfillments.items.line_item_id",
        "payment_collections.payments.id",
        "payment_collections.payments.amount",
        "payment_collections.payments.provider_id",
        "payment_collections.payments.canceled_at",
        "payment_collections.payments.refunds.amount",
        "returns.id",
        "returns.status",
        "returns.exchange_id",
        "returns.metadata",
        "returns.canceled_at",
        "*returns.items",
    ]
)
PRODUCT_FIELDS = ",".join(
    [
        "id",
        "title",
        "subtitle",
        "description",
        "metadata",
        "type.value",
        "variants.id",
        "variants.title",
        "variants.manage_inventory",
        "variants.allow_backorder",
        "variants.options.value",
        "variants.options.option.title",
        "variants.prices.amount",
        "variants.prices.currency_code",
        "variants.inventory_items.inventory.location_levels.stocked_quantity",
        "variants.inventory_items.inventory.location_levels.reserved_quantity",
    ]
)
_OPEN_RETURN = ("requested", "received", "partially_received")


def _text(value: Any) -> str:
    return str(value or "").strip()


def to_address(raw: Json | None) -> Address:
    raw = raw or {}
    return Address(
        address1=_text(raw.get("address_1")),
        address2=_text(raw.get("address_2")),
        city=_text(raw.get("city")),
        state=_text(raw.get("province")).upper(),
        country=_text(raw.get("country_code")).upper(),
        zip=_text(raw.get("postal_code")),
    )


def address_payload(address: Address) -> Json:
    """A domain address as Medusa's address fields."""
    country = address.country.strip().lower()
    return {
        "address_1": address.address1,
        "address_2": address.address2,
        "city": address.city,
        "province": address.state.lower(),
        "country_code": {"usa": "us", "united states": "us"}.get(country, country),
        "postal_code": address.zip,
    }


def to_payment_method(provider_id: str) -> PaymentMethod:
    """A Medusa payment provider as a payment method: Medusa keeps no saved cards by default, so a
    customer's methods are the providers their orders were paid with."""
    if "paypal" in provider_id:
        return PaymentMethod(id=provider_id, source="paypal")
    if "gift" in provider_id:
        return PaymentMethod(id=provider_id, source="gift_card")
    return PaymentMethod(id=provider_id, source="credit_card", brand="card on file")


def _default_address(raw: Json) -> Json | None:
    addresses: list[Json] = raw.get("addresses") or []
    for flag in ("is_default_shipping", "is_default_billing"):
        for a in addresses:
            if a.get(flag):
                return a
    return addresses[0] if addresses else None


def to_customer(raw: Json, orders: list[Json]) -> Customer:
    providers = dict.fromkeys(
        p["provider_id"]
        for o in orders
        for c in o.get("payment_collections") or []
        for p in c.get("payments") or []
        if p.get("provider_id")
    )
    return Customer(
        id=raw["id"],
        first_name=_text(raw.get("first_name")),
        last_name=_text(raw.get("last_name")),
        email=_text(raw.get("email")),
        address=to_address(_default_address(raw)),
        payment_methods=tuple(to_payment_method(p) for p in providers),
        order_ids=tuple(str(o["display_id"]) for o in orders),
    )


def _quantity(item: Json) -> int:
    """An item's quantity; some relations carry only Medusa's raw BigNumber form."""
    value = item.get("quantity")
    if value is None:
        value = (item.get("raw_quantity") or {}).get("value", 1)
    return int(float(value))


def _options(variant: Json | None) -> dict[str, str]:
    return {
        _text((o.get("option") or {}).get("title")): _text(o.get("value"))
        for o in (variant or {}).get("options") or []
    }


def order_status(raw: Json, edited: bool) -> str:
    if raw.get("status") == "canceled":
        return "cancelled"
    open_returns = [r for r in raw.get("returns") or [] if r.get("status") in _OPEN_RETURN]
    if any(r.get("exchange_id") for r in open_returns):
        return "exchange requested"
    if open_returns:
        return "return requested"
    fulfilment = raw.get("fulfillment_status") or "not_fulfilled"
    if "delivered" in fulfilment:
        return "delivered"
    if "shipped" in fulfilment:
        return "shipped"
    if "fulfilled" in fulfilment and fulfilment != "not_fulfilled":
        return "processed"
    return "pending (item modified)" if edited else "pending"


def to_order(raw: Json, *, edited: bool = False, exchange: Json | None = None) -> Order:
    """`edited`: the order has a confirmed order edit. `exchange`: its open exchange, if any, with
    `additional_items` (the items sent out, kept apart from the order's own lines)."""
    outbound = {i.get("item_id") or i.get("id") for i in (exchange or {}).get("additional_items") or []}
    items: list[Json] = raw.get("items") or []
    variant_of = {i["id"]: i.get("variant_id") or "" for i in items}
    lines: list[OrderLine] = []
    for item in items:
        if item["id"] in outbound:
            continue
        for _ in range(int(item.get("quantity") or 0)):
            lines.append(
                OrderLine(
                    position=len(lines),
                    name=_text(item.get("product_title") or item.get("title")),
                    product_id=item.get("product_id") or "",
                    item_id=item.get("variant_id") or "",
                    price_cents=cents(item.get("unit_price") or 0),
                    options=_options(item.get("variant")),
                )
            )
    payments: list[Transaction] = []
    for collection in raw.get("payment_collections") or []:
        for p in collection.get("payments") or []:
            if p.get("canceled_at"):
                continue
            provider = p.get("provider_id") or ""
            payments.append(
                Transaction(
                    transaction_type="payment", amount_cents=cents(p["amount"]), payment_method_id=provider
                )
            )
            for refund in p.get("refunds") or []:
                payments.append(
                    Transaction(
                        transaction_type="refund",
                        amount_cents=cents(refund["amount"]),
                        payment_method_id=provider,
                    )
                )
    status = order_status(raw, edited)
    returns = [r for r in raw.get("returns") or [] if r.get("status") in _OPEN_RETURN]
    plain = [r for r in returns if not r.get("exchange_id")]
    swapped = [r for r in returns if r.get("exchange_id")]
    metadata: Json = raw.get("metadata") or {}

    def variants(rets: list[Json]) -> tuple[str, ...] | None:
        if not rets:
            return None
        found = [
            variant_of.get(i["item_id"], "")
            for r in rets
            for i in r.get("items") or []
            for _ in range(_quantity(i))
        ]
        return tuple(sorted(found))

    original = payments[0].payment_method_id if payments else None
    new_items = None
    if exchange:
        new_items = tuple(
            sorted(
                variant_of.get(i.get("item_id") or "", "")
                for i in exchange.get("additional_items") or []
                for _ in range(_quantity(i))
            )
        )
    return Order(
        id=str(raw["display_id"]),
        customer_id=raw.get("customer_id") or "",
        status=status,
        address=to_address(raw.get("shipping_address")),
        lines=tuple(lines),
        fulfillments=tuple(
            Fulfillment(
                tracking_ids=tuple(
                    _text(label.get("tracking_number"))
                    for label in f.get("labels") or []
                    if label.get("tracking_number")
                ),
                # Medusa returns a fulfillment's items in no fixed order: sorted, so two reads compare equal.
                item_ids=tuple(
                    sorted(variant_of.get(i.get("line_item_id"), "") for i in f.get("items") or [])
                ),
            )
            for f in sorted(raw.get("fulfillments") or [], key=lambda f: str(f.get("id", "")))
            if not f.get("canceled_at")
        ),
        payments=tuple(payments),
        cancel_reason=metadata.get("shopkeeper_cancel_reason") if status == "cancelled" else None,
        return_items=variants(plain),
        return_payment_method_id=original if plain else None,
        exchange_items=variants(swapped),
        exchange_new_items=new_items if swapped else None,
        exchange_payment_method_id=original if swapped else None,
        exchange_price_difference_cents=_difference(items, swapped, exchange) if swapped else None,
        placed_at=raw.get("created_at"),
    )


def _difference(items: list[Json], returns: list[Json], exchange: Json | None) -> int:
    """What the items sent out cost more (or less) than the items sent back, in cents."""
    price = {i["id"]: cents(i.get("unit_price") or 0) for i in items}
    sent = (exchange or {}).get("additional_items") or []
    out = sum(price.get(i.get("item_id") or "", 0) * _quantity(i) for i in sent)
    back = sum(price.get(i["item_id"], 0) * _quantity(i) for r in returns for i in r.get("items") or [])
    return out - back


def to_product(raw: Json, currency: str = "usd") -> Product:
    variants = []
    for v in raw.get("variants") or []:
        price = next((p["amount"] for p in v.get("prices") or [] if p.get("currency_code") == currency), None)
        if price is None:
            continue  # not sold in this currency
        stock = None
        if v.get("manage_inventory"):
            levels = [
                level
                for item in v.get("inventory_items") or []
                for level in ((item.get("inventory") or {}).get("location_levels") or [])
            ]
            stock = sum(
                int(lv.get("stocked_quantity") or 0) - int(lv.get("reserved_quantity") or 0) for lv in levels
            )
        variants.append(
            Variant(
                item_id=v["id"],
                product_id=raw["id"],
                options=_options(v),
                available=stock is None or stock > 0 or bool(v.get("allow_backorder")),
                price_cents=cents(price),
                stock=stock,
            )
        )
    metadata: Json = raw.get("metadata") or {}
    category = metadata.get("category") or (raw.get("type") or {}).get("value") or raw.get("subtitle")
    return Product(
        id=raw["id"],
        name=_text(raw.get("title")),
        category=_text(category) or None,
        description=_text(raw.get("description")) or None,
        variants=tuple(variants),
    )
