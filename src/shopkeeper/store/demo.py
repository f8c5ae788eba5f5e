"""The project's own demo store, generated deterministically from a seed.

`build_demo(db, seed)` writes the catalog of `demo_catalog.py` expanded into variants, 300 customers
with addresses and payment methods (cards, PayPal, gift cards), and 1,500 orders in every status with
fulfillments and payment histories that add up. Same seed, same store, on any backend. The policy and
FAQ documents that go with it live in `demo_docs/`; indexing them is the knowledge base's job.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shopkeeper.errors import DataError
from shopkeeper.store.db import Database
from shopkeeper.store.demo_catalog import CATALOG
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

__all__ = ["DEMO_DOCS", "build_demo"]

DEMO_DOCS = Path(__file__).parent / "demo_docs"
N_CUSTOMERS = 300
N_ORDERS = 1500
MAX_VARIANTS = 24
EPOCH = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # "today" in the demo store; orders precede it

FIRST = [
    "Ava",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Mateo",
    "Sophia",
    "Lucas",
    "Mia",
    "Ethan",
    "Amara",
    "Kenji",
    "Priya",
    "Diego",
    "Fatima",
    "Omar",
    "Chloe",
    "Yusuf",
    "Isabella",
    "James",
    "Harper",
    "Daniel",
    "Aisha",
    "Leo",
    "Grace",
    "Arjun",
    "Elena",
    "Samuel",
    "Zoe",
    "Ivan",
    "Nora",
    "Hugo",
    "Layla",
    "Felix",
    "Maya",
    "Tariq",
    "Sofia",
    "Andre",
    "Hana",
    "Marcus",
]
LAST = [
    "Garcia",
    "Smith",
    "Nguyen",
    "Patel",
    "Johnson",
    "Kim",
    "Silva",
    "Rossi",
    "Müller",
    "Okafor",
    "Brown",
    "Tanaka",
    "Lopez",
    "Cohen",
    "Ahmed",
    "Martin",
    "Anderson",
    "Novak",
    "Haddad",
    "Fischer",
    "Santos",
    "Walker",
    "Ito",
    "Reyes",
    "Khan",
    "Dubois",
    "Moreno",
    "Larsen",
    "Chen",
    "Wright",
]
STREETS = [
    "Maple Avenue",
    "Oak Street",
    "Cedar Lane",
    "Elm Drive",
    "Pine Road",
    "Willow Way",
    "Birch Court",
    "Lakeview Drive",
    "Sunset Boulevard",
    "River Road",
    "Hillcrest Avenue",
    "Park Place",
    "Meadow Lane",
    "Forest Drive",
]
CITIES = [
    ("Portland", "OR", "972"),
    ("Austin", "TX", "787"),
    ("Denver", "CO", "802"),
    ("Chicago", "IL", "606"),
    ("Boston", "MA", "021"),
    ("Seattle", "WA", "981"),
    ("Atlanta", "GA", "303"),
    ("Phoenix", "AZ", "850"),
    ("Nashville", "TN", "372"),
    ("San Diego", "CA", "921"),
    ("Minneapolis", "MN", "554"),
    ("Raleigh", "NC", "276"),
]
BRANDS = ("visa", "mastercard", "amex", "discover")
# status -> share of orders (every status a real store shows up)
STATUSES = {
    "pending": 0.22,
    "processed": 0.12,
    "shipped": 0.10,
    "delivered": 0.38,
    "cancelled": 0.08,
    "return requested": 0.05,
    "exchange requested": 0.03,
    "pending (item modified)": 0.02,
}


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10 ** (n - 1), 10**n))


def _products(rng: random.Random) -> list[ProductRow]:
    rows = []
    for pos, (category, name, description, base, options) in enumerate(CATALOG):
        combos = list(itertools.product(*options.values()))
        if len(combos) > MAX_VARIANTS:
            combos = sorted(rng.sample(combos, MAX_VARIANTS))
        product = ProductRow(
            id=_digits(rng, 10), name=name, category=category, description=description, position=pos
        )
        for i, combo in enumerate(combos):
            price = round(base * rng.uniform(0.9, 1.15), 2)
            product.variants.append(
                VariantRow(
                    item_id=_digits(rng, 10),
                    options=dict(zip(options, combo, strict=True)),
                    available=rng.random() < 0.8,
                    price_cents=round(price * 100),
                    position=i,
                )
            )
        rows.append(product)
    return rows


def _address(rng: random.Random) -> dict[str, str]:
    city, state, prefix = rng.choice(CITIES)
    return {
        "address1": f"{rng.randrange(10, 9999)} {rng.choice(STREETS)}",
        "address2": rng.choice(["", "", f"Apt {rng.randrange(1, 40)}", f"Suite {rng.randrange(100, 999)}"]),
        "city": city,
        "state": state,
        "country": "USA",
        "zip": prefix + _digits(rng, 2),
    }


def _customers(rng: random.Random) -> list[CustomerRow]:
    rows, seen = [], set()
    for pos in range(N_CUSTOMERS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        cid = f"{first.lower()}_{last.lower()}_{_digits(rng, 4)}"
        while cid in seen:
            cid = f"{first.lower()}_{last.lower()}_{_digits(rng, 4)}"
        seen.add(cid)
        address = _address(rng)
        email = f"{first.lower()}.{last.lower()}{rng.randrange(10, 9999)}@example.com"
        row = CustomerRow(
            id=cid,
            first_name=first,
            last_name=last,
            email=email,
            email_lower=email.lower(),
            address=address,
            zip=address["zip"],
            position=pos,
            order_ids=[],
        )
        kinds = rng.sample(["credit_card", "credit_card", "paypal", "gift_card"], rng.randrange(1, 4))
        for i, kind in enumerate(kinds):
            method = PaymentMethodRow(id=f"{kind}_{_digits(rng, 7)}", source=kind, position=i)
            if kind == "credit_card":
                method.brand, method.last_four = rng.choice(BRANDS), _digits(rng, 4)
            elif kind == "gift_card":
                method.balance_cents = rng.randrange(0, 300) * 100
            row.payment_methods.append(method)
        rows.append(row)
    return rows


def _order(
    rng: random.Random, oid: str, customer: CustomerRow, products: list[ProductRow], pos: int
) -> OrderRow:
    status = rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0]
    age_days = rng.uniform(0.2, 6) if status.startswith("pending") else rng.uniform(2, 180)
    order = OrderRow(
        id=oid,
        customer_id=customer.id,
        status=status,
        placed_at=EPOCH - timedelta(days=age_days),
        position=pos,
        address=dict(customer.address) if rng.random() < 0.9 else _address(rng),
    )
    picks = rng.sample(products, rng.choice([1, 1, 1, 2, 2, 3, 4]))
    for i, product in enumerate(picks):
        variant = rng.choice(product.variants)
        order.lines.append(
            OrderLineRow(
                position=i,
                name=product.name,
                product_id=product.id,
                item_id=variant.item_id,
                price_cents=variant.price_cents,
                options=dict(variant.options),
            )
        )
    total = sum(line.price_cents for line in order.lines)
    methods = [
        m for m in customer.payment_methods if m.source != "gift_card" or (m.balance_cents or 0) >= total
    ]
    method = rng.choice(methods or customer.payment_methods)
    order.transactions.append(
        TransactionRow(
            position=0, transaction_type="payment", amount_cents=total, payment_method_id=method.id
        )
    )
    item_ids = [line.item_id for line in order.lines]
    if status in ("processed", "shipped", "delivered", "return requested", "exchange requested"):
        order.fulfillments.append(
            FulfillmentRow(position=0, tracking_ids=[_digits(rng, 12)], item_ids=item_ids)
        )
    if status == "cancelled":
        order.cancel_reason = rng.choice(["no longer needed", "ordered by mistake"])
        order.transactions.append(
            TransactionRow(
                position=1, transaction_type="refund", amount_cents=total, payment_method_id=method.id
            )
        )
    elif status == "return requested":
        order.return_items = sorted(rng.sample(item_ids, rng.randrange(1, len(item_ids) + 1)))
        order.return_payment_method_id = method.id
    elif status == "exchange requested":
        line = order.lines[0]
        product = next(p for p in products if p.id == line.product_id)
        new = rng.choice(product.variants)
        order.exchange_items, order.exchange_new_items = [line.item_id], [new.item_id]
        order.exchange_payment_method_id = method.id
        order.exchange_price_difference_cents = new.price_cents - line.price_cents
    return order


def build_demo(db: Database, seed: int = 7) -> dict[str, Any]:
    """Write the demo store into an empty database; refuses to mix with existing data."""
    rng = random.Random(seed)
    products = _products(rng)
    customers = _customers(rng)
    orders, used = [], set()
    for pos in range(N_ORDERS):
        customer = customers[pos % N_CUSTOMERS] if pos < N_CUSTOMERS else rng.choice(customers)
        oid = f"#W{_digits(rng, 7)}"
        while oid in used:
            oid = f"#W{_digits(rng, 7)}"
        used.add(oid)
        orders.append(_order(rng, oid, customer, products, pos))
        customer.order_ids = [*customer.order_ids, oid]
    with db.transaction() as s:
        if s.query(ProductRow).first() is not None or s.query(CustomerRow).first() is not None:
            raise DataError(
                "The database already holds a store; build the demo into an empty database (another --db)."
            )
        s.add_all(products)
        s.add_all(customers)
        s.flush()
        s.add_all(orders)
    statuses: dict[str, int] = {}
    for o in orders:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    return {
        "products": len(products),
        "variants": sum(len(p.variants) for p in products),
        "customers": len(customers),
        "orders": len(orders),
        "statuses": statuses,
    }
