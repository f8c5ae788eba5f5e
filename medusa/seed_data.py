"""Write the seed of Shopkeeper's Medusa store as JSON (stdout): the demo catalog, customers, orders.

The catalog is the built-in demo's (`shopkeeper.store.demo_catalog`), expanded into variants with
prices and stock the way the demo store does; customers and orders are fewer than the demo's (every
order is made through Medusa's workflows, which takes time) but every customer has orders in each
status the agent handles. `src/scripts/seed.js` turns this into Medusa records. Deterministic.

Run: PYTHONPATH=../src python3 seed_data.py > .runtime/seed.json
"""

from __future__ import annotations

import itertools
import json
import random
import sys

from shopkeeper.store.demo_catalog import CATALOG

MAX_VARIANTS = 24
FIRST = ["Ava", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Priya", "Kenji"]
LAST = ["Garcia", "Nguyen", "Patel", "Kim", "Silva", "Rossi", "Okafor", "Tanaka"]
STREETS = ["Maple Avenue", "Oak Street", "Cedar Lane", "Elm Drive", "Pine Road", "Willow Way"]
CITIES = [
    ("Portland", "OR", "972"),
    ("Austin", "TX", "787"),
    ("Denver", "CO", "802"),
    ("Boston", "MA", "021"),
]
# Each customer's orders, one per status ("pending" twice: one to cancel, one to change).
STATUSES = [
    "pending",
    "pending",
    "processed",
    "shipped",
    "delivered",
    "delivered",
    "cancelled",
    "return requested",
    "exchange requested",
]


def _products(rng: random.Random) -> list[dict[str, object]]:
    products = []
    for category, name, description, base, options in CATALOG:
        combos = list(itertools.product(*options.values()))
        if len(combos) > MAX_VARIANTS:
            combos = sorted(rng.sample(combos, MAX_VARIANTS))
        variants = [
            {
                "options": dict(zip(options, combo, strict=True)),
                "price": round(base * rng.uniform(0.9, 1.15), 2),
                "stock": rng.choice([5, 10, 25]) if rng.random() < 0.8 else 0,
            }
            for combo in combos
        ]
        # The first variant stays in stock and so do its neighbours: orders pick from these.
        for v in variants[:4]:
            v["stock"] = max(int(str(v["stock"])), 50)
        products.append(
            {
                "title": name,
                "category": category,
                "description": description,
                "options": {k: list(v) for k, v in options.items()},
                "variants": variants,
            }
        )
    return products


def _customers(rng: random.Random, products: list[dict[str, object]]) -> list[dict[str, object]]:
    customers = []
    for i, (first, last) in enumerate(zip(FIRST, LAST, strict=True)):
        city, state, prefix = CITIES[i % len(CITIES)]
        address = {
            "address_1": f"{rng.randrange(10, 9999)} {rng.choice(STREETS)}",
            "address_2": rng.choice(["", f"Apt {rng.randrange(1, 40)}"]),
            "city": city,
            "province": state,
            "country_code": "us",
            "postal_code": f"{prefix}{rng.randrange(10, 99)}",
        }
        orders = []
        for status in STATUSES:
            picks = rng.sample(range(len(products)), rng.choice([1, 2, 2, 3]))
            items = [[p, rng.randrange(0, min(4, len(products[p]["variants"])))] for p in picks]  # type: ignore[arg-type]
            orders.append({"status": status, "items": items})
        customers.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"{first.lower()}.{last.lower()}{rng.randrange(10, 9999)}@example.com",
                "phone": f"555{rng.randrange(1000000, 9999999)}",
                "address": address,
                "orders": orders,
            }
        )
    return customers


def main() -> None:
    rng = random.Random(7)
    products = _products(rng)
    json.dump({"products": products, "customers": _customers(rng, products)}, sys.stdout)


if __name__ == "__main__":
    main()
