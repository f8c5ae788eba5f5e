"""Catalog search, "is it in stock?" and recommendations served from a real Medusa store through the
store seam: Medusa's products, prices and stock, and a stock change made in Medusa seen at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from shopkeeper.catalog import search_catalog
from shopkeeper.domain import Customer, Order, Product
from shopkeeper.recommend import recommend_for_customer, recommender_from_store
from shopkeeper.store.medusa import MedusaBackend

pytestmark = pytest.mark.timeout(2400)  # the first Medusa test may install, migrate and seed Medusa

Pick = Callable[..., tuple[Customer, Order]]
_LEVELS = "variants.inventory_items.inventory.location_levels"


@pytest.fixture(scope="module")
def catalog(backend: MedusaBackend) -> list[Product]:
    return backend.list_products()


def _levels(backend: MedusaBackend, product_id: str) -> list[tuple[str, str, int, int]]:
    """(inventory item, location, stocked, reserved) of every variant of a product, from the Admin API."""
    raw = backend.client.get(
        f"/admin/products/{product_id}",
        fields=f"variants.inventory_items.inventory.id,{_LEVELS}.location_id,"
        f"{_LEVELS}.stocked_quantity,{_LEVELS}.reserved_quantity",
    )["product"]
    return [
        (
            item["inventory"]["id"],
            lv["location_id"],
            int(lv["stocked_quantity"]),
            int(lv["reserved_quantity"]),
        )
        for v in raw["variants"]
        for item in v["inventory_items"]
        for lv in item["inventory"]["location_levels"]
    ]


@pytest.fixture
def sold_out(backend: MedusaBackend, catalog: list[Product]) -> Iterator[Product]:
    """A product with nothing reserved whose stock is set to 0 in Medusa, restored afterwards."""
    for product in catalog:
        levels = _levels(backend, product.id)
        if levels and all(reserved == 0 for *_, reserved in levels):
            break
    else:
        raise AssertionError("every product has reserved stock; restore the store with medusa/run.sh --fresh")

    def set_stock(quantities: list[int]) -> None:
        for (item, location, *_), quantity in zip(levels, quantities, strict=True):
            backend.client.post(
                f"/admin/inventory-items/{item}/location-levels/{location}", {"stocked_quantity": quantity}
            )

    set_stock([0] * len(levels))
    try:
        yield product
    finally:
        set_stock([stocked for _, _, stocked, _ in levels])


def test_search_answers_from_medusa_products_prices_and_stock(
    backend: MedusaBackend, catalog: list[Product]
) -> None:
    assert len(catalog) == 64 and all(p.id.startswith("prod_") for p in catalog)
    product = next(p for p in catalog if sum(v.available for v in p.variants) >= 2)
    matches = search_catalog(catalog, f"is the {product.name.lower()} in stock?", limit=3)
    assert matches[0].product.id == product.id
    in_stock = matches[0].in_stock
    assert in_stock and all(v.item_id.startswith("variant_") and (v.stock or 0) > 0 for v in in_stock)
    assert f"{len(in_stock)} of {len(product.variants)} variant(s)" in matches[0].describe()
    cheapest = min(v.price_cents for v in product.variants)
    under = search_catalog(catalog, f"{product.name.lower()} under ${cheapest / 100 + 0.01:.2f}")
    assert under[0].variants and all(v.price_cents <= cheapest for v in under[0].variants)


def test_a_product_sold_out_in_medusa_is_out_of_stock_at_once(
    backend: MedusaBackend, sold_out: Product
) -> None:
    fresh = backend.get_product(sold_out.id)
    assert not any(v.available for v in fresh.variants) and {v.stock for v in fresh.variants} == {0}
    catalog = backend.list_products()
    match = search_catalog(catalog, f"do you have the {sold_out.name.lower()} in stock?")[0]
    assert match.product.id == sold_out.id and "none in stock right now" in match.describe()
    shopper = recommender_from_store(backend).for_shopper([sold_out.name.lower()], k=5)
    assert sold_out.id not in {r.product_id for r in shopper}


def test_recommendations_come_from_medusa_and_are_in_stock(
    backend: MedusaBackend, catalog: list[Product], pick: Pick
) -> None:
    customer, _ = pick("delivered", take=False)
    bought = {line.product_id for o in backend.list_orders(customer.id) for line in o.lines}
    picks = recommend_for_customer(backend, customer.id, k=3)
    variants = {v.item_id: v for p in catalog for v in p.variants}
    assert len(picks) == 3
    for rec in picks:
        assert rec.product_id not in bought and variants[rec.item_id].available
        assert rec.price_cents == variants[rec.item_id].price_cents and rec.reason
